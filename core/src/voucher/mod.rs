//! Innovation vouchers (创新券) for small and micro enterprises and startup teams.
//!
//! The office carves a pool out of the special fund so that enterprises new
//! to the network can buy services of member units. The lifecycle, each step
//! an event by an actor allowed to take it:
//!
//! 1. the office publishes a [`VoucherScheme`] and funds its [`Pool`] from
//!    the voucher category of a fund year (拨款), which earmarks that money
//!    in the fund ledger;
//! 2. an enterprise or team applies for a quota (申请额度), checked against
//!    eligibility and caps at once;
//! 3. the office decides all pending applications in one round, in the
//!    scheme's order, within the pool and the caps (审核);
//! 4. the office issues the grant as numbered vouchers with an expiry (发券);
//! 5. the holder uses vouchers on its own booking or sample request in the
//!    booking engine: part of a voucher, one voucher on several services,
//!    several vouchers on one service (用券). The vouchers pay at most the
//!    scheme's share of the booking's fee, which is the quote from the
//!    instrument's fee standard, or the service record once completed;
//! 6. after the booking is completed, the provider requests redemption with
//!    its invoice for the completed amount (申请兑付). What the vouchers pay
//!    above the share of that amount goes back to them. The office then pays
//!    from the pool, which the fund ledger records as a payment of its
//!    voucher category, or returns the request for correction, or rejects
//!    it (审核兑付);
//! 7. at expiry the unused balances go back to the pool (过期回收).
//!
//! For every voucher, face value = used + remaining + expired.

mod actions;
mod application;
mod booking_link;
mod pool;
pub mod report;
mod scheme;
mod service;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::{self, Actor};
use crate::booking::{BookingBook, BookingId};
use crate::enterprise::EnterpriseBook;
use crate::error::{Entity, Error, Result};
use crate::fund::{FundBook, PoolPosting};
use crate::ids::{ApplicationId, EnterpriseId, InstrumentId, PartyId, SchemeId, UnitId, VoucherNumber};
use crate::lang::{Explanation, Text};
use crate::money::Money;
use crate::registry::Registry;
use crate::sme::{Classification, SizeClass};
use crate::tagged::tagged_enum;

pub use pool::{Pool, PoolEntry, PoolEntryKind, PoolTotals, Release};
pub use scheme::{
    AllocationOrder, Caps, DateRange, ProviderScope, RegionShare, SchemeRef, ServiceScope, ShareLimit, ShareRule,
    TeamRules, Validity, VoucherRules, VoucherScheme,
};

/// Limit in characters of purposes, reasons and sources.
const MAX_TEXT_CHARS: usize = 500;

/// An application for a voucher quota, as the applicant files it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ApplicationRequest {
    /// New application id.
    pub id: ApplicationId,
    /// The scheme applied to.
    pub scheme: SchemeId,
    /// The enterprise or team applying.
    pub applicant: EnterpriseId,
    /// Quota asked for (申请额度).
    pub amount: Money,
    /// Purpose of the vouchers, at most 500 characters.
    #[serde(default)]
    pub purpose: String,
}

/// Kind of applicant, as an application records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    /// An enterprise.
    Enterprise,
    /// A startup team.
    StartupTeam,
}

/// State of an application (申请状态).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ApplicationState {
    /// Waiting for the office's round.
    Pending,
    /// Granted, vouchers not yet issued; the grant is reserved in the pool.
    Approved,
    /// Vouchers issued.
    Issued,
    /// The round could grant nothing, or only part where partial grants are off.
    Declined,
    /// The office rejected it.
    Rejected {
        /// The office's reason.
        reason: String,
    },
    /// The applicant withdrew it.
    Withdrawn,
    /// The grant was never issued before its vouchers would have expired.
    Lapsed,
}

impl ApplicationState {
    /// Returns the stable name, such as `pending`.
    pub fn name(&self) -> &'static str {
        match self {
            ApplicationState::Pending => "pending",
            ApplicationState::Approved => "approved",
            ApplicationState::Issued => "issued",
            ApplicationState::Declined => "declined",
            ApplicationState::Rejected { .. } => "rejected",
            ApplicationState::Withdrawn => "withdrawn",
            ApplicationState::Lapsed => "lapsed",
        }
    }
}

