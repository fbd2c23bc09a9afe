//! Where each field's state is held in the builder.

use syn::Index;

/// Where each field's state is held: the builder's fields are chunks (tuples) of about
/// the square root of the number of fields each, so that a setter moves one chunk's
/// slots and the other chunks whole, about 2√n moves instead of n. Rustc and LLVM then
/// see less code per setter; for 50 fields that is 14 moves instead of 50.
pub(super) struct Layout {
    fields: usize,
    chunk: usize,
}

impl Layout {
    pub(super) fn new(fields: usize) -> Layout {
        let mut chunk = 1;
        while chunk * chunk < fields {
            chunk += 1;
        }
        Layout { fields, chunk }
    }

    pub(super) fn chunks(&self) -> usize {
        self.fields.div_ceil(self.chunk)
    }

    /// (chunk, slot in the chunk) of field `i`.
    pub(super) fn position(&self, i: usize) -> (Index, Index) {
        (Index::from(i / self.chunk), Index::from(i % self.chunk))
    }

    /// (slot, field) for each slot of chunk `c`.
    pub(super) fn slots(&self, c: usize) -> impl Iterator<Item = (Index, usize)> + use<> {
        let start = c * self.chunk;
        let end = (start + self.chunk).min(self.fields);
        (start..end).map(move |j| (Index::from(j - start), j))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_puts_every_field_in_one_slot_of_chunks_of_about_sqrt_n() {
        for n in 0..=60 {
            let layout = Layout::new(n);
            let slots: Vec<usize> = (0..layout.chunks())
                .flat_map(|c| layout.slots(c).map(|(_, j)| j))
                .collect();
            assert_eq!(slots, (0..n).collect::<Vec<_>>());
            for i in 0..n {
                let (c, k) = layout.position(i);
                let (slot, j) = layout
                    .slots(c.index as usize)
                    .nth(k.index as usize)
                    .unwrap();
                assert_eq!((slot.index, j), (k.index, i));
            }
        }
        let big = Layout::new(50);
        assert_eq!((big.chunk, big.chunks()), (8, 7));
        assert_eq!(Layout::new(4).chunk, 2);
    }
}
