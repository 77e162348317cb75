//! Journal append and replay rates, and the replay of a national-scale
//! journal with its time and peak memory.
//!
//! ```text
//! cargo bench -p labshare --bench journal
//! LABSHARE_BENCH_SKIP_NATIONAL=1 cargo bench -p labshare --bench journal   # criterion groups only
//! LABSHARE_BENCH_NATIONAL=memory cargo bench -p labshare --bench journal -- nomatch   # build and in-memory replay only
//! LABSHARE_BENCH_NATIONAL=memory LABSHARE_BENCH_REPEAT=4 cargo bench ...            # and four repeats
//! LABSHARE_BENCH_HOST_WARM_MIB=1000 LABSHARE_BENCH_NATIONAL=memory cargo bench ...  # host-backed fresh pages
//! ```
//!
//! The first in-memory replay runs while the generator's network is still
//! alive, so it builds its state in fresh memory. Each repeat reuses the
//! memory that the replay before it freed. The memory-only run ends with
//! one more replay, into the generator's freed memory, which is slower.
//! Each replay's CPU time is split into system time, mostly page faults,
//! and user time, the library's own work. On a virtual machine whose host
//! reclaims free guest memory, each fresh page may cost several times more
//! system time. `LABSHARE_BENCH_HOST_WARM_MIB` writes and frees that many
//! MiB just before the first replay, so the host backs its pages again.
//!
//! The national-scale run builds a network through the public API: 2,000
//! units, 100,000 instruments submitted and published with a booking policy
//! each, and training records where a policy requires them. Then 50,000
//! users make 1,000,000 bookings from 2019 to 2024, which are confirmed,
//! rejected, cancelled, checked in and completed, and each instrument files
//! a usage report: about 2.97 million events. The run then times each step
//! once. It writes the journal as JSON Lines, reads and verifies it, and
//! replays the events in memory. It writes a snapshot after 90 % of the
//! events, resumes from that snapshot with the journal tail, and replays the
//! whole file.
//! A counting global allocator records the peak of live heap bytes during
//! each step. The criterion groups run the same generator at a small scale.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use criterion::{BatchSize, Criterion, Throughput, criterion_group};
use labshare::booking::{
    BookingId, BookingPolicy, Completion, FeeBasis, FeeRate, Quota, QuotaLimit, QuotaPeriod, QuotaScope, ServiceMode,
    SlotRequest, UserType,
};
use labshare::calendar::MissingYear;
use labshare::journal::{ChainHash, ChainHead, read_jsonl, write_jsonl};
use labshare::registry::{AcquisitionSource, CategoryCode, InstrumentRecord, OperatingStatus, SharingMode, Unit, UnitKind};
use labshare::snapshot::{replay_jsonl, resume, write_snapshot};
use labshare::usage::UsageReport;
use labshare::{Actor, Event, InstrumentId, Money, Network, UnitId};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

/// Counts live heap bytes and their peak.
///
/// The counters use plain loads and stores. An atomic read-modify-write
/// instruction on x86-64 also waits for earlier stores to complete, so it
/// may disturb the measured code more. Every measured step allocates on one
/// thread, where the counts are exact, but allocations made at the same
/// time on other threads could be lost from them.
struct CountingAllocator;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn count_allocated(bytes: usize) {
    let live = LIVE.load(Ordering::Relaxed).wrapping_add(bytes);
    LIVE.store(live, Ordering::Relaxed);
    if live > PEAK.load(Ordering::Relaxed) {
        PEAK.store(live, Ordering::Relaxed);
    }
}

