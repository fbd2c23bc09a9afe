//! `#[derive(Builder)]` through the facade: values land in the right fields, defaults
//! run only when needed, conversions, generics, and what a partly built builder holds.

use knhk_runtime::Builder;
use knhk_runtime::builder::{Set, Unset};
use std::cell::Cell;
use std::rc::Rc;

#[derive(Builder, Debug, PartialEq)]
struct Order {
    id: u64,
    price: i64,
    qty: u32,
    note: Option<String>,
    #[builder(default)]
    flags: u8,
    #[builder(default = 100)]
    lot: u32,
}

#[test]
fn values_land_in_their_fields_whatever_the_order_of_the_setters() {
    let a = Order::builder().id(1).price(-2).qty(3).build();
    let b = Order::builder().qty(3).price(-2).id(1).build();
    let expected = Order {
        id: 1,
        price: -2,
        qty: 3,
        note: None,
        flags: 0,
        lot: 100,
    };
    assert_eq!(a, expected);
    assert_eq!(b, expected);
    let c = Order::builder()
        .lot(7)
        .note("n".to_owned())
        .flags(9)
        .qty(1)
        .price(5)
        .id(4)
        .build();
    assert_eq!(
        c,
        Order {
            id: 4,
            price: 5,
            qty: 1,
            note: Some("n".to_owned()),
            flags: 9,
            lot: 7
        }
    );
    let d = Order::builder()
        .id(1)
        .price(2)
        .qty(3)
        .maybe_note(None)
        .build();
    assert_eq!(d.note, None);
    let e = Order::builder()
        .id(1)
        .price(2)
        .qty(3)
        .maybe_note(Some("m".to_owned()))
        .build();
    assert_eq!(e.note.as_deref(), Some("m"));
}

thread_local! {
    static DEFAULTS_RUN: Cell<u32> = const { Cell::new(0) };
}

fn counted_default() -> u32 {
    DEFAULTS_RUN.with(|c| c.set(c.get() + 1));
    42
}

#[derive(Builder)]
struct Lazy {
    #[builder(default = counted_default())]
    value: u32,
}

#[test]
fn a_default_is_evaluated_only_when_the_field_is_unset() {
    DEFAULTS_RUN.with(|c| c.set(0));
    assert_eq!(Lazy::builder().value(1).build().value, 1);
    assert_eq!(DEFAULTS_RUN.with(Cell::get), 0);
    assert_eq!(Lazy::builder().build().value, 42);
    assert_eq!(DEFAULTS_RUN.with(Cell::get), 1);
}

#[derive(Builder)]
#[builder(into)]
struct Endpoint {
    host: String,
    port: u32,
    path: Option<String>,
}

#[test]
fn into_setters_convert() {
    let e = Endpoint::builder()
        .host("example.org")
        .port(8_u8)
        .path("/x")
        .build();
    assert_eq!(
        (e.host.as_str(), e.port, e.path.as_deref()),
        ("example.org", 8, Some("/x"))
    );
    let f = Endpoint::builder()
        .port(1_u16)
        .host(String::from("h"))
        .maybe_path(None::<&str>)
        .build();
    assert_eq!((f.host.as_str(), f.port, f.path), ("h", 1, None));
}

#[derive(Builder, Debug, PartialEq)]
struct Window<'a, T: Copy, const N: usize>
where
    T: PartialEq,
{
    name: &'a str,
    items: [T; N],
    last: Option<T>,
}

#[test]
fn generic_structs_keep_their_parameters() {
    let name = String::from("w");
    let w = Window::builder().items([1_u8, 2, 3]).name(&name).build();
    assert_eq!(
        w,
        Window {
            name: "w",
            items: [1, 2, 3],
            last: None
        }
    );
    let w: Window<'_, char, 1> = Window::builder().name("c").items(['x']).last('y').build();
    assert_eq!(w.last, Some('y'));
}

/// Counts its drops.
struct Tracked(Rc<Cell<u32>>);

impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

#[derive(Builder)]
struct Pair {
    a: Tracked,
    b: Tracked,
    c: Option<Tracked>,
}

#[test]
fn dropping_a_partly_built_builder_drops_exactly_the_values_set() {
    let drops = Rc::new(Cell::new(0));
    let partial = Pair::builder()
        .a(Tracked(drops.clone()))
        .c(Tracked(drops.clone()));
    assert_eq!(drops.get(), 0);
    drop(partial);
    assert_eq!(drops.get(), 2);

    let pair = Pair::builder()
        .b(Tracked(drops.clone()))
        .a(Tracked(drops.clone()))
        .build();
    assert_eq!(drops.get(), 2, "building moves the values, it drops none");
    assert!(pair.c.is_none());
    drop(pair.a);
    assert_eq!(drops.get(), 3);
    drop(pair.b);
    assert_eq!(drops.get(), 4);
}

#[test]
fn a_builder_is_exactly_the_size_of_the_values_set() {
    assert_eq!(size_of::<OrderBuilder>(), 0);
    assert_eq!(size_of::<OrderBuilder<Set<u64>>>(), 8);
    assert_eq!(
        size_of::<OrderBuilder<Set<u64>, Unset, Set<u32>>>(),
        size_of::<(u64, u32)>()
    );
    assert_eq!(size_of::<WindowBuilder<'static, u8, 4>>(), 0);
    let b = Order::builder().id(1);
    assert_eq!(format!("{b:?}"), "OrderBuilder { .. }");
}

/// Takes any order builder with an id and a price, but no quantity yet.
fn with_qty<N, F, L>(
    builder: OrderBuilder<Set<u64>, Set<i64>, Unset, N, F, L>,
) -> OrderBuilder<Set<u64>, Set<i64>, Set<u32>, N, F, L> {
    builder.qty(10)
}

#[test]
fn a_partly_built_builder_can_be_named_and_passed_around() {
    let o = with_qty(Order::builder().price(3).id(2).lot(1)).build();
    assert_eq!((o.id, o.price, o.qty, o.lot), (2, 3, 10, 1));
}
