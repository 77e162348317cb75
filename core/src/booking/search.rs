//! Availability search (空闲时段查询): the free slots of one instrument, or
//! of every instrument offering a test item, in a window.
//!
//! A free slot is a stretch of time in which any slot on the grid of at
//! least the minimum duration can be booked as far as the instrument is
//! concerned: open, outside blackouts, within the notice window, and with a
//! station free once the new booking's own buffers are added. Quotas and
//! training depend on the user and are checked when the user books.

use chrono::{DateTime, Duration, Timelike, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::booking::check::check_instant;
use crate::booking::clock::WindowClock;
use crate::booking::occupancy::{covered_at_least, peak_overlap};
use crate::booking::policy::{self, BookingPolicy};
use crate::booking::BookingBook;
use crate::calendar::{LocalTime, Zone};
use crate::error::{Error, Result};
use crate::ids::InstrumentId;
use crate::lang::Text;

/// Maximum window of one search: 31 days.
const MAX_WINDOW_DAYS: i64 = 31;

type Span = (DateTime<Utc>, DateTime<Utc>);

/// A search window and its options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AvailabilityQuery {
    /// Window start.
    pub from: DateTime<Utc>,
    /// Window end (exclusive), at most 31 days after the start.
    pub to: DateTime<Utc>,
    /// Shortest free slot wanted, in minutes; the policy's minimum duration if larger.
    #[serde(default)]
    pub min_minutes: u32,
    /// Zone to show local times in, besides the instrument's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewer_zone: Option<Zone>,
}

/// A free stretch of one instrument (空闲时段).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FreeSlot {
    /// Start.
    pub start: DateTime<Utc>,
    /// End (exclusive).
    pub end: DateTime<Utc>,
    /// Start on the instrument's clock.
    pub start_local: LocalTime,
    /// End on the instrument's clock.
    pub end_local: LocalTime,
    /// Start on the viewer's clock, if asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_viewer: Option<LocalTime>,
    /// End on the viewer's clock, if asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_viewer: Option<LocalTime>,
    /// Stations free throughout the stretch.
    pub free_stations: u32,
}

/// The free slots of one instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct InstrumentAvailability {
    /// The instrument.
    pub instrument: InstrumentId,
    /// Its free slots in time order.
    pub slots: Vec<FreeSlot>,
}

impl BookingBook {
    /// Lists the free slots of `instrument` in the query window at `now`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for a window that is empty or longer than 31
    /// days, `booking.no_policy` for an instrument without a policy, and the
    /// calendar's `calendar.year_not_loaded`.
    pub fn availability(&self, instrument: &InstrumentId, query: &AvailabilityQuery, now: DateTime<Utc>) -> Result<Vec<FreeSlot>> {
        check_window(query)?;
        let slot = self.bookable(instrument)?;
        let data = self.instrument_at(slot)?;
        let clock = WindowClock::new(data.profile.zone, query.from, query.to);

        // One index query serves the whole window; the margin covers the
        // widest buffers of any policy version.
        let margin = data
            .policies
            .iter()
            .map(|v| i64::from(v.policy.buffer_before_minutes + v.policy.buffer_after_minutes))
            .max()
            .unwrap_or(0);
        let margin = Duration::minutes(margin);
        let held = Held {
            intervals: self.held_intervals(slot, query.from - margin, query.to + margin, now),
            longest: self.slot_index(slot).map(|index| &index.occupancy).map_or(Duration::zero(), |o| o.longest()),
        };

        let mut scratch = Scratch::default();
        let mut free: Vec<(Span, u32)> = Vec::with_capacity(held.intervals.len() + 8);
        let mut date = clock.local_date(query.from);
        let last = clock.local_date(query.to);
        while date <= last {
            let day_start = clock.start_of_day(date)?;
            if let Ok(policy) = self.policy_at(slot, day_start.max(query.from)) {
                for span in policy::day_spans(policy, date, &self.data.calendar)? {
                    let open = clock.span_instants(date, span.start.minutes(), span.end.minutes())?;
                    let window = OpenSpan { policy, open, clock: &clock };
                    self.free_in_open_span(slot, &window, query, now, &held, &mut scratch, &mut free)?;
                }
            }
            date = match date.succ_opt() {
                Some(next) => next,
                None => break,
            };
        }

        merge(&mut free);
        let viewer = query.viewer_zone.map(|zone| WindowClock::new(zone, query.from, query.to));
        Ok(free
            .into_iter()
            .map(|((start, end), free_stations)| FreeSlot {
                start,
                end,
                start_local: clock.local(start),
                end_local: clock.local(end),
                start_viewer: viewer.as_ref().map(|viewer| viewer.local(start)),
                end_viewer: viewer.as_ref().map(|viewer| viewer.local(end)),
                free_stations,
            })
            .collect())
    }

