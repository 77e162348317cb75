//! Faster deserialization of internally tagged enums (`#[serde(tag = "type")]`).
//!
//! serde's derived `Deserialize` for an internally tagged enum cannot know the
//! variant until it has seen the tag, so it first copies the whole map into
//! an intermediate tree and then deserializes the variant from that copy.
//! Every change in the journal is such an enum, and the copy costs about a
//! quarter of the time spent parsing a line.
//!
//! serde_json writes the tag as the first member, so [`tagged_enum!`] adds a
//! fast path: when the first key of the map is the tag, the variant is
//! deserialized straight from the rest of the map, without the copy. The
//! tag may come later in hand-written JSON, in other serialisers' output
//! and in a `serde_json::Value`, whose keys are sorted. Then, and for a
//! sequence, the enum falls back to serde's derived code. So every input
//! decodes to the same value, or fails with the same kind of error, as
//! with the derived code alone:
//!
//! - the variant's fields are read by serde's derived visitor either way,
//!   so renames, defaults, unknown fields and missing fields behave alike;
//! - a second tag member is rejected as a duplicate field, as serde does,
//!   but when a map also repeats a field, the error may name that field
//!   instead of the tag;
//! - error messages name the enum and its variants as serde's do, although
//!   the line and column that serde_json appends may differ.
//!
//! The macro supports unit variants and struct variants, which are all that
//! internally tagged enums in this crate use.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer, StringDeserializer};
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

