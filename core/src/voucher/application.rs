//! Applications for a quota, the office's round and the issue of vouchers.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::Datelike;
use rust_decimal::Decimal;

use super::{
    AllocationOrder, Application, ApplicationRequest, ApplicationState, ApplicantKind, Context, Decision, GrantLimit,
    PoolEntryKind, SchemeState, Step, Voucher, VoucherBook, VoucherScheme, VoucherState, check_length, check_reason,
};
use crate::access;
use crate::enterprise::{Applicant, ApplicantProfile, require_self_or_office};
use crate::error::{Entity, Error, Result};
use crate::ids::{ApplicationId, EnterpriseId, PartyId, SchemeId, VoucherNumber};
use crate::lang::{Explanation, Lang, Text};
use crate::money::Money;
use crate::sme::Classification;

/// Most vouchers issued for one application.
const MAX_VOUCHERS_PER_APPLICATION: u64 = 1000;

impl VoucherBook {
    pub(super) fn apply_for_quota(
        &mut self,
        step: &Step<'_>,
        context: &Context<'_>,
        request: &ApplicationRequest,
    ) -> Result<()> {
        let state = self.scheme(&request.scheme)?;
        let applicant = context.enterprises.applicant(&request.applicant)?;
        require_self_or_office(step.actor, &request.applicant, "apply_for_vouchers")?;
        if self.applications.contains_key(&request.id) {
            return Err(Error::AlreadyExists { entity: Entity::VoucherApplication, id: request.id.to_string() });
        }
        if request.amount.is_zero() {
            return Err(Error::invalid_value("amount", "0", Text::new("大于 0 的额度", "a quota above zero")));
        }
        check_length("purpose", &request.purpose)?;

        let scheme = scheme_in_force(state, step)?;
        let year = scheme.local_date(step.at)?.year();
        let classification = check_eligibility(context, scheme, applicant)?;
        self.check_caps(scheme, applicant, year, request.amount)?;
        self.check_no_pending(&request.scheme, &request.applicant)?;

        let application = Application {
            id: request.id.clone(),
            scheme: scheme.reference(),
            applicant: applicant.id.clone(),
            kind: if applicant.is_team() { ApplicantKind::StartupTeam } else { ApplicantKind::Enterprise },
            size: classification.as_ref().map(|c| c.class),
            industry: industry_of(applicant, classification.as_ref()),
            controller: applicant.actual_controller().id.clone(),
            region: applicant.region.clone(),
            requested: request.amount,
            purpose: request.purpose.clone(),
            applied_at: step.at,
            seq: step.seq,
            year,
            classification,
            score: None,
            state: ApplicationState::Pending,
            decision: None,
            granted: Money::ZERO,
            vouchers: Vec::new(),
        };
        self.applications.insert(request.id.clone(), application);
        Ok(())
    }

    fn check_caps(&self, scheme: &VoucherScheme, applicant: &Applicant, year: i32, amount: Money) -> Result<()> {
        let Some(caps) = scheme.caps(applicant.is_team()) else { return Ok(()) };
        if amount > caps.per_application {
            return Err(Error::rule(
                "voucher.per_application_cap",
                Text::new(
                    format!("申请额度 {amount} 超过单次上限 {}；请调低额度", caps.per_application),
                    format!("the request of {amount} exceeds the per-application cap of {}; ask for less", caps.per_application),
                ),
            ));
        }

        let granted = self.granted_to_applicant(&scheme.id, year, &applicant.id);
        let total = granted.checked_add(amount)?;
        if total > caps.per_year {
            return Err(Error::rule(
                "voucher.applicant_year_cap",
                Text::new(
                    format!(
                        "{} 年已获批 {granted}，加上本次 {amount} 为 {total}，超过年度上限 {}；请调低额度",
                        year, caps.per_year
                    ),
                    format!(
                        "{granted} was granted in {year}; with {amount} more that is {total}, above the yearly cap of {}; ask for less",
                        caps.per_year
                    ),
                ),
            ));
        }

        let controller = &applicant.actual_controller().id;
        let cap = scheme.rules.controller_year_cap;
        let group = self.granted_to_controller(&scheme.id, year, controller);
        let group_total = group.checked_add(amount)?;
        if group_total > cap {
            return Err(Error::rule(
                "voucher.controller_year_cap",
                Text::new(
                    format!(
                        "实际控制人 {controller} 名下申请主体 {year} 年已获批 {group}，加上本次 {amount} 为 {group_total}，超过同一实际控制人年度上限 {cap}；请调低额度"
                    ),
                    format!(
                        "applicants with actual controller {controller} were granted {group} in {year}; with {amount} more that is {group_total}, above the yearly cap of {cap} per controller; ask for less"
                    ),
                ),
            ));
        }
        Ok(())
    }

