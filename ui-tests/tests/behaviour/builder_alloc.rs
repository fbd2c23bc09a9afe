//! A `#[derive(Builder)]` builder allocates nothing: not when created, not per setter,
//! not in `build()`, with the counting allocator installed.

use knhk_runtime::Builder;
use knhk_runtime::alloc::thread_allocations;
use std::hint::black_box;

#[derive(Builder, Debug, PartialEq)]
struct Quote<'a, T: Copy, const N: usize> {
    symbol: &'a str,
    levels: [T; N],
    venue: Option<&'static str>,
    #[builder(default = 100)]
    lot: u32,
    #[builder(into)]
    price: u64,
    #[builder(default)]
    flags: u8,
}

#[test]
fn building_allocates_nothing() {
    // The counter sees allocations on this thread: a Vec counts.
    let before = thread_allocations();
    black_box(vec![1_u8; 16]);
    assert!(
        thread_allocations() > before,
        "the counting allocator is not counting"
    );

    let before = thread_allocations();
    for i in 0..1_000_u32 {
        let quote = Quote::builder()
            .levels([black_box(i); 4])
            .price(black_box(i))
            .symbol(black_box("KNHK"))
            .maybe_venue(black_box(Some("XNAS")))
            .build();
        black_box(&quote);
        let partial = Quote::<u16, 2>::builder().symbol("X").flags(3);
        let quote = black_box(partial).levels([1, 2]).price(7_u32).build();
        assert_eq!(quote.lot, 100);
        assert_eq!(quote.venue, None);
        black_box(quote);
    }
    assert_eq!(
        thread_allocations() - before,
        0,
        "a builder allocated on the heap"
    );
}
