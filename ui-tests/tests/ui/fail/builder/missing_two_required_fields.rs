use knhk_runtime::Builder;

#[derive(Builder)]
struct Server {
    port: u16,
    host: String,
    #[builder(default = 4)]
    threads: usize,
}

fn main() {
    let _ = Server::builder().threads(2).build();
}
