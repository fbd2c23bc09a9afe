// The level comes first, before the event's name.
fn main() {
    knhk_runtime::event!(registry = "$KNHK_UI_REGISTRIES/shop", "shop.order.placed", shop.order.id = "A-17");
}
