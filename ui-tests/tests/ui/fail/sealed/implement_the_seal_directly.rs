// The seal of a trait in a public module (`span::state::IsNamed`), by the path rustc's
// "sealed trait" note prints: the generated module is `pub(crate)`, so another crate
// cannot name the seal even though every module on the path is public.
struct MyState;

impl knhk_runtime::span::state::__knhk_sealed_IsNamed::Sealed for MyState {}

fn main() {}
