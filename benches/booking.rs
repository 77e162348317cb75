//! Booking engine against an indexed interval-overlap query in SQLite.
//!
//! ```text
//! cargo bench -p labshare --bench booking
//! ```
//!
//! One instrument has 100,000 confirmed one-hour bookings, one every two
//! hours from 2010 on, for 1,000 users under a monthly per-user quota. Two
//! operations run side by side on the engine and on SQLite (bundled, in
//! memory, one table with an index on `(instrument, start, end)`):
//!
//! - check-and-insert: book a free hour between two bookings; the engine
//!   runs its whole check (policy, grid, notice, opening hours with the
//!   calendar, blackouts, quota, stations), SQLite runs the overlap count
//!   and the insert in one transaction. Each timed insert is undone
//!   untimed, so every iteration sees 100,000 live bookings.
//! - availability: the free stretches of one week.
//!
//! SQLite runs two forms of the overlap query: the common one
//! (`start < :end AND end > :start`), whose index range runs from the first
//! booking, and one bounded by the longest booking (`start > :start - 1 h`),
//! which is the fair comparison for a table of one-hour bookings.
//!
//! The binary counts heap bytes with a global allocator and prints the
//! engine's memory per stored booking; SQLite's own allocator is read with
//! `sqlite3_memory_used`.
//!
//! A third group replays a journal of 20 instruments with 1,000 bookings
//! each, every booking requested, confirmed, checked in and completed
//! (80,000 booking events), and reports booking events per second.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use labshare::booking::{
    AvailabilityQuery, BookingId, BookingPolicy, Completion, Notice, OpeningHours, Quota, QuotaLimit, QuotaPeriod,
    QuotaScope, ServiceMode, SlotRequest,
};
use labshare::calendar::MissingYear;
use labshare::registry::{
    AcquisitionSource, CategoryCode, InstrumentRecord, OperatingStatus, SharingMode, Unit, UnitKind,
};
use labshare::{Actor, Event, InstrumentId, Money, Network, UnitId};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::{Connection, params};
use rust_decimal::Decimal;

struct CountingAllocator;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        ALLOCATED.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size, Ordering::Relaxed);
        ALLOCATED.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

const BOOKINGS: usize = 100_000;
const USERS: usize = 1_000;
const INSTRUMENT: &str = "XJ-AT-XRD-01";

fn first_slot() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2010, 1, 4, 0, 0, 0).single().unwrap_or_default()
}

fn setup_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2009, 12, 1, 0, 0, 0).single().unwrap_or_default()
}

fn users() -> Vec<Actor> {
    let unit = UnitId::new("XJ-BIO").ok();
    (0..USERS).map(|i| Actor::user(format!("user-{i:04}"), unit.clone())).collect()
}

fn policy() -> BookingPolicy {
    BookingPolicy {
        opening_hours: OpeningHours::always(),
        closed_on_holidays: true,
        missing_year: MissingYear::WeekdaysOnly,
        auto_confirm: true,
        slot_minutes: 30,
        max_duration_minutes: Some(60),
        create_notice: Notice { min_minutes: 0, max_minutes: None },
        quotas: vec![Quota { scope: QuotaScope::User, period: QuotaPeriod::Month, limit: QuotaLimit::Bookings(50) }],
        ..BookingPolicy::default()
    }
}

fn record() -> InstrumentRecord {
    InstrumentRecord {
        name: "X射线衍射仪".to_owned(),
        english_name: String::new(),
        category_code: CategoryCode::new("010101").unwrap(),
        source: AcquisitionSource::Purchased,
        original_value: Money::parse("120万").unwrap(),
        country_of_origin: "DE".to_owned(),
        manufacturer: "Bruker".to_owned(),
        model: "D8".to_owned(),
        commissioning_date: chrono::NaiveDate::from_ymd_opt(2009, 1, 1).unwrap(),
        specifications: String::new(),
        functions: String::new(),
        disciplines: Vec::new(),
        service_content: String::new(),
        operating_status: OperatingStatus::Normal,
        sharing_mode: SharingMode::External,
        sharing_rules: String::new(),
        fee_standard: String::new(),
        booking_url: String::new(),
        location: "乌鲁木齐市".to_owned(),
        contact: String::new(),
    }
}

