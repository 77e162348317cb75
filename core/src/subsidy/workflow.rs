//! The yearly subsidy workflow on a network (补贴申报、核算与分配流程).
//!
//! The office publishes the rule details for a subsidy year; each unit
//! applies with its service records, after filing its report on how it used
//! last year's subsidy when the rules ask for one; the office audits each
//! application, may adjust records with a reason, and allocates the budget
//! over the audited applications. Payment is a fund operation
//! ([`crate::fund`]).
//!
//! Access: a unit administrator applies for, withdraws and reads only its
//! own unit's applications, audits and amounts; the office does everything
//! and reads everyone's.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::{self, Actor};
use crate::error::{Entity, Error, Result};
use crate::fund::FundBook;
use crate::ids::{InstrumentId, UnitId};
use crate::journal::{Change, Event};
use crate::lang::Text;
use crate::money::Money;
use crate::network::Network;
use crate::registry::{HistoryEntry, Registry};
use crate::subsidy::analysis::{HistoryReport, YearPayments, history};
use crate::subsidy::audit::{
    AuditAdjustment, AuditContext, AuditResult, ClaimedDocument, InstrumentFacts, audit_application,
};
use crate::subsidy::methods::{AuditedIncome, RuleAllocation, UnitAllocation, allocate};
use crate::subsidy::records::{ApplicationForm, SubsidyUseReport, check_year, document_key};
use crate::subsidy::rules::{RuleSet, RuleSetRef, UseReportRequirement};
use crate::tagged::tagged_enum;

/// A rule set as published, with the instant and the publishing actor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PublishedRuleSet {
    /// The rules.
    pub rule_set: RuleSet,
    /// Journal sequence number of the publication; later publications win.
    pub seq: u64,
    /// When it was published.
    pub published_at: DateTime<Utc>,
    /// Id of the publishing actor.
    pub published_by: String,
}

/// A subsidy-use report on file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FiledUseReport {
    /// The report.
    pub report: SubsidyUseReport,
    /// When it was filed.
    pub filed_at: DateTime<Utc>,
    /// Id of the filing actor.
    pub filed_by: String,
}

/// State of an application (申请状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationState {
    /// Filed, waiting for the audit; the unit may still replace or withdraw it.
    Submitted,
    /// Withdrawn by the unit; it may apply again.
    Withdrawn,
    /// Audited; the office may adjust records or audit again.
    Audited,
    /// Part of the year's allocation; no further change.
    Allocated,
}

impl ApplicationState {
    fn name(self) -> &'static str {
        match self {
            ApplicationState::Submitted => "submitted",
            ApplicationState::Withdrawn => "withdrawn",
            ApplicationState::Audited => "audited",
            ApplicationState::Allocated => "allocated",
        }
    }
}

/// An office adjustment as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RecordedAdjustment {
    /// Journal sequence number.
    pub seq: u64,
    /// When it was made.
    pub at: DateTime<Utc>,
    /// Id of the actor.
    pub actor: String,
    /// The adjustment.
    pub adjustment: AuditAdjustment,
}

/// A unit's application for one subsidy year, with its audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Application {
    /// The form as filed last.
    pub form: ApplicationForm,
    /// State.
    pub state: ApplicationState,
    /// The facts the last audit checked against, kept so that adjustments
    /// change only the adjusted record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_context: Option<AuditContext>,
    /// The current audit, with adjustments applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit: Option<AuditResult>,
    /// The office's adjustments in order.
    pub adjustments: Vec<RecordedAdjustment>,
    /// Every step so far, oldest first.
    pub history: Vec<HistoryEntry>,
}

/// A year's allocation as decided by the office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct YearAllocation {
    /// Subsidy year.
    pub year: i32,
    /// The result.
    pub allocation: RuleAllocation,
    /// Journal sequence number of the decision.
    pub seq: u64,
    /// When it was decided.
    pub at: DateTime<Utc>,
    /// Id of the deciding actor.
    pub actor: String,
}

