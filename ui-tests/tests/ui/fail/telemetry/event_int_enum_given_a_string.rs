// An enum whose members are ints takes integers, not their names.
fn main() {
    knhk_runtime::event!(registry = "$KNHK_UI_REGISTRIES/payments", INFO, "payment.settled", payment.status_code = "declined");
}