/// The bound that limited a grant in the office's round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GrantLimit {
    /// Nothing: the full request was granted.
    Requested,
    /// The applicant's yearly cap.
    ApplicantYearCap,
    /// The yearly cap of the applicant's actual controller.
    ControllerYearCap,
    /// The pool's free balance.
    Pool,
}

/// The office's round decision on one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Decision {
    /// Journal sequence number of the round.
    pub seq: u64,
    /// When.
    pub at: DateTime<Utc>,
    /// Place in the round's order, from 1.
    pub rank: u32,
    /// Amount granted; zero when declined.
    pub granted: Money,
    /// The bound that limited the grant.
    pub limit: GrantLimit,
    /// The steps of the decision.
    pub explanation: Explanation,
}

/// A voucher application (创新券申请).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Application {
    /// Id.
    pub id: ApplicationId,
    /// Scheme version in force on the application date.
    pub scheme: SchemeRef,
    /// The applicant.
    pub applicant: EnterpriseId,
    /// Enterprise or team.
    pub kind: ApplicantKind,
    /// Size class on the application date; `None` for teams.
    pub size: Option<SizeClass>,
    /// Industry code on the application date; `startup_team` for teams.
    pub industry: String,
    /// The applicant's actual controller on the application date.
    pub controller: PartyId,
    /// The applicant's region on the application date.
    pub region: String,
    /// Quota asked for.
    pub requested: Money,
    /// Purpose.
    pub purpose: String,
    /// When it was filed.
    pub applied_at: DateTime<Utc>,
    /// Journal sequence number of the filing; breaks ties in the round order.
    pub seq: u64,
    /// Calendar year, in the scheme's zone, whose caps the grant counts against.
    pub year: i32,
    /// The size classification with its reasons; `None` for teams.
    pub classification: Option<Classification>,
    /// The office's score, for schemes that grant by score.
    pub score: Option<Decimal>,
    /// State.
    pub state: ApplicationState,
    /// The round decision, once made.
    pub decision: Option<Decision>,
    /// Amount granted and reserved; zero unless approved or issued.
    pub granted: Money,
    /// Vouchers issued for it.
    pub vouchers: Vec<VoucherNumber>,
}

/// State of a voucher (创新券状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VoucherState {
    /// Usable until `expires_at`, if it has a remaining balance.
    Active,
    /// Expired; the unused balance went back to the pool.
    Expired,
}

/// An innovation voucher (创新券).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Voucher {
    /// Unique number.
    pub number: VoucherNumber,
    /// The scheme version whose rules it follows.
    pub scheme: SchemeRef,
    /// The application it was issued for.
    pub application: ApplicationId,
    /// The enterprise or team holding it.
    pub holder: EnterpriseId,
    /// Face value (面额).
    pub face_value: Money,
    /// Committed to services that are not cancelled or rejected.
    pub used: Money,
    /// Still usable.
    pub remaining: Money,
    /// Returned to the pool at expiry.
    pub expired: Money,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// Local date of issue, the first on which it is valid.
    pub first_valid_date: NaiveDate,
    /// Last local date on which it is valid.
    pub last_valid_date: NaiveDate,
    /// The instant it expires: the start of the day after the last valid date.
    pub expires_at: DateTime<Utc>,
    /// State.
    pub state: VoucherState,
    /// Bookings and sample requests it paid toward, in order.
    pub services: Vec<BookingId>,
}

/// Part of a service fee paid with one voucher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct VoucherPayment {
    /// The voucher.
    pub voucher: VoucherNumber,
    /// The amount taken from it.
    pub amount: Money,
}

