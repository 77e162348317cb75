//! A sorted set kept in chunks of neighbouring keys.
//!
//! Items are sorted by key and kept in chunks of at most [`CHUNK`] items,
//! so a lookup is a binary search over the chunks' last keys and then
//! inside one chunk, and a range scan reads contiguous memory. Unlike a
//! `BTreeSet`, the chunks are plain buffers whose addresses replay
//! look-ahead can prefetch, and an instrument with a dozen bookings keeps
//! them in one small allocation.

use smallvec::SmallVec;

use crate::replay::{LINE, prefetch, prefetch_slice};

/// Maximum items per chunk. An insert into a full chunk splits it in
/// halves, except at the end of the set, where it starts a new chunk so
/// that items added in key order fill their chunks.
pub(crate) const CHUNK: usize = 64;

/// A chunk shorter than this after a removal is merged into a neighbour
/// that has room for it.
const MIN_CHUNK: usize = CHUNK / 4;

/// Cache lines of a chunk that replay look-ahead prefetches. Six lines cover
/// 8 occupancy entries or 16 quota keys, and most instruments have fewer bookings.
const PREFETCH_LINES: usize = 6;

/// An item with the key it is sorted and found by.
pub(crate) trait Keyed: Copy {
    type Key: Ord + Copy;

    fn key(&self) -> Self::Key;
}

/// Items sorted by key, at most one per key.
#[derive(Debug, Clone)]
pub(crate) struct Chunked<T: Keyed> {
    /// Sorted, non-empty chunks. Every key of a chunk is below every key of the next.
    /// Most sets have one chunk, kept inline so that finding it reads no
    /// separate allocation.
    pub(super) chunks: SmallVec<[Vec<T>; 1]>,
    /// Key of the last item of each chunk.
    lasts: Vec<T::Key>,
    len: usize,
}

impl<T: Keyed> Default for Chunked<T> {
    fn default() -> Chunked<T> {
        Chunked { chunks: SmallVec::new(), lasts: Vec::new(), len: 0 }
    }
}

impl<T: Keyed> Chunked<T> {
    /// Inserts an item, replacing one with the same key.
    pub(crate) fn insert(&mut self, item: T) {
        let key = item.key();
        let Some(last_chunk) = self.chunks.len().checked_sub(1) else {
            self.chunks.push(new_chunk(item));
            self.lasts.push(key);
            self.len = 1;
            return;
        };
        let c = self.chunk_for(key).min(last_chunk);
        let Some(chunk) = self.chunks.get_mut(c) else { return };
        let position = match chunk.binary_search_by(|probe| probe.key().cmp(&key)) {
            Ok(found) => {
                if let Some(slot) = chunk.get_mut(found) {
                    *slot = item;
                }
                return;
            }
            Err(position) => position,
        };

        self.len += 1;
        if chunk.len() < CHUNK {
            chunk.insert(position, item);
            if position + 1 == chunk.len() {
                self.lasts[c] = key;
            }
            return;
        }
        if c == last_chunk && position == chunk.len() {
            self.chunks.push(new_chunk(item));
            self.lasts.push(key);
            return;
        }
        self.split_and_insert(c, position, item);
    }

    /// Splits the full chunk `c` in halves and inserts `item` at `position` of the old chunk.
    fn split_and_insert(&mut self, c: usize, position: usize, item: T) {
        let Some(chunk) = self.chunks.get_mut(c) else { return };
        let half = CHUNK / 2;
        let mut right = Vec::with_capacity(half + 1);
        right.extend(chunk.drain(half..));
        if position <= half {
            chunk.insert(position, item);
        } else {
            right.insert(position - half, item);
        }
        let (left_last, right_last) = match (chunk.last(), right.last()) {
            (Some(left), Some(right)) => (left.key(), right.key()),
            _ => return,
        };
        self.lasts[c] = left_last;
        self.lasts.insert(c + 1, right_last);
        self.chunks.insert(c + 1, right);
    }

