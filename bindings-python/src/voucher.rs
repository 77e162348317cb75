//! Innovation vouchers (创新券): credit codes, SME size classes, applicants,
//! schemes, the pool, and the voucher lifecycle, as `Network` methods and
//! free functions.
//!
//! Applicants, provider ties, schemes and the requests of the lifecycle are
//! large nested core types, so they cross as their serde JSON text. So do the
//! records that queries return: applications, vouchers, service uses, scheme
//! states, classifications, pool holdings in the fund and the report.
//! Bookings are named by their number, as in the booking methods. Amounts inside that JSON
//! are strings in 元 with two places, such as `"1234.50"`, so they stay exact.
//! Text that does not parse raises `InvalidInputError` with code
//! `invalid_value` naming the argument. Pool totals and credit codes, which
//! callers read field by field, are dataclasses of `labshare.voucher`.

use labshare::credit_code::{CreditCode, check_character};
use labshare::sme::{SizeFigures, SizeStandard};
use labshare::booking::BookingId;
use labshare::voucher::PoolTotals;
use labshare::{ApplicationId, EnterpriseId, Lang, SchemeId, Text, UnitId, VoucherNumber};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::convert::access::actor;
use crate::convert::object::PythonClass;
use crate::convert::{decimal, instant, integer, money, py_money};
use crate::errors::CoreError;
use crate::network::Network;

static CREDIT_CODE: PythonClass = PythonClass::new("labshare.voucher", "CreditCode");
static POOL_TOTALS: PythonClass = PythonClass::new("labshare.voucher", "PoolTotals");

/// Parses the JSON text of argument `argument` as a core type.
fn from_json<T: DeserializeOwned>(argument: &str, json: &str) -> Result<T, CoreError> {
    serde_json::from_str(json).map_err(|error| {
        CoreError::from(labshare::Error::invalid_value(
            argument,
            error,
            Text::new(
                "符合该类型 serde 格式的 JSON 文本",
                "JSON text in the serde form of this type",
            ),
        ))
    })
}

/// Writes a core value as JSON text.
fn to_json<T: Serialize>(what: &str, value: &T) -> Result<String, CoreError> {
    // Voucher types hold no maps with non-string keys and no failing
    // serialisers, so this error is not expected in practice.
    serde_json::to_string(value).map_err(|error| {
        CoreError::from(labshare::Error::Corrupt {
            location: what.to_owned(),
            detail: Text::new(
                format!("无法写成 JSON：{error}"),
                format!("could not be written as JSON: {error}"),
            ),
        })
    })
}

fn py_pool_totals<'py>(py: Python<'py>, totals: &PoolTotals) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("funded", py_money(py, totals.funded)?)?;
    kwargs.set_item("withdrawn", py_money(py, totals.withdrawn)?)?;
    kwargs.set_item("reserved", py_money(py, totals.reserved)?)?;
    kwargs.set_item("paid", py_money(py, totals.paid)?)?;
    kwargs.set_item("free", py_money(py, totals.free().map_err(CoreError::from)?)?)?;
    POOL_TOTALS.build(&kwargs)
}

/// Parse and check a unified social credit code (统一社会信用代码, GB 32100-2015).
///
/// Returns a ``labshare.voucher.CreditCode``. Raises ``InvalidInputError``
/// for a code of the wrong length, with characters outside the code's
/// alphabet, or whose check character does not match.
#[pyfunction]
pub fn parse_credit_code<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let code = CreditCode::parse(text).map_err(CoreError::from)?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("code", code.as_str())?;
    kwargs.set_item("authority", code.authority().to_string())?;
    kwargs.set_item("division", code.division())?;
    CREDIT_CODE.build(&kwargs)
}

/// Compute the check character (18th character) of a credit code from its
/// first 17 characters. Raises ``InvalidInputError`` for other input.
#[pyfunction]
pub fn credit_code_check_character(first17: &str) -> PyResult<String> {
    Ok(check_character(first17)
        .map_err(CoreError::from)?
        .to_string())
}

/// Classify an enterprise under the 2011 SME size standard (中小企业划型标准)
/// and return the ``Classification`` as JSON text, with the classes tested
/// and the explanation in Chinese and English.
///
/// ``revenue`` and ``total_assets`` are ``Decimal`` amounts in 元. Raises
/// ``InvalidInputError`` for an industry the standard lacks or bad amounts.
#[pyfunction]
pub fn classify_size(
    industry: &str,
    staff: &Bound<'_, PyAny>,
    revenue: &Bound<'_, PyAny>,
    total_assets: &Bound<'_, PyAny>,
) -> PyResult<String> {
    let figures = SizeFigures {
        staff: integer("staff", staff)?,
        revenue: money("revenue", revenue)?,
        total_assets: money("total_assets", total_assets)?,
    };
    let standard = SizeStandard::sme_2011().map_err(CoreError::from)?;
    let result = standard
        .classify(industry, &figures)
        .map_err(CoreError::from)?;
    Ok(to_json("classification", &result)?)
}

