//! The water fill behind [`crate::subsidy::allocate`] (注水法): the stable
//! state of "hold units at their cap or minimum, share the rest in
//! proportion, repeat", computed in one sort and one pass, then rounded to
//! whole fen by the largest-remainder rule.
//!
//! All amounts here are whole fen in `i128`. Amounts and weights come from
//! [`crate::Money`], so each is below 10^17 fen and a product of two of them
//! stays below 10^34, far inside `i128`. Sums of many products are computed
//! with checked arithmetic.

use std::cmp::Ordering;

use crate::error::{Error, Result};
use crate::lang::Text;
use crate::subsidy::methods::AuditedIncome;

/// A unit in the water fill: amounts are whole fen.
#[derive(Debug, Clone, Copy)]
pub(super) struct Slot {
    pub(super) weight: i128,
    pub(super) lower: i128,
    pub(super) upper: i128,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    Upper,
    Lower,
    Free,
}

/// The solved water fill: each slot's class, and what the free slots share.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Fill {
    pub(super) classes: Vec<Class>,
    /// Fen shared by the free slots.
    pub(super) remaining: i128,
    /// Sum of the free slots' weights.
    pub(super) free_weight: i128,
}

/// A level `λ = bound / weight` at which one slot meets its lower or upper bound.
#[derive(Debug, Clone, Copy)]
struct Breakpoint {
    bound: i128,
    weight: i128,
    /// Change of `Σ fixed bounds` when λ reaches this point: `−lower` when the
    /// slot leaves its minimum, `+upper` when it reaches its cap.
    fixed_change: i128,
    /// Change of the free weight at this point: `+weight` or `−weight`.
    weight_change: i128,
}

impl Breakpoint {
    fn cmp_level(&self, other: &Breakpoint) -> Ordering {
        (self.bound * other.weight).cmp(&(other.bound * self.weight))
    }
}

/// Finds the level λ at which `Σ clamp(λ·weight_i, lower_i, upper_i)` equals
/// `target`: the stable state of "set units over the cap to the cap, lift
/// units under the minimum to it, share the rest in proportion, repeat".
///
/// The sum is continuous and non-decreasing in λ and bends only where some
/// `λ·weight_i` meets a bound. So the function sorts those breakpoints once
/// and walks them upwards, keeping the sum of the bounds of slots held at a
/// bound and the weight of the free slots. The sum at a breakpoint is then
/// `fixed + λ·free_weight`. The last breakpoint whose sum does not exceed
/// `target` starts the segment that contains λ, and the classes are
/// read off that segment. All comparisons are exact integer
/// cross-multiplications. The caller guarantees `Σ lower ≤ target ≤ Σ reachable`.
pub(super) fn water_fill(slots: &[Slot], target: i128) -> Result<Fill> {
    // Points at level zero (a bound of zero, as every lower bound is without
    // a minimum) come first and need no sorting among themselves.
    let mut points: Vec<Breakpoint> = Vec::with_capacity(slots.len() * 2);
    let mut above_zero: Vec<Breakpoint> = Vec::with_capacity(slots.len() * 2);
    for slot in slots.iter().filter(|s| s.weight > 0) {
        let lower = Breakpoint { bound: slot.lower, weight: slot.weight, fixed_change: -slot.lower, weight_change: slot.weight };
        let upper = Breakpoint { bound: slot.upper, weight: slot.weight, fixed_change: slot.upper, weight_change: -slot.weight };
        for point in [lower, upper] {
            if point.bound == 0 { points.push(point) } else { above_zero.push(point) }
        }
    }
    above_zero.sort_unstable_by(Breakpoint::cmp_level);
    points.append(&mut above_zero);

    // Below the first breakpoint every slot is at its lower bound.
    let mut fixed: i128 = slots.iter().map(|s| s.lower).sum();
    let mut free_weight = 0_i128;
    let mut last_within: Option<Breakpoint> = None;
    let mut first_above: Option<Breakpoint> = None;
    let mut start = 0;
    while let Some(&point) = points.get(start) {
        let end = start + points[start..].partition_point(|p| p.cmp_level(&point) == Ordering::Equal);
        for passed in &points[start..end] {
            fixed += passed.fixed_change;
            free_weight += passed.weight_change;
        }
        if sum_exceeds(fixed, free_weight, &point, target) {
            first_above = Some(point);
            break;
        }
        last_within = Some(point);
        start = end;
    }

    let classes = classes_on_segment(slots, last_within, first_above);
    totals_of(slots, classes, target)
}

