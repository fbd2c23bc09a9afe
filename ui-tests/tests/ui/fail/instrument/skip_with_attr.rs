// `skip` and `attr` on one field.
#[derive(knhk_runtime::Instrument)]
#[instrument(registry = "$KNHK_UI_REGISTRIES/shop")]
struct Order {
    #[instrument(attr = "shop.order.id", skip)]
    id: String,
}

fn main() {}
