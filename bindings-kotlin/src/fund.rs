//! Subsidy rule sets, audit, allocation, rewards and analysis
//! (`labshare::subsidy`), and the special fund ledger (`labshare::fund`,
//! 专项资金).
//!
//! Rule sets, application forms, audit results and allocations are large
//! nested records that callers mostly store and pass on, so they cross as
//! the core's serde JSON text rather than as Records. Amounts inside that
//! JSON are decimal strings such as `"1234.50"`, exact to the fen: read them
//! with `BigDecimal(text)`. Budgets and pools are `BigDecimal` arguments.
//!
//! JSON that does not fit the core type fails with `InvalidInput`, code
//! `invalid_value`, naming the argument in `field`; every other error is the
//! core's own.

use labshare::fund::{BudgetTransfer, CategoryAmount, PaymentOrder};
use labshare::subsidy::{
    self, ApplicationForm, AuditAdjustment, AuditContext, AuditedIncome, GroupScore, RuleSet, SubsidyUseReport,
    YearPayments,
};
use labshare::{Money, Text, UnitId};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::access::Actor;
use crate::errors::LabshareError;
use crate::network::Network;
use crate::types::Timestamp;

/// Longest piece of rejected JSON quoted back in an error.
const QUOTED_CHARS: usize = 80;

/// Reads the core type `T` from JSON text, naming `argument` in the error.
pub(crate) fn from_json<T: DeserializeOwned>(argument: &str, text: &str) -> Result<T, labshare::Error> {
    serde_json::from_str(text).map_err(|error| labshare::Error::InvalidValue {
        field: argument.to_owned(),
        value: text.chars().take(QUOTED_CHARS).collect(),
        expected: Text::new(
            format!("`{argument}` 须为核心类型的 JSON（{error}）"),
            format!("`{argument}` must be JSON of the core type ({error})"),
        ),
    })
}

