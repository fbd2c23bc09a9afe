// With `span = ..`, only that group's attributes.
#[derive(knhk_runtime::Instrument)]
#[instrument(registry = "$KNHK_UI_REGISTRIES/shop", span = "span.shop.checkout")]
struct Checkout {
    #[instrument(attr = "shop.order.id")]
    id: String,
    #[instrument(attr = "shop.order.total")]
    total: f64,
}

fn main() {}
