// `_` (recorded later) is for spans; an event records when it is emitted.
fn main() {
    knhk_runtime::event!(registry = "$KNHK_UI_REGISTRIES/shop", INFO, "shop.order.placed", shop.order.id = "A-17", shop.order.lines = _);
}
