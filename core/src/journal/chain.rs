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
            let high = HEX_VALUES[usize::from(pair[0])];
            let low = HEX_VALUES[usize::from(pair[1])];
            if high == NOT_HEX || low == NOT_HEX {
                return None;
            }
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

/// Marks a byte that is not a hexadecimal digit in [`HEX_VALUES`].
const NOT_HEX: u8 = 0xff;

/// The value of each byte as a hexadecimal digit, either case, or [`NOT_HEX`].
/// Every journal line carries two hashes, so decoding them is on the replay
/// path, where a table lookup per digit is cheaper than a three-way match.
const HEX_VALUES: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut digit = 0;
    while digit < 10 {
        table[b'0' as usize + digit] = digit as u8;
        digit += 1;
    }
    let mut letter = 0;
    while letter < 6 {
        table[b'a' as usize + letter] = 10 + letter as u8;
        table[b'A' as usize + letter] = 10 + letter as u8;
        letter += 1;
    }
    table
};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_table_matches_radix_parse() {
        for byte in 0..=u8::MAX {
            let expected = char::from(byte).to_digit(16).map(|value| value as u8);
            let actual = Some(HEX_VALUES[usize::from(byte)]).filter(|&value| value != NOT_HEX);
            assert_eq!(actual, expected, "byte {byte:#04x}");
        }
    }

    #[test]
    fn from_hex_round_trips_every_byte() {
        let mut bytes = [0u8; 32];
        for start in (0..=u8::MAX).step_by(32) {
            for (offset, byte) in bytes.iter_mut().enumerate() {
                *byte = start.wrapping_add(offset as u8);
            }
            let hash = ChainHash(bytes);
            assert_eq!(ChainHash::from_hex(hash.to_hex().as_bytes()), Some(hash));
            assert_eq!(ChainHash::from_hex(hash.to_hex().to_uppercase().as_bytes()), Some(hash));
        }
    }

    #[test]
    fn from_hex_rejects_non_digits() {
        let valid = "ab".repeat(32);
        for bad in [b'g', b'G', b' ', b'-', 0xff] {
            let mut digits = valid.clone().into_bytes();
            digits[17] = bad;
            assert_eq!(ChainHash::from_hex(&digits), None, "byte {bad:#04x}");
        }
        assert_eq!(ChainHash::from_hex(&valid.as_bytes()[..62]), None);
    }
}