/// Vouchers the holder commits to one of its bookings or sample requests.
///
/// The provider, instrument, test item, service date and fee come from the
/// booking engine: the fee is the quote from the instrument's fee standard
/// until the booking is completed, and the service record's amount after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ServiceUseRequest {
    /// The booking or sample request (预约或送样编号); each takes vouchers once.
    pub booking: BookingId,
    /// The enterprise or team paying with vouchers; it must be the booking's party.
    pub holder: EnterpriseId,
    /// Vouchers and the amount taken from each.
    pub payments: Vec<VoucherPayment>,
}

/// A provider's invoice for a service (发票).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Invoice {
    /// Invoice number as printed, 1 to 32 letters and digits; each number
    /// redeems once.
    pub number: String,
    /// Local date of issue.
    pub issued_on: NaiveDate,
    /// Invoiced amount; it must equal the completed amount of the booking.
    pub amount: Money,
}

/// A provider's request for redemption of a completed booking (兑付申请).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RedemptionRequest {
    /// The booking or sample request.
    pub booking: BookingId,
    /// The invoice for the whole completed amount.
    pub invoice: Invoice,
}

/// The office's audit decision on a redemption request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum AuditDecision {
    /// Pay the voucher amount from the pool (兑付).
    Pay,
    /// Return the request for correction; the provider may ask again.
    Return {
        /// The correction needed.
        reason: String,
    },
    /// Refuse for good; the voucher amounts go back to the vouchers.
    Reject {
        /// Why.
        reason: String,
    },
}

/// The office's audit of one redemption request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Audit {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// Decision.
    pub decision: AuditDecision,
}

/// One redemption request and its audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Redemption {
    /// The invoice.
    pub invoice: Invoice,
    /// Local date of the service, from the service record.
    pub completed_on: NaiveDate,
    /// Amount charged, from the service record.
    pub completed_amount: Money,
    /// Amount the vouchers paid above the share of the completed amount,
    /// given back to them (or to the pool for expired vouchers) at request.
    pub returned: Money,
    /// When it was requested.
    pub requested_at: DateTime<Utc>,
    /// Account id of the requester.
    pub requested_by: String,
    /// The audit, once made.
    pub audit: Option<Audit>,
}

/// State of a voucher-paid service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum UseState {
    /// Vouchers committed; no redemption pending.
    Open,
    /// The provider asked for redemption.
    RedemptionRequested,
    /// Paid to the provider.
    Paid,
    /// Cancelled before redemption; the amounts went back.
    Cancelled {
        /// Why.
        reason: String,
    },
    /// Redemption rejected; the amounts went back.
    Rejected {
        /// Why.
        reason: String,
    },
}

impl UseState {
    /// Returns the stable name, such as `open`.
    pub fn name(&self) -> &'static str {
        match self {
            UseState::Open => "open",
            UseState::RedemptionRequested => "redemption_requested",
            UseState::Paid => "paid",
            UseState::Cancelled { .. } => "cancelled",
            UseState::Rejected { .. } => "rejected",
        }
    }

    /// Returns true while the vouchers' amounts stay committed.
    pub fn commits_vouchers(&self) -> bool {
        matches!(self, UseState::Open | UseState::RedemptionRequested | UseState::Paid)
    }
}

/// Source of the fee of a voucher-paid service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeeSource {
    /// The quote from the instrument's fee standard for the booked hours or samples.
    Quote,
    /// The amount of the service record written at completion.
    ServiceRecord,
}

/// A booking or sample request paid toward with vouchers (用券记录).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ServiceUse {
    /// The booking or sample request.
    pub booking: BookingId,
    /// The holder.
    pub holder: EnterpriseId,
    /// Scheme version of the vouchers.
    pub scheme: SchemeRef,
    /// The provider.
    pub provider: UnitId,
    /// The instrument.
    pub instrument: InstrumentId,
    /// The test item, if any.
    pub test_item: String,
    /// Full fee that the share rule applies to.
    pub fee: Money,
    /// Source of `fee`, which becomes the service record at redemption.
    pub fee_source: FeeSource,
    /// Local date of the service: the slot's start, the sample request's
    /// date, or the service record's date once completed.
    pub service_date: NaiveDate,
    /// When the vouchers were committed.
    pub used_at: DateTime<Utc>,
    /// Amounts per voucher.
    pub payments: Vec<VoucherPayment>,
    /// Sum of the payments: what the provider may redeem.
    pub total: Money,
    /// The share rule applied.
    pub share: ShareLimit,
    /// State.
    pub state: UseState,
    /// Redemption requests, oldest first.
    pub redemptions: Vec<Redemption>,
}

