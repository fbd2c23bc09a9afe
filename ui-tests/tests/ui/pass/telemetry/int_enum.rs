// An enum whose members are ints (like `rpc.grpc.status_code`): its values are
// integers, through event!, span! and its key (`Key<i64>`), recorded as integers.
use std::sync::{Arc, Mutex};
use tracing_subscriber::layer::SubscriberExt;

mod semconv {
    knhk_runtime::semconv!("$KNHK_UI_REGISTRIES/payments");
}

/// Every value recorded: integers as `name=value`, strings quoted.
#[derive(Clone, Default)]
struct Ints(Arc<Mutex<Vec<String>>>);

impl tracing::field::Visit for Ints {
    fn record_i64(&mut self, field: &tracing::field::Field, value: i64) {
        self.0.lock().unwrap().push(format!("{}={value}", field.name()));
    }
    fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
        self.0.lock().unwrap().push(format!("{}={value}", field.name()));
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.lock().unwrap().push(format!("{}={value:?}", field.name()));
    }
    fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Ints {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        event.record(&mut self.clone());
    }
    fn on_record(
        &self,
        _: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        _: tracing_subscriber::layer::Context<'_, S>,
    ) {
        values.record(&mut self.clone());
    }
}

fn main() {
    let ints = Ints::default();
    let subscriber = tracing_subscriber::registry().with(ints.clone());
    tracing::subscriber::with_default(subscriber, || {
        let declined: i64 = 1;
        knhk_runtime::event!(registry = "$KNHK_UI_REGISTRIES/payments", INFO, "payment.settled", payment.status_code = declined);
        let span = knhk_runtime::span!(registry = "$KNHK_UI_REGISTRIES/payments", INFO, "payment.charge", payment.status_code = _);
        let key: knhk_runtime::semconv::Key<i64> = semconv::keys::PAYMENT_STATUS_CODE;
        key.record(&span, 2_u8);
    });
    assert_eq!(
        *ints.0.lock().unwrap(),
        ["payment.status_code=1", "payment.status_code=2"]
    );
}
