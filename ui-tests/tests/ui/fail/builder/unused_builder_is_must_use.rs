#![deny(unused_must_use)]

use knhk_runtime::Builder;

#[derive(Builder)]
struct Server {
    port: u16,
}

fn main() {
    Server::builder().port(80);
}
