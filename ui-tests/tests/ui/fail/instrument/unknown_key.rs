// A key `#[instrument]` does not have, with a did-you-mean.
#[derive(knhk_runtime::Instrument)]
#[instrument(registry = "$KNHK_UI_REGISTRIES/shop")]
struct Order {
    #[instrument(atr = "shop.order.id")]
    id: String,
}

fn main() {}
