//! Operating subsidy allocation (共用仪器运行补贴).
//!
//! `allocateProportional` splits a yearly budget among applicant units in
//! proportion to each unit's audited external service income. Shares are
//! exact to the fen and sum to the budget exactly: each exact share is floored
//! to the fen, and the fens left over go one at a time to the largest
//! remainders. Ties go to the larger audited amount, then to the smaller unit
//! id, so the result never depends on the order of the claims.

use labshare::subsidy as core;
use labshare::{Money, UnitId};
use rust_decimal::Decimal;

use crate::convert::{decimal, money, plain_decimal, plain_money};
use crate::errors::LabshareError;
use crate::lang::Explanation;
use crate::types::PlainDecimal;

/// One unit's audited amount entering an allocation.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Claim {
    /// The applicant unit's id.
    pub unit: String,
    /// Audited external service income (核算金额) in 元.
    pub audited: PlainDecimal,
}

/// One unit's part of an allocation.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Share {
    /// The unit's id.
    pub unit: String,
    /// Audited amount in 元.
    pub audited: PlainDecimal,
    /// Exact share in 元, `budget × audited ÷ total`, rounded half-up to ten
    /// decimal places for display.
    pub exact_share: PlainDecimal,
    /// The exact share floored to the fen.
    pub floored: PlainDecimal,
    /// Fen added by the largest-remainder step: 0.00 or 0.01 元.
    pub adjustment: PlainDecimal,
    /// Final amount, `floored + adjustment`.
    pub amount: PlainDecimal,
    /// Step-by-step account of how the amount was computed.
    pub explanation: Explanation,
}

/// The result of splitting a budget.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Allocation {
    /// The budget split, in 元.
    pub budget: PlainDecimal,
    /// Sum of the audited amounts.
    pub total_audited: PlainDecimal,
    /// `budget ÷ totalAudited`, to 28 significant digits.
    pub ratio: PlainDecimal,
    /// Sum of the final amounts, which equals the budget.
    pub total: PlainDecimal,
    /// Shares in the order of the claims.
    pub shares: Vec<Share>,
}

impl From<core::Allocation> for Allocation {
    fn from(allocation: core::Allocation) -> Allocation {
        let total = plain_money(allocation.total());
        let shares = allocation
            .shares
            .into_iter()
            .map(|share| Share {
                unit: share.unit.to_string(),
                audited: plain_money(share.audited),
                exact_share: plain_decimal(share.exact_share),
                floored: plain_money(share.floored),
                adjustment: plain_money(share.adjustment),
                amount: plain_money(share.amount),
                explanation: Explanation::from(share.explanation),
            })
            .collect();
        Allocation {
            budget: plain_money(allocation.budget),
            total_audited: plain_money(allocation.total_audited),
            ratio: plain_decimal(allocation.ratio),
            total,
            shares,
        }
    }
}

#[uniffi::export]
impl Allocation {
    /// Returns the ratio in percent, rounded half-up (四舍五入) to `places`
    /// decimals: 2.3622 for 70万 over 2963.343万 at four places.
    ///
    /// Fails with `invalid_value` for `places` outside 0 to 28 and
    /// `overflow` for a ratio too large to have a percentage in range.
    pub fn ratio_percent(&self, places: i32) -> Result<PlainDecimal, LabshareError> {
        let ratio = decimal("ratio", &self.ratio)?;
        let places = crate::convert::places(places)?;
        // Core multiplies by 100 unchecked. A ratio from a real allocation is
        // at most 10^17, far below the limit, but the caller may build this
        // record with any ratio.
        if ratio.checked_mul(Decimal::ONE_HUNDRED).is_none() {
            return Err(labshare::Error::overflow("ratio in percent").into());
        }
        let allocation = core::Allocation {
            budget: Money::ZERO,
            total_audited: Money::ZERO,
            ratio,
            shares: Vec::new(),
        };
        Ok(plain_decimal(allocation.ratio_percent(places)))
    }
}

/// Splits `budget` (元) in proportion to the audited amounts of `claims`.
///
/// Returns shares exact to the fen, in the order of the claims, that sum to
/// the budget exactly.
///
/// Fails with `InvalidInput`: `missing` for no claims, `invalid_value` for a
/// unit listed twice, `invalid_amount` for an inexact or negative amount and
/// `overflow` when the audited amounts sum past the largest amount. Fails
/// with `Conflict` (`rule_violation`) when the budget is above zero and
/// every audited amount is zero.
#[uniffi::export]
pub fn allocate_proportional(
    budget: PlainDecimal,
    claims: Vec<Claim>,
) -> Result<Allocation, LabshareError> {
    let budget = money("budget", &budget)?;
    let mut core_claims = Vec::with_capacity(claims.len());
    for claim in claims {
        let unit = UnitId::new(claim.unit)?;
        core_claims.push(core::Claim {
            unit,
            audited: money("audited", &claim.audited)?,
        });
    }
    Ok(Allocation::from(core::allocate_proportional(
        budget,
        &core_claims,
    )?))
}
