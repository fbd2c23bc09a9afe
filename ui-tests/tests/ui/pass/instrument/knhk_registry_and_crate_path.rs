// Without a registry of its own a crate records knhk's attributes; `crate = path`
// names the runtime through a re-export.
mod facade {
    pub use knhk_runtime as knhk;
}

#[derive(knhk_runtime::Instrument)]
#[instrument(crate = facade::knhk)]
struct Chain {
    #[instrument(attr = "file.path")]
    path: ChainPath,
    #[instrument(attr = "lockchain.entries")]
    entries: usize,
}

/// A newtype is recorded as what it says it is.
struct ChainPath(String);

impl knhk_runtime::semconv::Value<&'static str> for ChainPath {
    type Recorded<'a> = &'a str;
    fn recorded(&self) -> &str {
        &self.0
    }
}

fn main() {
    let chain = Chain { path: ChainPath("/tmp/x.chain".into()), entries: 2 };
    assert_eq!(chain.instrument_call("verify", || chain.entries), 2);
}
