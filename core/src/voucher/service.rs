//! Using vouchers on bookings, redemption, audit and expiry.

use std::collections::{BTreeMap, BTreeSet};

use super::booking_link::BookedService;
use super::{
    ApplicationState, Audit, AuditDecision, Context, FeeSource, PoolEntryKind, PoolTotals, ProviderScope, Redemption,
    RedemptionRequest, Release, SchemeRef, ServiceScope, ServiceUse, ServiceUseRequest, ShareLimit, Step, UseState,
    Voucher, VoucherBook, VoucherPayment, VoucherScheme, VoucherState, check_reason, normalize_invoice,
};
use crate::access;
use crate::booking::{BookingId, BookingState};
use crate::enterprise::{Applicant, require_self_or_office};
use crate::error::{Entity, Error, Result};
use crate::fund::PoolPosting;
use crate::ids::{InstrumentId, SchemeId, UnitId, VoucherNumber};
use crate::lang::Text;
use crate::money::Money;
use crate::registry::Registry;

/// Limit in characters of an invoice number.
const MAX_INVOICE_CHARS: usize = 32;

/// The changes of amounts going back to vouchers: the changed vouchers,
/// the pool totals and pool entries, and the scheme.
type GiveBack = (Vec<Voucher>, PoolTotals, Vec<(Money, PoolEntryKind)>, SchemeId);

impl VoucherBook {
    pub(super) fn use_vouchers(&mut self, step: &Step<'_>, context: &Context<'_>, request: &ServiceUseRequest) -> Result<()> {
        require_self_or_office(step.actor, &request.holder, "use_vouchers")?;
        let holder = context.enterprises.applicant(&request.holder)?;
        if self.uses.contains_key(&request.booking) {
            return Err(Error::rule(
                "voucher.service_used_once",
                Text::new(
                    format!("预约 {} 已使用过创新券；每项预约或送样只能用券一次", request.booking),
                    format!("booking {} already took vouchers; each booking or sample request takes vouchers once", request.booking),
                ),
            ));
        }
        check_request_values(request)?;

        let booked = context.bookings.booked_service(request.booking, step.at)?;
        check_booking_party(&booked, &request.holder)?;
        check_booking_usable(&booked)?;
        let provider = context.registry.instrument(&booked.instrument)?.unit.clone();

        let scheme_ref = self.check_payments(step, request, booked.service_date)?;
        let scheme = self.scheme(&scheme_ref.id)?.version(scheme_ref.version).ok_or_else(|| {
            Error::not_found(Entity::RuleSet, format!("{} v{}", scheme_ref.id, scheme_ref.version))
        })?;
        check_provider(context.registry, scheme, &provider, &booked.instrument, step)?;
        check_related_party(context, holder, &provider)?;

        let (fee, completed) = context.bookings.booking_fee(request.booking)?;
        if fee.is_zero() {
            return Err(Error::rule(
                "voucher.no_fee",
                Text::new(
                    format!("预约 {} 的服务费为 0，无需用券", request.booking),
                    format!("booking {} has a fee of 0, so there is nothing for vouchers to pay", request.booking),
                ),
            ));
        }
        let total = Money::sum(request.payments.iter().map(|p| p.amount))?;
        let share = scheme.rules.share.limit(fee, &holder.region)?;
        if total > share.limit {
            return Err(share_exceeded(total, &share));
        }

        let mut changed = Vec::with_capacity(request.payments.len());
        for payment in &request.payments {
            let mut voucher = self.voucher(&payment.voucher)?.clone();
            voucher.remaining = voucher.remaining.checked_sub(payment.amount)?;
            voucher.used = voucher.used.checked_add(payment.amount)?;
            voucher.services.push(request.booking);
            changed.push(voucher);
        }
        let service_use = ServiceUse {
            booking: request.booking,
            holder: request.holder.clone(),
            scheme: scheme_ref,
            provider,
            instrument: booked.instrument.clone(),
            test_item: booked.test_item.clone().unwrap_or_default(),
            fee,
            fee_source: if completed { FeeSource::ServiceRecord } else { FeeSource::Quote },
            service_date: booked.service_date,
            used_at: step.at,
            payments: request.payments.clone(),
            total,
            share,
            state: UseState::Open,
            redemptions: Vec::new(),
        };

        for voucher in changed {
            self.vouchers.insert(voucher.number.clone(), voucher);
        }
        self.uses.insert(request.booking, service_use);
        Ok(())
    }

