use knhk_runtime::hot_path;

/// Mixes a word.
#[inline]
#[hot_path(8, measure = "never")]
pub(crate) fn mix<T: Into<u64>>(x: T) -> u64 {
    let x: u64 = x.into();
    x.rotate_left(5) ^ 0x9e37
}

fn main() {
    let _ = mix(1_u32);
}
