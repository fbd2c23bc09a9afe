use knhk_runtime::Builder;

#[derive(Builder)]
struct Server {
    port: u16,
    host: String,
}

fn main() {
    let _ = Server::builder().port(80).host("h".to_owned()).port(8080).build();
}
