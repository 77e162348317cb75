//! Actors and the role check on every state change (权限).
//!
//! Every state change names the [`Actor`] who makes it. The check functions
//! here decide whether the actor's [`Role`] allows the action; the journal
//! records the actor with the change, so a replay repeats the same checks.

use std::fmt;

use schemars::JsonSchema;
use serde::de::value::MapAccessDeserializer;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Error, Result};
use crate::ids::{EnterpriseId, UnitId};
use crate::lang::Text;
use crate::tagged::{KeySeed, Replay, TaggedEnum, TaggedMap, tagged_enum};

tagged_enum! {
    /// The role an actor holds on the network.
    #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, JsonSchema)]
    #[serde(tag = "role", rename_all = "snake_case")]
    #[non_exhaustive]
    pub enum Role {
        /// Staff of the network office (协作网管理办公室): reviews, publishes,
        /// audits and pays.
        Office,
        /// Administrator of one member unit (网员单位管理员): manages that unit's
        /// instruments, usage reports and applications, and nothing else.
        UnitAdmin {
            /// The unit administered.
            unit: UnitId,
        },
        /// An ordinary user who searches and books, belonging to a unit or not.
        User {
            /// The user's own unit, if any.
            unit: Option<UnitId>,
        },
        /// The contact of an enterprise (企业) that applies for innovation vouchers.
        Enterprise {
            /// The enterprise represented.
            enterprise: EnterpriseId,
        },
        /// A member of the expert pool (专家库) who reviews purchases.
        Expert,
    }
}

/// A person or system account that makes a change.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, JsonSchema)]
pub struct Actor {
    /// Account id, such as a staff number or login name.
    pub id: String,
    /// What the account may do.
    #[serde(flatten)]
    pub role: Role,
}

/// [`Actor`] as serde derives it, for input that does not start with `id`
/// and `role`: the flattened role makes serde copy the map before reading it.
#[derive(Deserialize)]
#[serde(rename = "Actor")]
struct BufferedActor {
    id: String,
    #[serde(flatten)]
    role: Role,
}

/// Reads `{"id":…,"role":…,<role fields>}`, the order `Actor` is written
/// in, without copying the map. Other orders go to `BufferedActor`, so
/// every input decodes as the derived code would decode it.
impl<'de> Deserialize<'de> for Actor {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Actor, D::Error> {
        deserializer.deserialize_map(ActorVisitor)
    }
}

struct ActorVisitor;

impl<'de> Visitor<'de> for ActorVisitor {
    type Value = Actor;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("struct Actor")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Actor, A::Error> {
        let id_key = match map.next_key_seed(KeySeed)? {
            Some(key) if key.is("id") => key,
            other => return buffered(Replay::after_key(other, map)),
        };
        let id: String = map.next_value()?;

        match map.next_key_seed(KeySeed)? {
            Some(key) if key.is("role") => {
                let role = Role::from_tagged(TaggedMap::new(map, &["role", "id"]))?;
                Ok(Actor { id, role })
            }
            other => buffered(Replay::after_entry(id_key, id, other, map)),
        }
    }
}

fn buffered<'de, A: MapAccess<'de>>(map: Replay<'de, A>) -> std::result::Result<Actor, A::Error> {
    let actor = BufferedActor::deserialize(MapAccessDeserializer::new(map))?;
    Ok(Actor { id: actor.id, role: actor.role })
}

impl Actor {
    /// Creates an office staff actor.
    pub fn office(id: impl Into<String>) -> Actor {
        Actor { id: id.into(), role: Role::Office }
    }

    /// Creates the administrator of `unit`.
    pub fn unit_admin(id: impl Into<String>, unit: UnitId) -> Actor {
        Actor { id: id.into(), role: Role::UnitAdmin { unit } }
    }

    /// Creates an ordinary user, optionally belonging to a unit.
    pub fn user(id: impl Into<String>, unit: Option<UnitId>) -> Actor {
        Actor { id: id.into(), role: Role::User { unit } }
    }

    /// Returns true if the actor is office staff.
    pub fn is_office(&self) -> bool {
        matches!(self.role, Role::Office)
    }