tagged_enum! {
    /// A change to the subsidy workflow, as recorded in the journal.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
    #[serde(tag = "type", rename_all = "snake_case")]
    pub enum SubsidyChange {
        /// The office publishes a rule set version.
        PublishRuleSet {
            /// The rules.
            rule_set: Box<RuleSet>,
        },
        /// A unit files (or refiles) its report on the use of a year's subsidy.
        FileUseReport {
            /// The report.
            report: SubsidyUseReport,
        },
        /// A unit applies, or replaces an application not yet audited.
        Apply {
            /// The form.
            form: ApplicationForm,
        },
        /// A unit withdraws an application not yet audited.
        Withdraw {
            /// The unit.
            unit: UnitId,
            /// Subsidy year.
            year: i32,
        },
        /// The office audits an application, or audits it again.
        Audit {
            /// The unit.
            unit: UnitId,
            /// Subsidy year.
            year: i32,
        },
        /// The office changes one record's counted amount, with a reason.
        AdjustAudit {
            /// The unit.
            unit: UnitId,
            /// Subsidy year.
            year: i32,
            /// The change.
            adjustment: AuditAdjustment,
        },
        /// The office allocates a year's budget over the audited applications;
        /// repeating it replaces the allocation until the subsidy is paid.
        Allocate {
            /// Subsidy year.
            year: i32,
            /// Budget.
            budget: Money,
        },
    }
}

/// Rule sets, applications, audits and allocations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SubsidyBook {
    rule_sets: Vec<PublishedRuleSet>,
    use_reports: BTreeMap<UnitId, BTreeMap<i32, FiledUseReport>>,
    applications: BTreeMap<i32, BTreeMap<UnitId, Application>>,
    allocations: BTreeMap<i32, YearAllocation>,
}

impl SubsidyBook {
    /// Returns every published rule set, in publication order. Rule sets are public.
    pub fn rule_sets(&self) -> &[PublishedRuleSet] {
        &self.rule_sets
    }

    /// Returns the rule set in force for subsidy year `year`: the most
    /// recently published one whose years contain it.
    pub fn rule_set_for_year(&self, year: i32) -> Option<&PublishedRuleSet> {
        self.rule_sets.iter().filter(|p| p.rule_set.years.contains(year)).max_by_key(|p| p.seq)
    }

    /// Returns the published rule set with `reference`.
    pub fn rule_set(&self, reference: &RuleSetRef) -> Option<&PublishedRuleSet> {
        self.rule_sets.iter().find(|p| p.rule_set.id == reference.id && p.rule_set.version == reference.version)
    }

    /// Returns `unit`'s application for `year`.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] unless the actor administers `unit` or is
    /// office staff; [`Error::NotFound`] if the unit has not applied.
    pub fn application(&self, actor: &Actor, unit: &UnitId, year: i32) -> Result<&Application> {
        access::require_unit_or_office(actor, unit, "read_subsidy_application")?;
        self.find(unit, year)
    }

    /// Returns the audit of `unit`'s application for `year`.
    ///
    /// # Errors
    ///
    /// As [`SubsidyBook::application`], and [`Error::InvalidState`] if the
    /// application has not been audited.
    pub fn audit(&self, actor: &Actor, unit: &UnitId, year: i32) -> Result<&AuditResult> {
        access::require_unit_or_office(actor, unit, "read_subsidy_audit")?;
        let application = self.find(unit, year)?;
        application.audit.as_ref().ok_or_else(|| invalid_state(unit, year, application.state, "read_subsidy_audit"))
    }

    /// Returns every application for `year`, in unit order. Office only.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] for anyone but the office.
    pub fn applications(&self, actor: &Actor, year: i32) -> Result<Vec<&Application>> {
        access::require_office(actor, "read_subsidy_applications")?;
        Ok(self.applications.get(&year).map(|apps| apps.values().collect()).unwrap_or_default())
    }

    /// Returns the allocation of `year` with every unit's amount. Office only.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] for anyone but the office;
    /// [`Error::NotFound`] if the year has no allocation.
    pub fn allocation(&self, actor: &Actor, year: i32) -> Result<&YearAllocation> {
        access::require_office(actor, "read_subsidy_allocation")?;
        self.allocation_of(year).ok_or_else(|| Error::not_found(Entity::Allocation, year))
    }

