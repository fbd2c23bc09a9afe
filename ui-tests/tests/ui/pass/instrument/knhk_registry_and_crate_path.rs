//! Without a registry of its own a crate records knhk's attributes; `crate = path`
//! names the runtime through a re-export. The runtime is here only as `renamed_knhk`,
//! and `knhk_runtime` names `core`, so an expansion that still said `::knhk_runtime::..`
//! would not compile.

// `renamed_knhk` is the runtime, and `knhk_runtime` is `core`.
pub extern crate knhk_runtime as renamed_knhk;
extern crate core as knhk_runtime;

mod facade {
    pub use renamed_knhk as knhk;
}

#[derive(renamed_knhk::Instrument)]
#[instrument(crate = facade::knhk)]
struct Chain {
    #[instrument(attr = "file.path")]
    path: ChainPath,
    #[instrument(attr = "lockchain.entries")]
    entries: usize,
}

/// A newtype is recorded as what it says it is.
struct ChainPath(String);

impl renamed_knhk::semconv::Value<&'static str> for ChainPath {
    type Recorded<'a> = &'a str;
    fn recorded(&self) -> &str {
        &self.0
    }
}

fn main() {
    let chain = Chain { path: ChainPath("/tmp/x.chain".into()), entries: 2 };
    assert_eq!(chain.instrument_call("verify", || chain.entries), 2);
}
