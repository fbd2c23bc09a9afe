// event! and span! against a registry, with every way of writing a value; the
// registry's constants and keys generated beside them.
mod semconv {
    knhk_runtime::semconv!("$KNHK_UI_REGISTRIES/shop");
}

/// A newtype recorded as the integer it wraps.
struct Lines(u32);
impl knhk_runtime::semconv::Value<i64> for Lines {
    type Recorded<'a> = u32;
    fn recorded(&self) -> u32 {
        self.0
    }
}

type OrderId<'a> = &'a str;

fn main() {
    let id: OrderId<'_> = "A-17";
    let owned = String::from("B-2");
    knhk_runtime::event!(registry = "$KNHK_UI_REGISTRIES/shop", INFO, "shop.order.placed", shop.order.id = id);
    knhk_runtime::event!(
        registry = "$KNHK_UI_REGISTRIES/shop",
        target = "shop",
        WARN,
        "shop.order.placed",
        shop.order.id = owned,
        shop.order.lines = Lines(3),
        shop.order.total = 12.5,
        shop.state = semconv::ShopState::Open.as_str(),
        code.function.name = %module_path!(),
        "placed {} lines", 3,
    );
    let span = knhk_runtime::span!(
        registry = "$KNHK_UI_REGISTRIES/shop",
        DEBUG,
        "shop.checkout",
        shop.order.id = ?id,
        shop.order.lines = _,
    );
    span.record(semconv::SHOP_ORDER_LINES, 3);
    semconv::keys::SHOP_ORDER_LINES.record(&span, Lines(4));
    semconv::keys::SHOP_STATE.record(&span, semconv::ShopState::Open);
    // An enum value is a string attribute's value too.
    knhk_runtime::event!(
        registry = "$KNHK_UI_REGISTRIES/shop",
        INFO,
        "shop.order.placed",
        shop.order.id = id,
        shop.state = semconv::ShopState::Open,
    );
    let key: knhk_runtime::semconv::Key<f64> = semconv::keys::SHOP_ORDER_TOTAL;
    assert_eq!(key.name(), "shop.order.total");
    assert_eq!(semconv::events::SHOP_ORDER_PLACED, "shop.order.placed");
    let size = semconv::metrics::SHOP_ORDER_SIZE;
    assert_eq!((size.name(), size.unit()), ("shop.order.size", "{line}"));
    assert_eq!(size.instrument(), knhk_runtime::semconv::Instrument::Histogram);
}
