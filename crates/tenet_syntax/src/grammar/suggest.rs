//! "Did you mean" suggestions by edit distance, for operator names here and element names in the
//! lowering.

/// The Levenshtein distance between `a` and `b`, counted in Unicode scalar values.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        let mut insertion = i + 1;
        current.push(insertion);
        // `pair` is (distance to b[..j], distance to b[..j + 1]) in the previous row.
        for (cb, pair) in b.iter().zip(previous.windows(2)) {
            let (substitution, deletion) = match pair {
                [diagonal, above] => (diagonal + usize::from(ca != *cb), above + 1),
                _ => (usize::MAX, usize::MAX),
            };
            insertion = substitution.min(deletion).min(insertion + 1);
            current.push(insertion);
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

/// Inputs longer than this get no suggestion: no name IAM knows is that long, and the distance
/// costs the product of the lengths.
pub const MAX_SUGGESTION_INPUT: usize = 128;

/// The candidate closest to `input`, compared case-insensitively, if it is close enough to be a
/// plausible typo: at most a third of the input's length away (and at least 1 edit is allowed).
/// Ties go to the earliest candidate.
pub fn did_you_mean<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (input.chars().count() / 3).max(1);
    closest_within(input, candidates, limit)
}

/// The candidate closest to `input` (ignoring case) at most `max_distance` edits away; ties go to
/// the earliest candidate. Candidates whose length alone rules them out are skipped.
pub fn closest_within<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    max_distance: usize,
) -> Option<&'a str> {
    if input.len() > MAX_SUGGESTION_INPUT {
        return None;
    }
    let needle = input.to_lowercase();
    let needle_len = needle.chars().count();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate.chars().count().abs_diff(needle_len) > max_distance {
            continue;
        }
        let distance = levenshtein(&needle, &candidate.to_lowercase());
        if distance <= max_distance && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(levenshtein("", ""), 0);
        assert_eq!(levenshtein("abc", ""), 3);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("é", "e"), 1);
    }

    #[test]
    fn suggests_the_nearest_close_candidate() {
        let names = ["StringEquals", "StringLike", "Null"];
        assert_eq!(did_you_mean("StringEqual", names), Some("StringEquals"));
        assert_eq!(did_you_mean("stringlikes", names), Some("StringLike"));
        assert_eq!(did_you_mean("Nul", names), Some("Null"));
        assert_eq!(did_you_mean("Principal", names), None);
    }
}
