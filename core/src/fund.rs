//! The yearly special fund (专项资金) and its ledger.
//!
//! Each year the funder appropriates an amount (100万元 a year in Xinjiang)
//! that the office splits into categories: office costs (工作经费),
//! operating subsidies (运行补贴), rewards (奖励) and the innovation-voucher
//! pool (创新券). Every movement is a ledger entry: payments, reversals of
//! payments, transfers between categories and, when a year is closed, the
//! carry-over (结转) of each category's balance into the same category of
//! the next year. Nothing is deleted; a wrong payment is reversed by a new
//! entry.
//!
//! The execution rate (资金执行率) that the yearly self-evaluation reports is
//! the money spent divided by the money available: the appropriation plus
//! what was carried in.
//!
//! The voucher category funds the pools of voucher schemes. Funding a pool
//! earmarks part of the category's balance for that scheme. Paying a
//! voucher redemption is a payment of the category, so the execution rate
//! counts it. Money the office takes back out of a pool returns to the
//! category. Other payments, transfers and carry-over cannot use earmarked
//! money, and redemptions of an earmark post to its year even after the
//! year is closed.

mod voucher_line;

pub(crate) use voucher_line::PoolPosting;
pub use voucher_line::PoolHolding;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::{self, Actor};
use crate::error::{Entity, Error, Result};
use crate::booking::BookingId;
use crate::ids::{SchemeId, UnitId};
use crate::journal::{Change, Event};
use crate::lang::Text;
use crate::money::{Money, round_half_up};
use crate::network::Network;
use crate::subsidy::SubsidyBook;
use crate::subsidy::records::check_year;
use crate::tagged::tagged_enum;

/// Limit in characters of payees, purposes and reasons.
const MAX_TEXT_CHARS: usize = 200;

/// A budget category of the fund (资金科目).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FundCategory {
    /// Running the office (工作经费).
    OfficeCosts,
    /// Operating subsidies to units (运行补贴).
    Subsidies,
    /// Rewards for excellent instrument groups (奖励).
    Rewards,
    /// The innovation-voucher pool (创新券).
    Vouchers,
}

impl FundCategory {
    /// Every category, in display order.
    pub const ALL: [FundCategory; 4] =
        [FundCategory::OfficeCosts, FundCategory::Subsidies, FundCategory::Rewards, FundCategory::Vouchers];

    /// Returns the category's name.
    pub fn label(self) -> Text {
        match self {
            FundCategory::OfficeCosts => Text::new("工作经费", "office costs"),
            FundCategory::Subsidies => Text::new("运行补贴", "operating subsidies"),
            FundCategory::Rewards => Text::new("奖励", "rewards"),
            FundCategory::Vouchers => Text::new("创新券", "innovation vouchers"),
        }
    }
}

/// An amount for one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CategoryAmount {
    /// The category.
    pub category: FundCategory,
    /// The amount.
    pub amount: Money,
}

/// The obligation a payment settles, where the fund records one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PaymentSource {
    /// A unit's operating subsidy for a subsidy year.
    Subsidy {
        /// Subsidy year.
        year: i32,
        /// The unit.
        unit: UnitId,
    },
    /// A voucher redemption (创新券兑付) paid out of a scheme's pool.
    VoucherRedemption {
        /// The voucher scheme.
        scheme: SchemeId,
        /// The completed booking or sample request the vouchers paid toward.
        booking: BookingId,
        /// The provider's invoice number.
        invoice: String,
    },
}

