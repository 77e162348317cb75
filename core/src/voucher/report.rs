//! The voucher report of one scheme (创新券实施情况): applications, grants,
//! vouchers issued, used, redeemed and expired, by enterprise size, by
//! industry and by provider, and how many applicants used the network for
//! the first time.
//!
//! Amounts follow the application a voucher was issued for, so a row's
//! size class and industry are those recorded on the application date. An
//! applicant is a first-time user (首次使用协作网) when its first
//! voucher-paid service under the scheme is not preceded by an earlier
//! voucher-paid service under any scheme nor by the date it was known to
//! use the network before (`network_user_since`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Application, ApplicationState, PoolTotals, ServiceUse, VoucherBook};
use crate::enterprise::EnterpriseBook;
use crate::error::Result;
use crate::ids::{ApplicationId, EnterpriseId, SchemeId, UnitId};
use crate::lang::{Lang, Text};
use crate::money::Money;
use crate::registry::Registry;
use crate::sme::SizeClass;

/// Key of the startup-team rows.
pub const STARTUP_TEAM: &str = "startup_team";

/// Counts and amounts of one group of applicants.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Figures {
    /// Applications filed.
    pub applications: u32,
    /// Quota asked for.
    pub requested: Money,
    /// Applications granted in full or in part (approved, issued or lapsed).
    pub approved: u32,
    /// Applications the round declined.
    pub declined: u32,
    /// Applications the office rejected or the applicant withdrew.
    pub closed: u32,
    /// Quota granted and still standing; lapsed grants excluded.
    pub granted: Money,
    /// Vouchers issued.
    pub vouchers: u32,
    /// Face value issued.
    pub issued: Money,
    /// Committed to services that are not cancelled or rejected.
    pub used: Money,
    /// Still usable.
    pub remaining: Money,
    /// Returned to the pool at expiry.
    pub expired: Money,
    /// Paid to providers.
    pub redeemed: Money,
    /// Services that vouchers pay toward.
    pub services: u32,
    /// Applicants with at least one such service.
    pub users: u32,
    /// Of those, first-time users of the network.
    pub first_time_users: u32,
}

/// One row of a breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReportRow {
    /// Stable key, such as `small`, `software_it_services` or `startup_team`.
    pub key: String,
    /// Display label.
    pub label: Text,
    /// The figures.
    pub figures: Figures,
}

/// Figures of one provider unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ProviderRow {
    /// The unit.
    pub unit: UnitId,
    /// Its name.
    pub name: String,
    /// Services that vouchers pay toward.
    pub services: u32,
    /// Full fees of those services.
    pub fees: Money,
    /// Voucher amounts committed to them.
    pub used: Money,
    /// Paid to the unit.
    pub redeemed: Money,
    /// Distinct applicants served.
    pub users: u32,
    /// Applicants whose first use of the network was here.
    pub first_time_users: u32,
}

/// The report of one scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct VoucherReport {
    /// The scheme.
    pub scheme: SchemeId,
    /// Title of its latest version.
    pub title: Text,
    /// Pool totals.
    pub pool: PoolTotals,
    /// Free pool balance.
    pub pool_free: Money,
    /// All applicants.
    pub totals: Figures,
    /// By size class: large, medium, small, micro, then startup teams.
    pub by_size: Vec<ReportRow>,
    /// By industry, in the size standard's row order, then startup teams;
    /// industries without applications are left out.
    pub by_industry: Vec<ReportRow>,
    /// By provider, in unit id order; providers without services are left out.
    pub by_provider: Vec<ProviderRow>,
    /// Whether face value = used + remaining + expired for every voucher.
    pub vouchers_balance: bool,
}

/// The groups an application's figures count in.
struct Groups {
    size: String,
    industry: String,
}