/// Writes a core value as JSON text.
fn to_json<T: Serialize>(what: &str, value: &T) -> Result<String, labshare::Error> {
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

/// Turns a core result into JSON text or the error.
fn json_result<T: Serialize>(what: &str, result: labshare::Result<T>) -> Result<String, LabshareError> {
    Ok(result.and_then(|value| to_json(what, &value))?)
}

/// Audits one subsidy application under `ruleSet` (核算): checks every
/// service record against the rules, applies the office's `adjustments` and
/// totals the audited income per instrument.
///
/// `ruleSet` is a `RuleSet`, `form` an `ApplicationForm`, `context` an
/// `AuditContext` and `adjustments` a list of `AuditAdjustment`, all as the
/// core's JSON. Returns the `AuditResult` as JSON: per record `included`,
/// its exclusions with their codes and the `counted` amount, the applied,
/// computed and audited totals, and the rule set (id and version) applied.
#[uniffi::export]
pub fn audit_application(
    rule_set: String,
    form: String,
    context: String,
    adjustments: String,
) -> Result<String, LabshareError> {
    let rule_set: RuleSet = from_json("rule_set", &rule_set)?;
    let form: ApplicationForm = from_json("form", &form)?;
    let context: AuditContext = from_json("context", &context)?;
    let adjustments: Vec<AuditAdjustment> = from_json("adjustments", &adjustments)?;
    json_result("audit result", subsidy::audit_application(&rule_set, &form, &context, &adjustments))
}

/// Allocates `budget` (元) among audited incomes (a JSON list of
/// `AuditedIncome`) under the allocation rules of `ruleSet`, with the
/// step-by-step explanation of every unit. Returns the `RuleAllocation` as
/// JSON: the rule set id and version used, per unit the amount, the limit
/// that fixed it and the explanation, the paid total and what returns to
/// the fund.
#[uniffi::export]
pub fn allocate_subsidy(rule_set: String, budget: Money, incomes: String) -> Result<String, LabshareError> {
    let rule_set: RuleSet = from_json("rule_set", &rule_set)?;
    let incomes: Vec<AuditedIncome> = from_json("incomes", &incomes)?;
    json_result("allocation", subsidy::allocate(&rule_set, budget, &incomes))
}

/// Allocates as `allocateSubsidy` does, without the explanations: the same
/// amounts and limits, much faster for many units. Returns the
/// `AllocationAmounts` as JSON (`units` with `unit`, `amount`, `limit` in the
/// order of `incomes`).
#[uniffi::export]
pub fn allocate_subsidy_amounts(rule_set: String, budget: Money, incomes: String) -> Result<String, LabshareError> {
    let rule_set: RuleSet = from_json("rule_set", &rule_set)?;
    let incomes: Vec<AuditedIncome> = from_json("incomes", &incomes)?;
    json_result("allocation", subsidy::allocate_amounts(&rule_set, budget, &incomes))
}

/// Splits the reward `pool` (元) among scored groups (a JSON list of
/// `GroupScore`) under the reward rules of `ruleSet` (奖励). Returns the
/// `RewardAllocation` as JSON: per group its rank and prize, the awarded
/// total and what returns to the fund.
#[uniffi::export]
pub fn allocate_rewards(rule_set: String, pool: Money, scores: String) -> Result<String, LabshareError> {
    let rule_set: RuleSet = from_json("rule_set", &rule_set)?;
    let scores: Vec<GroupScore> = from_json("scores", &scores)?;
    json_result("reward allocation", subsidy::allocate_rewards(&rule_set, pool, &scores))
}

/// Compares the allocations of one `budget` under rule sets `a` and `b`
/// (what-if analysis). Returns the `WhatIf` as JSON: both allocations, a row
/// per unit with `amount_a`, `amount_b` and their `difference`, the paid
/// difference and the concentration under each.
#[uniffi::export]
pub fn subsidy_what_if(a: String, b: String, budget: Money, incomes: String) -> Result<String, LabshareError> {
    let a: RuleSet = from_json("a", &a)?;
    let b: RuleSet = from_json("b", &b)?;
    let incomes: Vec<AuditedIncome> = from_json("incomes", &incomes)?;
    json_result("what-if", subsidy::what_if(&a, &b, budget, &incomes))
}

/// Measures how concentrated the paid `amounts` are: total, number of
/// recipients, the top three's share and the Herfindahl–Hirschman index.
/// Returns the `Concentration` as JSON.
#[uniffi::export]
pub fn subsidy_concentration(amounts: Vec<Money>) -> Result<String, LabshareError> {
    json_result("concentration", subsidy::concentration(&amounts))
}

/// Computes the multi-year history figures from the payments of each year
/// (a JSON list of `YearPayments`). Returns the `HistoryReport` as JSON.
#[uniffi::export]
pub fn subsidy_history(years: String) -> Result<String, LabshareError> {
    let years: Vec<YearPayments> = from_json("years", &years)?;
    json_result("history", subsidy::history(&years))
}

impl Network {
    /// Runs a query on the core network and writes its result as JSON.
    fn fund_query<T: Serialize>(
        &self,
        what: &str,
        read: impl FnOnce(&labshare::Network) -> labshare::Result<T>,
    ) -> Result<String, LabshareError> {
        let state = self.lock();
        json_result(what, read(&state.network))
    }
}

/// The subsidy workflow and the special fund. Every change takes the acting
/// `Actor` and the current instant `now` and returns the recorded event as
/// JSON text; queries return the core's JSON.
#[uniffi::export]
impl Network {
    /// Publishes a versioned subsidy rule set (补贴细则, `RuleSet` JSON).
    /// Office only.
    pub fn publish_rule_set(&self, actor: Actor, now: Timestamp, rule_set: String) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let rule_set: RuleSet = from_json("rule_set", &rule_set)?;
        self.change(|network| network.publish_rule_set(&actor, now, rule_set))
    }

    /// Files a unit's report on how it used a year's subsidy
    /// (`SubsidyUseReport` JSON). The unit's admin or the office.
    pub fn file_subsidy_use_report(&self, actor: Actor, now: Timestamp, report: String) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let report: SubsidyUseReport = from_json("report", &report)?;
        self.change(|network| network.file_subsidy_use_report(&actor, now, report))
    }

    /// Applies for a year's subsidy (`ApplicationForm` JSON). The unit's admin
    /// or the office; the year needs a published rule set.
    pub fn apply_for_subsidy(&self, actor: Actor, now: Timestamp, form: String) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let form: ApplicationForm = from_json("form", &form)?;
        self.change(|network| network.apply_for_subsidy(&actor, now, form))
    }

    /// Withdraws `unit`'s application for `year` before it is allocated.
    pub fn withdraw_subsidy_application(
        &self,
        actor: Actor,
        now: Timestamp,
        unit: String,
        year: i32,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let unit = UnitId::new(unit)?;
        self.change(|network| network.withdraw_subsidy_application(&actor, now, unit, year))
    }

    /// Audits `unit`'s application for `year` under the year's rule set.
    /// Office only.
    pub fn audit_subsidy_application(
        &self,
        actor: Actor,
        now: Timestamp,
        unit: String,
        year: i32,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let unit = UnitId::new(unit)?;
        self.change(|network| network.audit_subsidy_application(&actor, now, unit, year))
    }

    /// Records an office adjustment (`AuditAdjustment` JSON: line, counted
    /// amount, reason) to an audited application. Office only.
    pub fn adjust_subsidy_audit(
        &self,
        actor: Actor,
        now: Timestamp,
        unit: String,
        year: i32,
        adjustment: String,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let unit = UnitId::new(unit)?;
        let adjustment: AuditAdjustment = from_json("adjustment", &adjustment)?;
        self.change(|network| network.adjust_subsidy_audit(&actor, now, unit, year, adjustment))
    }

    /// Allocates `budget` (元) among the audited applications of `year` under
    /// the year's rule set. Office only.
    pub fn allocate_subsidies(&self, actor: Actor, now: Timestamp, year: i32, budget: Money) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        self.change(|network| network.allocate_subsidies(&actor, now, year, budget))
    }

    /// Returns every published rule set as JSON.
    pub fn subsidy_rule_sets(&self) -> Result<String, LabshareError> {
        self.fund_query("rule sets", |network| Ok(network.subsidy().rule_sets().to_vec()))
    }

    /// Returns `unit`'s application for `year` as JSON. Fails with
    /// `PermissionDenied` unless `actor` administers `unit` or is office
    /// staff, and `NotFound` if there is none.
    pub fn subsidy_application(&self, actor: Actor, unit: String, year: i32) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let unit = UnitId::new(unit)?;
        self.fund_query("application", |network| network.subsidy_application(&actor, &unit, year).cloned())
    }

    /// Returns the audit result of `unit`'s application for `year` as JSON.
    /// Fails with `PermissionDenied` unless `actor` administers `unit` or is
    /// office staff, and `NotFound` if it is not audited.
    pub fn subsidy_audit(&self, actor: Actor, unit: String, year: i32) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let unit = UnitId::new(unit)?;
        self.fund_query("audit", |network| network.subsidy_audit(&actor, &unit, year).cloned())
    }

    /// Returns `unit`'s allocated share for `year`, with its explanation, as
    /// JSON. Fails with `PermissionDenied` unless `actor` administers `unit`
    /// or is office staff.
    pub fn subsidy_share(&self, actor: Actor, unit: String, year: i32) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let unit = UnitId::new(unit)?;
        self.fund_query("share", |network| network.subsidy_share(&actor, &unit, year).cloned())
    }

    /// Returns every application for `year`, in unit order, as JSON. Office
    /// only.
    pub fn subsidy_applications(&self, actor: Actor, year: i32) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        self.fund_query("applications", |network| {
            let applications = network.subsidy().applications(&actor, year)?;
            Ok(applications.into_iter().cloned().collect::<Vec<_>>())
        })
    }

    /// Returns the allocation of `year` (`YearAllocation`) as JSON. Office
    /// only.
    pub fn subsidy_allocation(&self, actor: Actor, year: i32) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        self.fund_query("allocation", |network| network.subsidy().allocation(&actor, year).cloned())
    }

    /// Returns `unit`'s filed use report for `year` as JSON. Fails with
    /// `PermissionDenied` unless `actor` administers `unit` or is office
    /// staff.
    pub fn subsidy_use_report(&self, actor: Actor, unit: String, year: i32) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let unit = UnitId::new(unit)?;
        self.fund_query("use report", |network| network.subsidy().use_report(&actor, &unit, year).cloned())
    }

    /// Returns the history figures over every allocated year
    /// (`HistoryReport`) as JSON. Office only.
    pub fn subsidy_history(&self, actor: Actor) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        self.fund_query("history", |network| network.subsidy().history(&actor))
    }

    /// Opens a fund year with its `appropriation` (元) and its `budget` split
    /// over categories (JSON list of `CategoryAmount`). Office only.
    pub fn open_fund_year(
        &self,
        actor: Actor,
        now: Timestamp,
        year: i32,
        appropriation: Money,
        budget: String,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let budget: Vec<CategoryAmount> = from_json("budget", &budget)?;
        self.change(|network| network.open_fund_year(&actor, now, year, appropriation, budget))
    }

    /// Records a payment (`PaymentOrder` JSON) out of a category. Office only.
    pub fn record_fund_payment(&self, actor: Actor, now: Timestamp, payment: String) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let payment: PaymentOrder = from_json("payment", &payment)?;
        self.change(|network| network.record_fund_payment(&actor, now, payment))
    }

    /// Reverses ledger entry `entry` of fund year `year` with a `reason`.
    /// Office only.
    pub fn reverse_fund_payment(
        &self,
        actor: Actor,
        now: Timestamp,
        year: i32,
        entry: u32,
        reason: String,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        self.change(|network| network.reverse_fund_payment(&actor, now, year, entry, &reason))
    }

    /// Moves budget between two categories of a year (`BudgetTransfer` JSON,
    /// 调剂). Office only.
    pub fn transfer_fund_budget(&self, actor: Actor, now: Timestamp, transfer: String) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let transfer: BudgetTransfer = from_json("transfer", &transfer)?;
        self.change(|network| network.transfer_fund_budget(&actor, now, transfer))
    }

    /// Pays the allocated subsidies of `subsidyYear` out of the subsidy
    /// category of `fundYear`, one ledger entry per unit. Office only.
    pub fn pay_subsidies(
        &self,
        actor: Actor,
        now: Timestamp,
        subsidy_year: i32,
        fund_year: i32,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        self.change(|network| network.pay_subsidies(&actor, now, subsidy_year, fund_year))
    }

    /// Closes fund year `year` and carries each category's balance into the
    /// next year. Office only.
    pub fn close_fund_year(&self, actor: Actor, now: Timestamp, year: i32) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        self.change(|network| network.close_fund_year(&actor, now, year))
    }

    /// Returns the report of fund year `year` (`FundReport`) as JSON. Office
    /// only.
    pub fn fund_report(&self, actor: Actor, year: i32) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        self.fund_query("fund report", |network| network.fund().report(&actor, year))
    }

    /// Returns fund year `year` with its budget and ledger (`FundYear`) as
    /// JSON. Office only.
    pub fn fund_year(&self, actor: Actor, year: i32) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        self.fund_query("fund year", |network| network.fund().fund_year(&actor, year).cloned())
    }
}