#[pymethods]
impl Network {
    /// Register an enterprise or startup team, given as ``Applicant`` JSON.
    /// The office or the applicant's own contact may do this.
    fn register_applicant(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        applicant: &str,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let applicant = from_json("applicant", applicant)?;
        Ok(self.change(py, |network| network.register_applicant(&actor, now, applicant))?)
    }

    /// Replace an applicant's data (``Applicant`` JSON), such as a new
    /// year's figures.
    fn update_applicant(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        applicant: &str,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let applicant = from_json("applicant", applicant)?;
        Ok(self.change(py, |network| network.update_applicant(&actor, now, applicant))?)
    }

    /// Record a provider unit's actual controller and stakes
    /// (``ProviderTies`` JSON), replacing what it recorded before. The unit's
    /// administrator or the office may do this.
    fn record_provider_ties(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        ties: &str,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let ties = from_json("ties", ties)?;
        Ok(self.change(py, |network| network.record_provider_ties(&actor, now, ties))?)
    }

    /// Publish a size standard (``SizeStandard`` JSON). Office only.
    fn publish_size_standard(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        standard: &str,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let standard = from_json("standard", standard)?;
        Ok(self.change(py, |network| network.publish_size_standard(&actor, now, standard))?)
    }

    /// Publish a version of a voucher scheme with its rules
    /// (``VoucherScheme`` JSON). Office only.
    fn publish_voucher_scheme(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        scheme: &str,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let scheme = from_json("scheme", scheme)?;
        Ok(self.change(py, |network| network.publish_voucher_scheme(&actor, now, scheme))?)
    }

    /// Move ``amount`` (``Decimal``, 元) from the voucher category of fund
    /// year ``fund_year`` into a scheme's pool; the fund ledger earmarks it.
    /// Office only.
    fn fund_voucher_pool(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        scheme: &str,
        fund_year: &Bound<'_, PyAny>,
        amount: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let scheme = SchemeId::new(scheme).map_err(CoreError::from)?;
        let fund_year: i32 = integer("fund_year", fund_year)?;
        let amount = money("amount", amount)?;
        Ok(self.change(py, |network| {
            network.fund_voucher_pool(&actor, now, scheme, fund_year, amount)
        })?)
    }

    /// Return ``amount`` (``Decimal``, 元) of a scheme pool's free money to
    /// the fund's voucher category. Office only.
    fn withdraw_from_voucher_pool(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        scheme: &str,
        amount: &Bound<'_, PyAny>,
        reason: &str,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let scheme = SchemeId::new(scheme).map_err(CoreError::from)?;
        let amount = money("amount", amount)?;
        Ok(self.change(py, |network| {
            network.withdraw_from_voucher_pool(&actor, now, scheme, amount, reason)
        })?)
    }

    /// Apply for vouchers (``ApplicationRequest`` JSON).
    fn apply_for_vouchers(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        request: &str,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let request = from_json("request", request)?;
        Ok(self.change(py, |network| network.apply_for_vouchers(&actor, now, request))?)
    }

    /// Score a pending application (``Decimal`` or ``int``), for schemes that
    /// grant by score. Office only.
    fn score_voucher_application(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        application: &str,
        score: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let application = ApplicationId::new(application).map_err(CoreError::from)?;
        let score = decimal("score", score)?;
        Ok(self.change(py, |network| {
            network.score_voucher_application(&actor, now, application, score)
        })?)
    }

    /// Withdraw a pending application. The applicant's contact or the office
    /// may do this.
    fn withdraw_voucher_application(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        application: &str,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let application = ApplicationId::new(application).map_err(CoreError::from)?;
        Ok(self.change(py, |network| {
            network.withdraw_voucher_application(&actor, now, application)
        })?)
    }

    /// Reject a pending application with a reason. Office only.
    fn reject_voucher_application(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        application: &str,
        reason: &str,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let application = ApplicationId::new(application).map_err(CoreError::from)?;
        Ok(self.change(py, |network| {
            network.reject_voucher_application(&actor, now, application, reason)
        })?)
    }

