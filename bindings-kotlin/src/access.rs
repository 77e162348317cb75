//! Actors: who makes a change, and in which role (权限).

use labshare::access::Role;
use labshare::{EnterpriseId, UnitId};

use crate::errors::LabshareError;

/// A person or system account that makes a change, with its role.
///
/// Every method of `Network` that changes state takes one. The rules engine
/// checks the role against the action and records the actor in the event.
/// Unit and enterprise ids are checked when the actor is used: a malformed
/// one raises `LabshareException.InvalidInput`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Actor {
    /// Staff of the network office (协作网管理办公室): reviews, publishes,
    /// audits and pays.
    Office {
        /// Account id, such as a staff number or login name.
        id: String,
    },
    /// Administrator of one member unit (网员单位管理员): manages that unit's
    /// instruments and usage reports, and nothing else.
    UnitAdmin {
        /// Account id.
        id: String,
        /// Id of the unit administered.
        unit: String,
    },
    /// An ordinary user who searches and books, with or without a unit.
    User {
        /// Account id.
        id: String,
        /// Id of the user's own unit, if any.
        unit: Option<String>,
    },
    /// The contact of an enterprise (企业) that applies for innovation vouchers.
    Enterprise {
        /// Account id.
        id: String,
        /// Id of the enterprise represented.
        enterprise: String,
    },
    /// A member of the expert pool (专家库) who reviews purchases.
    Expert {
        /// Account id.
        id: String,
    },
}

impl TryFrom<Actor> for labshare::Actor {
    type Error = LabshareError;

    fn try_from(actor: Actor) -> Result<labshare::Actor, LabshareError> {
        let (id, role) = match actor {
            Actor::Office { id } => (id, Role::Office),
            Actor::UnitAdmin { id, unit } => (
                id,
                Role::UnitAdmin {
                    unit: UnitId::new(unit)?,
                },
            ),
            Actor::User { id, unit } => (
                id,
                Role::User {
                    unit: unit.map(UnitId::new).transpose()?,
                },
            ),
            Actor::Enterprise { id, enterprise } => (
                id,
                Role::Enterprise {
                    enterprise: EnterpriseId::new(enterprise)?,
                },
            ),
            Actor::Expert { id } => (id, Role::Expert),
        };
        Ok(labshare::Actor { id, role })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_match_core_serde_names() {
        let cases = [
            (Actor::Office { id: "a".into() }, "office"),
            (
                Actor::UnitAdmin {
                    id: "a".into(),
                    unit: "U1".into(),
                },
                "unit_admin",
            ),
            (
                Actor::User {
                    id: "a".into(),
                    unit: None,
                },
                "user",
            ),
            (
                Actor::Enterprise {
                    id: "a".into(),
                    enterprise: "E1".into(),
                },
                "enterprise",
            ),
            (Actor::Expert { id: "a".into() }, "expert"),
        ];
        for (actor, role) in cases {
            let core = labshare::Actor::try_from(actor).unwrap();
            assert_eq!(serde_json::to_value(core).unwrap()["role"], role);
        }
    }

    #[test]
    fn malformed_unit_id_is_invalid_input() {
        let error = labshare::Actor::try_from(Actor::UnitAdmin {
            id: "a".into(),
            unit: "U 1".into(),
        })
        .unwrap_err();

        assert!(
            matches!(error, LabshareError::InvalidInput { ref code, .. } if code == "invalid_value")
        );
    }
}
