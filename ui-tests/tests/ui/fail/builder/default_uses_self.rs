use knhk_runtime::Builder;

#[derive(Builder)]
struct Server {
    port: u16,
    #[builder(default = self.port + 1)]
    admin_port: u16,
}

fn main() {
    let _ = Server::builder().port(80).build();
}
