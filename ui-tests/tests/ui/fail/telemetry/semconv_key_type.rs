// A typed key carries its attribute's type: an `int` key is not a `string` key.
mod semconv {
    knhk_runtime::semconv!("$KNHK_UI_REGISTRIES/shop");
}

fn main() {
    let _key: knhk_runtime::semconv::Key<&'static str> = semconv::keys::SHOP_ORDER_LINES;
}
