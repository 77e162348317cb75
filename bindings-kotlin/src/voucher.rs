//! Innovation vouchers (创新券): credit codes, SME size classes, applicants,
//! schemes, the pool, and the voucher lifecycle, as `Network` methods and
//! top-level functions.
//!
//! Applicants, provider ties, schemes and the requests of the lifecycle are
//! large nested core types, so they cross as their serde JSON text. So do the
//! records that queries return: applications, vouchers, service uses, scheme
//! states, classifications, pool holdings in the fund and the report.
//! Bookings are named by their number, as in the booking methods. Amounts inside that JSON
//! are strings in 元 with two places, such as `"1234.50"`, so they stay exact.
//! Text that does not parse fails with `InvalidInput` (code `invalid_value`)
//! naming the argument. Pool totals and credit codes, which callers read field
//! by field, are records with `BigDecimal` amounts.

use labshare::credit_code::check_character;
use labshare::sme::{SizeFigures, SizeStandard};
use labshare::booking::BookingId;
use labshare::{ApplicationId, EnterpriseId, Lang, Money, SchemeId, Text, UnitId, VoucherNumber};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::access::Actor;
use crate::convert::{decimal, integer, money};
use crate::errors::LabshareError;
use crate::network::Network;
use crate::types::{PlainDecimal, Timestamp};

/// A checked unified social credit code (统一社会信用代码, GB 32100-2015).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CreditCode {
    /// The 18 characters, upper case.
    pub code: String,
    /// Registration authority code (登记管理部门码), the 1st character.
    pub authority: String,
    /// Administrative division code (登记管理机关行政区划码), characters 3 to 8.
    pub division: String,
}

/// Running totals of one scheme's voucher pool (创新券资金池), in 元.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PoolTotals {
    /// Money paid in.
    pub funded: Money,
    /// Money taken out again.
    pub withdrawn: Money,
    /// Money reserved now for grants, voucher balances and unpaid services.
    pub reserved: Money,
    /// Money paid to providers.
    pub paid: Money,
    /// Money neither reserved, paid nor withdrawn:
    /// funded − withdrawn − reserved − paid.
    pub free: Money,
}

impl TryFrom<labshare::voucher::PoolTotals> for PoolTotals {
    type Error = labshare::Error;

    fn try_from(totals: labshare::voucher::PoolTotals) -> Result<PoolTotals, labshare::Error> {
        Ok(PoolTotals {
            funded: totals.funded,
            withdrawn: totals.withdrawn,
            reserved: totals.reserved,
            paid: totals.paid,
            free: totals.free()?,
        })
    }
}

/// Parses the JSON text of argument `argument` as a core type.
fn from_json<T: DeserializeOwned>(argument: &str, json: &str) -> Result<T, labshare::Error> {
    serde_json::from_str(json).map_err(|error| {
        labshare::Error::invalid_value(
            argument,
            error,
            Text::new(
                "符合该类型 serde 格式的 JSON 文本",
                "JSON text in the serde form of this type",
            ),
        )
    })
}

/// Writes a core value as JSON text.
fn to_json<T: Serialize>(what: &str, value: &T) -> Result<String, labshare::Error> {
    // Voucher types hold no maps with non-string keys and no failing
    // serialisers, so this error is not expected in practice.
    serde_json::to_string(value).map_err(|error| labshare::Error::Corrupt {
        location: what.to_owned(),
        detail: Text::new(
            format!("无法写成 JSON：{error}"),
            format!("could not be written as JSON: {error}"),
        ),
    })
}

/// Parses and checks a unified social credit code (GB 32100-2015).
///
/// Fails with `InvalidInput` for a code of the wrong length, with characters
/// outside the code's alphabet, or whose check character does not match.
#[uniffi::export]
pub fn parse_credit_code(text: String) -> Result<CreditCode, LabshareError> {
    let code = labshare::credit_code::CreditCode::parse(&text)?;
    Ok(CreditCode {
        code: code.as_str().to_owned(),
        authority: code.authority().to_string(),
        division: code.division().to_owned(),
    })
}

/// Computes the check character (18th character) of a credit code from its
/// first 17 characters. Fails with `InvalidInput` for other input.
#[uniffi::export]
pub fn credit_code_check_character(first17: String) -> Result<String, LabshareError> {
    Ok(check_character(&first17)?.to_string())
}

