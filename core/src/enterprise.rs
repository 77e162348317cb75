//! Voucher applicants and the ties of provider units (企业、创业团队与关联关系).
//!
//! Innovation vouchers (创新券) go to small and micro enterprises and to
//! startup teams (创业团队) that have no legal person yet. Both are
//! [`Applicant`]s with an [`EnterpriseId`]. An enterprise records what the
//! size standard classifies by (industry, staff, revenue, total assets) and
//! its actual controller (实际控制人). A team records its leader and members,
//! and its leader counts as its actual controller.
//!
//! A provider unit may record its own actual controller and the enterprises
//! it holds a stake in ([`ProviderTies`]). A voucher may not pay for a
//! service between related parties (关联方): the same actual controller on
//! both sides, or a provider that holds a stake in the enterprise.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::{self, Actor, Role};
use crate::credit_code::CreditCode;
use crate::error::{Entity, Error, Result};
use crate::ids::{EnterpriseId, PartyId, UnitId};
use crate::lang::Text;
use crate::money::Money;
use crate::registry::Registry;
use crate::sme::{SME_2011, SizeFigures, SizeStandard};
use crate::tagged::tagged_enum;

/// Limit in characters of names and regions.
const MAX_NAME_CHARS: usize = 100;
/// Limit of team members besides the leader.
const MAX_TEAM_MEMBERS: usize = 50;
/// Limit of stakes one unit records.
const MAX_STAKES: usize = 1000;

/// A person or organisation named by id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Party {
    /// Id; two records with the same id are the same person or organisation.
    pub id: PartyId,
    /// Name.
    pub name: String,
}

/// An enterprise (企业) that may apply for vouchers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Enterprise {
    /// Unified social credit code (统一社会信用代码).
    pub credit_code: CreditCode,
    /// Industry row of the size standard, by code (`software_it_services`)
    /// or Chinese name.
    pub industry: String,
    /// Staff (从业人员), persons.
    pub staff: u32,
    /// Revenue of the last year (营业收入).
    pub revenue: Money,
    /// Total assets (资产总额).
    pub total_assets: Money,
    /// Actual controller (实际控制人).
    pub actual_controller: Party,
}

impl Enterprise {
    /// Returns the figures the size standard classifies by.
    pub fn size_figures(&self) -> SizeFigures {
        SizeFigures { staff: self.staff, revenue: self.revenue, total_assets: self.total_assets }
    }
}

/// A startup team (创业团队): people with a project and no legal person yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StartupTeam {
    /// Team leader (负责人), who counts as the team's actual controller.
    pub leader: Party,
    /// Other members.
    #[serde(default)]
    pub members: Vec<Party>,
    /// The team's field of work, shown in reports by industry.
    #[serde(default)]
    pub field: String,
}

impl StartupTeam {
    /// Returns the number of people, the leader included.
    pub fn size(&self) -> usize {
        self.members.len() + 1
    }
}

/// Kind of applicant, with the kind's own data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant, reason = "applicants are few and a flat serde shape is easier for bindings")]
pub enum ApplicantProfile {
    /// An enterprise.
    Enterprise(Enterprise),
    /// A startup team.
    StartupTeam(StartupTeam),
}

/// An enterprise or startup team that may apply for vouchers (申请主体).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Applicant {
    /// Id.
    pub id: EnterpriseId,
    /// Name, at most 100 characters.
    pub name: String,
    /// Region (所在地区), such as `乌鲁木齐市`; voucher schemes may set the
    /// share of a fee by region.
    pub region: String,
    /// The first day it used a service of the network before vouchers, if
    /// any, as the office knows from booking and service records. Reports
    /// count an applicant as a first-time user of the network when this is
    /// empty or not before its first voucher-paid service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_user_since: Option<NaiveDate>,
    /// Enterprise or team data.
    pub profile: ApplicantProfile,
}

impl Applicant {
    /// Returns the actual controller: the enterprise's, or the team leader.
    pub fn actual_controller(&self) -> &Party {
        match &self.profile {
            ApplicantProfile::Enterprise(enterprise) => &enterprise.actual_controller,
            ApplicantProfile::StartupTeam(team) => &team.leader,
        }
    }

