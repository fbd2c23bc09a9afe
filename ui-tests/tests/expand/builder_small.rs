use knhk_runtime::Builder;

/// A listening socket.
#[derive(Builder)]
pub struct Listener<'a> {
    /// The port to listen on.
    port: u16,
    host: &'a str,
    name: Option<String>,
    #[builder(default = 128, into)]
    backlog: u32,
}

fn main() {
    let listener = Listener::builder().host("::1").port(80).build();
    let _ = (listener.port, listener.host, listener.name, listener.backlog);
}