/// Classifies an enterprise under the 2011 SME size standard (中小企业划型标准)
/// and returns the `Classification` as JSON text, with the classes tested and
/// the explanation in Chinese and English.
///
/// `revenue` and `totalAssets` are amounts in 元. Fails with `InvalidInput`
/// for an industry the standard lacks, a negative staff count or bad amounts.
#[uniffi::export]
pub fn classify_size(
    industry: String,
    staff: i64,
    revenue: PlainDecimal,
    total_assets: PlainDecimal,
) -> Result<String, LabshareError> {
    let figures = SizeFigures {
        staff: integer("staff", staff)?,
        revenue: money("revenue", &revenue)?,
        total_assets: money("total_assets", &total_assets)?,
    };
    let standard = SizeStandard::sme_2011()?;
    let result = standard.classify(&industry, &figures)?;
    Ok(to_json("classification", &result)?)
}

#[uniffi::export]
impl Network {
    /// Registers an enterprise or startup team, given as `Applicant` JSON.
    /// The office or the applicant's own contact may do this.
    pub fn register_applicant(
        &self,
        actor: Actor,
        now: Timestamp,
        applicant: String,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let applicant = from_json("applicant", &applicant)?;
        self.change(|network| network.register_applicant(&actor, now, applicant))
    }

    /// Replaces an applicant's data (`Applicant` JSON), such as a new year's
    /// figures.
    pub fn update_applicant(
        &self,
        actor: Actor,
        now: Timestamp,
        applicant: String,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let applicant = from_json("applicant", &applicant)?;
        self.change(|network| network.update_applicant(&actor, now, applicant))
    }

    /// Records a provider unit's actual controller and stakes
    /// (`ProviderTies` JSON), replacing what it recorded before. The unit's
    /// administrator or the office may do this.
    pub fn record_provider_ties(
        &self,
        actor: Actor,
        now: Timestamp,
        ties: String,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let ties = from_json("ties", &ties)?;
        self.change(|network| network.record_provider_ties(&actor, now, ties))
    }

    /// Publishes a size standard (`SizeStandard` JSON). Office only.
    pub fn publish_size_standard(
        &self,
        actor: Actor,
        now: Timestamp,
        standard: String,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let standard = from_json("standard", &standard)?;
        self.change(|network| network.publish_size_standard(&actor, now, standard))
    }

    /// Publishes a version of a voucher scheme with its rules
    /// (`VoucherScheme` JSON). Office only.
    pub fn publish_voucher_scheme(
        &self,
        actor: Actor,
        now: Timestamp,
        scheme: String,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let scheme = from_json("scheme", &scheme)?;
        self.change(|network| network.publish_voucher_scheme(&actor, now, scheme))
    }

    /// Moves `amount` (元) from the voucher category of fund year
    /// `fundYear` into a scheme's pool; the fund ledger earmarks it. Office only.
    pub fn fund_voucher_pool(
        &self,
        actor: Actor,
        now: Timestamp,
        scheme: String,
        fund_year: i32,
        amount: PlainDecimal,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let scheme = SchemeId::new(scheme)?;
        let amount = money("amount", &amount)?;
        self.change(|network| network.fund_voucher_pool(&actor, now, scheme, fund_year, amount))
    }

    /// Returns `amount` (元) of a scheme pool's free money to the fund's
    /// voucher category. Office only.
    pub fn withdraw_from_voucher_pool(
        &self,
        actor: Actor,
        now: Timestamp,
        scheme: String,
        amount: PlainDecimal,
        reason: String,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let scheme = SchemeId::new(scheme)?;
        let amount = money("amount", &amount)?;
        self.change(|network| {
            network.withdraw_from_voucher_pool(&actor, now, scheme, amount, &reason)
        })
    }

    /// Applies for vouchers (`ApplicationRequest` JSON).
    pub fn apply_for_vouchers(
        &self,
        actor: Actor,
        now: Timestamp,
        request: String,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let request = from_json("request", &request)?;
        self.change(|network| network.apply_for_vouchers(&actor, now, request))
    }

    /// Scores a pending application, for schemes that grant by score. Office
    /// only.
    pub fn score_voucher_application(
        &self,
        actor: Actor,
        now: Timestamp,
        application: String,
        score: PlainDecimal,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let application = ApplicationId::new(application)?;
        let score = decimal("score", &score)?;
        self.change(|network| {
            network.score_voucher_application(&actor, now, application, score)
        })
    }

