//! Subsidy rule sets, audit, allocation, rewards and analysis
//! (`labshare::subsidy`), and the special fund ledger (`labshare::fund`,
//! 专项资金).
//!
//! Rule sets, application forms, audit results and allocations are large
//! nested records that callers mostly store and pass on, so they cross as
//! the core's serde JSON rather than as dataclasses. An argument may be that
//! JSON text or plain Python data of the same shape (dicts, lists, tuples,
//! str, int, bool, None, `Decimal`, `date`, aware `datetime`), which
//! [`json_value`] turns into JSON here in Rust; a float raises `TypeError`,
//! because it cannot hold every amount exactly. Results come back as plain Python data read
//! from the core's JSON, in which every amount and ratio is a decimal string
//! (`"1234.50"`), exact to the fen: turn it into `decimal.Decimal` to
//! compute with it.
//!
//! JSON that does not fit the core type raises `InvalidInputError` with code
//! `invalid_value` and the argument's name in `field`; every other error is
//! the core's own.

use labshare::fund::{BudgetTransfer, CategoryAmount, PaymentOrder};
use labshare::subsidy::{
    self, ApplicationForm, AuditAdjustment, AuditContext, AuditedIncome, GroupScore, RuleSet, SubsidyUseReport,
    YearPayments,
};
use labshare::{Money, Text, UnitId};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDate, PyDateTime, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple, PyTzInfoAccess, PyType};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::convert::access::actor;
use crate::convert::{PlainDecimal, instant, integer, money};
use crate::errors::CoreError;
use crate::network::Network;

/// Longest piece of rejected JSON quoted back in an error.
const QUOTED_CHARS: usize = 80;

