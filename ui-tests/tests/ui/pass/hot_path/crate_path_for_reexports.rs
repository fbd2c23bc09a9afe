//! `crate = path` on `#[hot_path]`, `#[warm_path]` and both block forms: generated code
//! reaches knhk-runtime through the path given, as a crate that re-exports the macros
//! needs. The runtime is here only as `renamed_knhk`, and `knhk_runtime` names `core`,
//! so an expansion that still said `::knhk_runtime::__private` would not compile.

// `renamed_knhk` is the runtime, and `knhk_runtime` is `core`.
pub extern crate knhk_runtime as renamed_knhk;
extern crate core as knhk_runtime;

mod facade {
    pub use renamed_knhk as knhk;
    pub use renamed_knhk::{block, hot_path, warm_path};
}

use facade::{block, hot_path, warm_path};

#[hot_path(8, crate = crate::facade::knhk, name = "reexported.hot")]
fn hot(x: u64) -> u64 {
    x.rotate_left(3)
}

#[warm_path(budget = "20us", crate = ::renamed_knhk)]
fn warm(xs: &[u64]) -> u64 {
    xs.iter().map(|&x| hot(x)).sum()
}

struct Counter(u64);

impl Counter {
    #[hot_path(4, crate = crate::facade::knhk, measure = "always")]
    fn bump(&mut self) -> u64 {
        self.0 += 1;
        self.0
    }
}

fn main() {
    assert_eq!(warm(&[1, 2]), 24);
    assert_eq!(Counter(0).bump(), 1);
    let x = 41_u64;
    let y = block::hot_path! { crate = crate::facade::knhk, budget = 8, name = "reexported.block", x + 1 };
    assert_eq!(y, 42);
    let z = block::warm_path! { budget = "2us", crate = ::renamed_knhk, x * 2 };
    assert_eq!(z, 82);
    let names: Vec<String> = renamed_knhk::report()
        .paths
        .iter()
        .map(|p| p.name.clone())
        .collect();
    for name in ["reexported.hot", "reexported.block"] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
    assert!(names.iter().any(|n| n.ends_with("::bump")), "{names:?}");
    assert!(names.iter().any(|n| n.ends_with("::warm")), "{names:?}");
}
