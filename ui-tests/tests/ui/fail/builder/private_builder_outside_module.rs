mod net {
    use knhk_runtime::Builder;

    #[derive(Builder)]
    struct Server {
        port: u16,
    }
}

// A private struct's builder is as private as the struct.
fn take(_: net::ServerBuilder) {}

fn main() {}
