//! A crate that denies every warning and requires docs still compiles with measured
//! paths: the expansion keeps docs, `#[inline]`, `#[must_use]` and visibility, and adds
//! nothing a lint objects to.
#![deny(warnings, missing_docs)]

use knhk_runtime::{hot_path, warm_path};

/// A price level.
#[derive(Debug, Default)]
pub struct Level {
    qty: u64,
}

impl Level {
    /// Adds `qty` to the level and returns the new total.
    #[inline]
    #[hot_path(8)]
    pub fn add(&mut self, qty: u64) -> u64 {
        self.qty += qty;
        self.qty
    }

    /// The quantity at this level.
    #[must_use]
    #[hot_path(8, name = "lint_clean.qty")]
    pub fn qty(&self) -> u64 {
        let qty = self.qty;
        qty
    }
}

/// Mixes a word; the result is meant to be used.
#[must_use]
#[inline(always)]
#[hot_path(8)]
pub fn mix(x: u64) -> u64 {
    let y = x.rotate_left(5);
    y ^ 0x9e37_79b9_7f4a_7c15
}

#[hot_path(8)]
pub(crate) fn crate_visible(x: u64) -> u64 {
    let y = x.wrapping_add(1);
    y
}

/// Sums the levels.
#[warm_path("2us")]
pub fn total(levels: &[Level]) -> u64 {
    let total = levels.iter().map(Level::qty).sum();
    total
}

/// A one-expression body: the expansion must not wrap it in braces `unused_braces` flags.
#[hot_path(8)]
pub fn identity(x: u64) -> u64 { x }

/// The same for a warm path.
#[warm_path("1us")]
pub fn double(x: u64) -> u64 { x * 2 }

/// A one-expression block form.
pub fn increment(x: u64) -> u64 {
    knhk_runtime::block::hot_path! { budget = 8, name = "lint_clean.increment", x + 1 }
}

fn main() {
    assert_eq!(identity(3) + double(2) + increment(0), 8);
    let mut level = Level::default();
    assert_eq!(level.add(3), 3);
    assert_eq!(level.add(4), 7);
    assert_eq!(level.qty(), 7);
    assert_eq!(mix(0), 0x9e37_79b9_7f4a_7c15);
    assert_eq!(crate_visible(1), 2);
    assert_eq!(total(&[Level { qty: 1 }, Level { qty: 2 }]), 3);
}