    /// Returns true if the actor administers `unit`.
    pub fn administers(&self, unit: &UnitId) -> bool {
        matches!(&self.role, Role::UnitAdmin { unit: own } if own == unit)
    }

    /// Returns the enterprise or startup team the actor is the contact of, if any.
    pub fn enterprise(&self) -> Option<&EnterpriseId> {
        match &self.role {
            Role::Enterprise { enterprise } => Some(enterprise),
            _ => None,
        }
    }

    /// Returns the unit the actor belongs to, if any.
    pub fn unit(&self) -> Option<&UnitId> {
        match &self.role {
            Role::UnitAdmin { unit } => Some(unit),
            Role::User { unit } => unit.as_ref(),
            _ => None,
        }
    }
}

/// Checks that `actor` is office staff.
///
/// # Errors
///
/// [`Error::PermissionDenied`] naming the action otherwise.
pub fn require_office(actor: &Actor, action: &str) -> Result<()> {
    if actor.is_office() {
        return Ok(());
    }
    Err(denied(actor, action, Text::new("只有协作网办公室可以执行此操作", "only office staff may do this")))
}

/// Checks that `actor` administers `unit` or is office staff.
///
/// # Errors
///
/// [`Error::PermissionDenied`] naming the unit otherwise.
pub fn require_unit_or_office(actor: &Actor, unit: &UnitId, action: &str) -> Result<()> {
    if actor.is_office() || actor.administers(unit) {
        return Ok(());
    }
    Err(denied(
        actor,
        action,
        Text::new(
            format!("只有单位 {unit} 的管理员或协作网办公室可以执行此操作"),
            format!("only the administrator of unit {unit} or office staff may do this"),
        ),
    ))
}

/// Checks that `actor` administers `unit`; office staff do not pass.
///
/// # Errors
///
/// [`Error::PermissionDenied`] naming the unit otherwise.
pub fn require_unit_admin(actor: &Actor, unit: &UnitId, action: &str) -> Result<()> {
    if actor.administers(unit) {
        return Ok(());
    }
    Err(denied(
        actor,
        action,
        Text::new(
            format!("只有单位 {unit} 的管理员可以执行此操作"),
            format!("only the administrator of unit {unit} may do this"),
        ),
    ))
}