    /// Checks each payment against its voucher and returns the vouchers' scheme.
    fn check_payments(&self, step: &Step<'_>, request: &ServiceUseRequest, service_date: chrono::NaiveDate) -> Result<SchemeRef> {
        let mut seen = BTreeSet::new();
        let mut scheme: Option<&SchemeRef> = None;
        for payment in &request.payments {
            if !seen.insert(&payment.voucher) {
                return Err(Error::invalid_value(
                    "payments",
                    &payment.voucher,
                    Text::new("每张券只列一次", "each voucher listed once"),
                ));
            }
            let voucher = self.voucher(&payment.voucher)?;
            check_voucher(step, request, voucher, payment.amount, service_date)?;
            match scheme {
                Some(first) if first != &voucher.scheme => {
                    return Err(Error::rule(
                        "voucher.mixed_schemes",
                        Text::new(
                            format!("券 {} 属于 {} 第 {} 版，与其他券的方案不同；一项服务只能使用同一方案版本的券", voucher.number, voucher.scheme.id, voucher.scheme.version),
                            format!(
                                "voucher {} belongs to {} version {}, unlike the others; one service takes vouchers of one scheme version",
                                voucher.number, voucher.scheme.id, voucher.scheme.version
                            ),
                        ),
                    ));
                }
                Some(_) => {}
                None => scheme = Some(&voucher.scheme),
            }
        }
        scheme.cloned().ok_or_else(|| Error::Missing { field: "payments".to_owned() })
    }

    // NOTE: cancelling, rejecting or expiring the booking in the booking
    // engine does not cancel its voucher use. The amounts stay committed,
    // and redemption is rejected, until the holder or the office cancels
    // the use here.
    pub(super) fn cancel_use(&mut self, step: &Step<'_>, booking: BookingId, reason: &str) -> Result<()> {
        let service_use = self.service_use(booking)?;
        require_self_or_office(step.actor, &service_use.holder, "cancel_voucher_use")?;
        check_reason("reason", reason)?;
        if service_use.state != UseState::Open {
            return Err(invalid_use_state(service_use, "cancel_voucher_use"));
        }
        let (vouchers, totals, entries, scheme) = self.give_back(service_use, &service_use.payments)?;

        self.commit_give_back(step, &scheme, vouchers, totals, entries);
        if let Some(service_use) = self.uses.get_mut(&booking) {
            service_use.state = UseState::Cancelled { reason: reason.to_owned() };
        }
        Ok(())
    }

    pub(super) fn request_redemption(&mut self, step: &Step<'_>, context: &Context<'_>, request: &RedemptionRequest) -> Result<()> {
        let service_use = self.service_use(request.booking)?;
        access::require_unit_admin(step.actor, &service_use.provider, "request_redemption")?;
        if service_use.state != UseState::Open {
            return Err(invalid_use_state(service_use, "request_redemption"));
        }
        let booked = context.bookings.booked_service(request.booking, step.at)?;
        let Some(record) = booked.record.filter(|_| booked.state == BookingState::Completed) else {
            return Err(not_completed(&booked));
        };
        let scheme = self.scheme(&service_use.scheme.id)?.version(service_use.scheme.version).ok_or_else(|| {
            Error::not_found(Entity::RuleSet, format!("{} v{}", service_use.scheme.id, service_use.scheme.version))
        })?;
        let today = scheme.local_date(step.at)?;
        check_invoice(request, record.amount, today)?;
        let number = normalize_invoice(&request.invoice.number);
        if let Some(other) = self.invoices.get(&number) {
            return Err(Error::rule(
                "voucher.invoice_used_once",
                Text::new(
                    format!("发票 {number} 已用于预约 {other} 的兑付；每张发票只能兑付一次"),
                    format!("invoice {number} is already on the redemption of booking {other}; an invoice redeems once"),
                ),
            ));
        }

        let holder = context.enterprises.applicant(&service_use.holder)?;
        let share = scheme.rules.share.limit(record.amount, &holder.region)?;
        let excess = service_use.total.checked_sub(share.limit).unwrap_or(Money::ZERO);
        let returns = trim_payments(&service_use.payments, excess)?;
        let (vouchers, totals, entries, scheme_id) = self.give_back(service_use, &returns)?;
        let payments = remaining_payments(&service_use.payments, &returns)?;
        let total = service_use.total.checked_sub(excess)?;

        let redemption = Redemption {
            invoice: request.invoice.clone(),
            completed_on: record.date,
            completed_amount: record.amount,
            returned: excess,
            requested_at: step.at,
            requested_by: step.actor.id.clone(),
            audit: None,
        };
        let (fee, service_date) = (record.amount, record.date);
        self.commit_give_back(step, &scheme_id, vouchers, totals, entries);
        self.invoices.insert(number, request.booking);
        if let Some(service_use) = self.uses.get_mut(&request.booking) {
            service_use.fee = fee;
            service_use.fee_source = FeeSource::ServiceRecord;
            service_use.service_date = service_date;
            service_use.share = share;
            service_use.payments = payments;
            service_use.total = total;
            service_use.state = UseState::RedemptionRequested;
            service_use.redemptions.push(redemption);
        }
        Ok(())
    }

