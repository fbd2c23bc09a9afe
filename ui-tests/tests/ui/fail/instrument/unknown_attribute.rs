// An attribute the registry does not have, with a did-you-mean.
#[derive(knhk_runtime::Instrument)]
#[instrument(registry = "$KNHK_UI_REGISTRIES/shop")]
struct Order {
    #[instrument(attr = "shop.order.idd")]
    id: String,
}

fn main() {}
