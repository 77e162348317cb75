//! A hash map whose probe can be prefetched before the lookup.
//!
//! Replay look-ahead (see `crate::replay`) finds each coming booking
//! request's instrument and booker by id. With the standard hash map each
//! of those lookups waited for two cache misses, the control bytes and
//! then the bucket. In a profile of national replay that wait was about a
//! fifth of replay time, and because the standard map does not expose
//! where a probe will read, it could not be hidden. [`FlatMap`] stores
//! keys and values inline in one open-addressing array and derives a key's
//! first position from its hash alone, so replay prefetches that position
//! an event before it looks the key up.
//!
//! Entries are never removed, which keeps linear probing simple: a probe
//! ends at the key or at the first empty entry.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{BuildHasher, Hash};

use rustc_hash::FxBuildHasher;

use crate::replay::prefetch;

/// The smallest number of entries of a table that is not empty.
const MIN_ENTRIES: usize = 8;

/// 2^64 divided by the golden ratio. Multiplying by it and keeping the top
/// bits (Fibonacci hashing) spreads every bit of a hash over the position.
const FIBONACCI: u64 = 0x9E37_79B9_7F4A_7C15;

/// Keys with values, looked up by FxHash with linear probing.
///
/// The table has a power-of-two number of entries and is at most half
/// full, so a probe for a missing key ends at an empty entry after at most
/// about 2.5 entries on average.
pub(crate) struct FlatMap<K, V> {
    entries: Vec<Option<(K, V)>>,
    len: usize,
}

impl<K, V> Default for FlatMap<K, V> {
    fn default() -> FlatMap<K, V> {
        FlatMap { entries: Vec::new(), len: 0 }
    }
}

impl<K: Clone, V: Clone> Clone for FlatMap<K, V> {
    fn clone(&self) -> FlatMap<K, V> {
        FlatMap { entries: self.entries.clone(), len: self.len }
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for FlatMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.entries.iter().flatten().map(|(key, value)| (key, value))).finish()
    }
}

impl<K: Hash + Eq, V> FlatMap<K, V> {
    /// Returns the number of keys.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Returns the value of `key`.
    pub(crate) fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let index = self.find(key).ok()?;
        self.entries.get(index)?.as_ref().map(|(_, value)| value)
    }

    /// Returns the value of `key` for change.
    pub(crate) fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let index = self.find(key).ok()?;
        self.entries.get_mut(index)?.as_mut().map(|(_, value)| value)
    }

    /// Returns true if `key` has a value.
    pub(crate) fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.find(key).is_ok()
    }

    /// Sets the value of `key` and returns the value it replaces.
    pub(crate) fn insert(&mut self, key: K, value: V) -> Option<V> {
        if let Some(old) = self.get_mut(&key) {
            return Some(std::mem::replace(old, value));
        }
        self.insert_new(key, value);
        None
    }

    /// Returns the value of `key`, first inserting `make()` if it has none.
    /// The result is `None` only if the table broke its own invariant.
    pub(crate) fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> Option<&mut V> {
        let index = match self.find(&key) {
            Ok(index) => index,
            Err(()) => self.insert_new(key, make()),
        };
        self.entries.get_mut(index)?.as_mut().map(|(_, value)| value)
    }

    /// Issues prefetch hints for the entries that a lookup of `key` reads
    /// first. Nothing is read or changed, so a hint is never wrong, only
    /// wasted.
    #[inline]
    pub(crate) fn prefetch<Q>(&self, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + ?Sized,
    {
        if self.entries.is_empty() {
            return;
        }
        let first = self.entries.as_ptr().wrapping_add(self.home(hash(key)));
        // An entry can straddle two cache lines, so hint at both of its ends.
        prefetch(first);
        prefetch(first.cast::<u8>().wrapping_add(std::mem::size_of::<Option<(K, V)>>() - 1));
    }

    /// Returns the index of `key`'s entry, or `Err` if the key is absent.
    fn find<Q>(&self, key: &Q) -> Result<usize, ()>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if self.entries.is_empty() {
            return Err(());
        }
        let mask = self.entries.len() - 1;
        let mut index = self.home(hash(key));
        // The table is at most half full, so the probe meets an empty entry
        // within `entries.len()` steps.
        for _ in 0..self.entries.len() {
            match self.entries.get(index) {
                Some(Some((stored, _))) if stored.borrow() == key => return Ok(index),
                Some(Some(_)) => index = (index + 1) & mask,
                _ => return Err(()),
            }
        }
        Err(())
    }

    /// Inserts a key that is absent and returns the index of its entry.
    fn insert_new(&mut self, key: K, value: V) -> usize {
        if (self.len + 1) * 2 > self.entries.len() {
            self.grow();
        }
        self.len += 1;
        self.place(key, value)
    }

    /// Puts an absent key in the first empty entry of its probe and returns
    /// that entry's index.
    fn place(&mut self, key: K, value: V) -> usize {
        let mask = self.entries.len() - 1;
        let mut index = self.home(hash(&key));
        while let Some(Some(_)) = self.entries.get(index) {
            index = (index + 1) & mask;
        }
        if let Some(entry) = self.entries.get_mut(index) {
            *entry = Some((key, value));
        }
        index
    }

    /// Doubles the table and places every entry again.
    fn grow(&mut self) {
        let size = (self.entries.len() * 2).max(MIN_ENTRIES);
        let old = std::mem::replace(&mut self.entries, std::iter::repeat_with(|| None).take(size).collect());
        for (key, value) in old.into_iter().flatten() {
            self.place(key, value);
        }
    }

    /// Returns the first position that a probe for `hash` reads.
    fn home(&self, hash: u64) -> usize {
        // `entries.len()` is a power of two of at least 8, so the shift is
        // between 1 and 61.
        let bits = self.entries.len().trailing_zeros();
        (hash.wrapping_mul(FIBONACCI) >> (64 - bits)) as usize
    }
}

