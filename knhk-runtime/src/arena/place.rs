//! Where an allocation goes: the one piece of arithmetic every path shares, written
//! with checked operations so that no overflow near the end of the address space or
//! of the region can wrap into a smaller, overlapping offset.

/// The offsets `(start, end)` of `size` bytes aligned to `align` (a power of two) at or
/// after offset `cursor` of a region at address `base`, if they fit before `limit`.
///
/// Alignment is of the address, `base + start`, not of the offset: a region need not
/// be aligned to what is asked of it.
#[inline(always)]
pub(crate) fn place(
    base: usize,
    cursor: usize,
    limit: usize,
    size: usize,
    align: usize,
) -> Option<(usize, usize)> {
    debug_assert!(align.is_power_of_two());
    let address = base.checked_add(cursor)?;
    let aligned = address.checked_add(align - 1)? & !(align - 1);
    let start = aligned - base;
    let end = start.checked_add(size)?;
    (end <= limit).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_aligned_cursor_needs_no_padding_and_a_misaligned_one_is_rounded_up() {
        assert_eq!(place(4096, 0, 100, 8, 8), Some((0, 8)));
        assert_eq!(place(4096, 1, 100, 8, 8), Some((8, 16)));
        assert_eq!(place(4100, 0, 100, 8, 8), Some((4, 12)));
        assert_eq!(place(4096, 1, 5000, 1, 4096), Some((4096, 4097)));
        // Exactly full fits; a byte more does not.
        assert_eq!(place(0, 92, 100, 8, 4), Some((92, 100)));
        assert_eq!(place(0, 93, 100, 8, 4), None);
    }

    #[test]
    fn the_end_of_the_address_space_is_a_refusal_not_a_wrap() {
        // A region of 15 bytes ending at the last address.
        let base = usize::MAX - 15;
        assert_eq!(place(base, 0, 15, 8, 1), Some((0, 8)));
        assert_eq!(place(base, 15, 15, 0, 1), Some((15, 15)));
        // Aligning up to 4096 would pass usize::MAX: refused, not wrapped to offset 0.
        assert_eq!(place(base, 8, 15, 1, 4096), None);
        assert_eq!(place(base, 1, 15, 1, 16), None);
        // A size that would wrap the end offset.
        assert_eq!(place(0, 8, usize::MAX, usize::MAX, 1), None);
    }

    proptest! {
        /// Whatever the base, cursor, size and alignment (up to 4096), a placement is
        /// aligned, starts at or after the cursor, within alignment - 1 of it, and ends
        /// inside the region; and it is refused only when no such placement exists.
        #[test]
        fn a_placement_is_aligned_inside_and_tight(
            base in prop_oneof![
                any::<usize>(),
                (usize::MAX - 8192)..=usize::MAX,
                0_usize..8192,
            ],
            cursor in 0_usize..8192,
            room in 0_usize..8192,
            size in prop_oneof![0_usize..512, any::<usize>()],
            shift in 0_u32..=12,
        ) {
            let align = 1_usize << shift;
            let limit = cursor.saturating_add(room);
            match place(base, cursor, limit, size, align) {
                Some((start, end)) => {
                    prop_assert!(start >= cursor && start - cursor < align);
                    prop_assert_eq!(end, start + size);
                    prop_assert!(end <= limit);
                    prop_assert_eq!((base as u128 + start as u128) % align as u128, 0);
                }
                None => {
                    // Computed without overflow: the first aligned address at or after
                    // the cursor, and where the allocation would end.
                    let address = base as u128 + cursor as u128;
                    let aligned = address.div_ceil(align as u128) * align as u128;
                    let end = aligned - base as u128 + size as u128;
                    prop_assert!(
                        aligned > usize::MAX as u128 || end > limit as u128,
                        "refused a placement that fits: base {base} cursor {cursor} limit {limit} size {size} align {align}"
                    );
                }
            }
        }
    }
}