    pub(super) fn audit(
        &mut self,
        step: &Step<'_>,
        context: &Context<'_>,
        booking: BookingId,
        decision: &AuditDecision,
    ) -> Result<Option<PoolPosting>> {
        access::require_office(step.actor, "audit_redemption")?;
        let service_use = self.service_use(booking)?;
        if service_use.state != UseState::RedemptionRequested {
            return Err(invalid_use_state(service_use, "audit_redemption"));
        }
        let invoice = service_use.redemptions.last().map(|r| normalize_invoice(&r.invoice.number)).unwrap_or_default();
        let scheme = service_use.scheme.id.clone();

        let (next, posting) = match decision {
            AuditDecision::Pay => {
                let state = self.scheme(&scheme)?;
                let kind = PoolEntryKind::Paid { booking, provider: service_use.provider.clone(), invoice: invoice.clone() };
                let totals = state.pool.after(state.pool.totals, service_use.total, &kind)?;
                let year = state.pool.fund_year.ok_or_else(|| Error::Corrupt {
                    location: format!("voucher pool {scheme}"),
                    detail: Text::new("资金池有预留金额却没有拨款年度", "the pool reserves money but names no fund year"),
                })?;
                let posting = PoolPosting::Pay {
                    year,
                    scheme: scheme.clone(),
                    amount: service_use.total,
                    provider: service_use.provider.clone(),
                    booking,
                    invoice: invoice.clone(),
                };
                context.fund.check_pool_posting(&posting)?;
                let amount = service_use.total;
                let stamp = step.stamp();
                if let Some(state) = self.schemes.get_mut(&scheme) {
                    state.pool.commit(&stamp, totals, vec![(amount, kind)]);
                }
                (UseState::Paid, Some(posting))
            }
            AuditDecision::Return { reason } => {
                check_reason("reason", reason)?;
                self.invoices.remove(&invoice);
                (UseState::Open, None)
            }
            AuditDecision::Reject { reason } => {
                check_reason("reason", reason)?;
                let (vouchers, totals, entries, scheme) = self.give_back(service_use, &service_use.payments)?;
                self.commit_give_back(step, &scheme, vouchers, totals, entries);
                self.invoices.remove(&invoice);
                (UseState::Rejected { reason: reason.clone() }, None)
            }
        };

        if let Some(service_use) = self.uses.get_mut(&booking) {
            service_use.state = next;
            if let Some(redemption) = service_use.redemptions.last_mut() {
                redemption.audit = Some(Audit { at: step.at, actor: step.actor.id.clone(), decision: decision.clone() });
            }
        }
        Ok(posting)
    }

    /// Computes the vouchers and pool after `returns` of a service go back:
    /// onto each voucher while it is active, to the pool once it expired.
    fn give_back(&self, service_use: &ServiceUse, returns: &[VoucherPayment]) -> Result<GiveBack> {
        let state = self.scheme(&service_use.scheme.id)?;
        let mut totals = state.pool.totals;
        let mut entries = Vec::new();
        let mut vouchers: BTreeMap<VoucherNumber, Voucher> = BTreeMap::new();
        for payment in returns.iter().filter(|p| !p.amount.is_zero()) {
            let mut voucher = match vouchers.remove(&payment.voucher) {
                Some(voucher) => voucher,
                None => self.voucher(&payment.voucher)?.clone(),
            };
            voucher.used = voucher.used.checked_sub(payment.amount)?;
            if voucher.state == VoucherState::Expired {
                voucher.expired = voucher.expired.checked_add(payment.amount)?;
                let kind = PoolEntryKind::Released {
                    release: Release::ReturnedAfterExpiry { booking: service_use.booking, voucher: voucher.number.clone() },
                };
                totals = state.pool.after(totals, payment.amount, &kind)?;
                entries.push((payment.amount, kind));
            } else {
                voucher.remaining = voucher.remaining.checked_add(payment.amount)?;
            }
            vouchers.insert(voucher.number.clone(), voucher);
        }
        Ok((vouchers.into_values().collect(), totals, entries, service_use.scheme.id.clone()))
    }