    /// Returns the credit code of an enterprise; teams have none.
    pub fn credit_code(&self) -> Option<&CreditCode> {
        match &self.profile {
            ApplicantProfile::Enterprise(enterprise) => Some(&enterprise.credit_code),
            ApplicantProfile::StartupTeam(_) => None,
        }
    }

    /// Returns true for a startup team.
    pub fn is_team(&self) -> bool {
        matches!(self.profile, ApplicantProfile::StartupTeam(_))
    }

    /// Checks names and lengths and, for teams, that no person is listed twice.
    ///
    /// # Errors
    ///
    /// [`Error::Missing`], [`Error::TooLong`] or [`Error::InvalidValue`]
    /// naming the first problem.
    pub fn validate(&self) -> Result<()> {
        check_text("name", &self.name, true)?;
        check_text("region", &self.region, true)?;
        check_text("actual_controller.name", &self.actual_controller().name, true)?;
        match &self.profile {
            ApplicantProfile::Enterprise(enterprise) => check_text("industry", &enterprise.industry, true),
            ApplicantProfile::StartupTeam(team) => validate_team(team),
        }
    }
}

fn validate_team(team: &StartupTeam) -> Result<()> {
    check_text("field", &team.field, false)?;
    if team.members.len() > MAX_TEAM_MEMBERS {
        return Err(Error::invalid_value(
            "members",
            team.members.len(),
            Text::new(format!("除负责人外至多 {MAX_TEAM_MEMBERS} 人"), format!("at most {MAX_TEAM_MEMBERS} members besides the leader")),
        ));
    }
    let mut ids = BTreeSet::from([&team.leader.id]);
    for member in &team.members {
        check_text("members.name", &member.name, true)?;
        if !ids.insert(&member.id) {
            return Err(Error::invalid_value(
                "members",
                &member.id,
                Text::new("团队成员（含负责人）不重复", "each person once, the leader included"),
            ));
        }
    }
    Ok(())
}

fn check_text(field: &str, text: &str, required: bool) -> Result<()> {
    if required && text.trim().is_empty() {
        return Err(Error::Missing { field: field.to_owned() });
    }
    let count = text.chars().count();
    if count > MAX_NAME_CHARS {
        return Err(Error::TooLong { field: field.to_owned(), max_chars: MAX_NAME_CHARS, actual_chars: count });
    }
    Ok(())
}

/// A provider unit's actual controller and stakes, as the unit records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ProviderTies {
    /// The member unit.
    pub unit: UnitId,
    /// The unit's actual controller, if it has one (an enterprise-type unit
    /// usually does; a public institute usually records none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_controller: Option<Party>,
    /// Credit codes of the enterprises the unit holds a stake in (持股企业).
    #[serde(default)]
    pub stakes: Vec<CreditCode>,
}

/// Reason a provider and an applicant are related parties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RelatedParty {
    /// Both have the same actual controller.
    SameController {
        /// The shared controller.
        controller: PartyId,
    },
    /// The provider holds a stake in the enterprise.
    ProviderStake {
        /// The enterprise's credit code.
        credit_code: CreditCode,
    },
}

impl RelatedParty {
    /// Returns the stable rule name used in [`Error::RuleViolation`].
    pub fn rule(&self) -> &'static str {
        match self {
            RelatedParty::SameController { .. } => "voucher.related_party_controller",
            RelatedParty::ProviderStake { .. } => "voucher.related_party_stake",
        }
    }

    /// Describes the tie between `unit` and `applicant`.
    pub fn describe(&self, unit: &UnitId, applicant: &EnterpriseId) -> Text {
        match self {
            RelatedParty::SameController { controller } => Text::new(
                format!("服务单位 {unit} 与申请主体 {applicant} 的实际控制人同为 {controller}，属关联方，创新券不能支付；请选择其他服务单位"),
                format!(
                    "provider {unit} and applicant {applicant} have the same actual controller {controller}, so they are related parties and vouchers cannot pay; choose another provider"
                ),
            ),
            RelatedParty::ProviderStake { credit_code } => Text::new(
                format!("服务单位 {unit} 持有申请主体 {applicant}（{credit_code}）的股份，属关联方，创新券不能支付；请选择其他服务单位"),
                format!(
                    "provider {unit} holds a stake in applicant {applicant} ({credit_code}), so they are related parties and vouchers cannot pay; choose another provider"
                ),
            ),
        }
    }
}

