//! A crate that denies every warning and requires docs still compiles with the
//! derive on a documented public struct in a public module: the builder type, its
//! setters, the start and finish functions and the marker traits all carry docs, and
//! nothing in the expansion trips a lint.
#![deny(warnings, missing_docs, unreachable_pub, missing_debug_implementations)]

/// The public API.
pub mod api {
    use knhk_runtime::Builder;

    /// A listening socket's settings.
    #[derive(Builder, Debug)]
    #[builder(finish_fn = finish)]
    pub struct Listener<'a, T: Clone> {
        /// The port to listen on.
        pub port: u16,
        /// The address to bind.
        pub host: &'a str,
        /// A tag carried along.
        pub tag: Option<T>,
        /// How many connections may wait.
        #[builder(default = 128, into)]
        pub backlog: u32,
    }

    /// Crate-private settings, not exported.
    #[derive(Builder, Debug)]
    pub(crate) struct Internal {
        pub(crate) depth: u8,
    }

    /// Uses the crate-private builder.
    pub fn internal_depth() -> u8 {
        Internal::builder().depth(2).build().depth
    }
}

fn main() {
    let l = api::Listener::builder()
        .host("::1")
        .port(80)
        .tag('t')
        .backlog(7_u8)
        .finish();
    assert_eq!((l.port, l.host, l.tag, l.backlog), (80, "::1", Some('t'), 7));
    assert_eq!(api::internal_depth(), 2);
}
