use knhk_runtime::{static_map, static_set};

static_map! {
    static SIGNED: StaticMap<i64, &'static str> = {
        -9223372036854775808 => "min",
        -1 => "minus one",
        0 => "zero",
        9223372036854775807 => "max",
    };
    static BYTES: StaticMap<u8, char> = { b'a' => 'a', 0x62 => 'b', 99u8 => 'c' };
    static WIDE: StaticMap<u128, u8> = { 340282366920938463463374607431768211455 => 1, 18446744073709551616 => 2 };
    static LETTERS: StaticMap<char, u32> = { 'α' => 1, 'β' => 2 };
    static FLAGS: StaticMap<bool, &'static str> = { true => "on", false => "off" };
    static PRIMITIVE_PATH: StaticMap<core::primitive::u32, u8> = { 7 => 7 };
    static ELIDED: StaticMap<&str, u8> = { "elided lifetime" => 1 };
}

static_set! {
    static SIZES: StaticSet<usize> = { 1, 2, 4, 8 };
    static OFFSETS: StaticSet<isize> = { -8, 8 };
}

fn main() {
    assert_eq!(SIGNED.get(&i64::MIN), Some(&"min"));
    assert_eq!(SIGNED.get(&-1), Some(&"minus one"));
    assert_eq!(SIGNED.get(&i64::MAX), Some(&"max"));
    assert_eq!(SIGNED.get(&1), None);
    assert_eq!(BYTES.get(&b'b'), Some(&'b'));
    assert_eq!(BYTES.get(&99), Some(&'c'));
    assert_eq!(WIDE.get(&u128::MAX), Some(&1));
    assert_eq!(WIDE.get(&(1 << 64)), Some(&2));
    assert_eq!(LETTERS.get(&'β'), Some(&2));
    assert_eq!(FLAGS.get(&false), Some(&"off"));
    assert_eq!(PRIMITIVE_PATH.get(&7), Some(&7));
    assert_eq!(ELIDED.get("elided lifetime"), Some(&1));
    assert!(SIZES.contains(&8));
    assert!(!SIZES.contains(&3));
    assert!(OFFSETS.contains(&-8));
}