tagged_enum! {
    /// A change to applicants, provider ties or size standards, as recorded in the journal.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
    #[serde(tag = "type", rename_all = "snake_case")]
    #[allow(clippy::large_enum_variant, reason = "the variants mirror the journal's JSON shape")]
    pub enum EnterpriseChange {
        /// An enterprise or team registers, or the office registers it.
        RegisterApplicant {
            /// The applicant.
            applicant: Applicant,
        },
        /// An applicant's data is replaced, such as a new year's figures.
        UpdateApplicant {
            /// The new data; the id names the applicant.
            applicant: Applicant,
        },
        /// A provider unit records (replacing) its controller and stakes.
        RecordProviderTies {
            /// The ties.
            ties: ProviderTies,
        },
        /// The office publishes a size standard, such as one replacing the 2011
        /// standard; schemes refer to it by id.
        PublishSizeStandard {
            /// The standard.
            standard: SizeStandard,
        },
    }
}

/// Applicants, provider ties and published size standards.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EnterpriseBook {
    applicants: BTreeMap<EnterpriseId, Applicant>,
    ties: BTreeMap<UnitId, ProviderTies>,
    standards: BTreeMap<String, SizeStandard>,
}

impl EnterpriseBook {
    /// Returns the applicant with `id`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] if none is registered.
    pub fn applicant(&self, id: &EnterpriseId) -> Result<&Applicant> {
        self.applicants.get(id).ok_or_else(|| Error::not_found(Entity::Enterprise, id))
    }

    /// Iterates over applicants in id order.
    pub fn applicants(&self) -> impl Iterator<Item = &Applicant> {
        self.applicants.values()
    }

    /// Returns the ties a unit recorded, if any.
    pub fn ties(&self, unit: &UnitId) -> Option<&ProviderTies> {
        self.ties.get(unit)
    }

    /// Returns the size standard with `id`: a published one, or the 2011
    /// standard compiled into the crate for `sme-2011` unless one was
    /// published under that id.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown id; [`Error::Corrupt`] if the
    /// compiled standard fails to load.
    pub fn size_standard(&self, id: &str) -> Result<SizeStandard> {
        if let Some(standard) = self.standards.get(id) {
            return Ok(standard.clone());
        }
        if id == SME_2011 {
            return SizeStandard::sme_2011();
        }
        Err(Error::not_found(Entity::RuleSet, id))
    }

    /// Returns the related-party tie between provider `unit` and `applicant`, if any.
    pub fn related_party(&self, unit: &UnitId, applicant: &Applicant) -> Option<RelatedParty> {
        let ties = self.ties.get(unit)?;
        let controller = &applicant.actual_controller().id;
        if ties.actual_controller.as_ref().is_some_and(|c| &c.id == controller) {
            return Some(RelatedParty::SameController { controller: controller.clone() });
        }
        let code = applicant.credit_code()?;
        if ties.stakes.contains(code) {
            return Some(RelatedParty::ProviderStake { credit_code: code.clone() });
        }
        None
    }

    /// Returns the ids of the applicants whose actual controller is `controller`.
    pub fn controlled_by(&self, controller: &PartyId) -> Vec<&EnterpriseId> {
        self.applicants.values().filter(|a| &a.actual_controller().id == controller).map(|a| &a.id).collect()
    }

    /// Checks and applies one change. Nothing changes if an error is returned.
    pub(crate) fn apply(&mut self, registry: &Registry, actor: &Actor, change: &EnterpriseChange) -> Result<()> {
        match change {
            EnterpriseChange::RegisterApplicant { applicant } => self.register(actor, applicant),
            EnterpriseChange::UpdateApplicant { applicant } => self.update(actor, applicant),
            EnterpriseChange::RecordProviderTies { ties } => self.record_ties(registry, actor, ties),
            EnterpriseChange::PublishSizeStandard { standard } => self.publish_standard(actor, standard),
        }
    }

    fn register(&mut self, actor: &Actor, applicant: &Applicant) -> Result<()> {
        require_self_or_office(actor, &applicant.id, "register_applicant")?;
        if self.applicants.contains_key(&applicant.id) {
            return Err(Error::AlreadyExists { entity: Entity::Enterprise, id: applicant.id.to_string() });
        }
        self.check_applicant(applicant)?;
        self.applicants.insert(applicant.id.clone(), applicant.clone());
        Ok(())
    }