fn count_freed(bytes: usize) {
    LIVE.store(LIVE.load(Ordering::Relaxed).wrapping_sub(bytes), Ordering::Relaxed);
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwards the caller's layout to the system allocator.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            count_allocated(layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: the pointer came from `alloc` with this layout.
        unsafe { System.dealloc(pointer, layout) };
        count_freed(layout.size());
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the pointer came from `alloc` with this layout.
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            if new_size >= layout.size() {
                count_allocated(new_size - layout.size());
            } else {
                count_freed(layout.size() - new_size);
            }
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn reset_peak() -> usize {
    let live = LIVE.load(Ordering::Relaxed);
    PEAK.store(live, Ordering::Relaxed);
    live
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// The size of a synthetic network.
struct Scale {
    units: usize,
    instruments: usize,
    users: usize,
    bookings: usize,
}

/// A national-scale network: 2,000 member units, 100,000 instruments,
/// 50,000 users and 1,000,000 bookings.
const NATIONAL: Scale = Scale { units: 2_000, instruments: 100_000, users: 50_000, bookings: 1_000_000 };

/// The network of the criterion groups, small enough to replay many times.
const SMALL: Scale = Scale { units: 200, instruments: 3_000, users: 2_000, bookings: 30_000 };

/// First and last local dates that bookings start on.
const BOOKING_DATES: (i32, i32) = (2019, 2024);

/// One-hour slots of the default opening hours (08:30–12:00, 14:00–18:00),
/// as minutes after local midnight. A two-hour booking takes two neighbours
/// of the same half-day.
const SLOT_STARTS: [u32; 7] = [510, 570, 630, 840, 900, 960, 1020];

/// Asia/Shanghai has been UTC+8 all year since 1991.
const SHANGHAI_OFFSET_HOURS: i64 = 8;

fn setup_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2017, 1, 1, 0, 0, 0).single().unwrap_or_default()
}

fn unit_id(index: usize) -> UnitId {
    UnitId::new(format!("U{index:04}")).unwrap_or_else(|_| unreachable!("valid id"))
}

fn instrument_id(index: usize) -> InstrumentId {
    InstrumentId::new(format!("I{index:07}")).unwrap_or_else(|_| unreachable!("valid id"))
}

fn record(index: usize) -> InstrumentRecord {
    InstrumentRecord {
        name: format!("电感耦合等离子体质谱仪 {index}"),
        english_name: "Inductively coupled plasma mass spectrometer".to_owned(),
        category_code: CategoryCode::new("010105").unwrap_or_else(|_| unreachable!("valid code")),
        source: AcquisitionSource::Purchased,
        original_value: Money::from_fen(20_000_000 + (index as i64 % 5_000) * 10_001).unwrap_or_default(),
        country_of_origin: "US".to_owned(),
        manufacturer: "Thermo Fisher".to_owned(),
        model: "iCAP RQ".to_owned(),
        commissioning_date: NaiveDate::from_ymd_opt(2015, 6, 1).unwrap_or_default(),
        specifications: "质量范围 4–290 u，检出限 ppt 级".to_owned(),
        functions: "痕量元素定量分析".to_owned(),
        disciplines: vec!["150".to_owned(), "610".to_owned()],
        service_content: "对外提供元素分析".to_owned(),
        operating_status: OperatingStatus::Normal,
        sharing_mode: SharingMode::External,
        sharing_rules: "网上预约".to_owned(),
        fee_standard: "每机时 300 元".to_owned(),
        booking_url: String::new(),
        location: "乌鲁木齐市".to_owned(),
        contact: "仪器管理员".to_owned(),
    }
}

/// Variations of the synthetic policies by instrument.
struct PolicyKind {
    auto_confirm: bool,
    qualification_required: bool,
    quota: bool,
}

fn policy_kind(instrument: usize) -> PolicyKind {
    PolicyKind {
        auto_confirm: instrument % 5 < 2,
        qualification_required: instrument % 10 == 3,
        quota: instrument % 10 < 3,
    }
}

/// Returns the default policy (default opening hours, official holidays closed,
/// one station, 60 minutes' notice, 24 hours' cancel cutoff) with hourly
/// fees for every user type and the variations of [`policy_kind`].
fn policy(instrument: usize) -> BookingPolicy {
    let kind = policy_kind(instrument);
    let rate = |user_type, fen| FeeRate { user_type, basis: FeeBasis::Hour, test_item: None, rate: Money::from_fen(fen).unwrap_or_default() };
    let quotas = if kind.quota {
        vec![Quota { scope: QuotaScope::User, period: QuotaPeriod::Month, limit: QuotaLimit::Bookings(20) }]
    } else {
        Vec::new()
    };
    BookingPolicy {
        auto_confirm: kind.auto_confirm,
        qualification_required: kind.qualification_required,
        max_duration_minutes: Some(4 * 60),
        quotas,
        fees: vec![
            rate(UserType::Internal, 10_000),
            rate(UserType::NetworkMember, 20_000),
            rate(UserType::External, 30_000),
            rate(UserType::VoucherHolder, 20_000),
        ],
        ..BookingPolicy::default()
    }
}

fn user(index: usize, scale: &Scale) -> Actor {
    Actor::user(format!("user-{index:05}"), Some(unit_id(index % scale.units)))
}

fn owner(instrument: usize, scale: &Scale) -> Actor {
    Actor::unit_admin("admin", unit_id(instrument % scale.units))
}

