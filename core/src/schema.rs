//! JSON Schemas of every record, event and report (数据结构定义).
//!
//! These schemas are the contract with other platforms. The test
//! `core/tests/schemas.rs` writes them to `schemas/` at the repository root
//! and fails when a file there differs from what this list generates.

use schemars::{JsonSchema, Schema, schema_for};

use crate::booking::{BookingPolicy, BookingProfile, BookingReceipt, BookingView, FreeSlot, Quote};
use crate::enterprise::{Applicant, ProviderTies};
use crate::exchange::import::{ImportOutcome, ImportPlan, InstrumentImport, ServiceImport};
use crate::exchange::mapping::Mapping;
use crate::exchange::national::{NationalExport, NationalInstrument, NationalRules, NationalService};
use crate::exchange::service::ServiceRecord;
use crate::fund::{FundReport, LedgerEntry};
use crate::sme::{Classification, SizeStandard};
use crate::journal::{ChainHead, Event, JournalCheck, JournalLine};
use crate::network::Network;
use crate::registry::{Instrument, InstrumentRecord, Unit};
use crate::snapshot::SnapshotFile;
use crate::statistics::{BandTable, Finding, PublishedInstrumentFigures, ValueBands};
use crate::subsidy::audit::AuditResult;
use crate::subsidy::methods::RuleAllocation;
use crate::subsidy::records::{ApplicationForm, SubsidyUseReport};
use crate::subsidy::rules::RuleSet;
use crate::subsidy::{Allocation, Claim};
use crate::voucher::report::VoucherReport;
use crate::voucher::{Application as VoucherApplication, Voucher, VoucherScheme};
use crate::usage::{UsageReport, UsageTotals};
use crate::{Actor, Error};

fn entry<T: JsonSchema>(name: &'static str) -> (&'static str, Schema) {
    (name, schema_for!(T))
}

/// Returns every schema with its file name stem, such as `event`.
pub fn all() -> Vec<(&'static str, Schema)> {
    vec![
        entry::<Actor>("actor"),
        entry::<Applicant>("voucher-applicant"),
        entry::<ApplicationForm>("subsidy-application"),
        entry::<AuditResult>("subsidy-audit"),
        entry::<BookingPolicy>("booking-policy"),
        entry::<BookingProfile>("booking-profile"),
        entry::<BookingReceipt>("booking-receipt"),
        entry::<BookingView>("booking"),
        entry::<crate::booking::ServiceRecord>("booking-service-record"),
        entry::<crate::subsidy::records::ServiceRecord>("subsidy-service-record"),
        entry::<Classification>("sme-classification"),
        entry::<FreeSlot>("free-slot"),
        entry::<FundReport>("fund-report"),
        entry::<LedgerEntry>("fund-ledger-entry"),
        entry::<ProviderTies>("provider-ties"),
        entry::<Quote>("booking-quote"),
        entry::<RuleAllocation>("subsidy-rule-allocation"),
        entry::<RuleSet>("subsidy-rule-set"),
        entry::<SizeStandard>("sme-size-standard"),
        entry::<SubsidyUseReport>("subsidy-use-report"),
        entry::<Voucher>("voucher"),
        entry::<VoucherApplication>("voucher-application"),
        entry::<VoucherReport>("voucher-report"),
        entry::<VoucherScheme>("voucher-scheme"),
        entry::<Allocation>("subsidy-allocation"),
        entry::<BandTable>("band-table"),
        entry::<ChainHead>("chain-head"),
        entry::<Claim>("subsidy-claim"),
        entry::<Error>("error"),
        entry::<Event>("event"),
        entry::<Finding>("finding"),
        entry::<ImportOutcome>("import-outcome"),
        entry::<ImportPlan>("import-plan"),
        entry::<Instrument>("instrument"),
        entry::<InstrumentImport>("instrument-import"),
        entry::<InstrumentRecord>("instrument-record"),
        entry::<JournalCheck>("journal-check"),
        entry::<JournalLine>("journal-line"),
        entry::<Mapping>("import-mapping"),
        entry::<NationalExport<NationalInstrument>>("national-instrument-export"),
        entry::<NationalExport<NationalService>>("national-service-export"),
        entry::<NationalRules>("national-rules"),
        entry::<crate::exchange::national::ServiceSelection>("national-service-selection"),
        entry::<Network>("network"),
        entry::<PublishedInstrumentFigures>("published-instrument-figures"),
        entry::<ServiceImport>("service-import"),
        entry::<ServiceRecord>("service-record"),
        entry::<SnapshotFile>("snapshot"),
        entry::<Unit>("unit"),
        entry::<UsageReport>("usage-report"),
        entry::<UsageTotals>("usage-totals"),
        entry::<ValueBands>("value-bands"),
    ]
}

/// Returns every schema as pretty-printed JSON ending in a newline, keyed
/// by file name such as `event.json`.
pub fn files() -> Vec<(String, String)> {
    all()
        .into_iter()
        .map(|(name, schema)| {
            let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
            text.push('\n');
            (format!("{name}.json"), text)
        })
        .collect()
}
