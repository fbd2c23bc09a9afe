// The builder's state traits are sealed too: no state of one's own can be made buildable.
struct MyState;

impl knhk_runtime::span::state::IsNamed for MyState {}

fn main() {}
