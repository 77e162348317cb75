//! The hash chain that links journal lines (哈希链).
//!
//! Each stored line carries the SHA-256 hash of its own content and the hash
//! of the line before it. A [`ChainHead`] is the position after the last
//! line: its sequence number and its hash. The head of an empty journal is
//! [`ChainHead::genesis`], sequence 0 with a hash of 32 zero bytes.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::lang::Text;

/// A SHA-256 hash, written as 64 lowercase hexadecimal digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ChainHash([u8; 32]);

impl ChainHash {
    /// The hash that the first line of a journal names as its predecessor.
    pub const ZERO: ChainHash = ChainHash([0; 32]);

    /// Hashes `parts` as one run of bytes.
    pub(crate) fn of(parts: &[&[u8]]) -> ChainHash {
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update(part);
        }
        ChainHash(hasher.finalize().into())
    }

    /// Parses 64 hexadecimal digits.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for any other text.
    pub fn parse(text: &str) -> Result<ChainHash> {
        ChainHash::from_hex(text.as_bytes()).ok_or_else(|| {
            Error::invalid_value(
                "hash",
                text,
                Text::new("64 位十六进制数字（SHA-256）", "64 hexadecimal digits (a SHA-256 hash)"),
            )
        })
    }

    pub(crate) fn from_hex(digits: &[u8]) -> Option<ChainHash> {
        if digits.len() != 64 {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
            let high = hex_value(pair[0])?;
            let low = hex_value(pair[1])?;
            *byte = high << 4 | low;
        }
        Some(ChainHash(bytes))
    }

    /// Returns the hash as 64 lowercase hexadecimal digits.
    pub fn to_hex(&self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut text = String::with_capacity(64);
        for byte in self.0 {
            text.push(char::from(DIGITS[usize::from(byte >> 4)]));
            text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
        }
        text
    }
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

impl fmt::Display for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChainHash({})", self.to_hex())
    }
}

impl Serialize for ChainHash {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for ChainHash {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<ChainHash, D::Error> {
        let text = <&str>::deserialize(deserializer)?;
        ChainHash::parse(text).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for ChainHash {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ChainHash".into()
    }

    fn json_schema(_generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "SHA-256 hash as 64 lowercase hexadecimal digits",
            "pattern": "^[0-9a-f]{64}$"
        })
    }
}

/// The position after the last line of a journal: its sequence number and hash.
///
/// A reader that continues a journal (a tail after a snapshot, the next
/// append of a store) starts from a head, so a tail that does not continue
/// exactly where the earlier part ended is rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct ChainHead {
    /// Sequence number of the last event; 0 before the first.
    pub seq: u64,
    /// Hash of the last line; [`ChainHash::ZERO`] before the first.
    pub hash: ChainHash,
}

impl ChainHead {
    /// Returns the head of an empty journal.
    pub fn genesis() -> ChainHead {
        ChainHead { seq: 0, hash: ChainHash::ZERO }
    }
}

impl Default for ChainHead {
    fn default() -> ChainHead {
        ChainHead::genesis()
    }
}
