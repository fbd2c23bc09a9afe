// An attribute the event does not declare.
fn main() {
    knhk_runtime::event!(registry = "$KNHK_UI_REGISTRIES/shop", INFO, "shop.order.placed", shop.order.id = "A-17", shop.order.line = 3);
}
