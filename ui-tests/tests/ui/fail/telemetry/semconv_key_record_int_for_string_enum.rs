// A string enum's key takes the enum or any string, not an integer.
mod semconv {
    knhk_runtime::semconv!("$KNHK_UI_REGISTRIES/shop");
}

fn main() {
    let span = knhk_runtime::span!(registry = "$KNHK_UI_REGISTRIES/shop", DEBUG, "shop.payment", shop.order.id = "A-17", shop.order.total = 12.5, shop.state = _);
    semconv::keys::SHOP_STATE.record(&span, 1);
}
