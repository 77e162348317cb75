//! The audit of a subsidy application (申请核算).
//!
//! The audit marks every service record as included or excluded, each
//! exclusion with a stable [`ExclusionCode`] and a message in Chinese and
//! English. The office may then change the counted amount of a record, but
//! only with a reason. Each such [`AuditAdjustment`] is kept as its own step
//! after the automatic checks.
//!
//! [`audit_application`] is a pure function of the rule set, the form and an
//! [`AuditContext`] (the facts about instruments and already-claimed
//! documents), so a host or a test can run it without a network.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Months, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{InstrumentId, UnitId};
use crate::lang::{Explanation, Text};
use crate::money::Money;
use crate::subsidy::records::{ApplicationForm, ClientRelation, DocumentKind, ServiceNature, ServiceRecord, document_key};
use crate::subsidy::rules::{AuditRules, RuleSet, RuleSetRef};

/// Facts about one instrument that the audit checks records against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct InstrumentFacts {
    /// The instrument.
    pub instrument: InstrumentId,
    /// Its owning unit.
    pub unit: UnitId,
    /// When it was first published on the network; `None` if never.
    #[serde(default)]
    pub published_at: Option<DateTime<Utc>>,
    /// Its original value (原值), for instrument-value tiers.
    #[serde(default)]
    pub original_value: Money,
}

/// A document that another application already counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ClaimedDocument {
    /// Kind of document.
    pub document_kind: DocumentKind,
    /// Its number as that application gave it.
    pub document_number: String,
    /// The unit whose application counts it.
    pub unit: UnitId,
    /// The subsidy year of that application.
    pub year: i32,
}

/// The facts an audit checks records against.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AuditContext {
    /// Name of the applying unit; a client of the same name is the unit itself.
    #[serde(default)]
    pub unit_name: String,
    /// Instruments the records may name.
    #[serde(default)]
    pub instruments: Vec<InstrumentFacts>,
    /// Documents counted by other applications, of any unit and any year.
    #[serde(default)]
    pub claimed: Vec<ClaimedDocument>,
}

/// Stable code of the reason a record does not count (剔除原因).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionCode {
    /// No amount, or zero.
    MissingAmount,
    /// Service date outside the service period of the subsidy year.
    OutsidePeriod,
    /// The document appears on an earlier line of the same application.
    Duplicate,
    /// Another application (any unit, any year) already counts the document.
    AlreadyClaimed,
    /// The client is the unit itself or a related party.
    RelatedParty,
    /// The client's region is outside the regions that count.
    ClientOutsideRegion,
    /// Testing required by law or regulation.
    StatutoryTesting,
    /// Testing for law enforcement or official supervision.
    EnforcementTesting,
    /// Commercial inspection of goods.
    CommercialInspection,
    /// A service mode that the rules exclude.
    ExcludedServiceMode,
    /// The instrument belongs to another unit.
    InstrumentOfOtherUnit,
    /// The instrument was not published on the network on the service date.
    InstrumentNotPublished,
}

impl ExclusionCode {
    /// Returns the stable code text, such as `related_party`.
    pub fn as_str(self) -> &'static str {
        match self {
            ExclusionCode::MissingAmount => "missing_amount",
            ExclusionCode::OutsidePeriod => "outside_period",
            ExclusionCode::Duplicate => "duplicate",
            ExclusionCode::AlreadyClaimed => "already_claimed",
            ExclusionCode::RelatedParty => "related_party",
            ExclusionCode::ClientOutsideRegion => "client_outside_region",
            ExclusionCode::StatutoryTesting => "statutory_testing",
            ExclusionCode::EnforcementTesting => "enforcement_testing",
            ExclusionCode::CommercialInspection => "commercial_inspection",
            ExclusionCode::ExcludedServiceMode => "excluded_service_mode",
            ExclusionCode::InstrumentOfOtherUnit => "instrument_of_other_unit",
            ExclusionCode::InstrumentNotPublished => "instrument_not_published",
        }
    }
}

/// One reason a record does not count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Exclusion {
    /// Stable code.
    pub code: ExclusionCode,
    /// The finding, with the values.
    pub message: Text,
}