static DECIMAL_CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Turns plain Python data into a JSON value: `Decimal` as plain decimal
/// text, `date` and aware `datetime` in ISO 8601, mappings with their keys
/// as text, lists and tuples as arrays. `path` names the place in a
/// `TypeError`.
fn json_value(value: &Bound<'_, PyAny>, path: &mut String) -> PyResult<Value> {
    let py = value.py();
    // Most common first: text, then records, then numbers.
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(Value::String(text.to_str()?.to_owned()));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut object = serde_json::Map::new();
        for (key, item) in dict.iter() {
            object_entry(&mut object, &key, &item, path)?;
        }
        return Ok(Value::Object(object));
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(flag) = value.cast::<PyBool>() {
        return Ok(Value::Bool(flag.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        return match (value.extract::<i64>(), value.extract::<u64>()) {
            (Ok(number), _) => Ok(Value::from(number)),
            (_, Ok(number)) => Ok(Value::from(number)),
            _ => Err(PyTypeError::new_err(format!("{path}: {value} is too large for an integer field"))),
        };
    }
    if value.is_instance(DECIMAL_CLASS.import(py, "decimal", "Decimal")?)? {
        // `str` is one call and already plain for most amounts ("1234.50");
        // exponents, signs, zero and non-finite values take the full
        // conversion, which writes them as core reads them.
        let text = value.str()?;
        let text = text.to_str()?;
        let plain = text.bytes().all(|b| b.is_ascii_digit() || b == b'.') && text.bytes().any(|b| b != b'0' && b != b'.');
        if plain {
            // Trailing zeros of the fraction are no precision: "1.500" is 1.5.
            let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { text };
            return Ok(Value::String(text.to_owned()));
        }
        return Ok(Value::String(value.extract::<PlainDecimal>()?.0));
    }
    if value.is_instance_of::<PyFloat>() {
        return Err(PyTypeError::new_err(format!(
            "{path}: a float cannot hold an amount exactly; use decimal.Decimal or str"
        )));
    }
    if let Ok(instant) = value.cast::<PyDateTime>() {
        if instant.get_tzinfo().is_none() {
            return Err(PyTypeError::new_err(format!("{path}: a datetime must carry a time zone")));
        }
        return Ok(Value::String(value.call_method0("isoformat")?.extract()?));
    }
    if value.is_instance_of::<PyDate>() {
        return Ok(Value::String(value.call_method0("isoformat")?.extract()?));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let mut array = Vec::new();
        for (index, item) in value.try_iter()?.enumerate() {
            let length = path.len();
            path.push_str(&format!("[{index}]"));
            array.push(json_value(&item?, path)?);
            path.truncate(length);
        }
        return Ok(Value::Array(array));
    }
    if let Ok(mapping) = value.cast::<PyMapping>() {
        let mut object = serde_json::Map::new();
        for item in mapping.items()?.iter() {
            let (key, item): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            object_entry(&mut object, &key, &item, path)?;
        }
        return Ok(Value::Object(object));
    }
    let type_name = value.get_type().name()?;
    Err(PyTypeError::new_err(format!("{path}: {type_name} has no JSON form")))
}

/// Adds one entry of a mapping to `object`, with its key as text.
fn object_entry(
    object: &mut serde_json::Map<String, Value>,
    key: &Bound<'_, PyAny>,
    item: &Bound<'_, PyAny>,
    path: &mut String,
) -> PyResult<()> {
    let key = key.str()?.to_str()?.to_owned();
    let length = path.len();
    path.push('.');
    path.push_str(&key);
    let converted = json_value(item, path)?;
    path.truncate(length);
    object.insert(key, converted);
    Ok(())
}

/// The error for JSON that does not fit the core type, naming `argument`.
fn unfit_json(argument: &str, quoted: String, error: &serde_json::Error) -> labshare::Error {
    labshare::Error::InvalidValue {
        field: argument.to_owned(),
        value: quoted.chars().take(QUOTED_CHARS).collect(),
        expected: Text::new(
            format!("`{argument}` 须为核心类型的 JSON（{error}）"),
            format!("`{argument}` must be JSON of the core type ({error})"),
        ),
    }
}

/// Reads the core type `T` from a JSON argument: JSON text, or plain Python
/// data of the same shape.
pub(crate) fn from_json<T: DeserializeOwned>(argument: &str, value: &Bound<'_, PyAny>) -> PyResult<T> {
    if let Ok(text) = value.cast::<PyString>() {
        let text = text.to_str()?;
        let parsed = serde_json::from_str(text).map_err(|error| unfit_json(argument, text.to_owned(), &error));
        return Ok(parsed.map_err(CoreError::from)?);
    }
    let mut path = argument.to_owned();
    let data = json_value(value, &mut path)?;
    let parsed = T::deserialize(&data).map_err(|error| unfit_json(argument, data.to_string(), &error));
    Ok(parsed.map_err(CoreError::from)?)
}

/// Writes a core value as JSON text.
fn to_json_text<T: Serialize>(what: &str, value: &T) -> Result<String, labshare::Error> {
    // The subsidy and fund types have no maps with non-string keys and no
    // serialisers that fail, so this error is not expected in practice.
    serde_json::to_string(value).map_err(|error| labshare::Error::Corrupt {
        location: what.to_owned(),
        detail: Text::new(
            format!("无法写成 JSON：{error}"),
            format!("could not be written as JSON: {error}"),
        ),
    })
}

/// Turns JSON text from core into plain Python data with `json.loads`.
fn py_json<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.getattr("loads")?.call1((text,))
}

/// Turns a core result into plain Python data, raising its error.
fn py_result<'py, T: Serialize>(py: Python<'py>, what: &str, result: labshare::Result<T>) -> PyResult<Bound<'py, PyAny>> {
    let text = result.and_then(|value| to_json_text(what, &value)).map_err(CoreError::from)?;
    py_json(py, &text)
}

fn unit_id(value: &str) -> PyResult<UnitId> {
    Ok(UnitId::new(value).map_err(CoreError::from)?)
}

/// Audit one subsidy application under ``rule_set`` (核算): check every
/// service record against the rules, apply the office's ``adjustments`` and
/// total the audited income per instrument.
///
/// ``rule_set`` is a ``RuleSet``, ``form`` an ``ApplicationForm``,
/// ``context`` an ``AuditContext`` (instrument facts and documents claimed
/// elsewhere) and ``adjustments`` a list of ``AuditAdjustment``, all in the
/// core's JSON shape. Returns the ``AuditResult``: per record ``included``,
/// the exclusion ``codes`` and the ``counted`` amount, the applied, computed
/// and audited totals, and the rule set (id and version) that applied.
#[pyfunction]
pub fn audit_application<'py>(
    py: Python<'py>,
    rule_set: &Bound<'py, PyAny>,
    form: &Bound<'py, PyAny>,
    context: &Bound<'py, PyAny>,
    adjustments: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let rule_set: RuleSet = from_json("rule_set", rule_set)?;
    let form: ApplicationForm = from_json("form", form)?;
    let context: AuditContext = from_json("context", context)?;
    let adjustments: Vec<AuditAdjustment> = from_json("adjustments", adjustments)?;
    let result = py.detach(|| subsidy::audit_application(&rule_set, &form, &context, &adjustments));
    py_result(py, "audit result", result)
}

