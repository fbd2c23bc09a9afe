use knhk_runtime::Builder;

#[derive(Builder)]
struct Server {
    #[builder(default(4))]
    threads: usize,
}

fn main() {
    let _ = Server::builder().build();
}
