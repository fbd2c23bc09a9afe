use knhk_runtime::Builder;

#[derive(Builder)]
struct Server {
    #[builder(into, into)]
    host: String,
}

fn main() {
    let _ = Server::builder().host("h").build();
}
