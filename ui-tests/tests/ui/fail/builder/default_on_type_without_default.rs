use knhk_runtime::Builder;

struct Port(u16);

#[derive(Builder)]
struct Server {
    #[builder(default)]
    port: Port,
}

fn main() {
    let _ = Server::builder().build();
}
