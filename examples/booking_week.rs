//! One week of an X-ray instrument group (X射线分析机组) around the 2025
//! National Day holiday, printed as a booking calendar in Chinese.
//!
//! ```text
//! cargo run --example booking_week
//! ```
//!
//! The week of Monday 2025-10-06 has three holiday days (10-06 to 10-08),
//! two ordinary working days and a make-up working Saturday (10-11). Users
//! of three kinds book the group's two diffractometers and its fluorescence
//! spectrometer. One slot is fully booked, so a user joins its waitlist;
//! when the holder cancels, the freed slot is offered to the waiting user.

use std::error::Error as StdError;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use labshare::booking::{
    AvailabilityQuery, BookingKind, BookingPolicy, BookingProfile, BookingView, FeeBasis, FeeRate, SampleRequest,
    SlotRequest, UserType,
};
use labshare::calendar::{DayKind, Zone};
use labshare::registry::{
    AcquisitionSource, CategoryCode, InstrumentRecord, OperatingStatus, SharingMode, Unit, UnitKind,
};
use labshare::{Actor, InstrumentId, Money, Network, UnitId};

type BoxError = Box<dyn StdError>;

const GROUP: [(&str, &str, &str); 3] = [
    ("XJ-AT-XRD-01", "X射线衍射仪 D8", "X射线衍射物相分析"),
    ("XJ-AT-XRD-02", "X射线衍射仪 SmartLab", "X射线衍射物相分析"),
    ("XJ-AT-XRF-01", "X射线荧光光谱仪", "X射线荧光元素分析"),
];

fn main() -> Result<(), BoxError> {
    let mut network = build_group()?;
    let booked = make_bookings(&mut network)?;
    let week_start = NaiveDate::from_ymd_opt(2025, 10, 6).ok_or("bad date")?;
    let end_of_week = bj(2025, 10, 13, 0, 0)?;

    println!("X射线分析机组 预约周历（2025-10-06 至 2025-10-12，北京时间）\n");
    print_calendar(&network, week_start, end_of_week)?;
    print_quotes(&network, &booked)?;
    print_waitlist(&mut network, &booked)?;
    print_free_slots(&network)?;
    Ok(())
}

/// Returns the instant of a Beijing wall-clock time.
fn bj(y: i32, m: u32, d: u32, h: u32, min: u32) -> Result<DateTime<Utc>, BoxError> {
    let local = NaiveDate::from_ymd_opt(y, m, d).and_then(|date| date.and_hms_opt(h, min, 0)).ok_or("bad time")?;
    Ok(Zone::SHANGHAI.to_utc(local)?)
}

fn setup_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 9, 1, 0, 0, 0).single().unwrap_or_default()
}

fn build_group() -> Result<Network, BoxError> {
    let mut network = Network::new();
    let office = Actor::office("office-1");
    let at = setup_time();
    let units = [("XJ-AT", "新疆分析测试研究院"), ("XJ-BIO", "新疆生物技术研究所")];
    for (id, name) in units {
        let unit = Unit { id: UnitId::new(id)?, name: name.to_owned(), kind: UnitKind::Institute, region: "乌鲁木齐市".to_owned() };
        network.register_unit(&office, at, unit)?;
    }
    let owner = Actor::unit_admin("at-admin", UnitId::new("XJ-AT")?);
    for (id, name, item) in GROUP {
        let instrument = InstrumentId::new(id)?;
        network.submit_instrument(&owner, at, instrument.clone(), UnitId::new("XJ-AT")?, record(name)?)?;
        network.publish_instrument(&office, at, instrument.clone())?;
        let since = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single().unwrap_or_default();
        network.set_booking_policy(&owner, at, instrument.clone(), since, policy()?)?;
        let profile = BookingProfile { zone: Zone::SHANGHAI, test_items: vec![item.to_owned()] };
        network.set_booking_profile(&owner, at, instrument, profile)?;
    }
    Ok(network)
}

