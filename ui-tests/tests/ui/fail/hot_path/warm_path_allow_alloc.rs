use knhk_runtime::warm_path;

#[warm_path("2us", allow_alloc)]
fn handle(xs: &[u64]) -> Vec<u64> {
    xs.to_vec()
}

fn main() {
    let _ = handle(&[1]);
}
