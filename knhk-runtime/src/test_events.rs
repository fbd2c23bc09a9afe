//! For the crate's unit tests: the events a closure emits, each as one line.

use std::fmt;
use std::sync::{Arc, Mutex};
use tracing_subscriber::layer::SubscriberExt;

#[derive(Clone, Default)]
struct Events(Arc<Mutex<Vec<String>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Events {
    fn on_event(&self, e: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        struct Fields(String);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, f: &tracing::field::Field, v: &dyn fmt::Debug) {
                self.0.push_str(&format!("{}={v:?} ", f.name()));
            }
        }
        let mut fields = Fields(format!(
            "{} {} ",
            e.metadata().name(),
            e.metadata().target()
        ));
        e.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }
}

/// Every event `f` emits on this thread, as `name target field=value ... `.
pub(crate) fn captured(f: impl FnOnce()) -> Vec<String> {
    let events = Events::default();
    let subscriber = tracing_subscriber::registry().with(events.clone());
    tracing::subscriber::with_default(subscriber, f);
    events.0.lock().unwrap().clone()
}
