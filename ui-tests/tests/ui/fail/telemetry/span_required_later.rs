// A required attribute cannot be left for later.
fn main() {
    let _span = knhk_runtime::span!(registry = "$KNHK_UI_REGISTRIES/shop", INFO, "shop.checkout", shop.order.id = _);
}
