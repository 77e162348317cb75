//! Operating subsidy allocation (共用仪器运行补贴). Each function wraps the
//! `labshare::subsidy` function of the same name.

use labshare::Money;
use labshare::subsidy::{self, Allocation};
use pyo3::prelude::*;

use crate::convert::subsidy::{claims as claims_arg, py_allocation};
use crate::convert::{decimal, money, py_decimal};
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
