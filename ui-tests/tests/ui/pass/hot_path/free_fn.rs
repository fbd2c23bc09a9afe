use knhk_runtime::{Budget, PathKind, hot_path, paths};

#[hot_path(8)]
fn mix(x: u64) -> u64 {
    x.rotate_left(5) ^ 0x9e37_79b9_7f4a_7c15
}

#[hot_path(budget = 4)]
fn lowest_bit(mask: u64) -> u32 {
    mask.trailing_zeros()
}

fn main() {
    assert_eq!(mix(0), 0x9e37_79b9_7f4a_7c15);
    assert_eq!(lowest_bit(0b1000), 3);

    // Without `measure`, a crate with debug assertions measures, and so registers.
    let paths = paths();
    let mix = paths.iter().find(|p| p.name.ends_with("::mix"));
    let lowest_bit = paths.iter().find(|p| p.name.ends_with("::lowest_bit"));
    assert_eq!(mix.is_some(), cfg!(debug_assertions));
    assert_eq!(lowest_bit.is_some(), cfg!(debug_assertions));
    if let (Some(mix), Some(lowest_bit)) = (mix, lowest_bit) {
        assert_eq!(mix.kind, PathKind::Hot);
        assert_eq!(mix.budget, Budget::Ticks(8));
        assert!(!mix.allow_alloc);
        assert!(mix.file.ends_with("free_fn.rs"), "{}", mix.file);
        assert_eq!(mix.line, 3);
        assert_eq!(lowest_bit.budget, Budget::Ticks(4));
    }
}
