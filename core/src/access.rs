//! Actors and the role check on every state change (权限).
//!
//! Every state change names the [`Actor`] who makes it. The check functions
//! here decide whether the actor's [`Role`] allows the action; the journal
//! records the actor with the change, so a replay repeats the same checks.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{EnterpriseId, UnitId};
use crate::lang::Text;

/// The role an actor holds on the network.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
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

/// A person or system account that makes a change.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Actor {
    /// Account id, such as a staff number or login name.
    pub id: String,
    /// What the account may do.
    #[serde(flatten)]
    pub role: Role,
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