    /// Lists the free slots of every instrument whose profile lists `test_item`.
    ///
    /// # Errors
    ///
    /// As [`BookingBook::availability`]; instruments without a policy in the
    /// window are left out.
    pub fn availability_for_test_item(&self, test_item: &str, query: &AvailabilityQuery, now: DateTime<Utc>) -> Result<Vec<InstrumentAvailability>> {
        check_window(query)?;
        let item = test_item.trim();
        let mut found = Vec::new();
        for data in &self.data.instruments {
            if !data.profile.test_items.iter().any(|offered| offered == item) {
                continue;
            }
            let slots = self.availability(&data.id, query, now)?;
            found.push(InstrumentAvailability { instrument: data.id.clone(), slots });
        }
        Ok(found)
    }

    /// Adds the free parts of one open span to `free`.
    #[allow(clippy::too_many_arguments)]
    fn free_in_open_span(
        &self,
        slot: u32,
        window: &OpenSpan<'_>,
        query: &AvailabilityQuery,
        now: DateTime<Utc>,
        held: &Held,
        scratch: &mut Scratch,
        free: &mut Vec<(Span, u32)>,
    ) -> Result<()> {
        let (policy, (open_start, open_end)) = (window.policy, window.open);
        let earliest = now + Duration::minutes(i64::from(policy.create_notice.min_minutes));
        let latest = policy.create_notice.max_minutes.map(|max| now + Duration::minutes(i64::from(max)));
        let start = open_start.max(query.from).max(earliest);
        let mut end = open_end.min(query.to);
        if let Some(latest) = latest {
            // The latest start plus the shortest booking bounds the end.
            end = end.min(latest + Duration::minutes(i64::from(policy.min_duration_minutes)));
        }
        if start >= end {
            return Ok(());
        }

        let data = self.instrument_at(slot)?;
        let Scratch { cuts, edges, covered, pieces } = scratch;
        cuts.clear();
        if !data.blackouts.is_empty() {
            cuts.extend(self.blackout_intervals(data, policy, start, end)?.into_iter().map(|(from, to, _)| (from, to)));
        }
        let before = Duration::minutes(i64::from(policy.buffer_before_minutes));
        let after = Duration::minutes(i64::from(policy.buffer_after_minutes));
        let (near_start, near_end) = (start - after - before, end + after + before);
        let near = held.touching(near_start, near_end);
        covered_at_least((near_start, near_end), policy.stations, near, edges, covered);
        // A new booking's blocked interval must miss every full stretch.
        if before.is_zero() && after.is_zero() {
            cuts.extend_from_slice(covered);
        } else {
            cuts.extend(covered.iter().map(|(full_start, full_end)| (*full_start - after, *full_end + before)));
        }
        cuts.sort_unstable();

        // Within one open span the zone's offset is nearly always fixed, so
        // the grid can be found without a time zone lookup per piece.
        let fixed = window.clock.fixed_offset_seconds(start, end);
        let zone = window.clock.zone();
        let shortest = Duration::minutes(i64::from(policy.min_duration_minutes.max(query.min_minutes).max(1)));
        subtract_sorted((start, end), cuts, pieces);
        for (from, to) in pieces.iter().copied() {
            let from = round_to_grid(zone, fixed, from, policy.slot_minutes, true);
            let to = round_to_grid(zone, fixed, to, policy.slot_minutes, false);
            if to - from < shortest {
                continue;
            }
            let busy = if policy.stations == 1 {
                0
            } else {
                let (blocked_from, blocked_to) = (from - before, to + after);
                let touching = near.iter().copied().filter(|(start, end)| *start < blocked_to && *end > blocked_from);
                peak_overlap(blocked_from, blocked_to, touching)
            };
            free.push(((from, to), policy.stations.saturating_sub(busy).max(1)));
        }
        Ok(())
    }

