//! Shared by the lockchain test files: scratch paths, deterministic payloads, and a
//! tiny RNG so failures reproduce.
#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;

/// A fresh path under the target's scratch dir (a real filesystem, not tmpfs), with no
/// file at it: `name` with the process id before its extension (`model.stor` becomes
/// `model-<pid>.stor`), or before `.lockchain` if it has none.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("lockchain");
    std::fs::create_dir_all(&dir).unwrap();
    let pid = std::process::id();
    let file = match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}-{pid}.{ext}"),
        None => format!("{name}-{pid}.lockchain"),
    };
    let path = dir.join(file);
    let _ = std::fs::remove_file(&path);
    path
}

/// SplitMix64: a full-period mixer, good enough to derive test data from a counter.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A seeded random stream.
#[derive(Debug)]
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(1);
        mix(self.0)
    }

    /// Uniform-ish in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The payload of entry `seq` in the crash test: its size and bytes both derive from
/// `seq`, so the parent can check what the child wrote. Sizes: some empty, most under
/// 200 bytes, some a few KiB, a few up to 20 KiB (several pages).
pub fn payload_for(seq: u64) -> Vec<u8> {
    let r = mix(seq ^ 0x5eed);
    let len = match r % 16 {
        0 => 0,
        1..=10 => (r >> 8) % 200,
        11..=14 => (r >> 8) % 5000,
        _ => 8000 + (r >> 8) % 12_000,
    };
    let tag = mix(seq);
    (0..len)
        .map(|i| (tag.rotate_left((i % 64) as u32) as u8) ^ (i as u8))
        .collect()
}
