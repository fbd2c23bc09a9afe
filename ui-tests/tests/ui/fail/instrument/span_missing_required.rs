// A required attribute of the span group that no field records.
#[derive(knhk_runtime::Instrument)]
#[instrument(registry = "$KNHK_UI_REGISTRIES/shop", span = "span.shop.payment")]
struct Payment {
    #[instrument(attr = "shop.state")]
    state: String,
}

fn main() {}
