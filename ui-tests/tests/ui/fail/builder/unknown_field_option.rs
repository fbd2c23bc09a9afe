use knhk_runtime::Builder;

#[derive(Builder)]
struct Server {
    port: u16,
    #[builder(defualt = 4)]
    threads: usize,
}

fn main() {
    // The builder is still generated: only the option is reported.
    let _ = Server::builder().port(80).threads(4).build();
}
