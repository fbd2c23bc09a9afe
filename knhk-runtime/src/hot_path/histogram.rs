//! A log2 histogram with four linear sub-buckets per power of two.
//!
//! Values 0..=7 have a bucket each; from 8 up, each octave [2^k, 2^(k+1)) is split in
//! four, so a bucket's width is at most a quarter of its lower bound. Percentiles read
//! from it are the upper bound of the bucket they fall in: never below the true value,
//! at most 25% above it.

pub(crate) const BUCKETS: usize = 8 + 61 * 4;

/// The bucket `value` falls in.
#[inline(always)]
pub(crate) const fn bucket(value: u64) -> usize {
    if value < 8 {
        value as usize
    } else {
        let octave = 63 - value.leading_zeros() as usize; // >= 3
        let sub = ((value >> (octave - 2)) & 3) as usize;
        8 + (octave - 3) * 4 + sub
    }
}

/// The smallest and largest value in bucket `index`.
pub(crate) const fn bounds(index: usize) -> (u64, u64) {
    if index < 8 {
        (index as u64, index as u64)
    } else {
        let octave = (index - 8) / 4 + 3;
        let sub = ((index - 8) % 4) as u64;
        let width = 1_u64 << (octave - 2);
        let low = (1_u64 << octave) + sub * width;
        (low, low + (width - 1))
    }
}

/// The `percentile` (0..=100) of the values counted in `counts`, as the upper bound of
/// the bucket it falls in, capped at `max`; `None` when nothing was counted.
pub(crate) fn percentile(counts: &[(usize, u64)], percentile: f64, max: u64) -> Option<u64> {
    let total: u64 = counts.iter().map(|&(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    // The rank of the percentile: the smallest count c with c >= p% of the total.
    let rank = ((percentile.clamp(0.0, 100.0) / 100.0) * total as f64)
        .ceil()
        .max(1.0) as u64;
    let mut seen = 0;
    for &(index, n) in counts {
        seen += n;
        if seen >= rank {
            return Some(bounds(index).1.min(max));
        }
    }
    Some(max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn buckets_tile_the_whole_range() {
        assert_eq!(bounds(0), (0, 0));
        assert_eq!(bounds(7), (7, 7));
        assert_eq!(bounds(8), (8, 9));
        assert_eq!(bounds(11), (14, 15));
        assert_eq!(bounds(12), (16, 19));
        assert_eq!(bounds(BUCKETS - 1).1, u64::MAX);
        for i in 1..BUCKETS {
            assert_eq!(bounds(i).0, bounds(i - 1).1 + 1, "gap before bucket {i}");
        }
    }

    proptest! {
        #[test]
        fn every_value_lands_inside_its_bucket(v in any::<u64>()) {
            let (lo, hi) = bounds(bucket(v));
            prop_assert!(lo <= v && v <= hi);
            prop_assert!(hi - lo <= lo / 4 + 1);
        }
    }

    #[test]
    fn percentiles_are_bucket_upper_bounds() {
        // 98 calls at 5 ticks, 2 at 100 (bucket 96..=111).
        let counts = [(bucket(5), 98), (bucket(100), 2)];
        assert_eq!(percentile(&counts, 50.0, 100), Some(5));
        assert_eq!(percentile(&counts, 98.0, 100), Some(5));
        assert_eq!(percentile(&counts, 99.0, 100), Some(100));
        assert_eq!(percentile(&counts, 99.0, 1_000), Some(111));
        assert_eq!(percentile(&[], 50.0, 0), None);
    }
}