/// Kind of a ledger entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryKind {
    /// Money paid out of the category.
    Payment {
        /// Payee.
        payee: String,
        /// What for.
        purpose: String,
        /// The subsidy or other source it settles, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<PaymentSource>,
    },
    /// A payment taken back; the money returns to the category.
    Reversal {
        /// Number of the reversed payment.
        entry: u32,
        /// Why.
        reason: String,
    },
    /// Budget moved out of this entry's category into another (调剂).
    Transfer {
        /// Receiving category.
        to: FundCategory,
        /// Why.
        reason: String,
    },
    /// Balance carried in from the previous year's same category.
    CarryIn {
        /// The year it comes from.
        from_year: i32,
    },
    /// Balance carried out to the next year's same category when closing.
    CarryOut {
        /// The year it goes to.
        to_year: i32,
    },
    /// Voucher-category money earmarked for a scheme's pool (拨入创新券资金池).
    PoolFunding {
        /// The voucher scheme.
        scheme: SchemeId,
    },
    /// Unused pool money the office returned to the voucher category.
    PoolReturn {
        /// The voucher scheme.
        scheme: SchemeId,
        /// Why.
        reason: String,
    },
}

/// One ledger entry (台账记录).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LedgerEntry {
    /// Number within the year, from 1.
    pub number: u32,
    /// Journal sequence number of the change that made it.
    pub seq: u64,
    /// When.
    pub at: DateTime<Utc>,
    /// Id of the actor.
    pub actor: String,
    /// The category the entry belongs to (for transfers: the giving one).
    pub category: FundCategory,
    /// The amount, always positive. The kind gives the direction.
    pub amount: Money,
    /// What happened.
    pub kind: EntryKind,
}

/// One fund year: the appropriation, its split and the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FundYear {
    /// The year.
    pub year: i32,
    /// The appropriation (年度预算).
    pub appropriation: Money,
    /// The appropriation's split into categories.
    pub budget: Vec<CategoryAmount>,
    /// Every entry, in order.
    pub ledger: Vec<LedgerEntry>,
    /// Whether the year is closed.
    pub closed: bool,
}

/// Figures of one category of a fund year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CategoryReport {
    /// The category.
    pub category: FundCategory,
    /// Budgeted from the appropriation.
    pub budgeted: Money,
    /// Carried in from the previous year.
    pub carried_in: Money,
    /// Received from other categories.
    pub transferred_in: Money,
    /// Given to other categories.
    pub transferred_out: Money,
    /// `budgeted + carried_in + transferred_in − transferred_out`.
    pub available: Money,
    /// Payments less reversals.
    pub spent: Money,
    /// Carried out to the next year at closing.
    pub carried_out: Money,
    /// `available − spent − carried_out`.
    pub balance: Money,
    /// `spent ÷ available`, rounded half-up to 6 places; zero when nothing is available.
    pub execution_rate: Decimal,
}

/// Figures of a fund year (资金执行情况).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FundReport {
    /// The year.
    pub year: i32,
    /// The appropriation.
    pub appropriation: Money,
    /// Carried in, all categories.
    pub carried_in: Money,
    /// `appropriation + carried_in`.
    pub available: Money,
    /// Spent, all categories.
    pub spent: Money,
    /// Carried out at closing, all categories.
    pub carried_out: Money,
    /// Balance: money neither spent nor carried out.
    pub balance: Money,
    /// Execution rate (资金执行率): `spent ÷ available`, rounded half-up to 6 places.
    pub execution_rate: Decimal,
    /// One line per category.
    pub categories: Vec<CategoryReport>,
    /// Whether the year is closed.
    pub closed: bool,
}

impl FundYear {
    /// Computes the figures of the year from its budget and ledger.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] if a sum leaves the range of [`Money`].
    pub fn report(&self) -> Result<FundReport> {
        let categories = FundCategory::ALL.iter().map(|c| self.category_report(*c)).collect::<Result<Vec<_>>>()?;
        let carried_in = Money::sum(categories.iter().map(|c| c.carried_in))?;
        let available = self.appropriation.checked_add(carried_in)?;
        let spent = Money::sum(categories.iter().map(|c| c.spent))?;
        let carried_out = Money::sum(categories.iter().map(|c| c.carried_out))?;
        let balance = Money::sum(categories.iter().map(|c| c.balance))?;
        Ok(FundReport {
            year: self.year,
            appropriation: self.appropriation,
            carried_in,
            available,
            spent,
            carried_out,
            balance,
            execution_rate: rate(spent, available),
            categories,
            closed: self.closed,
        })
    }