/// A step in a booking's life, in the order steps at one instant run.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Request,
    Confirm,
    Reject,
    Cancel,
    CheckIn,
    Complete,
}

/// One planned booking: who books which slot, and when the request is made.
struct PlannedBooking {
    instrument: usize,
    user: usize,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    requested_at: DateTime<Utc>,
}

/// Lists the weekdays of the booking years that the official calendar marks
/// as working days.
fn booking_days(network: &Network) -> Vec<NaiveDate> {
    let (first, last) = BOOKING_DATES;
    let mut days = Vec::new();
    let mut date = NaiveDate::from_ymd_opt(first, 1, 1);
    while let Some(day) = date.filter(|day| day.year() <= last) {
        let weekday = day.weekday().number_from_monday() <= 5;
        if weekday && network.booking().calendar().is_working_day(day, MissingYear::Error).unwrap_or(false) {
            days.push(day);
        }
        date = day.succ_opt();
    }
    days
}

/// Plans `scale.bookings` bookings without overlaps. Popular instruments
/// get many more bookings than others: the instrument rank is drawn as
/// `u^1.5` of a uniform `u`, so the most popular instrument of 100,000 gets
/// about 460 bookings and the median one about 8.
fn plan_bookings(scale: &Scale, days: &[NaiveDate], rng: &mut ChaCha8Rng) -> Vec<PlannedBooking> {
    let mut taken: HashSet<(u32, u32, u32)> = HashSet::with_capacity(scale.bookings * 2);
    let mut planned = Vec::with_capacity(scale.bookings);
    while planned.len() < scale.bookings {
        let rank = (rng.random::<f64>().powf(1.5) * scale.instruments as f64) as usize;
        let instrument = (rank * 7_919) % scale.instruments;
        let day = rng.random_range(0..days.len());
        let slot = rng.random_range(0..SLOT_STARTS.len());
        let two_hours = rng.random_bool(0.3) && !matches!(slot, 2 | 6);
        let slots = if two_hours { slot..slot + 2 } else { slot..slot + 1 };
        if slots.clone().any(|s| taken.contains(&(instrument as u32, day as u32, s as u32))) {
            continue;
        }
        for s in slots.clone() {
            taken.insert((instrument as u32, day as u32, s as u32));
        }

        let local = days[day].and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() - Duration::hours(SHANGHAI_OFFSET_HOURS);
        let start = local + Duration::minutes(i64::from(SLOT_STARTS[slot]));
        let end = start + Duration::hours(slots.len() as i64);
        let requested_at = start - Duration::minutes(rng.random_range(48 * 60..30 * 24 * 60));
        planned.push(PlannedBooking { instrument, user: rng.random_range(0..scale.users), start, end, requested_at });
    }
    planned
}

/// Returns each planned step with its instant, in the order they happen.
/// Of the requests under manual confirmation, 3 % are rejected and the rest
/// confirmed an hour later. Then 8 % of the bookings are cancelled by their
/// user a day before the start, and 40 % are checked in and completed.
fn plan_steps(planned: &[PlannedBooking], rng: &mut ChaCha8Rng) -> Vec<(DateTime<Utc>, usize, Step)> {
    let mut steps = Vec::with_capacity(planned.len() * 3);
    for (index, booking) in planned.iter().enumerate() {
        steps.push((booking.requested_at, index, Step::Request));
        if !policy_kind(booking.instrument).auto_confirm {
            if rng.random_bool(0.03) {
                steps.push((booking.requested_at + Duration::hours(1), index, Step::Reject));
                continue;
            }
            steps.push((booking.requested_at + Duration::hours(1), index, Step::Confirm));
        }
        let fate: f64 = rng.random();
        if fate < 0.08 {
            steps.push((booking.start - Duration::hours(25), index, Step::Cancel));
        } else if fate < 0.48 {
            steps.push((booking.start - Duration::minutes(10), index, Step::CheckIn));
            steps.push((booking.end, index, Step::Complete));
        }
    }
    steps.sort_unstable_by_key(|&(at, index, step)| (at, step, index));
    steps
}

