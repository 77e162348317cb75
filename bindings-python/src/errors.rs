//! The one mapping from [`labshare::Error`] to Python exceptions.
//!
//! The exception classes are defined in Python, in `python/labshare/errors.py`:
//! `LabshareError` and one subclass per [`Category`]. Wrappers return
//! `Result<_, CoreError>`, so `?` on a core result raises the matching class.

use labshare::Category;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{IntoPyDict, PyType};

/// Python module that defines the exception classes.
const ERRORS_MODULE: &str = "labshare.errors";

/// A core error on its way to Python, where it becomes a `LabshareError`.
///
/// The newtype exists because neither `labshare::Error` nor `PyErr` belongs to
/// this crate, so `From<labshare::Error> for PyErr` cannot be written here.
#[derive(Debug)]
pub struct CoreError(pub labshare::Error);

impl From<labshare::Error> for CoreError {
    fn from(error: labshare::Error) -> Self {
        CoreError(error)
    }
}

impl From<CoreError> for PyErr {
    fn from(error: CoreError) -> PyErr {
        Python::attach(|py| to_py_err(py, &error.0))
    }
}

/// Builds the exception for `error`: an instance of the category's subclass
/// of `LabshareError` with the code, field, broken rule and both messages.
///
/// If `labshare.errors` cannot be imported, returns the `ImportError` instead.
fn to_py_err(py: Python<'_>, error: &labshare::Error) -> PyErr {
    let category = error.category();
    let text = error.text();
    let exception = exception_class(py, category).and_then(|class| {
        let rule = [("rule", error.rule_name())].into_py_dict(py)?;
        class.call(
            (
                error.code(),
                category_name(category),
                error.field(),
                text.zh,
                text.en,
            ),
            Some(&rule),
        )
    });
    match exception {
        Ok(instance) => PyErr::from_value(instance),
        Err(import_error) => import_error,
    }
}

/// Builds the exception of `category` with its own `code`, for errors
/// that have no `labshare::Error`, such as those of the SQLite store.
/// Such errors break no rule, so the exception's `rule` is `None`.
pub(crate) fn coded_error(category: Category, code: &str, message_zh: String, message_en: String) -> PyErr {
    Python::attach(|py| {
        let exception = exception_class(py, category).and_then(|class| {
            class.call1((code, category_name(category), None::<&str>, message_zh, message_en))
        });
        match exception {
            Ok(instance) => PyErr::from_value(instance),
            Err(import_error) => import_error,
        }
    })
}

/// Returns the category as the snake_case name that core serialises it to.
fn category_name(category: Category) -> &'static str {
    match category {
        Category::InvalidInput => "invalid_input",
        Category::NotFound => "not_found",
        Category::PermissionDenied => "permission_denied",
        Category::Conflict => "conflict",
        Category::Integrity => "integrity",
    }
}

/// Returns the name of the exception class in `labshare.errors` for `category`.
fn class_name(category: Category) -> &'static str {
    match category {
        Category::InvalidInput => "InvalidInputError",
        Category::NotFound => "NotFoundError",
        Category::PermissionDenied => "PermissionDeniedError",
        Category::Conflict => "ConflictError",
        Category::Integrity => "IntegrityError",
    }
}

fn exception_class(py: Python<'_>, category: Category) -> PyResult<&Bound<'_, PyType>> {
    static INVALID_INPUT: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static NOT_FOUND: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static PERMISSION_DENIED: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static CONFLICT: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static INTEGRITY: PyOnceLock<Py<PyType>> = PyOnceLock::new();

    let cache = match category {
        Category::InvalidInput => &INVALID_INPUT,
        Category::NotFound => &NOT_FOUND,
        Category::PermissionDenied => &PERMISSION_DENIED,
        Category::Conflict => &CONFLICT,
        Category::Integrity => &INTEGRITY,
    };
    cache.import(py, ERRORS_MODULE, class_name(category))
}

#[cfg(test)]
mod tests {
    use labshare::error::AmountProblem;
    use labshare::{Entity, Text};

    use super::*;

    /// Makes `import labshare.errors` load `python/labshare/errors.py` from
    /// the source tree. The package's `__init__.py` is skipped because it
    /// imports the native module, which a unit test does not build.
    fn register_errors_module(py: Python<'_>) {
        let package_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/python/labshare");
        let package = pyo3::types::PyModule::new(py, "labshare").unwrap();
        package.setattr("__path__", vec![package_dir]).unwrap();
        let modules = py.import("sys").unwrap().getattr("modules").unwrap();
        modules.set_item("labshare", package).unwrap();
    }

    const ALL_CATEGORIES: [Category; 5] = [
        Category::InvalidInput,
        Category::NotFound,
        Category::PermissionDenied,
        Category::Conflict,
        Category::Integrity,
    ];

    #[test]
    fn category_name_matches_core_serialisation() {
        for category in ALL_CATEGORIES {
            let serialised = serde_json::to_value(category).unwrap();
            assert_eq!(
                serialised.as_str(),
                Some(category_name(category)),
                "{category:?}"
            );
        }
    }

    #[test]
    fn to_py_err_raises_category_class_with_attributes() {
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

        Python::initialize();
        Python::attach(|py| {
            register_errors_module(py);
            let base = py
                .import(ERRORS_MODULE)
                .unwrap()
                .getattr("LabshareError")
                .unwrap();
            for error in errors {
                let raised = to_py_err(py, &error);
                let value = raised.value(py);
                let category = error.category();

                assert_eq!(
                    value.get_type().name().unwrap().to_string(),
                    class_name(category)
                );
                assert!(
                    value.is_instance(&base).unwrap(),
                    "{error:?} is not a LabshareError"
                );
                let attribute = |name: &str| value.getattr(name).unwrap();
                assert_eq!(attribute("code").extract::<String>().unwrap(), error.code());
                assert_eq!(
                    attribute("category").extract::<String>().unwrap(),
                    category_name(category)
                );
                assert_eq!(
                    attribute("field")
                        .extract::<Option<String>>()
                        .unwrap()
                        .as_deref(),
                    error.field()
                );
                assert_eq!(
                    attribute("rule")
                        .extract::<Option<String>>()
                        .unwrap()
                        .as_deref(),
                    error.rule_name()
                );
                assert_eq!(
                    attribute("message_zh").extract::<String>().unwrap(),
                    error.text().zh
                );
                assert_eq!(
                    attribute("message_en").extract::<String>().unwrap(),
                    error.text().en
                );
                assert_eq!(value.str().unwrap().to_string(), error.to_string());
            }
        });
    }

    #[test]
    fn rule_only_on_rule_violation() {
        let violation = labshare::Error::rule("voucher.share", Text::new("超过比例", "over the share"));
        let denial = labshare::Error::PermissionDenied {
            actor: "user-7".to_owned(),
            action: "publish_instrument".to_owned(),
            reason: Text::new("仅管理员可发布", "only an administrator may publish"),
        };

        Python::initialize();
        Python::attach(|py| {
            register_errors_module(py);
            let rule_of = |error: &labshare::Error| -> Option<String> {
                let raised = to_py_err(py, error);
                raised.value(py).getattr("rule").unwrap().extract().unwrap()
            };

            assert_eq!(rule_of(&violation).as_deref(), Some("voucher.share"));
            assert_eq!(rule_of(&denial), None);
        });
    }
}
