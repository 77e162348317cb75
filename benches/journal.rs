//! Journal append and replay rates, and the replay of a national-scale
//! journal with its time and peak memory.
//!
//! ```text
//! cargo bench -p labshare --bench journal
//! LABSHARE_BENCH_SKIP_NATIONAL=1 cargo bench -p labshare --bench journal   # criterion groups only
//! ```
//!
//! The national-scale run builds a synthetic journal of 100,000 instruments
//! (submitted and published) at 2,000 units plus eight years of usage
//! reports, 1,002,000 events in all, then measures writing it as JSON Lines,
//! reading it back, and replaying it, once each. A counting global allocator
//! records the peak of live heap bytes during each step.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use criterion::{BatchSize, Criterion, Throughput, criterion_group};
use labshare::journal::{read_jsonl, write_jsonl};
use labshare::registry::{AcquisitionSource, CategoryCode, InstrumentRecord, OperatingStatus, SharingMode, Unit, UnitKind};
use labshare::snapshot::replay_jsonl;
use labshare::usage::UsageReport;
use labshare::{Actor, Event, InstrumentId, Money, Network, UnitId};
use rust_decimal::Decimal;

/// Counts live heap bytes and their peak.
struct CountingAllocator;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwards the caller's layout to the system allocator.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: the pointer came from `alloc` with this layout.
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the pointer came from `alloc` with this layout.
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            if new_size >= layout.size() {
                let live = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
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

const UNITS: usize = 2_000;
const USAGE_YEARS: std::ops::Range<i32> = 2017..2025;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2017, 1, 1, 0, 0, 0).single().unwrap_or_default()
}

fn unit_id(index: usize) -> UnitId {
    UnitId::new(format!("U{index:04}")).unwrap_or_else(|_| unreachable!("valid id"))
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
        fee_standard: "每样品 300 元".to_owned(),
        booking_url: String::new(),
        location: "乌鲁木齐市".to_owned(),
        contact: "仪器管理员".to_owned(),
    }
}

/// Builds a journal of `instruments` instruments spread over the units,
/// each submitted and published, then one usage report per instrument for
/// each year of `years`.
// NOTE: booking, subsidy and voucher events are not in this journal yet;
// add them here when those modules exist, so the national scale includes
// 1,000,000 bookings as a real network would.
fn synthetic_journal(instruments: usize, years: std::ops::Range<i32>) -> Vec<Event> {
    let office = Actor::office("office-01");
    let mut network = Network::new();
    let mut events = Vec::with_capacity(UNITS + instruments * (2 + years.len()));
    let mut now = start();
    let mut tick = || {
        now += Duration::seconds(1);
        now
    };

    for index in 0..UNITS.min(instruments.max(1)) {
        let unit = Unit { id: unit_id(index), name: format!("示例单位 {index}"), kind: UnitKind::Institute, region: "乌鲁木齐市".to_owned() };
        events.push(network.register_unit(&office, tick(), unit).unwrap_or_else(|e| panic!("{e}")));
    }
    let units = UNITS.min(instruments.max(1));
    let ids: Vec<InstrumentId> =
        (0..instruments).map(|index| InstrumentId::new(format!("I{index:07}")).unwrap_or_else(|_| unreachable!("valid id"))).collect();
    for (index, id) in ids.iter().enumerate() {
        let unit = unit_id(index % units);
        let admin = Actor::unit_admin("admin", unit.clone());
        events.push(network.submit_instrument(&admin, tick(), id.clone(), unit, record(index)).unwrap_or_else(|e| panic!("{e}")));
        events.push(network.publish_instrument(&office, tick(), id.clone()).unwrap_or_else(|e| panic!("{e}")));
    }
    for year in years {
        for (index, id) in ids.iter().enumerate() {
            let admin = Actor::unit_admin("admin", unit_id(index % units));
            let report = UsageReport {
                instrument: id.clone(),
                year,
                operating_hours: Decimal::from(900 + index % 700),
                effective_hours: Decimal::from(800 + index % 700),
                samples: (index % 1_500) as u64,
                external_income: Money::from_fen((index % 90_000) as i64 * 1_000).unwrap_or_default(),
            };
            events.push(network.file_usage(&admin, tick(), report).unwrap_or_else(|e| panic!("{e}")));
        }
    }
    events
}

fn criterion_benches(c: &mut Criterion) {
    // 3,000 instruments and two years: 2,000 units + 6,000 + 6,000 = 14,000 events.
    let events = synthetic_journal(3_000, 2017..2019);
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

/// The cost of one step: wall-clock seconds, CPU seconds of this thread,
/// and the peak of heap bytes above what was live before the step.
struct Cost {
    wall: f64,
    cpu: Option<f64>,
    peak: usize,
}

impl Cost {
    /// Formats the rates per wall-clock and per CPU second. On a shared
    /// machine the CPU rate is what the code achieves while it runs.
    fn rates(&self, count: usize) -> String {
        let per_wall = count as f64 / self.wall;
        match self.cpu {
            Some(cpu) => format!(
                "{:.2} s wall ({per_wall:.0} events/s), {cpu:.2} s CPU ({:.0} events/CPU-s), peak +{:.1} MiB",
                self.wall,
                count as f64 / cpu,
                mib(self.peak)
            ),
            None => format!("{:.2} s wall ({per_wall:.0} events/s), peak +{:.1} MiB", self.wall, mib(self.peak)),
        }
    }
}

/// Runs `step` once and returns its result with its cost.
fn measure<T>(step: impl FnOnce() -> T) -> (T, Cost) {
    let before = reset_peak();
    let cpu_before = thread_cpu_seconds();
    let started = Instant::now();
    let result = step();
    let wall = started.elapsed().as_secs_f64();
    let cpu = cpu_before.zip(thread_cpu_seconds()).map(|(before, after)| after - before);
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    (result, Cost { wall, cpu, peak })
}

fn national_scale() {
    println!("\nnational scale: 100,000 instruments, {} units, usage {}–{}", UNITS, USAGE_YEARS.start, USAGE_YEARS.end - 1);
    let (events, cost) = measure(|| synthetic_journal(100_000, USAGE_YEARS));
    let count = events.len();
    println!("  built {count} events by executing them: {}", cost.rates(count));

    let (bytes, cost) = measure(|| write_jsonl(&events).unwrap_or_default());
    println!("  write_jsonl: {}; file {:.1} MiB", cost.rates(count), mib(bytes.len()));

    let (read, cost) = measure(|| read_jsonl(&bytes).map(|events| events.len()));
    println!("  read_jsonl (parse + hash check): {}", cost.rates(count));
    assert_eq!(read.ok(), Some(count));

    let (network, cost) = measure(|| Network::replay(&events));
    println!("  Network::replay (in memory): {}", cost.rates(count));
    let network = network.unwrap_or_else(|e| panic!("{e}"));
    drop(events);

    let (restored, cost) = measure(|| replay_jsonl(&bytes));
    println!("  replay_jsonl (parse + hash check + apply): {}", cost.rates(count));
    let restored = restored.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(restored.network, network);
    println!("  live heap after replay, with the file and one state: {:.1} MiB", mib(LIVE.load(Ordering::Relaxed)));

    let (_, cost) = measure(|| drop(restored));
    println!("  dropping the replayed state: {:.2} s wall", cost.wall);
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
