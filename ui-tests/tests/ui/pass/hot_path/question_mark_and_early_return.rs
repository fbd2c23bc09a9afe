use knhk_runtime::{hot_path, paths, report};

#[hot_path(8)]
fn parse_level(bytes: &[u8]) -> Result<u8, &'static str> {
    let first = *bytes.first().ok_or("empty")?;
    if first == b'-' {
        return Err("negative");
    }
    first
        .checked_sub(b'0')
        .filter(|d| *d < 10)
        .ok_or("not a digit")
}

#[hot_path(8)]
fn find(xs: &[u64], wanted: u64) -> Option<usize> {
    for (i, &x) in xs.iter().enumerate() {
        if x == wanted {
            return Some(i);
        }
    }
    None
}

fn main() {
    assert_eq!(parse_level(b"7"), Ok(7));
    assert_eq!(parse_level(b""), Err("empty"));
    assert_eq!(parse_level(b"-1"), Err("negative"));
    assert_eq!(parse_level(b"x"), Err("not a digit"));
    assert_eq!(find(&[4, 5, 6], 5), Some(1));
    assert_eq!(find(&[4, 5, 6], 9), None);

    // `?` and early `return` leave through the probe too: every call is counted.
    let names: Vec<&str> = paths().iter().map(|p| p.name).collect();
    if cfg!(debug_assertions) {
        let report = report();
        let calls = |suffix: &str| {
            report
                .paths
                .iter()
                .find(|p| p.name.ends_with(suffix))
                .unwrap_or_else(|| panic!("{suffix} not in {names:?}"))
                .stats
                .calls
        };
        assert_eq!(calls("::parse_level"), 4);
        assert_eq!(calls("::find"), 2);
    }
}
