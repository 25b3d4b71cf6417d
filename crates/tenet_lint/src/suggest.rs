//! "Did you mean": the nearest known word to a misspelled one, for configuration selectors and
//! scenario keys.

/// The candidate closest to `word` by edit distance (case-insensitive), if it is close enough to be
/// a likely misspelling: at most a third of the word's length, and at least 1 edit, away.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (distance(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, c.len()))
        .map(|(_, c)| c)
}

/// Levenshtein distance between `a` and `b`, in characters (the grammar's one implementation).
pub use tenet_syntax::grammar::suggest::levenshtein as distance;

/// `: did you mean `x`?` when a close candidate exists, else nothing.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(word, candidates).map_or_else(String::new, |c| format!(": did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_near_misses_only() {
        let words = ["serviceControlPolicies", "resourceControlPolicies", "identityPolicies"];
        assert_eq!(closest("serviceControlPolicys", words), Some("serviceControlPolicies"));
        assert_eq!(closest("servicecontrolpolicies", words), Some("serviceControlPolicies"));
        assert_eq!(closest("request", words), None);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