/// Allocate ``budget`` (元) among audited incomes under the allocation rules
/// of ``rule_set``, with the step-by-step explanation of every unit.
///
/// ``incomes`` is a list of ``AuditedIncome`` (``unit``, ``audited`` and,
/// for instrument-value tiers, ``instruments``). Returns the
/// ``RuleAllocation``: the rule set id and version it used, per unit the
/// amount, the limit that fixed it and the explanation (``zh`` and ``en``
/// lines), the paid total and what returns to the fund.
#[pyfunction]
pub fn allocate_subsidy<'py>(
    py: Python<'py>,
    rule_set: &Bound<'py, PyAny>,
    budget: &Bound<'py, PyAny>,
    incomes: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let rule_set: RuleSet = from_json("rule_set", rule_set)?;
    let budget = money("budget", budget)?;
    let incomes: Vec<AuditedIncome> = from_json("incomes", incomes)?;
    let result = py.detach(|| subsidy::allocate(&rule_set, budget, &incomes));
    py_result(py, "allocation", result)
}

/// Allocate as ``allocate_subsidy`` does, without the explanations: the
/// same amounts and limits, much faster for many units.
///
/// Returns the ``AllocationAmounts``: ``rule_set``, ``budget``,
/// ``paid_total``, ``returned_to_fund`` and ``units`` (``unit``, ``amount``,
/// ``limit``) in the order of ``incomes``.
#[pyfunction]
pub fn allocate_subsidy_amounts<'py>(
    py: Python<'py>,
    rule_set: &Bound<'py, PyAny>,
    budget: &Bound<'py, PyAny>,
    incomes: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let rule_set: RuleSet = from_json("rule_set", rule_set)?;
    let budget = money("budget", budget)?;
    let incomes: Vec<AuditedIncome> = from_json("incomes", incomes)?;
    let result = py.detach(|| subsidy::allocate_amounts(&rule_set, budget, &incomes));
    py_result(py, "allocation", result)
}

/// Split the reward ``pool`` (元) among scored groups under the reward rules
/// of ``rule_set`` (奖励). ``scores`` is a list of ``GroupScore``. Returns the
/// ``RewardAllocation``: per group its rank and prize, the awarded total and
/// what returns to the fund.
#[pyfunction]
pub fn allocate_rewards<'py>(
    py: Python<'py>,
    rule_set: &Bound<'py, PyAny>,
    pool: &Bound<'py, PyAny>,
    scores: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let rule_set: RuleSet = from_json("rule_set", rule_set)?;
    let pool = money("pool", pool)?;
    let scores: Vec<GroupScore> = from_json("scores", scores)?;
    let result = py.detach(|| subsidy::allocate_rewards(&rule_set, pool, &scores));
    py_result(py, "reward allocation", result)
}

/// Compare the allocations of one ``budget`` under rule sets ``a`` and ``b``
/// (what-if analysis). Returns the ``WhatIf``: both allocations, a row per
/// unit with ``amount_a``, ``amount_b`` and their ``difference``, the paid
/// difference and the concentration under each.
#[pyfunction]
pub fn subsidy_what_if<'py>(
    py: Python<'py>,
    a: &Bound<'py, PyAny>,
    b: &Bound<'py, PyAny>,
    budget: &Bound<'py, PyAny>,
    incomes: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let a: RuleSet = from_json("a", a)?;
    let b: RuleSet = from_json("b", b)?;
    let budget = money("budget", budget)?;
    let incomes: Vec<AuditedIncome> = from_json("incomes", incomes)?;
    let result = py.detach(|| subsidy::what_if(&a, &b, budget, &incomes));
    py_result(py, "what-if", result)
}

