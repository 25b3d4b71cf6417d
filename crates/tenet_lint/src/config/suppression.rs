//! In-file suppressions: a `TenetIgnore` marker in a statement's `Sid` or the document's `Id` (see
//! the [configuration](super) documentation).

use tenet_ast::PolicyDocument;
use tenet_diagnostics::{Diagnostic, Severity, Span};

/// The codes a `TenetIgnore` marker in `text` suppresses: `None` without a marker, `Some(empty)` for
/// "every code".
pub fn suppression_marker(text: &str) -> Option<Vec<String>> {
    let lower = text.to_ascii_lowercase();
    // A marker must end where its text ends: `TenetIgnored` or `TenetIgnoreLegacy` is a word,
    // not a marker (it would otherwise suppress everything).
    let (start, len) = ["tenetignore", "tenet-ignore", "tenet_ignore", "tenet:ignore"]
        .iter()
        .flat_map(|m| lower.match_indices(m).map(|(i, _)| (i, m.len())))
        .filter(|&(i, len)| marker_ends(text.get(i + len..).unwrap_or_default()))
        .min()?;
    let mut rest = text.get(start + len..).unwrap_or_default();
    let mut codes = Vec::new();
    loop {
        rest = rest.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
        let Some((code, after)) = leading_code(rest) else {
            return Some(codes);
        };
        codes.push(code.to_owned());
        rest = after;
    }
}

/// A code (capitals then digits) at the start of `s`, and the text after it.
fn leading_code(s: &str) -> Option<(&str, &str)> {
    let after_letters = s.trim_start_matches(|c: char| c.is_ascii_uppercase());
    let after_digits = after_letters.trim_start_matches(|c: char| c.is_ascii_digit());
    if after_letters.len() == s.len() || after_digits.len() == after_letters.len() {
        return None;
    }
    s.split_at_checked(s.len() - after_digits.len())
}

/// Whether the text after a marker lets it stand: nothing, a separator, or a code (capitals then
/// digits).
fn marker_ends(rest: &str) -> bool {
    let Some(first) = rest.chars().next() else {
        return true;
    };
    if !first.is_ascii_alphanumeric() {
        return true;
    }
    let after_letters = rest.trim_start_matches(|c: char| c.is_ascii_uppercase());
    after_letters.len() < rest.len() && after_letters.starts_with(|c: char| c.is_ascii_digit())
}

/// Drops diagnostics suppressed by `Sid` markers (inside that statement) and `Id` markers (inside that
/// document).
pub(crate) fn apply_suppressions(diagnostics: &mut Vec<Diagnostic>, docs: &[PolicyDocument]) {
    // The bool says whether the scope is a whole document (an `Id` marker): those never hide
    // errors, which are what AWS rejects the policy for.
    let mut scopes: Vec<(Span, Vec<String>, bool)> = Vec::new();
    for doc in docs {
        if let Some(codes) = doc.policy.id.as_ref().and_then(|id| suppression_marker(&id.value)) {
            scopes.push((doc.span, codes, true));
        }
        for stmt in &doc.policy.statements {
            if let Some(codes) = stmt.sid.as_ref().and_then(|sid| suppression_marker(&sid.value)) {
                scopes.push((stmt.span, codes, false));
            }
        }
    }
    if scopes.is_empty() {
        return;
    }
    diagnostics.retain(|d| {
        !scopes.iter().any(|(span, codes, whole)| {
            span.start <= d.span.start
                && d.span.end <= span.end
                && !(*whole && d.severity == Severity::Error)
                && (codes.is_empty() || codes.iter().any(|c| c == d.code))
        })
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_list_codes() {
        assert_eq!(suppression_marker("AllowRead"), None);
        assert_eq!(suppression_marker("AllowReadTenetIgnore"), Some(vec![]));
        assert_eq!(
            suppression_marker("AllowReadTenetIgnoreIAM012IAM013"),
            Some(vec!["IAM012".to_owned(), "IAM013".to_owned()])
        );
        assert_eq!(
            suppression_marker("read tenet-ignore: IAM012, SYN101 legacy"),
            Some(vec!["IAM012".to_owned(), "SYN101".to_owned()])
        );
        assert_eq!(
            suppression_marker("xTENETIGNOREIAM001ForLegacy"),
            Some(vec!["IAM001".to_owned()])
        );
        assert_eq!(suppression_marker("TenetIgnoredLegacy"), None);
        assert_eq!(suppression_marker("TenetIgnoreLegacy"), None);
        assert_eq!(
            suppression_marker("TenetIgnoredTenetIgnoreIAM012"),
            Some(vec!["IAM012".to_owned()])
        );
    }
}