    /// Returns the blocked intervals that hold their slot at `now` and touch `[from, to)`.
    fn held_intervals(&self, slot: u32, from: DateTime<Utc>, to: DateTime<Utc>, now: DateTime<Utc>) -> Vec<Span> {
        let Some(occupancy) = self.slot_index(slot).map(|index| &index.occupancy) else { return Vec::new() };
        occupancy
            .overlapping(from, to)
            .filter(|entry| entry.holds_at(now))
            .map(|entry| (entry.start, entry.end))
            .collect()
    }
}

fn check_window(query: &AvailabilityQuery) -> Result<()> {
    check_instant("from", query.from)?;
    check_instant("to", query.to)?;
    if query.to <= query.from || query.to - query.from > Duration::days(MAX_WINDOW_DAYS) {
        return Err(Error::invalid_value(
            "to",
            query.to,
            Text::new("晚于开始且不超过 31 天的查询窗口", "a window end after its start and at most 31 days later"),
        ));
    }
    Ok(())
}

/// Writes the parts of `[start, end)` outside every cut to `kept`. `cuts` must be sorted by start.
fn subtract_sorted((start, end): Span, cuts: &[Span], kept: &mut Vec<Span>) {
    kept.clear();
    let mut cursor = start;
    for (cut_start, cut_end) in cuts {
        if cursor >= end {
            break;
        }
        if *cut_start > cursor {
            kept.push((cursor, (*cut_start).min(end)));
        }
        cursor = cursor.max(*cut_end);
    }
    if cursor < end {
        kept.push((cursor, end));
    }
}

/// One open span of a day with the policy that governs it.
struct OpenSpan<'a> {
    policy: &'a BookingPolicy,
    open: Span,
    clock: &'a WindowClock,
}

/// Buffers reused by every open span of one search.
#[derive(Default)]
struct Scratch {
    cuts: Vec<Span>,
    edges: Vec<(DateTime<Utc>, i32)>,
    covered: Vec<Span>,
    pieces: Vec<Span>,
}

/// The held blocked intervals of a search window, sorted by start.
struct Held {
    intervals: Vec<Span>,
    longest: Duration,
}

impl Held {
    /// Returns the intervals that may overlap `[from, to)`: those starting in
    /// `[from - longest, to)`. Some of them may end at or before `from`.
    fn touching(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> &[Span] {
        let earliest = from - self.longest;
        let first = self.intervals.partition_point(|(start, _)| *start < earliest);
        let last = self.intervals.partition_point(|(start, _)| *start < to);
        self.intervals.get(first..last.max(first)).unwrap_or_default()
    }
}

/// Rounds an instant up or down to the slot grid of its local day. `fixed`
/// is the zone's offset in seconds when it is known not to change nearby.
fn round_to_grid(zone: Zone, fixed: Option<i32>, instant: DateTime<Utc>, slot_minutes: u32, up: bool) -> DateTime<Utc> {
    let seconds = match fixed {
        Some(offset) => (instant.timestamp() + i64::from(offset)).rem_euclid(86_400),
        None => i64::from(zone.local(instant).local.num_seconds_from_midnight()),
    };
    let step = i64::from(slot_minutes.max(1)) * 60;
    let remainder = seconds % step;
    let has_fraction = instant.nanosecond() > 0;
    if remainder == 0 && !has_fraction {
        return instant;
    }
    let down = instant.with_nanosecond(0).unwrap_or(instant) - Duration::seconds(remainder);
    if up { down + Duration::seconds(step) } else { down }
}

/// Merges touching stretches in place, keeping the smaller free-station count.
fn merge(free: &mut Vec<(Span, u32)>) {
    free.sort_by_key(|((start, _), _)| *start);
    let mut merged_len: usize = 0;
    for i in 0..free.len() {
        let Some(&((start, end), stations)) = free.get(i) else { break };
        match merged_len.checked_sub(1).and_then(|last| free.get_mut(last)) {
            Some(((_, last_end), last_stations)) if *last_end >= start => {
                *last_end = (*last_end).max(end);
                *last_stations = (*last_stations).min(stations);
            }
            _ => {
                free.swap(merged_len, i);
                merged_len += 1;
            }
        }
    }
    free.truncate(merged_len);
}