    fn check_no_pending(&self, scheme: &SchemeId, applicant: &EnterpriseId) -> Result<()> {
        let pending = self.applications.values().find(|a| {
            &a.scheme.id == scheme && &a.applicant == applicant && a.state == ApplicationState::Pending
        });
        match pending {
            Some(other) => Err(Error::rule(
                "voucher.pending_application",
                Text::new(
                    format!("申请 {} 仍在等待审核；请等待结果或先撤回", other.id),
                    format!("application {} is still pending; wait for the decision or withdraw it first", other.id),
                ),
            )),
            None => Ok(()),
        }
    }

    pub(super) fn score(&mut self, step: &Step<'_>, id: &ApplicationId, score: Decimal) -> Result<()> {
        access::require_office(step.actor, "score_voucher_application")?;
        if score.is_sign_negative() && !score.is_zero() {
            return Err(Error::invalid_value("score", score, Text::new("0 或正数", "0 or more")));
        }
        let application = self.pending_mut(id, "score_voucher_application")?;
        application.score = Some(score);
        Ok(())
    }

    pub(super) fn withdraw(&mut self, step: &Step<'_>, id: &ApplicationId) -> Result<()> {
        let applicant = self.application(id)?.applicant.clone();
        require_self_or_office(step.actor, &applicant, "withdraw_voucher_application")?;
        let application = self.pending_mut(id, "withdraw_voucher_application")?;
        application.state = ApplicationState::Withdrawn;
        Ok(())
    }

    pub(super) fn reject(&mut self, step: &Step<'_>, id: &ApplicationId, reason: &str) -> Result<()> {
        access::require_office(step.actor, "reject_voucher_application")?;
        check_reason("reason", reason)?;
        let application = self.pending_mut(id, "reject_voucher_application")?;
        application.state = ApplicationState::Rejected { reason: reason.to_owned() };
        Ok(())
    }

    fn pending_mut(&mut self, id: &ApplicationId, action: &str) -> Result<&mut Application> {
        let application =
            self.applications.get_mut(id).ok_or_else(|| Error::not_found(Entity::VoucherApplication, id))?;
        if application.state != ApplicationState::Pending {
            return Err(Error::InvalidState {
                entity: Entity::VoucherApplication,
                id: id.to_string(),
                state: application.state.name().to_owned(),
                action: action.to_owned(),
            });
        }
        Ok(application)
    }

    /// Decides every pending application of `scheme` in the scheme's order.
    pub(super) fn decide(&mut self, step: &Step<'_>, scheme_id: &SchemeId) -> Result<()> {
        access::require_office(step.actor, "decide_voucher_applications")?;
        let state = self.scheme(scheme_id)?;
        let order = round_order(state, step)?;
        let pending = self.ordered_pending(scheme_id, order)?;
        if pending.is_empty() {
            return Err(Error::InvalidState {
                entity: Entity::RuleSet,
                id: scheme_id.to_string(),
                state: "no_pending_applications".to_owned(),
                action: "decide_voucher_applications".to_owned(),
            });
        }

        let mut round = Round::new(self, state, scheme_id)?;
        let count = pending.len();
        let mut outcomes = Vec::with_capacity(count);
        for (index, application) in pending.iter().enumerate() {
            let rank = u32::try_from(index + 1).unwrap_or(u32::MAX);
            outcomes.push(round.decide(state, application, rank, count, order, step)?);
        }

        let mut totals = state.pool.totals;
        let mut entries = Vec::new();
        for (id, decision, _) in &outcomes {
            if !decision.granted.is_zero() {
                let kind = PoolEntryKind::Reserved { application: id.clone() };
                totals = state.pool.after(totals, decision.granted, &kind)?;
                entries.push((decision.granted, kind));
            }
        }

        let stamp = step.stamp();
        if let Some(state) = self.schemes.get_mut(scheme_id) {
            state.pool.commit(&stamp, totals, entries);
        }
        for (id, decision, next) in outcomes {
            if let Some(application) = self.applications.get_mut(&id) {
                application.granted = decision.granted;
                application.state = next;
                application.decision = Some(decision);
            }
        }
        Ok(())
    }

