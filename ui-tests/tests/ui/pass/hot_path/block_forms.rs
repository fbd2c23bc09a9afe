use knhk_runtime::{Budget, PathKind, block, paths, report};

fn lookup(xs: &[u64], i: usize) -> Option<u64> {
    // `?` inside the block leaves the enclosing function, through the probe.
    let x = block::hot_path! { budget = 8, name = "block.lookup", measure = "always",
        let x = xs.get(i)?;
        *x
    };
    Some(x)
}

fn main() {
    let x = 41_u64;
    let y = block::hot_path! { budget = 8, name = "block.increment", x + 1 };
    assert_eq!(y, 42);

    let z = block::hot_path! { 4, x * 2 };
    assert_eq!(z, 82);

    let v = block::hot_path! { budget = 8, allow_alloc, name = "block.alloc", vec![x; 2] };
    assert_eq!(v, [41, 41]);

    let never = block::hot_path! { budget = 8, measure = "never", name = "block.never", x - 1 };
    assert_eq!(never, 40);

    let w = block::warm_path! { budget = "2us", name = "block.warm",
        let doubled: Vec<u64> = (0..4).map(|i| i * x).collect();
        doubled.iter().sum::<u64>()
    };
    assert_eq!(w, 246);

    assert_eq!(lookup(&[1, 2], 1), Some(2));
    assert_eq!(lookup(&[1, 2], 5), None);

    let paths = paths();
    let find = |name: &str| paths.iter().find(|p| p.name == name);
    let measured = cfg!(debug_assertions);
    assert_eq!(find("block.increment").is_some(), measured);
    assert_eq!(find("block.alloc").is_some(), measured);
    assert_eq!(find("block.warm").is_some(), measured);
    assert!(find("block.never").is_none());
    let lookup = find("block.lookup").expect("measure = \"always\" registers");
    assert_eq!(lookup.kind, PathKind::Hot);
    assert_eq!(lookup.budget, Budget::Ticks(8));
    assert_eq!(report().path("block.lookup").unwrap().stats.calls, 2);
    if let Some(warm) = find("block.warm") {
        assert_eq!(warm.kind, PathKind::Warm);
        assert_eq!(warm.budget, Budget::Nanos(2_000));
    }
    // Without a name, a block is named after its module.
    assert_eq!(
        paths
            .iter()
            .filter(|p| p.name.ends_with("::{block}"))
            .count(),
        usize::from(measured)
    );
}
