use knhk_runtime::Builder;

#[derive(Builder)]
struct Server {
    port: u16,
    name: Option<String>,
}

fn main() {
    // `name` then `maybe_name` sets the same field twice.
    let _ = Server::builder()
        .name("a".to_owned())
        .port(80)
        .maybe_name(None)
        .build();
}