/// Builds the report of `scheme`.
pub(crate) fn build(
    book: &VoucherBook,
    enterprises: &EnterpriseBook,
    registry: &Registry,
    scheme: &SchemeId,
) -> Result<VoucherReport> {
    let state = book.scheme(scheme)?;
    let latest = state.latest();
    let title = latest.map(|s| s.title.clone()).unwrap_or_else(|| Text::new(scheme.as_str(), scheme.as_str()));

    let applications: BTreeMap<&ApplicationId, &Application> =
        book.applications.iter().filter(|(_, a)| &a.scheme.id == scheme).collect();
    let groups: BTreeMap<&ApplicationId, Groups> = applications
        .iter()
        .map(|(id, a)| {
            let size = a.size.map_or(STARTUP_TEAM, SizeClass::code).to_owned();
            (*id, Groups { size, industry: a.industry.clone() })
        })
        .collect();

    let mut by_size: BTreeMap<String, Figures> = BTreeMap::new();
    let mut by_industry: BTreeMap<String, Figures> = BTreeMap::new();
    let mut totals = Figures::default();
    let mut tally = |groups: &Groups, apply: &dyn Fn(&mut Figures) -> Result<()>| -> Result<()> {
        apply(&mut totals)?;
        apply(by_size.entry(groups.size.clone()).or_default())?;
        apply(by_industry.entry(groups.industry.clone()).or_default())
    };

    for (id, application) in &applications {
        let Some(group) = groups.get(id) else { continue };
        tally(group, &|f: &mut Figures| count_application(f, application))?;
    }

    let mut vouchers_balance = true;
    for voucher in book.vouchers.values().filter(|v| &v.scheme.id == scheme) {
        let parts = Money::sum([voucher.used, voucher.remaining, voucher.expired])?;
        vouchers_balance &= parts == voucher.face_value;
        let Some(group) = groups.get(&voucher.application) else { continue };
        tally(group, &|f: &mut Figures| {
            f.vouchers += 1;
            f.issued = f.issued.checked_add(voucher.face_value)?;
            f.remaining = f.remaining.checked_add(voucher.remaining)?;
            f.expired = f.expired.checked_add(voucher.expired)?;
            Ok(())
        })?;
    }

    let uses: Vec<&ServiceUse> =
        book.uses.values().filter(|u| &u.scheme.id == scheme && u.state.commits_vouchers()).collect();
    let application_of = |service_use: &ServiceUse| -> Option<&ApplicationId> {
        let first = service_use.payments.first()?;
        book.vouchers.get(&first.voucher).map(|v| &v.application)
    };
    for service_use in &uses {
        let paid = service_use.state == super::UseState::Paid;
        for payment in &service_use.payments {
            let Some(voucher) = book.vouchers.get(&payment.voucher) else { continue };
            let Some(group) = groups.get(&voucher.application) else { continue };
            tally(group, &|f: &mut Figures| {
                f.used = f.used.checked_add(payment.amount)?;
                if paid {
                    f.redeemed = f.redeemed.checked_add(payment.amount)?;
                }
                Ok(())
            })?;
        }
        let Some(group) = application_of(service_use).and_then(|id| groups.get(id)) else { continue };
        tally(group, &|f: &mut Figures| {
            f.services += 1;
            Ok(())
        })?;
    }

    let first_uses = first_uses(&uses);
    let mut first_time_at: BTreeMap<UnitId, u32> = BTreeMap::new();
    for (holder, first) in &first_uses {
        let Some(group) = application_of(first).and_then(|id| groups.get(id)) else { continue };
        let first_time = is_first_time(book, enterprises, holder, first);
        if first_time {
            *first_time_at.entry(first.provider.clone()).or_default() += 1;
        }
        tally(group, &|f: &mut Figures| {
            f.users += 1;
            f.first_time_users += u32::from(first_time);
            Ok(())
        })?;
    }

    let by_provider = provider_rows(registry, &uses, &first_time_at)?;
    let size_rows = size_rows(by_size);
    let industry_rows = industry_rows(enterprises, latest.map(|s| s.rules.size_standard.as_str()), by_industry);
    let pool = state.pool.totals;
    Ok(VoucherReport {
        scheme: scheme.clone(),
        title,
        pool,
        pool_free: pool.free()?,
        totals,
        by_size: size_rows,
        by_industry: industry_rows,
        by_provider,
        vouchers_balance,
    })
}

fn count_application(figures: &mut Figures, application: &Application) -> Result<()> {
    figures.applications += 1;
    figures.requested = figures.requested.checked_add(application.requested)?;
    let was_granted = application.decision.as_ref().is_some_and(|d| !d.granted.is_zero());
    match application.state {
        ApplicationState::Declined => figures.declined += 1,
        ApplicationState::Rejected { .. } | ApplicationState::Withdrawn => figures.closed += 1,
        _ if was_granted => figures.approved += 1,
        _ => {}
    }
    figures.granted = figures.granted.checked_add(application.granted)?;
    Ok(())
}