/// Defines an internally tagged enum with a `Deserialize` impl that takes
/// the fast path when the tag is the map's first key.
///
/// The enum's doc comment comes first, then one `#[derive(…)]` list without
/// `Deserialize`, which the macro implements, then
/// `#[serde(tag = "…", rename_all = "…")]`, then any other attributes.
/// Variant and field attributes, doc comments included, are copied to two
/// hidden copies of the enum that serde derives `Deserialize` for: one
/// externally tagged (the fast path) and one internally tagged (the
/// fallback).
macro_rules! tagged_enum {
    (
        $(#[doc = $doc:literal])*
        #[derive($($derive:path),* $(,)?)]
        #[serde(tag = $tag:literal, rename_all = $rename_all:literal)]
        $(#[$attr:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$variant_attr:meta])*
                $variant:ident $({
                    $(
                        $(#[$field_attr:meta])*
                        $field:ident : $field_type:ty
                    ),* $(,)?
                })?
            ),* $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive($($derive),*)]
        #[serde(tag = $tag, rename_all = $rename_all)]
        $(#[$attr])*
        $vis enum $name {
            $(
                $(#[$variant_attr])*
                $variant $({ $( $(#[$field_attr])* $field : $field_type ),* })?
            ),*
        }

        const _: () = {
            /// The enum externally tagged: the variant comes from the tag's
            /// value and its fields from the rest of the map.
            mod fast {
                #[allow(unused_imports)]
                use super::*;

                #[derive(::serde::Deserialize)]
                #[serde(rename_all = $rename_all)]
                #[allow(clippy::large_enum_variant, dead_code)]
                pub(super) enum $name {
                    $(
                        $(#[$variant_attr])*
                        $variant $({ $( $(#[$field_attr])* $field : $field_type ),* })?
                    ),*
                }
            }

            /// The enum as serde derives it, for maps that do not start with the tag.
            mod buffered {
                #[allow(unused_imports)]
                use super::*;

                #[derive(::serde::Deserialize)]
                #[serde(tag = $tag, rename_all = $rename_all)]
                #[allow(clippy::large_enum_variant, dead_code)]
                pub(super) enum $name {
                    $(
                        $(#[$variant_attr])*
                        $variant $({ $( $(#[$field_attr])* $field : $field_type ),* })?
                    ),*
                }
            }

            impl From<fast::$name> for $name {
                fn from(value: fast::$name) -> $name {
                    match value {
                        $( fast::$name::$variant $({ $($field),* })? => $name::$variant $({ $($field),* })? ),*
                    }
                }
            }

            impl From<buffered::$name> for $name {
                fn from(value: buffered::$name) -> $name {
                    match value {
                        $( buffered::$name::$variant $({ $($field),* })? => $name::$variant $({ $($field),* })? ),*
                    }
                }
            }

            impl<'de> $crate::tagged::TaggedEnum<'de> for $name {
                const TAG: &'static [&'static str] = &[$tag];
                const EXPECTING: &'static str = concat!("internally tagged enum ", stringify!($name));

                fn from_tagged<A: ::serde::de::MapAccess<'de>>(map: $crate::tagged::TaggedMap<A>) -> Result<$name, A::Error> {
                    <fast::$name as ::serde::Deserialize<'de>>::deserialize(map).map($name::from)
                }

                fn from_buffered<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                    <buffered::$name as ::serde::Deserialize<'de>>::deserialize(deserializer).map($name::from)
                }
            }

            impl<'de> ::serde::Deserialize<'de> for $name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                    $crate::tagged::deserialize(deserializer)
                }
            }
        };
    };
}

pub(crate) use tagged_enum;

/// An internally tagged enum defined with [`tagged_enum!`].
pub(crate) trait TaggedEnum<'de>: Sized {
    /// The tag's name, as a one-element list of keys that may not repeat.
    const TAG: &'static [&'static str];

    /// The expectation that serde's derived code names in its error messages.
    const EXPECTING: &'static str;

    /// Deserializes the variant from a map whose tag key was just read.
    fn from_tagged<A: MapAccess<'de>>(map: TaggedMap<A>) -> Result<Self, A::Error>;

    /// Deserializes the enum with serde's derived code.
    fn from_buffered<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// Deserializes an internally tagged enum, taking the fast path when the
/// tag is the first key of the map.
pub(crate) fn deserialize<'de, T: TaggedEnum<'de>, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_any(TaggedVisitor(PhantomData))
}

struct TaggedVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: TaggedEnum<'de>> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let first = map.next_key_seed(KeySeed)?;
        match first {
            Some(key) if T::TAG.iter().any(|tag| key.is(tag)) => T::from_tagged(TaggedMap::new(map, T::TAG)),
            first => T::from_buffered(MapAccessDeserializer::new(Replay::after_key(first, map))),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        T::from_buffered(SeqAccessDeserializer::new(seq))
    }
}

/// A map key read before the code that wants it, kept so it can be handed on.
pub(crate) enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
    BorrowedBytes(&'de [u8]),
    Bytes(Vec<u8>),
    Index(u64),
}

impl Key<'_> {
    /// Returns true if the key is `name`, as a string or as its UTF-8 bytes.
    pub(crate) fn is(&self, name: &str) -> bool {
        match self {
            Key::Borrowed(text) => *text == name,
            Key::Owned(text) => text == name,
            Key::BorrowedBytes(bytes) => *bytes == name.as_bytes(),
            Key::Bytes(bytes) => bytes == name.as_bytes(),
            Key::Index(_) => false,
        }
    }
}

/// Reads a map key as a [`Key`]; keys that are not strings, bytes or
/// unsigned integers are rejected.
pub(crate) struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key<'de>, D::Error> {
        deserializer.deserialize_any(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a map key")
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::Borrowed(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Key<'de>, E> {
        Ok(Key::Owned(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Key<'de>, E> {
        Ok(Key::Owned(value))
    }

    fn visit_borrowed_bytes<E: de::Error>(self, value: &'de [u8]) -> Result<Key<'de>, E> {
        Ok(Key::BorrowedBytes(value))
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<Key<'de>, E> {
        Ok(Key::Bytes(value.to_vec()))
    }

    fn visit_byte_buf<E: de::Error>(self, value: Vec<u8>) -> Result<Key<'de>, E> {
        Ok(Key::Bytes(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Key<'de>, E> {
        Ok(Key::Index(value))
    }
}

/// Hands a [`Key`] to a visitor as the deserializer it was read from would.
pub(crate) struct KeyDeserializer<'de, E> {
    key: Key<'de>,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> IntoDeserializer<'de, E> for Key<'de> {
    type Deserializer = KeyDeserializer<'de, E>;

    fn into_deserializer(self) -> KeyDeserializer<'de, E> {
        KeyDeserializer { key: self, error: PhantomData }
    }
}

impl<'de, E: de::Error> Deserializer<'de> for KeyDeserializer<'de, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.key {
            Key::Borrowed(text) => visitor.visit_borrowed_str(text),
            Key::Owned(text) => visitor.visit_string(text),
            Key::BorrowedBytes(bytes) => visitor.visit_borrowed_bytes(bytes),
            Key::Bytes(bytes) => visitor.visit_byte_buf(bytes),
            Key::Index(index) => visitor.visit_u64(index),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// A map whose tag key was just read: its next value names the variant and
/// the entries after it are the variant's fields.
///
/// It is the deserializer of the externally tagged copy of the enum, whose
/// derived code requests an enum, reads the variant name and then the
/// fields as a map.
pub(crate) struct TaggedMap<A> {
    map: A,
    reserved: &'static [&'static str],
}

impl<A> TaggedMap<A> {
    /// Wraps `map`, whose next value is the tag's; `reserved` lists the keys
    /// that the rest of the map may not repeat, the tag among them.
    pub(crate) fn new(map: A, reserved: &'static [&'static str]) -> TaggedMap<A> {
        TaggedMap { map, reserved }
    }
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for TaggedMap<A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_enum(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>> EnumAccess<'de> for TaggedMap<A> {
    type Error = A::Error;
    type Variant = VariantFields<A>;

    fn variant_seed<V: DeserializeSeed<'de>>(mut self, seed: V) -> Result<(V::Value, VariantFields<A>), A::Error> {
        let variant = self.map.next_value_seed(seed)?;
        Ok((variant, VariantFields { map: self.map, reserved: self.reserved }))
    }
}

/// The entries of a map after its tag: the fields of one variant.
pub(crate) struct VariantFields<A> {
    map: A,
    reserved: &'static [&'static str],
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for VariantFields<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        let Some(key) = self.map.next_key_seed(KeySeed)? else {
            return Ok(None);
        };
        if let Some(name) = self.reserved.iter().find(|name| key.is(name)) {
            return Err(de::Error::duplicate_field(name));
        }
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> VariantAccess<'de> for VariantFields<A> {
    type Error = A::Error;

    /// Skips the other entries, as serde does for a unit variant of an
    /// internally tagged enum.
    fn unit_variant(mut self) -> Result<(), A::Error> {
        while self.next_key::<IgnoredAny>()?.is_some() {
            self.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        seed.deserialize(MapAccessDeserializer::new(self))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_map(self)
    }

    fn struct_variant<V: Visitor<'de>>(self, _fields: &'static [&'static str], visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_map(self)
    }
}

/// A map that hands out entries already read from it before its own.
///
/// When the first key or two are not the expected ones, the fast path
/// hands the map to the derived code through a `Replay`, so that code reads
/// the whole map. An entry read whole must have had a string value.
pub(crate) struct Replay<'de, A> {
    entry: Option<(Key<'de>, String)>,
    key: Option<Key<'de>>,
    value: Option<String>,
    map: A,
}

impl<'de, A> Replay<'de, A> {
    /// Replays `key`, whose value `map` has not read yet, then the rest of `map`.
    pub(crate) fn after_key(key: Option<Key<'de>>, map: A) -> Replay<'de, A> {
        Replay { entry: None, key, value: None, map }
    }

    /// Replays the entry `(key, value)`, then `next_key`, whose value `map`
    /// has not read yet, then the rest of `map`.
    pub(crate) fn after_entry(key: Key<'de>, value: String, next_key: Option<Key<'de>>, map: A) -> Replay<'de, A> {
        Replay { entry: Some((key, value)), key: next_key, value: None, map }
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        if let Some((key, value)) = self.entry.take() {
            self.value = Some(value);
            return seed.deserialize(key.into_deserializer()).map(Some);
        }
        if let Some(key) = self.key.take() {
            return seed.deserialize(key.into_deserializer()).map(Some);
        }
        self.map.next_key_seed(seed)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(StringDeserializer::new(value)),
            None => self.map.next_value_seed(seed),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use serde::{Deserialize, Serialize};

    use super::TaggedEnum;

    fn two() -> u32 {
        2
    }

    tagged_enum! {
        /// The kinds of variant and field attribute that the journal's changes use.
        #[derive(Debug, PartialEq, Serialize)]
        #[serde(tag = "type", rename_all = "snake_case")]
        enum Sample {
            Bare,
            Plain { id: String, count: u32 },
            Defaults {
                #[serde(default)]
                note: String,
                #[serde(default = "two")]
                people: u32,
                maybe: Option<u64>,
            },
            #[serde(rename = "renamed")]
            Renamed {
                #[serde(rename = "inner_name", alias = "old_name")]
                field: bool,
            },
            Nested { inner: Inner },
            Flattened {
                id: String,
                #[serde(flatten)]
                rest: BTreeMap<String, u32>,
            },
        }
    }

    tagged_enum! {
        /// A tagged enum inside another, with a different tag.
        #[derive(Debug, PartialEq, Serialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        enum Inner {
            First { value: u32 },
            Second,
        }
    }

    /// The same enums as serde derives them: the behaviour to match.
    mod reference {
        use std::collections::BTreeMap;

        use serde::{Deserialize, Serialize};

        use super::two;

        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "type", rename_all = "snake_case")]
        pub(super) enum Sample {
            Bare,
            Plain {
                id: String,
                count: u32,
            },
            Defaults {
                #[serde(default)]
                note: String,
                #[serde(default = "two")]
                people: u32,
                maybe: Option<u64>,
            },
            #[serde(rename = "renamed")]
            Renamed {
                #[serde(rename = "inner_name", alias = "old_name")]
                field: bool,
            },
            Nested {
                inner: Inner,
            },
            Flattened {
                id: String,
                #[serde(flatten)]
                rest: BTreeMap<String, u32>,
            },
        }

        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub(super) enum Inner {
            First { value: u32 },
            Second,
        }
    }

    /// Returns the decoded value as JSON, or the error without serde_json's position.
    fn outcome<T: Serialize>(result: serde_json::Result<T>) -> Result<serde_json::Value, String> {
        match result {
            Ok(value) => Ok(serde_json::to_value(value).unwrap_or_default()),
            Err(error) => {
                let text = error.to_string();
                Err(text.split(" at line ").next().unwrap_or_default().to_owned())
            }
        }
    }

    fn assert_same_as_serde(json: &str) {
        let ours = outcome(serde_json::from_str::<Sample>(json));
        let derived = outcome(serde_json::from_str::<reference::Sample>(json));
        assert_eq!(ours, derived, "{json}");
        let value = serde_json::from_str::<serde_json::Value>(json);
        if let Ok(value) = value {
            let ours = outcome(Sample::deserialize(&value));
            let derived = outcome(reference::Sample::deserialize(&value));
            assert_eq!(ours, derived, "{json} as a serde_json::Value");
        }
    }

    #[test]
    fn tag_first_decodes_as_serde_does() {
        for json in [
            r#"{"type":"bare"}"#,
            r#"{"type":"bare","extra":[1,{"a":2}]}"#,
            r#"{"type":"plain","id":"a","count":3}"#,
            r#"{"type":"plain","count":3,"id":"a\"b"}"#,
            r#"{"type":"plain","id":"a","count":3,"unknown":{"deep":[null]}}"#,
            r#"{"type":"defaults"}"#,
            r#"{"type":"defaults","maybe":null}"#,
            r#"{"type":"defaults","note":"n","people":5,"maybe":7}"#,
            r#"{"type":"renamed","inner_name":true}"#,
            r#"{"type":"renamed","old_name":false}"#,
            r#"{"type":"nested","inner":{"kind":"first","value":4}}"#,
            r#"{"type":"nested","inner":{"value":4,"kind":"first"}}"#,
            r#"{"type":"nested","inner":{"kind":"second","value":4}}"#,
            r#"{"type":"flattened","id":"a","x":1,"y":2}"#,
            r#"{"\u0074ype":"plain","id":"a","count":3}"#,
        ] {
            assert_same_as_serde(json);
            assert!(serde_json::from_str::<Sample>(json).is_ok(), "{json}");
        }
    }

    #[test]
    fn tag_later_decodes_as_serde_does() {
        for json in [
            r#"{"extra":1,"type":"bare"}"#,
            r#"{"id":"a","type":"plain","count":3}"#,
            r#"{"id":"a","count":3,"type":"plain"}"#,
            r#"{"maybe":7,"type":"defaults"}"#,
            r#"{"inner_name":true,"type":"renamed"}"#,
            r#"{"inner":{"value":4,"kind":"first"},"type":"nested"}"#,
            r#"{"x":1,"id":"a","type":"flattened"}"#,
            r#"["plain","a",3]"#,
            r#"["bare"]"#,
        ] {
            assert_same_as_serde(json);
            assert!(serde_json::from_str::<Sample>(json).is_ok(), "{json}");
        }
    }

    #[test]
    fn errors_match_serde() {
        for (json, expected) in [
            (r#"{"type":"plain","id":"a"}"#, "missing field `count`"),
            (r#"{"count":1,"type":"plain"}"#, "missing field `id`"),
            (r#"{"type":"plain","id":"a","id":"b","count":1}"#, "duplicate field `id`"),
            (r#"{"type":"plain","type":"plain","id":"a","count":1}"#, "duplicate field `type`"),
            (r#"{"type":"plain","id":"a","count":1,"type":"bare"}"#, "duplicate field `type`"),
            (r#"{"type":"bare","type":"bare"}"#, "duplicate field `type`"),
            (r#"{"type":"plain","id":1,"count":3}"#, "invalid type"),
            (r#"{"type":"plain","id":"a","count":-1}"#, "invalid value"),
            (r#"{"type":"nope"}"#, "unknown variant `nope`"),
            (r#"{"type":"Renamed","field":true}"#, "unknown variant `Renamed`"),
            (r#"{"type":null}"#, "invalid type"),
            (r#"{"type":1,"id":"a","count":3}"#, "invalid type: integer `1`, expected variant identifier"),
            (r#"{"id":"a"}"#, "missing field `type`"),
            (r#"{}"#, "missing field `type`"),
            (r#"[]"#, "missing field `type`"),
            (r#""plain""#, "invalid type: string \"plain\", expected internally tagged enum Sample"),
            (r#"null"#, "invalid type: null, expected internally tagged enum Sample"),
            (r#"{"type":"nested","inner":{"value":4}}"#, "missing field `kind`"),
            (r#"{"type":"nested","inner":{"kind":"first","kind":"first","value":4}}"#, "duplicate field `kind`"),
        ] {
            assert_same_as_serde(json);
            let error = serde_json::from_str::<Sample>(json).err().map(|error| error.to_string()).unwrap_or_default();
            assert!(error.contains(expected), "{json}: {error}");
        }
    }

    #[test]
    fn fast_and_buffered_paths_agree() {
        let json = r#"{"type":"defaults","people":3}"#;
        let fast = serde_json::from_str::<Sample>(json).ok();
        let buffered = Sample::from_buffered(&mut serde_json::Deserializer::from_str(json)).ok();
        assert_eq!(fast, Some(Sample::Defaults { note: String::new(), people: 3, maybe: None }));
        assert_eq!(fast, buffered);
    }

    fn member() -> impl Strategy<Value = (String, String)> {
        prop_oneof![
            Just(("type".to_owned(), "\"defaults\"".to_owned())),
            Just(("type".to_owned(), "\"plain\"".to_owned())),
            Just(("id".to_owned(), "\"x\"".to_owned())),
            Just(("count".to_owned(), "5".to_owned())),
            Just(("note".to_owned(), "\"n\"".to_owned())),
            Just(("people".to_owned(), "4".to_owned())),
            Just(("maybe".to_owned(), "null".to_owned())),
            Just(("maybe".to_owned(), "8".to_owned())),
            Just(("other".to_owned(), "[1,2]".to_owned())),
        ]
    }

    proptest! {
        /// Any members in any order decode as serde's derived code decodes
        /// them. When a map repeats both the tag and a field, both fail, but
        /// serde reports the tag and the fast path may report the field,
        /// because it reads fields before it reaches the second tag.
        #[test]
        fn any_member_order_matches_serde(members in proptest::collection::vec(member(), 0..7)) {
            let body: Vec<String> = members.iter().map(|(key, value)| format!("\"{key}\":{value}")).collect();
            let json = format!("{{{}}}", body.join(","));
            let ours = outcome(serde_json::from_str::<Sample>(&json));
            let derived = outcome(serde_json::from_str::<reference::Sample>(&json));
            let mut keys: Vec<&str> = members.iter().map(|(key, _)| key.as_str()).collect();
            keys.sort_unstable();
            keys.dedup();
            if keys.len() == members.len() || derived.is_ok() {
                prop_assert_eq!(ours, derived, "{}", json);
            } else {
                prop_assert!(ours.is_err(), "{}", json);
            }
        }
    }
}