/// Returns true if `fixed + λ·free_weight` at `λ = point.bound / point.weight`
/// exceeds `target`. A product too large for `i128` exceeds it, because
/// `target·weight` is below 10^34.
fn sum_exceeds(fixed: i128, free_weight: i128, point: &Breakpoint, target: i128) -> bool {
    let scaled_sum = fixed
        .checked_mul(point.weight)
        .and_then(|held| point.bound.checked_mul(free_weight).and_then(|shared| held.checked_add(shared)));
    match (scaled_sum, target.checked_mul(point.weight)) {
        (Some(sum), Some(limit)) => sum > limit,
        _ => true,
    }
}

/// Classifies every slot on the segment from `start` up to `next` (open at
/// `next`; unbounded when `next` is `None`). With no `start`, the target is
/// the sum of the lower bounds and every slot stays at its lower bound.
fn classes_on_segment(slots: &[Slot], start: Option<Breakpoint>, next: Option<Breakpoint>) -> Vec<Class> {
    let Some(start) = start else {
        return vec![Class::Lower; slots.len()];
    };
    slots
        .iter()
        .map(|slot| {
            if slot.weight == 0 {
                Class::Lower
            } else if slot.upper * start.weight <= start.bound * slot.weight {
                Class::Upper
            } else if next.is_some_and(|n| n.bound * slot.weight <= slot.lower * n.weight) {
                Class::Lower
            } else {
                Class::Free
            }
        })
        .collect()
}

fn totals_of(slots: &[Slot], classes: Vec<Class>, target: i128) -> Result<Fill> {
    let mut remaining = target;
    let mut free_weight = 0_i128;
    for (slot, class) in slots.iter().zip(&classes) {
        match class {
            Class::Upper => remaining -= slot.upper,
            Class::Lower => remaining -= slot.lower,
            Class::Free => free_weight += slot.weight,
        }
    }
    if remaining < 0 || (free_weight == 0 && remaining != 0) {
        return Err(Error::rule(
            "subsidy.unreachable_target",
            Text::new(
                "上下限之间无法恰好分完可分配金额；请检查上限、下限与预算",
                "the bounds cannot add up to the distributable amount; check the cap, minimum and budget",
            ),
        ));
    }
    Ok(Fill { classes, remaining, free_weight })
}

/// Final fen per slot before the ceiling, and the remainder details of the free ones.
pub(super) struct Rounded {
    pub(super) fen: i128,
    /// For free slots: `(remainder, rank among free slots, received a fen)`.
    /// The rank is 0 unless the caller asked for ranks.
    pub(super) remainder: Option<(i128, usize, bool)>,
}

/// Floors each free slot's share `remaining × weight ÷ free_weight` to the
/// fen and gives the fen left over one each to the largest remainders. Ties
/// go to the larger audited income (`audited_fen`), then the smaller unit id.
///
/// With `ranks` false only the units that receive a fen are found (a
/// selection, linear on average). With `ranks` true every free slot is
/// sorted so that the explanation can show its rank.
pub(super) fn round_free_shares(
    incomes: &[AuditedIncome],
    audited_fen: &[i64],
    slots: &[Slot],
    fill: &Fill,
    ranks: bool,
) -> Result<Vec<Rounded>> {
    let mut rounded: Vec<Rounded> = slots
        .iter()
        .zip(&fill.classes)
        .map(|(slot, class)| match class {
            Class::Upper => Rounded { fen: slot.upper, remainder: None },
            Class::Lower => Rounded { fen: slot.lower, remainder: None },
            Class::Free => {
                let numerator = fill.remaining * slot.weight;
                Rounded { fen: numerator / fill.free_weight, remainder: Some((numerator % fill.free_weight, 0, false)) }
            }
        })
        .collect();

    let floored: i128 = rounded.iter().filter(|r| r.remainder.is_some()).map(|r| r.fen).sum();
    let leftover = usize::try_from(fill.remaining - floored).map_err(|_| Error::overflow("remainder distribution"))?;
    let mut order: Vec<(i128, i64, &str, usize)> = rounded
        .iter()
        .enumerate()
        .filter_map(|(index, r)| {
            let remainder = r.remainder?.0;
            let audited = audited_fen.get(index).copied().unwrap_or(0);
            let unit = incomes.get(index).map_or("", |i| i.unit.as_str());
            Some((remainder, audited, unit, index))
        })
        .collect();
    // Unit ids are unique, so this order is total and the result never
    // depends on the input order.
    let by_priority = |a: &(i128, i64, &str, usize), b: &(i128, i64, &str, usize)| {
        b.0.cmp(&a.0).then_with(|| b.1.cmp(&a.1)).then_with(|| a.2.cmp(b.2))
    };
    if ranks {
        order.sort_unstable_by(by_priority);
    } else if leftover > 0 && leftover < order.len() {
        order.select_nth_unstable_by(leftover - 1, by_priority);
    }

    for (rank, &(_, _, _, index)) in order.iter().enumerate() {
        let bonus = rank < leftover;
        if !bonus && !ranks {
            break;
        }
        if let Some(slot) = rounded.get_mut(index) {
            if let Some(remainder) = slot.remainder.as_mut() {
                *remainder = (remainder.0, if ranks { rank + 1 } else { 0 }, bonus);
            }
            if bonus {
                slot.fen += 1;
            }
        }
    }
    Ok(rounded)
}

