//! Using vouchers on services, redemption, audit and expiry.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    Audit, AuditDecision, Context, PoolEntryKind, PoolTotals, ProviderScope, Redemption, RedemptionRequest, Release,
    SchemeRef, ServiceScope, ServiceUse, ServiceUseRequest, Step, UseState, Voucher, VoucherBook, VoucherScheme,
    VoucherState, ApplicationState, check_reason, normalize_invoice,
};
use crate::access;
use crate::enterprise::{Applicant, require_self_or_office};
use crate::error::{Entity, Error, Result};
use crate::ids::{SchemeId, ServiceRef, VoucherNumber};
use crate::lang::Text;
use crate::money::Money;
use crate::registry::Registry;

/// Limit in characters of a test item name.
const MAX_TEST_ITEM_CHARS: usize = 100;
/// Limit in characters of an invoice number.
const MAX_INVOICE_CHARS: usize = 32;

impl VoucherBook {
    pub(super) fn use_vouchers(&mut self, step: &Step<'_>, context: &Context<'_>, request: &ServiceUseRequest) -> Result<()> {
        require_self_or_office(step.actor, &request.holder, "use_vouchers")?;
        let holder = context.enterprises.applicant(&request.holder)?;
        if self.uses.contains_key(&request.service) {
            return Err(Error::rule(
                "voucher.service_used_once",
                Text::new(
                    format!("服务 {} 已使用过创新券；每项服务只能用券一次", request.service),
                    format!("service {} already took vouchers; each service takes vouchers once", request.service),
                ),
            ));
        }
        check_request_values(request)?;

        let scheme_ref = self.check_payments(step, request)?;
        let scheme = self.scheme(&scheme_ref.id)?.version(scheme_ref.version).ok_or_else(|| {
            Error::not_found(Entity::RuleSet, format!("{} v{}", scheme_ref.id, scheme_ref.version))
        })?;
        check_provider(context.registry, scheme, request, step)?;
        check_related_party(context, holder, request)?;

        let total = Money::sum(request.payments.iter().map(|p| p.amount))?;
        let share = scheme.rules.share.limit(request.fee, &holder.region)?;
        if total > share.limit {
            let steps: Vec<&str> = share.explanation.steps.iter().map(|s| s.zh.as_str()).collect();
            let steps_en: Vec<&str> = share.explanation.steps.iter().map(|s| s.en.as_str()).collect();
            return Err(Error::rule(
                "voucher.share_limit",
                Text::new(
                    format!("用券合计 {total} 超过可支付上限 {}：{}；其余部分应由申请主体自付", share.limit, steps.join("；")),
                    format!(
                        "vouchers of {total} exceed the limit of {}: {}; the holder pays the rest itself",
                        share.limit,
                        steps_en.join("; ")
                    ),
                ),
            ));
        }

        let mut changed = Vec::with_capacity(request.payments.len());
        for payment in &request.payments {
            let mut voucher = self.voucher(&payment.voucher)?.clone();
            voucher.remaining = voucher.remaining.checked_sub(payment.amount)?;
            voucher.used = voucher.used.checked_add(payment.amount)?;
            voucher.services.push(request.service.clone());
            changed.push(voucher);
        }
        let service_use = ServiceUse {
            service: request.service.clone(),
            holder: request.holder.clone(),
            scheme: scheme_ref,
            provider: request.provider.clone(),
            instrument: request.instrument.clone(),
            test_item: request.test_item.clone(),
            fee: request.fee,
            service_date: request.service_date,
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
        self.uses.insert(request.service.clone(), service_use);
        Ok(())
    }

    /// Checks each payment against its voucher and returns the vouchers' scheme.
    fn check_payments(&self, step: &Step<'_>, request: &ServiceUseRequest) -> Result<SchemeRef> {
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
            check_voucher(step, request, voucher, payment.amount)?;
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

    pub(super) fn cancel_use(&mut self, step: &Step<'_>, service: &ServiceRef, reason: &str) -> Result<()> {
        let service_use = self.service_use(service)?;
        require_self_or_office(step.actor, &service_use.holder, "cancel_voucher_use")?;
        check_reason("reason", reason)?;
        if service_use.state != UseState::Open {
            return Err(invalid_use_state(service_use, "cancel_voucher_use"));
        }
        let (vouchers, totals, entries, scheme) = self.give_back(service_use)?;

        self.commit_give_back(step, &scheme, vouchers, totals, entries);
        if let Some(service_use) = self.uses.get_mut(service) {
            service_use.state = UseState::Cancelled { reason: reason.to_owned() };
        }
        Ok(())
    }

    pub(super) fn request_redemption(&mut self, step: &Step<'_>, request: &RedemptionRequest) -> Result<()> {
        let service_use = self.service_use(&request.service)?;
        access::require_unit_admin(step.actor, &service_use.provider, "request_redemption")?;
        if service_use.state != UseState::Open {
            return Err(invalid_use_state(service_use, "request_redemption"));
        }
        let scheme = self.scheme(&service_use.scheme.id)?.version(service_use.scheme.version).ok_or_else(|| {
            Error::not_found(Entity::RuleSet, format!("{} v{}", service_use.scheme.id, service_use.scheme.version))
        })?;
        let today = scheme.local_date(step.at)?;
        if request.completed_on < service_use.service_date || request.completed_on > today {
            return Err(Error::rule(
                "voucher.completion_date",
                Text::new(
                    format!(
                        "完成日期 {} 应在服务日期 {} 与今天 {today} 之间；请在服务完成后申请兑付",
                        request.completed_on, service_use.service_date
                    ),
                    format!(
                        "the completion date {} must lie between the service date {} and today, {today}; ask for redemption after the service is complete",
                        request.completed_on, service_use.service_date
                    ),
                ),
            ));
        }
        check_invoice(request, service_use, today)?;
        let number = normalize_invoice(&request.invoice.number);
        if let Some(other) = self.invoices.get(&number) {
            return Err(Error::rule(
                "voucher.invoice_used_once",
                Text::new(
                    format!("发票 {number} 已用于服务 {other} 的兑付；每张发票只能兑付一次"),
                    format!("invoice {number} is already on the redemption of service {other}; an invoice redeems once"),
                ),
            ));
        }

        let redemption = Redemption {
            invoice: request.invoice.clone(),
            completed_on: request.completed_on,
            requested_at: step.at,
            requested_by: step.actor.id.clone(),
            audit: None,
        };
        self.invoices.insert(number, request.service.clone());
        if let Some(service_use) = self.uses.get_mut(&request.service) {
            service_use.state = UseState::RedemptionRequested;
            service_use.redemptions.push(redemption);
        }
        Ok(())
    }

    pub(super) fn audit(&mut self, step: &Step<'_>, service: &ServiceRef, decision: &AuditDecision) -> Result<()> {
        access::require_office(step.actor, "audit_redemption")?;
        let service_use = self.service_use(service)?;
        if service_use.state != UseState::RedemptionRequested {
            return Err(invalid_use_state(service_use, "audit_redemption"));
        }
        let invoice = service_use.redemptions.last().map(|r| normalize_invoice(&r.invoice.number)).unwrap_or_default();
        let scheme = service_use.scheme.id.clone();

        let next = match decision {
            AuditDecision::Pay => {
                let state = self.scheme(&scheme)?;
                let kind = PoolEntryKind::Paid {
                    service: service.clone(),
                    provider: service_use.provider.clone(),
                    invoice: invoice.clone(),
                };
                let totals = state.pool.after(state.pool.totals, service_use.total, &kind)?;
                let amount = service_use.total;
                let stamp = step.stamp();
                if let Some(state) = self.schemes.get_mut(&scheme) {
                    state.pool.commit(&stamp, totals, vec![(amount, kind)]);
                }
                UseState::Paid
            }
            AuditDecision::Return { reason } => {
                check_reason("reason", reason)?;
                self.invoices.remove(&invoice);
                UseState::Open
            }
            AuditDecision::Reject { reason } => {
                check_reason("reason", reason)?;
                let (vouchers, totals, entries, scheme) = self.give_back(service_use)?;
                self.commit_give_back(step, &scheme, vouchers, totals, entries);
                self.invoices.remove(&invoice);
                UseState::Rejected { reason: reason.clone() }
            }
        };

        if let Some(service_use) = self.uses.get_mut(service) {
            service_use.state = next;
            if let Some(redemption) = service_use.redemptions.last_mut() {
                redemption.audit = Some(Audit { at: step.at, actor: step.actor.id.clone(), decision: decision.clone() });
            }
        }
        Ok(())
    }

    /// Computes the vouchers and pool after a service's amounts go back:
    /// onto the voucher while it is active, to the pool once it expired.
    #[allow(clippy::type_complexity, reason = "a private helper whose parts the two callers commit separately")]
    fn give_back(&self, service_use: &ServiceUse) -> Result<(Vec<Voucher>, PoolTotals, Vec<(Money, PoolEntryKind)>, SchemeId)> {
        let state = self.scheme(&service_use.scheme.id)?;
        let mut totals = state.pool.totals;
        let mut entries = Vec::new();
        let mut vouchers: BTreeMap<VoucherNumber, Voucher> = BTreeMap::new();
        for payment in &service_use.payments {
            let mut voucher = match vouchers.remove(&payment.voucher) {
                Some(voucher) => voucher,
                None => self.voucher(&payment.voucher)?.clone(),
            };
            voucher.used = voucher.used.checked_sub(payment.amount)?;
            if voucher.state == VoucherState::Expired {
                voucher.expired = voucher.expired.checked_add(payment.amount)?;
                let kind = PoolEntryKind::Released {
                    release: Release::ReturnedAfterExpiry {
                        service: service_use.service.clone(),
                        voucher: voucher.number.clone(),
                    },
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
    if request.fee.is_zero() {
        return Err(Error::invalid_value("fee", "0", Text::new("大于 0 的服务费", "a fee above zero")));
    }
    if let Some(payment) = request.payments.iter().find(|p| p.amount.is_zero()) {
        return Err(Error::invalid_value(
            "payments.amount",
            format!("{}: 0", payment.voucher),
            Text::new("每张券支付大于 0 的金额", "an amount above zero from each voucher"),
        ));
    }
    let count = request.test_item.chars().count();
    if count > MAX_TEST_ITEM_CHARS {
        return Err(Error::TooLong { field: "test_item".to_owned(), max_chars: MAX_TEST_ITEM_CHARS, actual_chars: count });
    }
    Ok(())
}

fn check_voucher(step: &Step<'_>, request: &ServiceUseRequest, voucher: &Voucher, amount: Money) -> Result<()> {
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
    if request.service_date > voucher.last_valid_date || request.service_date < issued_on {
        return Err(Error::rule(
            "voucher.service_date_outside_validity",
            Text::new(
                format!(
                    "服务日期 {} 不在券 {} 的有效期（{} 至 {}）内",
                    request.service_date, voucher.number, issued_on, voucher.last_valid_date
                ),
                format!(
                    "the service date {} lies outside the validity of voucher {} ({} to {})",
                    request.service_date, voucher.number, issued_on, voucher.last_valid_date
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

fn check_provider(registry: &Registry, scheme: &VoucherScheme, request: &ServiceUseRequest, step: &Step<'_>) -> Result<()> {
    let unit = &request.provider;
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

    let instrument = registry.instrument(&request.instrument)?;
    let listed = match &scheme.rules.services {
        ServiceScope::PublishedInstruments => true,
        ServiceScope::Listed { instruments } => instruments.contains(&request.instrument),
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
                format!("仪器 {} {zh}，不能用创新券支付", request.instrument),
                format!("instrument {} {en}, so vouchers cannot pay for it", request.instrument),
            ),
        ));
    }
    Ok(())
}

fn check_related_party(context: &Context<'_>, holder: &Applicant, request: &ServiceUseRequest) -> Result<()> {
    match context.enterprises.related_party(&request.provider, holder) {
        Some(tie) => Err(Error::rule(tie.rule(), tie.describe(&request.provider, &holder.id))),
        None => Ok(()),
    }
}

fn check_invoice(request: &RedemptionRequest, service_use: &ServiceUse, today: chrono::NaiveDate) -> Result<()> {
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
    if invoice.amount != service_use.fee {
        return Err(Error::rule(
            "voucher.invoice_amount",
            Text::new(
                format!("发票金额 {} 与服务费 {} 不符；发票应开具全部服务费", invoice.amount, service_use.fee),
                format!("the invoice amount {} differs from the fee {}; invoice the whole fee", invoice.amount, service_use.fee),
            ),
        ));
    }
    Ok(())
}

fn invalid_use_state(service_use: &ServiceUse, action: &str) -> Error {
    Error::InvalidState {
        entity: Entity::ServiceUse,
        id: service_use.service.to_string(),
        state: service_use.state.name().to_owned(),
        action: action.to_owned(),
    }
}