    /// Returns `unit`'s amount for `year` with its explanation.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] unless the actor administers `unit` or is
    /// office staff; [`Error::NotFound`] if the year has no allocation or the
    /// unit is not in it.
    pub fn share(&self, actor: &Actor, unit: &UnitId, year: i32) -> Result<&UnitAllocation> {
        access::require_unit_or_office(actor, unit, "read_subsidy_share")?;
        let allocation = self.allocation_of(year).ok_or_else(|| Error::not_found(Entity::Allocation, year))?;
        allocation
            .allocation
            .units
            .iter()
            .find(|u| &u.unit == unit)
            .ok_or_else(|| Error::not_found(Entity::Application, format!("{unit}/{year}")))
    }

    /// Returns `unit`'s use report on the subsidy of `year`.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] unless the actor administers `unit` or is
    /// office staff; [`Error::NotFound`] if none is on file.
    pub fn use_report(&self, actor: &Actor, unit: &UnitId, year: i32) -> Result<&FiledUseReport> {
        access::require_unit_or_office(actor, unit, "read_subsidy_use_report")?;
        self.use_reports
            .get(unit)
            .and_then(|years| years.get(&year))
            .ok_or_else(|| Error::not_found(Entity::SubsidyUseReport, format!("{unit}/{year}")))
    }

    /// Computes the history figures over every allocated year. Office only.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] for anyone but the office; the errors of
    /// [`history`], such as [`Error::Missing`] when nothing is allocated yet.
    pub fn history(&self, actor: &Actor) -> Result<HistoryReport> {
        access::require_office(actor, "read_subsidy_history")?;
        let years = self
            .allocations
            .values()
            .map(|a| YearPayments::from_allocation(a.year, &a.allocation))
            .collect::<Result<Vec<_>>>()?;
        history(&years)
    }

    /// Returns the allocation of `year` without an access check, for the fund.
    pub(crate) fn allocation_of(&self, year: i32) -> Option<&YearAllocation> {
        self.allocations.get(&year)
    }

    fn find(&self, unit: &UnitId, year: i32) -> Result<&Application> {
        self.applications
            .get(&year)
            .and_then(|apps| apps.get(unit))
            .ok_or_else(|| Error::not_found(Entity::Application, format!("{unit}/{year}")))
    }

    pub(crate) fn apply(
        &mut self,
        step: Step<'_>,
        registry: &Registry,
        fund: &FundBook,
        change: &SubsidyChange,
    ) -> Result<()> {
        match change {
            SubsidyChange::PublishRuleSet { rule_set } => self.publish(step, rule_set),
            SubsidyChange::FileUseReport { report } => self.file_use_report(step, registry, report),
            SubsidyChange::Apply { form } => self.submit(step, registry, form),
            SubsidyChange::Withdraw { unit, year } => self.withdraw(step, unit, *year),
            SubsidyChange::Audit { unit, year } => self.run_audit(step, registry, unit, *year),
            SubsidyChange::AdjustAudit { unit, year, adjustment } => self.adjust(step, unit, *year, adjustment),
            SubsidyChange::Allocate { year, budget } => self.allocate_year(step, fund, *year, *budget),
        }
    }

    fn publish(&mut self, step: Step<'_>, rule_set: &RuleSet) -> Result<()> {
        access::require_office(step.actor, "publish_rule_set")?;
        rule_set.validate()?;
        let latest = self.rule_sets.iter().filter(|p| p.rule_set.id == rule_set.id).map(|p| p.rule_set.version).max();
        if let Some(latest) = latest
            && rule_set.version <= latest {
                return Err(Error::invalid_value(
                    "version",
                    rule_set.version,
                    Text::new(
                        format!("大于已发布的第 {latest} 版"),
                        format!("a version above the published version {latest}"),
                    ),
                ));
            }
        self.rule_sets.push(PublishedRuleSet {
            rule_set: rule_set.clone(),
            seq: step.seq,
            published_at: step.at,
            published_by: step.actor.id.clone(),
        });
        Ok(())
    }

    fn file_use_report(&mut self, step: Step<'_>, registry: &Registry, report: &SubsidyUseReport) -> Result<()> {
        registry.unit(&report.unit)?;
        access::require_unit_or_office(step.actor, &report.unit, "file_subsidy_use_report")?;
        report.validate()?;
        let received = self.allocation_of(report.year).and_then(|a| a.allocation.amount_of(&report.unit));
        let spent = report.spent_total()?;
        if let Some(received) = received
            && spent > received {
                return Err(Error::rule(
                    "subsidy.use_report_exceeds_subsidy",
                    Text::new(
                        format!("报告的使用金额 {spent} 超过 {} 年度所得补贴 {received}；请核对", report.year),
                        format!("the report accounts for {spent}, more than the {received} received for {}; check it", report.year),
                    ),
                ));
            }
        let filed = FiledUseReport { report: report.clone(), filed_at: step.at, filed_by: step.actor.id.clone() };
        self.use_reports.entry(report.unit.clone()).or_default().insert(report.year, filed);
        Ok(())
    }

