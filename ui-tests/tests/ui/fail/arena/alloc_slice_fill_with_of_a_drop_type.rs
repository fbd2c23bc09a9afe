// `alloc_slice_fill_with` of values that need `Drop` (a Vec each): refused like
// `alloc`, since their destructors would never run; the message names the ways that
// do run them.
fn main() {
    let arena = knhk_runtime::arena::Arena::with_capacity(1024);
    let local = arena.local();
    let rows = local.alloc_slice_fill_with(3, |i| vec![i; 4]);
    assert_eq!(rows.len(), 3);
}