    fn ordered_pending(&self, scheme: &SchemeId, order: AllocationOrder) -> Result<Vec<Application>> {
        let mut pending: Vec<Application> = self
            .applications
            .values()
            .filter(|a| &a.scheme.id == scheme && a.state == ApplicationState::Pending)
            .cloned()
            .collect();
        if order == AllocationOrder::ByScore
            && let Some(unscored) = pending.iter().find(|a| a.score.is_none())
        {
            return Err(Error::rule(
                "voucher.unscored_application",
                Text::new(
                    format!("本方案按评分排序，申请 {} 尚未评分；请先评分", unscored.id),
                    format!("the scheme grants by score and application {} has none; score it first", unscored.id),
                ),
            ));
        }
        pending.sort_by(|a, b| compare(order, a, b));
        Ok(pending)
    }

    /// Issues the vouchers of an approved application.
    pub(super) fn issue(&mut self, step: &Step<'_>, id: &ApplicationId) -> Result<()> {
        access::require_office(step.actor, "issue_vouchers")?;
        let application = self.application(id)?;
        if application.state != ApplicationState::Approved {
            return Err(Error::InvalidState {
                entity: Entity::VoucherApplication,
                id: id.to_string(),
                state: application.state.name().to_owned(),
                action: "issue_vouchers".to_owned(),
            });
        }
        let state = self.scheme(&application.scheme.id)?;
        let scheme = version_of(state, application.scheme.version)?;
        let first_valid_date = scheme.local_date(step.at)?;
        let (last_valid_date, expires_at) = scheme.expiry(step.at)?;
        if expires_at <= step.at {
            return Err(Error::rule(
                "voucher.validity_ended",
                Text::new(
                    format!("方案 {} 规定的有效期已于 {last_valid_date} 结束，不能再发券", scheme.id),
                    format!("the validity set by scheme {} ended on {last_valid_date}, so no vouchers can be issued", scheme.id),
                ),
            ));
        }

        let amounts = split_face_values(application.granted, scheme.rules.face_value)?;
        let first = state.next_number;
        let mut vouchers = Vec::with_capacity(amounts.len());
        for (offset, face_value) in amounts.into_iter().enumerate() {
            let counter = u32::try_from(offset).ok().and_then(|o| first.checked_add(o));
            let counter = counter.ok_or_else(|| Error::overflow("voucher number counter"))?;
            let number = VoucherNumber::new(format!("{}-{counter:05}", scheme.number_prefix))?;
            if self.vouchers.contains_key(&number) {
                return Err(Error::AlreadyExists { entity: Entity::Voucher, id: number.to_string() });
            }
            vouchers.push(Voucher {
                number,
                scheme: application.scheme.clone(),
                application: id.clone(),
                holder: application.applicant.clone(),
                face_value,
                used: Money::ZERO,
                remaining: face_value,
                expired: Money::ZERO,
                issued_at: step.at,
                first_valid_date,
                last_valid_date,
                expires_at,
                state: VoucherState::Active,
                services: Vec::new(),
            });
        }
        let count = u32::try_from(vouchers.len()).map_err(|_| Error::overflow("voucher count"))?;
        let next_number = first.checked_add(count).ok_or_else(|| Error::overflow("voucher number counter"))?;

        let scheme_id = application.scheme.id.clone();
        let numbers: Vec<VoucherNumber> = vouchers.iter().map(|v| v.number.clone()).collect();
        if let Some(state) = self.schemes.get_mut(&scheme_id) {
            state.next_number = next_number;
        }
        for voucher in vouchers {
            self.vouchers.insert(voucher.number.clone(), voucher);
        }
        if let Some(application) = self.applications.get_mut(id) {
            application.state = ApplicationState::Issued;
            application.vouchers = numbers;
        }
        Ok(())
    }
}

