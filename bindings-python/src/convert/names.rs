//! Core enums as Python strings, such as `UnitKind::TestingCentre` as
//! `"testing_centre"`.
//!
//! The strings are core's serde names, the same ones that appear in event
//! JSON, so this module writes none of them out by hand.

use std::fmt::Debug;

use labshare::Text;
use labshare::registry::{AcquisitionSource, OperatingStatus, SharingMode, UnitKind};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A core enum whose variants carry no data and cross as their serde name.
pub trait Named: Serialize + DeserializeOwned + Debug + Copy + 'static {
    /// Every variant, in declaration order, for the message of a rejected name.
    const ALL: &'static [Self];
}

/// Declares [`Named`] for an enum. The match in the generated constant stops
/// the build when core adds a variant that `ALL` does not list.
macro_rules! named {
    ($type:ident: $($variant:ident),+) => {
        impl Named for $type {
            const ALL: &'static [Self] = &[$($type::$variant),+];
        }

        const _: fn($type) = |value| match value {
            $($type::$variant)|+ => {}
        };
    };
}

named!(UnitKind: Institute, University, TestingCentre, Enterprise, Other);
named!(AcquisitionSource: Purchased, SelfBuilt, Donated, Other);
named!(SharingMode: External, Internal, None);
named!(
    OperatingStatus: Normal,
    Standby,
    RemoteService,
    OccasionalFaults,
    FrequentFaults,
    AwaitingRepair,
    AwaitingDisposal
);

/// Returns the serde name of `value`, such as `"testing_centre"`.
pub fn name_of<T: Named>(value: T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        // Unreachable for the unit-only enums that implement `Named`.
        _ => format!("{value:?}"),
    }
}

/// Parses a serde name into a variant of `T`.
///
/// # Errors
///
/// [`labshare::Error::InvalidValue`] naming `field` and listing every name.
pub fn parse_name<T: Named>(field: &str, text: &str) -> Result<T, labshare::Error> {
    let value = serde_json::Value::String(text.to_owned());
    serde_json::from_value(value).map_err(|_| {
        let names: Vec<String> = T::ALL.iter().map(|variant| name_of(*variant)).collect();
        let list = names.join(", ");
        labshare::Error::invalid_value(
            field,
            text,
            Text::new(format!("以下之一：{list}"), format!("one of {list}")),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T: Named + PartialEq>() {
        for variant in T::ALL {
            let name = name_of(*variant);
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{name}"
            );
            assert_eq!(parse_name::<T>("field", &name).unwrap(), *variant);
        }
    }

    #[test]
    fn every_name_round_trips() {
        round_trips::<UnitKind>();
        round_trips::<AcquisitionSource>();
        round_trips::<SharingMode>();
        round_trips::<OperatingStatus>();
    }

    #[test]
    fn testing_centre_is_snake_case() {
        assert_eq!(name_of(UnitKind::TestingCentre), "testing_centre");
        assert_eq!(
            name_of(OperatingStatus::AwaitingDisposal),
            "awaiting_disposal"
        );
    }

    #[test]
    fn unknown_name_lists_every_name() {
        let error = parse_name::<SharingMode>("sharing_mode", "public").unwrap_err();

        assert_eq!(error.code(), "invalid_value");
        assert_eq!(error.field(), Some("sharing_mode"));
        assert!(
            error.text().en.contains("one of external, internal, none"),
            "{error}"
        );
    }
}
