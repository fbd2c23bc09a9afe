// The derive is for structs.
#[derive(knhk_runtime::Instrument)]
enum Order {
    Open { id: String },
    Closed,
}

fn main() {}
