// The level is one of TRACE, DEBUG, INFO, WARN, ERROR.
fn main() {
    knhk_runtime::event!(registry = "$KNHK_UI_REGISTRIES/shop", NOTICE, "shop.order.placed", shop.order.id = "A-17");
}