    /// Removes the item with `key`, if present.
    pub(crate) fn remove(&mut self, key: T::Key) {
        let c = self.chunk_for(key);
        let Some(chunk) = self.chunks.get_mut(c) else { return };
        let Ok(position) = chunk.binary_search_by(|probe| probe.key().cmp(&key)) else { return };
        chunk.remove(position);
        self.len -= 1;
        match chunk.last() {
            None => {
                self.chunks.remove(c);
                self.lasts.remove(c);
            }
            Some(last) => {
                self.lasts[c] = last.key();
                if chunk.len() < MIN_CHUNK {
                    self.merge_small(c);
                }
            }
        }
    }

    /// Merges chunk `c` into its next or previous neighbour if one has room.
    fn merge_small(&mut self, c: usize) {
        let size = |i: usize| self.chunks.get(i).map_or(usize::MAX, Vec::len);
        let (into, from) = if size(c).saturating_add(size(c + 1)) <= CHUNK {
            (c, c + 1)
        } else if c > 0 && size(c).saturating_add(size(c - 1)) <= CHUNK {
            (c - 1, c)
        } else {
            return;
        };
        let moved = self.chunks.remove(from);
        let last = self.lasts.remove(from);
        if let Some(target) = self.chunks.get_mut(into) {
            target.extend(moved);
            self.lasts[into] = last;
        }
    }

    /// Returns the index of the first chunk whose last key is at or after
    /// `key`, or the number of chunks if there is none.
    ///
    /// With a single chunk every caller gets the same result from chunk 0,
    /// so the last keys are not read. Most instruments have one chunk, and
    /// skipping that read saves a cache miss on each booking.
    fn chunk_for(&self, key: T::Key) -> usize {
        if self.chunks.len() <= 1 {
            return 0;
        }
        self.lasts.partition_point(|last| *last < key)
    }

    /// Returns the number of items.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Iterates over every item in key order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        self.chunks.iter().flatten()
    }

    /// Iterates over the items with keys at or after `from`, in key order.
    pub(crate) fn starting_at(&self, from: T::Key) -> impl Iterator<Item = &T> + '_ {
        let c = self.chunk_for(from);
        let head = match self.chunks.get(c) {
            Some(chunk) => chunk.get(chunk.partition_point(|item| item.key() < from)..).unwrap_or_default(),
            None => &[],
        };
        let tail = self.chunks.get(c + 1..).unwrap_or_default();
        head.iter().chain(tail.iter().flatten())
    }

    /// Prefetches the chunk list and the chunks' last keys (replay look-ahead).
    /// The last keys are read only when there is more than one chunk.
    pub(crate) fn prefetch_index(&self) {
        prefetch_slice(&self.chunks, 1);
        if self.chunks.len() > 1 {
            prefetch_slice(&self.lasts, 1);
        }
    }

    /// Prefetches the lines of the chunk where `key` belongs that a search
    /// for it probably reads (replay look-ahead).
    pub(crate) fn prefetch_chunk(&self, key: T::Key) {
        let c = self.chunk_for(key).min(self.chunks.len().saturating_sub(1));
        let Some(chunk) = self.chunks.get(c) else { return };
        if std::mem::size_of_val(chunk.as_slice()) <= PREFETCH_LINES * LINE {
            prefetch_slice(chunk, PREFETCH_LINES);
            return;
        }
        // A binary search reads the middle item first. A new booking
        // usually starts after most of its instrument's earlier ones, so in
        // the occupancy index the search then moves towards the end of the
        // chunk. In the quota index the tail is only a guess.
        let last_byte = chunk.as_ptr().wrapping_add(chunk.len()).cast::<u8>().wrapping_sub(1);
        prefetch(chunk.as_ptr().wrapping_add(chunk.len() / 2));
        for line in 0..PREFETCH_LINES - 1 {
            prefetch(last_byte.wrapping_sub(line * LINE));
        }
    }

    /// Returns the last key of each chunk, for tests that check the chunks.
    #[cfg(test)]
    pub(crate) fn lasts(&self) -> &[T::Key] {
        &self.lasts
    }
}

