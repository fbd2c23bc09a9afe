// `#[derive(Instrument)]` expands to a `span` that is the `tracing::span!` one would
// write by hand (each recorded field through the inlined `attribute_value`), and an
// `instrument_call` that runs the closure in it.
#[derive(knhk_runtime::Instrument)]
#[instrument(registry = "$KNHK_UI_REGISTRIES/shop", span = "span.shop.payment", level = "debug")]
pub struct Payment<'a> {
    #[instrument(attr = "shop.order.id")]
    order: &'a str,
    #[instrument(attr = "shop.order.total")]
    total: f64,
    #[instrument(skip)]
    card: String,
}
