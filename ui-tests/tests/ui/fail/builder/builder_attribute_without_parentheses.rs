use knhk_runtime::Builder;

#[derive(Builder)]
struct Server {
    #[builder]
    port: u16,
}

fn main() {
    let _ = Server::builder().port(80).build();
}
