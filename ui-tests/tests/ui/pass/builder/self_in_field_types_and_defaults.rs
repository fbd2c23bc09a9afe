//! `Self` in a field's type or default means the struct, not the builder whose
//! methods the macro moves them into.

use knhk_runtime::Builder;

#[derive(Builder, Debug, PartialEq)]
struct Node<T> {
    value: T,
    next: Option<Box<Self>>,
    #[builder(default = Self::DEFAULT_WEIGHT)]
    weight: u8,
    #[builder(default = Vec::<Self>::new())]
    children: Vec<Self>,
}

impl<T> Node<T> {
    const DEFAULT_WEIGHT: u8 = 3;
}

/// `Self` in the where clause too.
#[derive(Builder)]
struct Ranked<T>
where
    T: PartialOrd<Self>,
{
    key: T,
}

impl PartialEq<Ranked<u8>> for u8 {
    fn eq(&self, other: &Ranked<u8>) -> bool {
        *self == other.key
    }
}

impl PartialOrd<Ranked<u8>> for u8 {
    fn partial_cmp(&self, other: &Ranked<u8>) -> Option<std::cmp::Ordering> {
        self.partial_cmp(&other.key)
    }
}

fn main() {
    let leaf = Node::builder().value(2).build();
    assert_eq!((leaf.weight, leaf.children.len()), (3, 0));
    let root = Node::builder()
        .next(Box::new(leaf))
        .value(1)
        .children(vec![Node::builder().value(5).weight(9).build()])
        .build();
    assert_eq!(root.next.as_ref().map(|n| n.value), Some(2));
    assert_eq!(root.children[0].weight, 9);
    let ranked = Ranked::builder().key(4_u8).build();
    assert!(3_u8 < ranked);
}