    fn commit_give_back(
        &mut self,
        step: &Step<'_>,
        scheme: &SchemeId,
        vouchers: Vec<Voucher>,
        totals: PoolTotals,
        entries: Vec<(Money, PoolEntryKind)>,
    ) {
        let stamp = step.stamp();
        if let Some(state) = self.schemes.get_mut(scheme) {
            state.pool.commit(&stamp, totals, entries);
        }
        for voucher in vouchers {
            self.vouchers.insert(voucher.number.clone(), voucher);
        }
    }

    /// Expires the vouchers of `scheme` whose validity has ended and lapses
    /// grants that can no longer be issued; the balances go back to the pool.
    pub(super) fn expire(&mut self, step: &Step<'_>, scheme_id: &SchemeId) -> Result<()> {
        access::require_office(step.actor, "expire_vouchers")?;
        let state = self.scheme(scheme_id)?;
        let mut totals = state.pool.totals;
        let mut entries = Vec::new();

        let mut expiring = Vec::new();
        for voucher in self.vouchers.values() {
            if &voucher.scheme.id != scheme_id || voucher.state != VoucherState::Active || voucher.expires_at > step.at {
                continue;
            }
            if !voucher.remaining.is_zero() {
                let kind = PoolEntryKind::Released { release: Release::VoucherExpired { voucher: voucher.number.clone() } };
                totals = state.pool.after(totals, voucher.remaining, &kind)?;
                entries.push((voucher.remaining, kind));
            }
            expiring.push(voucher.number.clone());
        }

        let mut lapsing = Vec::new();
        for application in self.applications.values() {
            if &application.scheme.id != scheme_id || application.state != ApplicationState::Approved {
                continue;
            }
            let Some(scheme) = state.version(application.scheme.version) else { continue };
            if !grant_lapsed(scheme, step)? {
                continue;
            }
            let kind = PoolEntryKind::Released { release: Release::ApprovalLapsed { application: application.id.clone() } };
            totals = state.pool.after(totals, application.granted, &kind)?;
            entries.push((application.granted, kind));
            lapsing.push(application.id.clone());
        }

        let stamp = step.stamp();
        if let Some(state) = self.schemes.get_mut(scheme_id) {
            state.pool.commit(&stamp, totals, entries);
        }
        for number in expiring {
            if let Some(voucher) = self.vouchers.get_mut(&number) {
                voucher.expired = voucher.remaining;
                voucher.remaining = Money::ZERO;
                voucher.state = VoucherState::Expired;
            }
        }
        for id in lapsing {
            if let Some(application) = self.applications.get_mut(&id) {
                application.granted = Money::ZERO;
                application.state = ApplicationState::Lapsed;
            }
        }
        Ok(())
    }
}

/// Returns true once vouchers issued now would already be expired.
fn grant_lapsed(scheme: &VoucherScheme, step: &Step<'_>) -> Result<bool> {
    let (_, expires_at) = scheme.expiry(step.at)?;
    Ok(expires_at <= step.at)
}

fn check_request_values(request: &ServiceUseRequest) -> Result<()> {
    if request.payments.is_empty() {
        return Err(Error::Missing { field: "payments".to_owned() });
    }
    if let Some(payment) = request.payments.iter().find(|p| p.amount.is_zero()) {
        return Err(Error::invalid_value(
            "payments.amount",
            format!("{}: 0", payment.voucher),
            Text::new("每张券支付大于 0 的金额", "an amount above zero from each voucher"),
        ));
    }
    Ok(())
}

fn check_booking_party(booked: &BookedService<'_>, holder: &crate::ids::EnterpriseId) -> Result<()> {
    if booked.enterprise.as_ref() == Some(holder) {
        return Ok(());
    }
    let (zh, en) = match &booked.enterprise {
        Some(other) => (format!("为 {other} 所做"), format!("was made for {other}")),
        None => ("不是以企业或团队身份所做".to_owned(), "was not made as an enterprise or team".to_owned()),
    };
    Err(Error::rule(
        "voucher.booking_other_party",
        Text::new(
            format!("预约 {} {zh}，不属于 {holder}；只能在本主体联系人提交的预约或送样上用券", booked.id),
            format!("booking {} {en}, not for {holder}; use vouchers only on bookings your own contact made", booked.id),
        ),
    ))
}

