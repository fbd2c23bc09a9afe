use knhk_runtime::hot_path;

#[hot_path(8)]
fn label(x: u64) -> String {
    x.to_string()
}

fn main() {
    let _ = label(1);
}
