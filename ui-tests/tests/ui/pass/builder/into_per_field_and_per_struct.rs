//! `#[builder(into)]` on a field and on the struct.

use knhk_runtime::Builder;
use std::path::PathBuf;

#[derive(Builder)]
struct Request {
    #[builder(into)]
    url: String,
    method: &'static str,
    #[builder(into)]
    body: Option<Vec<u8>>,
    #[builder(into, default = PathBuf::from("/tmp"))]
    dir: PathBuf,
}

#[derive(Builder)]
#[builder(into)]
struct Point {
    x: f64,
    y: f64,
    label: Option<String>,
}

fn main() {
    let r = Request::builder()
        .url("http://x")
        .method("GET")
        .body("payload")
        .dir("/var")
        .build();
    assert_eq!(r.url, "http://x");
    assert_eq!(r.method, "GET");
    assert_eq!(r.body.as_deref(), Some(&b"payload"[..]));
    assert_eq!(r.dir, PathBuf::from("/var"));
    let r = Request::builder().method("PUT").url(String::from("u")).maybe_body(None::<&str>).build();
    assert_eq!((r.body, r.dir), (None, PathBuf::from("/tmp")));

    let p = Point::builder().x(1_f32).y(2_i32).label("a").build();
    assert_eq!((p.x, p.y, p.label.as_deref()), (1.0, 2.0, Some("a")));
    let p = Point::builder().y(0_u8).x(-1.5).maybe_label(Some('c')).build();
    assert_eq!((p.x, p.y, p.label.as_deref()), (-1.5, 0.0, Some("c")));
}