/// Running amounts of one round, so each grant counts the ones before it.
struct Round {
    free: Money,
    by_applicant: BTreeMap<(EnterpriseId, i32), Money>,
    by_controller: BTreeMap<(PartyId, i32), Money>,
}

impl Round {
    fn new(book: &VoucherBook, state: &SchemeState, scheme: &SchemeId) -> Result<Round> {
        let mut by_applicant: BTreeMap<(EnterpriseId, i32), Money> = BTreeMap::new();
        let mut by_controller: BTreeMap<(PartyId, i32), Money> = BTreeMap::new();
        for application in book.applications.values().filter(|a| &a.scheme.id == scheme && !a.granted.is_zero()) {
            let entry = by_applicant.entry((application.applicant.clone(), application.year)).or_default();
            *entry = entry.checked_add(application.granted)?;
            let entry = by_controller.entry((application.controller.clone(), application.year)).or_default();
            *entry = entry.checked_add(application.granted)?;
        }
        Ok(Round { free: state.pool.totals.free()?, by_applicant, by_controller })
    }

    fn decide(
        &mut self,
        state: &SchemeState,
        application: &Application,
        rank: u32,
        count: usize,
        order: AllocationOrder,
        step: &Step<'_>,
    ) -> Result<(ApplicationId, Decision, ApplicationState)> {
        let scheme = version_of(state, application.scheme.version)?;
        let team = application.kind == ApplicantKind::StartupTeam;
        let caps = scheme.caps(team).unwrap_or(scheme.rules.enterprise_caps);
        let applicant_key = (application.applicant.clone(), application.year);
        let controller_key = (application.controller.clone(), application.year);
        let applicant_granted = self.by_applicant.get(&applicant_key).copied().unwrap_or_default();
        let controller_granted = self.by_controller.get(&controller_key).copied().unwrap_or_default();
        let applicant_left = caps.per_year.checked_sub(applicant_granted).unwrap_or_default();
        let controller_left = scheme.rules.controller_year_cap.checked_sub(controller_granted).unwrap_or_default();

        let mut grant = application.requested;
        let mut limit = GrantLimit::Requested;
        for (left, bound) in [
            (applicant_left, GrantLimit::ApplicantYearCap),
            (controller_left, GrantLimit::ControllerYearCap),
            (self.free, GrantLimit::Pool),
        ] {
            if left < grant {
                grant = left;
                limit = bound;
            }
        }
        let partial_declined = grant < application.requested && !scheme.rules.partial_grants;
        if partial_declined {
            grant = Money::ZERO;
        }

        let mut explanation = Explanation::default();
        explain_rank(&mut explanation, application, rank, count, order);
        explanation.push(
            format!(
                "申请额度 {}；{} 年已获批 {applicant_granted}，年度上限 {}，尚余 {applicant_left}",
                application.requested, application.year, caps.per_year
            ),
            format!(
                "requested {}; granted in {} so far {applicant_granted}, yearly cap {}, {applicant_left} left",
                application.requested, application.year, caps.per_year
            ),
        );
        explanation.push(
            format!(
                "实际控制人 {} 名下已获批 {controller_granted}，上限 {}，尚余 {controller_left}",
                application.controller, scheme.rules.controller_year_cap
            ),
            format!(
                "applicants of actual controller {} granted {controller_granted}, cap {}, {controller_left} left",
                application.controller, scheme.rules.controller_year_cap
            ),
        );
        explanation.push(format!("资金池可用余额 {}", self.free), format!("pool free balance {}", self.free));
        explanation.steps.push(verdict(grant, application.requested, limit, partial_declined));

        let next = if grant.is_zero() { ApplicationState::Declined } else { ApplicationState::Approved };
        if !grant.is_zero() {
            self.free = self.free.checked_sub(grant)?;
            let entry = self.by_applicant.entry(applicant_key).or_default();
            *entry = entry.checked_add(grant)?;
            let entry = self.by_controller.entry(controller_key).or_default();
            *entry = entry.checked_add(grant)?;
        }
        let decision = Decision { seq: step.seq, at: step.at, rank, granted: grant, limit, explanation };
        Ok((application.id.clone(), decision, next))
    }
}