fn check_booking_usable(booked: &BookedService<'_>) -> Result<()> {
    if booked.is_usable() {
        return Ok(());
    }
    Err(Error::rule(
        "voucher.booking_closed",
        Text::new(
            format!("预约 {} 状态为{}，不能用券；请在有效的预约或送样上用券", booked.id, booked.state.label_zh()),
            format!("booking {} is {}, so vouchers cannot pay for it; use them on a live booking or sample request", booked.id, booked.state.name()),
        ),
    ))
}

fn not_completed(booked: &BookedService<'_>) -> Error {
    Error::rule(
        "voucher.booking_not_completed",
        Text::new(
            format!("预约 {} 状态为{}，尚未完成；请在服务完成登记后申请兑付", booked.id, booked.state.label_zh()),
            format!("booking {} is {}, not completed; request redemption after the booking is completed", booked.id, booked.state.name()),
        ),
    )
}

fn share_exceeded(total: Money, share: &ShareLimit) -> Error {
    let steps: Vec<&str> = share.explanation.steps.iter().map(|s| s.zh.as_str()).collect();
    let steps_en: Vec<&str> = share.explanation.steps.iter().map(|s| s.en.as_str()).collect();
    Error::rule(
        "voucher.share_limit",
        Text::new(
            format!("用券合计 {total} 超过可支付上限 {}：{}；其余部分应由申请主体自付", share.limit, steps.join("；")),
            format!(
                "vouchers of {total} exceed the limit of {}: {}; the holder pays the rest itself",
                share.limit,
                steps_en.join("; ")
            ),
        ),
    )
}

/// Splits `excess` over the payments from the last to the first: the
/// amounts that go back to each voucher when the completed amount allows
/// less than the vouchers committed.
fn trim_payments(payments: &[VoucherPayment], excess: Money) -> Result<Vec<VoucherPayment>> {
    let mut left = excess;
    let mut returns = Vec::new();
    for payment in payments.iter().rev() {
        if left.is_zero() {
            break;
        }
        let amount = payment.amount.min(left);
        left = left.checked_sub(amount)?;
        returns.push(VoucherPayment { voucher: payment.voucher.clone(), amount });
    }
    Ok(returns)
}

/// Returns `payments` less `returns`, dropping payments cut to zero.
fn remaining_payments(payments: &[VoucherPayment], returns: &[VoucherPayment]) -> Result<Vec<VoucherPayment>> {
    let mut kept = Vec::with_capacity(payments.len());
    for payment in payments {
        let returned = Money::sum(returns.iter().filter(|r| r.voucher == payment.voucher).map(|r| r.amount))?;
        let amount = payment.amount.checked_sub(returned)?;
        if !amount.is_zero() {
            kept.push(VoucherPayment { voucher: payment.voucher.clone(), amount });
        }
    }
    Ok(kept)
}

fn check_voucher(step: &Step<'_>, request: &ServiceUseRequest, voucher: &Voucher, amount: Money, service_date: chrono::NaiveDate) -> Result<()> {
    if voucher.holder != request.holder {
        return Err(Error::rule(
            "voucher.not_holder",
            Text::new(
                format!("券 {} 属于 {}，不属于 {}；只能使用本主体的券", voucher.number, voucher.holder, request.holder),
                format!("voucher {} belongs to {}, not {}; use your own vouchers", voucher.number, voucher.holder, request.holder),
            ),
        ));
    }
    if voucher.state == VoucherState::Expired || step.at >= voucher.expires_at {
        return Err(Error::rule(
            "voucher.expired",
            Text::new(
                format!("券 {} 已于 {} 后过期", voucher.number, voucher.last_valid_date),
                format!("voucher {} expired after {}", voucher.number, voucher.last_valid_date),
            ),
        ));
    }
    let issued_on = voucher.first_valid_date;
    if service_date > voucher.last_valid_date || service_date < issued_on {
        return Err(Error::rule(
            "voucher.service_date_outside_validity",
            Text::new(
                format!(
                    "服务日期 {} 不在券 {} 的有效期（{} 至 {}）内",
                    service_date, voucher.number, issued_on, voucher.last_valid_date
                ),
                format!(
                    "the service date {} lies outside the validity of voucher {} ({} to {})",
                    service_date, voucher.number, issued_on, voucher.last_valid_date
                ),
            ),
        ));
    }
    if amount > voucher.remaining {
        return Err(Error::rule(
            "voucher.insufficient_balance",
            Text::new(
                format!("券 {} 余额 {}，不足 {amount}", voucher.number, voucher.remaining),
                format!("voucher {} has {} left, less than {amount}", voucher.number, voucher.remaining),
            ),
        ));
    }
    Ok(())
}

