//! Operating subsidy allocation (共用仪器运行补贴). Each function wraps the
//! `labshare::subsidy` function of the same name.

use labshare::error::AmountProblem;
use labshare::subsidy::{self, Allocation, AllocationAmounts, AuditedIncome, Limit, RuleSet};
use labshare::{Money, Text, UnitId};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};

use crate::convert::object::PythonClass;
use crate::convert::subsidy::{claims as claims_arg, py_allocation};
use crate::convert::{decimal, money, py_decimal, py_money, type_name};
use crate::errors::CoreError;

/// Split ``budget`` (元) in proportion to the audited amounts of ``claims``.
///
/// ``claims`` is a sequence of ``(unit, audited)`` tuples, such as
/// ``labshare.Claim``. Returns an ``Allocation`` whose shares are exact to the
/// fen, follow the order of the claims and sum to the budget exactly.
///
/// Raises ``InvalidInputError`` for no claims (``missing``), a unit listed
/// twice (``invalid_value``), an inexact or negative amount
/// (``invalid_amount``) or audited amounts that sum past the largest amount
/// (``overflow``). Raises ``ConflictError`` (``rule_violation``) when the
/// budget is above zero and every audited amount is zero.
#[pyfunction]
pub fn allocate_proportional<'py>(
    py: Python<'py>,
    budget: &Bound<'py, PyAny>,
    claims: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let budget = money("budget", budget)?;
    let claims = claims_arg(claims)?;
    let allocation = subsidy::allocate_proportional(budget, &claims).map_err(CoreError::from)?;
    py_allocation(py, &allocation)
}

/// Return ``ratio`` in percent, rounded half-up (四舍五入) to ``places``
/// decimals, as ``Allocation.ratio_percent`` does.
///
/// Raises ``InvalidInputError``: ``invalid_value`` for ``places`` outside 0
/// to 28 and ``overflow`` for a ratio so large that it has no percentage in
/// range.
#[pyfunction]
pub fn ratio_percent<'py>(
    py: Python<'py>,
    ratio: &Bound<'py, PyAny>,
    places: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let ratio = decimal("ratio", ratio)?;
    let places = crate::convert::places(places)?;
    // Core multiplies by 100 unchecked. A ratio from a real allocation is at
    // most 10^17, far below the limit, but this one comes from the caller.
    if ratio
        .checked_mul(rust_decimal::Decimal::ONE_HUNDRED)
        .is_none()
    {
        return Err(CoreError::from(labshare::Error::overflow("ratio in percent")).into());
    }
    let allocation = Allocation {
        budget: Money::ZERO,
        total_audited: Money::ZERO,
        ratio,
        shares: Vec::new(),
    };
    py_decimal(py, allocation.ratio_percent(places))
}