fn explain_rank(explanation: &mut Explanation, application: &Application, rank: u32, count: usize, order: AllocationOrder) {
    let at = application.applied_at.format("%Y-%m-%d %H:%M:%S UTC");
    match (order, application.score) {
        (AllocationOrder::ByScore, Some(score)) => explanation.push(
            format!("按评分排序：评分 {score}，申请时间 {at}，排第 {rank}/{count} 位"),
            format!("ordered by score: score {score}, applied {at}, rank {rank} of {count}"),
        ),
        _ => explanation.push(
            format!("先到先得：申请时间 {at}，排第 {rank}/{count} 位"),
            format!("first come, first served: applied {at}, rank {rank} of {count}"),
        ),
    }
}

fn verdict(grant: Money, requested: Money, limit: GrantLimit, partial_declined: bool) -> Text {
    let (bound_zh, bound_en) = match limit {
        GrantLimit::Requested => ("", ""),
        GrantLimit::ApplicantYearCap => ("年度上限", "the yearly cap"),
        GrantLimit::ControllerYearCap => ("同一实际控制人年度上限", "the yearly cap per actual controller"),
        GrantLimit::Pool => ("资金池余额", "the pool balance"),
    };
    if partial_declined {
        return Text::new(
            format!("受{bound_zh}限制只能部分满足，而本方案不允许部分批准，不予批准"),
            format!("{bound_en} allows only part, and the scheme grants no partial quotas, so declined"),
        );
    }
    if grant.is_zero() {
        return Text::new(format!("{bound_zh}已用尽，不予批准"), format!("{bound_en} is used up, so declined"));
    }
    if grant < requested {
        return Text::new(
            format!("受{bound_zh}限制，部分批准 {grant}"),
            format!("partly granted {grant}, bounded by {bound_en}"),
        );
    }
    Text::new(format!("全额批准 {grant}"), format!("granted in full: {grant}"))
}

fn compare(order: AllocationOrder, a: &Application, b: &Application) -> Ordering {
    let by_time = a.applied_at.cmp(&b.applied_at).then(a.seq.cmp(&b.seq));
    match order {
        AllocationOrder::FirstComeFirstServed => by_time,
        AllocationOrder::ByScore => b.score.cmp(&a.score).then(by_time),
    }
}

fn round_order(state: &SchemeState, step: &Step<'_>) -> Result<AllocationOrder> {
    let latest = state.latest().ok_or_else(|| Error::not_found(Entity::RuleSet, &state.pool.scheme))?;
    let today = latest.local_date(step.at)?;
    Ok(state.in_force_on(today).unwrap_or(latest).rules.order)
}

fn scheme_in_force<'a>(state: &'a SchemeState, step: &Step<'_>) -> Result<&'a VoucherScheme> {
    let latest = state.latest().ok_or_else(|| Error::not_found(Entity::RuleSet, &state.pool.scheme))?;
    let today = latest.local_date(step.at)?;
    state.in_force_on(today).ok_or_else(|| {
        Error::rule(
            "voucher.scheme_not_in_force",
            Text::new(
                format!("方案 {} 在 {today} 不受理申请（受理期自 {} 起）；请在受理期内申请", latest.id, latest.effective.from),
                format!(
                    "scheme {} accepts no applications on {today} (applications open from {}); apply within the period",
                    latest.id, latest.effective.from
                ),
            ),
        )
    })
}

fn version_of(state: &SchemeState, version: u32) -> Result<&VoucherScheme> {
    state.version(version).ok_or_else(|| Error::not_found(Entity::RuleSet, format!("{} v{version}", state.pool.scheme)))
}

