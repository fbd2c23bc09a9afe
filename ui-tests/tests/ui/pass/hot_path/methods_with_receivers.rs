use knhk_runtime::{hot_path, paths, report};

#[derive(Debug, PartialEq)]
struct Counter(u64);

impl Counter {
    #[hot_path(8)]
    fn new(start: u64) -> Self {
        Counter(start)
    }

    #[hot_path(8)]
    fn get(&self) -> u64 {
        self.0
    }

    #[hot_path(8)]
    fn bump(&mut self) {
        self.0 += 1;
    }

    #[hot_path(8)]
    fn into_inner(self) -> u64 {
        self.0
    }

    #[hot_path(8)]
    fn doubled(self: &Self) -> u64 {
        self.0 * 2
    }
}

fn main() {
    let mut c = Counter::new(1);
    c.bump();
    c.bump();
    assert_eq!(c.get(), 3);
    assert_eq!(c.doubled(), 6);
    assert_eq!(c, Counter(3));
    assert_eq!(c.into_inner(), 3);

    let names: Vec<&str> = paths().iter().map(|p| p.name).collect();
    for method in ["::new", "::get", "::bump", "::into_inner", "::doubled"] {
        assert_eq!(
            names.iter().any(|n| n.ends_with(method)),
            cfg!(debug_assertions),
            "{method} in {names:?}"
        );
    }
    if cfg!(debug_assertions) {
        let report = report();
        let bump = report
            .paths
            .iter()
            .find(|p| p.name.ends_with("::bump"))
            .unwrap();
        assert_eq!(bump.stats.calls, 2);
    }
}