/// The engine with 100,000 bookings, the start of each, and the heap bytes
/// the bookings added.
struct Engine {
    network: Network,
    starts: Vec<DateTime<Utc>>,
    bytes_per_booking: f64,
}

fn build_engine() -> Engine {
    let mut network = Network::new();
    let office = Actor::office("office-1");
    let owner = Actor::unit_admin("at-admin", UnitId::new("XJ-AT").unwrap());
    let at = setup_now();
    for id in ["XJ-AT", "XJ-BIO"] {
        let unit = Unit { id: UnitId::new(id).unwrap(), name: id.to_owned(), kind: UnitKind::Institute, region: "乌鲁木齐市".to_owned() };
        network.register_unit(&office, at, unit).unwrap();
    }
    let instrument = InstrumentId::new(INSTRUMENT).unwrap();
    network.submit_instrument(&owner, at, instrument.clone(), UnitId::new("XJ-AT").unwrap(), record()).unwrap();
    network.publish_instrument(&office, at, instrument.clone()).unwrap();
    network.set_booking_policy(&owner, at, instrument.clone(), first_slot() - Duration::days(365), policy()).unwrap();

    let users = users();
    let mut starts = Vec::with_capacity(BOOKINGS);
    let before = ALLOCATED.load(Ordering::Relaxed);
    let mut start = first_slot();
    let mut turn = 0usize;
    while starts.len() < BOOKINGS {
        let request = SlotRequest { instrument: instrument.clone(), start, end: start + Duration::hours(1), people: 1, purpose: String::new(), voucher: None };
        // Holidays are closed, so some two-hour steps find no booking.
        if network.request_booking(&users[turn % USERS], at, request).is_ok() {
            starts.push(start);
            turn += 1;
        }
        start += Duration::hours(2);
    }
    let after = ALLOCATED.load(Ordering::Relaxed);
    let stored = after.saturating_sub(before) as f64;
    Engine { network, starts, bytes_per_booking: stored / BOOKINGS as f64 }
}

fn build_sqlite(starts: &[DateTime<Utc>]) -> (Connection, f64) {
    let before = unsafe { rusqlite::ffi::sqlite3_memory_used() };
    let connection = Connection::open_in_memory().unwrap();
    connection
        .execute_batch(
            "CREATE TABLE bookings (
                 id INTEGER PRIMARY KEY,
                 instrument INTEGER NOT NULL,
                 user TEXT NOT NULL,
                 start INTEGER NOT NULL,
                 end INTEGER NOT NULL,
                 state INTEGER NOT NULL
             );
             CREATE INDEX bookings_overlap ON bookings (instrument, start, end);",
        )
        .unwrap();
    {
        let transaction = connection.unchecked_transaction().unwrap();
        let mut insert = transaction.prepare("INSERT INTO bookings (instrument, user, start, end, state) VALUES (1, ?1, ?2, ?3, 1)").unwrap();
        for (i, start) in starts.iter().enumerate() {
            let start = start.timestamp();
            insert.execute(params![format!("user-{:04}", i % USERS), start, start + 3600]).unwrap();
        }
        drop(insert);
        transaction.commit().unwrap();
    }
    let after = unsafe { rusqlite::ffi::sqlite3_memory_used() };
    (connection, (after - before) as f64 / starts.len() as f64)
}

/// Returns the overlap count query: the common form, or the form bounded below by the longest booking.
fn overlap_sql(bounded: bool) -> &'static str {
    if bounded {
        "SELECT COUNT(*) FROM bookings WHERE instrument = 1 AND state = 1 AND start < ?2 AND end > ?1 AND start > ?1 - 3600"
    } else {
        "SELECT COUNT(*) FROM bookings WHERE instrument = 1 AND state = 1 AND start < ?2 AND end > ?1"
    }
}

fn sqlite_check_and_insert(connection: &Connection, bounded: bool, start: i64) -> i64 {
    let end = start + 3600;
    connection.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut count = connection.prepare_cached(overlap_sql(bounded)).unwrap();
    let overlapping: i64 = count.query_row(params![start, end], |row| row.get(0)).unwrap();
    let mut id = -1;
    if overlapping == 0 {
        let mut insert = connection.prepare_cached("INSERT INTO bookings (instrument, user, start, end, state) VALUES (1, 'bench', ?1, ?2, 1)").unwrap();
        insert.execute(params![start, end]).unwrap();
        id = connection.last_insert_rowid();
    }
    connection.execute_batch("COMMIT").unwrap();
    id
}