    fn submit(&mut self, step: Step<'_>, registry: &Registry, form: &ApplicationForm) -> Result<()> {
        registry.unit(&form.unit)?;
        access::require_unit_or_office(step.actor, &form.unit, "apply_for_subsidy")?;
        form.validate()?;
        let in_force = self.rule_set_for_year(form.year).ok_or_else(|| no_rule_set(form.year))?;
        self.check_not_allocated(form.year, "apply_for_subsidy")?;
        let existing = self.applications.get(&form.year).and_then(|apps| apps.get(&form.unit));
        if let Some(existing) = existing
            && !matches!(existing.state, ApplicationState::Submitted | ApplicationState::Withdrawn) {
                return Err(invalid_state(&form.unit, form.year, existing.state, "apply_for_subsidy"));
            }
        self.check_use_report(in_force.rule_set.audit.use_report, &form.unit, form.year)?;

        let mut history = existing.map(|a| a.history.clone()).unwrap_or_default();
        let label = if existing.is_some() { "resubmitted" } else { "submitted" };
        history.push(entry(step, label, None));
        let application = Application {
            form: form.clone(),
            state: ApplicationState::Submitted,
            audit_context: None,
            audit: None,
            adjustments: Vec::new(),
            history,
        };
        self.applications.entry(form.year).or_default().insert(form.unit.clone(), application);
        Ok(())
    }

    fn check_use_report(&self, requirement: UseReportRequirement, unit: &UnitId, year: i32) -> Result<()> {
        let previous = year - 1;
        let required = match requirement {
            UseReportRequirement::Never => false,
            UseReportRequirement::Always => true,
            UseReportRequirement::IfReceivedLastYear => self
                .allocation_of(previous)
                .and_then(|a| a.allocation.amount_of(unit))
                .is_some_and(|amount| !amount.is_zero()),
        };
        let filed = self.use_reports.get(unit).is_some_and(|years| years.contains_key(&previous));
        if required && !filed {
            return Err(Error::rule(
                "subsidy.use_report_missing",
                Text::new(
                    format!("单位 {unit} 尚未提交 {previous} 年度补贴的仪器设备使用情况表；请先提交再申请 {year} 年度补贴"),
                    format!(
                        "unit {unit} has not filed its report on the use of the {previous} subsidy (仪器设备使用情况表); file it before applying for {year}"
                    ),
                ),
            ));
        }
        Ok(())
    }

    fn withdraw(&mut self, step: Step<'_>, unit: &UnitId, year: i32) -> Result<()> {
        access::require_unit_or_office(step.actor, unit, "withdraw_subsidy_application")?;
        let application = self.find(unit, year)?;
        if application.state != ApplicationState::Submitted {
            return Err(invalid_state(unit, year, application.state, "withdraw_subsidy_application"));
        }
        let application = self.find_mut(unit, year)?;
        application.state = ApplicationState::Withdrawn;
        application.history.push(entry(step, "withdrawn", None));
        Ok(())
    }

    fn run_audit(&mut self, step: Step<'_>, registry: &Registry, unit: &UnitId, year: i32) -> Result<()> {
        access::require_office(step.actor, "audit_subsidy_application")?;
        let application = self.find(unit, year)?;
        if !matches!(application.state, ApplicationState::Submitted | ApplicationState::Audited) {
            return Err(invalid_state(unit, year, application.state, "audit_subsidy_application"));
        }
        let in_force = self.rule_set_for_year(year).ok_or_else(|| no_rule_set(year))?;
        let context = self.audit_context(registry, &application.form)?;
        let adjustments: Vec<AuditAdjustment> = application.adjustments.iter().map(|a| a.adjustment.clone()).collect();
        let result = audit_application(&in_force.rule_set, &application.form, &context, &adjustments)?;

        let application = self.find_mut(unit, year)?;
        application.state = ApplicationState::Audited;
        application.audit_context = Some(context);
        application.audit = Some(result);
        application.history.push(entry(step, "audited", None));
        Ok(())
    }

