use knhk_runtime::Builder;

#[derive(Builder)]
struct Server {
    port: u16,
    #[builder(default)]
    name: Option<String>,
}

fn main() {
    let _ = Server::builder().port(80).build();
}