/// Allocate ``budget`` (元) under the allocation rules of ``rule_set`` with
/// the incomes given as columns, for many units at once: the amounts and
/// limits of ``allocate_subsidy_amounts`` without a dict per unit.
///
/// ``units`` is a sequence of unit ids. Give the audited income of each
/// unit, in the same order, as exactly one of ``audited`` (``Decimal``,
/// ``int`` or decimal ``str`` such as ``"1234.50"``, in 元) or
/// ``audited_fen`` (``int`` counts of fen, such as a pandas ``int64``
/// column's ``tolist()``). A float raises ``TypeError`` in either column,
/// because it cannot hold every amount exactly. ``rule_set`` is a
/// ``RuleSet`` as JSON text or plain data, as for ``allocate_subsidy``; its
/// instrument-value tiers need per-instrument incomes, which columns cannot
/// carry, so use ``allocate_subsidy_amounts`` for them.
///
/// Returns ``labshare.SubsidyColumns``: per unit, in the order of ``units``,
/// ``amounts_fen`` (int) and ``limits`` (``"none"``, ``"cap"``,
/// ``"entitlement"``, ``"whole_budget"``, ``"minimum"`` or
/// ``"no_income"``), with the paid total and what returns to the fund.
///
/// Raises the errors of ``allocate_subsidy_amounts``, with the row in
/// ``field``: ``units[3]`` for a bad or repeated unit id and
/// ``audited[3]`` or ``audited_fen[3]`` for a bad amount.
/// ``InvalidInputError`` (``invalid_value``, field ``audited`` or
/// ``audited_fen``) if the column's length differs from ``units``.
#[pyfunction]
#[pyo3(signature = (rule_set, budget, units, audited = None, *, audited_fen = None))]
pub fn allocate_subsidy_columns<'py>(
    py: Python<'py>,
    rule_set: &Bound<'py, PyAny>,
    budget: &Bound<'py, PyAny>,
    units: &Bound<'py, PyAny>,
    audited: Option<&Bound<'py, PyAny>>,
    audited_fen: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let rule_set: RuleSet = crate::fund::from_json("rule_set", rule_set)?;
    let budget = money("budget", budget)?;
    let units = unit_column(units)?;
    let (column, amounts) = match (audited, audited_fen) {
        (Some(audited), None) => ("audited", yuan_column(audited)?),
        (None, Some(audited_fen)) => ("audited_fen", fen_column(audited_fen)?),
        _ => {
            return Err(PyTypeError::new_err(
                "pass exactly one of `audited` (amounts in 元) and `audited_fen` (int counts of fen)",
            ));
        }
    };
    if amounts.len() != units.len() {
        let expected = Text::new(
            format!("每个单位一个金额：{} 个单位", units.len()),
            format!("one amount per unit: {} units", units.len()),
        );
        let error = labshare::Error::invalid_value(column, format!("{} amounts", amounts.len()), expected);
        return Err(CoreError::from(error).into());
    }

    let incomes: Vec<AuditedIncome> = units
        .into_iter()
        .zip(amounts)
        .map(|(unit, audited)| AuditedIncome { unit, audited, instruments: Vec::new() })
        .collect();
    let result = py
        .detach(|| subsidy::allocate_amounts(&rule_set, budget, &incomes))
        .map_err(|error| name_repeated_unit(error, &incomes))
        .map_err(CoreError::from)?;
    py_columns(py, &result)
}

static SUBSIDY_COLUMNS: PythonClass = PythonClass::new("labshare.subsidy", "SubsidyColumns");

/// Replaces `field` in an input error with the row that caused it.
fn at_row(mut error: labshare::Error, row: String) -> labshare::Error {
    if let labshare::Error::InvalidAmount { field, .. }
    | labshare::Error::InvalidValue { field, .. }
    | labshare::Error::TooLong { field, .. }
    | labshare::Error::Missing { field } = &mut error
    {
        *field = row;
    }
    error
}

/// Names the row of a repeated unit, which core reports as field `incomes`.
fn name_repeated_unit(error: labshare::Error, incomes: &[AuditedIncome]) -> labshare::Error {
    let labshare::Error::InvalidValue { field, value, .. } = &error else {
        return error;
    };
    if field != "incomes" {
        return error;
    }
    // Core rejects the second appearance of the unit.
    let row = incomes.iter().enumerate().filter(|(_, income)| income.unit.as_str() == value).nth(1);
    match row {
        Some((index, _)) => at_row(error, format!("units[{index}]")),
        None => error,
    }
}

fn unit_column(units: &Bound<'_, PyAny>) -> PyResult<Vec<UnitId>> {
    let mut column = Vec::with_capacity(units.len().unwrap_or(0));
    for (index, item) in units.try_iter()?.enumerate() {
        let item = item?;
        let Ok(text) = item.cast::<PyString>() else {
            return Err(PyTypeError::new_err(format!("expected str for units[{index}], got {}", type_name(&item))));
        };
        let unit = UnitId::new(text.to_str()?).map_err(|error| CoreError::from(at_row(error, format!("units[{index}]"))))?;
        column.push(unit);
    }
    Ok(column)
}

