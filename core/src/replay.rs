//! Look-ahead while replaying a journal.
//!
//! Replaying a national journal applies events for instruments and users
//! spread over a gigabyte of state, so nearly every structure an event
//! reads is missing from the cache. A booking request reads about fifteen
//! structures, and at an estimated few hundred nanoseconds a miss, waiting
//! took most of replay time. Replay has the coming events at hand, though:
//! while it applies one, [`Pipeline`] issues prefetch hints for what the
//! next few events will read, so their misses overlap instead of queueing.
//!
//! A look-ahead step only computes addresses and issues prefetch hints.
//! It never changes state and never decides anything, so results are the
//! same with or without it. A hint that turns stale before its event is
//! applied, because an event in between moved a vector, costs a wasted
//! fetch and nothing else.

use std::collections::VecDeque;

use crate::Result;
use crate::journal::Event;
use crate::network::Network;

/// Issues a hint to load the cache line containing `address` into the
/// cache. The address may be stale or dangling: it is not dereferenced.
#[inline(always)]
pub(crate) fn prefetch<T>(address: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: PREFETCHT0 is a hint. It does not read the memory into any
    // register and raises no fault, even for an unmapped address, so it
    // cannot break memory safety whatever `address` points to.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(address.cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = address;
}

/// Bytes of a cache line on the processors this library targets.
pub(crate) const LINE: usize = 64;

/// Prefetches the first `lines` cache lines from `address`.
#[inline(always)]
pub(crate) fn prefetch_lines<T>(address: *const T, lines: usize) {
    let bytes = address.cast::<u8>();
    for line in 0..lines {
        prefetch(bytes.wrapping_add(line * LINE));
    }
}

/// Prefetches every cache line of `value`, up to `max_lines`.
#[inline(always)]
pub(crate) fn prefetch_value<T>(value: &T, max_lines: usize) {
    prefetch_bytes((value as *const T).cast::<u8>(), std::mem::size_of::<T>(), max_lines);
}

/// Prefetches the first lines of a slice's buffer, up to `max_lines`.
#[inline(always)]
pub(crate) fn prefetch_slice<T>(items: &[T], max_lines: usize) {
    prefetch_bytes(items.as_ptr().cast::<u8>(), std::mem::size_of_val(items), max_lines);
}

/// Prefetches the lines that contain the `len` bytes from `start`, up to
/// `max_lines` from the first. Counting from the line of `start` covers the
/// last bytes of a value that does not start on a line.
#[inline(always)]
fn prefetch_bytes(start: *const u8, len: usize, max_lines: usize) {
    if len == 0 {
        return;
    }
    let offset = start as usize % LINE;
    let lines = (offset + len).div_ceil(LINE).min(max_lines);
    prefetch_lines(start.wrapping_sub(offset), lines);
}

/// Positions that a look-ahead step found for an event's later steps.
///
/// Each field is a position in the state (a booking, an instrument slot of
/// the booking book, a party, a registry record) found by an earlier step.
/// Positions only ever grow in number, so a found one stays valid.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Hint {
    pub(crate) booking: Option<u32>,
    pub(crate) slot: Option<u32>,
    pub(crate) party: Option<u32>,
    pub(crate) record: Option<u32>,
}

/// How many events ahead of the one being applied each step runs. Once
/// its memory is cached an event applies in about a microsecond, time
/// enough for a prefetch to land, so one event between the steps from
/// `LOCATE` on suffices. An event is pulled from the source, and its own
/// lines prefetched, three events before `LOCATE` reads its ids, because
/// in a profile that step waited for the event's lines when it ran on the
/// event just pulled. On the national bench, doubling the distances from
/// `FIND` to `DEEP` replayed about 10 % slower, before `PULL` and `LOCATE`
/// existed. Moving every step one event further ahead later made no
/// difference beyond the spread between runs.
const PULL: usize = 8;
const LOCATE: usize = 5;
const FIND: usize = 4;
const NEAR: usize = 3;
const HEAP: usize = 2;
const DEEP: usize = 1;

/// Cache lines from the start of an event that contain its actor and a
/// booking change, the most common kind.
const EVENT_LINES: usize = 3;

/// Events waiting to be applied, with what the look-ahead found about them.
pub(crate) struct Pipeline<E> {
    waiting: VecDeque<(Result<E>, Hint)>,
}

impl<E: std::borrow::Borrow<Event>> Pipeline<E> {
    /// Applies every event of `events` to `network` in order and stops at
    /// the first error, of the source or of an event.
    ///
    /// # Errors
    ///
    /// The first error in order: an item of `events` that is an error, or
    /// the error [`Network::apply`] returns.
    pub(crate) fn run(network: &mut Network, events: impl Iterator<Item = Result<E>>) -> Result<()> {
        let mut pipeline = Pipeline { waiting: VecDeque::with_capacity(PULL + 1) };
        for item in events {
            let stop = item.is_err();
            if let Ok(event) = &item {
                let event = event.borrow();
                // An event takes 512 bytes on 64-bit targets. With the
                // layout rustc chose, a booking change lies in its first
                // three lines and the sequence number in its last one.
                // NOTE: another compiler version may lay the event out
                // differently, which would only make these hints miss.
                prefetch_lines(event as *const Event, EVENT_LINES);
                prefetch(&raw const event.seq);
            }
            pipeline.waiting.push_back((item, Hint::default()));
            pipeline.look_ahead(network);
            if pipeline.waiting.len() > PULL {
                pipeline.apply_first(network)?;
            }
            if stop {
                break;
            }
        }
        while !pipeline.waiting.is_empty() {
            pipeline.look_ahead(network);
            pipeline.apply_first(network)?;
        }
        Ok(())
    }

    /// Runs the look-ahead steps on the events at their distances from the
    /// front, the event applied next.
    fn look_ahead(&mut self, network: &Network) {
        // Reading the account id's address right after the event was pulled
        // waited for the event's lines in a profile, so it is read one event
        // later.
        if let Some((Ok(event), _)) = self.waiting.get(PULL - 1) {
            prefetch(event.borrow().actor.id.as_ptr());
        }
        if let Some((Ok(event), _)) = self.waiting.get(LOCATE) {
            network.locate(event.borrow());
        }
        if let Some((Ok(event), hint)) = self.waiting.get_mut(FIND) {
            *hint = network.find(event.borrow());
        }
        if let Some((Ok(event), hint)) = self.waiting.get_mut(NEAR) {
            network.fetch_near(event.borrow(), hint);
        }
        if let Some((Ok(event), hint)) = self.waiting.get_mut(HEAP) {
            network.fetch_heap(event.borrow(), hint);
        }
        if let Some((Ok(event), hint)) = self.waiting.get(DEEP) {
            network.fetch_deep(event.borrow(), hint);
        }
    }

    fn apply_first(&mut self, network: &mut Network) -> Result<()> {
        match self.waiting.pop_front() {
            Some((item, _)) => network.apply(item?.borrow()),
            None => Ok(()),
        }
    }
}