fn sqlite_free_week(connection: &Connection, bounded: bool, from: i64, to: i64) -> Vec<(i64, i64)> {
    let sql = if bounded {
        "SELECT start, end FROM bookings WHERE instrument = 1 AND state = 1 AND start < ?2 AND end > ?1 AND start > ?1 - 3600 ORDER BY start"
    } else {
        "SELECT start, end FROM bookings WHERE instrument = 1 AND state = 1 AND start < ?2 AND end > ?1 ORDER BY start"
    };
    let mut query = connection.prepare_cached(sql).unwrap();
    let rows = query.query_map(params![from, to], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?))).unwrap();
    let mut free = Vec::new();
    let mut cursor = from;
    for row in rows {
        let (start, end) = row.unwrap();
        if start > cursor {
            free.push((cursor, start));
        }
        cursor = cursor.max(end);
    }
    if cursor < to {
        free.push((cursor, to));
    }
    free
}

fn benches(c: &mut Criterion) {
    let mut engine = build_engine();
    let (sqlite, sqlite_bytes) = build_sqlite(&engine.starts);
    println!(
        "memory per stored booking: labshare {:.1} bytes, SQLite {:.1} bytes ({} bookings)",
        engine.bytes_per_booking, sqlite_bytes, BOOKINGS
    );

    let instrument = InstrumentId::new(INSTRUMENT).unwrap();
    let owner = Actor::unit_admin("at-admin", UnitId::new("XJ-AT").unwrap());
    let visitor = Actor::user("visitor", None);
    let starts = engine.starts.clone();
    let mut rng = ChaCha8Rng::seed_from_u64(7);

    let mut group = c.benchmark_group("check_and_insert_100k");
    group.sample_size(30).warm_up_time(StdDuration::from_secs(1)).measurement_time(StdDuration::from_secs(4));
    group.bench_function("labshare", |b| {
        b.iter_custom(|iterations| {
            let mut total = StdDuration::ZERO;
            for _ in 0..iterations {
                let gap = starts[rng.random_range(0..starts.len())] + Duration::hours(1);
                let request = SlotRequest { instrument: instrument.clone(), start: gap, end: gap + Duration::hours(1), people: 1, purpose: String::new(), voucher: None };
                let clock = Instant::now();
                let receipt = engine.network.request_booking(&visitor, setup_now(), request);
                total += clock.elapsed();
                let id: BookingId = black_box(receipt).expect("the gap is free").bookings[0];
                engine.network.cancel_booking(&owner, setup_now(), id, Some("bench")).unwrap();
            }
            total
        })
    });
    for (name, bounded) in [("sqlite_overlap", false), ("sqlite_overlap_bounded", true)] {
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| {
                let mut total = StdDuration::ZERO;
                for _ in 0..iterations {
                    let gap = (starts[rng.random_range(0..starts.len())] + Duration::hours(1)).timestamp();
                    let clock = Instant::now();
                    let id = sqlite_check_and_insert(&sqlite, bounded, gap);
                    total += clock.elapsed();
                    assert!(black_box(id) > 0, "the gap is free");
                    sqlite.execute("DELETE FROM bookings WHERE id = ?1", params![id]).unwrap();
                }
                total
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("availability_week_100k");
    group.sample_size(30).warm_up_time(StdDuration::from_secs(1)).measurement_time(StdDuration::from_secs(4));
    let week = |rng: &mut ChaCha8Rng| {
        let from = starts[rng.random_range(0..starts.len() - 100)];
        (from, from + Duration::days(7))
    };
    group.bench_function("labshare", |b| {
        b.iter_custom(|iterations| {
            let mut total = StdDuration::ZERO;
            for _ in 0..iterations {
                let (from, to) = week(&mut rng);
                let query = AvailabilityQuery { from, to, min_minutes: 60, viewer_zone: None };
                let clock = Instant::now();
                let slots = engine.network.booking().availability(&instrument, &query, setup_now());
                total += clock.elapsed();
                assert!(!black_box(slots).unwrap().is_empty());
            }
            total
        })
    });
    for (name, bounded) in [("sqlite_overlap", false), ("sqlite_overlap_bounded", true)] {
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| {
                let mut total = StdDuration::ZERO;
                for _ in 0..iterations {
                    let (from, to) = week(&mut rng);
                    let clock = Instant::now();
                    let free = sqlite_free_week(&sqlite, bounded, from.timestamp(), to.timestamp());
                    total += clock.elapsed();
                    assert!(!black_box(free).is_empty());
                }
                total
            })
        });
    }
    group.finish();
}