/// The office's change of one record's counted amount (核算调整).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AuditAdjustment {
    /// The record's 1-based line in the application.
    pub line: u32,
    /// The amount to count; zero removes the record from the total.
    pub amount: Money,
    /// Why, shown to the unit; required.
    pub reason: String,
}

/// An adjustment as applied, with the amounts before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AppliedAdjustment {
    /// The record's line.
    pub line: u32,
    /// Counted amount before the adjustment.
    pub previous: Money,
    /// Counted amount after it.
    pub amount: Money,
    /// The office's reason.
    pub reason: String,
}

/// The audit of one service record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RecordAudit {
    /// 1-based line in the application.
    pub line: u32,
    /// Document kind.
    pub document_kind: DocumentKind,
    /// Document number as given.
    pub document_number: String,
    /// Service date.
    pub date: NaiveDate,
    /// Instrument used.
    pub instrument: InstrumentId,
    /// Amount the unit claimed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimed: Option<Money>,
    /// Whether the automatic checks count the record.
    pub included: bool,
    /// Every reason the record does not count, in a fixed order; empty when included.
    pub exclusions: Vec<Exclusion>,
    /// Amount counted after any office adjustment.
    pub counted: Money,
    /// Whether the office adjusted the record.
    pub adjusted: bool,
    /// One-line outcome.
    pub message: Text,
}

/// Audited income earned on one instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct InstrumentIncome {
    /// The instrument.
    pub instrument: InstrumentId,
    /// Its original value, zero if unknown to the network.
    pub original_value: Money,
    /// Audited income counted on it.
    pub audited: Money,
}

/// The audit of one application (核算结果).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AuditResult {
    /// The rules applied.
    pub rule_set: RuleSetRef,
    /// The applying unit.
    pub unit: UnitId,
    /// Subsidy year.
    pub year: i32,
    /// Sum of the amounts claimed (申报金额).
    pub applied_total: Money,
    /// Sum of the included records before adjustments.
    pub computed_total: Money,
    /// Sum of the counted amounts after adjustments (核算金额).
    pub audited_total: Money,
    /// One entry per record, in line order.
    pub records: Vec<RecordAudit>,
    /// The office's adjustments in the order made.
    pub adjustments: Vec<AppliedAdjustment>,
    /// Counted income per instrument, in instrument order.
    pub by_instrument: Vec<InstrumentIncome>,
    /// Counts of excluded records by code.
    pub excluded_by_code: BTreeMap<ExclusionCode, u32>,
    /// Steps from the claimed records to the audited total.
    pub explanation: Explanation,
}

/// Audits `form` under `rule_set`, then applies the office's `adjustments`
/// in order.
///
/// # Errors
///
/// The errors of [`ApplicationForm::validate`] and [`RuleSet::validate`];
/// [`Error::InvalidValue`] for an adjustment naming a line that does not
/// exist or counting more than the record claims; [`Error::Missing`] for an
/// adjustment without a reason; [`Error::Overflow`] if a sum leaves the
/// range of [`Money`].
pub fn audit_application(
    rule_set: &RuleSet,
    form: &ApplicationForm,
    context: &AuditContext,
    adjustments: &[AuditAdjustment],
) -> Result<AuditResult> {
    rule_set.validate()?;
    form.validate()?;
    let zone = rule_set.audit.zone()?;
    let period = service_period(&rule_set.audit, form.year)?;
    let instruments: BTreeMap<&InstrumentId, &InstrumentFacts> =
        context.instruments.iter().map(|facts| (&facts.instrument, facts)).collect();
    let claimed_elsewhere: BTreeMap<String, &ClaimedDocument> = context
        .claimed
        .iter()
        .filter(|doc| !(doc.unit == form.unit && doc.year == form.year))
        .map(|doc| (document_key(doc.document_kind, &doc.document_number), doc))
        .collect();

    let checks = Checks { rules: &rule_set.audit, form, context, zone, period, instruments: &instruments, claimed_elsewhere };
    let mut seen = BTreeMap::new();
    let mut records = Vec::with_capacity(form.records.len());
    for (index, record) in form.records.iter().enumerate() {
        let line = u32::try_from(index + 1).map_err(|_| Error::overflow("record line number"))?;
        let exclusions = checks.exclusions(record, line, &mut seen);
        records.push(record_audit(line, record, exclusions));
    }

    let applied_total = form.applied_total()?;
    let computed_total = Money::sum(records.iter().map(|r| r.counted))?;
    let mut applied = Vec::with_capacity(adjustments.len());
    for adjustment in adjustments {
        applied.push(apply_adjustment(&mut records, adjustment)?);
    }
    let audited_total = Money::sum(records.iter().map(|r| r.counted))?;
    let by_instrument = income_by_instrument(&records, &instruments)?;
    let mut excluded_by_code = BTreeMap::new();
    for record in &records {
        for exclusion in &record.exclusions {
            *excluded_by_code.entry(exclusion.code).or_insert(0) += 1;
        }
    }

    let explanation = explain(rule_set, form, &records, applied_total, computed_total, &applied, audited_total);
    Ok(AuditResult {
        rule_set: rule_set.reference(),
        unit: form.unit.clone(),
        year: form.year,
        applied_total,
        computed_total,
        audited_total,
        records,
        adjustments: applied,
        by_instrument,
        excluded_by_code,
        explanation,
    })
}

