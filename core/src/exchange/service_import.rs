//! Import of service-record lists into the network's service-record book.
//!
//! [`plan_services`] shows what an import would add (a dry run) and
//! [`apply_services`] adds it as one [`ServiceChange::ImportServices`] event
//! per owning unit. A row that equals a stored record is planned as
//! [`PlannedAction::Duplicate`] and skipped, so importing a file twice adds
//! nothing the second time. A row that repeats an earlier row of the same
//! file is rejected, like a row the rules or roles reject.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use crate::access::Actor;
use crate::error::Result;
use crate::ids::UnitId;
use crate::journal::{Change, Event};
use crate::lang::Text;
use crate::network::Network;

use super::import::{ImportOptions, ImportOutcome, ImportPlan, PlannedAction, PlannedRow, ServiceImport, ServiceRow, bad_rows_error};
use super::service::ServiceRecord;
use super::service_book::{ServiceBook, ServiceChange, ServiceKey, duplicate_error};

/// Shows what importing the good rows of `report` as `actor` would add to
/// the service-record book, without changing `network` (a dry run).
///
/// The rows are checked and applied on a copy of the network with the same
/// checks as [`apply_services`], so the plan and the import agree.
pub fn plan_services(network: &Network, actor: &Actor, now: DateTime<Utc>, report: &ServiceImport) -> ImportPlan {
    simulate(network, actor, now, report).0
}

/// Adds the good rows of `report` to the service-record book as journal
/// events, one per unit that owns a named instrument.
///
/// Nothing changes unless every row is good and accepted, or
/// `options.take_good_rows` is set. With that option the bad and rejected
/// rows are left out and the rest imported. Duplicates of stored records
/// never stop an import.
///
/// # Errors
///
/// [`crate::Error::RuleViolation`] with rule `import.bad_rows` naming the
/// bad and rejected rows, when some rows cannot be imported and
/// `options.take_good_rows` is off. `network` is unchanged then.
pub fn apply_services(
    network: &mut Network,
    actor: &Actor,
    now: DateTime<Utc>,
    report: &ServiceImport,
    options: ImportOptions,
) -> Result<ImportOutcome> {
    let (plan, trial, events) = simulate(network, actor, now, report);
    if !plan.is_clean() && !options.take_good_rows {
        return Err(bad_rows_error(&plan));
    }
    *network = trial;
    Ok(ImportOutcome { plan, events })
}

fn simulate(network: &Network, actor: &Actor, now: DateTime<Utc>, report: &ServiceImport) -> (ImportPlan, Network, Vec<Event>) {
    let mut rows = Vec::with_capacity(report.records.len());
    let mut seen = Seen::default();
    let mut batches: BTreeMap<UnitId, Vec<(usize, ServiceRecord)>> = BTreeMap::new();

    for row in &report.records {
        let mut planned = PlannedRow {
            row: row.row,
            instrument: row.record.instrument.clone(),
            action: PlannedAction::Record,
            changes: Vec::new(),
            reason: None,
        };
        match classify(network, actor, row, &mut seen) {
            Ok(unit) => batches.entry(unit).or_default().push((rows.len(), row.record.clone())),
            Err((action, reason)) => {
                planned.action = action;
                planned.reason = Some(reason);
            }
        }
        rows.push(planned);
    }

    let mut trial = network.clone();
    let mut events = Vec::new();
    for (unit, batch) in batches {
        let records = batch.iter().map(|(_, record)| record.clone()).collect();
        let change = Change::Services(ServiceChange::ImportServices { unit, records });
        match trial.execute(actor, now, change) {
            Ok(event) => events.push(event),
            Err(error) => {
                // Not expected, because `classify` made the same checks, but
                // a rejected batch must still show in the plan.
                for (index, _) in batch {
                    if let Some(planned) = rows.get_mut(index) {
                        planned.action = PlannedAction::Rejected;
                        planned.reason = Some(error.text());
                    }
                }
            }
        }
    }
    (ImportPlan { rows, bad_rows: report.bad_rows() }, trial, events)
}

/// Keys of the stored records of each unit met so far, and the first row of
/// each key in the file.
#[derive(Default)]
struct Seen {
    stored: BTreeMap<UnitId, BTreeSet<ServiceKey>>,
    first_row_of: BTreeMap<ServiceKey, u32>,
}

/// Returns the unit a row is added for, or the action and reason of a row
/// that is not added.
fn classify(network: &Network, actor: &Actor, row: &ServiceRow, seen: &mut Seen) -> std::result::Result<UnitId, (PlannedAction, Text)> {
    let unit = ServiceBook::check_record(network.registry(), actor, &row.record)
        .map_err(|error| (PlannedAction::Rejected, error.text()))?;
    let key = ServiceKey::of(&row.record);
    let stored = seen.stored.entry(unit.clone()).or_insert_with(|| network.services().keys(&unit));
    if stored.contains(&key) {
        return Err((
            PlannedAction::Duplicate,
            Text::new("与台账中已有的服务记录相同，不再导入", "equals a stored service record, so it is not imported again"),
        ));
    }
    if let Some(first) = seen.first_row_of.get(&key) {
        let earlier = Text::new(format!("第 {first} 行"), format!("row {first}"));
        return Err((PlannedAction::Rejected, duplicate_error(&row.record, &earlier).text()));
    }
    seen.first_row_of.insert(key, row.row);
    Ok(unit)
}