    /// Decide every pending application of a scheme in the scheme's order,
    /// within the caps and the pool. Office only.
    fn decide_voucher_applications(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        scheme: &str,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let scheme = SchemeId::new(scheme).map_err(CoreError::from)?;
        Ok(self.change(py, |network| {
            network.decide_voucher_applications(&actor, now, scheme)
        })?)
    }

    /// Issue the vouchers of an approved application. Office only.
    fn issue_vouchers(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        application: &str,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let application = ApplicationId::new(application).map_err(CoreError::from)?;
        Ok(self.change(py, |network| network.issue_vouchers(&actor, now, application))?)
    }

    /// Pay toward one of the holder's bookings or sample requests with
    /// vouchers (``ServiceUseRequest`` JSON: booking number, holder,
    /// payments); the fee comes from the booking.
    fn use_vouchers(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        request: &str,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let request = from_json("request", request)?;
        Ok(self.change(py, |network| network.use_vouchers(&actor, now, request))?)
    }

    /// Cancel the voucher use on booking ``booking`` before redemption. The
    /// amounts go back to the vouchers, or to the pool for vouchers that
    /// expired meanwhile.
    fn cancel_voucher_use(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        booking: u64,
        reason: &str,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        Ok(self.change(py, |network| {
            network.cancel_voucher_use(&actor, now, BookingId(booking), reason)
        })?)
    }

    /// Request redemption of a completed booking's vouchers
    /// (``RedemptionRequest`` JSON: booking number and invoice).
    fn request_redemption(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        request: &str,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let request = from_json("request", request)?;
        Ok(self.change(py, |network| network.request_redemption(&actor, now, request))?)
    }

    /// Audit a redemption request: pay, return or reject it
    /// (``AuditDecision`` JSON). Office only.
    fn audit_redemption(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        booking: u64,
        decision: &str,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let decision = from_json("decision", decision)?;
        Ok(self.change(py, |network| {
            network.audit_redemption(&actor, now, BookingId(booking), decision)
        })?)
    }

    /// Expire the vouchers of a scheme whose validity ended by ``now`` and
    /// lapse grants that can no longer be issued, so their balances go back
    /// to the pool. Office only.
    fn expire_vouchers(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        scheme: &str,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let now = instant("now", now)?;
        let scheme = SchemeId::new(scheme).map_err(CoreError::from)?;
        Ok(self.change(py, |network| network.expire_vouchers(&actor, now, scheme))?)
    }

    /// Return a registered applicant as ``Applicant`` JSON; raises
    /// ``NotFoundError`` if none.
    fn applicant(&self, py: Python<'_>, id: &str) -> PyResult<String> {
        let id = EnterpriseId::new(id).map_err(CoreError::from)?;
        let found = self.read(py, |network| network.enterprises().applicant(&id).cloned());
        Ok(to_json("applicant", &found.map_err(CoreError::from)?)?)
    }

    /// Return a provider unit's ties as ``ProviderTies`` JSON, or ``None``.
    fn provider_ties(&self, py: Python<'_>, unit: &str) -> PyResult<Option<String>> {
        let unit = UnitId::new(unit).map_err(CoreError::from)?;
        let found = self.read(py, |network| network.enterprises().ties(&unit).cloned());
        Ok(found.map(|ties| to_json("provider ties", &ties)).transpose()?)
    }

    /// Classify a registered enterprise under the size standard of the scheme
    /// version in force at ``on``; returns ``Classification`` JSON.
    fn classify_applicant(
        &self,
        py: Python<'_>,
        applicant: &str,
        scheme: &str,
        on: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let applicant = EnterpriseId::new(applicant).map_err(CoreError::from)?;
        let scheme = SchemeId::new(scheme).map_err(CoreError::from)?;
        let on = instant("on", on)?;
        let result = self.read(py, |network| network.classify_applicant(&applicant, &scheme, on));
        Ok(to_json("classification", &result.map_err(CoreError::from)?)?)
    }

    /// Return a scheme's versions and pool as ``SchemeState`` JSON; raises
    /// ``NotFoundError`` if none.
    fn voucher_scheme(&self, py: Python<'_>, id: &str) -> PyResult<String> {
        let id = SchemeId::new(id).map_err(CoreError::from)?;
        let found = self.read(py, |network| network.vouchers().scheme(&id).cloned());
        Ok(to_json("scheme", &found.map_err(CoreError::from)?)?)
    }

