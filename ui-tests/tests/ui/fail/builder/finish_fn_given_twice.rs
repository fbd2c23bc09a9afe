use knhk_runtime::Builder;

#[derive(Builder)]
#[builder(finish_fn = finish, finish_fn = done)]
struct Server {
    port: u16,
}

fn main() {
    let _ = Server::builder().port(80).finish();
}