/// Returns the service period `[start, end)` of subsidy year `year`.
///
/// # Errors
///
/// [`Error::InvalidValue`] for a start month outside 1–12.
pub fn service_period(rules: &AuditRules, year: i32) -> Result<(NaiveDate, NaiveDate)> {
    let start = NaiveDate::from_ymd_opt(year, rules.period_start_month, 1).ok_or_else(|| {
        Error::invalid_value(
            "audit.period_start_month",
            rules.period_start_month,
            Text::new("1 至 12 的月份", "a month from 1 to 12"),
        )
    })?;
    let end = start
        .checked_add_months(Months::new(12))
        .ok_or_else(|| Error::invalid_value("year", year, Text::new("2000 至 2100 之间的年份", "a year from 2000 to 2100")))?;
    Ok((start, end))
}

struct Checks<'a> {
    rules: &'a AuditRules,
    form: &'a ApplicationForm,
    context: &'a AuditContext,
    zone: chrono_tz::Tz,
    period: (NaiveDate, NaiveDate),
    instruments: &'a BTreeMap<&'a InstrumentId, &'a InstrumentFacts>,
    claimed_elsewhere: BTreeMap<String, &'a ClaimedDocument>,
}

impl Checks<'_> {
    /// Returns every reason `record` does not count, in the order of
    /// [`ExclusionCode`]; `seen` maps document keys to their first line.
    fn exclusions(&self, record: &ServiceRecord, line: u32, seen: &mut BTreeMap<String, u32>) -> Vec<Exclusion> {
        let mut found = Vec::new();
        let mut push = |code, zh: String, en: String| found.push(Exclusion { code, message: Text::new(zh, en) });
        let number = &record.document_number;

        if record.amount.is_none_or(Money::is_zero) {
            push(
                ExclusionCode::MissingAmount,
                format!("凭证 {number} 未填写金额或金额为 0"),
                format!("document {number} has no amount or an amount of zero"),
            );
        }

        let (start, end) = self.period;
        if record.date < start || record.date >= end {
            let last = end.pred_opt().unwrap_or(end);
            push(
                ExclusionCode::OutsidePeriod,
                format!("服务日期 {} 不在 {} 年度服务期 {start} 至 {last} 内", record.date, self.form.year),
                format!("service date {} is outside the {} service period {start} to {last}", record.date, self.form.year),
            );
        }

        let key = record.document_key();
        match seen.get(&key) {
            Some(first) => push(
                ExclusionCode::Duplicate,
                format!("凭证 {number} 与第 {first} 行重复"),
                format!("document {number} repeats line {first}"),
            ),
            None => {
                seen.insert(key.clone(), line);
            }
        }

        if let Some(doc) = self.claimed_elsewhere.get(&key) {
            push(
                ExclusionCode::AlreadyClaimed,
                format!("凭证 {number} 已在单位 {} 的 {} 年度申请中核算", doc.unit, doc.year),
                format!("document {number} is already counted in the {} application of unit {}", doc.year, doc.unit),
            );
        }

        // A client with the unit's own name is internal whatever relation the record declares.
        let same_name = self.rules.excluded_relations.contains(&ClientRelation::Internal)
            && !self.context.unit_name.trim().is_empty()
            && record.client.trim() == self.context.unit_name.trim();
        if same_name || self.rules.excluded_relations.contains(&record.relation) {
            let (zh, en) = match (same_name, record.relation) {
                (true, _) | (false, ClientRelation::Internal) => ("委托方为本单位", "the client is the unit itself"),
                _ => ("委托方为关联方", "the client is a related party"),
            };
            push(
                ExclusionCode::RelatedParty,
                format!("{zh}（{}），不计入对外服务收入", record.client),
                format!("{en} ({}), which is not external service", record.client),
            );
        }

        let region_ok = self.rules.client_regions.is_empty()
            || self.rules.client_regions.iter().any(|prefix| record.client_region.starts_with(prefix.as_str()));
        if !region_ok {
            let allowed = self.rules.client_regions.join("、");
            push(
                ExclusionCode::ClientOutsideRegion,
                format!("委托方地区 {} 不在计入范围（地区代码以 {allowed} 开头）", record.client_region),
                format!(
                    "client region {} is outside the regions that count (codes starting with {})",
                    record.client_region,
                    self.rules.client_regions.join(", ")
                ),
            );
        }

        if self.rules.excluded_natures.contains(&record.nature) {
            let (code, zh, en) = match record.nature {
                ServiceNature::Statutory => (ExclusionCode::StatutoryTesting, "法定检测", "statutory testing"),
                ServiceNature::Enforcement => (ExclusionCode::EnforcementTesting, "执法检测", "enforcement testing"),
                ServiceNature::CommercialInspection => {
                    (ExclusionCode::CommercialInspection, "商业检验", "commercial inspection")
                }
                ServiceNature::General => (ExclusionCode::StatutoryTesting, "一般检测", "general testing"),
            };
            push(code, format!("服务性质为{zh}，按细则不计入"), format!("the service is {en}, which the rules exclude"));
        }

        if self.rules.excluded_modes.contains(&record.mode) {
            let mode = serde_json::to_value(record.mode).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            push(
                ExclusionCode::ExcludedServiceMode,
                format!("服务方式 {mode} 按细则不计入"),
                format!("service mode {mode} does not count under the rules"),
            );
        }

        let facts = self.instruments.get(&record.instrument);
        if let Some(facts) = facts
            && facts.unit != self.form.unit {
                push(
                    ExclusionCode::InstrumentOfOtherUnit,
                    format!("仪器 {} 属于单位 {}，不属于申请单位 {}", record.instrument, facts.unit, self.form.unit),
                    format!(
                        "instrument {} belongs to unit {}, not to the applicant {}",
                        record.instrument, facts.unit, self.form.unit
                    ),
                );
            }
        if self.rules.require_published_instrument {
            let published_on = facts.and_then(|f| f.published_at).map(|at| at.with_timezone(&self.zone).date_naive());
            match published_on {
                Some(day) if day <= record.date => {}
                Some(day) => push(
                    ExclusionCode::InstrumentNotPublished,
                    format!("仪器 {} 于 {day} 入网发布，晚于服务日期 {}", record.instrument, record.date),
                    format!(
                        "instrument {} was published on the network on {day}, after the service date {}",
                        record.instrument, record.date
                    ),
                ),
                None => push(
                    ExclusionCode::InstrumentNotPublished,
                    format!("仪器 {} 未在协作网发布", record.instrument),
                    format!("instrument {} is not published on the network", record.instrument),
                ),
            }
        }
        found
    }
}