    fn category_report(&self, category: FundCategory) -> Result<CategoryReport> {
        let budgeted = Money::sum(self.budget.iter().filter(|b| b.category == category).map(|b| b.amount))?;
        let (mut carried_in, mut transferred_in, mut transferred_out) = (Money::ZERO, Money::ZERO, Money::ZERO);
        let (mut paid, mut reversed, mut carried_out) = (Money::ZERO, Money::ZERO, Money::ZERO);
        for entry in &self.ledger {
            let own = entry.category == category;
            match &entry.kind {
                EntryKind::Payment { .. } if own => paid = paid.checked_add(entry.amount)?,
                EntryKind::Reversal { .. } if own => reversed = reversed.checked_add(entry.amount)?,
                EntryKind::CarryIn { .. } if own => carried_in = carried_in.checked_add(entry.amount)?,
                EntryKind::CarryOut { .. } if own => carried_out = carried_out.checked_add(entry.amount)?,
                EntryKind::Transfer { .. } if own => transferred_out = transferred_out.checked_add(entry.amount)?,
                EntryKind::Transfer { to, .. } if *to == category => {
                    transferred_in = transferred_in.checked_add(entry.amount)?;
                }
                _ => {}
            }
        }
        let available = budgeted.checked_add(carried_in)?.checked_add(transferred_in)?.checked_sub(transferred_out)?;
        let spent = paid.checked_sub(reversed)?;
        let balance = available.checked_sub(spent)?.checked_sub(carried_out)?;
        Ok(CategoryReport {
            category,
            budgeted,
            carried_in,
            transferred_in,
            transferred_out,
            available,
            spent,
            carried_out,
            balance,
            execution_rate: rate(spent, available),
        })
    }

    fn balance(&self, category: FundCategory) -> Result<Money> {
        Ok(self.category_report(category)?.balance)
    }

    fn next_number(&self) -> Result<u32> {
        self.reserve_numbers(1)
    }

    /// Returns the number of the first of `count` new entries, checking that
    /// all of them fit, so that a change can be checked before it mutates.
    fn reserve_numbers(&self, count: usize) -> Result<u32> {
        let last = self.ledger.len().checked_add(count).ok_or_else(|| Error::overflow("ledger entry number"))?;
        u32::try_from(last).map_err(|_| Error::overflow("ledger entry number"))?;
        u32::try_from(self.ledger.len() + 1).map_err(|_| Error::overflow("ledger entry number"))
    }
}

fn rate(spent: Money, available: Money) -> Decimal {
    if available.is_zero() {
        return Decimal::ZERO;
    }
    round_half_up(spent.yuan() / available.yuan(), 6)
}

/// A payment the office records out of a category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PaymentOrder {
    /// Fund year.
    pub year: i32,
    /// Category paid from.
    pub category: FundCategory,
    /// Amount.
    pub amount: Money,
    /// Payee, at most 200 characters.
    pub payee: String,
    /// Purpose, at most 200 characters.
    pub purpose: String,
}

/// Budget the office moves between two categories of a year (调剂).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BudgetTransfer {
    /// Fund year.
    pub year: i32,
    /// Giving category.
    pub from: FundCategory,
    /// Receiving category.
    pub to: FundCategory,
    /// Amount.
    pub amount: Money,
    /// Why, at most 200 characters.
    pub reason: String,
}