fn record(name: &str) -> Result<InstrumentRecord, BoxError> {
    Ok(InstrumentRecord {
        name: name.to_owned(),
        english_name: String::new(),
        category_code: CategoryCode::new("010101")?,
        source: AcquisitionSource::Purchased,
        original_value: Money::parse("150万")?,
        country_of_origin: "DE".to_owned(),
        manufacturer: "—".to_owned(),
        model: "—".to_owned(),
        commissioning_date: NaiveDate::from_ymd_opt(2018, 3, 1).ok_or("bad date")?,
        specifications: String::new(),
        functions: String::new(),
        disciplines: Vec::new(),
        service_content: String::new(),
        operating_status: OperatingStatus::Normal,
        sharing_mode: SharingMode::External,
        sharing_rules: String::new(),
        fee_standard: String::new(),
        booking_url: String::new(),
        location: "乌鲁木齐市北京南路".to_owned(),
        contact: String::new(),
    })
}

/// Returns the group's shared rules: confirmed at once, a 15-minute clean-up after
/// each booking, and fees for every kind of user.
fn policy() -> Result<BookingPolicy, BoxError> {
    let hourly = |user_type, yuan: &str| -> Result<FeeRate, BoxError> {
        Ok(FeeRate { user_type, basis: FeeBasis::Hour, test_item: None, rate: Money::parse(yuan)? })
    };
    let sample = |user_type, yuan: &str| -> Result<FeeRate, BoxError> {
        Ok(FeeRate { user_type, basis: FeeBasis::Sample, test_item: None, rate: Money::parse(yuan)? })
    };
    Ok(BookingPolicy {
        auto_confirm: true,
        buffer_after_minutes: 15,
        slot_minutes: 15,
        fees: vec![
            hourly(UserType::Internal, "120")?,
            hourly(UserType::NetworkMember, "200")?,
            hourly(UserType::External, "300")?,
            hourly(UserType::VoucherHolder, "300")?,
            sample(UserType::External, "180")?,
            sample(UserType::NetworkMember, "120")?,
        ],
        ..BookingPolicy::default()
    })
}

/// A booking the example makes.
struct Planned<'a> {
    label: &'static str,
    actor: &'a Actor,
    instrument: &'static str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    voucher: Option<&'static str>,
}

/// The bookings of the week, labelled for the quote table.
struct Booked {
    label: &'static str,
    view: BookingView,
}

fn make_bookings(network: &mut Network) -> Result<Vec<Booked>, BoxError> {
    let alice = Actor::user("李娜", Some(UnitId::new("XJ-BIO")?));
    let carol = Actor::user("王强", Some(UnitId::new("XJ-AT")?));
    let dave = Actor::user("赵敏（新疆某材料公司）", None);
    let requested_at = Utc.with_ymd_and_hms(2025, 9, 25, 2, 0, 0).single().unwrap_or_default();

    let plan = [
        Planned { label: "网员单位用户 机时", actor: &alice, instrument: "XJ-AT-XRD-01", start: bj(2025, 10, 9, 9, 0)?, end: bj(2025, 10, 9, 11, 30)?, voucher: None },
        Planned { label: "内部用户 机时", actor: &carol, instrument: "XJ-AT-XRD-01", start: bj(2025, 10, 9, 14, 0)?, end: bj(2025, 10, 9, 16, 0)?, voucher: None },
        Planned { label: "外部用户 机时", actor: &dave, instrument: "XJ-AT-XRD-02", start: bj(2025, 10, 10, 8, 30)?, end: bj(2025, 10, 10, 10, 0)?, voucher: None },
        Planned {
            label: "创新券用户 机时",
            actor: &dave,
            instrument: "XJ-AT-XRF-01",
            start: bj(2025, 10, 11, 9, 0)?,
            end: bj(2025, 10, 11, 12, 0)?,
            voucher: Some("CXQ-2025-0042"),
        },
        Planned { label: "网员单位用户 调休日", actor: &alice, instrument: "XJ-AT-XRD-02", start: bj(2025, 10, 11, 14, 0)?, end: bj(2025, 10, 11, 17, 0)?, voucher: None },
        Planned { label: "内部用户 机时", actor: &carol, instrument: "XJ-AT-XRF-01", start: bj(2025, 10, 10, 14, 0)?, end: bj(2025, 10, 10, 15, 0)?, voucher: None },
    ];
    let mut booked = Vec::new();
    for planned in plan {
        let request = SlotRequest {
            instrument: InstrumentId::new(planned.instrument)?,
            start: planned.start,
            end: planned.end,
            people: 1,
            purpose: String::new(),
            voucher: planned.voucher.map(str::to_owned),
        };
        let receipt = network.request_booking(planned.actor, requested_at, request)?;
        for id in receipt.bookings {
            booked.push(Booked { label: planned.label, view: network.booking().booking(id, requested_at, None)? });
        }
    }

    let samples = SampleRequest {
        instrument: InstrumentId::new("XJ-AT-XRD-01")?,
        test_item: "X射线衍射物相分析".to_owned(),
        samples: 8,
        purpose: "矿石物相鉴定".to_owned(),
        voucher: None,
    };
    let receipt = network.request_samples(&dave, requested_at, samples)?;
    for id in receipt.bookings {
        booked.push(Booked { label: "外部用户 送样", view: network.booking().booking(id, requested_at, None)? });
    }
    Ok(booked)
}

