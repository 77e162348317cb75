//! Typed [`Network`] methods for applicants and vouchers; each records one event.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::report::VoucherReport;
use super::{
    ApplicationRequest, AuditDecision, RedemptionRequest, ServiceUseRequest, VoucherBook, VoucherChange, VoucherScheme,
};
use crate::access::Actor;
use crate::enterprise::{Applicant, ApplicantProfile, EnterpriseBook, EnterpriseChange, ProviderTies};
use crate::error::{Error, Result};
use crate::booking::BookingId;
use crate::ids::{ApplicationId, EnterpriseId, SchemeId};
use crate::journal::{Change, Event};
use crate::lang::Text;
use crate::money::Money;
use crate::network::Network;
use crate::sme::{Classification, SizeStandard};

impl Network {
    /// Returns the voucher applicants, provider ties and size standards.
    pub fn enterprises(&self) -> &EnterpriseBook {
        &self.enterprises
    }

    /// Returns the voucher schemes, pools, applications, vouchers and services.
    pub fn vouchers(&self) -> &VoucherBook {
        &self.vouchers
    }

    /// Classifies an enterprise under the size standard of the scheme
    /// version in force on `on`'s local date, or of the latest version.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown applicant or scheme,
    /// [`Error::InvalidValue`] for a startup team (teams have no size class)
    /// or an industry the standard lacks.
    pub fn classify_applicant(&self, applicant: &EnterpriseId, scheme: &SchemeId, on: DateTime<Utc>) -> Result<Classification> {
        let applicant = self.enterprises.applicant(applicant)?;
        let ApplicantProfile::Enterprise(enterprise) = &applicant.profile else {
            return Err(Error::invalid_value(
                "applicant",
                &applicant.id,
                Text::new("企业（创业团队不划型）", "an enterprise (startup teams have no size class)"),
            ));
        };
        let state = self.vouchers.scheme(scheme)?;
        let latest = state.latest().ok_or_else(|| Error::not_found(crate::Entity::RuleSet, scheme))?;
        let version = state.in_force_on(latest.local_date(on)?).unwrap_or(latest);
        let standard = self.enterprises.size_standard(&version.rules.size_standard)?;
        standard.classify(&enterprise.industry, &enterprise.size_figures())
    }

    /// Builds the report of scheme `scheme`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown scheme; [`Error::Overflow`] if a sum
    /// leaves the range of [`Money`].
    pub fn voucher_report(&self, scheme: &SchemeId) -> Result<VoucherReport> {
        super::report::build(&self.vouchers, &self.enterprises, self.registry(), scheme)
    }

    fn enterprise_change(&mut self, actor: &Actor, now: DateTime<Utc>, change: EnterpriseChange) -> Result<Event> {
        self.execute(actor, now, Change::Enterprise(change))
    }

    fn voucher_change(&mut self, actor: &Actor, now: DateTime<Utc>, change: VoucherChange) -> Result<Event> {
        self.execute(actor, now, Change::Voucher(change))
    }

    /// Registers an enterprise or startup team. The office or the
    /// applicant's own contact may do this.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`], [`Error::AlreadyExists`] for a known id,
    /// [`Error::InvalidValue`] for an industry no size standard lists or a
    /// credit code another applicant uses, and the field errors of
    /// [`Applicant::validate`].
    pub fn register_applicant(&mut self, actor: &Actor, now: DateTime<Utc>, applicant: Applicant) -> Result<Event> {
        self.enterprise_change(actor, now, EnterpriseChange::RegisterApplicant { applicant })
    }

    /// Replaces an applicant's data, such as a new year's figures.
    ///
    /// # Errors
    ///
    /// As [`Network::register_applicant`], with [`Error::NotFound`] for an
    /// unknown id and [`Error::InvalidValue`] for a change between
    /// enterprise and team.
    pub fn update_applicant(&mut self, actor: &Actor, now: DateTime<Utc>, applicant: Applicant) -> Result<Event> {
        self.enterprise_change(actor, now, EnterpriseChange::UpdateApplicant { applicant })
    }

    /// Records a provider unit's actual controller and stakes, replacing
    /// what it recorded before. The unit's administrator or the office.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown unit, [`Error::PermissionDenied`],
    /// [`Error::InvalidValue`] for more than 1000 stakes.
    pub fn record_provider_ties(&mut self, actor: &Actor, now: DateTime<Utc>, ties: ProviderTies) -> Result<Event> {
        self.enterprise_change(actor, now, EnterpriseChange::RecordProviderTies { ties })
    }

