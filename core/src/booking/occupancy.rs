//! The interval index of one instrument's blocked time (占用索引).
//!
//! Each entry is a booking's blocked interval: its slot widened by its
//! buffers. Entries are keyed by blocked start. The longest blocked interval
//! ever stored bounds how far back an overlap query must look, so a query
//! costs O(log n + k) for k nearby entries.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use crate::booking::record::BookingId;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Occupancy {
    entries: BTreeMap<(DateTime<Utc>, BookingId), DateTime<Utc>>,
    longest: Duration,
}

impl Occupancy {
    pub(crate) fn insert(&mut self, id: BookingId, (start, end): (DateTime<Utc>, DateTime<Utc>)) {
        self.longest = self.longest.max(end - start);
        self.entries.insert((start, id), end);
    }

    pub(crate) fn remove(&mut self, id: BookingId, start: DateTime<Utc>) {
        self.entries.remove(&(start, id));
    }

    /// Returns the longest blocked interval ever stored.
    pub(crate) fn longest(&self) -> Duration {
        self.longest
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Iterates over the entries whose interval overlaps `[start, end)`.
    pub(crate) fn overlapping(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> impl Iterator<Item = (BookingId, DateTime<Utc>, DateTime<Utc>)> + '_ {
        let from = start.checked_sub_signed(self.longest).unwrap_or(DateTime::<Utc>::MIN_UTC);
        // An open range descends the tree once; a closed one would descend twice.
        self.entries
            .range((from, BookingId(0))..)
            .take_while(move |((entry_start, _), _)| *entry_start < end)
            .filter(move |(_, entry_end)| **entry_end > start)
            .map(|((entry_start, id), entry_end)| (*id, *entry_start, *entry_end))
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
    for (from, to) in intervals {
        let from = from.max(start);
        let to = to.min(end);
        if from < to {
            edges.push((from, 1));
            edges.push((to, -1));
        }
    }
    edges.sort_unstable();
    edges
}

/// Returns the parts of `[start, end)` covered by at least `level` of `intervals`.
pub(crate) fn covered_at_least(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    level: u32,
    intervals: impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)>,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let edges = sorted_edges(start, end, intervals);
    let level = i32::try_from(level).unwrap_or(i32::MAX);
    let mut covered = Vec::new();
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
    covered
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 10, 9, hour, 0, 0).unwrap()
    }

    #[test]
    fn back_to_back_intervals_do_not_overlap() {
        let peak = peak_overlap(at(0), at(23), [(at(1), at(2)), (at(2), at(3))].into_iter());
        assert_eq!(peak, 1);
    }

    #[test]
    fn overlap_query_finds_long_earlier_interval() {
        let mut index = Occupancy::default();
        index.insert(BookingId(1), (at(0), at(10)));
        index.insert(BookingId(2), (at(11), at(12)));
        let found: Vec<_> = index.overlapping(at(9), at(11)).map(|(id, _, _)| id).collect();
        assert_eq!(found, vec![BookingId(1)]);
    }

    #[test]
    fn coverage_merges_touching_parts() {
        let parts = covered_at_least(at(0), at(23), 1, [(at(1), at(2)), (at(2), at(3)), (at(5), at(6))].into_iter());
        assert_eq!(parts, vec![(at(1), at(3)), (at(5), at(6))]);
    }
}