tagged_enum! {
    /// A change to the fund, as recorded in the journal.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
    #[serde(tag = "type", rename_all = "snake_case")]
    pub enum FundChange {
        /// The office opens a fund year with its appropriation and split; the
        /// closed previous year's balances are carried in.
        OpenYear {
            /// The year.
            year: i32,
            /// The appropriation.
            appropriation: Money,
            /// Its split; must sum to the appropriation.
            budget: Vec<CategoryAmount>,
        },
        /// The office records a payment out of a category.
        RecordPayment {
            /// The payment.
            payment: PaymentOrder,
        },
        /// The office reverses a payment, with a reason.
        ReversePayment {
            /// Fund year of the payment.
            year: i32,
            /// Its entry number.
            entry: u32,
            /// Why.
            reason: String,
        },
        /// The office moves budget between categories, with a reason.
        Transfer {
            /// The transfer.
            transfer: BudgetTransfer,
        },
        /// The office pays a subsidy year's allocation out of a fund year's
        /// subsidy category, one payment per unit with an amount.
        PaySubsidies {
            /// The subsidy year whose allocation is paid.
            subsidy_year: i32,
            /// The fund year paying it.
            fund_year: i32,
        },
        /// The office closes a fund year and carries every category's balance
        /// into the next year.
        CloseYear {
            /// The year.
            year: i32,
        },
    }
}

/// Fund years by year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FundBook {
    years: BTreeMap<i32, FundYear>,
}

impl FundBook {
    /// Returns the report of fund year `year`. Office only, because the
    /// ledger lists every unit's payments.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] for anyone but the office,
    /// [`Error::NotFound`] for a year not opened, [`Error::Overflow`].
    pub fn report(&self, actor: &Actor, year: i32) -> Result<FundReport> {
        access::require_office(actor, "read_fund")?;
        self.year(year)?.report()
    }

    /// Returns fund year `year` with its ledger. Office only.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] for anyone but the office,
    /// [`Error::NotFound`] for a year not opened.
    pub fn fund_year(&self, actor: &Actor, year: i32) -> Result<&FundYear> {
        access::require_office(actor, "read_fund")?;
        self.year(year)
    }

    /// Returns true if a payment settles the subsidy of `subsidy_year` and
    /// has not been reversed.
    pub fn subsidy_paid(&self, subsidy_year: i32) -> bool {
        self.years.values().any(|fund_year| {
            fund_year.ledger.iter().any(|entry| {
                let settles = matches!(
                    &entry.kind,
                    EntryKind::Payment { source: Some(PaymentSource::Subsidy { year, .. }), .. } if *year == subsidy_year
                );
                settles && !is_reversed(fund_year, entry.number)
            })
        })
    }

    fn year(&self, year: i32) -> Result<&FundYear> {
        self.years.get(&year).ok_or_else(|| Error::not_found(Entity::FundYear, year))
    }

