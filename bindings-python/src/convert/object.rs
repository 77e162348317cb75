//! Reading fields of the Python value classes and building instances of them.
//!
//! The value classes (`Unit`, `InstrumentRecord`, `Allocation`, ...) are
//! frozen dataclasses defined in the Python package, so that they print,
//! compare, copy and pickle like any Python value. Rust looks them up by
//! module and name on first use, checks `isinstance` before reading one, and
//! builds them by calling the class with keyword arguments.

use chrono::NaiveDate;
use labshare::Money;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString, PyType};
use rust_decimal::Decimal;

use super::names::{Named, parse_name};
use super::{Bounded, type_name};
use crate::errors::CoreError;

/// A class of the Python package, imported on first use.
pub struct PythonClass {
    module: &'static str,
    name: &'static str,
    class: PyOnceLock<Py<PyType>>,
}

impl PythonClass {
    /// Names the class `name` of module `module`, such as `labshare.registry`.
    pub const fn new(module: &'static str, name: &'static str) -> PythonClass {
        PythonClass {
            module,
            name,
            class: PyOnceLock::new(),
        }
    }

    fn get<'py>(&self, py: Python<'py>) -> PyResult<&Bound<'py, PyType>> {
        self.class.import(py, self.module, self.name)
    }

    /// Builds an instance from keyword arguments.
    pub fn build<'py>(&self, kwargs: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
        self.get(kwargs.py())?.call((), Some(kwargs))
    }

    /// Checks that `object` is an instance of the class and returns a reader
    /// of its fields.
    ///
    /// Raises `TypeError` naming the argument and the expected class otherwise.
    pub fn fields<'a, 'py>(
        &'static self,
        argument: &str,
        object: &'a Bound<'py, PyAny>,
    ) -> PyResult<Fields<'a, 'py>> {
        if !object.is_instance(self.get(object.py())?)? {
            return Err(PyTypeError::new_err(format!(
                "expected {}.{} for `{argument}`, got {}",
                self.module,
                self.name,
                type_name(object)
            )));
        }
        Ok(Fields {
            object,
            class: self.name,
        })
    }
}

/// Reads the fields of one instance of a value class, converting each to a
/// core type. Errors name the field as core names it, so a negative
/// `original_value` raises `InvalidInputError` with field `original_value`.
pub struct Fields<'a, 'py> {
    object: &'a Bound<'py, PyAny>,
    class: &'static str,
}

impl<'py> Fields<'_, 'py> {
    /// Returns the raw attribute, for nested values and sequences.
    pub fn get(&self, field: &str) -> PyResult<Bound<'py, PyAny>> {
        self.object.getattr(field)
    }

    fn wrong_type(&self, field: &str, expected: &str, value: &Bound<'_, PyAny>) -> PyErr {
        PyTypeError::new_err(format!(
            "expected {expected} for `{}.{field}`, got {}",
            self.class,
            type_name(value)
        ))
    }

    /// Reads a `str` field.
    pub fn text(&self, field: &str) -> PyResult<String> {
        let value = self.get(field)?;
        match value.cast::<PyString>() {
            Ok(text) => Ok(text.to_str()?.to_owned()),
            Err(_) => Err(self.wrong_type(field, "str", &value)),
        }
    }

    /// Reads a `str | None` field.
    pub fn optional_text(&self, field: &str) -> PyResult<Option<String>> {
        let value = self.get(field)?;
        if value.is_none() {
            return Ok(None);
        }
        match value.cast::<PyString>() {
            Ok(text) => Ok(Some(text.to_str()?.to_owned())),
            Err(_) => Err(self.wrong_type(field, "str or None", &value)),
        }
    }

    /// Reads a sequence of `str`, such as a list or tuple; a bare `str` is
    /// rejected rather than split into characters.
    pub fn texts(&self, field: &str) -> PyResult<Vec<String>> {
        let value = self.get(field)?;
        if value.is_instance_of::<PyString>() {
            return Err(self.wrong_type(field, "a sequence of str", &value));
        }
        value
            .extract::<Vec<String>>()
            .map_err(|_| self.wrong_type(field, "a sequence of str", &value))
    }

    /// Reads an amount in 元 (`decimal.Decimal` or `int`).
    pub fn money(&self, field: &str) -> PyResult<Money> {
        super::money(field, &self.get(field)?)
    }

    /// Reads an amount in 元 or `None`.
    pub fn optional_money(&self, field: &str) -> PyResult<Option<Money>> {
        let value = self.get(field)?;
        if value.is_none() {
            return Ok(None);
        }
        super::money(field, &value).map(Some)
    }

    /// Reads a decimal number (`decimal.Decimal` or `int`).
    pub fn decimal(&self, field: &str) -> PyResult<Decimal> {
        super::decimal(field, &self.get(field)?)
    }

    /// Reads a `datetime.date`.
    pub fn date(&self, field: &str) -> PyResult<NaiveDate> {
        super::date(field, &self.get(field)?)
    }

    /// Reads an `int` that must fit `T`.
    pub fn integer<T>(&self, field: &str) -> PyResult<T>
    where
        T: FromPyObjectOwned<'py> + Bounded,
    {
        super::integer(field, &self.get(field)?)
    }

    /// Reads a count of instruments, 0 to [`super::MAX_COUNT`].
    pub fn count(&self, field: &str) -> PyResult<u64> {
        super::count(field, &self.get(field)?)
    }

    /// Reads a `str` naming a variant of a core enum, such as `"institute"`.
    pub fn name<T: Named>(&self, field: &str) -> PyResult<T> {
        let text = self.text(field)?;
        Ok(parse_name(field, &text).map_err(CoreError::from)?)
    }

    /// Reads a sequence field as its items.
    pub fn items(&self, field: &str) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let value = self.get(field)?;
        let mut items = Vec::new();
        for item in value
            .try_iter()
            .map_err(|_| self.wrong_type(field, "a sequence", &value))?
        {
            items.push(item?);
        }
        Ok(items)
    }
}