/// Returns each holder's first service under the scheme: the earliest
/// service date, then the smallest reference.
fn first_uses<'a>(uses: &[&'a ServiceUse]) -> BTreeMap<EnterpriseId, &'a ServiceUse> {
    let mut first: BTreeMap<EnterpriseId, &ServiceUse> = BTreeMap::new();
    for service_use in uses {
        let key = (service_use.service_date, service_use.booking);
        let entry = first.entry(service_use.holder.clone()).or_insert(service_use);
        if key < (entry.service_date, entry.booking) {
            *entry = service_use;
        }
    }
    first
}

fn is_first_time(book: &VoucherBook, enterprises: &EnterpriseBook, holder: &EnterpriseId, first: &ServiceUse) -> bool {
    let date: NaiveDate = first.service_date;
    let known_before = enterprises
        .applicant(holder)
        .ok()
        .and_then(|a| a.network_user_since)
        .is_some_and(|since| since < date);
    let earlier_voucher_use = book.uses.values().any(|u| {
        &u.holder == holder && u.state.commits_vouchers() && u.scheme.id != first.scheme.id && u.service_date < date
    });
    !known_before && !earlier_voucher_use
}

fn provider_rows(registry: &Registry, uses: &[&ServiceUse], first_time_at: &BTreeMap<UnitId, u32>) -> Result<Vec<ProviderRow>> {
    let mut rows: BTreeMap<UnitId, (ProviderRow, BTreeSet<EnterpriseId>)> = BTreeMap::new();
    for service_use in uses {
        let unit = &service_use.provider;
        let (row, users) = rows.entry(unit.clone()).or_insert_with(|| {
            let name = registry.unit(unit).map(|u| u.name.clone()).unwrap_or_default();
            let row = ProviderRow {
                unit: unit.clone(),
                name,
                services: 0,
                fees: Money::ZERO,
                used: Money::ZERO,
                redeemed: Money::ZERO,
                users: 0,
                first_time_users: first_time_at.get(unit).copied().unwrap_or(0),
            };
            (row, BTreeSet::new())
        });
        row.services += 1;
        row.fees = row.fees.checked_add(service_use.fee)?;
        row.used = row.used.checked_add(service_use.total)?;
        if service_use.state == super::UseState::Paid {
            row.redeemed = row.redeemed.checked_add(service_use.total)?;
        }
        users.insert(service_use.holder.clone());
    }
    Ok(rows
        .into_values()
        .map(|(mut row, users)| {
            row.users = u32::try_from(users.len()).unwrap_or(u32::MAX);
            row
        })
        .collect())
}

fn size_rows(mut figures: BTreeMap<String, Figures>) -> Vec<ReportRow> {
    let mut rows = Vec::new();
    for class in SizeClass::ALL {
        let key = class.code().to_owned();
        let row_figures = figures.remove(&key).unwrap_or_default();
        rows.push(ReportRow { key, label: class.label(), figures: row_figures });
    }
    let teams = figures.remove(STARTUP_TEAM).unwrap_or_default();
    rows.push(ReportRow { key: STARTUP_TEAM.to_owned(), label: team_label(), figures: teams });
    rows
}

fn industry_rows(enterprises: &EnterpriseBook, standard: Option<&str>, mut figures: BTreeMap<String, Figures>) -> Vec<ReportRow> {
    let mut rows = Vec::new();
    if let Some(standard) = standard.and_then(|id| enterprises.size_standard(id).ok()) {
        for industry in &standard.industries {
            if let Some(row_figures) = figures.remove(&industry.code) {
                rows.push(ReportRow { key: industry.code.clone(), label: industry.name.clone(), figures: row_figures });
            }
        }
    }
    let teams = figures.remove(STARTUP_TEAM);
    for (key, row_figures) in figures {
        rows.push(ReportRow { label: Text::new(key.clone(), key.clone()), key, figures: row_figures });
    }
    if let Some(teams) = teams {
        rows.push(ReportRow { key: STARTUP_TEAM.to_owned(), label: team_label(), figures: teams });
    }
    rows
}

fn team_label() -> Text {
    Text::new("创业团队", "startup team")
}