    /// Publishes a size standard. Office only.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`], the errors of [`SizeStandard::validate`],
    /// and [`Error::InvalidValue`] for a version not above the published one.
    pub fn publish_size_standard(&mut self, actor: &Actor, now: DateTime<Utc>, standard: SizeStandard) -> Result<Event> {
        self.enterprise_change(actor, now, EnterpriseChange::PublishSizeStandard { standard })
    }

    /// Publishes a voucher scheme version. Office only.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`], the errors of [`VoucherScheme::validate`],
    /// [`Error::NotFound`] for an unknown size standard or listed unit or
    /// instrument, and [`Error::InvalidValue`] for a version that is not the
    /// next, a changed or already used number prefix, or an earlier start.
    pub fn publish_voucher_scheme(&mut self, actor: &Actor, now: DateTime<Utc>, scheme: VoucherScheme) -> Result<Event> {
        self.voucher_change(actor, now, VoucherChange::PublishScheme { scheme })
    }

    /// Moves `amount` from the voucher category of fund year `fund_year`
    /// into the pool of `scheme`. The fund ledger records it as a pool
    /// funding of that category. Office only.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`], [`Error::NotFound`] for an unknown
    /// scheme or fund year, [`Error::InvalidState`] for a closed fund year,
    /// [`Error::InvalidValue`] for zero, and [`Error::RuleViolation`]
    /// `fund.insufficient_balance` for more than the voucher category's
    /// unearmarked balance or `voucher.pool_fund_year` for a second fund year.
    pub fn fund_voucher_pool(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        scheme: SchemeId,
        fund_year: i32,
        amount: Money,
    ) -> Result<Event> {
        self.voucher_change(actor, now, VoucherChange::FundPool { scheme, fund_year, amount })
    }

    /// Returns free money of the pool of `scheme` to the voucher category of
    /// the fund year that funded it. Office only.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`], [`Error::NotFound`], [`Error::Missing`]
    /// for an empty reason, [`Error::InvalidValue`] for zero, and
    /// [`Error::RuleViolation`] `voucher.pool_insufficient` for more than
    /// the free balance.
    pub fn withdraw_from_voucher_pool(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        scheme: SchemeId,
        amount: Money,
        reason: &str,
    ) -> Result<Event> {
        let reason = reason.to_owned();
        self.voucher_change(actor, now, VoucherChange::WithdrawFromPool { scheme, amount, reason })
    }

    /// Files an application for a voucher quota. The applicant's contact or the office.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], [`Error::PermissionDenied`],
    /// [`Error::AlreadyExists`] for a known application id, and
    /// [`Error::RuleViolation`] naming the rule: `voucher.scheme_not_in_force`,
    /// `voucher.size_not_eligible` (with the size classification),
    /// `voucher.teams_not_eligible`, `voucher.team_too_small`,
    /// `voucher.per_application_cap`, `voucher.applicant_year_cap`,
    /// `voucher.controller_year_cap` or `voucher.pending_application`.
    pub fn apply_for_vouchers(&mut self, actor: &Actor, now: DateTime<Utc>, request: ApplicationRequest) -> Result<Event> {
        self.voucher_change(actor, now, VoucherChange::Apply { request })
    }

    /// Scores a pending application, for schemes that grant by score. Office only.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`], [`Error::NotFound`],
    /// [`Error::InvalidState`] unless pending, [`Error::InvalidValue`] for a
    /// negative score.
    pub fn score_voucher_application(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        application: ApplicationId,
        score: Decimal,
    ) -> Result<Event> {
        self.voucher_change(actor, now, VoucherChange::ScoreApplication { application, score })
    }

    /// Withdraws a pending application. The applicant's contact or the office.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], [`Error::PermissionDenied`],
    /// [`Error::InvalidState`] unless pending.
    pub fn withdraw_voucher_application(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        application: ApplicationId,
    ) -> Result<Event> {
        self.voucher_change(actor, now, VoucherChange::WithdrawApplication { application })
    }

    /// Rejects a pending application with a reason. Office only.
    ///
    /// # Errors
    ///
    /// As [`Network::withdraw_voucher_application`], and [`Error::Missing`]
    /// for an empty reason.
    pub fn reject_voucher_application(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        application: ApplicationId,
        reason: &str,
    ) -> Result<Event> {
        let reason = reason.to_owned();
        self.voucher_change(actor, now, VoucherChange::RejectApplication { application, reason })
    }

