use knhk_runtime::Builder;

#[derive(Builder)]
struct Server {
    #[builder(into = true)]
    host: String,
}

fn main() {
    let _ = Server::builder().host("h".to_owned()).build();
}
