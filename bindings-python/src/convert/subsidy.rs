//! Claims and allocations (`labshare.subsidy`).

use labshare::UnitId;
use labshare::subsidy::{Allocation, Claim, Share};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};

use super::lang::py_explanation;
use super::object::PythonClass;
use super::{py_decimal, py_money, type_name};
use crate::errors::CoreError;

static SHARE: PythonClass = PythonClass::new("labshare.subsidy", "Share");
static ALLOCATION: PythonClass = PythonClass::new("labshare.subsidy", "Allocation");

/// Converts claims given as `(unit, audited)` tuples, such as
/// `labshare.Claim`, naming the field `audited` in amount errors as core does.
pub fn claims(value: &Bound<'_, PyAny>) -> PyResult<Vec<Claim>> {
    let mut claims = Vec::new();
    for (index, item) in value.try_iter()?.enumerate() {
        let item = item?;
        let pair = item.cast::<PyTuple>().ok().filter(|tuple| tuple.len() == 2);
        let Some(pair) = pair else {
            return Err(PyTypeError::new_err(format!(
                "expected a (unit, audited) tuple such as labshare.Claim for claims[{index}], got {}",
                type_name(&item)
            )));
        };
        let unit = pair.get_item(0)?;
        let Ok(unit) = unit.cast::<PyString>() else {
            return Err(PyTypeError::new_err(format!(
                "expected str for the unit of claims[{index}], got {}",
                type_name(&unit)
            )));
        };
        let unit = UnitId::new(unit.to_str()?).map_err(CoreError::from)?;
        let audited = super::money("audited", &pair.get_item(1)?)?;
        claims.push(Claim { unit, audited });
    }
    Ok(claims)
}

fn py_share<'py>(py: Python<'py>, share: &Share) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("unit", share.unit.as_str())?;
    kwargs.set_item("audited", py_money(py, share.audited)?)?;
    kwargs.set_item("exact_share", py_decimal(py, share.exact_share)?)?;
    kwargs.set_item("floored", py_money(py, share.floored)?)?;
    kwargs.set_item("adjustment", py_money(py, share.adjustment)?)?;
    kwargs.set_item("amount", py_money(py, share.amount)?)?;
    kwargs.set_item("explanation", py_explanation(py, &share.explanation)?)?;
    SHARE.build(&kwargs)
}

/// Converts an allocation to a `labshare.Allocation`, with core's total.
pub fn py_allocation<'py>(py: Python<'py>, allocation: &Allocation) -> PyResult<Bound<'py, PyAny>> {
    let mut shares = Vec::with_capacity(allocation.shares.len());
    for share in &allocation.shares {
        shares.push(py_share(py, share)?);
    }
    let kwargs = PyDict::new(py);
    kwargs.set_item("budget", py_money(py, allocation.budget)?)?;
    kwargs.set_item("total_audited", py_money(py, allocation.total_audited)?)?;
    kwargs.set_item("ratio", py_decimal(py, allocation.ratio)?)?;
    kwargs.set_item("total", py_money(py, allocation.total())?)?;
    kwargs.set_item("shares", PyTuple::new(py, shares)?)?;
    ALLOCATION.build(&kwargs)
}
