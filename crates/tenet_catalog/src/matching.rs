//! The small matchers the catalog needs besides the action wildcards (module `wildcard`):
//! templated condition-key names and ARN patterns against policy ARNs.
//!
//! They are pure functions over bytes with no allocation on the hot path (the ARN matcher
//! allocates two short token vectors); the catalog's lookups call them.

use std::cmp::Ordering;

/// Compares two strings by their ASCII-lowercased bytes, the order the catalog file is sorted
/// in (the generator sorts by Python's `str.lower()`, which agrees for ASCII names).
pub(crate) fn cmp_ci(a: &str, b: &str) -> Ordering {
    // A plain loop: every lookup's binary search runs it, and the iterator-adapter form was a
    // visible share of lint time.
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

/// Whether a name is a template: it holds a `${Name}` or `<name>` placeholder.
pub(crate) fn is_template(name: &str) -> bool {
    name.contains("${") || name.contains('<')
}

/// Matches a concrete condition key against a templated catalog name such as
/// `aws:PrincipalTag/${TagKey}` or `s3:ExistingObjectTag/<key>`: literal text compares
/// ignoring ASCII case, each placeholder stands for one or more characters of any kind.
pub(crate) fn template_match_ci(template: &str, key: &str) -> bool {
    match_template(template, key.as_bytes())
}

/// [`template_match_ci`] on the key's bytes, one placeholder at a time. It runs for every
/// templated key of the catalog when a key is not found by name, so it does not allocate, and it
/// compares the literal text while looking for the placeholder: most templates differ from the
/// key in their first characters.
fn match_template(template: &str, key: &[u8]) -> bool {
    let t = template.as_bytes();
    let mut i = 0;
    let close = loop {
        match t.get(i) {
            None => return i == key.len(),
            Some(b'<') => break b'>',
            Some(b'$') if t.get(i + 1) == Some(&b'{') => break b'}',
            Some(c) if key.get(i).is_some_and(|k| k.eq_ignore_ascii_case(c)) => i += 1,
            Some(_) => return false,
        }
    };
    // The loop stopped at a placeholder, so `i` is within the template; the key may be shorter.
    let (t_rest, key) = (t.get(i..).unwrap_or_default(), key.get(i..).unwrap_or_default());
    let Some(len) = t_rest.iter().position(|&b| b == close) else {
        // An unclosed placeholder is literal text.
        return key.eq_ignore_ascii_case(t_rest);
    };
    let rest = template.get(i + len + 1..).unwrap_or_default();
    // One or more characters; templates hold at most a few placeholders, so plain
    // backtracking is cheap.
    (1..=key.len()).any(|n| match_template(rest, key.get(n..).unwrap_or_default()))
}

/// Which characters the trailing variable of an ARN pattern may not contain, as a bit set
/// of [`TAIL_NO_SLASH`] and [`TAIL_NO_COLON`]. The catalog computes it from the sibling
/// resource types of the same service (see [`crate::ResourceType::matches_arn`]).
pub(crate) type TailExcludes = u8;
/// The trailing variable never contains `/`.
pub(crate) const TAIL_NO_SLASH: TailExcludes = 1;
/// The trailing variable never contains `:`.
pub(crate) const TAIL_NO_COLON: TailExcludes = 2;

/// Computes, for every ARN pattern of one service, which separators its trailing variable
/// excludes: `/` when another pattern of the service extends it with `/` (S3 `bucket` and
/// `object`, DynamoDB `table` and `index`), `:` when one extends it with `:` (Lambda
/// `function` and its qualified forms). `patterns` lists every pattern of the service.
pub(crate) fn tail_excludes(pattern: &str, patterns: &[&str]) -> TailExcludes {
    if !pattern.ends_with('}') {
        return 0;
    }
    let mut excludes = 0;
    for other in patterns {
        if let Some(rest) = other.strip_prefix(pattern) {
            if rest.starts_with('/') && rest.len() > 1 {
                excludes |= TAIL_NO_SLASH;
            } else if rest.starts_with(':') && rest.len() > 1 {
                excludes |= TAIL_NO_COLON;
            }
        }
    }
    excludes
}

/// One element of a catalog ARN pattern.
#[derive(Clone, Copy)]
enum PatternTok {
    Literal(u8),
    /// A `${Name}` variable: one or more characters, none of them `excluded` (up to two).
    Var {
        excluded: [Option<u8>; 2],
    },
}

/// One element of an ARN written in a policy.
#[derive(Clone, Copy)]
enum PolicyTok {
    Literal(u8),
    /// `?`: exactly one character.
    One,
    /// `*` or a policy variable: any run of characters.
    Any,
}

fn pattern_tokens(pattern: &str, tail: TailExcludes) -> Vec<PatternTok> {
    let bytes = pattern.as_bytes();
    let mut toks = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte == b'$' && bytes.get(i + 1) == Some(&b'{') {
            if let Some(close) = bytes.get(i..).and_then(|rest| rest.iter().position(|&b| b == b'}')) {
                i += close + 1;
                // A variable never contains the separator that follows it (`${Region}:`,
                // `${BucketName}/`); a trailing one excludes what its siblings say.
                let excluded = match bytes.get(i) {
                    Some(&next) if next != b'$' => [Some(next), None],
                    Some(_) => [None, None],
                    None => [
                        (tail & TAIL_NO_SLASH != 0).then_some(b'/'),
                        (tail & TAIL_NO_COLON != 0).then_some(b':'),
                    ],
                };
                toks.push(PatternTok::Var { excluded });
                continue;
            }
        }
        toks.push(PatternTok::Literal(byte));
        i += 1;
    }
    toks
}