/// Instruments and bookings per instrument of the replay journal.
const REPLAY_INSTRUMENTS: usize = 20;
const REPLAY_BOOKINGS_PER_INSTRUMENT: usize = 1_000;

/// Builds a journal in which every booking goes through its whole life:
/// requested, confirmed by the owner, checked in and completed. Returns the
/// events and how many of them are booking lifecycle events.
fn lifecycle_journal() -> (Vec<Event>, usize) {
    let mut network = Network::new();
    let mut events = Vec::new();
    let office = Actor::office("office-1");
    let owner = Actor::unit_admin("at-admin", UnitId::new("XJ-AT").unwrap());
    let at = setup_now();
    for id in ["XJ-AT", "XJ-BIO"] {
        let unit = Unit { id: UnitId::new(id).unwrap(), name: id.to_owned(), kind: UnitKind::Institute, region: "乌鲁木齐市".to_owned() };
        events.push(network.register_unit(&office, at, unit).unwrap());
    }
    let reviewed = BookingPolicy { auto_confirm: false, ..policy() };
    let instruments: Vec<InstrumentId> = (0..REPLAY_INSTRUMENTS).map(|i| InstrumentId::new(format!("XJ-AT-{i:03}")).unwrap()).collect();
    for instrument in &instruments {
        events.push(network.submit_instrument(&owner, at, instrument.clone(), UnitId::new("XJ-AT").unwrap(), record()).unwrap());
        events.push(network.publish_instrument(&office, at, instrument.clone()).unwrap());
        events.push(network.set_booking_policy(&owner, at, instrument.clone(), first_slot() - Duration::days(365), reviewed.clone()).unwrap());
    }

    let users = users();
    let completion = Completion { actual_hours: Decimal::ONE, samples: 0, mode: ServiceMode::UserOperated, amount: Some(Money::ZERO) };
    let setup = events.len();
    for (n, instrument) in instruments.iter().enumerate() {
        let mut start = first_slot();
        let mut booked = 0;
        while booked < REPLAY_BOOKINGS_PER_INSTRUMENT {
            let user = &users[(n * REPLAY_BOOKINGS_PER_INSTRUMENT + booked) % USERS];
            let request = SlotRequest { instrument: instrument.clone(), start, end: start + Duration::hours(1), people: 1, purpose: String::new(), voucher: None };
            // Holidays are closed, so some two-hour steps find no booking.
            if let Ok(receipt) = network.request_booking(user, at, request) {
                let id = receipt.bookings[0];
                events.push(receipt.event);
                events.push(network.confirm_booking(&owner, at, id).unwrap().event);
                events.push(network.check_in(user, start - Duration::minutes(10), id).unwrap().event);
                events.push(network.complete_booking(&owner, start + Duration::hours(1), id, completion.clone()).unwrap().event);
                booked += 1;
            }
            start += Duration::hours(2);
        }
    }
    let lifecycle = events.len() - setup;
    (events, lifecycle)
}

/// Replays the lifecycle journal: each booking event runs the same checks
/// and index updates as when it was first recorded.
fn replay_bench(c: &mut Criterion) {
    let (events, lifecycle) = lifecycle_journal();
    let mut group = c.benchmark_group("replay_booking_lifecycle");
    group.sample_size(10).warm_up_time(StdDuration::from_secs(1)).measurement_time(StdDuration::from_secs(6));
    group.throughput(Throughput::Elements(lifecycle as u64));
    // Dropping the rebuilt network is left out of the timing.
    group.bench_function("labshare", |b| b.iter_with_large_drop(|| Network::replay(events.iter()).unwrap()));
    group.finish();
}

criterion_group!(booking, benches, replay_bench);
criterion_main!(booking);
