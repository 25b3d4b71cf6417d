//! Order-preserving removal of duplicates in expected linear time, for the operands of one
//! conjunction or disjunction ([`crate::ir::and`], [`crate::ir::or`]).
//!
//! A policy of thousands of action patterns gives disjunctions of thousands of operands; looking
//! each new operand up with a linear scan made building them quadratic (seconds of work that no
//! time limit could interrupt). Small lists keep the scan (hashing a formula walks all of it); from
//! [`INDEXED_FROM`] items on, an index of hashes is kept and a hash hit is confirmed by equality.

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use std::hash::{BuildHasher, Hash};

/// The number of items from which the hash index is kept.
const INDEXED_FROM: usize = 16;

/// Items in first-seen order, without duplicates.
pub(crate) struct Distinct<T> {
    items: Vec<T>,
    /// `(hash, position in items)` of every item, once there are [`INDEXED_FROM`] of them.
    index: Option<HashTable<(u64, usize)>>,
}

impl<T: Hash + Eq> Distinct<T> {
    pub(crate) fn new() -> Distinct<T> {
        Distinct {
            items: Vec::new(),
            index: None,
        }
    }

    /// Adds `item` unless an equal one is already in; returns whether it was added.
    pub(crate) fn push(&mut self, item: T) -> bool {
        let Some(index) = &mut self.index else {
            if self.items.contains(&item) {
                return false;
            }
            self.items.push(item);
            if self.items.len() >= INDEXED_FROM {
                let mut index = HashTable::with_capacity(self.items.len() * 2);
                for (i, it) in self.items.iter().enumerate() {
                    let h = FxBuildHasher.hash_one(it);
                    index.insert_unique(h, (h, i), |&(h, _)| h);
                }
                self.index = Some(index);
            }
            return true;
        };
        let h = FxBuildHasher.hash_one(&item);
        let items = &self.items;
        if index
            .find(h, |&(eh, i)| eh == h && items.get(i) == Some(&item))
            .is_some()
        {
            return false;
        }
        index.insert_unique(h, (h, self.items.len()), |&(h, _)| h);
        self.items.push(item);
        true
    }

    /// The distinct items, in the order they were first pushed.
    pub(crate) fn into_vec(self) -> Vec<T> {
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_dropped_and_the_first_order_is_kept_below_and_above_the_index() {
        for n in [3usize, INDEXED_FROM - 1, INDEXED_FROM, 5000] {
            let mut d = Distinct::new();
            // Every value twice, the second time in reverse order, then the first half again.
            let values: Vec<usize> = (0..n).chain((0..n).rev()).chain(0..n / 2).collect();
            let added = values.iter().filter(|&&v| d.push(format!("v{v}"))).count();
            assert_eq!(added, n);
            let expected: Vec<String> = (0..n).map(|v| format!("v{v}")).collect();
            assert_eq!(d.into_vec(), expected);
        }
    }

    #[test]
    fn equal_hashes_of_different_items_are_both_kept() {
        // Items whose hashes collide are told apart by equality: here every item hashes alike.
        #[derive(Debug, PartialEq, Eq)]
        struct SameHash(u32);
        impl Hash for SameHash {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                0u8.hash(state);
            }
        }
        let mut d = Distinct::new();
        for i in 0..100 {
            assert!(d.push(SameHash(i)));
        }
        assert!(!d.push(SameHash(42)));
        assert_eq!(d.into_vec().len(), 100);
    }
}
