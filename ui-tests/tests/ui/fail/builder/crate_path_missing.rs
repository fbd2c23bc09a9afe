use knhk_runtime::Builder;

#[derive(Builder)]
#[builder(crate)]
struct Server {
    port: u16,
}

fn main() {
    let _ = Server::builder().port(80).build();
}
