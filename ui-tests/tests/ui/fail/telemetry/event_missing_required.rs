// The event's required attribute is not given.
fn main() {
    knhk_runtime::event!(registry = "$KNHK_UI_REGISTRIES/shop", INFO, "shop.order.placed", shop.order.lines = 3);
}
