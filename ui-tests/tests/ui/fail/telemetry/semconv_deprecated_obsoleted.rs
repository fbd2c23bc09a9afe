// A deprecated attribute's typed key is `#[deprecated]` too, with the registry's note.
#![deny(deprecated)]

mod semconv {
    knhk_runtime::semconv!("$KNHK_UI_REGISTRIES/deprecations");
}

fn main() {
    let _key = semconv::keys::SHOP_ORDER_COUPON;
}
