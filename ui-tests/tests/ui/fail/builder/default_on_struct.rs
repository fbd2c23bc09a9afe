use knhk_runtime::Builder;

#[derive(Builder)]
#[builder(default)]
struct Server {
    port: u16,
}

fn main() {
    let _ = Server::builder().port(80).build();
}