impl VoucherReport {
    /// Renders the report as plain-text tables in `lang`, amounts in 元.
    pub fn render(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let mut out = String::new();
        let pick = |zh_text: &'static str, en_text: &'static str| if zh { zh_text } else { en_text };

        let _ = writeln!(out, "{}{}", pick("创新券实施情况：", "Innovation vouchers: "), self.title.get(lang));
        let _ = writeln!(
            out,
            "{} {}  {} {}  {} {}  {} {}  {} {}",
            pick("资金池拨入", "pool funded"),
            self.pool.funded,
            pick("退出", "withdrawn"),
            self.pool.withdrawn,
            pick("已兑付", "paid"),
            self.pool.paid,
            pick("预留", "reserved"),
            self.pool.reserved,
            pick("可用", "free"),
            self.pool_free
        );
        let balance = if self.vouchers_balance {
            pick("每张券：面额 = 已用 + 余额 + 过期，全部相符", "every voucher: face value = used + remaining + expired, all balanced")
        } else {
            pick("有券的面额与已用、余额、过期之和不符", "some voucher's face value differs from used + remaining + expired")
        };
        let _ = writeln!(out, "{balance}");

        let columns = if zh {
            ["申请", "批准", "未批", "券数", "申请额", "发放额", "已用额", "兑付额", "过期额", "服务", "用户", "首次"]
        } else {
            ["apps", "appr", "decl", "vouch", "requested", "issued", "used", "redeemed", "expired", "serv", "user", "first"]
        };
        let header = figures_header(pick("分组", "group"), &columns);
        let _ = writeln!(out, "\n{}", pick("按企业规模", "By enterprise size"));
        let _ = writeln!(out, "{header}");
        for row in &self.by_size {
            write_row(&mut out, row.label.get(lang), &row.figures);
        }
        write_row(&mut out, pick("合计", "total"), &self.totals);

        let _ = writeln!(out, "\n{}", pick("按行业", "By industry"));
        let _ = writeln!(out, "{header}");
        for row in &self.by_industry {
            write_row(&mut out, row.label.get(lang), &row.figures);
        }

        let _ = writeln!(out, "\n{}", pick("按服务单位", "By provider"));
        let provider_columns = if zh {
            ["服务", "服务费", "用券额", "兑付额", "用户", "首次"]
        } else {
            ["serv", "fees", "used", "redeemed", "users", "first"]
        };
        let mut provider_header = pad_right(pick("单位", "unit"), 10);
        for (label, width) in provider_columns.iter().zip(PROVIDER_WIDTHS) {
            provider_header.push(' ');
            provider_header.push_str(&pad_left(label, width));
        }
        let _ = writeln!(out, "{provider_header}");
        for row in &self.by_provider {
            let _ = writeln!(
                out,
                "{:<10} {:>5} {:>13} {:>13} {:>13} {:>5} {:>5}",
                row.unit.as_str(),
                row.services,
                row.fees.yuan(),
                row.used.yuan(),
                row.redeemed.yuan(),
                row.users,
                row.first_time_users
            );
        }
        let _ = writeln!(
            out,
            "\n{} {} / {}",
            pick("首次使用协作网的申请主体：", "applicants using the network for the first time:"),
            self.totals.first_time_users,
            self.totals.users
        );
        out
    }
}

/// Column widths of the figures tables after the 22-column label.
const FIGURE_WIDTHS: [usize; 12] = [4, 5, 5, 5, 12, 12, 12, 12, 12, 5, 5, 5];
/// Column widths of the provider table after the 10-column unit id.
const PROVIDER_WIDTHS: [usize; 6] = [5, 13, 13, 13, 5, 5];

/// Returns the display width of `text`, counting CJK characters as two columns.
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn pad_right(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(display_width(text))))
}

fn pad_left(text: &str, width: usize) -> String {
    format!("{}{text}", " ".repeat(width.saturating_sub(display_width(text))))
}

fn figures_header(first: &str, columns: &[&str; 12]) -> String {
    let mut header = pad_right(first, 22);
    for (label, width) in columns.iter().zip(FIGURE_WIDTHS) {
        header.push(' ');
        header.push_str(&pad_left(label, width));
    }
    header
}

fn write_row(out: &mut String, label: &str, figures: &Figures) {
    let cells = [
        figures.applications.to_string(),
        figures.approved.to_string(),
        figures.declined.to_string(),
        figures.vouchers.to_string(),
        figures.requested.yuan().to_string(),
        figures.issued.yuan().to_string(),
        figures.used.yuan().to_string(),
        figures.redeemed.yuan().to_string(),
        figures.expired.yuan().to_string(),
        figures.services.to_string(),
        figures.users.to_string(),
        figures.first_time_users.to_string(),
    ];
    let mut line = pad_right(label, 22);
    for (cell, width) in cells.iter().zip(FIGURE_WIDTHS) {
        line.push(' ');
        line.push_str(&pad_left(cell, width));
    }
    let _ = writeln!(out, "{line}");
}
