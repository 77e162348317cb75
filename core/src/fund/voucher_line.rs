//! The voucher category's earmarks for scheme pools (创新券资金池拨款).
//!
//! For one fund year and scheme, the money held in the pool is
//! `funded − returned − redeemed`: pool fundings, less returns to the
//! category, less voucher redemptions paid. The voucher module checks a
//! [`PoolPosting`] here before it changes its own state, and the network
//! commits the posting afterwards, so that the two ledgers change together
//! or not at all.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{EntryKind, FundBook, FundCategory, FundYear, PaymentSource, Stamp, check_balance, check_positive};
use crate::access::Actor;
use crate::booking::BookingId;
use crate::error::{Entity, Error, Result};
use crate::ids::{SchemeId, UnitId};
use crate::lang::Text;
use crate::money::Money;

/// The money of one fund year in a scheme's pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PoolHolding {
    /// The voucher scheme.
    pub scheme: SchemeId,
    /// Earmarked for the pool.
    pub funded: Money,
    /// Returned to the voucher category.
    pub returned: Money,
    /// Paid as voucher redemptions.
    pub redeemed: Money,
    /// `funded − returned − redeemed`.
    pub held: Money,
}

/// A voucher-pool movement that the fund ledger records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PoolPosting {
    /// Earmark part of the voucher category of `year` for `scheme`.
    Fund {
        /// Fund year.
        year: i32,
        /// The scheme.
        scheme: SchemeId,
        /// Amount.
        amount: Money,
    },
    /// Return unused pool money to the voucher category.
    Return {
        /// Fund year that funded the pool.
        year: i32,
        /// The scheme.
        scheme: SchemeId,
        /// Amount.
        amount: Money,
        /// Why.
        reason: String,
    },
    /// Pay a voucher redemption out of the pool's earmark.
    Pay {
        /// Fund year that funded the pool.
        year: i32,
        /// The scheme.
        scheme: SchemeId,
        /// Amount.
        amount: Money,
        /// The provider paid.
        provider: UnitId,
        /// The completed booking.
        booking: BookingId,
        /// The provider's invoice number.
        invoice: String,
    },
}

impl FundYear {
    /// Lists the money of this year in each scheme's pool, in scheme order.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] if a sum leaves the range of [`Money`].
    pub fn pool_holdings(&self) -> Result<Vec<PoolHolding>> {
        let mut schemes: Vec<&SchemeId> = self.ledger.iter().filter_map(|entry| pool_scheme(&entry.kind)).collect();
        schemes.sort();
        schemes.dedup();
        schemes.into_iter().map(|scheme| self.pool_holding(scheme)).collect()
    }

    /// Returns the money of this year in the pool of `scheme`.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`], or [`Error::Corrupt`] if more left the pool than
    /// went in, which the checked postings never produce.
    pub fn pool_holding(&self, scheme: &SchemeId) -> Result<PoolHolding> {
        let (mut funded, mut returned, mut redeemed) = (Money::ZERO, Money::ZERO, Money::ZERO);
        for entry in &self.ledger {
            if pool_scheme(&entry.kind) != Some(scheme) {
                continue;
            }
            match &entry.kind {
                EntryKind::PoolFunding { .. } => funded = funded.checked_add(entry.amount)?,
                EntryKind::PoolReturn { .. } => returned = returned.checked_add(entry.amount)?,
                _ => redeemed = redeemed.checked_add(entry.amount)?,
            }
        }
        let out = returned.checked_add(redeemed)?;
        let held = funded.checked_sub(out).map_err(|_| Error::Corrupt {
            location: format!("fund year {} voucher pool {scheme}", self.year),
            detail: Text::new(
                format!("拨入 {funded} 少于退回与兑付之和 {out}"),
                format!("funded {funded} is less than returned and redeemed together, {out}"),
            ),
        })?;
        Ok(PoolHolding { scheme: scheme.clone(), funded, returned, redeemed, held })
    }

    /// Returns the money of `category` held in voucher pools: zero for the
    /// other categories.
    fn earmarked(&self, category: FundCategory) -> Result<Money> {
        if category != FundCategory::Vouchers {
            return Ok(Money::ZERO);
        }
        Money::sum(self.pool_holdings()?.iter().map(|holding| holding.held))
    }

    /// Returns the balance of `category` that is not earmarked for a pool:
    /// what payments, transfers, pool fundings and carry-over may use.
    pub(super) fn unearmarked(&self, category: FundCategory) -> Result<Money> {
        let balance = self.balance(category)?;
        let earmarked = self.earmarked(category)?;
        balance.checked_sub(earmarked).map_err(|_| Error::Corrupt {
            location: format!("fund year {} {:?}", self.year, category),
            detail: Text::new(
                format!("余额 {balance} 少于资金池占用 {earmarked}"),
                format!("the balance {balance} is less than the {earmarked} held in voucher pools"),
            ),
        })
    }
}

