// The event's name is a string literal, not a path.
fn main() {
    knhk_runtime::event!(registry = "$KNHK_UI_REGISTRIES/shop", INFO, shop.order.placed, shop.order.id = "A-17");
}
