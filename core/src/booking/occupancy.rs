//! The interval index of one instrument's blocked time (占用索引).
//!
//! Each entry is a booking's blocked interval (its slot widened by its
//! buffers) with the instant from which the booking stops holding the slot
//! unless someone acts on it. Keeping that instant in the entry lets
//! searches skip lapsed requests, offers and unattended bookings without
//! reading the booking records.
//!
//! Entries are sorted by blocked start in a [`Chunked`] set, so a lookup
//! is two binary searches and a range scan reads contiguous memory. The longest blocked interval ever stored bounds how far back an overlap
//! query must look, so a query costs O(log n + k) for k nearby entries.

use chrono::{DateTime, Duration, Utc};

use crate::booking::chunked::{Chunked, Keyed};
use crate::booking::record::BookingId;

/// An entry's blocked start and booking.
type Key = (DateTime<Utc>, BookingId);

/// One booking's blocked interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) start: DateTime<Utc>,
    pub(crate) end: DateTime<Utc>,
    /// First instant at which the booking no longer occupies its slot. This
    /// is the deadline of a request, offer or confirmed booking, and
    /// `DateTime::<Utc>::MAX_UTC` for a checked-in or completed one.
    pub(crate) held_until: DateTime<Utc>,
    pub(crate) id: BookingId,
}

impl Entry {
    /// Returns true if the booking occupies its slot at `now`.
    pub(crate) fn holds_at(&self, now: DateTime<Utc>) -> bool {
        now < self.held_until
    }
}

impl Keyed for Entry {
    type Key = Key;

    fn key(&self) -> Key {
        (self.start, self.id)
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Occupancy {
    entries: Chunked<Entry>,
    longest: Duration,
}

impl Occupancy {
    /// Inserts an entry, replacing one with the same start and booking.
    pub(crate) fn insert(&mut self, entry: Entry) {
        self.longest = self.longest.max(entry.end - entry.start);
        self.entries.insert(entry);
    }

    /// Removes the entry of booking `id` that starts at `start`, if present.
    pub(crate) fn remove(&mut self, id: BookingId, start: DateTime<Utc>) {
        self.entries.remove((start, id));
    }

    /// Prefetches the chunk list and the chunks' last keys (replay look-ahead).
    pub(crate) fn prefetch_index(&self) {
        self.entries.prefetch_index();
    }

    /// Prefetches the start of the chunk where entries starting at `start`
    /// belong (replay look-ahead).
    pub(crate) fn prefetch_chunk(&self, start: DateTime<Utc>) {
        self.entries.prefetch_chunk((start, BookingId(0)));
    }

    /// Returns the longest blocked interval ever stored.
    pub(crate) fn longest(&self) -> Duration {
        self.longest
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Iterates over every entry in key order.
    pub(crate) fn entries(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.entries.iter()
    }

    /// Iterates over the entries whose interval overlaps `[start, end)`, in key order.
    pub(crate) fn overlapping(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> impl Iterator<Item = &Entry> + '_ {
        let from = (start.checked_sub_signed(self.longest).unwrap_or(DateTime::<Utc>::MIN_UTC), BookingId(0));
        self.entries.starting_at(from).take_while(move |entry| entry.start < end).filter(move |entry| entry.end > start)
    }
}

/// Returns the largest number of `intervals` that cover one instant of
/// `[start, end)`. Intervals are half-open, so one ending where another
/// starts does not overlap it.
pub(crate) fn peak_overlap(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    intervals: impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)>,
) -> u32 {
    let mut current = 0i32;
    let mut peak = 0i32;
    for (_, step) in sorted_edges(start, end, intervals) {
        current += step;
        peak = peak.max(current);
    }
    u32::try_from(peak).unwrap_or(0)
}

/// Returns the +1 and -1 edges of `intervals` clipped to `[start, end)`,
/// in time order with ends before starts at the same instant.
fn sorted_edges(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    intervals: impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)>,
) -> Vec<(DateTime<Utc>, i32)> {
    let mut edges = Vec::new();
    sorted_edges_into(start, end, intervals, &mut edges);
    edges
}

fn sorted_edges_into(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    intervals: impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)>,
    edges: &mut Vec<(DateTime<Utc>, i32)>,
) {
    edges.clear();
    for (from, to) in intervals {
        let from = from.max(start);
        let to = to.min(end);
        if from < to {
            edges.push((from, 1));
            edges.push((to, -1));
        }
    }
    edges.sort_unstable();
}