/// Returns the scheme of a pool funding, pool return or voucher redemption entry.
fn pool_scheme(kind: &EntryKind) -> Option<&SchemeId> {
    match kind {
        EntryKind::PoolFunding { scheme } | EntryKind::PoolReturn { scheme, .. } => Some(scheme),
        EntryKind::Payment { source: Some(PaymentSource::VoucherRedemption { scheme, .. }), .. } => Some(scheme),
        _ => None,
    }
}

impl FundBook {
    /// Checks a pool posting without changing anything. Funding needs an
    /// open year with enough unearmarked voucher money. A return or payment
    /// needs that much held for the scheme in the funding year.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a fund year not opened, [`Error::InvalidState`]
    /// for funding from a closed year, [`Error::InvalidValue`] for zero, and
    /// [`Error::RuleViolation`] `fund.insufficient_balance` or
    /// `fund.pool_holding`.
    pub(crate) fn check_pool_posting(&self, posting: &PoolPosting) -> Result<()> {
        match posting {
            PoolPosting::Fund { year, amount, .. } => {
                check_positive(*amount)?;
                let fund_year = self.open_year(*year, "fund_voucher_pool")?;
                check_balance(fund_year, FundCategory::Vouchers, *amount)?;
                fund_year.next_number()?;
            }
            PoolPosting::Return { year, scheme, amount, .. } | PoolPosting::Pay { year, scheme, amount, .. } => {
                check_positive(*amount)?;
                let fund_year = self.year(*year)?;
                let holding = fund_year.pool_holding(scheme)?;
                if *amount > holding.held {
                    return Err(Error::rule(
                        "fund.pool_holding",
                        Text::new(
                            format!("{year} 年度资金为方案 {scheme} 资金池留存 {}，少于 {amount}", holding.held),
                            format!("fund year {year} holds {} for the pool of scheme {scheme}, less than {amount}", holding.held),
                        ),
                    ));
                }
                fund_year.next_number()?;
            }
        }
        Ok(())
    }

    /// Records a posting that [`FundBook::check_pool_posting`] accepted.
    pub(crate) fn commit_pool_posting(&mut self, seq: u64, at: DateTime<Utc>, actor: &Actor, posting: PoolPosting) {
        let stamp = Stamp { seq, at, actor: actor.id.clone() };
        let (year, amount, kind) = match posting {
            PoolPosting::Fund { year, scheme, amount } => (year, amount, EntryKind::PoolFunding { scheme }),
            PoolPosting::Return { year, scheme, amount, reason } => (year, amount, EntryKind::PoolReturn { scheme, reason }),
            PoolPosting::Pay { year, scheme, amount, provider, booking, invoice } => {
                let kind = EntryKind::Payment {
                    payee: provider.to_string(),
                    purpose: format!("创新券兑付 {booking} / voucher redemption {booking}"),
                    source: Some(PaymentSource::VoucherRedemption { scheme, booking, invoice }),
                };
                (year, amount, kind)
            }
        };
        if let Some(fund_year) = self.years.get_mut(&year) {
            let number = fund_year.next_number().unwrap_or(u32::MAX);
            fund_year.ledger.push(stamp.entry(number, FundCategory::Vouchers, amount, kind));
        }
    }

    /// Sums the pool fundings less returns, and the redemptions, of
    /// `scheme` over every fund year.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] or [`Error::Corrupt`] as for [`FundYear::pool_holding`].
    pub fn pool_totals(&self, scheme: &SchemeId) -> Result<PoolHolding> {
        let mut total = PoolHolding {
            scheme: scheme.clone(),
            funded: Money::ZERO,
            returned: Money::ZERO,
            redeemed: Money::ZERO,
            held: Money::ZERO,
        };
        for fund_year in self.years.values() {
            let holding = fund_year.pool_holding(scheme)?;
            total.funded = total.funded.checked_add(holding.funded)?;
            total.returned = total.returned.checked_add(holding.returned)?;
            total.redeemed = total.redeemed.checked_add(holding.redeemed)?;
            total.held = total.held.checked_add(holding.held)?;
        }
        Ok(total)
    }

    fn open_year(&self, year: i32, action: &str) -> Result<&FundYear> {
        let fund_year = self.year(year)?;
        if fund_year.closed {
            return Err(Error::InvalidState {
                entity: Entity::FundYear,
                id: year.to_string(),
                state: "closed".to_owned(),
                action: action.to_owned(),
            });
        }
        Ok(fund_year)
    }
}