/// Measure how concentrated a list of paid ``amounts`` (元) is: total,
/// number of recipients, the top three's share and the
/// Herfindahl–Hirschman index. Returns the ``Concentration``.
#[pyfunction]
pub fn subsidy_concentration<'py>(py: Python<'py>, amounts: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let amounts: Vec<Money> = from_json("amounts", amounts)?;
    py_result(py, "concentration", subsidy::concentration(&amounts))
}

/// Compute the multi-year history figures from the payments of each year.
/// ``years`` is a list of ``YearPayments``. Returns the ``HistoryReport``:
/// per-year totals, ratios and concentration, repeat recipients, the overall
/// concentration and per-unit totals.
#[pyfunction]
pub fn subsidy_history<'py>(py: Python<'py>, years: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let years: Vec<YearPayments> = from_json("years", years)?;
    py_result(py, "history", subsidy::history(&years))
}

/// The subsidy workflow and the special fund on ``Network``. Every change
/// takes the acting ``Actor`` and the current instant ``now`` and returns the
/// recorded event as JSON text; queries return plain Python data read from
/// the core's JSON.
#[pymethods]
impl Network {
    /// Publish a versioned subsidy rule set (补贴细则). Office only.
    ///
    /// Raises ``PermissionDeniedError`` for anyone but the office,
    /// ``ConflictError`` for an id and version already published or years
    /// that overlap another rule set, and ``InvalidInputError`` for a rule set
    /// that fails its own checks.
    fn publish_rule_set(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        rule_set: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let rule_set: RuleSet = from_json("rule_set", rule_set)?;
        Ok(self.change(py, |network| network.publish_rule_set(&actor, now, rule_set))?)
    }

    /// File a unit's report on how it used last year's subsidy
    /// (``SubsidyUseReport``). The unit's admin or the office.
    fn file_subsidy_use_report(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        report: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let report: SubsidyUseReport = from_json("report", report)?;
        Ok(self.change(py, |network| network.file_subsidy_use_report(&actor, now, report))?)
    }

    /// Apply for a year's subsidy with an ``ApplicationForm``. The unit's
    /// admin or the office; the year needs a published rule set.
    fn apply_for_subsidy(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        form: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let form: ApplicationForm = from_json("form", form)?;
        Ok(self.change(py, |network| network.apply_for_subsidy(&actor, now, form))?)
    }

    /// Withdraw ``unit``'s application for ``year`` before it is allocated.
    fn withdraw_subsidy_application(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        unit: &str,
        year: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let unit = unit_id(unit)?;
        let year: i32 = integer("year", year)?;
        Ok(self.change(py, |network| network.withdraw_subsidy_application(&actor, now, unit, year))?)
    }

    /// Audit ``unit``'s application for ``year`` under the year's rule set,
    /// against the network's instruments and the documents other
    /// applications claimed. Office only.
    fn audit_subsidy_application(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        unit: &str,
        year: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let unit = unit_id(unit)?;
        let year: i32 = integer("year", year)?;
        Ok(self.change(py, |network| network.audit_subsidy_application(&actor, now, unit, year))?)
    }

    /// Record an office adjustment (``AuditAdjustment``: line, counted amount,
    /// reason) to an audited application and audit it again. Office only.
    fn adjust_subsidy_audit(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        unit: &str,
        year: &Bound<'_, PyAny>,
        adjustment: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let unit = unit_id(unit)?;
        let year: i32 = integer("year", year)?;
        let adjustment: AuditAdjustment = from_json("adjustment", adjustment)?;
        Ok(self.change(py, |network| network.adjust_subsidy_audit(&actor, now, unit, year, adjustment))?)
    }

    /// Allocate ``budget`` (元) among the audited applications of ``year``
    /// under the year's rule set. Office only.
    fn allocate_subsidies(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        year: &Bound<'_, PyAny>,
        budget: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let year: i32 = integer("year", year)?;
        let budget = money("budget", budget)?;
        Ok(self.change(py, |network| network.allocate_subsidies(&actor, now, year, budget))?)
    }

