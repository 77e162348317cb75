//! `labshare.access.Actor` to a core [`Actor`].

use labshare::access::Role;
use labshare::{Actor, EnterpriseId, Text, UnitId};
use pyo3::prelude::*;

use super::object::PythonClass;
use crate::errors::CoreError;

static ACTOR: PythonClass = PythonClass::new("labshare.access", "Actor");

/// Converts a `labshare.Actor`, checking its unit or enterprise id.
///
/// Raises `InvalidInputError` with code `missing` when a unit administrator
/// has no unit or an enterprise contact no enterprise. Raises it with code
/// `invalid_value` for an unknown role, or for a unit or enterprise given to
/// a role that has none, and with core's id errors for a malformed id.
pub fn actor(argument: &str, value: &Bound<'_, PyAny>) -> PyResult<Actor> {
    let fields = ACTOR.fields(argument, value)?;
    let id = fields.text("id")?;
    let role = fields.text("role")?;
    let unit = fields.optional_text("unit")?;
    let enterprise = fields.optional_text("enterprise")?;
    Ok(build(id, &role, unit, enterprise).map_err(CoreError::from)?)
}

fn build(
    id: String,
    role: &str,
    unit: Option<String>,
    enterprise: Option<String>,
) -> Result<Actor, labshare::Error> {
    let role = match role {
        "office" => Role::Office,
        "unit_admin" => Role::UnitAdmin {
            unit: UnitId::new(required("unit", unit.clone())?)?,
        },
        "user" => Role::User {
            unit: unit.clone().map(UnitId::new).transpose()?,
        },
        "enterprise" => Role::Enterprise {
            enterprise: EnterpriseId::new(required("enterprise", enterprise.clone())?)?,
        },
        "expert" => Role::Expert,
        other => {
            let expected = Text::new(
                "office、unit_admin、user、enterprise 或 expert",
                "office, unit_admin, user, enterprise or expert",
            );
            return Err(labshare::Error::invalid_value("role", other, expected));
        }
    };
    reject_unused(
        "unit",
        unit,
        matches!(role, Role::UnitAdmin { .. } | Role::User { .. }),
    )?;
    reject_unused(
        "enterprise",
        enterprise,
        matches!(role, Role::Enterprise { .. }),
    )?;
    Ok(Actor { id, role })
}

fn required(field: &str, value: Option<String>) -> Result<String, labshare::Error> {
    value.ok_or_else(|| labshare::Error::Missing {
        field: field.to_owned(),
    })
}

/// Rejects a unit or enterprise id on a role that has none, which would
/// otherwise be dropped without a word.
fn reject_unused(field: &str, value: Option<String>, used: bool) -> Result<(), labshare::Error> {
    match value {
        Some(value) if !used => Err(labshare::Error::invalid_value(
            field,
            value,
            Text::new(
                "此角色不带该字段，应为 None",
                "None, because this role has no such field",
            ),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_match_core_serde_names() {
        let cases = [
            (build("a".into(), "office", None, None), "office"),
            (
                build("a".into(), "unit_admin", Some("U1".into()), None),
                "unit_admin",
            ),
            (build("a".into(), "user", None, None), "user"),
            (build("a".into(), "user", Some("U1".into()), None), "user"),
            (
                build("a".into(), "enterprise", None, Some("E1".into())),
                "enterprise",
            ),
            (build("a".into(), "expert", None, None), "expert"),
        ];
        for (actor, role) in cases {
            let json = serde_json::to_value(actor.unwrap()).unwrap();
            assert_eq!(json["role"], role);
        }
    }

    #[test]
    fn unit_admin_without_unit_is_missing() {
        let error = build("a".into(), "unit_admin", None, None).unwrap_err();

        assert_eq!(error.code(), "missing");
        assert_eq!(error.field(), Some("unit"));
    }

    #[test]
    fn office_with_unit_is_rejected() {
        let error = build("a".into(), "office", Some("U1".into()), None).unwrap_err();

        assert_eq!(error.code(), "invalid_value");
        assert_eq!(error.field(), Some("unit"));
    }

    #[test]
    fn malformed_unit_id_uses_core_error() {
        let error = build("a".into(), "unit_admin", Some("U 1".into()), None).unwrap_err();

        assert_eq!(error.code(), "invalid_value");
        assert_eq!(error.field(), Some("unit_id"));
    }
}