fn weekday_zh(date: NaiveDate) -> &'static str {
    ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][date.weekday().num_days_from_monday() as usize]
}

fn day_label(kind: &DayKind) -> String {
    match kind {
        DayKind::Workday => "工作日".to_owned(),
        DayKind::Weekend => "周末".to_owned(),
        DayKind::Holiday { name } => format!("{name}假期"),
        DayKind::MakeUpWorkday { name } => format!("调休上班（{name}）"),
    }
}

fn print_calendar(network: &Network, first: NaiveDate, end: DateTime<Utc>) -> Result<(), BoxError> {
    let now = bj(2025, 10, 1, 0, 0)?;
    let start = Zone::SHANGHAI.start_of_day(first)?;
    let mut schedules = Vec::new();
    for (id, _, _) in GROUP {
        schedules.push(network.booking().schedule(&InstrumentId::new(id)?, start, end, now)?);
    }

    let mut date = first;
    for _ in 0..7 {
        let kind = network.booking().calendar().day_kind(date, labshare::calendar::MissingYear::Error)?;
        println!("{} {}  {}", date.format("%m-%d"), weekday_zh(date), day_label(&kind));
        let closed = matches!(kind, DayKind::Holiday { .. } | DayKind::Weekend);
        for ((_, name, _), schedule) in GROUP.iter().zip(&schedules) {
            let cells: Vec<String> = schedule.iter().filter(|view| on_date(view, date)).map(cell).collect();
            let text = match (closed, cells.is_empty()) {
                (true, _) => "闭馆".to_owned(),
                (false, true) => "全天空闲".to_owned(),
                (false, false) => cells.join("；"),
            };
            println!("    {name:<18} {text}");
        }
        date = date.succ_opt().ok_or("date overflow")?;
    }
    println!();
    Ok(())
}

fn on_date(view: &BookingView, date: NaiveDate) -> bool {
    matches!(&view.kind, BookingKind::Slot { start_local, .. } if start_local.local.date() == date)
}

fn cell(view: &BookingView) -> String {
    match &view.kind {
        BookingKind::Slot { start_local, end_local, .. } => format!(
            "{}–{} {}（{}）",
            start_local.local.format("%H:%M"),
            end_local.local.format("%H:%M"),
            view.requester,
            view.state.label_zh()
        ),
        BookingKind::Samples { test_item, samples } => format!("送样 {test_item} {samples} 个"),
    }
}

