use knhk_runtime::hot_path;
use std::ops::Add;

#[hot_path(8)]
fn longer<'a, 'b: 'a, T>(a: &'a [T], b: &'b [T]) -> &'a [T]
where
    T: PartialEq,
{
    if b.len() > a.len() { b } else { a }
}

#[hot_path(8)]
fn sum3<T>(a: T, b: T, c: T) -> T
where
    T: Add<Output = T> + Copy,
{
    let ab = a + b;
    ab + c
}

#[hot_path(8)]
fn first<'a, const N: usize>(xs: &'a [u8; N]) -> Option<&'a u8> {
    let first = xs.first();
    first
}

fn main() {
    assert_eq!(longer(&[1, 2], &[3, 4, 5]), &[3, 4, 5]);
    assert_eq!(longer(&["a"], &[]), &["a"]);
    assert_eq!(sum3(1_u8, 2, 3), 6);
    assert_eq!(sum3(1.5_f64, 2.0, 0.5), 4.0);
    assert_eq!(first(&[7, 8]), Some(&7));
    assert_eq!(first(&[]), None);
}