/// Writes the parts of `[start, end)` covered by at least `level` of
/// `intervals` to `covered`, replacing its contents. `intervals` must be
/// sorted by start; `edges` is scratch space.
pub(crate) fn covered_at_least(
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    level: u32,
    intervals: &[(DateTime<Utc>, DateTime<Utc>)],
    edges: &mut Vec<(DateTime<Utc>, i32)>,
    covered: &mut Vec<(DateTime<Utc>, DateTime<Utc>)>,
) {
    covered.clear();
    if level == 1 {
        union_sorted(start, end, intervals, covered);
        return;
    }
    sorted_edges_into(start, end, intervals.iter().copied(), edges);
    let level = i32::try_from(level).unwrap_or(i32::MAX);
    let mut current = 0i32;
    let mut open: Option<DateTime<Utc>> = None;
    let mut i = 0;
    while i < edges.len() {
        // Apply every edge at one instant before testing the level, so
        // intervals that touch merge into one part.
        let at = edges[i].0;
        while i < edges.len() && edges[i].0 == at {
            current += edges[i].1;
            i += 1;
        }
        match open {
            None if current >= level => open = Some(at),
            Some(from) if current < level => {
                if from < at {
                    covered.push((from, at));
                }
                open = None;
            }
            _ => {}
        }
    }
}

