use knhk_runtime::hot_path;

#[hot_path(8)]
fn first_even(mut xs: impl Iterator<Item = u64>) -> Option<u64> {
    xs.find(|x| x % 2 == 0)
}

#[hot_path(8)]
fn apply(f: impl Fn(u64) -> u64, x: u64) -> impl Copy + std::fmt::Debug {
    f(x)
}

fn main() {
    assert_eq!(first_even([1, 3, 4, 6].into_iter()), Some(4));
    assert_eq!(first_even(std::iter::empty()), None);
    assert_eq!(format!("{:?}", apply(|x| x + 1, 41)), "42");
}
