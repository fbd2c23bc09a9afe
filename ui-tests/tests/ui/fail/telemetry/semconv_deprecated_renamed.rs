// A deprecated attribute's constant is `#[deprecated]`: one renamed names its new name.
#![deny(deprecated)]

mod semconv {
    knhk_runtime::semconv!("$KNHK_UI_REGISTRIES/deprecations");
}

fn main() {
    let _name = semconv::SHOP_ORDER_NUMBER;
}