/// Checks that the applicant may apply under `scheme` and returns an
/// enterprise's size classification.
fn check_eligibility(
    context: &Context<'_>,
    scheme: &VoucherScheme,
    applicant: &Applicant,
) -> Result<Option<Classification>> {
    match &applicant.profile {
        ApplicantProfile::Enterprise(enterprise) => {
            let standard = context.enterprises.size_standard(&scheme.rules.size_standard)?;
            let classification = standard.classify(&enterprise.industry, &enterprise.size_figures())?;
            if !scheme.rules.eligible_sizes.contains(&classification.class) {
                let label = classification.class.label();
                let eligible: Vec<Text> = scheme.rules.eligible_sizes.iter().map(|c| c.label()).collect();
                let list = |lang: Lang| eligible.iter().map(|t| t.get(lang).to_owned()).collect::<Vec<_>>();
                return Err(Error::rule(
                    "voucher.size_not_eligible",
                    Text::new(
                        format!(
                            "{} 划型为{}，本方案只受理{}：{}",
                            applicant.id,
                            label.zh,
                            list(Lang::Zh).join("、"),
                            classification.explanation.steps.iter().map(|s| s.zh.as_str()).collect::<Vec<_>>().join("；")
                        ),
                        format!(
                            "{} is a {}, and the scheme accepts only {}: {}",
                            applicant.id,
                            label.en,
                            list(Lang::En).join(", "),
                            classification.explanation.steps.iter().map(|s| s.en.as_str()).collect::<Vec<_>>().join("; ")
                        ),
                    ),
                ));
            }
            Ok(Some(classification))
        }
        ApplicantProfile::StartupTeam(team) => {
            let Some(rules) = &scheme.rules.startup_teams else {
                return Err(Error::rule(
                    "voucher.teams_not_eligible",
                    Text::new(
                        format!("方案 {} 不受理创业团队申请；团队注册企业后可以企业身份申请", scheme.id),
                        format!("scheme {} accepts no startup teams; a team may apply once it has registered an enterprise", scheme.id),
                    ),
                ));
            };
            let people = u32::try_from(team.size()).unwrap_or(u32::MAX);
            if people < rules.min_people {
                return Err(Error::rule(
                    "voucher.team_too_small",
                    Text::new(
                        format!("团队 {} 有 {people} 人，方案要求至少 {} 人（含负责人）", applicant.id, rules.min_people),
                        format!(
                            "team {} has {people} people and the scheme requires at least {}, the leader included",
                            applicant.id, rules.min_people
                        ),
                    ),
                ));
            }
            Ok(None)
        }
    }
}

fn industry_of(applicant: &Applicant, classification: Option<&Classification>) -> String {
    match (&applicant.profile, classification) {
        (ApplicantProfile::Enterprise(_), Some(c)) => c.industry.clone(),
        (ApplicantProfile::Enterprise(enterprise), None) => enterprise.industry.clone(),
        (ApplicantProfile::StartupTeam(_), _) => "startup_team".to_owned(),
    }
}

/// Splits a grant into vouchers of `face_value` and one for the rest.
fn split_face_values(granted: Money, face_value: Money) -> Result<Vec<Money>> {
    let grant_fen = u64::try_from(granted.to_fen()).unwrap_or(0);
    let face_fen = u64::try_from(face_value.to_fen()).unwrap_or(0).max(1);
    let full = grant_fen / face_fen;
    let rest = grant_fen % face_fen;
    let count = full + u64::from(rest > 0);
    if count > MAX_VOUCHERS_PER_APPLICATION {
        return Err(Error::rule(
            "voucher.too_many_vouchers",
            Text::new(
                format!("按面额 {face_value} 发放 {granted} 需 {count} 张券，超过每个申请 {MAX_VOUCHERS_PER_APPLICATION} 张；请提高面额"),
                format!(
                    "issuing {granted} in vouchers of {face_value} takes {count} vouchers, more than {MAX_VOUCHERS_PER_APPLICATION} per application; raise the face value"
                ),
            ),
        ));
    }
    let mut amounts = vec![face_value; usize::try_from(full).unwrap_or(0)];
    if rest > 0 {
        amounts.push(Money::from_fen(i64::try_from(rest).unwrap_or(0))?);
    }
    Ok(amounts)
}
