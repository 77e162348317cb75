//! Identifiers of records (编号).
//!
//! Ids are chosen by the caller (a unit's own instrument number, a unit's
//! code), so they are checked: 1 to 64 characters, no whitespace or control
//! characters.

use std::fmt;

use compact_str::CompactString;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Error, Result};
use crate::lang::Text;

const MAX_ID_CHARS: usize = 64;

fn check_id(kind: &str, text: &str) -> Result<()> {
    let count = text.chars().count();
    if count == 0 {
        return Err(Error::Missing { field: kind.to_owned() });
    }
    if count > MAX_ID_CHARS {
        return Err(Error::TooLong { field: kind.to_owned(), max_chars: MAX_ID_CHARS, actual_chars: count });
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid_value(
            kind,
            text,
            Text::new("不含空白和控制字符的编号", "an id without whitespace or control characters"),
        ));
    }
    Ok(())
}

/// Reads an id's text without a temporary `String`.
struct IdVisitor;

impl serde::de::Visitor<'_> for IdVisitor {
    type Value = CompactString;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an id as a string")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> std::result::Result<CompactString, E> {
        Ok(CompactString::from(text))
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        // compact_str 0.10 stores text of up to 24 bytes inline on 64-bit
        // targets, so comparing two such ids in a map's node reads no memory
        // outside the node.
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
        #[serde(transparent)]
        pub struct $name(#[schemars(with = "String")] CompactString);

        impl $name {
            /// Creates an id after checking its form.
            ///
            /// # Errors
            ///
            /// [`Error::Missing`], [`Error::TooLong`] or [`Error::InvalidValue`]
            /// for an empty, over-long (more than 64 characters) or
            /// whitespace-containing id.
            pub fn new(text: impl Into<String>) -> Result<$name> {
                let text = text.into();
                check_id($field, &text)?;
                Ok($name(CompactString::from(text)))
            }

            /// Returns the id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<$name, D::Error> {
                let text = deserializer.deserialize_str(IdVisitor)?;
                check_id($field, &text).map_err(serde::de::Error::custom)?;
                Ok($name(text))
            }
        }

        impl std::str::FromStr for $name {
            type Err = Error;

            fn from_str(text: &str) -> Result<$name> {
                $name::new(text)
            }
        }
    };
}

id_type!(
    /// Id of a member unit (网员单位编号).
    UnitId,
    "unit_id"
);
id_type!(
    /// Id of an instrument (仪器编号), unique on the network.
    InstrumentId,
    "instrument_id"
);
id_type!(
    /// Id of an enterprise (企业编号); startup teams (创业团队) that apply for
    /// innovation vouchers get ids from the same range.
    EnterpriseId,
    "enterprise_id"
);
id_type!(
    /// Id of a person or organisation that controls an enterprise or leads a
    /// startup team (实际控制人、团队成员编号), such as an office-assigned code.
    PartyId,
    "party_id"
);
id_type!(
    /// Id of an innovation-voucher scheme (创新券实施方案编号), such as `xj-cxq-2018`.
    SchemeId,
    "scheme_id"
);
id_type!(
    /// Id of a voucher application (创新券申请编号), chosen by the caller.
    ApplicationId,
    "application_id"
);
id_type!(
    /// Number of an innovation voucher (创新券编号), assigned at issue.
    VoucherNumber,
    "voucher_number"
);
