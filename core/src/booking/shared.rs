//! Policy versions as the booking book stores them: instruments whose rules
//! are identical share one [`BookingPolicy`].
//!
//! A network usually gives many instruments the same rules: a unit's
//! opening hours, notices and quotas, often the same fee standard. Sharing
//! them keeps one copy in memory instead of one per instrument. The 100,000
//! instruments of the national bench in `BENCHMARKS.md` held about 148 MiB
//! of copies. A copy that many bookings read is also likely to be in the
//! processor's cache.
//! The sharing is invisible: a stored version serialises as a
//! [`PolicyVersion`], and equal books compare equal however they share.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rustc_hash::{FxHashMap, FxHasher};
use serde::{Deserialize, Serialize};

use super::policy::{BookingPolicy, PolicyVersion, QuotaLimit};

/// One policy version of an instrument, its rules shared with every other
/// version whose rules are identical.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SharedVersion {
    pub(crate) effective_from: DateTime<Utc>,
    pub(crate) policy: Arc<BookingPolicy>,
}

impl SharedVersion {
    /// Returns the version as callers see it.
    pub(crate) fn to_version(&self) -> PolicyVersion {
        PolicyVersion { effective_from: self.effective_from, policy: BookingPolicy::clone(&self.policy) }
    }
}

/// The distinct policies of the stored versions, found by hash.
///
/// The pool counts the versions that use each policy, and a policy leaves
/// when the count falls to zero. It does not go by `Arc::strong_count`,
/// because a clone of the book owns the same policies. Nothing iterates
/// over the map, so its order cannot reach a result.
#[derive(Debug, Clone, Default)]
pub(crate) struct PolicyPool {
    by_hash: FxHashMap<u64, Vec<Pooled>>,
}

/// A pooled policy and the number of stored versions that use it.
#[derive(Debug, Clone)]
struct Pooled {
    policy: Arc<BookingPolicy>,
    versions: usize,
}

impl PolicyPool {
    /// Returns the pooled policy identical to `policy`, adding a copy of it
    /// if there is none.
    pub(crate) fn share(&mut self, policy: &BookingPolicy) -> Arc<BookingPolicy> {
        match self.count_use(policy) {
            Some(pooled) => pooled,
            None => self.insert(Arc::new(policy.clone())),
        }
    }

    /// Returns the pooled policy identical to `policy`, pooling `policy`
    /// itself if there is none. Used when a loaded book is indexed.
    pub(crate) fn adopt(&mut self, policy: Arc<BookingPolicy>) -> Arc<BookingPolicy> {
        match self.count_use(&policy) {
            Some(pooled) => pooled,
            None => self.insert(policy),
        }
    }

    /// Counts one more version using the pooled policy identical to
    /// `policy`, and returns that policy, if there is one.
    fn count_use(&mut self, policy: &BookingPolicy) -> Option<Arc<BookingPolicy>> {
        let bucket = self.by_hash.get_mut(&hash_of(policy))?;
        let pooled = bucket.iter_mut().find(|pooled| identical(&pooled.policy, policy))?;
        pooled.versions += 1;
        Some(Arc::clone(&pooled.policy))
    }

    /// Adds `policy` to the pool, used by one version.
    fn insert(&mut self, policy: Arc<BookingPolicy>) -> Arc<BookingPolicy> {
        let bucket = self.by_hash.entry(hash_of(&policy)).or_default();
        bucket.push(Pooled { policy: Arc::clone(&policy), versions: 1 });
        policy
    }

    /// Records that a version using `policy` was replaced, and drops the
    /// policy from the pool if no other version uses it.
    pub(crate) fn release(&mut self, policy: &Arc<BookingPolicy>) {
        let hash = hash_of(policy);
        let Some(bucket) = self.by_hash.get_mut(&hash) else { return };
        let Some(position) = bucket.iter().position(|pooled| Arc::ptr_eq(&pooled.policy, policy)) else { return };
        if let Some(pooled) = bucket.get_mut(position) {
            pooled.versions = pooled.versions.saturating_sub(1);
            if pooled.versions == 0 {
                bucket.swap_remove(position);
            }
        }
        if bucket.is_empty() {
            self.by_hash.remove(&hash);
        }
    }

    /// Returns the number of distinct policies pooled.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.by_hash.values().map(Vec::len).sum()
    }
}

fn hash_of(policy: &BookingPolicy) -> u64 {
    let mut hasher = FxHasher::default();
    policy.hash(&mut hasher);
    hasher.finish()
}

/// Returns true if two policies are equal and serialise to the same text.
/// `Decimal` equality ignores the scale, so a quota of `10` hours equals one
/// of `10.0`, and sharing those would change what a snapshot writes.
/// `Money` always has two places.
fn identical(a: &BookingPolicy, b: &BookingPolicy) -> bool {
    a == b
        && a.quotas.iter().zip(&b.quotas).all(|(x, y)| match (x.limit, y.limit) {
            (QuotaLimit::Hours(x), QuotaLimit::Hours(y)) => x.scale() == y.scale(),
            _ => true,
        })
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::booking::policy::{Quota, QuotaPeriod, QuotaScope};

    fn with_hours(hours: Decimal) -> BookingPolicy {
        let quota = Quota { scope: QuotaScope::User, period: QuotaPeriod::Month, limit: QuotaLimit::Hours(hours) };
        BookingPolicy { quotas: vec![quota], ..BookingPolicy::default() }
    }

    #[test]
    fn pool_shares_equal_policies() {
        let mut pool = PolicyPool::default();
        let a = pool.share(&BookingPolicy::default());
        let b = pool.share(&BookingPolicy::default());
        let c = pool.share(&BookingPolicy { stations: 2, ..BookingPolicy::default() });
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(pool.len(), 2);
    }

    #[test]
    fn pool_keeps_decimal_scales_apart() {
        let mut pool = PolicyPool::default();
        let whole = pool.share(&with_hours(Decimal::new(10, 0)));
        let tenths = pool.share(&with_hours(Decimal::new(100, 1)));
        assert_eq!(*whole, *tenths);
        assert!(!Arc::ptr_eq(&whole, &tenths));
        assert_eq!(serde_json::to_value(&*tenths).unwrap()["quotas"][0]["limit"]["hours"], "10.0");
        assert_eq!(pool.len(), 2);
    }

    #[test]
    fn pool_drops_policy_after_last_release() {
        let mut pool = PolicyPool::default();
        let first = pool.share(&BookingPolicy::default());
        let second = pool.share(&BookingPolicy::default());
        pool.release(&first);
        assert_eq!(pool.len(), 1);
        pool.release(&second);
        assert_eq!(pool.len(), 0);
    }

    #[test]
    fn pool_ignores_clones_of_its_policies() {
        let mut pool = PolicyPool::default();
        let version = pool.share(&BookingPolicy::default());
        let copy = pool.clone();
        let other_owner = Arc::clone(&version);
        pool.release(&version);
        assert_eq!(pool.len(), 0);
        assert_eq!(copy.len(), 1);
        assert_eq!(*other_owner, BookingPolicy::default());
    }

    #[test]
    fn pool_adopts_loaded_copies() {
        let mut pool = PolicyPool::default();
        let pooled = pool.share(&BookingPolicy::default());
        let loaded = Arc::new(BookingPolicy::default());
        assert!(Arc::ptr_eq(&pool.adopt(loaded), &pooled));
        let other = Arc::new(BookingPolicy { max_people: 9, ..BookingPolicy::default() });
        assert!(Arc::ptr_eq(&pool.adopt(Arc::clone(&other)), &other));
        assert_eq!(pool.len(), 2);
    }
}