/// Builds a network through the public API and returns its journal. The
/// network contains units, instruments submitted and published with a
/// booking policy each, and training records where a policy requires them. Then come the
/// bookings with their later steps in time order, and a usage report per
/// instrument for the last booking year.
fn synthetic_journal(scale: &Scale) -> (Network, Vec<Event>) {
    let office = Actor::office("office-01");
    let mut network = Network::new();
    let mut events = Vec::with_capacity(scale.instruments * 4 + scale.bookings * 3);
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let mut now = setup_start();
    let mut tick = || {
        now += Duration::seconds(1);
        now
    };
    let mut push = |result: labshare::Result<Event>| events.push(result.unwrap_or_else(|e| panic!("{e}")));

    for index in 0..scale.units {
        let unit = Unit { id: unit_id(index), name: format!("示例单位 {index}"), kind: UnitKind::Institute, region: "乌鲁木齐市".to_owned() };
        push(network.register_unit(&office, tick(), unit));
    }
    let ids: Vec<InstrumentId> = (0..scale.instruments).map(instrument_id).collect();
    let policies_from = Utc.with_ymd_and_hms(2018, 1, 1, 0, 0, 0).single().unwrap_or_default();
    for (index, id) in ids.iter().enumerate() {
        let admin = owner(index, scale);
        push(network.submit_instrument(&admin, tick(), id.clone(), unit_id(index % scale.units), record(index)));
        push(network.publish_instrument(&office, tick(), id.clone()));
        push(network.set_booking_policy(&admin, tick(), id.clone(), policies_from, policy(index)));
    }

    let days = booking_days(&network);
    let planned = plan_bookings(scale, &days, &mut rng);
    let mut trained: HashSet<(usize, usize)> = HashSet::new();
    for booking in &planned {
        if policy_kind(booking.instrument).qualification_required && trained.insert((booking.instrument, booking.user)) {
            let name = format!("user-{:05}", booking.user);
            push(network.grant_training(&owner(booking.instrument, scale), tick(), ids[booking.instrument].clone(), &name, None));
        }
    }

    let mut booking_ids = vec![BookingId(0); planned.len()];
    for (at, index, step) in plan_steps(&planned, &mut rng) {
        let booking = &planned[index];
        let id = booking_ids[index];
        let booker = user(booking.user, scale);
        let admin = owner(booking.instrument, scale);
        let receipt = match step {
            Step::Request => {
                let request = SlotRequest {
                    instrument: ids[booking.instrument].clone(),
                    start: booking.start,
                    end: booking.end,
                    people: 1,
                    purpose: "样品元素分析".to_owned(),
                    voucher: None,
                };
                network.request_booking(&booker, at, request)
            }
            Step::Confirm => network.confirm_booking(&admin, at, id),
            Step::Reject => network.reject_booking(&admin, at, id, "该时段仪器需维护"),
            Step::Cancel => network.cancel_booking(&booker, at, id, None),
            Step::CheckIn => network.check_in(&booker, at, id),
            Step::Complete => {
                let hours = Decimal::from((booking.end - booking.start).num_hours());
                let completion = Completion { actual_hours: hours, samples: 3, mode: ServiceMode::Guided, amount: None };
                network.complete_booking(&admin, at, id, completion)
            }
        };
        let receipt = receipt.unwrap_or_else(|e| panic!("booking {index} {}: {e}", booking.start));
        if step == Step::Request {
            booking_ids[index] = receipt.bookings.first().copied().unwrap_or(BookingId(0));
        }
        push(Ok(receipt.event));
    }

    let filed_at = Utc.with_ymd_and_hms(BOOKING_DATES.1 + 1, 1, 10, 0, 0, 0).single().unwrap_or_default();
    for (index, id) in ids.iter().enumerate() {
        let report = UsageReport {
            instrument: id.clone(),
            year: BOOKING_DATES.1,
            operating_hours: Decimal::from(900 + index % 700),
            effective_hours: Decimal::from(800 + index % 700),
            samples: (index % 1_500) as u64,
            external_income: Money::from_fen((index % 90_000) as i64 * 1_000).unwrap_or_default(),
        };
        push(network.file_usage(&owner(index, scale), filed_at + Duration::seconds(index as i64), report));
    }
    (network, events)
}

