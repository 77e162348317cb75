//! A year of innovation vouchers (创新券) on a generated network. The office
//! opens the 100万元 special fund for 2018 and moves its 20万元 voucher
//! category into the pool. 40 enterprises and 5 startup teams apply for
//! more than the pool contains, and the office grants them first come,
//! first served. Holders book sample tests through the booking engine and
//! pay with vouchers, and two related-party attempts are rejected.
//! Providers complete the bookings and redeem with invoices, and the fund
//! ledger pays the redemptions out of its voucher category. What is unused
//! returns to the pool at the end of the year.
//!
//! ```text
//! cargo run --example voucher_year              # 中文
//! cargo run --example voucher_year -- --lang en
//! cargo run --example voucher_year -- --seed 7
//! ```
//!
//! Units, instruments, enterprises and every figure of theirs are generated
//! from the seed and are not real; names are placeholders (示例…). The rule
//! figures come from published provincial voucher schemes.

use std::collections::BTreeMap;
use std::error::Error as StdError;
use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use labshare::booking::{BookingId, BookingPolicy, Completion, FeeBasis, FeeRate, SampleRequest, ServiceMode, UserType};
use labshare::credit_code::{CreditCode, check_character};
use labshare::fund::{CategoryAmount, FundCategory};
use labshare::enterprise::{Applicant, ApplicantProfile, Enterprise, Party, ProviderTies, StartupTeam};
use labshare::registry::{AcquisitionSource, CategoryCode, InstrumentRecord, OperatingStatus, SharingMode, Unit, UnitKind};
use labshare::sme::SizeClass;
use labshare::voucher::{
    ApplicationRequest, ApplicationState, AuditDecision, Caps, DateRange, GrantLimit, Invoice, PoolTotals, RedemptionRequest,
    RegionShare, ServiceUseRequest, TeamRules, Validity, VoucherPayment, VoucherRules, VoucherScheme, VoucherState,
};
use labshare::{
    Actor, ApplicationId, EnterpriseId, Error, Event, InstrumentId, Lang, Money, Network, PartyId, Role, SchemeId, Text,
    UnitId,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

type BoxError = Box<dyn StdError>;

/// The seed of the printed year.
pub const DEFAULT_SEED: u64 = 2018;

const SCHEME: &str = "xj-cxq-2018";

/// Member units: id, name, kind and region.
const UNITS: [(&str, &str, UnitKind, &str); 8] = [
    ("U01", "示例分析测试研究院", UnitKind::Institute, "乌鲁木齐市"),
    ("U02", "示例理化测试中心", UnitKind::TestingCentre, "乌鲁木齐市"),
    ("U03", "示例农业科学研究院", UnitKind::Institute, "乌鲁木齐市"),
    ("U04", "示例大学分析测试中心", UnitKind::University, "乌鲁木齐市"),
    ("U05", "示例生态与地理研究所", UnitKind::Institute, "乌鲁木齐市"),
    ("U06", "示例石油化工研究院", UnitKind::Institute, "克拉玛依市"),
    ("U07", "示例南疆检测中心", UnitKind::TestingCentre, "喀什地区"),
    ("U08", "示例检测技术有限公司", UnitKind::Enterprise, "昌吉州"),
];

const INSTRUMENTS: [(&str, &str); 10] = [
    ("气相色谱仪", "010301"),
    ("高效液相色谱仪", "010302"),
    ("电感耦合等离子体质谱仪", "010201"),
    ("扫描电子显微镜", "010501"),
    ("X射线衍射仪", "010601"),
    ("原子吸收光谱仪", "010102"),
    ("傅里叶变换红外光谱仪", "010104"),
    ("核磁共振波谱仪", "010701"),
    ("激光粒度分析仪", "020301"),
    ("万能材料试验机", "020101"),
];

/// Regions of applicants with their division codes.
const REGIONS: [(&str, &str); 10] = [
    ("乌鲁木齐市", "650100"),
    ("乌鲁木齐市", "650100"),
    ("乌鲁木齐市", "650100"),
    ("昌吉州", "652300"),
    ("克拉玛依市", "650200"),
    ("石河子市", "659001"),
    ("伊犁州", "654000"),
    ("喀什地区", "653100"),
    ("阿克苏地区", "652900"),
    ("和田地区", "653200"),
];

const INDUSTRIES: [&str; 9] = [
    "software_it_services",
    "industry",
    "other",
    "other",
    "wholesale",
    "retail",
    "agriculture",
    "information_transmission",
    "leasing_business_services",
];

/// Enterprises with figures of a medium enterprise, which the scheme turns away.
const MEDIUM: [usize; 3] = [3, 21, 33];
/// The enterprise whose actual controller also controls unit U08.
const SAME_CONTROLLER: usize = 11;
/// The enterprise in which unit U03 holds a stake.
const STAKE_HELD: usize = 17;

/// Fee of one sample in every instrument's fee standard, in 元.
const SAMPLE_FEE: i64 = 10;
/// The test item every sample request names.
const TEST_ITEM: &str = "委托检测";

/// Returns the instant of `hour:minute` Beijing time on a local date.
fn beijing(date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let local = Shanghai.with_ymd_and_hms(date.year(), date.month(), date.day(), hour, minute, 0);
    local.single().map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

fn yuan(amount: i64) -> Result<Money, Error> {
    Money::from_fen(amount * 100)
}

fn office() -> Actor {
    Actor::office("xj-office-01")
}

fn contact(id: &EnterpriseId) -> Actor {
    Actor { id: format!("contact-{id}"), role: Role::Enterprise { enterprise: id.clone() } }
}

fn scheme_id() -> Result<SchemeId, Error> {
    SchemeId::new(SCHEME)
}

/// Something that happens on a day of the year, run in time order.
#[derive(Debug, Clone)]
enum Action {
    Use { holder: EnterpriseId, provider: usize, instrument: usize, fee: i64, percent_of_limit: i64 },
    Complete { booking: BookingId, provider: usize },
    Request { booking: BookingId },
    Audit { booking: BookingId },
    Expire,
}

/// A rejected attempt worth printing.
struct Rejection {
    applicant: String,
    error: Error,
}

/// The year's network, journal, generator and what happened along the way.
struct Year {
    rng: ChaCha8Rng,
    network: Network,
    events: Vec<Event>,
    units: Vec<UnitId>,
    instruments: Vec<Vec<InstrumentId>>,
    queue: BTreeMap<(DateTime<Utc>, u64), Action>,
    queued: u64,
    invoices_issued: u64,
    audits: u32,
    filing_rejections: Vec<Rejection>,
    related_rejections: Vec<Rejection>,
    audit_notes: Vec<(BookingId, Text)>,
    /// Pool totals right after the vouchers expired.
    at_expiry: Option<PoolTotals>,
}

impl Year {
    fn new(seed: u64) -> Year {
        Year {
            rng: ChaCha8Rng::seed_from_u64(seed),
            network: Network::new(),
            events: Vec::new(),
            units: Vec::new(),
            instruments: Vec::new(),
            queue: BTreeMap::new(),
            queued: 0,
            invoices_issued: 0,
            audits: 0,
            filing_rejections: Vec::new(),
            related_rejections: Vec::new(),
            audit_notes: Vec::new(),
            at_expiry: None,
        }
    }

    fn record(&mut self, event: Result<Event, Error>) -> Result<(), Error> {
        self.events.push(event?);
        Ok(())
    }

    fn schedule(&mut self, at: DateTime<Utc>, action: Action) {
        self.queued += 1;
        self.queue.insert((at, self.queued), action);
    }

    fn set_up_units(&mut self) -> Result<(), BoxError> {
        let office = office();
        let opened = beijing(ymd(2018, 1, 8), 10, 0);
        for (id, name, kind, region) in UNITS {
            let unit = Unit { id: UnitId::new(id)?, name: name.into(), kind, region: region.into() };
            let event = self.network.register_unit(&office, opened, unit);
            self.record(event)?;
            let count = self.rng.random_range(2..=3);
            let mut ids = Vec::new();
            for n in 1..=count {
                let (name, category) = INSTRUMENTS[self.rng.random_range(0..INSTRUMENTS.len())];
                let instrument = InstrumentId::new(format!("{id}-{n}"))?;
                let record = self.instrument_record(name, category, region)?;
                let admin = Actor::unit_admin(format!("admin-{id}"), UnitId::new(id)?);
                let event = self.network.submit_instrument(&admin, opened, instrument.clone(), UnitId::new(id)?, record);
                self.record(event)?;
                let event = self.network.publish_instrument(&office, beijing(ymd(2018, 1, 15), 10, 0), instrument.clone());
                self.record(event)?;
                let effective = beijing(ymd(2018, 1, 1), 0, 0);
                let event = self.network.set_booking_policy(&admin, opened, instrument.clone(), effective, fee_standard()?);
                self.record(event)?;
                ids.push(instrument);
            }
            self.units.push(UnitId::new(id)?);
            self.instruments.push(ids);
        }
        Ok(())
    }

    fn instrument_record(&mut self, name: &str, category: &str, region: &str) -> Result<InstrumentRecord, BoxError> {
        let value_wan = self.rng.random_range(30..=300);
        Ok(InstrumentRecord {
            name: name.into(),
            english_name: String::new(),
            category_code: CategoryCode::new(category)?,
            source: AcquisitionSource::Purchased,
            original_value: yuan(value_wan * 10_000)?,
            country_of_origin: "CN".into(),
            manufacturer: "示例仪器制造商".into(),
            model: format!("XJ-{}", self.rng.random_range(100..1000)),
            commissioning_date: ymd(2012 + self.rng.random_range(0..6), 6, 1),
            specifications: "示例技术指标".into(),
            functions: "示例主要功能".into(),
            disciplines: Vec::new(),
            service_content: "对外委托检测".into(),
            operating_status: OperatingStatus::Normal,
            sharing_mode: SharingMode::External,
            sharing_rules: "网上预约".into(),
            fee_standard: "按收费标准".into(),
            booking_url: String::new(),
            location: region.into(),
            contact: String::new(),
        })
    }

    fn set_up_scheme(&mut self) -> Result<(), BoxError> {
        let office = office();
        let wan = |n: i64| yuan(n * 10_000);
        let south = ["喀什", "和田", "阿克苏", "克孜勒苏"];
        let scheme = VoucherScheme {
            id: scheme_id()?,
            version: 1,
            title: Text::new("2018年度创新券实施细则", "2018 innovation voucher rules"),
            effective: DateRange { from: ymd(2018, 3, 1), until: Some(ymd(2018, 12, 1)) },
            time_zone: "Asia/Shanghai".into(),
            number_prefix: "XJCXQ2018".into(),
            rules: VoucherRules {
                enterprise_caps: Caps { per_application: wan(2)?, per_year: wan(10)? },
                controller_year_cap: wan(10)?,
                startup_teams: Some(TeamRules { caps: Caps { per_application: wan(1)?, per_year: wan(2)? }, min_people: 2 }),
                face_value: yuan(1000)?,
                validity: Validity { days: None, until: Some(ymd(2018, 12, 31)) },
                ..VoucherRules::default()
            },
        };
        let mut scheme = scheme;
        scheme.rules.share.by_region =
            south.iter().map(|region| RegionShare { region: (*region).into(), percent: Decimal::from(60) }).collect();
        let event = self.network.publish_voucher_scheme(&office, beijing(ymd(2018, 2, 20), 10, 0), scheme);
        self.record(event)?;
        let budget = [
            (FundCategory::OfficeCosts, 10),
            (FundCategory::Subsidies, 60),
            (FundCategory::Rewards, 10),
            (FundCategory::Vouchers, 20),
        ]
        .into_iter()
        .map(|(category, amount)| Ok(CategoryAmount { category, amount: wan(amount)? }))
        .collect::<Result<Vec<_>, Error>>()?;
        let event = self.network.open_fund_year(&office, beijing(ymd(2018, 1, 8), 9, 0), 2018, wan(100)?, budget);
        self.record(event)?;
        let event = self.network.fund_voucher_pool(&office, beijing(ymd(2018, 3, 1), 9, 0), scheme_id()?, 2018, wan(20)?);
        self.record(event)?;

        let controller = Party { id: PartyId::new("P-WANG")?, name: "王某".into() };
        let ties = ProviderTies { unit: UnitId::new("U08")?, actual_controller: Some(controller), stakes: Vec::new() };
        let event = self.network.record_provider_ties(&office, beijing(ymd(2018, 2, 21), 10, 0), ties);
        self.record(event)?;
        Ok(())
    }

    fn enterprise(&mut self, n: usize) -> Result<Applicant, BoxError> {
        let (region, division) = REGIONS[self.rng.random_range(0..REGIONS.len())];
        let mut industry = INDUSTRIES[self.rng.random_range(0..INDUSTRIES.len())];
        let mut staff = self.rng.random_range(3..=60);
        // Farms reach the medium class at 500万元 of revenue, other rows much later.
        let top = if industry == "agriculture" { 480 } else { 1500 };
        let mut revenue_wan = self.rng.random_range(20..=top);
        if MEDIUM.contains(&n) {
            industry = "industry";
            staff = self.rng.random_range(320..=600);
            revenue_wan = self.rng.random_range(3000..=9000);
        }
        if n == SAME_CONTROLLER || n == STAKE_HELD {
            industry = "other";
            staff = self.rng.random_range(12..=40);
        }

        let controller = match n {
            SAME_CONTROLLER => Party { id: PartyId::new("P-WANG")?, name: "王某".into() },
            5 | 6 => Party { id: PartyId::new("P-LI")?, name: "李某".into() },
            28..=30 => Party { id: PartyId::new("P-ZHAO")?, name: "赵某".into() },
            _ => Party { id: PartyId::new(format!("P-E{n:02}"))?, name: format!("实际控制人{n:02}") },
        };
        let first17 = format!("91{division}MA{:07}", 7_000_000 + n * 37);
        let code = CreditCode::parse(&format!("{first17}{}", check_character(&first17)?))?;
        let since = if self.rng.random_bool(0.25) {
            Some(ymd(self.rng.random_range(2014..=2017), self.rng.random_range(1..=12), 1))
        } else {
            None
        };

        Ok(Applicant {
            id: EnterpriseId::new(format!("E{n:02}"))?,
            name: format!("示例科技企业{n:02}"),
            region: region.into(),
            network_user_since: since,
            profile: ApplicantProfile::Enterprise(Enterprise {
                credit_code: code,
                industry: industry.into(),
                staff,
                revenue: yuan(revenue_wan * 10_000)?,
                total_assets: yuan(self.rng.random_range(50..=3000) * 10_000)?,
                actual_controller: controller,
            }),
        })
    }

    fn team(&mut self, n: usize) -> Result<Applicant, BoxError> {
        let (region, _) = REGIONS[self.rng.random_range(0..REGIONS.len())];
        let members = (1..=self.rng.random_range(1..=4))
            .map(|m| Ok(Party { id: PartyId::new(format!("P-T{n}-{m}"))?, name: format!("团队{n}成员{m}") }))
            .collect::<Result<Vec<Party>, Error>>()?;
        let fields = ["新材料", "生物医药", "现代农业", "节能环保", "电子信息"];
        Ok(Applicant {
            id: EnterpriseId::new(format!("T{n}"))?,
            name: format!("示例创业团队{n}"),
            region: region.into(),
            network_user_since: None,
            profile: ApplicantProfile::StartupTeam(StartupTeam {
                leader: Party { id: PartyId::new(format!("P-T{n}"))?, name: format!("团队{n}负责人") },
                members,
                field: fields[n % fields.len()].into(),
            }),
        })
    }

    /// Registers the applicants and files their applications in time order.
    fn apply(&mut self) -> Result<(), BoxError> {
        let mut applicants = Vec::new();
        for n in 1..=40 {
            applicants.push(self.enterprise(n)?);
        }
        for n in 1..=5 {
            applicants.push(self.team(n)?);
        }
        for applicant in &applicants {
            let at = beijing(ymd(2018, 2, 26), 10, 0);
            let event = self.network.register_applicant(&contact(&applicant.id), at, applicant.clone());
            self.record(event)?;
        }
        let stake = applicants.get(STAKE_HELD - 1).and_then(|a| a.credit_code().cloned()).ok_or("no stake")?;
        let ties = ProviderTies { unit: UnitId::new("U03")?, actual_controller: None, stakes: vec![stake] };
        let event = self.network.record_provider_ties(&office(), beijing(ymd(2018, 2, 27), 10, 0), ties);
        self.record(event)?;

        let mut filings = Vec::new();
        for (index, applicant) in applicants.iter().enumerate() {
            let early = [SAME_CONTROLLER, STAKE_HELD].contains(&(index + 1));
            let day = if early { index as u64 % 3 } else { self.rng.random_range(0..55) };
            let date = ymd(2018, 3, 1).checked_add_days(Days::new(day)).unwrap_or_default();
            let at = beijing(date, self.rng.random_range(9..18), self.rng.random_range(0..60));
            let thousands = if applicant.is_team() { self.rng.random_range(5..=10) } else { self.rng.random_range(5..=20) };
            filings.push((at, applicant.id.clone(), yuan(thousands * 1000)?));
        }
        filings.sort();
        for (at, id, amount) in filings {
            let request = ApplicationRequest {
                id: ApplicationId::new(format!("SQ-{id}"))?,
                scheme: scheme_id()?,
                applicant: id.clone(),
                amount,
                purpose: "委托检测与分析测试".into(),
            };
            match self.network.apply_for_vouchers(&contact(&id), at, request) {
                Ok(event) => self.events.push(event),
                Err(error @ Error::RuleViolation { .. }) => self.filing_rejections.push(Rejection { applicant: id.to_string(), error }),
                Err(error) => return Err(error.into()),
            }
        }
        Ok(())
    }

    fn decide_and_issue(&mut self) -> Result<(), BoxError> {
        let event = self.network.decide_voucher_applications(&office(), beijing(ymd(2018, 4, 28), 10, 0), scheme_id()?);
        self.record(event)?;
        let approved: Vec<ApplicationId> = self
            .network
            .vouchers()
            .applications()
            .filter(|a| a.state == ApplicationState::Approved)
            .map(|a| a.id.clone())
            .collect();
        for id in approved {
            let event = self.network.issue_vouchers(&office(), beijing(ymd(2018, 5, 8), 10, 0), id);
            self.record(event)?;
        }
        Ok(())
    }

    /// Plans each holder's services over the rest of the year.
    fn plan_services(&mut self) -> Result<(), BoxError> {
        let holders: Vec<EnterpriseId> = self
            .network
            .vouchers()
            .applications()
            .filter(|a| a.state == ApplicationState::Issued)
            .map(|a| a.applicant.clone())
            .collect();
        for holder in holders {
            let services = self.rng.random_range(1..=4);
            for _ in 0..services {
                let day = self.rng.random_range(0..225);
                let date = ymd(2018, 5, 10).checked_add_days(Days::new(day)).unwrap_or_default();
                let provider = self.unrelated_provider(&holder)?;
                let instrument = self.rng.random_range(0..self.instruments[provider].len());
                let fee = self.rng.random_range(200..=2000) * SAMPLE_FEE;
                let percent_of_limit = if self.rng.random_bool(0.5) { 100 } else { self.rng.random_range(30..=90) };
                let at = beijing(date, self.rng.random_range(9..18), 0);
                self.schedule(at, Action::Use { holder: holder.clone(), provider, instrument, fee, percent_of_limit });
            }
            // Some holders come back in the last weeks, so their providers
            // redeem in January, after the vouchers expired.
            if self.rng.random_bool(0.4) {
                let date = ymd(2018, 12, self.rng.random_range(15..=28));
                let provider = self.unrelated_provider(&holder)?;
                let fee = self.rng.random_range(200..=1000) * SAMPLE_FEE;
                let at = beijing(date, 10, 0);
                self.schedule(at, Action::Use { holder: holder.clone(), provider, instrument: 0, fee, percent_of_limit: 100 });
            }
        }
        // The two related-party attempts come first in their holders' year.
        for (number, unit) in [(SAME_CONTROLLER, 7), (STAKE_HELD, 2)] {
            let holder = EnterpriseId::new(format!("E{number:02}"))?;
            let fee = 12_000;
            let action = Action::Use { holder, provider: unit, instrument: 0, fee, percent_of_limit: 100 };
            self.schedule(beijing(ymd(2018, 5, 9), 10, 0), action);
        }
        self.schedule(beijing(ymd(2019, 1, 1), 0, 0), Action::Expire);
        Ok(())
    }

    fn unrelated_provider(&mut self, holder: &EnterpriseId) -> Result<usize, BoxError> {
        let applicant = self.network.enterprises().applicant(holder)?.clone();
        loop {
            let index = self.rng.random_range(0..self.units.len());
            if self.network.enterprises().related_party(&self.units[index], &applicant).is_none() {
                return Ok(index);
            }
        }
    }

    fn run_queue(&mut self) -> Result<(), BoxError> {
        while let Some(((at, _), action)) = self.queue.pop_first() {
            match action {
                Action::Use { holder, provider, instrument, fee, percent_of_limit } => {
                    self.use_vouchers(at, &holder, provider, instrument, fee, percent_of_limit)?;
                }
                Action::Complete { booking, provider } => self.complete(at, booking, provider)?,
                Action::Request { booking } => self.request(at, booking)?,
                Action::Audit { booking } => self.audit(at, booking)?,
                Action::Expire => {
                    let event = self.network.expire_vouchers(&office(), at, scheme_id()?);
                    self.record(event)?;
                    self.at_expiry = Some(self.network.vouchers().scheme(&scheme_id()?)?.pool.totals);
                }
            }
        }
        Ok(())
    }

    /// Books a sample test of `fee ÷ 10` samples for the holder, which the
    /// provider confirms, and pays the given percent of the share limit of
    /// the quoted fee with the holder's vouchers.
    fn use_vouchers(
        &mut self,
        at: DateTime<Utc>,
        holder: &EnterpriseId,
        provider: usize,
        instrument: usize,
        fee: i64,
        percent_of_limit: i64,
    ) -> Result<(), BoxError> {
        let scheme = self.network.vouchers().scheme(&scheme_id()?)?.latest().cloned().ok_or("no scheme")?;
        let region = self.network.enterprises().applicant(holder)?.region.clone();
        let limit = scheme.rules.share.limit(yuan(fee)?, &region)?.limit;
        let mut balances: Vec<(labshare::VoucherNumber, Money)> = self
            .network
            .vouchers()
            .vouchers()
            .filter(|v| &v.holder == holder && v.state == VoucherState::Active && !v.remaining.is_zero())
            .map(|v| (v.number.clone(), v.remaining))
            .collect();
        let balance = Money::sum(balances.iter().map(|(_, amount)| *amount))?;
        let target = limit.mul_rounded(Decimal::new(percent_of_limit, 2))?.min(balance);
        if target.is_zero() {
            return Ok(());
        }

        let booking = self.book_samples(at, holder, provider, instrument, fee)?;
        let mut payments = Vec::new();
        let mut left = target;
        for (number, remaining) in balances.drain(..) {
            if left.is_zero() {
                break;
            }
            let amount = remaining.min(left);
            left = left.checked_sub(amount)?;
            payments.push(VoucherPayment { voucher: number, amount });
        }
        let request = ServiceUseRequest { booking, holder: holder.clone(), payments };
        match self.network.use_vouchers(&contact(holder), at, request) {
            Ok(event) => self.events.push(event),
            Err(error @ Error::RuleViolation { .. }) if is_related_party(&error) => {
                let applicant = format!("{holder} → {}", self.units[provider]);
                self.related_rejections.push(Rejection { applicant, error });
                let admin = Actor::unit_admin(format!("admin-{}", self.units[provider]), self.units[provider].clone());
                let reason = "申请主体改约其他服务单位";
                let receipt = self.network.cancel_booking(&admin, at, booking, Some(reason))?;
                self.events.push(receipt.event);
                let other = self.unrelated_provider(holder)?;
                let retry = Action::Use { holder: holder.clone(), provider: other, instrument: 0, fee: 12_000, percent_of_limit: 100 };
                self.schedule(at.checked_add_days(Days::new(3)).unwrap_or(at), retry);
                return Ok(());
            }
            Err(error) => return Err(error.into()),
        }
        let service_date = at.with_timezone(&Shanghai).date_naive();
        let completed = service_date.checked_add_days(Days::new(1)).unwrap_or(service_date);
        self.schedule(beijing(completed, 17, 0), Action::Complete { booking, provider });
        let wait = self.rng.random_range(2..=8);
        let request_at = beijing(service_date.checked_add_days(Days::new(wait)).unwrap_or(service_date), 15, 0);
        self.schedule(request_at, Action::Request { booking });
        Ok(())
    }

    /// Has the holder's contact request a sample test and the provider confirm it.
    fn book_samples(&mut self, at: DateTime<Utc>, holder: &EnterpriseId, provider: usize, instrument: usize, fee: i64) -> Result<BookingId, BoxError> {
        let request = SampleRequest {
            instrument: self.instruments[provider][instrument].clone(),
            test_item: TEST_ITEM.into(),
            samples: u32::try_from(fee / SAMPLE_FEE)?,
            purpose: "新产品研发检测".into(),
            voucher: Some(format!("{holder} 创新券")),
        };
        let receipt = self.network.request_samples(&contact(holder), at, request)?;
        let booking = *receipt.bookings.first().ok_or("no booking")?;
        self.events.push(receipt.event);
        let admin = Actor::unit_admin(format!("admin-{}", self.units[provider]), self.units[provider].clone());
        let receipt = self.network.confirm_booking(&admin, at, booking)?;
        self.events.push(receipt.event);
        Ok(booking)
    }

    /// Completes a booking with its samples, charged from the fee standard.
    fn complete(&mut self, at: DateTime<Utc>, booking: BookingId, provider: usize) -> Result<(), BoxError> {
        let samples = match self.network.booking().booking(booking, at, None)?.kind {
            labshare::booking::BookingKind::Samples { samples, .. } => samples,
            labshare::booking::BookingKind::Slot { .. } => return Err("a slot booking in a sample-test year".into()),
        };
        let completion = Completion { actual_hours: Decimal::ZERO, samples, mode: ServiceMode::StaffRun, amount: None };
        let admin = Actor::unit_admin(format!("admin-{}", self.units[provider]), self.units[provider].clone());
        let receipt = self.network.complete_booking(&admin, at, booking, completion)?;
        self.events.push(receipt.event);
        Ok(())
    }

    fn request(&mut self, at: DateTime<Utc>, booking: BookingId) -> Result<(), BoxError> {
        let service_use = self.network.vouchers().service_use(booking)?.clone();
        let record = self.network.booking().service_records().iter().find(|r| r.booking == booking).ok_or("not completed")?;
        self.invoices_issued += 1;
        let invoice = Invoice {
            number: format!("{:08}", 65_180_000 + self.invoices_issued),
            issued_on: record.date,
            amount: record.amount,
        };
        let admin = Actor::unit_admin(format!("admin-{}", service_use.provider), service_use.provider.clone());
        let request = RedemptionRequest { booking, invoice };
        let event = self.network.request_redemption(&admin, at, request);
        self.record(event)?;
        let wait = self.rng.random_range(5..=15);
        self.schedule(at.checked_add_days(Days::new(wait)).unwrap_or(at), Action::Audit { booking });
        Ok(())
    }

    /// Pays every request, except that the third audit returns a request for
    /// a wrong invoice title and the seventh rejects one as out of scope.
    fn audit(&mut self, at: DateTime<Utc>, booking: BookingId) -> Result<(), BoxError> {
        self.audits += 1;
        let decision = match self.audits {
            3 => {
                let reason = Text::new("发票抬头与申请主体名称不符，请重开发票", "the invoice names another payer; reissue it");
                self.audit_notes.push((booking, reason.clone()));
                AuditDecision::Return { reason: reason.zh }
            }
            7 => {
                let reason = Text::new(
                    "服务内容为产品出厂检验，不属于研发检测服务，不予兑付",
                    "the service was a factory release test, not research testing, so it is not redeemed",
                );
                self.audit_notes.push((booking, reason.clone()));
                AuditDecision::Reject { reason: reason.zh }
            }
            _ => AuditDecision::Pay,
        };
        let returned = matches!(decision, AuditDecision::Return { .. });
        let event = self.network.audit_redemption(&office(), at, booking, decision);
        self.record(event)?;
        if returned {
            self.schedule(at.checked_add_days(Days::new(3)).unwrap_or(at), Action::Request { booking });
        }
        Ok(())
    }
}

/// Returns the fee standard of every instrument: 10元 a sample for voucher
/// holders and outside users.
fn fee_standard() -> Result<BookingPolicy, Error> {
    let fees = [UserType::VoucherHolder, UserType::External]
        .into_iter()
        .map(|user_type| Ok(FeeRate { user_type, basis: FeeBasis::Sample, test_item: None, rate: yuan(SAMPLE_FEE)? }))
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(BookingPolicy { fees, ..BookingPolicy::default() })
}

fn is_related_party(error: &Error) -> bool {
    matches!(error, Error::RuleViolation { rule, .. } if rule.starts_with("voucher.related_party"))
}

/// Runs the year from `seed` and returns the printed account in `lang`.
pub fn run(lang: Lang, seed: u64) -> Result<String, BoxError> {
    let mut year = Year::new(seed);
    year.set_up_units()?;
    year.set_up_scheme()?;
    year.apply()?;
    year.decide_and_issue()?;
    year.plan_services()?;
    year.run_queue()?;
    render(&year, lang, seed)
}

fn t(lang: Lang, zh: &str, en: &str) -> String {
    Text::new(zh, en).get(lang).to_owned()
}

fn colon(lang: Lang) -> &'static str {
    if lang == Lang::Zh { "：" } else { ": " }
}

fn render(year: &Year, lang: Lang, seed: u64) -> Result<String, BoxError> {
    let network = &year.network;
    let scheme = scheme_id()?;
    let book = network.vouchers();
    let mut out = String::new();

    writeln!(out, "{}", t(lang, "新疆科学仪器设备协作共用网 · 2018 年度创新券", "Xinjiang instrument sharing network · innovation vouchers 2018"))?;
    writeln!(
        out,
        "{}",
        match lang {
            Lang::Zh => format!("单位、仪器、企业及其数据均由种子 {seed} 生成，并非真实数据。"),
            Lang::En => format!("Units, instruments, enterprises and their figures are generated from seed {seed} and are not real."),
        }
    )?;
    writeln!(out)?;

    write_scheme(&mut out, year, lang)?;
    write_applications(&mut out, year, lang)?;
    write_related(&mut out, year, lang)?;
    write_audits(&mut out, year, lang)?;

    let report = network.voucher_report(&scheme)?;
    writeln!(out, "{}", t(lang, "六、实施情况报告", "6. Report"))?;
    out.push_str(&report.render(lang));
    writeln!(out)?;

    writeln!(out, "{}", t(lang, "七、台账核对", "7. Ledger checks"))?;
    let unbalanced = book
        .vouchers()
        .filter(|v| Money::sum([v.used, v.remaining, v.expired]).ok() != Some(v.face_value))
        .count();
    let pool = book.scheme(&scheme)?.pool.totals;
    let fund_year = network.fund().fund_year(&office(), 2018)?;
    let fund = fund_year.report()?;
    let line = fund.categories.iter().find(|c| c.category == FundCategory::Vouchers).ok_or("no voucher category")?;
    let holding = fund_year.pool_holding(&scheme)?;
    let agrees = holding.held == pool.cash()? && holding.redeemed == pool.paid;
    let agrees = if agrees { t(lang, "与资金池台账一致", "agrees with the pool ledger") } else { t(lang, "与资金池台账不符", "DIFFERS from the pool ledger") };
    let percent = fund.execution_rate * Decimal::ONE_HUNDRED;
    let replayed = Network::replay(&year.events)?;
    let same = if &replayed == network { t(lang, "一致", "equal") } else { t(lang, "不一致", "DIFFERENT") };
    match lang {
        Lang::Zh => {
            writeln!(out, "券 {} 张，面额 ≠ 已用 + 余额 + 过期 的券：{unbalanced} 张", book.vouchers().count())?;
            writeln!(
                out,
                "资金池：拨入 {} = 已兑付 {} + 预留 {} + 可用 {} + 退出 {}",
                pool.funded,
                pool.paid,
                pool.reserved,
                pool.free()?,
                pool.withdrawn
            )?;
            writeln!(
                out,
                "专项资金创新券科目：可用 {}，拨入资金池 {}，兑付支出 {}，资金池留存 {}，{agrees}",
                line.available,
                holding.funded,
                line.spent,
                holding.held
            )?;
            writeln!(out, "专项资金执行率：已支出 {} ÷ 可用 {} = {:.2}%", fund.spent, fund.available, percent)?;
            writeln!(out, "事件日志：{} 条事件；重放后状态{same}", year.events.len())?;
        }
        Lang::En => {
            writeln!(out, "{} vouchers; vouchers where face value ≠ used + remaining + expired: {unbalanced}", book.vouchers().count())?;
            writeln!(
                out,
                "pool: funded {} = paid {} + reserved {} + free {} + withdrawn {}",
                pool.funded,
                pool.paid,
                pool.reserved,
                pool.free()?,
                pool.withdrawn
            )?;
            writeln!(
                out,
                "fund voucher category: available {}, moved into the pool {}, redemptions paid {}, held in the pool {}; {agrees}",
                line.available,
                holding.funded,
                line.spent,
                holding.held
            )?;
            writeln!(out, "fund execution rate: spent {} ÷ available {} = {:.2}%", fund.spent, fund.available, percent)?;
            writeln!(out, "journal: {} events; replayed state is {same}", year.events.len())?;
        }
    }
    Ok(out)
}

fn write_scheme(out: &mut String, year: &Year, lang: Lang) -> Result<(), BoxError> {
    let state = year.network.vouchers().scheme(&scheme_id()?)?;
    let scheme = state.latest().ok_or("no scheme")?;
    let rules = &scheme.rules;
    let teams = rules.startup_teams.as_ref().ok_or("no team rules")?;
    let fund = year.network.fund().report(&office(), 2018)?;
    writeln!(out, "{}", t(lang, "一、资金与细则", "1. Fund and rules"))?;
    match lang {
        Lang::Zh => {
            writeln!(out, "专项资金 {}，划出创新券资金池 {}", fund.appropriation.format_wan(), state.pool.totals.funded.format_wan())?;
            writeln!(
                out,
                "企业：单次不超过 {}，每年不超过 {}；同一实际控制人名下合计每年不超过 {}",
                rules.enterprise_caps.per_application.format_wan(),
                rules.enterprise_caps.per_year.format_wan(),
                rules.controller_year_cap.format_wan()
            )?;
            writeln!(
                out,
                "创业团队（至少 {} 人）：单次不超过 {}，每年不超过 {}",
                teams.min_people,
                teams.caps.per_application.format_wan(),
                teams.caps.per_year.format_wan()
            )?;
            writeln!(
                out,
                "创新券支付服务费的 {}%（南疆四地州 60%），服务费低于 {} 可全额支付；面额 {}，有效期至 {}；先到先得",
                rules.share.percent,
                rules.share.full_payment_below.map(Money::format_wan).unwrap_or_default(),
                rules.face_value,
                rules.validity.until.map(|d| d.to_string()).unwrap_or_default()
            )?;
        }
        Lang::En => {
            writeln!(
                out,
                "special fund {}, of which the voucher pool is {}",
                fund.appropriation.format_wan(),
                state.pool.totals.funded.format_wan()
            )?;
            writeln!(
                out,
                "enterprises: at most {} per application and {} a year; at most {} a year per actual controller",
                rules.enterprise_caps.per_application.format_wan(),
                rules.enterprise_caps.per_year.format_wan(),
                rules.controller_year_cap.format_wan()
            )?;
            writeln!(
                out,
                "startup teams (at least {} people): at most {} per application and {} a year",
                teams.min_people,
                teams.caps.per_application.format_wan(),
                teams.caps.per_year.format_wan()
            )?;
            writeln!(
                out,
                "vouchers pay {}% of a fee (60% in the four southern prefectures), all of a fee below {}; face value {}, valid to {}; first come, first served",
                rules.share.percent,
                rules.share.full_payment_below.map(Money::format_wan).unwrap_or_default(),
                rules.face_value,
                rules.validity.until.map(|d| d.to_string()).unwrap_or_default()
            )?;
        }
    }
    writeln!(out)?;
    Ok(())
}

fn write_applications(out: &mut String, year: &Year, lang: Lang) -> Result<(), BoxError> {
    let book = year.network.vouchers();
    let mut applications: Vec<_> = book.applications().collect();
    applications.sort_by_key(|a| a.decision.as_ref().map_or(u32::MAX, |d| d.rank));
    let requested = Money::sum(applications.iter().map(|a| a.requested))?;
    let pool = book.scheme(&scheme_id()?)?.pool.totals.funded;
    let ratio = requested.yuan() / pool.yuan();

    writeln!(out, "{}", t(lang, "二、申请与审核", "2. Applications and the office's round"))?;
    match lang {
        Lang::Zh => {
            writeln!(out, "登记申请主体 45 个（企业 40 家、创业团队 5 个）；受理时不符合条件 {} 个：", year.filing_rejections.len())?;
        }
        Lang::En => {
            writeln!(out, "45 applicants registered (40 enterprises, 5 startup teams); {} turned away on filing:", year.filing_rejections.len())?;
        }
    }
    for rejection in &year.filing_rejections {
        writeln!(out, "  × {}", describe_filing_rejection(year, rejection, lang)?)?;
    }
    match lang {
        Lang::Zh => writeln!(
            out,
            "受理申请 {} 份，申请额合计 {}，为资金池 {} 的 {:.2} 倍，超额申请；2018-04-28 按申请时间先到先得审核：",
            applications.len(),
            requested,
            pool,
            ratio
        )?,
        Lang::En => writeln!(
            out,
            "{} applications for {} in total, {:.2} times the pool of {}, so oversubscribed; the round of 2018-04-28 grants first come, first served:",
            applications.len(),
            requested,
            ratio,
            pool
        )?,
    }
    writeln!(out, "{}", t(lang, "序号  申请主体  规模          申请额        批准额  说明", "rank  applicant size         requested       granted  note"))?;
    for application in applications {
        let Some(decision) = &application.decision else { continue };
        let size = application.size.map_or_else(|| Text::new("创业团队", "team"), size_label);
        let note = match (decision.limit, decision.granted.is_zero()) {
            (GrantLimit::Requested, _) => t(lang, "全额", "in full"),
            (GrantLimit::Pool, false) => t(lang, "资金池余额不足，部分批准", "partly, pool nearly used up"),
            (GrantLimit::Pool, true) => t(lang, "资金池已用尽", "pool used up"),
            (_, false) => t(lang, "受年度上限限制", "bounded by a yearly cap"),
            (_, true) => t(lang, "已达年度上限", "yearly cap reached"),
        };
        writeln!(
            out,
            "{:>4}  {}{}{:>12}  {:>12}  {note}",
            decision.rank,
            pad(application.applicant.as_str(), 10),
            pad(size.get(lang), 8),
            application.requested.yuan(),
            decision.granted.yuan()
        )?;
    }
    writeln!(out)?;
    Ok(())
}

/// Describes a rejected filing by the size test that the applicant reached,
/// or by the error message for other rules.
fn describe_filing_rejection(year: &Year, rejection: &Rejection, lang: Lang) -> Result<String, BoxError> {
    let Error::RuleViolation { rule, .. } = &rejection.error else { return Ok(rejection.error.message(lang)) };
    if rule != "voucher.size_not_eligible" {
        return Ok(format!("{} {}", rejection.applicant, rejection.error.message(lang)));
    }
    let id = EnterpriseId::new(rejection.applicant.as_str())?;
    let at = beijing(ymd(2018, 3, 1), 10, 0);
    let classification = year.network.classify_applicant(&id, &scheme_id()?, at)?;
    let standard = year.network.enterprises().size_standard(&classification.standard)?;
    let industry = standard.row(&classification.industry)?.name.get(lang).to_owned();
    let steps = &classification.explanation.steps;
    let reached = steps.len().checked_sub(2).and_then(|i| steps.get(i)).map(|s| s.get(lang).to_owned()).unwrap_or_default();
    Ok(format!("{} [{rule}] {industry}{}{reached}", rejection.applicant, colon(lang)))
}

/// Pads `text` to `width` columns, counting CJK characters as two.
fn pad(text: &str, width: usize) -> String {
    let used: usize = text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    format!("{text}{}", " ".repeat(width.saturating_sub(used)))
}

fn size_label(class: SizeClass) -> Text {
    match class {
        SizeClass::Large => Text::new("大型", "large"),
        SizeClass::Medium => Text::new("中型", "medium"),
        SizeClass::Small => Text::new("小型", "small"),
        SizeClass::Micro => Text::new("微型", "micro"),
    }
}

fn write_related(out: &mut String, year: &Year, lang: Lang) -> Result<(), BoxError> {
    writeln!(out, "{}", t(lang, "三、关联方服务拦截", "3. Related-party services rejected"))?;
    for rejection in &year.related_rejections {
        writeln!(out, "  × {}{}{}", rejection.applicant, colon(lang), rejection.error.message(lang))?;
    }
    writeln!(
        out,
        "{}",
        match lang {
            Lang::Zh => format!("共拦截 {} 次；被拦截的企业三天后改用无关联的服务单位", year.related_rejections.len()),
            Lang::En => format!("{} attempts rejected; each enterprise used an unrelated provider three days later", year.related_rejections.len()),
        }
    )?;
    writeln!(out)?;
    Ok(())
}

fn write_audits(out: &mut String, year: &Year, lang: Lang) -> Result<(), BoxError> {
    let book = year.network.vouchers();
    writeln!(out, "{}", t(lang, "四、兑付审核", "4. Redemption audits"))?;
    for (booking, reason) in &year.audit_notes {
        let service_use = book.service_use(*booking)?;
        writeln!(out, "  {} {} {}{}{}", booking, service_use.provider, service_use.total, colon(lang), reason.get(lang))?;
    }
    let paid: Vec<_> = book.service_uses().filter(|u| u.state == labshare::voucher::UseState::Paid).collect();
    let total = Money::sum(paid.iter().map(|u| u.total))?;
    let january = paid
        .iter()
        .filter(|u| u.redemptions.last().and_then(|r| r.audit.as_ref()).is_some_and(|a| a.at.year() == 2019))
        .count();
    match lang {
        Lang::Zh => writeln!(out, "兑付 {} 笔，合计 {}；其中 {} 笔为 2018 年的服务、在 2019 年 1 月券过期后审核兑付", paid.len(), total, january)?,
        Lang::En => writeln!(out, "{} redemptions paid, {} in total; {} of them for 2018 services, audited in January 2019 after the vouchers expired", paid.len(), total, january)?,
    }
    writeln!(out)?;

    let expired = Money::sum(book.vouchers().map(|v| v.expired))?;
    writeln!(out, "{}", t(lang, "五、年末过期回收", "5. Expiry at the end of the year"))?;
    match lang {
        Lang::Zh => writeln!(out, "2018-12-31 24:00（北京时间）券到期，未使用余额 {} 退回资金池", expired)?,
        Lang::En => writeln!(out, "vouchers expired at 24:00 on 2018-12-31 Beijing time; the unused {} went back to the pool", expired)?,
    }
    if let Some(pool) = year.at_expiry {
        match lang {
            Lang::Zh => writeln!(
                out,
                "到期时资金池：已兑付 {}，已用券待兑付 {} 继续预留，可用 {}",
                pool.paid,
                pool.reserved,
                pool.free()?
            )?,
            Lang::En => writeln!(
                out,
                "pool at expiry: paid {}, {} of used vouchers still reserved for redemption, free {}",
                pool.paid,
                pool.reserved,
                pool.free()?
            )?,
        }
    }
    writeln!(out)?;
    Ok(())
}

struct Options {
    lang: Lang,
    seed: u64,
}

fn parse_args() -> Result<Options, BoxError> {
    let mut options = Options { lang: Lang::Zh, seed: DEFAULT_SEED };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--lang" => options.lang = Lang::parse(&args.next().ok_or("--lang needs zh or en")?)?,
            "--seed" => options.seed = args.next().ok_or("--seed needs a number")?.parse()?,
            other => return Err(format!("unknown argument {other:?}; use --lang zh|en or --seed N").into()),
        }
    }
    Ok(options)
}

#[allow(dead_code, reason = "the test suite includes this file as a module and calls run()")]
fn main() -> Result<(), BoxError> {
    let options = parse_args()?;
    print!("{}", run(options.lang, options.seed)?);
    Ok(())
}