    /// Withdraws a pending application. The applicant's contact or the office
    /// may do this.
    pub fn withdraw_voucher_application(
        &self,
        actor: Actor,
        now: Timestamp,
        application: String,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let application = ApplicationId::new(application)?;
        self.change(|network| network.withdraw_voucher_application(&actor, now, application))
    }

    /// Rejects a pending application with a reason. Office only.
    pub fn reject_voucher_application(
        &self,
        actor: Actor,
        now: Timestamp,
        application: String,
        reason: String,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let application = ApplicationId::new(application)?;
        self.change(|network| {
            network.reject_voucher_application(&actor, now, application, &reason)
        })
    }

    /// Decides every pending application of a scheme in the scheme's order,
    /// within the caps and the pool. Office only.
    pub fn decide_voucher_applications(
        &self,
        actor: Actor,
        now: Timestamp,
        scheme: String,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let scheme = SchemeId::new(scheme)?;
        self.change(|network| network.decide_voucher_applications(&actor, now, scheme))
    }

    /// Issues the vouchers of an approved application. Office only.
    pub fn issue_vouchers(
        &self,
        actor: Actor,
        now: Timestamp,
        application: String,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let application = ApplicationId::new(application)?;
        self.change(|network| network.issue_vouchers(&actor, now, application))
    }

    /// Pays toward one of the holder's bookings or sample requests with
    /// vouchers (`ServiceUseRequest` JSON: booking number, holder, payments);
    /// the fee comes from the booking.
    pub fn use_vouchers(
        &self,
        actor: Actor,
        now: Timestamp,
        request: String,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let request = from_json("request", &request)?;
        self.change(|network| network.use_vouchers(&actor, now, request))
    }

    /// Cancels the voucher use on booking `booking` before redemption. The
    /// amounts go back to the vouchers, or to the pool for vouchers that
    /// expired meanwhile.
    pub fn cancel_voucher_use(
        &self,
        actor: Actor,
        now: Timestamp,
        booking: i64,
        reason: String,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let booking = booking_id(booking)?;
        self.change(|network| network.cancel_voucher_use(&actor, now, booking, &reason))
    }

    /// Requests redemption of a completed booking's vouchers
    /// (`RedemptionRequest` JSON: booking number and invoice).
    pub fn request_redemption(
        &self,
        actor: Actor,
        now: Timestamp,
        request: String,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let request = from_json("request", &request)?;
        self.change(|network| network.request_redemption(&actor, now, request))
    }

    /// Audits a redemption request: pays, returns or rejects it
    /// (`AuditDecision` JSON). Office only.
    pub fn audit_redemption(
        &self,
        actor: Actor,
        now: Timestamp,
        booking: i64,
        decision: String,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let booking = booking_id(booking)?;
        let decision = from_json("decision", &decision)?;
        self.change(|network| network.audit_redemption(&actor, now, booking, decision))
    }