    /// Collects the facts about the instruments and documents that `form` names.
    fn audit_context(&self, registry: &Registry, form: &ApplicationForm) -> Result<AuditContext> {
        let unit_name = registry.unit(&form.unit)?.name.clone();
        let named: BTreeSet<&InstrumentId> = form.records.iter().map(|r| &r.instrument).collect();
        let instruments = named
            .into_iter()
            .filter_map(|id| registry.instrument(id).ok())
            .map(|instrument| InstrumentFacts {
                instrument: instrument.id.clone(),
                unit: instrument.unit.clone(),
                published_at: instrument.first_published_at,
                original_value: instrument.published.as_ref().map_or(Money::ZERO, |r| r.original_value),
            })
            .collect();

        let keys: BTreeSet<String> = form.records.iter().map(|r| r.document_key()).collect();
        let mut claimed = Vec::new();
        for (year, applications) in &self.applications {
            for (unit, application) in applications {
                let same = *year == form.year && *unit == form.unit;
                let Some(audit) = application.audit.as_ref().filter(|_| !same) else {
                    continue;
                };
                for record in audit.records.iter().filter(|r| !r.counted.is_zero()) {
                    if keys.contains(&document_key(record.document_kind, &record.document_number)) {
                        claimed.push(ClaimedDocument {
                            document_kind: record.document_kind,
                            document_number: record.document_number.clone(),
                            unit: unit.clone(),
                            year: *year,
                        });
                    }
                }
            }
        }
        Ok(AuditContext { unit_name, instruments, claimed })
    }

    fn adjust(&mut self, step: Step<'_>, unit: &UnitId, year: i32, adjustment: &AuditAdjustment) -> Result<()> {
        access::require_office(step.actor, "adjust_subsidy_audit")?;
        let application = self.find(unit, year)?;
        let (Some(audit), Some(context), ApplicationState::Audited) =
            (&application.audit, &application.audit_context, application.state)
        else {
            return Err(invalid_state(unit, year, application.state, "adjust_subsidy_audit"));
        };
        let rule_set = self
            .rule_set(&audit.rule_set)
            .ok_or_else(|| Error::not_found(Entity::RuleSet, audit.rule_set.to_string()))?;
        let mut adjustments: Vec<AuditAdjustment> = application.adjustments.iter().map(|a| a.adjustment.clone()).collect();
        adjustments.push(adjustment.clone());
        let result = audit_application(&rule_set.rule_set, &application.form, context, &adjustments)?;

        let application = self.find_mut(unit, year)?;
        application.audit = Some(result);
        application.adjustments.push(RecordedAdjustment {
            seq: step.seq,
            at: step.at,
            actor: step.actor.id.clone(),
            adjustment: adjustment.clone(),
        });
        let reason = format!("line {}: {}", adjustment.line, adjustment.reason);
        application.history.push(entry(step, "adjusted", Some(reason)));
        Ok(())
    }

    fn allocate_year(&mut self, step: Step<'_>, fund: &FundBook, year: i32, budget: Money) -> Result<()> {
        access::require_office(step.actor, "allocate_subsidies")?;
        check_year("year", year)?;
        if fund.subsidy_paid(year) {
            return Err(Error::InvalidState {
                entity: Entity::Allocation,
                id: year.to_string(),
                state: "paid".to_owned(),
                action: "allocate_subsidies".to_owned(),
            });
        }
        let in_force = self.rule_set_for_year(year).ok_or_else(|| no_rule_set(year))?;
        let incomes = self.audited_incomes(year, &in_force.rule_set.reference())?;
        let allocation = allocate(&in_force.rule_set, budget, &incomes)?;

        if let Some(applications) = self.applications.get_mut(&year) {
            for application in applications.values_mut().filter(|a| a.audit.is_some()) {
                application.state = ApplicationState::Allocated;
                application.history.push(entry(step, "allocated", None));
            }
        }
        let decided = YearAllocation { year, allocation, seq: step.seq, at: step.at, actor: step.actor.id.clone() };
        self.allocations.insert(year, decided);
        Ok(())
    }