/// A scheme's versions, pool and voucher counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SchemeState {
    /// Versions, oldest first.
    pub versions: Vec<VoucherScheme>,
    /// The pool.
    pub pool: Pool,
    /// Counter of the next voucher number.
    pub next_number: u32,
}

impl SchemeState {
    /// Returns the version in force on local `date`: the latest whose
    /// effective period contains it.
    pub fn in_force_on(&self, date: NaiveDate) -> Option<&VoucherScheme> {
        self.versions.iter().rev().find(|scheme| scheme.effective.contains(date))
    }

    /// Returns version `version`.
    pub fn version(&self, version: u32) -> Option<&VoucherScheme> {
        self.versions.iter().find(|scheme| scheme.version == version)
    }

    /// Returns the latest version.
    pub fn latest(&self) -> Option<&VoucherScheme> {
        self.versions.last()
    }
}

tagged_enum! {
    /// A change to vouchers, as recorded in the journal.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
    #[serde(tag = "type", rename_all = "snake_case")]
    #[allow(clippy::large_enum_variant, reason = "the variants mirror the journal's JSON shape")]
    pub enum VoucherChange {
        /// The office publishes a scheme version.
        PublishScheme {
            /// The scheme version.
            scheme: VoucherScheme,
        },
        /// The office moves money from the voucher category of a fund year into
        /// a scheme's pool. Every funding of one pool names the same fund year.
        FundPool {
            /// The scheme.
            scheme: SchemeId,
            /// The fund year whose voucher category pays.
            fund_year: i32,
            /// Amount.
            amount: Money,
        },
        /// The office returns free money of a pool to the fund's voucher category.
        WithdrawFromPool {
            /// The scheme.
            scheme: SchemeId,
            /// Amount.
            amount: Money,
            /// Why.
            reason: String,
        },
        /// An enterprise or team applies for a quota.
        Apply {
            /// The application.
            request: ApplicationRequest,
        },
        /// The office scores a pending application.
        ScoreApplication {
            /// The application.
            application: ApplicationId,
            /// Score, 0 or more.
            score: Decimal,
        },
        /// The applicant withdraws a pending application.
        WithdrawApplication {
            /// The application.
            application: ApplicationId,
        },
        /// The office rejects a pending application.
        RejectApplication {
            /// The application.
            application: ApplicationId,
            /// Why.
            reason: String,
        },
        /// The office decides every pending application of a scheme.
        DecideApplications {
            /// The scheme.
            scheme: SchemeId,
        },
        /// The office issues the vouchers of an approved application.
        IssueVouchers {
            /// The application.
            application: ApplicationId,
        },
        /// The holder commits vouchers to a service.
        UseVouchers {
            /// The service and payments.
            request: ServiceUseRequest,
        },
        /// The holder or the office cancels a service before redemption.
        CancelUse {
            /// The booking.
            booking: BookingId,
            /// Why.
            reason: String,
        },
        /// The provider requests redemption after completing the service.
        RequestRedemption {
            /// The request.
            request: RedemptionRequest,
        },
        /// The office audits a redemption request.
        AuditRedemption {
            /// The booking.
            booking: BookingId,
            /// Decision.
            decision: AuditDecision,
        },
        /// The office expires the vouchers of a scheme whose validity has ended.
        ExpireVouchers {
            /// The scheme.
            scheme: SchemeId,
        },
    }
}

/// Schemes, pools, applications, vouchers and voucher-paid services.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct VoucherBook {
    schemes: BTreeMap<SchemeId, SchemeState>,
    applications: BTreeMap<ApplicationId, Application>,
    vouchers: BTreeMap<VoucherNumber, Voucher>,
    uses: BTreeMap<BookingId, ServiceUse>,
    /// Invoice numbers on requested or paid redemptions, with their booking.
    invoices: BTreeMap<String, BookingId>,
}

