//! `crate = path,` first in `semconv!`, `event!` and `span!`: the expansion reaches
//! knhk-runtime (and `tracing` through it) by the path given. The runtime is here only
//! as `renamed_knhk`, and `knhk_runtime` names `core`, so an expansion that still said
//! `::knhk_runtime::..` would not compile.

// `renamed_knhk` is the runtime, and `knhk_runtime` is `core`.
pub extern crate knhk_runtime as renamed_knhk;
extern crate core as knhk_runtime;

mod facade {
    pub use renamed_knhk as knhk;
    pub use renamed_knhk::{event, semconv, span};
}

mod shop {
    crate::facade::semconv!(crate = crate::facade::knhk, "$KNHK_UI_REGISTRIES/shop");
}

use facade::{event, span};

/// A newtype recorded as the integer it wraps, through the runtime's trait by its new name.
struct Lines(u32);
impl facade::knhk::semconv::Value<i64> for Lines {
    type Recorded<'a> = u32;
    fn recorded(&self) -> u32 {
        self.0
    }
}

fn main() {
    event!(
        crate = crate::facade::knhk,
        registry = "$KNHK_UI_REGISTRIES/shop",
        INFO,
        "shop.order.placed",
        shop.order.id = "A-17",
        shop.order.lines = Lines(3),
        shop.state = shop::ShopState::Open,
    );
    let span = span!(
        crate = ::renamed_knhk,
        registry = "$KNHK_UI_REGISTRIES/shop",
        DEBUG,
        "shop.checkout",
        shop.order.id = "A-17",
        shop.order.lines = _,
    );
    shop::keys::SHOP_ORDER_LINES.record(&span, Lines(4));
    let key: facade::knhk::semconv::Key<f64> = shop::keys::SHOP_ORDER_TOTAL;
    assert_eq!(key.name(), "shop.order.total");
    assert_eq!(shop::events::SHOP_ORDER_PLACED, "shop.order.placed");
}