fn criterion_benches(c: &mut Criterion) {
    let (_, events) = synthetic_journal(&SMALL);
    let bytes = write_jsonl(&events).unwrap_or_default();
    let count = events.len() as u64;

    let mut group = c.benchmark_group("journal");
    group.throughput(Throughput::Elements(count));
    group.sample_size(20);
    group.bench_function("append_jsonl", |b| b.iter(|| write_jsonl(black_box(&events))));
    group.bench_function("read_jsonl", |b| b.iter(|| read_jsonl(black_box(&bytes))));
    group.bench_function("replay_events", |b| b.iter(|| Network::replay(black_box(&events))));
    group.bench_function("replay_jsonl", |b| b.iter(|| replay_jsonl(black_box(&bytes))));
    group.bench_function("apply_one_by_one", |b| {
        b.iter_batched(
            Network::new,
            |mut network| {
                for event in &events {
                    let _ = network.apply(event);
                }
                network
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

/// Returns the CPU time this thread has run, in seconds, from Linux's
/// `/proc/thread-self/schedstat`; `None` elsewhere.
fn thread_cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanoseconds: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(nanoseconds / 1e9)
}

/// Returns the seconds this thread has spent in the kernel, from Linux's
/// `/proc/thread-self/stat`, or `None` elsewhere. During a replay this is
/// mostly page faults, in which the kernel zeroes each new page.
fn thread_system_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields follow the command name, which ends at the last ')'. `stime` is
    // field 15, in ticks of USER_HZ, which is 100 on x86-64 and ARM64 Linux.
    let fields = text.rsplit_once(')')?.1;
    let ticks: f64 = fields.split_whitespace().nth(12)?.parse().ok()?;
    Some(ticks / 100.0)
}

/// The cost of one step: wall-clock seconds, CPU seconds of this thread,
/// and the peak of heap bytes above what was live before the step.
struct Cost {
    wall: f64,
    cpu: Option<f64>,
    system: Option<f64>,
    peak: usize,
}

impl Cost {
    /// Formats the rates per wall-clock and per CPU second. On a shared
    /// machine the CPU rate is what the code achieves while it runs.
    fn rates(&self, count: usize) -> String {
        let per_wall = count as f64 / self.wall;
        match self.cpu {
            Some(cpu) => format!(
                "{:.2} s wall ({per_wall:.0} events/s), {cpu:.2} s CPU ({:.0} events/CPU-s){}, peak +{:.1} MiB",
                self.wall,
                count as f64 / cpu,
                self.split(cpu, count),
                mib(self.peak)
            ),
            None => format!("{:.2} s wall ({per_wall:.0} events/s), peak +{:.1} MiB", self.wall, mib(self.peak)),
        }
    }
}

impl Cost {
    /// Formats the CPU time as kernel time plus user time, with the rate per
    /// second of user time.
    fn split(&self, cpu: f64, count: usize) -> String {
        match self.system {
            Some(system) if cpu > system => {
                let user = cpu - system;
                format!(" = {system:.2} s system + {user:.2} s user ({:.0} events/user-s)", count as f64 / user)
            }
            _ => String::new(),
        }
    }

    /// Formats the times and the peak, for a step that is not a run of events.
    fn times(&self) -> String {
        match self.cpu {
            Some(cpu) => format!("{:.2} s wall, {cpu:.2} s CPU, peak +{:.1} MiB", self.wall, mib(self.peak)),
            None => format!("{:.2} s wall, peak +{:.1} MiB", self.wall, mib(self.peak)),
        }
    }
}

/// Runs `step` once and returns its result with its cost.
fn measure<T>(step: impl FnOnce() -> T) -> (T, Cost) {
    let before = reset_peak();
    let cpu_before = thread_cpu_seconds();
    let system_before = thread_system_seconds();
    let started = Instant::now();
    let result = step();
    let wall = started.elapsed().as_secs_f64();
    let cpu = cpu_before.zip(thread_cpu_seconds()).map(|(before, after)| after - before);
    let system = system_before.zip(thread_system_seconds()).map(|(before, after)| after - before);
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    (result, Cost { wall, cpu, system, peak })
}

/// Writes to `size` MiB of new memory and frees it. The next step then gets
/// pages that a virtual machine's host has just backed, though each still
/// faults and is zeroed, as on a machine without a hypervisor.
fn host_warm(size: usize) {
    let (touched, cost) = measure(|| black_box(vec![1u8; size << 20]).len());
    let pages = touched / 4096;
    println!("  host warm-up: wrote {size} MiB of new memory in {:.2} s, {:.2} µs per 4 KiB page", cost.wall, cost.wall * 1e6 / pages as f64);
}

fn national_scale() {
    let scale = &NATIONAL;
    println!(
        "\nnational scale: {} units, {} instruments, {} users, {} bookings",
        scale.units, scale.instruments, scale.users, scale.bookings
    );
    let ((builder, events), cost) = measure(|| synthetic_journal(scale));
    let count = events.len();
    println!("  built {count} events by executing them: {}", cost.rates(count));

    // The generator's state stays alive during the first replay, so the
    // replay builds its state in fresh memory, as a service replaying its
    // journal at start-up does. Freed, the generator's small blocks would
    // be reused in an order that scatters the new state.
    if let Ok(text) = std::env::var("LABSHARE_BENCH_HOST_WARM_MIB") {
        match text.parse::<usize>() {
            Ok(size) if size > 0 => host_warm(size),
            _ => println!("  LABSHARE_BENCH_HOST_WARM_MIB={text:?} is not a positive number of MiB; no warm-up"),
        }
    }
    let (network, cost) = measure(|| Network::replay(&events));
    println!("  Network::replay (in memory): {}", cost.rates(count));
    let network = network.unwrap_or_else(|e| panic!("{e}"));
    println!("  state: {} bookings, {} service records", network.booking().booking_count(), network.booking().service_records().len());
    if std::env::var("LABSHARE_BENCH_NATIONAL").is_ok_and(|steps| steps == "memory") {
        // Repeated replays show how much the rate varies on a shared machine.
        let repeats = std::env::var("LABSHARE_BENCH_REPEAT").ok().and_then(|n| n.parse::<usize>().ok()).unwrap_or(0);
        drop(network);
        for _ in 0..repeats {
            let (network, cost) = measure(|| Network::replay(&events));
            println!("  Network::replay again: {}", cost.rates(count));
            drop(network);
        }
        drop(builder);
        let (network, cost) = measure(|| Network::replay(&events));
        println!("  Network::replay into the generator's freed memory: {}", cost.rates(count));
        drop(network);
        return;
    }
    drop(builder);

    let (bytes, cost) = measure(|| write_jsonl(&events).unwrap_or_default());
    println!("  write_jsonl: {}; file {:.1} MiB", cost.rates(count), mib(bytes.len()));

    let (read, cost) = measure(|| read_jsonl(&bytes).map(|events| events.len()));
    println!("  read_jsonl (parse + hash check): {}", cost.rates(count));
    assert_eq!(read.ok(), Some(count));

    // The snapshot covers the first 90 % of the events, and the tail contains the rest.
    let kept = count / 10 * 9;
    let at_snapshot = Network::replay(&events[..kept]).unwrap_or_else(|e| panic!("{e}"));
    drop(events);
    let (head, tail) = split_after(&bytes, kept);

    let (snapshot, cost) = measure(|| write_snapshot(&at_snapshot, &head).unwrap_or_else(|e| panic!("{e}")));
    println!("  write_snapshot at event {kept}: {}; snapshot {:.1} MiB", cost.times(), mib(snapshot.len()));
    drop(at_snapshot);

    let (resumed, cost) = measure(|| resume(&snapshot, tail));
    let tail_count = count - kept;
    println!("  resume (read the snapshot, replay {tail_count} tail events from JSONL): {}", cost.times());
    let resumed = resumed.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resumed.network, network);
    drop(resumed);

    let (restored, cost) = measure(|| replay_jsonl(&bytes));
    println!("  replay_jsonl (parse + hash check + apply): {}", cost.rates(count));
    let restored = restored.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(restored.network, network);
    println!("  live heap after replay, with the file and two states: {:.1} MiB", mib(LIVE.load(Ordering::Relaxed)));

    let (_, cost) = measure(|| drop(restored));
    println!("  dropping the replayed state: {:.2} s wall", cost.wall);
}

/// Splits journal bytes after line `lines` and returns the chain head there
/// with the rest of the bytes. The head's hash is the last member of that line.
fn split_after(bytes: &[u8], lines: usize) -> (ChainHead, &[u8]) {
    let mut end = 0;
    for _ in 0..lines {
        end += bytes[end..].iter().position(|&b| b == b'\n').unwrap_or_else(|| panic!("fewer than {lines} lines")) + 1;
    }
    let line = &bytes[..end - 1];
    let digits = std::str::from_utf8(&line[line.len() - 66..line.len() - 2]).unwrap_or_default();
    let hash = ChainHash::parse(digits).unwrap_or_else(|e| panic!("{e}"));
    (ChainHead { seq: lines as u64, hash }, &bytes[end..])
}

criterion_group!(benches, criterion_benches);

fn main() {
    let bench_mode = std::env::args().any(|arg| arg == "--bench");
    benches();
    Criterion::default().configure_from_args().final_summary();
    if bench_mode && std::env::var("LABSHARE_BENCH_SKIP_NATIONAL").is_err() {
        national_scale();
    }
}
