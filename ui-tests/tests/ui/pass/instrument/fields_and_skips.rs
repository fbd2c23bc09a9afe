// Fields with `attr` are recorded, `skip` and unmarked fields are not; every attribute
// type has a field type that carries it (integers, floats, strings, enums as the
// generated enum or a string, arrays as slices, Vecs and arrays, a type alias as what
// it names); generics, lifetimes and where-clauses stay as written.
use knhk_runtime::Instrument;

mod semconv {
    knhk_runtime::semconv!("$KNHK_UI_REGISTRIES/shop");
}

#[derive(Instrument)]
#[instrument(registry = "$KNHK_UI_REGISTRIES/shop")]
struct Order<'a, Tags>
where
    Tags: AsRef<[&'static str]>,
{
    #[instrument(attr = "shop.order.id")]
    id: &'a str,
    #[instrument(attr = "shop.order.lines")]
    lines: u16,
    #[instrument(attr = "shop.order.total")]
    total: f32,
    #[instrument(attr = "shop.state")]
    state: semconv::ShopState,
    #[instrument(attr = "shop.order.tags")]
    tags: Vec<&'static str>,
    #[instrument(skip)]
    card: String,
    unmarked: Tags,
}

#[derive(Instrument)]
#[instrument(registry = "$KNHK_UI_REGISTRIES/shop")]
struct Tagged<T> {
    // A generic field is bounded where the impl is, not judged at the call.
    #[instrument(attr = "shop.order.tags")]
    tags: T,
    #[instrument(attr = "shop.state")]
    state: String,
}

#[derive(Instrument)]
#[instrument(registry = "$KNHK_UI_REGISTRIES/shop")]
struct Pair(#[instrument(attr = "shop.order.id")] String, #[instrument(attr = "shop.order.lines")] u64);

/// An alias is judged as the type it names.
type LineCount = u32;

#[derive(Instrument)]
#[instrument(registry = "$KNHK_UI_REGISTRIES/shop")]
struct Borrowed<'a> {
    #[instrument(attr = "shop.order.tags")]
    tags: &'a [&'a str],
    #[instrument(attr = "shop.order.lines")]
    lines: LineCount,
}

#[derive(Instrument)]
struct Unit;

fn main() {
    let order = Order {
        id: "A-17",
        lines: 3,
        total: 12.5,
        state: semconv::ShopState::Open,
        tags: vec!["gift"],
        card: String::from("4111"),
        unmarked: ["x"],
    };
    assert_eq!(order.instrument_call("checkout", || order.lines + 1), 4);
    let _span = order.span("checkout");
    let _ = (&order.card, order.unmarked.as_ref());
    let tagged = Tagged { tags: ["gift", "express"], state: String::from("closed") };
    assert!(tagged.instrument_call("tag", || true));
    let pair = Pair(String::from("B-2"), 2);
    assert_eq!(pair.instrument_call("pair", || pair.1), 2);
    let tags = ["gift"];
    let borrowed = Borrowed { tags: &tags, lines: 1 };
    assert_eq!(borrowed.instrument_call("borrowed", || borrowed.lines), 1);
    assert_eq!(Unit.instrument_call("unit", || 7), 7);
}
