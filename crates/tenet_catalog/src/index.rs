//! Finding records by name ignoring ASCII case, with one hash probe.
//!
//! The catalog's records are sorted for listing and for prefix ranges, but looking a name up by
//! binary search touches about ten records, each a cache miss in a catalog of 22,000 actions: the
//! lookups were the largest single cost of linting. A [`NameIndex`] beside a sorted list answers
//! the same question with one probe. Names are hashed by their ASCII-lowercased bytes with FxHash
//! (the names are short identifiers, and no adversary chooses the catalog's keys).

use std::hash::Hasher;

use hashbrown::HashTable;
use rustc_hash::FxHasher;

/// The names and positions of a list's records, hashed by name ignoring ASCII case. The names
/// are kept in the table so that a probe compares them without touching the records.
#[derive(Debug, Clone, Default)]
pub(crate) struct NameIndex(HashTable<(&'static str, usize)>);

impl NameIndex {
    /// An empty index, for the empty catalog.
    pub(crate) const EMPTY: NameIndex = NameIndex(HashTable::new());

    /// Indexes `records` by `name`. Of records whose names differ only in case (the generated
    /// catalog has none), the first is found.
    pub(crate) fn new<T>(records: &[T], name: impl Fn(&T) -> &'static str) -> Self {
        let mut table = HashTable::with_capacity(records.len());
        for (i, record) in records.iter().enumerate() {
            let key = name(record);
            let hash = hash_ci(key);
            if table
                .find(hash, |&(n, _): &(&str, usize)| n.eq_ignore_ascii_case(key))
                .is_none()
            {
                table.insert_unique(hash, (key, i), |&(n, _)| hash_ci(n));
            }
        }
        NameIndex(table)
    }

    /// The record of `records` (the list this index was built from) named `key`, ignoring ASCII
    /// case.
    pub(crate) fn get<'r, T>(&self, records: &'r [T], key: &str) -> Option<&'r T> {
        let &(_, i) = self.0.find(hash_ci(key), |&(n, _)| n.eq_ignore_ascii_case(key))?;
        records.get(i)
    }
}

/// FxHash of the ASCII-lowercased bytes of `s`, eight at a time.
fn hash_ci(s: &str) -> u64 {
    let mut hasher = FxHasher::default();
    for chunk in s.as_bytes().chunks(8) {
        let mut word = [0u8; 8];
        for (w, b) in word.iter_mut().zip(chunk) {
            *w = b.to_ascii_lowercase();
        }
        hasher.write_u64(u64::from_le_bytes(word));
    }
    hasher.write_usize(s.len());
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names_ignoring_case() {
        let names = ["GetObject", "PutObject", "GetObjectAcl", "ListBucketVersions"];
        let index = NameIndex::new(&names, |n| *n);
        assert_eq!(index.get(&names, "getobject"), Some(&"GetObject"));
        assert_eq!(index.get(&names, "LISTBUCKETVERSIONS"), Some(&"ListBucketVersions"));
        assert_eq!(index.get(&names, "GetObjectAc"), None);
        assert_eq!(NameIndex::EMPTY.get(&names, "GetObject"), None);
    }

    #[test]
    fn the_first_of_names_equal_ignoring_case_wins() {
        let names = ["a", "A"];
        let index = NameIndex::new(&names, |n| *n);
        assert_eq!(index.get(&names, "A"), Some(&"a"));
    }
}
