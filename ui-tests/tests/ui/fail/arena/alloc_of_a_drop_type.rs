// `alloc` of a type that needs `Drop`: the arena never runs destructors, so the
// String's buffer would leak. The check is a `const` assertion on `needs_drop::<T>()`,
// evaluated when the call is compiled to code: `cargo build` reports it (trybuild builds
// this suite, which has pass cases), `cargo check` does not.
fn main() {
    let arena = knhk_runtime::arena::Arena::with_capacity(1024);
    let name = arena.alloc(String::from("order"));
    name.push('!');
}
