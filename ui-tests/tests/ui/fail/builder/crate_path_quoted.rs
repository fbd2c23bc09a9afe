use knhk_runtime::Builder;

#[derive(Builder)]
#[builder(crate = "knhk_runtime")]
struct Server {
    port: u16,
}

fn main() {
    let _ = Server::builder().port(80).build();
}
