use knhk_runtime::warm_path;

#[warm_path("2 sec")]
fn handle(xs: &[u64]) -> u64 {
    xs.iter().sum()
}

fn main() {
    let _ = handle(&[1]);
}