    /// Return every published rule set with when and by whom it was published.
    fn subsidy_rule_sets<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = self.read(py, |network| to_json_text("rule sets", &network.subsidy().rule_sets()));
        py_json(py, &text.map_err(CoreError::from)?)
    }

    /// Return ``unit``'s application for ``year`` with its state and audit.
    ///
    /// Raises ``PermissionDeniedError`` unless ``actor`` administers ``unit``
    /// or is office staff, and ``NotFoundError`` if there is none.
    fn subsidy_application<'py>(
        &self,
        py: Python<'py>,
        actor: &Bound<'py, PyAny>,
        unit: &str,
        year: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let actor = self::actor("actor", actor)?;
        let unit = unit_id(unit)?;
        let year: i32 = integer("year", year)?;
        let text = self.read(py, |network| {
            network
                .subsidy_application(&actor, &unit, year)
                .and_then(|application| to_json_text("application", application))
        });
        py_json(py, &text.map_err(CoreError::from)?)
    }

    /// Return the audit result of ``unit``'s application for ``year``.
    ///
    /// Raises ``PermissionDeniedError`` unless ``actor`` administers ``unit``
    /// or is office staff, and ``NotFoundError`` if it is not audited.
    fn subsidy_audit<'py>(
        &self,
        py: Python<'py>,
        actor: &Bound<'py, PyAny>,
        unit: &str,
        year: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let actor = self::actor("actor", actor)?;
        let unit = unit_id(unit)?;
        let year: i32 = integer("year", year)?;
        let text = self.read(py, |network| {
            network
                .subsidy_audit(&actor, &unit, year)
                .and_then(|audit| to_json_text("audit", audit))
        });
        py_json(py, &text.map_err(CoreError::from)?)
    }

    /// Return ``unit``'s allocated share for ``year`` with its explanation.
    ///
    /// Raises ``PermissionDeniedError`` unless ``actor`` administers ``unit``
    /// or is office staff, and ``NotFoundError`` if there is none.
    fn subsidy_share<'py>(
        &self,
        py: Python<'py>,
        actor: &Bound<'py, PyAny>,
        unit: &str,
        year: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let actor = self::actor("actor", actor)?;
        let unit = unit_id(unit)?;
        let year: i32 = integer("year", year)?;
        let text = self.read(py, |network| {
            network
                .subsidy_share(&actor, &unit, year)
                .and_then(|share| to_json_text("share", share))
        });
        py_json(py, &text.map_err(CoreError::from)?)
    }

    /// Return every application for ``year``, in unit order. Office only.
    fn subsidy_applications<'py>(
        &self,
        py: Python<'py>,
        actor: &Bound<'py, PyAny>,
        year: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let actor = self::actor("actor", actor)?;
        let year: i32 = integer("year", year)?;
        let text = self.read(py, |network| {
            network
                .subsidy()
                .applications(&actor, year)
                .and_then(|applications| to_json_text("applications", &applications))
        });
        py_json(py, &text.map_err(CoreError::from)?)
    }

    /// Return the allocation of ``year`` (``YearAllocation``). Office only;
    /// ``NotFoundError`` before the year is allocated.
    fn subsidy_allocation<'py>(
        &self,
        py: Python<'py>,
        actor: &Bound<'py, PyAny>,
        year: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let actor = self::actor("actor", actor)?;
        let year: i32 = integer("year", year)?;
        let text = self.read(py, |network| {
            network
                .subsidy()
                .allocation(&actor, year)
                .and_then(|allocation| to_json_text("allocation", allocation))
        });
        py_json(py, &text.map_err(CoreError::from)?)
    }

    /// Return ``unit``'s filed use report for ``year``.
    ///
    /// Raises ``PermissionDeniedError`` unless ``actor`` administers ``unit``
    /// or is office staff, and ``NotFoundError`` if none was filed.
    fn subsidy_use_report<'py>(
        &self,
        py: Python<'py>,
        actor: &Bound<'py, PyAny>,
        unit: &str,
        year: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let actor = self::actor("actor", actor)?;
        let unit = unit_id(unit)?;
        let year: i32 = integer("year", year)?;
        let text = self.read(py, |network| {
            network
                .subsidy()
                .use_report(&actor, &unit, year)
                .and_then(|report| to_json_text("use report", report))
        });
        py_json(py, &text.map_err(CoreError::from)?)
    }

    /// Return the history figures over every allocated year
    /// (``HistoryReport``). Office only.
    fn subsidy_history<'py>(&self, py: Python<'py>, actor: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let actor = self::actor("actor", actor)?;
        let text = self.read(py, |network| {
            network
                .subsidy()
                .history(&actor)
                .and_then(|report| to_json_text("history", &report))
        });
        py_json(py, &text.map_err(CoreError::from)?)
    }

    /// Open a fund year with its ``appropriation`` (元) and its split
    /// ``budget`` over categories (a list of ``CategoryAmount``). Office only.
    fn open_fund_year(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        year: &Bound<'_, PyAny>,
        appropriation: &Bound<'_, PyAny>,
        budget: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let year: i32 = integer("year", year)?;
        let appropriation = money("appropriation", appropriation)?;
        let budget: Vec<CategoryAmount> = from_json("budget", budget)?;
        Ok(self.change(py, |network| network.open_fund_year(&actor, now, year, appropriation, budget))?)
    }

    /// Record a payment (``PaymentOrder``) out of a category. Office only.
    fn record_fund_payment(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        payment: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let payment: PaymentOrder = from_json("payment", payment)?;
        Ok(self.change(py, |network| network.record_fund_payment(&actor, now, payment))?)
    }

    /// Reverse ledger entry ``entry`` of fund year ``year`` with a
    /// ``reason``. Office only.
    #[allow(clippy::too_many_arguments)]
    fn reverse_fund_payment(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        year: &Bound<'_, PyAny>,
        entry: &Bound<'_, PyAny>,
        reason: &str,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let year: i32 = integer("year", year)?;
        let entry: u32 = integer("entry", entry)?;
        Ok(self.change(py, |network| network.reverse_fund_payment(&actor, now, year, entry, reason))?)
    }

    /// Move budget between two categories of a year (``BudgetTransfer``,
    /// 调剂). Office only.
    fn transfer_fund_budget(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        transfer: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let transfer: BudgetTransfer = from_json("transfer", transfer)?;
        Ok(self.change(py, |network| network.transfer_fund_budget(&actor, now, transfer))?)
    }

    /// Pay the allocated subsidies of ``subsidy_year`` out of the subsidy
    /// category of ``fund_year``, one ledger entry per unit. Office only.
    fn pay_subsidies(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        subsidy_year: &Bound<'_, PyAny>,
        fund_year: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let subsidy_year: i32 = integer("subsidy_year", subsidy_year)?;
        let fund_year: i32 = integer("fund_year", fund_year)?;
        Ok(self.change(py, |network| network.pay_subsidies(&actor, now, subsidy_year, fund_year))?)
    }

    /// Close fund year ``year`` and carry each category's balance into the
    /// next year. Office only.
    fn close_fund_year(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        year: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let year: i32 = integer("year", year)?;
        Ok(self.change(py, |network| network.close_fund_year(&actor, now, year))?)
    }

    /// Return the report of fund year ``year`` (``FundReport``: appropriation,
    /// carry-in, available, spent, carry-out, balance, execution rate and a
    /// line per category). Office only.
    fn fund_report<'py>(
        &self,
        py: Python<'py>,
        actor: &Bound<'py, PyAny>,
        year: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let actor = self::actor("actor", actor)?;
        let year: i32 = integer("year", year)?;
        let text = self.read(py, |network| {
            network
                .fund()
                .report(&actor, year)
                .and_then(|report| to_json_text("fund report", &report))
        });
        py_json(py, &text.map_err(CoreError::from)?)
    }

    /// Return fund year ``year`` with its budget and ledger (``FundYear``).
    /// Office only.
    fn fund_year<'py>(
        &self,
        py: Python<'py>,
        actor: &Bound<'py, PyAny>,
        year: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let actor = self::actor("actor", actor)?;
        let year: i32 = integer("year", year)?;
        let text = self.read(py, |network| {
            network
                .fund()
                .fund_year(&actor, year)
                .and_then(|fund_year| to_json_text("fund year", fund_year))
        });
        py_json(py, &text.map_err(CoreError::from)?)
    }
}