fn record_audit(line: u32, record: &ServiceRecord, exclusions: Vec<Exclusion>) -> RecordAudit {
    let included = exclusions.is_empty();
    let counted = if included { record.amount.unwrap_or(Money::ZERO) } else { Money::ZERO };
    let message = if included {
        Text::new(format!("计入 {counted}"), format!("included: {counted}"))
    } else {
        let codes: Vec<&str> = exclusions.iter().map(|e| e.code.as_str()).collect();
        Text::new(format!("剔除（{}）", codes.join(", ")), format!("excluded ({})", codes.join(", ")))
    };
    RecordAudit {
        line,
        document_kind: record.document_kind,
        document_number: record.document_number.clone(),
        date: record.date,
        instrument: record.instrument.clone(),
        claimed: record.amount,
        included,
        exclusions,
        counted,
        adjusted: false,
        message,
    }
}

fn apply_adjustment(records: &mut [RecordAudit], adjustment: &AuditAdjustment) -> Result<AppliedAdjustment> {
    if adjustment.reason.trim().is_empty() {
        return Err(Error::Missing { field: "reason".to_owned() });
    }
    let count = records.len();
    let index = usize::try_from(adjustment.line).ok().and_then(|line| line.checked_sub(1));
    let record = index.and_then(|i| records.get_mut(i)).ok_or_else(|| {
        Error::invalid_value(
            "line",
            adjustment.line,
            Text::new(format!("1 至 {count} 的行号"), format!("a line from 1 to {count}")),
        )
    })?;
    if let Some(claimed) = record.claimed
        && adjustment.amount > claimed {
            return Err(Error::invalid_value(
                "amount",
                adjustment.amount,
                Text::new(
                    format!("不超过第 {} 行申报金额 {claimed}", adjustment.line),
                    format!("at most the {claimed} claimed on line {}", adjustment.line),
                ),
            ));
        }
    let previous = record.counted;
    record.counted = adjustment.amount;
    record.adjusted = true;
    record.message = Text::new(
        format!("办公室调整为 {}（原 {previous}）：{}", adjustment.amount, adjustment.reason),
        format!("adjusted by the office to {} (was {previous}): {}", adjustment.amount, adjustment.reason),
    );
    Ok(AppliedAdjustment {
        line: adjustment.line,
        previous,
        amount: adjustment.amount,
        reason: adjustment.reason.clone(),
    })
}

