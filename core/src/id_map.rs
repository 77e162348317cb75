//! A map keyed by an id: lookups by hash, iteration in id order.
//!
//! Replaying a national journal looks up an instrument or a unit several
//! times per event among 100,000 or more. A `BTreeMap` lookup then costs
//! about 17 string comparisons and as many cache misses, and it was the
//! largest share of replay time. [`IdMap`] looks a key up with one hash
//! probe and keeps a sorted index beside it for the reports, which list
//! records in id order. It serialises as the JSON object a `BTreeMap` gives,
//! so snapshots and schemas are unchanged.

use std::collections::BTreeMap;
use std::fmt;
use std::hash::Hash;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::flat_map::FlatMap;

/// Values keyed by id, stored in insertion order.
///
/// `slots` and `order` hold the same keys, each naming the value's position
/// in `values`. Nothing is ever removed, so positions stay valid.
#[derive(Clone)]
pub(crate) struct IdMap<K, V> {
    values: Vec<V>,
    slots: FlatMap<K, u32>,
    order: BTreeMap<K, u32>,
}

impl<K, V> Default for IdMap<K, V> {
    fn default() -> IdMap<K, V> {
        IdMap { values: Vec::new(), slots: FlatMap::default(), order: BTreeMap::new() }
    }
}

impl<K: Ord + Hash + Clone, V> IdMap<K, V> {
    /// Returns the value of `key`.
    pub(crate) fn get(&self, key: &K) -> Option<&V> {
        let slot = *self.slots.get(key)?;
        self.values.get(slot as usize)
    }

    /// Returns the value of `key` for change.
    pub(crate) fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        let slot = *self.slots.get(key)?;
        self.values.get_mut(slot as usize)
    }

    /// Returns the position of `key`'s value, which stays valid because
    /// nothing is removed.
    pub(crate) fn position(&self, key: &K) -> Option<u32> {
        self.slots.get(key).copied()
    }

    /// Issues prefetch hints for the index entry of `key`, for replay
    /// look-ahead.
    pub(crate) fn prefetch_key(&self, key: &K) {
        self.slots.prefetch(key);
    }

    /// Returns the value at `position`.
    pub(crate) fn at(&self, position: u32) -> Option<&V> {
        self.values.get(position as usize)
    }

    /// Returns true if `key` has a value.
    pub(crate) fn contains_key(&self, key: &K) -> bool {
        self.slots.contains_key(key)
    }

    /// Sets the value of `key` and returns the value it replaces.
    pub(crate) fn insert(&mut self, key: K, value: V) -> Option<V> {
        if let Some(old) = self.get_mut(&key) {
            return Some(std::mem::replace(old, value));
        }
        // u32 positions hold 4 billion records, far above any network.
        let slot = self.values.len() as u32;
        self.values.push(value);
        self.slots.insert(key.clone(), slot);
        self.order.insert(key, slot);
        None
    }

    /// Iterates over values in the order of their positions.
    pub(crate) fn values_by_position(&self) -> impl Iterator<Item = &V> {
        self.values.iter()
    }

    /// Returns the number of keys.
    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    /// Iterates over keys and values in key order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.order.iter().filter_map(|(key, slot)| Some((key, self.values.get(*slot as usize)?)))
    }

    /// Iterates over values in key order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &V> {
        self.iter().map(|(_, value)| value)
    }
}

impl<K: Ord + Hash + Clone, V: PartialEq> PartialEq for IdMap<K, V> {
    /// Two maps are equal when they hold equal values under equal keys,
    /// whatever order the keys were added in.
    fn eq(&self, other: &IdMap<K, V>) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<K: Ord + Hash + Clone, V: Eq> Eq for IdMap<K, V> {}

impl<K: Ord + Hash + Clone + fmt::Debug, V: fmt::Debug> fmt::Debug for IdMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Ord + Hash + Clone + Serialize, V: Serialize> Serialize for IdMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de, K, V> Deserialize<'de> for IdMap<K, V>
where
    K: Ord + Hash + Clone + Deserialize<'de>,
    V: Deserialize<'de>,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<IdMap<K, V>, D::Error> {
        let sorted = BTreeMap::<K, V>::deserialize(deserializer)?;
        Ok(sorted.into_iter().collect())
    }
}

impl<K: Ord + Hash + Clone, V> FromIterator<(K, V)> for IdMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> IdMap<K, V> {
        let mut map = IdMap::default();
        for (key, value) in pairs {
            map.insert(key, value);
        }
        map
    }
}

impl<K: JsonSchema, V: JsonSchema> JsonSchema for IdMap<K, V> {
    fn inline_schema() -> bool {
        <BTreeMap<K, V> as JsonSchema>::inline_schema()
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        <BTreeMap<K, V> as JsonSchema>::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        <BTreeMap<K, V> as JsonSchema>::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <BTreeMap<K, V> as JsonSchema>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iterates_in_key_order_whatever_the_insertion_order() {
        let map: IdMap<String, u32> = [("c", 3), ("a", 1), ("b", 2)].into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let keys: Vec<&str> = map.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c"]);
        assert_eq!(map.get(&"b".to_owned()), Some(&2));
        assert_eq!(map.get(&"d".to_owned()), None);
    }

    #[test]
    fn insert_replaces_an_existing_value_in_place() {
        let mut map: IdMap<String, u32> = IdMap::default();
        assert_eq!(map.insert("a".to_owned(), 1), None);
        assert_eq!(map.insert("a".to_owned(), 5), Some(1));
        assert_eq!(map.len(), 1);
        assert_eq!(map.values().copied().collect::<Vec<_>>(), [5]);
    }

    #[test]
    fn equal_contents_compare_equal_across_insertion_orders() {
        let forward: IdMap<String, u32> = [("a", 1), ("b", 2)].into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let backward: IdMap<String, u32> = [("b", 2), ("a", 1)].into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        assert_eq!(forward, backward);
        let other: IdMap<String, u32> = [("a", 1), ("b", 3)].into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        assert_ne!(forward, other);
    }

    #[test]
    fn serialises_like_a_btree_map() -> serde_json::Result<()> {
        let map: IdMap<String, u32> = [("b", 2), ("a", 1)].into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let json = serde_json::to_string(&map)?;
        assert_eq!(json, r#"{"a":1,"b":2}"#);
        let back: IdMap<String, u32> = serde_json::from_str(&json)?;
        assert_eq!(back, map);
        assert_eq!(back.get(&"b".to_owned()), Some(&2));
        Ok(())
    }
}
