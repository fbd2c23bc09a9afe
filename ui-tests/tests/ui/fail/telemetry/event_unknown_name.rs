// The event's name is not in the registry: a typo, with the closest name offered.
fn main() {
    knhk_runtime::event!(registry = "$KNHK_UI_REGISTRIES/shop", INFO, "shop.order.placd", shop.order.id = "A-17");
}
