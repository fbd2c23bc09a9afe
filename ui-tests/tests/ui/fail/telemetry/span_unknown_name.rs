// The span is not in the registry (an event's name is not a span's).
fn main() {
    let _span = knhk_runtime::span!(registry = "$KNHK_UI_REGISTRIES/shop", INFO, "shop.order.placed", shop.order.id = "A-17");
}
