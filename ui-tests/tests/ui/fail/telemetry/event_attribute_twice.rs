// The same attribute given twice.
fn main() {
    knhk_runtime::event!(registry = "$KNHK_UI_REGISTRIES/shop", INFO, "shop.order.placed", shop.order.id = "A-17", shop.order.id = "A-18");
}