/// Writes the union of start-sorted `intervals` clipped to `[start, end)`
/// to `covered`, merging parts that overlap or touch.
fn union_sorted(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    intervals: &[(DateTime<Utc>, DateTime<Utc>)],
    covered: &mut Vec<(DateTime<Utc>, DateTime<Utc>)>,
) {
    for (from, to) in intervals {
        let (from, to) = ((*from).max(start), (*to).min(end));
        if from >= to {
            continue;
        }
        match covered.last_mut() {
            Some((_, last_end)) if from <= *last_end => *last_end = (*last_end).max(to),
            _ => covered.push((from, to)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::booking::chunked::CHUNK;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 10, 9, hour, 0, 0).unwrap()
    }

    fn minute(n: i64) -> DateTime<Utc> {
        at(0) + Duration::minutes(n)
    }

    fn entry(id: u64, start: DateTime<Utc>, end: DateTime<Utc>) -> Entry {
        Entry { start, end, held_until: DateTime::<Utc>::MAX_UTC, id: BookingId(id) }
    }

    /// Coverage by a sweep over all edges, the reference for the level-1 shortcut.
    fn covered_by_sweep(span: (DateTime<Utc>, DateTime<Utc>), level: u32, intervals: &[(DateTime<Utc>, DateTime<Utc>)]) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let edges = sorted_edges(span.0, span.1, intervals.iter().copied());
        let mut covered = Vec::new();
        let mut current = 0i32;
        let mut open: Option<DateTime<Utc>> = None;
        let mut i = 0;
        while i < edges.len() {
            let instant = edges[i].0;
            while i < edges.len() && edges[i].0 == instant {
                current += edges[i].1;
                i += 1;
            }
            match open {
                None if current >= level as i32 => open = Some(instant),
                Some(from) if current < level as i32 => {
                    if from < instant {
                        covered.push((from, instant));
                    }
                    open = None;
                }
                _ => {}
            }
        }
        covered
    }

    #[test]
    fn back_to_back_intervals_do_not_overlap() {
        let peak = peak_overlap(at(0), at(23), [(at(1), at(2)), (at(2), at(3))].into_iter());
        assert_eq!(peak, 1);
    }

    #[test]
    fn overlap_query_finds_long_earlier_interval() {
        let mut index = Occupancy::default();
        index.insert(entry(1, at(0), at(10)));
        index.insert(entry(2, at(11), at(12)));
        let found: Vec<_> = index.overlapping(at(9), at(11)).map(|entry| entry.id).collect();
        assert_eq!(found, vec![BookingId(1)]);
    }

    #[test]
    fn coverage_merges_touching_parts() {
        let (mut edges, mut parts) = (Vec::new(), Vec::new());
        covered_at_least((at(0), at(23)), 1, &[(at(1), at(2)), (at(2), at(3)), (at(5), at(6))], &mut edges, &mut parts);
        assert_eq!(parts, vec![(at(1), at(3)), (at(5), at(6))]);
    }

    #[test]
    fn coverage_at_level_two() {
        let (mut edges, mut parts) = (Vec::new(), Vec::new());
        let intervals = [(at(1), at(4)), (at(2), at(3)), (at(3), at(5)), (at(6), at(7))];
        covered_at_least((at(0), at(23)), 2, &intervals, &mut edges, &mut parts);
        assert_eq!(parts, vec![(at(2), at(4))]);
    }

    #[test]
    fn sequential_inserts_fill_chunks() {
        let mut index = Occupancy::default();
        for i in 0..(CHUNK as i64 * 3) {
            index.insert(entry(i as u64 + 1, minute(i * 60), minute(i * 60 + 30)));
        }
        assert_eq!(index.entries.chunks.len(), 3);
        assert!(index.entries.chunks.iter().all(|chunk| chunk.len() == CHUNK));
    }

    #[test]
    fn insert_replaces_same_key() {
        let mut index = Occupancy::default();
        index.insert(entry(1, at(1), at(2)));
        index.insert(Entry { held_until: at(5), ..entry(1, at(1), at(3)) });
        let stored: Vec<_> = index.entries().copied().collect();
        assert_eq!(index.len(), 1);
        assert_eq!(stored, vec![Entry { held_until: at(5), ..entry(1, at(1), at(3)) }]);
    }

    #[derive(Debug, Clone)]
    enum Step {
        Insert { id: u64, start: i64, length: i64 },
        Remove { id: u64 },
        Query { start: i64, length: i64 },
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            5 => (1..400u64, 0..2_000i64, 1..300i64).prop_map(|(id, start, length)| Step::Insert { id, start, length }),
            3 => (1..400u64).prop_map(|id| Step::Remove { id }),
            2 => (0..2_000i64, 1..300i64).prop_map(|(start, length)| Step::Query { start, length }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        /// The chunked index stores, removes and finds exactly what a plain
        /// ordered map of the same entries does.
        #[test]
        fn index_matches_ordered_map(steps in proptest::collection::vec(step(), 1..600)) {
            let mut index = Occupancy::default();
            let mut model: BTreeMap<Key, Entry> = BTreeMap::new();
            let mut starts: BTreeMap<u64, DateTime<Utc>> = BTreeMap::new();
            for step in steps {
                match step {
                    Step::Insert { id, start, length } => {
                        if let Some(old) = starts.remove(&id) {
                            index.remove(BookingId(id), old);
                            model.remove(&(old, BookingId(id)));
                        }
                        let new = entry(id, minute(start), minute(start + length));
                        index.insert(new);
                        model.insert(new.key(), new);
                        starts.insert(id, new.start);
                    }
                    Step::Remove { id } => {
                        if let Some(old) = starts.remove(&id) {
                            index.remove(BookingId(id), old);
                            model.remove(&(old, BookingId(id)));
                        }
                    }
                    Step::Query { start, length } => {
                        let (from, to) = (minute(start), minute(start + length));
                        let found: Vec<Entry> = index.overlapping(from, to).copied().collect();
                        let expected: Vec<Entry> = model.values().filter(|e| e.start < to && e.end > from).copied().collect();
                        prop_assert_eq!(found, expected);
                    }
                }
                prop_assert_eq!(index.len(), model.len());
                let stored: Vec<Entry> = index.entries().copied().collect();
                let expected: Vec<Entry> = model.values().copied().collect();
                prop_assert_eq!(stored, expected);
                let lasts: Vec<Key> = index.entries.chunks.iter().filter_map(|chunk| chunk.last().map(Keyed::key)).collect();
                prop_assert_eq!(&lasts, index.entries.lasts());
                prop_assert!(index.entries.chunks.iter().all(|chunk| !chunk.is_empty() && chunk.len() <= CHUNK));
            }
        }

        /// The level-1 union equals the edge sweep on start-sorted intervals.
        #[test]
        fn union_matches_sweep(
            mut raw in proptest::collection::vec((0..600i64, 0..120i64), 0..40),
            window in (0..300i64, 1..600i64),
        ) {
            raw.sort_unstable();
            let intervals: Vec<_> = raw.iter().map(|(start, length)| (minute(*start), minute(start + length))).collect();
            let span = (minute(window.0), minute(window.0 + window.1));
            let (mut edges, mut parts) = (Vec::new(), Vec::new());
            covered_at_least(span, 1, &intervals, &mut edges, &mut parts);
            prop_assert_eq!(parts, covered_by_sweep(span, 1, &intervals));
        }
    }
}
