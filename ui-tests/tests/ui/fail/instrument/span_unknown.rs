// `span = ..` naming no group, with a did-you-mean.
#[derive(knhk_runtime::Instrument)]
#[instrument(registry = "$KNHK_UI_REGISTRIES/shop", span = "span.shop.chekout")]
struct Order {
    #[instrument(attr = "shop.order.id")]
    id: String,
}

fn main() {}