    /// Decides every pending application of `scheme` in the scheme's order,
    /// within the caps and the pool. Office only.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`], [`Error::NotFound`],
    /// [`Error::InvalidState`] when nothing is pending, and
    /// [`Error::RuleViolation`] `voucher.unscored_application` when the
    /// scheme grants by score and an application has none.
    pub fn decide_voucher_applications(&mut self, actor: &Actor, now: DateTime<Utc>, scheme: SchemeId) -> Result<Event> {
        self.voucher_change(actor, now, VoucherChange::DecideApplications { scheme })
    }

    /// Issues the vouchers of an approved application. Office only.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`], [`Error::NotFound`],
    /// [`Error::InvalidState`] unless approved, and [`Error::RuleViolation`]
    /// `voucher.validity_ended` or `voucher.too_many_vouchers`.
    pub fn issue_vouchers(&mut self, actor: &Actor, now: DateTime<Utc>, application: ApplicationId) -> Result<Event> {
        self.voucher_change(actor, now, VoucherChange::IssueVouchers { application })
    }

    /// Commits vouchers to one of the holder's bookings or sample requests
    /// in the booking engine. The holder's contact or the office.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown booking, voucher or applicant,
    /// [`Error::PermissionDenied`], field errors, the booking engine's
    /// `booking.no_policy` or `booking.fee_missing` when the fee cannot be
    /// quoted, and [`Error::RuleViolation`] naming the rule:
    /// `voucher.service_used_once`, `voucher.booking_other_party`,
    /// `voucher.booking_closed`, `voucher.no_fee`,
    /// `voucher.not_holder`, `voucher.expired`,
    /// `voucher.service_date_outside_validity`,
    /// `voucher.insufficient_balance`, `voucher.mixed_schemes`,
    /// `voucher.provider_not_eligible`, `voucher.service_not_eligible`,
    /// `voucher.related_party_controller`, `voucher.related_party_stake` or
    /// `voucher.share_limit`.
    pub fn use_vouchers(&mut self, actor: &Actor, now: DateTime<Utc>, request: ServiceUseRequest) -> Result<Event> {
        self.voucher_change(actor, now, VoucherChange::UseVouchers { request })
    }

    /// Cancels a service before redemption; the amounts go back to the
    /// vouchers, or to the pool for vouchers that expired meanwhile. The
    /// holder's contact or the office.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], [`Error::PermissionDenied`], [`Error::Missing`]
    /// for an empty reason, [`Error::InvalidState`] unless open.
    pub fn cancel_voucher_use(&mut self, actor: &Actor, now: DateTime<Utc>, booking: BookingId, reason: &str) -> Result<Event> {
        let reason = reason.to_owned();
        self.voucher_change(actor, now, VoucherChange::CancelUse { booking, reason })
    }

    /// Asks for redemption of a completed booking with the invoice for its
    /// completed amount. What the vouchers pay above the scheme's share of
    /// the completed amount goes back to them. The provider unit's
    /// administrator only.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], [`Error::PermissionDenied`],
    /// [`Error::InvalidState`] unless the service is open,
    /// [`Error::InvalidValue`] for a malformed invoice number or a future
    /// invoice date, and [`Error::RuleViolation`]
    /// `voucher.booking_not_completed`, `voucher.invoice_amount` or
    /// `voucher.invoice_used_once`.
    pub fn request_redemption(&mut self, actor: &Actor, now: DateTime<Utc>, request: RedemptionRequest) -> Result<Event> {
        self.voucher_change(actor, now, VoucherChange::RequestRedemption { request })
    }

    /// Audits a redemption request: pay it from the pool, which the fund
    /// ledger records as a payment of the voucher category, return it for
    /// correction or reject it. Office only.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`], [`Error::NotFound`],
    /// [`Error::InvalidState`] unless a request waits, [`Error::Missing`] for
    /// an empty reason.
    pub fn audit_redemption(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        booking: BookingId,
        decision: AuditDecision,
    ) -> Result<Event> {
        self.voucher_change(actor, now, VoucherChange::AuditRedemption { booking, decision })
    }

    /// Expires the vouchers of `scheme` whose validity ended by `now` and
    /// lapses grants that can no longer be issued, so their balances go back
    /// to the pool. Office only. A run with nothing to expire is recorded too.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`], [`Error::NotFound`].
    pub fn expire_vouchers(&mut self, actor: &Actor, now: DateTime<Utc>, scheme: SchemeId) -> Result<Event> {
        self.voucher_change(actor, now, VoucherChange::ExpireVouchers { scheme })
    }
}
