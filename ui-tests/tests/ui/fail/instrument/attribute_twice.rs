// One attribute given to two fields.
#[derive(knhk_runtime::Instrument)]
#[instrument(registry = "$KNHK_UI_REGISTRIES/shop")]
struct Order {
    #[instrument(attr = "shop.order.id")]
    id: String,
    #[instrument(attr = "shop.order.id")]
    also_id: String,
}

fn main() {}