/// Reads amounts in 元: `Decimal` or `int` as the other money arguments,
/// or decimal text as core's `Money::parse` reads it.
fn yuan_column(audited: &Bound<'_, PyAny>) -> PyResult<Vec<Money>> {
    let mut column = Vec::with_capacity(audited.len().unwrap_or(0));
    for (index, item) in audited.try_iter()?.enumerate() {
        let item = item?;
        let field = format!("audited[{index}]");
        let amount = match item.cast::<PyString>() {
            Ok(text) => Money::parse_field(&field, text.to_str()?).map_err(CoreError::from)?,
            Err(_) => money(&field, &item)?,
        };
        column.push(amount);
    }
    Ok(column)
}

/// Reads whole numbers of fen: Python `int`, or anything with `__index__`
/// such as a numpy integer. `bool` and floats raise `TypeError`.
fn fen_column(audited_fen: &Bound<'_, PyAny>) -> PyResult<Vec<Money>> {
    let mut column = Vec::with_capacity(audited_fen.len().unwrap_or(0));
    for (index, item) in audited_fen.try_iter()?.enumerate() {
        let item = item?;
        if item.is_instance_of::<PyBool>() || item.is_instance_of::<PyFloat>() {
            return Err(wrong_fen_type(&item, index));
        }
        let fen = match item.extract::<i64>() {
            Ok(fen) => Some(fen),
            Err(_) if item.is_instance_of::<PyInt>() => None,
            Err(_) => return Err(wrong_fen_type(&item, index)),
        };
        let field = || format!("audited_fen[{index}]");
        let amount = match fen {
            Some(fen) => Money::from_fen(fen).map_err(|error| at_row(error, field())),
            None => Err(labshare::Error::invalid_amount(&field(), item.str()?, AmountProblem::OutOfRange)),
        };
        column.push(amount.map_err(CoreError::from)?);
    }
    Ok(column)
}

fn wrong_fen_type(item: &Bound<'_, PyAny>, index: usize) -> PyErr {
    PyTypeError::new_err(format!(
        "expected int (a count of fen) for audited_fen[{index}], got {}; \
         floats cannot hold every amount exactly, so convert the column to int64 fen first",
        type_name(item)
    ))
}

fn limit_name(limit: Limit) -> &'static str {
    match limit {
        Limit::None => "none",
        Limit::Cap => "cap",
        Limit::Entitlement => "entitlement",
        Limit::WholeBudget => "whole_budget",
        Limit::Minimum => "minimum",
        Limit::NoIncome => "no_income",
    }
}

/// Converts the amounts to a `labshare.SubsidyColumns`. The six limit
/// names are made once and shared by every row.
fn py_columns<'py>(py: Python<'py>, result: &AllocationAmounts) -> PyResult<Bound<'py, PyAny>> {
    let mut names: Vec<(Limit, Bound<'py, PyString>)> = Vec::new();
    let mut limits = Vec::with_capacity(result.units.len());
    for unit in &result.units {
        let name = match names.iter().find(|(limit, _)| *limit == unit.limit) {
            Some((_, name)) => name.clone(),
            None => {
                let name = PyString::new(py, limit_name(unit.limit));
                names.push((unit.limit, name.clone()));
                name
            }
        };
        limits.push(name);
    }
    let amounts_fen = result.units.iter().map(|unit| unit.amount.to_fen());

    let kwargs = PyDict::new(py);
    kwargs.set_item("rule_set_id", result.rule_set.id.as_str())?;
    kwargs.set_item("rule_set_version", result.rule_set.version)?;
    kwargs.set_item("budget", py_money(py, result.budget)?)?;
    kwargs.set_item("paid_total", py_money(py, result.paid_total)?)?;
    kwargs.set_item("returned_to_fund", py_money(py, result.returned_to_fund)?)?;
    kwargs.set_item("amounts_fen", PyList::new(py, amounts_fen)?)?;
    kwargs.set_item("limits", PyList::new(py, limits)?)?;
    SUBSIDY_COLUMNS.build(&kwargs)
}