    fn open_year_mut(&mut self, year: i32, action: &str) -> Result<&mut FundYear> {
        let fund_year = self.years.get_mut(&year).ok_or_else(|| Error::not_found(Entity::FundYear, year))?;
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

    pub(crate) fn apply(&mut self, seq: u64, at: DateTime<Utc>, actor: &Actor, subsidy: &SubsidyBook, change: &FundChange) -> Result<()> {
        access::require_office(actor, "change_fund")?;
        let stamp = Stamp { seq, at, actor: actor.id.clone() };
        match change {
            FundChange::OpenYear { year, appropriation, budget } => self.open(&stamp, *year, *appropriation, budget),
            FundChange::RecordPayment { payment } => {
                check_text("payee", &payment.payee)?;
                check_text("purpose", &payment.purpose)?;
                let kind = EntryKind::Payment { payee: payment.payee.clone(), purpose: payment.purpose.clone(), source: None };
                self.pay(&stamp, payment.year, payment.category, payment.amount, kind)
            }
            FundChange::ReversePayment { year, entry, reason } => self.reverse(&stamp, *year, *entry, reason),
            FundChange::Transfer { transfer } => self.transfer(&stamp, transfer),
            FundChange::PaySubsidies { subsidy_year, fund_year } => self.pay_subsidies(&stamp, subsidy, *subsidy_year, *fund_year),
            FundChange::CloseYear { year } => self.close(&stamp, *year),
        }
    }

    fn open(&mut self, stamp: &Stamp, year: i32, appropriation: Money, budget: &[CategoryAmount]) -> Result<()> {
        check_year("year", year)?;
        if self.years.contains_key(&year) {
            return Err(Error::AlreadyExists { entity: Entity::FundYear, id: year.to_string() });
        }
        let split = Money::sum(budget.iter().map(|b| b.amount))?;
        if split != appropriation {
            return Err(Error::invalid_value(
                "budget",
                split,
                Text::new(
                    format!("各科目合计等于年度预算 {appropriation}"),
                    format!("category amounts that sum to the appropriation, {appropriation}"),
                ),
            ));
        }
        let mut fund_year = FundYear { year, appropriation, budget: budget.to_vec(), ledger: Vec::new(), closed: false };
        if let Some(previous) = self.years.get(&(year - 1)).filter(|p| p.closed) {
            for entry in &previous.ledger {
                if let EntryKind::CarryOut { .. } = entry.kind {
                    let kind = EntryKind::CarryIn { from_year: year - 1 };
                    let number = fund_year.next_number()?;
                    fund_year.ledger.push(stamp.entry(number, entry.category, entry.amount, kind));
                }
            }
        }
        self.years.insert(year, fund_year);
        Ok(())
    }

    fn pay(&mut self, stamp: &Stamp, year: i32, category: FundCategory, amount: Money, kind: EntryKind) -> Result<()> {
        check_positive(amount)?;
        let fund_year = self.open_year_mut(year, "record_payment")?;
        check_balance(fund_year, category, amount)?;
        let number = fund_year.next_number()?;
        fund_year.ledger.push(stamp.entry(number, category, amount, kind));
        Ok(())
    }

    fn reverse(&mut self, stamp: &Stamp, year: i32, number: u32, reason: &str) -> Result<()> {
        check_text("reason", reason)?;
        let fund_year = self.open_year_mut(year, "reverse_payment")?;
        let original = fund_year
            .ledger
            .iter()
            .find(|e| e.number == number && matches!(e.kind, EntryKind::Payment { .. }))
            .ok_or_else(|| Error::not_found(Entity::LedgerEntry, format!("{year}/{number}")))?;
        if is_reversed(fund_year, number) {
            return Err(Error::InvalidState {
                entity: Entity::LedgerEntry,
                id: format!("{year}/{number}"),
                state: "reversed".to_owned(),
                action: "reverse_payment".to_owned(),
            });
        }
        if matches!(&original.kind, EntryKind::Payment { source: Some(PaymentSource::VoucherRedemption { .. }), .. }) {
            return Err(Error::rule(
                "fund.voucher_redemption_reversal",
                Text::new(
                    format!("第 {number} 笔是创新券兑付，不能在资金台账中冲销；兑付记录与资金池必须一致"),
                    format!("entry {number} is a voucher redemption, which the fund ledger cannot reverse; it must agree with the voucher pool"),
                ),
            ));
        }
        let (category, amount) = (original.category, original.amount);
        let kind = EntryKind::Reversal { entry: number, reason: reason.to_owned() };
        let next = fund_year.next_number()?;
        fund_year.ledger.push(stamp.entry(next, category, amount, kind));
        Ok(())
    }

    fn transfer(&mut self, stamp: &Stamp, transfer: &BudgetTransfer) -> Result<()> {
        let BudgetTransfer { year, from, to, amount, reason } = transfer.clone();
        check_positive(amount)?;
        check_text("reason", &reason)?;
        if from == to {
            return Err(Error::invalid_value("to", format!("{to:?}"), Text::new("与转出科目不同的科目", "a category other than the giving one")));
        }
        let fund_year = self.open_year_mut(year, "transfer")?;
        check_balance(fund_year, from, amount)?;
        let number = fund_year.next_number()?;
        let kind = EntryKind::Transfer { to, reason };
        fund_year.ledger.push(stamp.entry(number, from, amount, kind));
        Ok(())
    }

    fn pay_subsidies(&mut self, stamp: &Stamp, subsidy: &SubsidyBook, subsidy_year: i32, year: i32) -> Result<()> {
        let decided = subsidy.allocation_of(subsidy_year).ok_or_else(|| Error::not_found(Entity::Allocation, subsidy_year))?;
        if self.subsidy_paid(subsidy_year) {
            return Err(Error::InvalidState {
                entity: Entity::Allocation,
                id: subsidy_year.to_string(),
                state: "paid".to_owned(),
                action: "pay_subsidies".to_owned(),
            });
        }
        let fund_year = self.open_year_mut(year, "pay_subsidies")?;
        check_balance(fund_year, FundCategory::Subsidies, decided.allocation.paid_total)?;
        let recipients: Vec<_> = decided.allocation.units.iter().filter(|u| !u.amount.is_zero()).collect();
        let first = fund_year.reserve_numbers(recipients.len())?;
        for (number, unit) in (first..).zip(recipients) {
            let kind = EntryKind::Payment {
                payee: unit.unit.to_string(),
                purpose: format!("{subsidy_year} 年度共用仪器运行补贴 / operating subsidy {subsidy_year}"),
                source: Some(PaymentSource::Subsidy { year: subsidy_year, unit: unit.unit.clone() }),
            };
            fund_year.ledger.push(stamp.entry(number, FundCategory::Subsidies, unit.amount, kind));
        }
        Ok(())
    }

    fn close(&mut self, stamp: &Stamp, year: i32) -> Result<()> {
        let fund_year = self.open_year_mut(year, "close_year")?;
        let mut carried = Vec::new();
        for category in FundCategory::ALL {
            let balance = fund_year.unearmarked(category)?;
            if !balance.is_zero() {
                carried.push((category, balance));
            }
        }
        let first_out = fund_year.reserve_numbers(carried.len())?;
        let next = self.years.get(&(year + 1));
        let in_number = next.map(|n| n.reserve_numbers(carried.len())).transpose()?;

        let fund_year = self.open_year_mut(year, "close_year")?;
        for (number, (category, amount)) in (first_out..).zip(&carried) {
            fund_year.ledger.push(stamp.entry(number, *category, *amount, EntryKind::CarryOut { to_year: year + 1 }));
        }
        fund_year.closed = true;
        if let (Some(next), Some(first_in)) = (self.years.get_mut(&(year + 1)), in_number) {
            for (number, (category, amount)) in (first_in..).zip(carried) {
                next.ledger.push(stamp.entry(number, category, amount, EntryKind::CarryIn { from_year: year }));
            }
        }
        Ok(())
    }
}

/// The journal position, instant and actor that every new entry carries.
struct Stamp {
    seq: u64,
    at: DateTime<Utc>,
    actor: String,
}

impl Stamp {
    fn entry(&self, number: u32, category: FundCategory, amount: Money, kind: EntryKind) -> LedgerEntry {
        LedgerEntry { number, seq: self.seq, at: self.at, actor: self.actor.clone(), category, amount, kind }
    }
}

fn is_reversed(fund_year: &FundYear, number: u32) -> bool {
    fund_year.ledger.iter().any(|e| matches!(e.kind, EntryKind::Reversal { entry, .. } if entry == number))
}

fn check_positive(amount: Money) -> Result<()> {
    if amount.is_zero() {
        return Err(Error::invalid_value("amount", amount, Text::new("大于 0 的金额", "an amount above zero")));
    }
    Ok(())
}

fn check_balance(fund_year: &FundYear, category: FundCategory, amount: Money) -> Result<()> {
    let balance = fund_year.unearmarked(category)?;
    if amount > balance {
        let label = category.label();
        return Err(Error::rule(
            "fund.insufficient_balance",
            Text::new(
                format!("{} 年度{}科目余额 {balance}，不足以支出 {amount}；请先调剂或减少金额", fund_year.year, label.zh),
                format!(
                    "the {} balance of fund year {} is {balance}, less than the {amount} requested; transfer budget first or pay less",
                    label.en, fund_year.year
                ),
            ),
        ));
    }
    Ok(())
}

fn check_text(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::Missing { field: field.to_owned() });
    }
    let actual_chars = value.chars().count();
    if actual_chars > MAX_TEXT_CHARS {
        return Err(Error::TooLong { field: field.to_owned(), max_chars: MAX_TEXT_CHARS, actual_chars });
    }
    Ok(())
}