/// Items a new chunk has room for. Room for 16 spares an instrument with
/// more than a few bookings the copies of growing from 4. On the national
/// bench (10 bookings an instrument) replay ran about 6 % faster for 5 %
/// more memory (BENCHMARKS.md, runs of 2026-12-05).
const FIRST_CAPACITY: usize = 16;

/// Starts a chunk with room for [`FIRST_CAPACITY`] items. Most instruments
/// of a national network have a dozen bookings or fewer, so reserving a
/// full chunk up front would waste 1.5 to 3 KB per instrument and index. A
/// chunk that fills grows by doubling up to [`CHUNK`].
fn new_chunk<T>(item: T) -> Vec<T> {
    let mut chunk = Vec::with_capacity(FIRST_CAPACITY);
    chunk.push(item);
    chunk
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    /// A quota-index key: party, minute of the start, booking.
    type Key = (u32, i64, u64);

    impl Keyed for Key {
        type Key = Key;

        fn key(&self) -> Key {
            *self
        }
    }

    #[test]
    fn keys_in_order_fill_whole_chunks() {
        let mut set: Chunked<Key> = Chunked::default();
        for i in 0..(CHUNK as u64 * 2) {
            set.insert((1, i as i64, i));
        }
        assert_eq!(set.chunks.iter().map(Vec::len).collect::<Vec<_>>(), vec![CHUNK, CHUNK]);
        assert_eq!(set.lasts(), &[(1, CHUNK as i64 - 1, CHUNK as u64 - 1), (1, CHUNK as i64 * 2 - 1, CHUNK as u64 * 2 - 1)]);
    }

    #[test]
    fn starting_at_lower_bound() {
        let mut set: Chunked<Key> = Chunked::default();
        for key in [(2, 10, 5), (1, 30, 4), (2, 5, 9), (3, 0, 1)] {
            set.insert(key);
        }
        let found: Vec<Key> = set.starting_at((2, 6, 0)).copied().collect();
        assert_eq!(found, vec![(2, 10, 5), (3, 0, 1)]);
        set.remove((2, 10, 5));
        set.remove((2, 10, 5));
        assert_eq!(set.len(), 3);
        assert_eq!(set.starting_at((2, 6, 0)).copied().collect::<Vec<_>>(), vec![(3, 0, 1)]);
    }

    #[derive(Debug, Clone)]
    enum Step {
        Insert(Key),
        Remove(Key),
        From(Key),
    }

    fn key() -> impl Strategy<Value = Key> {
        (0..6u32, 0..300i64, 0..400u64)
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![5 => key().prop_map(Step::Insert), 3 => key().prop_map(Step::Remove), 2 => key().prop_map(Step::From)]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        /// The chunked set contains and finds exactly what a `BTreeSet` of
        /// the same keys does, and its chunks stay sorted, non-empty and bounded.
        #[test]
        fn set_matches_btree_set(steps in proptest::collection::vec(step(), 1..800)) {
            let mut set: Chunked<Key> = Chunked::default();
            let mut model: BTreeSet<Key> = BTreeSet::new();
            for step in steps {
                match step {
                    Step::Insert(key) => {
                        set.insert(key);
                        model.insert(key);
                    }
                    Step::Remove(key) => {
                        set.remove(key);
                        model.remove(&key);
                    }
                    Step::From(key) => {
                        let found: Vec<Key> = set.starting_at(key).copied().collect();
                        let expected: Vec<Key> = model.range(key..).copied().collect();
                        prop_assert_eq!(found, expected);
                    }
                }
                prop_assert_eq!(set.len(), model.len());
                prop_assert_eq!(set.iter().copied().collect::<Vec<_>>(), model.iter().copied().collect::<Vec<_>>());
                let lasts: Vec<Key> = set.chunks.iter().filter_map(|chunk| chunk.last().copied()).collect();
                prop_assert_eq!(lasts.as_slice(), set.lasts());
                prop_assert!(set.chunks.iter().all(|chunk| !chunk.is_empty() && chunk.len() <= CHUNK));
            }
        }
    }
}
