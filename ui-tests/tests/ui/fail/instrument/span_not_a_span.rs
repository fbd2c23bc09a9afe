// `span = ..` naming an event group.
#[derive(knhk_runtime::Instrument)]
#[instrument(registry = "$KNHK_UI_REGISTRIES/shop", span = "event.shop.order.placed")]
struct Order {
    #[instrument(attr = "shop.order.id")]
    id: String,
}

fn main() {}