    fn update(&mut self, actor: &Actor, applicant: &Applicant) -> Result<()> {
        require_self_or_office(actor, &applicant.id, "update_applicant")?;
        let current = self.applicant(&applicant.id)?;
        if current.is_team() != applicant.is_team() {
            return Err(Error::invalid_value(
                "profile",
                if applicant.is_team() { "startup_team" } else { "enterprise" },
                Text::new(
                    "与登记时相同的类型；团队注册为企业后请以新编号登记企业",
                    "the kind registered; a team that founds an enterprise registers it under a new id",
                ),
            ));
        }
        self.check_applicant(applicant)?;
        self.applicants.insert(applicant.id.clone(), applicant.clone());
        Ok(())
    }

    fn check_applicant(&self, applicant: &Applicant) -> Result<()> {
        applicant.validate()?;
        if let ApplicantProfile::Enterprise(enterprise) = &applicant.profile {
            self.check_industry(&enterprise.industry)?;
        }
        let Some(code) = applicant.credit_code() else { return Ok(()) };
        let holder = self.applicants.values().find(|other| other.id != applicant.id && other.credit_code() == Some(code));
        if let Some(other) = holder {
            return Err(Error::invalid_value(
                "credit_code",
                code,
                Text::new(
                    format!("未被其他申请主体使用的代码；该代码已登记为 {}", other.id),
                    format!("a code no other applicant uses; it is registered to {}", other.id),
                ),
            ));
        }
        Ok(())
    }

    /// Accepts an industry that a row of the 2011 standard or of any
    /// published standard names; schemes check it again against their own.
    fn check_industry(&self, industry: &str) -> Result<()> {
        let builtin = SizeStandard::sme_2011()?;
        let known = builtin.row(industry).is_ok() || self.standards.values().any(|s| s.row(industry).is_ok());
        if known {
            return Ok(());
        }
        builtin.row(industry).map(|_| ())
    }

    fn record_ties(&mut self, registry: &Registry, actor: &Actor, ties: &ProviderTies) -> Result<()> {
        registry.unit(&ties.unit)?;
        access::require_unit_or_office(actor, &ties.unit, "record_provider_ties")?;
        if let Some(controller) = &ties.actual_controller {
            check_text("actual_controller.name", &controller.name, true)?;
        }
        if ties.stakes.len() > MAX_STAKES {
            return Err(Error::invalid_value(
                "stakes",
                ties.stakes.len(),
                Text::new(format!("至多 {MAX_STAKES} 家企业"), format!("at most {MAX_STAKES} enterprises")),
            ));
        }
        let mut stakes = ties.stakes.clone();
        stakes.sort();
        stakes.dedup();
        let recorded = ProviderTies { stakes, ..ties.clone() };
        self.ties.insert(ties.unit.clone(), recorded);
        Ok(())
    }

    fn publish_standard(&mut self, actor: &Actor, standard: &SizeStandard) -> Result<()> {
        access::require_office(actor, "publish_size_standard")?;
        standard.validate()?;
        if let Some(current) = self.standards.get(&standard.id)
            && standard.version <= current.version
        {
            return Err(Error::invalid_value(
                "version",
                standard.version,
                Text::new(
                    format!("大于已发布的第 {} 版", current.version),
                    format!("a version above the published {}", current.version),
                ),
            ));
        }
        self.standards.insert(standard.id.clone(), standard.clone());
        Ok(())
    }
}

/// Checks that `actor` is office staff or the contact of `applicant`.
pub(crate) fn require_self_or_office(actor: &Actor, applicant: &EnterpriseId, action: &str) -> Result<()> {
    let is_self = matches!(&actor.role, Role::Enterprise { enterprise } if enterprise == applicant);
    if actor.is_office() || is_self {
        return Ok(());
    }
    Err(access::denied(
        actor,
        action,
        Text::new(
            format!("只有申请主体 {applicant} 的联系人或协作网办公室可以执行此操作"),
            format!("only the contact of applicant {applicant} or office staff may do this"),
        ),
    ))
}
