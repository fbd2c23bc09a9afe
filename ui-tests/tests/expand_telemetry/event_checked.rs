// `event!` and `span!` expand to the `tracing` calls one would write by hand: each
// typed value passes through an inlined `attribute_value` (a copy or a borrow).
fn placed(id: &str, lines: u64) {
    knhk_runtime::event!(
        registry = "$KNHK_UI_REGISTRIES/shop",
        INFO,
        "shop.order.placed",
        shop.order.id = id,
        shop.order.lines = lines,
        code.function.name = %module_path!(),
        "placed",
    );
    let _span = knhk_runtime::span!(
        registry = "$KNHK_UI_REGISTRIES/shop",
        DEBUG,
        "shop.checkout",
        shop.order.id = id,
        shop.order.lines = _,
    );
}