fn check_provider(registry: &Registry, scheme: &VoucherScheme, unit: &UnitId, instrument_id: &InstrumentId, step: &Step<'_>) -> Result<()> {
    registry.unit(unit)?;
    let has_published = registry.instruments().any(|i| &i.unit == unit && i.was_published_at(step.at));
    let listed = match &scheme.rules.providers {
        ProviderScope::PublishedMembers => true,
        ProviderScope::Listed { units } => units.contains(unit),
    };
    if !has_published || !listed {
        let (why_zh, why_en) = if has_published {
            ("不在本方案的服务单位名单内", "is not on the scheme's list of providers")
        } else {
            ("没有已发布的仪器", "has no published instrument")
        };
        return Err(Error::rule(
            "voucher.provider_not_eligible",
            Text::new(
                format!("网员单位 {unit} {why_zh}，不能提供创新券服务"),
                format!("member unit {unit} {why_en}, so it cannot provide voucher-paid services"),
            ),
        ));
    }

    let instrument = registry.instrument(instrument_id)?;
    let listed = match &scheme.rules.services {
        ServiceScope::PublishedInstruments => true,
        ServiceScope::Listed { instruments } => instruments.contains(instrument_id),
    };
    let problem = if &instrument.unit != unit {
        Some((format!("属于 {}，不属于服务单位 {unit}", instrument.unit), format!("belongs to {}, not to provider {unit}", instrument.unit)))
    } else if !instrument.was_published_at(step.at) {
        Some(("尚未发布".to_owned(), "is not published".to_owned()))
    } else if !listed {
        Some(("不在本方案的服务目录内".to_owned(), "is not in the scheme's list of services".to_owned()))
    } else {
        None
    };
    if let Some((zh, en)) = problem {
        return Err(Error::rule(
            "voucher.service_not_eligible",
            Text::new(
                format!("仪器 {instrument_id} {zh}，不能用创新券支付"),
                format!("instrument {instrument_id} {en}, so vouchers cannot pay for it"),
            ),
        ));
    }
    Ok(())
}

fn check_related_party(context: &Context<'_>, holder: &Applicant, provider: &UnitId) -> Result<()> {
    match context.enterprises.related_party(provider, holder) {
        Some(tie) => Err(Error::rule(tie.rule(), tie.describe(provider, &holder.id))),
        None => Ok(()),
    }
}

fn check_invoice(request: &RedemptionRequest, completed_amount: Money, today: chrono::NaiveDate) -> Result<()> {
    let invoice = &request.invoice;
    let number = invoice.number.trim();
    let count = number.chars().count();
    if count == 0 || count > MAX_INVOICE_CHARS || !number.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Error::invalid_value(
            "invoice.number",
            &invoice.number,
            Text::new(
                format!("1–{MAX_INVOICE_CHARS} 位字母或数字的发票号码"),
                format!("an invoice number of 1 to {MAX_INVOICE_CHARS} letters or digits"),
            ),
        ));
    }
    if invoice.issued_on > today {
        return Err(Error::invalid_value(
            "invoice.issued_on",
            invoice.issued_on,
            Text::new(format!("不晚于今天 {today} 的开票日期"), format!("an issue date no later than today, {today}")),
        ));
    }
    if invoice.amount != completed_amount {
        return Err(Error::rule(
            "voucher.invoice_amount",
            Text::new(
                format!("发票金额 {} 与服务记录的完成金额 {completed_amount} 不符；发票应开具全部服务费", invoice.amount),
                format!(
                    "the invoice amount {} differs from the completed amount {completed_amount} of the service record; invoice the whole fee",
                    invoice.amount
                ),
            ),
        ));
    }
    Ok(())
}

fn invalid_use_state(service_use: &ServiceUse, action: &str) -> Error {
    Error::InvalidState {
        entity: Entity::ServiceUse,
        id: service_use.booking.to_string(),
        state: service_use.state.name().to_owned(),
        action: action.to_owned(),
    }
}
