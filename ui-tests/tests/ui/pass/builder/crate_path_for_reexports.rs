//! `#[builder(crate = path)]`: generated code reaches knhk-runtime through the path
//! given, as a crate that re-exports the derive needs. The runtime is here only as
//! `renamed_knhk`, and `knhk_runtime` names `core`, so an expansion that still said
//! `::knhk_runtime::builder` would not compile.

// `renamed_knhk` is the runtime, and `knhk_runtime` is `core`.
pub extern crate knhk_runtime as renamed_knhk;
extern crate core as knhk_runtime;

mod facade {
    pub use renamed_knhk as knhk;
    pub use renamed_knhk::Builder;
}

mod user {
    use crate::facade::Builder;

    #[derive(Builder)]
    #[builder(crate = crate::facade::knhk)]
    pub struct Config {
        pub level: u8,
        pub name: Option<&'static str>,
        #[builder(default = 3)]
        pub depth: u32,
    }
}

fn main() {
    let c = user::Config::builder().level(2).name("x").build();
    assert_eq!((c.level, c.name, c.depth), (2, Some("x"), 3));
}
