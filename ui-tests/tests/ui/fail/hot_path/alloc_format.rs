use knhk_runtime::hot_path;

#[hot_path(8)]
fn label(x: u64) -> String {
    format!("{x}")
}

fn main() {
    let _ = label(1);
}