/// The journal position, instant and actor of a change.
pub(crate) struct Step<'a> {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub actor: &'a Actor,
}

impl Step<'_> {
    fn stamp(&self) -> pool::Stamp<'_> {
        pool::Stamp { seq: self.seq, at: self.at, actor: &self.actor.id }
    }
}

/// The other state a voucher change reads.
pub(crate) struct Context<'a> {
    pub registry: &'a Registry,
    pub enterprises: &'a EnterpriseBook,
    pub bookings: &'a BookingBook,
    pub fund: &'a FundBook,
}

impl VoucherBook {
    /// Returns the state of scheme `id`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown scheme.
    pub fn scheme(&self, id: &SchemeId) -> Result<&SchemeState> {
        self.schemes.get(id).ok_or_else(|| Error::not_found(Entity::RuleSet, id))
    }

    /// Iterates over schemes in id order.
    pub fn schemes(&self) -> impl Iterator<Item = &SchemeState> {
        self.schemes.values()
    }

    /// Returns the application with `id`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown id.
    pub fn application(&self, id: &ApplicationId) -> Result<&Application> {
        self.applications.get(id).ok_or_else(|| Error::not_found(Entity::VoucherApplication, id))
    }

    /// Iterates over applications in id order.
    pub fn applications(&self) -> impl Iterator<Item = &Application> {
        self.applications.values()
    }

    /// Returns the voucher with `number`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown number.
    pub fn voucher(&self, number: &VoucherNumber) -> Result<&Voucher> {
        self.vouchers.get(number).ok_or_else(|| Error::not_found(Entity::Voucher, number))
    }

    /// Iterates over vouchers in number order.
    pub fn vouchers(&self) -> impl Iterator<Item = &Voucher> {
        self.vouchers.values()
    }

    /// Returns the voucher-paid service of booking `booking`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] if no vouchers were used on the booking.
    pub fn service_use(&self, booking: BookingId) -> Result<&ServiceUse> {
        self.uses.get(&booking).ok_or_else(|| Error::not_found(Entity::ServiceUse, booking))
    }

    /// Iterates over voucher-paid services in booking id order.
    pub fn service_uses(&self) -> impl Iterator<Item = &ServiceUse> {
        self.uses.values()
    }

    /// Returns the booking whose requested or paid redemption carries
    /// invoice `number`, if any.
    pub fn invoice_service(&self, number: &str) -> Option<&BookingId> {
        self.invoices.get(&normalize_invoice(number))
    }

    /// Returns the amount granted (approved or issued) in `scheme` for
    /// `year` to `applicant`.
    pub fn granted_to_applicant(&self, scheme: &SchemeId, year: i32, applicant: &EnterpriseId) -> Money {
        self.granted_where(scheme, year, |a| &a.applicant == applicant)
    }

    /// Returns the amount granted in `scheme` for `year` to applicants
    /// with actual controller `controller`.
    pub fn granted_to_controller(&self, scheme: &SchemeId, year: i32, controller: &PartyId) -> Money {
        self.granted_where(scheme, year, |a| &a.controller == controller)
    }

    fn granted_where(&self, scheme: &SchemeId, year: i32, filter: impl Fn(&Application) -> bool) -> Money {
        let amounts = self
            .applications
            .values()
            .filter(|a| &a.scheme.id == scheme && a.year == year && filter(a))
            .map(|a| a.granted);
        Money::sum(amounts).unwrap_or(Money::MAX)
    }

