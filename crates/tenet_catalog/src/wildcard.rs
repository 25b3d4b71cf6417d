//! The IAM wildcard matcher: `*` for any run of characters, `?` for exactly one. It is the only
//! glob matcher of tenet: the catalog expands action patterns with it, and the evaluator
//! (`tenet_ast::eval::wildcard_match`, re-exported from here) matches actions, resources and
//! condition values with it, so an action the linter finds in the catalog is one the evaluator
//! and the prover match too.
//!
//! It lives here rather than in `tenet_ast::semantics` because this crate depends on no other
//! tenet crate and the evaluator already sits above it.

/// Whether `text` matches `pattern`, where `*` matches any run of characters (also empty) and `?`
/// exactly one character. With `case_insensitive`, characters are compared by their lowercase
/// forms (see [`chars_match`]).
///
/// The matcher is the greedy two-pointer algorithm that backtracks only to the last `*`: it runs
/// in `O(|pattern| * |text|)` time at worst and linear time on ordinary patterns, never
/// exponential (`"*a*a*a*a*b"` against a long run of `a` returns quickly). It does not allocate
/// for ASCII inputs.
pub fn wildcard_match(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    if pattern == "*" {
        return true;
    }
    if pattern.is_ascii() && text.is_ascii() {
        let eq = |p: &u8, t: &u8| {
            if case_insensitive {
                p.eq_ignore_ascii_case(t)
            } else {
                p == t
            }
        };
        return glob_by(pattern.as_bytes(), text.as_bytes(), |p| *p == b'*', |p| *p == b'?', eq);
    }
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    glob_by(
        &pattern,
        &text,
        |p| *p == '*',
        |p| *p == '?',
        |p, t| chars_match(*p, *t, case_insensitive),
    )
}

/// Whether two characters are equal, or with `case_insensitive` have the same lowercase form
/// (`Ä` and `ä`; the Kelvin sign `K` and `k`).
pub fn chars_match(a: char, b: char, case_insensitive: bool) -> bool {
    a == b || (case_insensitive && (a.eq_ignore_ascii_case(&b) || a.to_lowercase().eq(b.to_lowercase())))
}

/// The glob algorithm of [`wildcard_match`] over any pattern and text elements: `is_star` and
/// `is_one` say which pattern elements are `*` and `?`, `eq` whether any other pattern element
/// matches a text element. The evaluator uses it for patterns whose characters come partly from
/// policy variables (and are then literal even when they are `*` or `?`).
pub fn glob_by<P, T>(
    pattern: &[P],
    text: &[T],
    is_star: impl Fn(&P) -> bool,
    is_one: impl Fn(&P) -> bool,
    eq: impl Fn(&P, &T) -> bool,
) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    // The position after the last `*` seen, and the text position it is currently matched up to.
    let mut star: Option<(usize, usize)> = None;
    while let Some(tc) = text.get(t) {
        match pattern.get(p) {
            Some(pc) if is_star(pc) => {
                star = Some((p + 1, t));
                p += 1;
            }
            Some(pc) if is_one(pc) || eq(pc, tc) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((after, matched)) => {
                    // Let the last `*` swallow one more element and retry from there.
                    p = after;
                    t = matched + 1;
                    star = Some((after, matched + 1));
                }
                None => return false,
            },
        }
    }
    // INVARIANT: `p` only moves past elements `pattern.get` returned, so the tail exists.
    pattern.get(p..).unwrap_or_default().iter().all(is_star)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions() {
        assert!(wildcard_match("s3:Get*", "s3:GetObject", true));
        assert!(wildcard_match("S3:GET*", "s3:getobject", true));
        assert!(!wildcard_match("S3:GET*", "s3:getobject", false));
        assert!(!wildcard_match("s3:Get*", "s3:PutObject", true));
        assert!(wildcard_match("*", "ec2:RunInstances", true));
        assert!(wildcard_match("*:Get*", "iam:GetRole", true));
        assert!(wildcard_match("s3:?etObject", "s3:GetObject", true));
        assert!(!wildcard_match("s3:?etObject", "s3:etObject", true));
        assert!(wildcard_match("s3:*Object*", "s3:GetObjectAcl", true));
        assert!(!wildcard_match("s3:GetObject", "s3:GetObjectAcl", true));
        assert!(wildcard_match("s3:**", "s3:", true));
    }

    #[test]
    fn characters_not_bytes() {
        // `?` is one character, however many bytes it takes.
        assert!(wildcard_match("s3:?", "s3:é", false));
        assert!(!wildcard_match("s3:??", "s3:é", false));
        assert!(wildcard_match("a?c", "a😀c", false));
        // Case folding beyond ASCII, only when asked for.
        assert!(wildcard_match("ÄB*", "äbc", true));
        assert!(!wildcard_match("ÄB*", "äbc", false));
        assert!(wildcard_match("\u{212A}ms:Decrypt", "kms:Decrypt", true));
        assert!(!wildcard_match("\u{212A}ms:Decrypt", "kms:Decrypt", false));
    }

    #[test]
    fn generic_elements() {
        // A `*` that is data, not a wildcard: only the first element of the pattern is a star.
        let pattern = [(true, '*'), (false, '*')];
        let star = |p: &(bool, char)| p.0 && p.1 == '*';
        let eq = |p: &(bool, char), t: &char| p.1 == *t;
        assert!(glob_by(&pattern, &['x', '*'], star, |_| false, eq));
        assert!(!glob_by(&pattern, &['x', 'y'], star, |_| false, eq));
    }
}
