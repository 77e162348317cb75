//! The one mapping from [`labshare::Error`] to the error that Kotlin callers get.
//!
//! Core's error enum is rich and may grow, so foreign callers get this small
//! stable type instead: one variant per [`Category`], each with the stable
//! `code`, the field (if any) and both messages. uniffi generates the Kotlin
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
    },

    /// An id names no record.
    #[error("{message_en}")]
    NotFound {
        code: String,
        field: Option<String>,
        message_zh: String,
        message_en: String,
    },

    /// The actor's role does not allow the action.
    #[error("{message_en}")]
    PermissionDenied {
        code: String,
        field: Option<String>,
        message_zh: String,
        message_en: String,
    },

    /// The action does not fit the current state: a duplicate id, a wrong
    /// workflow state, a booking conflict or a broken rule.
    #[error("{message_en}")]
    Conflict {
        code: String,
        field: Option<String>,
        message_zh: String,
        message_en: String,
    },

    /// Stored data failed an integrity check.
    #[error("{message_en}")]
    Integrity {
        code: String,
        field: Option<String>,
        message_zh: String,
        message_en: String,
    },
}

impl From<labshare::Error> for LabshareError {
    fn from(error: labshare::Error) -> Self {
        let code = error.code().to_owned();
        let field = error.field().map(str::to_owned);
        let text = error.text();
        let (message_zh, message_en) = (text.zh, text.en);
        match error.category() {
            Category::InvalidInput => LabshareError::InvalidInput {
                code,
                field,
                message_zh,
                message_en,
            },
            Category::NotFound => LabshareError::NotFound {
                code,
                field,
                message_zh,
                message_en,
            },
            Category::PermissionDenied => LabshareError::PermissionDenied {
                code,
                field,
                message_zh,
                message_en,
            },
            Category::Conflict => LabshareError::Conflict {
                code,
                field,
                message_zh,
                message_en,
            },
            Category::Integrity => LabshareError::Integrity {
                code,
                field,
                message_zh,
                message_en,
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
        ];

        for core_error in errors {
            let error = LabshareError::from(core_error.clone());
            assert_eq!(category_of(&error), core_error.category(), "{core_error:?}");
            let (LabshareError::InvalidInput {
                code,
                field,
                message_zh,
                message_en,
            }
            | LabshareError::NotFound {
                code,
                field,
                message_zh,
                message_en,
            }
            | LabshareError::PermissionDenied {
                code,
                field,
                message_zh,
                message_en,
            }
            | LabshareError::Conflict {
                code,
                field,
                message_zh,
                message_en,
            }
            | LabshareError::Integrity {
                code,
                field,
                message_zh,
                message_en,
            }) = &error;
            assert_eq!(code, core_error.code());
            assert_eq!(field.as_deref(), core_error.field());
            assert_eq!(message_zh, &core_error.text().zh);
            assert_eq!(message_en, &core_error.text().en);
            assert_eq!(error.to_string(), core_error.to_string());
        }
    }
}
