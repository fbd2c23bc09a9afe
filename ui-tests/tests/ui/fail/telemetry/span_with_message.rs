// A span has no message.
fn main() {
    let _span = knhk_runtime::span!(registry = "$KNHK_UI_REGISTRIES/shop", INFO, "shop.checkout", shop.order.id = "A-17", "checking out");
}