    /// Returns the audited income of every audited application of `year`,
    /// checking that none waits for its audit and that all were audited
    /// under `in_force`.
    fn audited_incomes(&self, year: i32, in_force: &RuleSetRef) -> Result<Vec<AuditedIncome>> {
        let mut incomes = Vec::new();
        for (unit, application) in self.applications.get(&year).into_iter().flatten() {
            match (application.state, &application.audit) {
                (ApplicationState::Withdrawn, _) => continue,
                (ApplicationState::Submitted, _) | (_, None) => {
                    return Err(invalid_state(unit, year, application.state, "allocate_subsidies"));
                }
                (_, Some(audit)) if &audit.rule_set != in_force => {
                    return Err(Error::rule(
                        "subsidy.audit_outdated",
                        Text::new(
                            format!("单位 {unit} 的申请按 {} 核算，现行细则为 {in_force}；请重新核算", audit.rule_set),
                            format!("unit {unit} was audited under {}, but {in_force} is in force; audit it again", audit.rule_set),
                        ),
                    ));
                }
                (_, Some(audit)) => incomes.push(AuditedIncome {
                    unit: unit.clone(),
                    audited: audit.audited_total,
                    instruments: audit.by_instrument.clone(),
                }),
            }
        }
        if incomes.is_empty() {
            return Err(Error::rule(
                "subsidy.no_audited_applications",
                Text::new(
                    format!("{year} 年度没有已核算的申请；请先核算再分配"),
                    format!("no application for {year} has been audited; audit before allocating"),
                ),
            ));
        }
        Ok(incomes)
    }

    fn check_not_allocated(&self, year: i32, action: &str) -> Result<()> {
        if self.allocations.contains_key(&year) {
            return Err(Error::InvalidState {
                entity: Entity::Allocation,
                id: year.to_string(),
                state: "allocated".to_owned(),
                action: action.to_owned(),
            });
        }
        Ok(())
    }

    fn find_mut(&mut self, unit: &UnitId, year: i32) -> Result<&mut Application> {
        self.applications
            .get_mut(&year)
            .and_then(|apps| apps.get_mut(unit))
            .ok_or_else(|| Error::not_found(Entity::Application, format!("{unit}/{year}")))
    }
}

/// The journal position, instant and actor of the change being applied.
#[derive(Clone, Copy)]
pub(crate) struct Step<'a> {
    pub(crate) seq: u64,
    pub(crate) at: DateTime<Utc>,
    pub(crate) actor: &'a Actor,
}

fn entry(step: Step<'_>, label: &str, reason: Option<String>) -> HistoryEntry {
    HistoryEntry { seq: step.seq, at: step.at, actor: step.actor.id.clone(), step: label.to_owned(), reason }
}

fn invalid_state(unit: &UnitId, year: i32, state: ApplicationState, action: &str) -> Error {
    Error::InvalidState {
        entity: Entity::Application,
        id: format!("{unit}/{year}"),
        state: state.name().to_owned(),
        action: action.to_owned(),
    }
}

fn no_rule_set(year: i32) -> Error {
    Error::rule(
        "subsidy.no_rule_set",
        Text::new(
            format!("{year} 年度尚未发布补贴细则；办公室须先发布细则"),
            format!("no rule set is published for subsidy year {year}; the office must publish one first"),
        ),
    )
}

/// Subsidy operations on a network; each change returns the recorded event.
impl Network {
    /// Returns the subsidy rule sets, applications and allocations.
    pub fn subsidy(&self) -> &SubsidyBook {
        &self.subsidy
    }

    /// Publishes a rule set version. Office only.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] for anyone but the office, the errors of
    /// [`RuleSet::validate`], and [`Error::InvalidValue`] for a version not
    /// above the latest published version of the same id.
    pub fn publish_rule_set(&mut self, actor: &Actor, now: DateTime<Utc>, rule_set: RuleSet) -> Result<Event> {
        self.execute(actor, now, Change::Subsidy(SubsidyChange::PublishRuleSet { rule_set: Box::new(rule_set) }))
    }