    /// Checks and applies one change. Nothing changes if an error is
    /// returned. A returned posting has been checked against the fund, and
    /// the caller must record it there.
    pub(crate) fn apply(&mut self, step: &Step<'_>, context: &Context<'_>, change: &VoucherChange) -> Result<Option<PoolPosting>> {
        let done = match change {
            VoucherChange::PublishScheme { scheme } => self.publish_scheme(step, context, scheme),
            VoucherChange::FundPool { scheme, fund_year, amount } => {
                return self.fund_pool(step, context, scheme, *fund_year, *amount).map(Some);
            }
            VoucherChange::WithdrawFromPool { scheme, amount, reason } => {
                return self.withdraw_from_pool(step, context, scheme, *amount, reason).map(Some);
            }
            VoucherChange::Apply { request } => self.apply_for_quota(step, context, request),
            VoucherChange::ScoreApplication { application, score } => self.score(step, application, *score),
            VoucherChange::WithdrawApplication { application } => self.withdraw(step, application),
            VoucherChange::RejectApplication { application, reason } => self.reject(step, application, reason),
            VoucherChange::DecideApplications { scheme } => self.decide(step, scheme),
            VoucherChange::IssueVouchers { application } => self.issue(step, application),
            VoucherChange::UseVouchers { request } => self.use_vouchers(step, context, request),
            VoucherChange::CancelUse { booking, reason } => self.cancel_use(step, *booking, reason),
            VoucherChange::RequestRedemption { request } => self.request_redemption(step, context, request),
            VoucherChange::AuditRedemption { booking, decision } => return self.audit(step, context, *booking, decision),
            VoucherChange::ExpireVouchers { scheme } => self.expire(step, scheme),
        };
        done.map(|()| None)
    }

    fn fund_pool(&mut self, step: &Step<'_>, context: &Context<'_>, scheme: &SchemeId, fund_year: i32, amount: Money) -> Result<PoolPosting> {
        access::require_office(step.actor, "fund_voucher_pool")?;
        let state = self.scheme(scheme)?;
        let posting = PoolPosting::Fund { year: fund_year, scheme: scheme.clone(), amount };
        context.fund.check_pool_posting(&posting)?;
        if let Some(year) = state.pool.fund_year
            && year != fund_year
        {
            return Err(Error::rule(
                "voucher.pool_fund_year",
                Text::new(
                    format!("方案 {scheme} 的资金池由 {year} 年度资金拨入；同一资金池只能从一个年度拨款"),
                    format!("the pool of scheme {scheme} is funded from fund year {year}; one pool takes money from one fund year"),
                ),
            ));
        }
        self.post_to_pool(step, scheme, amount, PoolEntryKind::Funded { fund_year })?;
        if let Some(state) = self.schemes.get_mut(scheme) {
            state.pool.fund_year = Some(fund_year);
        }
        Ok(posting)
    }

    fn withdraw_from_pool(
        &mut self,
        step: &Step<'_>,
        context: &Context<'_>,
        scheme: &SchemeId,
        amount: Money,
        reason: &str,
    ) -> Result<PoolPosting> {
        access::require_office(step.actor, "withdraw_from_voucher_pool")?;
        check_reason("reason", reason)?;
        let state = self.scheme(scheme)?;
        let Some(fund_year) = state.pool.fund_year else {
            return Err(Error::rule(
                "voucher.pool_insufficient",
                Text::new(
                    format!("方案 {scheme} 的资金池尚未拨款，没有可退回的资金"),
                    format!("the pool of scheme {scheme} was never funded, so nothing can be returned"),
                ),
            ));
        };
        let posting = PoolPosting::Return { year: fund_year, scheme: scheme.clone(), amount, reason: reason.to_owned() };
        let kind = PoolEntryKind::Withdrawn { fund_year, reason: reason.to_owned() };
        let totals = state.pool.after(state.pool.totals, amount, &kind)?;
        context.fund.check_pool_posting(&posting)?;
        if let Some(state) = self.schemes.get_mut(scheme) {
            state.pool.commit(&step.stamp(), totals, vec![(amount, kind)]);
        }
        Ok(posting)
    }