    /// Return the pool totals of a scheme as ``labshare.voucher.PoolTotals``.
    fn voucher_pool_totals<'py>(&self, py: Python<'py>, scheme: &str) -> PyResult<Bound<'py, PyAny>> {
        let scheme = SchemeId::new(scheme).map_err(CoreError::from)?;
        let found = self.read(py, |network| {
            network.vouchers().scheme(&scheme).map(|state| state.pool.totals)
        });
        py_pool_totals(py, &found.map_err(CoreError::from)?)
    }

    /// Return an application as ``Application`` JSON; raises
    /// ``NotFoundError`` if none.
    fn voucher_application(&self, py: Python<'_>, id: &str) -> PyResult<String> {
        let id = ApplicationId::new(id).map_err(CoreError::from)?;
        let found = self.read(py, |network| network.vouchers().application(&id).cloned());
        Ok(to_json("application", &found.map_err(CoreError::from)?)?)
    }

    /// Return every application as ``Application`` JSON, in id order.
    fn voucher_applications(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        let found: Vec<_> = self.read(py, |network| network.vouchers().applications().cloned().collect());
        Ok(found
            .iter()
            .map(|application| to_json("application", application))
            .collect::<Result<_, _>>()?)
    }

    /// Return a voucher as ``Voucher`` JSON; raises ``NotFoundError`` if none.
    fn voucher(&self, py: Python<'_>, number: &str) -> PyResult<String> {
        let number = VoucherNumber::new(number).map_err(CoreError::from)?;
        let found = self.read(py, |network| network.vouchers().voucher(&number).cloned());
        Ok(to_json("voucher", &found.map_err(CoreError::from)?)?)
    }

    /// Return every voucher as ``Voucher`` JSON, in number order.
    fn vouchers(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        let found: Vec<_> = self.read(py, |network| network.vouchers().vouchers().cloned().collect());
        Ok(found
            .iter()
            .map(|voucher| to_json("voucher", voucher))
            .collect::<Result<_, _>>()?)
    }

    /// Return the voucher use on booking ``booking`` as ``ServiceUse`` JSON;
    /// raises ``NotFoundError`` if vouchers were not used on it.
    fn voucher_service_use(&self, py: Python<'_>, booking: u64) -> PyResult<String> {
        let found = self.read(py, |network| network.vouchers().service_use(BookingId(booking)).cloned());
        Ok(to_json("service use", &found.map_err(CoreError::from)?)?)
    }

    /// Return the money of fund year ``fund_year`` in a scheme's pool as
    /// ``PoolHolding`` JSON (funded, returned, redeemed, held). Office only.
    fn voucher_pool_holding(
        &self,
        py: Python<'_>,
        actor: &Bound<'_, PyAny>,
        fund_year: &Bound<'_, PyAny>,
        scheme: &str,
    ) -> PyResult<String> {
        let actor = self::actor("actor", actor)?;
        let fund_year: i32 = integer("fund_year", fund_year)?;
        let scheme = SchemeId::new(scheme).map_err(CoreError::from)?;
        let found = self.read(py, |network| {
            network.fund().fund_year(&actor, fund_year).and_then(|year| year.pool_holding(&scheme))
        });
        Ok(to_json("pool holding", &found.map_err(CoreError::from)?)?)
    }

    /// Return every service paid with vouchers as ``ServiceUse`` JSON.
    fn voucher_service_uses(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        let found: Vec<_> = self.read(py, |network| network.vouchers().service_uses().cloned().collect());
        Ok(found
            .iter()
            .map(|service| to_json("service use", service))
            .collect::<Result<_, _>>()?)
    }

    /// Build the report of a scheme and return it as ``VoucherReport`` JSON.
    fn voucher_report(&self, py: Python<'_>, scheme: &str) -> PyResult<String> {
        let scheme = SchemeId::new(scheme).map_err(CoreError::from)?;
        let report = self.read(py, |network| network.voucher_report(&scheme));
        Ok(to_json("report", &report.map_err(CoreError::from)?)?)
    }

    /// Build the report of a scheme and render it as plain-text tables in
    /// ``lang`` (``"zh"`` or ``"en"``), amounts in 元.
    fn render_voucher_report(&self, py: Python<'_>, scheme: &str, lang: &str) -> PyResult<String> {
        let scheme = SchemeId::new(scheme).map_err(CoreError::from)?;
        let lang = Lang::parse(lang).map_err(CoreError::from)?;
        let report = self.read(py, |network| network.voucher_report(&scheme));
        Ok(report.map_err(CoreError::from)?.render(lang))
    }
}