#[cfg(test)]
mod tests {
    //! The fill above against a direct evaluation of the sum at every
    //! breakpoint, found by binary search: the method this module used
    //! before it walked the sorted breakpoints once.

    use super::*;
    use proptest::prelude::*;

    /// Classifies `slot` at the level `λ = a / b` (b > 0).
    fn classify(slot: &Slot, a: i128, b: i128) -> Class {
        if slot.weight == 0 {
            return Class::Lower;
        }
        if slot.upper * b <= a * slot.weight {
            Class::Upper
        } else if a * slot.weight <= slot.lower * b {
            Class::Lower
        } else {
            Class::Free
        }
    }

    /// Returns true if `Σ clamp(λ·weight, lower, upper)` at `λ = a / b` exceeds `target`.
    fn exceeds(slots: &[Slot], a: i128, b: i128, target: i128) -> bool {
        let limit = target * b;
        let mut sum = 0_i128;
        for slot in slots {
            sum += match classify(slot, a, b) {
                Class::Upper => slot.upper * b,
                Class::Lower => slot.lower * b,
                Class::Free => a * slot.weight,
            };
            if sum > limit {
                return true;
            }
        }
        false
    }

    fn water_fill_by_search(slots: &[Slot], target: i128) -> Result<Fill> {
        let mut points: Vec<(i128, i128)> = Vec::with_capacity(slots.len() * 2);
        for slot in slots.iter().filter(|s| s.weight > 0) {
            points.push((slot.lower, slot.weight));
            points.push((slot.upper, slot.weight));
        }
        points.sort_by(|x, y| (x.0 * y.1).cmp(&(y.0 * x.1)));
        points.dedup_by(|x, y| x.0 * y.1 == y.0 * x.1);

        let first_exceeding = points.partition_point(|&(a, b)| !exceeds(slots, a, b, target));
        let start = first_exceeding.checked_sub(1).and_then(|k| points.get(k));
        let next = first_exceeding.checked_sub(1).and_then(|k| points.get(k + 1));
        let as_point = |&(bound, weight): &(i128, i128)| Breakpoint { bound, weight, fixed_change: 0, weight_change: 0 };
        let classes = classes_on_segment(slots, start.map(as_point), next.map(as_point));
        totals_of(slots, classes, target)
    }

    fn slot_strategy() -> impl Strategy<Value = Slot> {
        (0_i128..2_000, 0_i128..500, 0_i128..3_000).prop_map(|(weight, lower, extra)| Slot {
            weight,
            lower: if weight == 0 { 0 } else { lower },
            upper: if weight == 0 { 0 } else { lower + extra },
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn sweep_equals_search(slots in proptest::collection::vec(slot_strategy(), 1..40), share in 0_i128..=1_000) {
            let lower: i128 = slots.iter().map(|s| s.lower).sum();
            let reachable: i128 = slots.iter().map(|s| if s.weight > 0 { s.upper } else { s.lower }).sum();
            let target = lower + (reachable - lower) * share / 1_000;
            let fast = water_fill(&slots, target).map_err(|e| e.code());
            let reference = water_fill_by_search(&slots, target).map_err(|e| e.code());
            prop_assert_eq!(fast, reference);
        }
    }

    #[test]
    fn cap_held_units_share_rest() {
        // Weights 600, 300, 100 share 100 with an upper bound of 50 each:
        // the first is held at 50 and the other two share 50 as 3 : 1.
        let slots = [
            Slot { weight: 600, lower: 0, upper: 50 },
            Slot { weight: 300, lower: 0, upper: 50 },
            Slot { weight: 100, lower: 0, upper: 50 },
        ];
        let fill = water_fill(&slots, 100).unwrap();
        assert_eq!(fill.classes, [Class::Upper, Class::Free, Class::Free]);
        assert_eq!(fill.remaining, 50);
        assert_eq!(fill.free_weight, 400);
    }
}
