// No registry at the path.
fn main() {
    knhk_runtime::event!(registry = "$KNHK_UI_REGISTRIES/nowhere", INFO, "shop.order.placed", shop.order.id = "A-17");
}