    fn publish_scheme(&mut self, step: &Step<'_>, context: &Context<'_>, scheme: &VoucherScheme) -> Result<()> {
        access::require_office(step.actor, "publish_voucher_scheme")?;
        scheme.validate()?;
        context.enterprises.size_standard(&scheme.rules.size_standard)?;
        self.check_listed_units(context, scheme)?;

        match self.schemes.get(&scheme.id) {
            None => {
                let clash = self.schemes.values().find_map(|s| {
                    s.latest().filter(|latest| latest.number_prefix == scheme.number_prefix).map(|l| l.id.clone())
                });
                if let Some(other) = clash {
                    return Err(Error::invalid_value(
                        "number_prefix",
                        &scheme.number_prefix,
                        Text::new(
                            format!("未被其他方案使用的前缀；方案 {other} 已使用"),
                            format!("a prefix no other scheme uses; scheme {other} uses it"),
                        ),
                    ));
                }
                if scheme.version != 1 {
                    return Err(Error::invalid_value(
                        "version",
                        scheme.version,
                        Text::new("新方案从第 1 版开始", "version 1 for a new scheme"),
                    ));
                }
            }
            Some(state) => check_next_version(state, scheme)?,
        }

        let state = self.schemes.entry(scheme.id.clone()).or_insert_with(|| SchemeState {
            versions: Vec::new(),
            pool: Pool::new(scheme.id.clone()),
            next_number: 1,
        });
        state.versions.push(scheme.clone());
        Ok(())
    }

    fn check_listed_units(&self, context: &Context<'_>, scheme: &VoucherScheme) -> Result<()> {
        if let ProviderScope::Listed { units } = &scheme.rules.providers {
            for unit in units {
                context.registry.unit(unit)?;
            }
        }
        if let ServiceScope::Listed { instruments } = &scheme.rules.services {
            for instrument in instruments {
                context.registry.instrument(instrument)?;
            }
        }
        Ok(())
    }

    /// Posts a funding or withdrawal; the caller has checked the actor.
    fn post_to_pool(&mut self, step: &Step<'_>, scheme: &SchemeId, amount: Money, kind: PoolEntryKind) -> Result<()> {
        if amount.is_zero() {
            return Err(Error::invalid_value("amount", "0", Text::new("大于 0 的金额", "an amount above zero")));
        }
        let state = self.schemes.get_mut(scheme).ok_or_else(|| Error::not_found(Entity::RuleSet, scheme))?;
        let totals = state.pool.after(state.pool.totals, amount, &kind)?;
        state.pool.commit(&step.stamp(), totals, vec![(amount, kind)]);
        Ok(())
    }
}

fn check_next_version(state: &SchemeState, scheme: &VoucherScheme) -> Result<()> {
    let Some(latest) = state.latest() else { return Ok(()) };
    if scheme.version != latest.version + 1 {
        return Err(Error::invalid_value(
            "version",
            scheme.version,
            Text::new(format!("下一版本号 {}", latest.version + 1), format!("the next version, {}", latest.version + 1)),
        ));
    }
    if scheme.number_prefix != latest.number_prefix {
        return Err(Error::invalid_value(
            "number_prefix",
            &scheme.number_prefix,
            Text::new(
                format!("与第 1 版相同的前缀 {}", latest.number_prefix),
                format!("the prefix of version 1, {}", latest.number_prefix),
            ),
        ));
    }
    if scheme.effective.from < latest.effective.from {
        return Err(Error::invalid_value(
            "effective.from",
            scheme.effective.from,
            Text::new(
                format!("不早于上一版的开始日期 {}", latest.effective.from),
                format!("a date no earlier than the previous version's start, {}", latest.effective.from),
            ),
        ));
    }
    Ok(())
}

fn check_reason(field: &str, text: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::Missing { field: field.to_owned() });
    }
    check_length(field, text)
}

fn check_length(field: &str, text: &str) -> Result<()> {
    let count = text.chars().count();
    if count > MAX_TEXT_CHARS {
        return Err(Error::TooLong { field: field.to_owned(), max_chars: MAX_TEXT_CHARS, actual_chars: count });
    }
    Ok(())
}

/// Normalises an invoice number for the once-only check: capitals, no
/// surrounding whitespace.
fn normalize_invoice(number: &str) -> String {
    number.trim().to_ascii_uppercase()
}
