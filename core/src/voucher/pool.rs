//! The voucher pool of one scheme and its ledger (创新券资金池台账).
//!
//! The office funds the pool from the voucher category of one fund year
//! and may return free money to that category. The fund ledger records
//! both, and each redemption paid here is a payment of that category. Approving an application reserves its grant. The reservation stays
//! while the money sits in unissued grants, unused voucher balances or used
//! amounts that wait for redemption. Paying a redemption moves the amount
//! from reserved to paid. Expiry, lapsed grants and rejected services after
//! expiry release reservations back to the free balance.
//!
//! Free = funded − withdrawn − paid − reserved, and it never goes below zero:
//! every operation that would make it negative is rejected before anything
//! changes.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::booking::BookingId;
use crate::ids::{ApplicationId, SchemeId, UnitId, VoucherNumber};
use crate::lang::Text;
use crate::money::Money;

/// Reason a reservation went back to the free balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Release {
    /// A grant was never issued before its vouchers would have expired.
    ApprovalLapsed {
        /// The application.
        application: ApplicationId,
    },
    /// A voucher expired with this balance unused.
    VoucherExpired {
        /// The voucher.
        voucher: VoucherNumber,
    },
    /// A service was cancelled, its redemption rejected or its voucher
    /// amount cut to the share of the completed amount after the voucher had
    /// expired, so the amount cannot go back onto the voucher.
    ReturnedAfterExpiry {
        /// The booking.
        booking: BookingId,
        /// The voucher.
        voucher: VoucherNumber,
    },
}

/// Kind of pool entry, with its details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PoolEntryKind {
    /// Money moved in from the voucher category of a fund year.
    Funded {
        /// The fund year.
        fund_year: i32,
    },
    /// Free money returned to the voucher category of the fund year.
    Withdrawn {
        /// The fund year.
        fund_year: i32,
        /// Why.
        reason: String,
    },
    /// A grant reserved at approval.
    Reserved {
        /// The application.
        application: ApplicationId,
    },
    /// A reservation released.
    Released {
        /// Why.
        #[serde(flatten)]
        release: Release,
    },
    /// A redemption paid to a provider (兑付).
    Paid {
        /// The completed booking paid for.
        booking: BookingId,
        /// The provider.
        provider: UnitId,
        /// The provider's invoice number.
        invoice: String,
    },
}

/// One pool ledger entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PoolEntry {
    /// Number within the pool, from 1.
    pub number: u32,
    /// Journal sequence number of the change that made it.
    pub seq: u64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// The amount, never negative; the kind gives the direction.
    pub amount: Money,
    /// What happened.
    pub kind: PoolEntryKind,
}

/// Running totals of a pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct PoolTotals {
    /// Put in.
    pub funded: Money,
    /// Taken out unused.
    pub withdrawn: Money,
    /// Reserved now for grants, voucher balances and unpaid services.
    pub reserved: Money,
    /// Paid to providers.
    pub paid: Money,
}

impl PoolTotals {
    /// Returns what is neither reserved, paid nor withdrawn.
    ///
    /// # Errors
    ///
    /// [`Error::Corrupt`] if the totals give a negative balance, which the
    /// pool's own operations never produce.
    pub fn free(&self) -> Result<Money> {
        let spoken_for = Money::sum([self.withdrawn, self.reserved, self.paid])?;
        self.funded.checked_sub(spoken_for).map_err(|_| Error::Corrupt {
            location: "voucher pool".to_owned(),
            detail: Text::new(
                format!("已拨入 {} 少于 已退出、预留与已兑付之和 {spoken_for}", self.funded),
                format!("funded {} is less than withdrawn, reserved and paid together, {spoken_for}", self.funded),
            ),
        })
    }

    /// Returns the money still in the pool: funded − withdrawn − paid.
    ///
    /// # Errors
    ///
    /// [`Error::Corrupt`] as for [`PoolTotals::free`].
    pub fn cash(&self) -> Result<Money> {
        Money::sum([self.reserved, self.free()?])
    }
}

