//! Required, `Option` and defaulted fields; setters in any order.

use knhk_runtime::Builder;

#[derive(Builder, Debug, PartialEq)]
struct Server {
    port: u16,
    host: String,
    name: Option<String>,
    #[builder(default)]
    retries: u8,
    #[builder(default = 2 * 2)]
    threads: usize,
    #[builder(default = vec![1, 2])]
    weights: Vec<u8>,
}

#[derive(Builder, Debug, PartialEq)]
struct Empty {}

fn main() {
    let minimal = Server::builder().host("h".to_owned()).port(1).build();
    assert_eq!(
        minimal,
        Server {
            port: 1,
            host: "h".to_owned(),
            name: None,
            retries: 0,
            threads: 4,
            weights: vec![1, 2],
        }
    );
    let full = Server::builder()
        .weights(vec![])
        .threads(1)
        .retries(3)
        .name("n".to_owned())
        .port(2)
        .host("g".to_owned())
        .build();
    assert_eq!((full.port, full.host.as_str()), (2, "g"));
    assert_eq!(full.name.as_deref(), Some("n"));
    assert_eq!((full.retries, full.threads, full.weights.len()), (3, 1, 0));
    let maybe = Server::builder()
        .maybe_name(Some("m".to_owned()))
        .port(3)
        .host(String::new())
        .build();
    assert_eq!(maybe.name.as_deref(), Some("m"));
    assert_eq!(Server::builder().maybe_name(None).port(3).host(String::new()).build().name, None);
    assert_eq!(Empty::builder().build(), Empty {});
}
