use knhk_runtime::Builder;

#[derive(Builder)]
#[builder(start_fn = new, finish_fn = finish)]
struct Server {
    port: u16,
    host: String,
}

fn main() {
    let _ = Server::new().port(80).finish();
}