fn hash<Q: Hash + ?Sized>(key: &Q) -> u64 {
    FxBuildHasher.hash_one(key)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use compact_str::CompactString;
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn empty_map_finds_nothing() {
        let map: FlatMap<CompactString, u32> = FlatMap::default();
        assert_eq!(map.get("a"), None);
        assert!(!map.contains_key("a"));
        assert_eq!(map.len(), 0);
        map.prefetch("a");
    }

    #[test]
    fn insert_replaces_and_returns_old_value() {
        let mut map: FlatMap<CompactString, u32> = FlatMap::default();
        assert_eq!(map.insert("INS-1".into(), 1), None);
        assert_eq!(map.insert("INS-1".into(), 2), Some(1));
        assert_eq!(map.get("INS-1"), Some(&2));
        assert_eq!(map.len(), 1);
    }

    #[test]
    fn get_or_insert_with_inserts_once() {
        let mut map: FlatMap<CompactString, Vec<u32>> = FlatMap::default();
        map.get_or_insert_with("user-1".into(), Vec::new).unwrap().push(1);
        map.get_or_insert_with("user-1".into(), Vec::new).unwrap().push(2);
        assert_eq!(map.get("user-1"), Some(&vec![1, 2]));
        assert_eq!(map.len(), 1);
    }

    #[test]
    fn growth_keeps_every_key() {
        let mut map: FlatMap<CompactString, usize> = FlatMap::default();
        for i in 0..10_000 {
            map.insert(CompactString::from(format!("INS-{i:06}")), i);
        }
        assert_eq!(map.len(), 10_000);
        for i in 0..10_000 {
            assert_eq!(map.get(format!("INS-{i:06}").as_str()), Some(&i));
        }
        assert_eq!(map.get("INS-010000"), None);
        assert!(map.entries.len() >= 2 * map.len());
    }

    proptest! {
        #[test]
        fn flat_map_matches_hash_map(steps in proptest::collection::vec((0u16..300, any::<u32>(), any::<bool>()), 0..400)) {
            let mut flat: FlatMap<CompactString, u32> = FlatMap::default();
            let mut reference: HashMap<CompactString, u32> = HashMap::new();
            for (key, value, add) in steps {
                let key = CompactString::from(format!("id-{key}"));
                if add {
                    prop_assert_eq!(flat.insert(key.clone(), value), reference.insert(key, value));
                } else {
                    *flat.get_or_insert_with(key.clone(), || value).unwrap() ^= 1;
                    *reference.entry(key).or_insert(value) ^= 1;
                }
                prop_assert_eq!(flat.len(), reference.len());
            }
            for (key, value) in &reference {
                prop_assert_eq!(flat.get(key.as_str()), Some(value));
            }
            for key in 300..320 {
                prop_assert_eq!(flat.get(format!("id-{key}").as_str()), None);
            }
        }
    }
}