/// Fund operations on a network. Every change is office only.
impl Network {
    /// Returns the fund years.
    pub fn fund(&self) -> &FundBook {
        &self.fund
    }

    /// Opens a fund year with its appropriation split into categories.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] for anyone but the office,
    /// [`Error::AlreadyExists`] for an open year, [`Error::InvalidValue`] if
    /// the split does not sum to the appropriation.
    pub fn open_fund_year(&mut self, actor: &Actor, now: DateTime<Utc>, year: i32, appropriation: Money, budget: Vec<CategoryAmount>) -> Result<Event> {
        self.execute(actor, now, Change::Fund(FundChange::OpenYear { year, appropriation, budget }))
    }

    /// Records a payment out of a category.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`], [`Error::NotFound`] or
    /// [`Error::InvalidState`] for a year not open, [`Error::RuleViolation`]
    /// `fund.insufficient_balance`, and [`Error::Missing`] for an empty payee or purpose.
    pub fn record_fund_payment(&mut self, actor: &Actor, now: DateTime<Utc>, payment: PaymentOrder) -> Result<Event> {
        self.execute(actor, now, Change::Fund(FundChange::RecordPayment { payment }))
    }

    /// Reverses a payment with a reason.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`], [`Error::NotFound`] for an unknown
    /// payment, [`Error::InvalidState`] if already reversed or the year is closed.
    pub fn reverse_fund_payment(&mut self, actor: &Actor, now: DateTime<Utc>, year: i32, entry: u32, reason: &str) -> Result<Event> {
        self.execute(actor, now, Change::Fund(FundChange::ReversePayment { year, entry, reason: reason.to_owned() }))
    }