    /// Expires the vouchers of a scheme whose validity ended by `now` and
    /// lapses grants that can no longer be issued, so their balances go back
    /// to the pool. Office only.
    pub fn expire_vouchers(
        &self,
        actor: Actor,
        now: Timestamp,
        scheme: String,
    ) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let scheme = SchemeId::new(scheme)?;
        self.change(|network| network.expire_vouchers(&actor, now, scheme))
    }

    /// Returns a registered applicant as `Applicant` JSON; fails with
    /// `NotFound` if none.
    pub fn applicant(&self, id: String) -> Result<String, LabshareError> {
        let id = EnterpriseId::new(id)?;
        self.read(|network| Ok(to_json("applicant", network.enterprises().applicant(&id)?)?))
    }

    /// Returns a provider unit's ties as `ProviderTies` JSON, or null.
    pub fn provider_ties(&self, unit: String) -> Result<Option<String>, LabshareError> {
        let unit = UnitId::new(unit)?;
        self.read(|network| {
            let ties = network.enterprises().ties(&unit);
            Ok(ties.map(|ties| to_json("provider ties", ties)).transpose()?)
        })
    }

    /// Classifies a registered enterprise under the size standard of the
    /// scheme version in force at `on`; returns `Classification` JSON.
    pub fn classify_applicant(
        &self,
        applicant: String,
        scheme: String,
        on: Timestamp,
    ) -> Result<String, LabshareError> {
        let applicant = EnterpriseId::new(applicant)?;
        let scheme = SchemeId::new(scheme)?;
        let result = self.read(|network| network.classify_applicant(&applicant, &scheme, on))?;
        Ok(to_json("classification", &result)?)
    }

    /// Returns a scheme's versions and pool as `SchemeState` JSON; fails with
    /// `NotFound` if none.
    pub fn voucher_scheme(&self, id: String) -> Result<String, LabshareError> {
        let id = SchemeId::new(id)?;
        self.read(|network| Ok(to_json("scheme", network.vouchers().scheme(&id)?)?))
    }

    /// Returns the pool totals of a scheme; fails with `NotFound` if none.
    pub fn voucher_pool_totals(&self, scheme: String) -> Result<PoolTotals, LabshareError> {
        let scheme = SchemeId::new(scheme)?;
        let totals = self.read(|network| network.vouchers().scheme(&scheme).map(|state| state.pool.totals))?;
        Ok(PoolTotals::try_from(totals)?)
    }

    /// Returns an application as `Application` JSON; fails with `NotFound`
    /// if none.
    pub fn voucher_application(&self, id: String) -> Result<String, LabshareError> {
        let id = ApplicationId::new(id)?;
        self.read(|network| Ok(to_json("application", network.vouchers().application(&id)?)?))
    }

    /// Returns every application as `Application` JSON, in id order.
    pub fn voucher_applications(&self) -> Result<Vec<String>, LabshareError> {
        self.read(|network| {
            let applications = network.vouchers().applications();
            Ok(applications
                .map(|application| to_json("application", application))
                .collect::<Result<_, _>>()?)
        })
    }

    /// Returns a voucher as `Voucher` JSON; fails with `NotFound` if none.
    pub fn voucher(&self, number: String) -> Result<String, LabshareError> {
        let number = VoucherNumber::new(number)?;
        self.read(|network| Ok(to_json("voucher", network.vouchers().voucher(&number)?)?))
    }

    /// Returns every voucher as `Voucher` JSON, in number order.
    pub fn vouchers(&self) -> Result<Vec<String>, LabshareError> {
        self.read(|network| {
            let vouchers = network.vouchers().vouchers();
            Ok(vouchers
                .map(|voucher| to_json("voucher", voucher))
                .collect::<Result<_, _>>()?)
        })
    }

    /// Returns the voucher use on booking `booking` as `ServiceUse` JSON;
    /// fails with `NotFound` if vouchers were not used on it.
    pub fn voucher_service_use(&self, booking: i64) -> Result<String, LabshareError> {
        let booking = booking_id(booking)?;
        self.read(|network| Ok(to_json("service use", network.vouchers().service_use(booking)?)?))
    }

    /// Returns the money of fund year `fundYear` in a scheme's pool as
    /// `PoolHolding` JSON (funded, returned, redeemed, held). Office only.
    pub fn voucher_pool_holding(&self, actor: Actor, fund_year: i32, scheme: String) -> Result<String, LabshareError> {
        let actor = labshare::Actor::try_from(actor)?;
        let scheme = SchemeId::new(scheme)?;
        self.read(|network| {
            let holding = network.fund().fund_year(&actor, fund_year)?.pool_holding(&scheme)?;
            Ok(to_json("pool holding", &holding)?)
        })
    }

    /// Returns every service paid with vouchers as `ServiceUse` JSON.
    pub fn voucher_service_uses(&self) -> Result<Vec<String>, LabshareError> {
        self.read(|network| {
            let services = network.vouchers().service_uses();
            Ok(services
                .map(|service| to_json("service use", service))
                .collect::<Result<_, _>>()?)
        })
    }

    /// Builds the report of a scheme and returns it as `VoucherReport` JSON.
    pub fn voucher_report(&self, scheme: String) -> Result<String, LabshareError> {
        let scheme = SchemeId::new(scheme)?;
        let report = self.read(|network| network.voucher_report(&scheme))?;
        Ok(to_json("report", &report)?)
    }

    /// Builds the report of a scheme and renders it as plain-text tables in
    /// `lang`, amounts in 元.
    pub fn render_voucher_report(&self, scheme: String, lang: Lang) -> Result<String, LabshareError> {
        let scheme = SchemeId::new(scheme)?;
        let report = self.read(|network| network.voucher_report(&scheme))?;
        Ok(report.render(lang))
    }
}

/// Converts a booking number from Kotlin's `Long`; a negative number fails
/// with `InvalidInput`.
fn booking_id(value: i64) -> Result<BookingId, LabshareError> {
    Ok(BookingId(integer("booking", value)?))
}
