// `attr` takes the attribute's name as a string.
#[derive(knhk_runtime::Instrument)]
#[instrument(registry = "$KNHK_UI_REGISTRIES/shop")]
struct Order {
    #[instrument(attr = shop.order.id)]
    id: String,
}

fn main() {}