fn policy_tokens(arn: &str) -> Vec<PolicyTok> {
    let bytes = arn.as_bytes();
    let mut toks = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'*' => toks.push(PolicyTok::Any),
            b'?' => toks.push(PolicyTok::One),
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                if let Some(close) = bytes.get(i..).and_then(|rest| rest.iter().position(|&b| b == b'}')) {
                    // `${*}`, `${?}` and `${$}` are the escapes for the literal characters;
                    // any other policy variable is replaced at request time by text we do
                    // not know, so it may stand for anything.
                    match bytes.get(i + 2..i + close) {
                        Some(b"*") => toks.push(PolicyTok::Literal(b'*')),
                        Some(b"?") => toks.push(PolicyTok::Literal(b'?')),
                        Some(b"$") => toks.push(PolicyTok::Literal(b'$')),
                        _ => toks.push(PolicyTok::Any),
                    }
                    i += close + 1;
                    continue;
                }
                toks.push(PolicyTok::Literal(b'$'));
            }
            c => toks.push(PolicyTok::Literal(c)),
        }
        i += 1;
    }
    toks
}

/// Whether some concrete ARN is matched both by the catalog `pattern` and by the policy ARN
/// `policy_arn` (see [`crate::ResourceType::matches_arn`] for the exact rules).
///
/// This is the emptiness test of the intersection of two regular languages, done as a search
/// over pairs of positions; both sides are short, so the search is small.
pub(crate) fn arn_pattern_intersects(pattern: &str, tail: TailExcludes, policy_arn: &str) -> bool {
    let p = pattern_tokens(pattern, tail);
    let q = policy_tokens(policy_arn);
    let (m, n) = (p.len(), q.len());
    // State (i, j, k): i tokens of the policy ARN and j tokens of the pattern consumed;
    // k = 1 when the variable at j has already consumed at least one character.
    let index = |i: usize, j: usize, k: usize| (i * (m + 1) + j) * 2 + k;
    let mut seen = vec![false; (n + 1) * (m + 1) * 2];
    let mut stack = vec![(0usize, 0usize, 0usize)];
    while let Some((i, j, k)) = stack.pop() {
        match seen.get_mut(index(i, j, k)) {
            Some(seen) if !*seen => *seen = true,
            _ => continue,
        }
        if i == n && j == m {
            return true;
        }
        let qt = q.get(i).copied();
        let pt = p.get(j).copied();
        // Moves that consume nothing.
        if let Some(PolicyTok::Any) = qt {
            stack.push((i + 1, j, k));
        }
        if let (Some(PatternTok::Var { .. }), 1) = (pt, k) {
            stack.push((i, j + 1, 0));
        }
        // Moves that consume one character on both sides, when one character can satisfy both.
        let (Some(qt), Some(pt)) = (qt, pt) else {
            continue;
        };
        let compatible = match (qt, pt) {
            (PolicyTok::Literal(a), PatternTok::Literal(b)) => a == b,
            (PolicyTok::Literal(a), PatternTok::Var { excluded }) => !excluded.contains(&Some(a)),
            (PolicyTok::One | PolicyTok::Any, _) => true,
        };
        if !compatible {
            continue;
        }
        let next_i = if let PolicyTok::Any = qt { i } else { i + 1 };
        let (next_j, next_k) = match pt {
            PatternTok::Literal(_) => (j + 1, 0),
            PatternTok::Var { .. } => (j, 1),
        };
        stack.push((next_i, next_j, next_k));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        assert!(template_match_ci("aws:PrincipalTag/${TagKey}", "aws:principaltag/team"));
        assert!(!template_match_ci("aws:PrincipalTag/${TagKey}", "aws:PrincipalTag/"));
        assert!(template_match_ci(
            "s3:ExistingObjectTag/<key>",
            "s3:ExistingObjectTag/a/b"
        ));
        assert!(template_match_ci(
            "codebuild:fileSystemLocations/${identifier}.location",
            "codebuild:filesystemlocations/x.location"
        ));
        assert!(template_match_ci(
            "agent.${Domain}.buildkite.dev:build_branch",
            "agent.acme.buildkite.dev:build_branch"
        ));
        // Text without a closed placeholder compares as literal text.
        assert!(template_match_ci("a:b", "A:B"));
        assert!(!template_match_ci("a:b", "a:bc"));
        assert!(template_match_ci("a:${x", "A:${X"));
        assert!(!template_match_ci("a:${x", "a:yz"));
        assert!(template_match_ci("<k>:x", "abc:x"));
        assert!(!template_match_ci("<k>:x", ":x"));
    }

    #[test]
    fn arns() {
        let object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
        let bucket = "arn:${Partition}:s3:::${BucketName}";
        let s3 = [object, bucket];
        let m = |pattern: &str, arn: &str| arn_pattern_intersects(pattern, tail_excludes(pattern, &s3), arn);
        assert_eq!(tail_excludes(bucket, &s3), TAIL_NO_SLASH);
        assert_eq!(tail_excludes(object, &s3), 0);
        assert!(m(object, "arn:aws:s3:::bucket/key"));
        assert!(m(object, "arn:aws:s3:::bucket/a:b/c"));
        assert!(m(object, "arn:aws:s3:::bucket/*"));
        assert!(m(object, "*"));
        assert!(m(object, "arn:aws:s3:::*"));
        assert!(!m(object, "arn:aws:s3:::bucket"));
        assert!(!m(object, "arn:aws:s3:::bucket/"));
        assert!(m(bucket, "arn:aws:s3:::bucket"));
        assert!(m(bucket, "arn:aws:s3:::*"));
        assert!(!m(bucket, "arn:aws:s3:::bucket/key"));
        assert!(!m(bucket, "arn:aws:iam::123456789012:role/x"));
        assert!(m(object, "arn:aws:s3:::bucket/home/${aws:username}/*"));
        assert!(m(object, "arn*aws:s3:::b/k"));
        assert!(!m(object, "arn${*}aws:s3:::b/k"));
        let role = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";
        assert!(m(role, "arn:aws:iam::123456789012:role/a/b"));
        assert!(m(role, "arn:aws:iam::*:role/*"));
        assert!(!m(role, "arn:aws:iam::123456789012:user/a"));
        assert!(!m(role, "arn:aws:iam:us-east-1:123456789012:role/a"));
        // A variable never spans the separator that follows it.
        let key = "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}";
        assert!(!m(key, "arn:aws:kms:us-east-1:x:y:123:key/k"));
        assert!(m(key, "arn:aws:kms:?s-east-1:123:key/k"));
        let function = "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}";
        let alias = "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}:${Alias}";
        assert_eq!(tail_excludes(function, &[function, alias]), TAIL_NO_COLON);
    }
}