    /// Moves budget between two categories of a year, with a reason.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`], [`Error::RuleViolation`]
    /// `fund.insufficient_balance`, [`Error::InvalidValue`] for the same category twice.
    pub fn transfer_fund_budget(&mut self, actor: &Actor, now: DateTime<Utc>, transfer: BudgetTransfer) -> Result<Event> {
        self.execute(actor, now, Change::Fund(FundChange::Transfer { transfer }))
    }

    /// Pays the allocation of `subsidy_year` out of the subsidy category of `fund_year`.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`], [`Error::NotFound`] without an
    /// allocation, [`Error::InvalidState`] if already paid, and
    /// [`Error::RuleViolation`] `fund.insufficient_balance`.
    pub fn pay_subsidies(&mut self, actor: &Actor, now: DateTime<Utc>, subsidy_year: i32, fund_year: i32) -> Result<Event> {
        self.execute(actor, now, Change::Fund(FundChange::PaySubsidies { subsidy_year, fund_year }))
    }

    /// Closes a fund year and carries its balances into the next year.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`], [`Error::NotFound`], or
    /// [`Error::InvalidState`] if already closed.
    pub fn close_fund_year(&mut self, actor: &Actor, now: DateTime<Utc>, year: i32) -> Result<Event> {
        self.execute(actor, now, Change::Fund(FundChange::CloseYear { year }))
    }
}