    /// Files a unit's report on the use of a year's subsidy.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown unit, [`Error::PermissionDenied`]
    /// unless the actor administers the unit or is office staff, the errors
    /// of [`SubsidyUseReport::validate`], and [`Error::RuleViolation`]
    /// `subsidy.use_report_exceeds_subsidy` if it accounts for more than the
    /// unit was allocated that year.
    pub fn file_subsidy_use_report(&mut self, actor: &Actor, now: DateTime<Utc>, report: SubsidyUseReport) -> Result<Event> {
        self.execute(actor, now, Change::Subsidy(SubsidyChange::FileUseReport { report }))
    }

    /// Files or replaces a unit's application for a subsidy year.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], [`Error::PermissionDenied`] unless the actor
    /// administers the unit or is office staff, the errors of
    /// [`ApplicationForm::validate`], [`Error::RuleViolation`]
    /// `subsidy.no_rule_set` or `subsidy.use_report_missing`, and
    /// [`Error::InvalidState`] once the application is audited or the year allocated.
    pub fn apply_for_subsidy(&mut self, actor: &Actor, now: DateTime<Utc>, form: ApplicationForm) -> Result<Event> {
        self.execute(actor, now, Change::Subsidy(SubsidyChange::Apply { form }))
    }

    /// Withdraws an application that is not yet audited.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`], [`Error::NotFound`], or
    /// [`Error::InvalidState`] unless the application is submitted.
    pub fn withdraw_subsidy_application(&mut self, actor: &Actor, now: DateTime<Utc>, unit: UnitId, year: i32) -> Result<Event> {
        self.execute(actor, now, Change::Subsidy(SubsidyChange::Withdraw { unit, year }))
    }

    /// Audits an application under the rule set in force for its year. Office only.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] for anyone but the office,
    /// [`Error::NotFound`], [`Error::InvalidState`] for a withdrawn or
    /// allocated application, and [`Error::RuleViolation`] `subsidy.no_rule_set`.
    pub fn audit_subsidy_application(&mut self, actor: &Actor, now: DateTime<Utc>, unit: UnitId, year: i32) -> Result<Event> {
        self.execute(actor, now, Change::Subsidy(SubsidyChange::Audit { unit, year }))
    }

    /// Changes the counted amount of one audited record, with a reason. Office only.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] for anyone but the office,
    /// [`Error::InvalidState`] unless the application is audited and not
    /// allocated, and the adjustment errors of [`audit_application`].
    pub fn adjust_subsidy_audit(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        unit: UnitId,
        year: i32,
        adjustment: AuditAdjustment,
    ) -> Result<Event> {
        self.execute(actor, now, Change::Subsidy(SubsidyChange::AdjustAudit { unit, year, adjustment }))
    }

    /// Allocates `budget` for subsidy year `year` over its audited applications. Office only.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] for anyone but the office,
    /// [`Error::InvalidState`] if an application waits for its audit or the
    /// year's subsidy is already paid, [`Error::RuleViolation`]
    /// `subsidy.no_rule_set`, `subsidy.audit_outdated` or
    /// `subsidy.no_audited_applications`, and the errors of [`allocate`].
    pub fn allocate_subsidies(&mut self, actor: &Actor, now: DateTime<Utc>, year: i32, budget: Money) -> Result<Event> {
        self.execute(actor, now, Change::Subsidy(SubsidyChange::Allocate { year, budget }))
    }

    /// Returns `unit`'s application for `year`, as [`SubsidyBook::application`].
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] unless the actor administers `unit` or is
    /// office staff; [`Error::NotFound`].
    pub fn subsidy_application(&self, actor: &Actor, unit: &UnitId, year: i32) -> Result<&Application> {
        self.subsidy.application(actor, unit, year)
    }

    /// Returns the audit of `unit`'s application for `year`, as [`SubsidyBook::audit`].
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] unless the actor administers `unit` or is
    /// office staff; [`Error::NotFound`]; [`Error::InvalidState`] before the audit.
    pub fn subsidy_audit(&self, actor: &Actor, unit: &UnitId, year: i32) -> Result<&AuditResult> {
        self.subsidy.audit(actor, unit, year)
    }

    /// Returns `unit`'s allocated amount for `year`, as [`SubsidyBook::share`].
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] unless the actor administers `unit` or is
    /// office staff; [`Error::NotFound`].
    pub fn subsidy_share(&self, actor: &Actor, unit: &UnitId, year: i32) -> Result<&UnitAllocation> {
        self.subsidy.share(actor, unit, year)
    }
}
