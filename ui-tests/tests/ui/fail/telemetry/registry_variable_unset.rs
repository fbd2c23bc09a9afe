// The path's base variable is not set.
fn main() {
    knhk_runtime::event!(registry = "$KNHK_NO_SUCH_VARIABLE/shop", INFO, "shop.order.placed", shop.order.id = "A-17");
}
