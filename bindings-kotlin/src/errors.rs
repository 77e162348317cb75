//! The one mapping from [`labshare::Error`] to the error that Kotlin callers get.
//!
//! Core's error enum is rich and may grow, so foreign callers get this small
//! stable type instead: one variant per [`Category`], each with the stable
//! `code`, the field (if any), both messages and the name of the broken rule
//! (for rule violations only). uniffi generates the Kotlin
//! sealed class `LabshareException` with subclasses `InvalidInput`,
//! `NotFound`, `PermissionDenied`, `Conflict` and `Integrity`.

use labshare::Category;

/// Error of every fallible labshare call, one variant per category.
///
/// Match on `code` (such as `invalid_amount`) rather than on message text:
/// codes never change between versions, messages may.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum LabshareError {
    /// A value is malformed or out of range.
    #[error("{message_en}")]
    InvalidInput {
        code: String,
        field: Option<String>,
        message_zh: String,
        message_en: String,
        /// Name of the broken rule, such as `booking.quota`. Only errors with
        /// code `rule_violation` have one.
        rule: Option<String>,
    },

    /// An id names no record.
    #[error("{message_en}")]
    NotFound {
        code: String,
        field: Option<String>,
        message_zh: String,
        message_en: String,
        /// Name of the broken rule, such as `booking.quota`. Only errors with
        /// code `rule_violation` have one.
        rule: Option<String>,
    },

    /// The actor's role does not allow the action.
    #[error("{message_en}")]
    PermissionDenied {
        code: String,
        field: Option<String>,
        message_zh: String,
        message_en: String,
        /// Name of the broken rule, such as `booking.quota`. Only errors with
        /// code `rule_violation` have one.
        rule: Option<String>,
    },

    /// The action does not fit the current state: a duplicate id, a wrong
    /// workflow state, a booking conflict or a broken rule.
    #[error("{message_en}")]
    Conflict {
        code: String,
        field: Option<String>,
        message_zh: String,
        message_en: String,
        /// Name of the broken rule, such as `booking.quota`. Only errors with
        /// code `rule_violation` have one.
        rule: Option<String>,
    },

    /// Stored data failed an integrity check.
    #[error("{message_en}")]
    Integrity {
        code: String,
        field: Option<String>,
        message_zh: String,
        message_en: String,
        /// Name of the broken rule, such as `booking.quota`. Only errors with
        /// code `rule_violation` have one.
        rule: Option<String>,
    },
}

impl From<labshare::Error> for LabshareError {
    fn from(error: labshare::Error) -> Self {
        let code = error.code().to_owned();
        let field = error.field().map(str::to_owned);
        let rule = error.rule_name().map(str::to_owned);
        let text = error.text();
        let (message_zh, message_en) = (text.zh, text.en);
        match error.category() {
            Category::InvalidInput => LabshareError::InvalidInput {
                code,
                field,
                message_zh,
                message_en,
                rule,
            },
            Category::NotFound => LabshareError::NotFound {
                code,
                field,
                message_zh,
                message_en,
                rule,
            },
            Category::PermissionDenied => LabshareError::PermissionDenied {
                code,
                field,
                message_zh,
                message_en,
                rule,
            },
            Category::Conflict => LabshareError::Conflict {
                code,
                field,
                message_zh,
                message_en,
                rule,
            },
            Category::Integrity => LabshareError::Integrity {
                code,
                field,
                message_zh,
                message_en,
                rule,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use labshare::error::AmountProblem;
    use labshare::{Entity, Text};

    use super::*;

    fn category_of(error: &LabshareError) -> Category {
        match error {
            LabshareError::InvalidInput { .. } => Category::InvalidInput,
            LabshareError::NotFound { .. } => Category::NotFound,
            LabshareError::PermissionDenied { .. } => Category::PermissionDenied,
            LabshareError::Conflict { .. } => Category::Conflict,
            LabshareError::Integrity { .. } => Category::Integrity,
        }
    }

    fn rule_of(error: &LabshareError) -> Option<&str> {
        let (LabshareError::InvalidInput { rule, .. }
        | LabshareError::NotFound { rule, .. }
        | LabshareError::PermissionDenied { rule, .. }
        | LabshareError::Conflict { rule, .. }
        | LabshareError::Integrity { rule, .. }) = error;
        rule.as_deref()
    }

    #[test]
    fn from_core_error_keeps_every_field() {
        let errors = [
            labshare::Error::invalid_amount("fee", "-1", AmountProblem::Negative),
            labshare::Error::not_found(Entity::Instrument, "INS-404"),
            labshare::Error::PermissionDenied {
                actor: "user-7".to_owned(),
                action: "publish_instrument".to_owned(),
                reason: Text::new("仅管理员可发布", "only an administrator may publish"),
            },
            labshare::Error::AlreadyExists {
                entity: Entity::Unit,
                id: "U-1".to_owned(),
            },
            labshare::Error::Corrupt {
                location: "line 12".to_owned(),
                detail: Text::new("校验和不符", "checksum mismatch"),
            },
            labshare::Error::rule("booking.quota", Text::new("超出配额", "over the quota")),
        ];

        for core_error in errors {
            let error = LabshareError::from(core_error.clone());
            assert_eq!(category_of(&error), core_error.category(), "{core_error:?}");
            let (LabshareError::InvalidInput {
                code,
                field,
                message_zh,
                message_en,
                rule,
            }
            | LabshareError::NotFound {
                code,
                field,
                message_zh,
                message_en,
                rule,
            }
            | LabshareError::PermissionDenied {
                code,
                field,
                message_zh,
                message_en,
                rule,
            }
            | LabshareError::Conflict {
                code,
                field,
                message_zh,
                message_en,
                rule,
            }
            | LabshareError::Integrity {
                code,
                field,
                message_zh,
                message_en,
                rule,
            }) = &error;
            assert_eq!(code, core_error.code());
            assert_eq!(field.as_deref(), core_error.field());
            assert_eq!(message_zh, &core_error.text().zh);
            assert_eq!(message_en, &core_error.text().en);
            assert_eq!(rule.as_deref(), core_error.rule_name());
            assert_eq!(error.to_string(), core_error.to_string());
        }
    }

    #[test]
    fn rule_only_on_rule_violation() {
        let violation = labshare::Error::rule("voucher.share", Text::new("超过比例", "over the share"));
        let denial = labshare::Error::PermissionDenied {
            actor: "user-7".to_owned(),
            action: "publish_instrument".to_owned(),
            reason: Text::new("仅管理员可发布", "only an administrator may publish"),
        };

        assert_eq!(rule_of(&LabshareError::from(violation)), Some("voucher.share"));
        assert_eq!(rule_of(&LabshareError::from(denial)), None);
    }
}
