// A field whose type cannot carry the attribute's: `shop.order.lines` is an `int`.
#[derive(knhk_runtime::Instrument)]
#[instrument(registry = "$KNHK_UI_REGISTRIES/shop")]
struct Order {
    #[instrument(attr = "shop.order.lines")]
    lines: String,
}

fn main() {}
