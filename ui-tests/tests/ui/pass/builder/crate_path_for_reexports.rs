//! `#[builder(crate = path)]`: generated code reaches knhk-runtime through the path
//! given, as a crate that re-exports the derive needs.

mod facade {
    pub use knhk_runtime as knhk;
    pub use knhk_runtime::Builder;
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
