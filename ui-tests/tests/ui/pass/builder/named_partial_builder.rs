//! A partly built builder has a type that can be named: one state per field, in
//! declaration order, `Unset` or `Set<T>`; trailing `Unset`s can be left out.

use knhk_runtime::Builder;
use knhk_runtime::builder::{Set, Unset};

#[derive(Builder)]
pub struct Connection {
    host: String,
    port: u16,
    timeout_ms: Option<u64>,
}

/// The part every connection to the primary shares.
fn primary() -> ConnectionBuilder<Set<String>> {
    Connection::builder().host("primary".to_owned())
}

/// Finishes a builder that has a host but no port yet, whatever its timeout.
fn on_port<T>(builder: ConnectionBuilder<Set<String>, Unset, T>, port: u16) -> Connection
where
    T: knhk_runtime::builder::Slot<Option<u64>>,
{
    builder.port(port).build()
}

fn main() {
    let a = on_port(primary(), 5432);
    assert_eq!((a.host.as_str(), a.port, a.timeout_ms), ("primary", 5432, None));
    let b = on_port(primary().timeout_ms(30), 6543);
    assert_eq!((b.port, b.timeout_ms), (6543, Some(30)));
    let fresh: ConnectionBuilder = Connection::builder();
    let _: ConnectionBuilder<Unset, Set<u16>> = fresh.port(1);
}