/// Builds a permission error for `actor` and `action`.
pub fn denied(actor: &Actor, action: &str, reason: Text) -> Error {
    Error::PermissionDenied { actor: actor.id.clone(), action: action.to_owned(), reason }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde::{Deserialize, Serialize};

    use super::*;

    /// `Actor` and `Role` as serde derives them: the behaviour to match.
    mod reference {
        use serde::{Deserialize, Serialize};

        use crate::ids::{EnterpriseId, UnitId};

        #[derive(Debug, Serialize, Deserialize)]
        #[serde(tag = "role", rename_all = "snake_case")]
        pub(super) enum Role {
            Office,
            UnitAdmin { unit: UnitId },
            User { unit: Option<UnitId> },
            Enterprise { enterprise: EnterpriseId },
            Expert,
        }

        #[derive(Debug, Serialize, Deserialize)]
        pub(super) struct Actor {
            pub(super) id: String,
            #[serde(flatten)]
            pub(super) role: Role,
        }
    }

    /// Returns the decoded value as JSON, or the error without serde_json's position.
    fn outcome<T: Serialize>(result: serde_json::Result<T>) -> std::result::Result<serde_json::Value, String> {
        match result {
            Ok(value) => Ok(serde_json::to_value(value).unwrap_or_default()),
            Err(error) => Err(error.to_string().split(" at line ").next().unwrap_or_default().to_owned()),
        }
    }

    fn assert_same_as_serde(json: &str) {
        let ours = outcome(serde_json::from_str::<Actor>(json));
        let derived = outcome(serde_json::from_str::<reference::Actor>(json));
        assert_eq!(ours, derived, "{json}");
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(json) {
            assert_eq!(outcome(Actor::deserialize(&value)), outcome(reference::Actor::deserialize(&value)), "{json} as a Value");
        }
    }

    #[test]
    fn actor_round_trips_every_role() {
        let unit = UnitId::new("XJ-AT").ok();
        let enterprise = EnterpriseId::new("91650100MA77XXXX1X").ok();
        let mut actors = vec![
            Actor::office("office-1"),
            Actor::user("alice", None),
            Actor { id: "expert-7".to_owned(), role: Role::Expert },
        ];
        if let Some(unit) = unit {
            actors.push(Actor::unit_admin("admin-1", unit.clone()));
            actors.push(Actor::user("bob", Some(unit)));
        }
        if let Some(enterprise) = enterprise {
            actors.push(Actor { id: "contact".to_owned(), role: Role::Enterprise { enterprise } });
        }
        assert_eq!(actors.len(), 6);
        for actor in actors {
            let json = serde_json::to_string(&actor).unwrap_or_default();
            assert_eq!(serde_json::from_str::<Actor>(&json).ok(), Some(actor), "{json}");
            assert_same_as_serde(&json);
        }
    }

    #[test]
    fn actor_members_in_other_orders_decode_alike() {
        let expected = Actor::unit_admin("admin-1", UnitId::new("XJ-AT").unwrap_or_else(|_| unreachable!("valid id")));
        for json in [
            r#"{"id":"admin-1","role":"unit_admin","unit":"XJ-AT"}"#,
            r#"{"role":"unit_admin","id":"admin-1","unit":"XJ-AT"}"#,
            r#"{"id":"admin-1","unit":"XJ-AT","role":"unit_admin"}"#,
            r#"{"unit":"XJ-AT","role":"unit_admin","id":"admin-1"}"#,
            r#"{"id":"admin-1","role":"unit_admin","unit":"XJ-AT","note":[1]}"#,
            r#"{"note":{},"id":"admin-1","role":"unit_admin","unit":"XJ-AT"}"#,
        ] {
            assert_eq!(serde_json::from_str::<Actor>(json).ok().as_ref(), Some(&expected), "{json}");
            assert_same_as_serde(json);
        }
    }

    #[test]
    fn actor_errors_match_serde() {
        for (json, expected) in [
            (r#"{"id":"a"}"#, "missing field `role`"),
            (r#"{"role":"office"}"#, "missing field `id`"),
            (r#"{"id":"a","role":"unit_admin"}"#, "missing field `unit`"),
            (r#"{"id":"a","role":"unit_admin","unit":null}"#, "invalid type: null"),
            (r#"{"id":"a","role":"office","id":"b"}"#, "duplicate field `id`"),
            (r#"{"id":"a","id":"b","role":"office"}"#, "duplicate field `id`"),
            (r#"{"id":"a","role":"office","role":"expert"}"#, "duplicate field `role`"),
            (r#"{"id":"a","role":"admin"}"#, "unknown variant `admin`"),
            (r#"{"id":7,"role":"office"}"#, "invalid type: integer `7`"),
            (r#"{"id":"a","role":"user","unit":"bad id with spaces"}"#, ""),
            (r#"[]"#, "invalid type: sequence, expected struct Actor"),
            (r#""office""#, "invalid type: string \"office\", expected struct Actor"),
        ] {
            assert_same_as_serde(json);
            let error = serde_json::from_str::<Actor>(json).err().map(|error| error.to_string());
            assert!(error.as_deref().is_some_and(|error| error.contains(expected)), "{json}: {error:?}");
        }
    }

    fn member() -> impl Strategy<Value = &'static str> {
        prop_oneof![
            Just(r#""id":"a""#),
            Just(r#""id":"b""#),
            Just(r#""role":"user""#),
            Just(r#""role":"unit_admin""#),
            Just(r#""role":"expert""#),
            Just(r#""unit":"XJ-AT""#),
            Just(r#""unit":null"#),
            Just(r#""other":1"#),
        ]
    }

    proptest! {
        /// Any members in any order decode, or fail, as the derived code
        /// decodes them; only which of two repeated keys an error names
        /// may differ.
        #[test]
        fn any_actor_member_order_matches_serde(members in proptest::collection::vec(member(), 0..6)) {
            let json = format!("{{{}}}", members.join(","));
            let ours = outcome(serde_json::from_str::<Actor>(&json));
            let derived = outcome(serde_json::from_str::<reference::Actor>(&json));
            let mut keys: Vec<&str> = members.iter().map(|member| member.split(':').next().unwrap_or_default()).collect();
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
