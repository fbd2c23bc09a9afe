// Recording through a typed key checks the value against the registry's type.
mod semconv {
    knhk_runtime::semconv!("$KNHK_UI_REGISTRIES/shop");
}

fn main() {
    let span = knhk_runtime::span!(registry = "$KNHK_UI_REGISTRIES/shop", DEBUG, "shop.checkout", shop.order.id = "A-17", shop.order.lines = _);
    semconv::keys::SHOP_ORDER_LINES.record(&span, "three");
}
