// `tracing` has no array values: a `string[]` attribute cannot be recorded.
fn main() {
    knhk_runtime::event!(registry = "$KNHK_UI_REGISTRIES/shop", INFO, "shop.order.placed", shop.order.id = "A-17", shop.order.tags = ["gift"]);
}