fn print_quotes(network: &Network, booked: &[Booked]) -> Result<(), BoxError> {
    println!("费用报价");
    for entry in booked {
        let view = &entry.view;
        let quote = match &view.kind {
            BookingKind::Slot { start, end, .. } => network.booking().quote_slot(&view.instrument, view.user_type, *start, *end)?,
            BookingKind::Samples { test_item, samples } => {
                network.booking().quote_samples(&view.instrument, view.user_type, test_item, *samples, view.created_at)?
            }
        };
        println!("  {} {} {}：{}", view.id, entry.label, view.requester, quote.amount);
        for step in &quote.explanation.steps {
            println!("      {}", step.zh);
        }
    }
    println!();
    Ok(())
}

fn print_waitlist(network: &mut Network, booked: &[Booked]) -> Result<(), BoxError> {
    println!("候补");
    let waiting = Actor::user("陈晨", Some(UnitId::new("XJ-BIO")?));
    let request = SlotRequest {
        instrument: InstrumentId::new("XJ-AT-XRD-01")?,
        start: bj(2025, 10, 9, 9, 0)?,
        end: bj(2025, 10, 9, 11, 0)?,
        people: 1,
        purpose: "催化剂晶相".to_owned(),
        voucher: None,
    };
    let joined_at = Utc.with_ymd_and_hms(2025, 9, 26, 3, 0, 0).single().unwrap_or_default();
    let entry = network.join_waitlist(&waiting, joined_at, request)?;
    println!("  {} 在 XJ-AT-XRD-01 10-09 09:00–11:00 已约满，加入候补 {}", waiting.id, entry.waitlist.map(|w| w.to_string()).unwrap_or_default());

    let holder = booked.first().ok_or("no booking")?;
    let cancel_at = joined_at + Duration::days(1);
    let alice = Actor::user(holder.view.requester.clone(), holder.view.requester_unit.clone());
    let receipt = network.cancel_booking(&alice, cancel_at, holder.view.id, None)?;
    println!("  {} 取消了预约 {}，空出的时段自动提供给候补用户：", holder.view.requester, holder.view.id);
    for id in receipt.bookings {
        let offer = network.booking().booking(id, cancel_at, None)?;
        let due = offer.due.map(|due| Zone::SHANGHAI.local(due).to_string()).unwrap_or_default();
        println!("    {} 给 {}：{}，请在 {} 前确认", offer.id, offer.requester, cell(&offer), due);
        network.accept_offer(&waiting, cancel_at + Duration::minutes(20), id)?;
        let accepted = network.booking().booking(id, cancel_at + Duration::minutes(20), None)?;
        println!("    {} 接受候补，预约状态：{}", offer.requester, accepted.state.label_zh());
    }
    println!();
    Ok(())
}

fn print_free_slots(network: &Network) -> Result<(), BoxError> {
    println!("10-09 可预约的“X射线衍射物相分析”时段（至少 1 小时，另列新疆时间）");
    let query = AvailabilityQuery {
        from: bj(2025, 10, 9, 0, 0)?,
        to: bj(2025, 10, 10, 0, 0)?,
        min_minutes: 60,
        viewer_zone: Some(Zone::URUMQI),
    };
    let now = bj(2025, 10, 1, 0, 0)?;
    for found in network.booking().availability_for_test_item("X射线衍射物相分析", &query, now)? {
        for slot in &found.slots {
            let viewer = slot.start_viewer.map(|t| t.local.format("%H:%M").to_string()).unwrap_or_default();
            let viewer_end = slot.end_viewer.map(|t| t.local.format("%H:%M").to_string()).unwrap_or_default();
            println!(
                "  {}  {}–{} 北京时间（{}–{} 新疆时间），空闲工位 {}",
                found.instrument,
                slot.start_local.local.format("%H:%M"),
                slot.end_local.local.format("%H:%M"),
                viewer,
                viewer_end,
                slot.free_stations
            );
        }
    }
    Ok(())
}