fn income_by_instrument(
    records: &[RecordAudit],
    instruments: &BTreeMap<&InstrumentId, &InstrumentFacts>,
) -> Result<Vec<InstrumentIncome>> {
    let mut sums: BTreeMap<&InstrumentId, Money> = BTreeMap::new();
    for record in records.iter().filter(|r| !r.counted.is_zero()) {
        let sum = sums.entry(&record.instrument).or_insert(Money::ZERO);
        *sum = sum.checked_add(record.counted)?;
    }
    Ok(sums
        .into_iter()
        .map(|(instrument, audited)| InstrumentIncome {
            instrument: instrument.clone(),
            original_value: instruments.get(instrument).map_or(Money::ZERO, |f| f.original_value),
            audited,
        })
        .collect())
}

fn explain(
    rule_set: &RuleSet,
    form: &ApplicationForm,
    records: &[RecordAudit],
    applied_total: Money,
    computed_total: Money,
    adjustments: &[AppliedAdjustment],
    audited_total: Money,
) -> Explanation {
    let mut explanation = Explanation::default();
    let provenance = rule_set.provenance();
    explanation.push(provenance.zh, provenance.en);
    let included = records.iter().filter(|r| r.included).count();
    let excluded = records.len() - included;
    explanation.push(
        format!("单位 {} 申报 {} 年度服务记录 {} 条，申报金额 {applied_total}", form.unit, form.year, records.len()),
        format!(
            "unit {} claims {} service records for {}, {applied_total} in total",
            form.unit,
            records.len(),
            form.year
        ),
    );
    let mut codes = BTreeSet::new();
    for record in records {
        codes.extend(record.exclusions.iter().map(|e| e.code.as_str()));
    }
    let listed: Vec<&str> = codes.into_iter().collect();
    explanation.push(
        format!("自动核查：计入 {included} 条，剔除 {excluded} 条（{}），核查金额 {computed_total}", listed.join(", ")),
        format!("automatic checks: {included} included, {excluded} excluded ({}), {computed_total} counted", listed.join(", ")),
    );
    for adjustment in adjustments {
        explanation.push(
            format!(
                "办公室调整第 {} 行：{} → {}，理由：{}",
                adjustment.line, adjustment.previous, adjustment.amount, adjustment.reason
            ),
            format!(
                "office adjustment of line {}: {} → {}, reason: {}",
                adjustment.line, adjustment.previous, adjustment.amount, adjustment.reason
            ),
        );
    }
    explanation.push(format!("核算金额：{audited_total}"), format!("audited amount: {audited_total}"));
    explanation
}
