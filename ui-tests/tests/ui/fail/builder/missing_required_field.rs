use knhk_runtime::Builder;

#[derive(Builder)]
struct Server {
    port: u16,
    host: String,
    name: Option<String>,
}

fn main() {
    let _ = Server::builder().host("localhost".to_owned()).build();
}
