// `span = ..` names a registry span group (its name and kind), with `level` and
// `target`; the span is enabled at that level under that target.
use knhk_runtime::Instrument;

#[derive(Instrument)]
#[instrument(
    registry = "$KNHK_UI_REGISTRIES/shop",
    span = "span.shop.payment",
    level = "debug",
    target = "shop::payments"
)]
pub struct Payment {
    #[instrument(attr = "shop.order.id")]
    pub order: String,
    #[instrument(attr = "shop.order.total")]
    pub total: f64,
}

fn main() {
    let payment = Payment { order: String::from("A-17"), total: 12.5 };
    let charged = payment.instrument_call("charge", || payment.total * 2.0);
    assert_eq!(charged, 25.0);
}
