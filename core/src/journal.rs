//! Events: the journal of every state change (事件日志).
//!
//! Each state change is an [`Event`]: a sequence number, the instant, the
//! actor and the [`Change`]. The host stores events; the core never does I/O.
//! [`crate::Network::replay`] applies stored events in order and rebuilds an
//! equal state, repeating every check, so a journal that was edited into
//! something the rules forbid is rejected rather than trusted.
//!
//! Tags are stable: `{"registry": {"type": "submit_instrument", ...}}`.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::Actor;
use crate::fund::FundChange;
use crate::enterprise::EnterpriseChange;
use crate::booking::BookingChange;
use crate::exchange::service_book::ServiceChange;
use crate::registry::RegistryChange;
use crate::subsidy::SubsidyChange;
use crate::usage::UsageChange;
use crate::voucher::VoucherChange;

/// A state change of one concept, tagged by the concept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[allow(clippy::large_enum_variant, reason = "boxing the instrument record would complicate the public change types for little gain")]
pub enum Change {
    /// Units and instruments.
    Registry(RegistryChange),
    /// Yearly usage reports.
    Usage(UsageChange),
    /// Subsidy rule sets, applications, audits and allocations.
    Subsidy(SubsidyChange),
    /// The special fund and its ledger.
    Fund(FundChange),
    /// Voucher applicants, provider ties and size standards.
    Enterprise(EnterpriseChange),
    /// Innovation-voucher schemes, pools, applications and vouchers.
    Voucher(VoucherChange),
    /// Booking policies, bookings and the working-day calendar.
    Booking(BookingChange),
    /// The service-record book of national-format service records.
    Services(ServiceChange),
}

/// One recorded state change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Event {
    /// Position in the journal, starting at 1 with no gaps.
    pub seq: u64,
    /// When the change was made (UTC), as the caller's `now`.
    pub at: DateTime<Utc>,
    /// Who made it.
    pub actor: Actor,
    /// What changed.
    pub change: Change,
}

mod chain;
pub(crate) mod instant;
pub(crate) mod jsonl;

pub use chain::{ChainHash, ChainHead};
pub use jsonl::{
    EncodedLines, FORMAT_VERSION, JournalCheck, JournalLine, JournalReader, LineProblem, ProblemKind, Tail,
    append_jsonl, decode_line, encode_line, read_jsonl, read_jsonl_after, verify_jsonl, write_jsonl,
};
