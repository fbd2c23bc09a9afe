//! Type, lifetime and const parameters, inline bounds, defaults and `where` clauses.

use knhk_runtime::Builder;
use std::fmt::Debug;

#[derive(Builder, Debug, PartialEq)]
struct Ring<'a, T: Copy + Debug, const N: usize, U = u8>
where
    T: PartialEq,
    U: Default + Debug + PartialEq,
{
    name: &'a str,
    slots: [T; N],
    #[builder(default)]
    extra: U,
    hint: Option<&'a T>,
}

#[derive(Builder)]
struct Borrowed<'a, 'b: 'a> {
    short: &'a str,
    long: &'b str,
}

fn main() {
    let seven = 7_i32;
    let r = Ring::<'_, i32, 3>::builder()
        .slots([1, 2, 3])
        .name("r")
        .hint(&seven)
        .build();
    assert_eq!(
        r,
        Ring {
            name: "r",
            slots: [1, 2, 3],
            extra: 0_u8,
            hint: Some(&7)
        }
    );
    let r: Ring<'_, char, 0, String> = Ring::builder().name("s").slots([]).extra("x".to_owned()).build();
    assert_eq!((r.extra.as_str(), r.hint), ("x", None));

    let long = String::from("long");
    let b = Borrowed::builder().long(&long).short("s").build();
    assert_eq!((b.short, b.long), ("s", "long"));
}