/// The voucher pool of one scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Pool {
    /// The scheme.
    pub scheme: SchemeId,
    /// The fund year whose voucher category funds the pool, once funded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fund_year: Option<i32>,
    /// Running totals.
    pub totals: PoolTotals,
    /// Every entry, oldest first.
    pub entries: Vec<PoolEntry>,
}

/// The journal position and actor of a pool change.
pub(crate) struct Stamp<'a> {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub actor: &'a str,
}

impl Pool {
    pub(crate) fn new(scheme: SchemeId) -> Pool {
        Pool { scheme, fund_year: None, totals: PoolTotals::default(), entries: Vec::new() }
    }

    /// Computes the totals after `kind` of `amount` without changing the
    /// pool, so callers can check every step before committing any.
    ///
    /// # Errors
    ///
    /// [`Error::RuleViolation`] `voucher.pool_insufficient` if a withdrawal
    /// or reservation exceeds the free balance, `voucher.pool_overdraw` if a
    /// payment or release exceeds the reserved amount; [`Error::Overflow`].
    pub(crate) fn after(&self, totals: PoolTotals, amount: Money, kind: &PoolEntryKind) -> Result<PoolTotals> {
        let mut next = totals;
        match kind {
            PoolEntryKind::Funded { .. } => next.funded = totals.funded.checked_add(amount)?,
            PoolEntryKind::Withdrawn { .. } => {
                self.require_free(&totals, amount, "withdraw")?;
                next.withdrawn = totals.withdrawn.checked_add(amount)?;
            }
            PoolEntryKind::Reserved { .. } => {
                self.require_free(&totals, amount, "reserve")?;
                next.reserved = totals.reserved.checked_add(amount)?;
            }
            PoolEntryKind::Released { .. } => next.reserved = self.take_reserved(&totals, amount)?,
            PoolEntryKind::Paid { .. } => {
                next.reserved = self.take_reserved(&totals, amount)?;
                next.paid = totals.paid.checked_add(amount)?;
            }
        }
        Ok(next)
    }

    fn require_free(&self, totals: &PoolTotals, amount: Money, action: &str) -> Result<()> {
        let free = totals.free()?;
        if amount <= free {
            return Ok(());
        }
        Err(Error::rule(
            "voucher.pool_insufficient",
            Text::new(
                format!("方案 {} 的资金池可用余额 {free} 不足 {amount}；请先从专项资金创新券科目向资金池拨款", self.scheme),
                format!(
                    "the pool of scheme {} has {free} free, less than {amount} to {action}; fund the pool from the fund's voucher category first",
                    self.scheme
                ),
            ),
        ))
    }

    fn take_reserved(&self, totals: &PoolTotals, amount: Money) -> Result<Money> {
        totals.reserved.checked_sub(amount).map_err(|_| {
            Error::rule(
                "voucher.pool_overdraw",
                Text::new(
                    format!("方案 {} 的预留金额 {} 少于 {amount}；台账不一致，请核对", self.scheme, totals.reserved),
                    format!(
                        "the pool of scheme {} has {} reserved, less than {amount}; the ledger is inconsistent, check it",
                        self.scheme, totals.reserved
                    ),
                ),
            )
        })
    }

    /// Appends entries whose totals were computed by [`Pool::after`].
    pub(crate) fn commit(&mut self, stamp: &Stamp<'_>, totals: PoolTotals, entries: Vec<(Money, PoolEntryKind)>) {
        for (amount, kind) in entries {
            let number = u32::try_from(self.entries.len() + 1).unwrap_or(u32::MAX);
            self.entries.push(PoolEntry {
                number,
                seq: stamp.seq,
                at: stamp.at,
                actor: stamp.actor.to_owned(),
                amount,
                kind,
            });
        }
        self.totals = totals;
    }
}
