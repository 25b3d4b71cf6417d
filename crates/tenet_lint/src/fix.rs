//! Applying fixes: the edits of a file's findings spliced into its text ([`apply_fixes`]), and the
//! loop that re-checks the fixed text until no fix is left ([`fix_until_stable`]), since one fix can
//! reveal another. `tenet lint --fix`, the editor and the fix harness (`tests/fix_harness`) share
//! both, so what the harness proves of a fix is what `--fix` does.

use tenet_diagnostics::{Diagnostic, Edit};

/// Applies the fixes of `diagnostics` whose edits do not overlap an earlier fix's (only safe ones
/// unless `unsafe_ok`), returning the new text and how many fixes were applied. A fix with an edit
/// outside `text` or off a character boundary is skipped.
pub fn apply_fixes(text: &str, diagnostics: &[Diagnostic], unsafe_ok: bool) -> (String, usize) {
    let mut chosen: Vec<&Edit> = Vec::new();
    let mut count = 0;
    for fix in diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .filter(|f| f.safe || unsafe_ok)
    {
        // An insertion (an empty span) counts as one byte wide, so two insertions at one point clash.
        let overlaps = fix.edits.iter().any(|e| {
            chosen.iter().any(|c| {
                e.span.start < c.span.end.max(c.span.start + 1) && c.span.start < e.span.end.max(e.span.start + 1)
            })
        });
        let in_bounds = fix.edits.iter().all(|e| {
            e.span.start <= e.span.end
                && text.is_char_boundary(e.span.start as usize)
                && text.is_char_boundary(e.span.end as usize)
        });
        let self_overlapping = fix.edits.iter().enumerate().any(|(i, e)| {
            fix.edits.iter().skip(i + 1).any(|o| {
                e.span.start < o.span.end.max(o.span.start + 1) && o.span.start < e.span.end.max(e.span.start + 1)
            })
        });
        if overlaps || !in_bounds || self_overlapping || fix.edits.is_empty() {
            continue;
        }
        chosen.extend(fix.edits.iter());
        count += 1;
    }
    chosen.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0usize;
    for e in chosen {
        out.push_str(text.get(at..e.span.start as usize).unwrap_or_default());
        out.push_str(&e.replacement);
        at = e.span.end as usize;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    (out, count)
}

/// What [`fix_until_stable`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fixed {
    /// The text after the last round.
    pub text: String,
    /// How many fixes were applied, over all rounds.
    pub applied: usize,
    /// How many rounds applied at least one fix.
    pub rounds: usize,
    /// The findings of the last check that still carry an applicable fix: empty when the text
    /// reached a fixpoint within the rounds allowed.
    pub remaining: Vec<Diagnostic>,
}

impl Fixed {
    /// Whether fixing reached a fixpoint: the last check offered no fix that applies.
    pub fn converged(&self) -> bool {
        self.remaining.is_empty()
    }
}

/// Fixes `text` round by round: applies the fixes of `diagnostics` (the findings of `text`), checks
/// the result with `check`, and repeats with the new findings, at most `max_rounds` times. Stops
/// early at a fixpoint (no fix applies); [`Fixed::remaining`] says whether one was reached.
pub fn fix_until_stable<E>(
    text: &str,
    diagnostics: Vec<Diagnostic>,
    unsafe_ok: bool,
    max_rounds: usize,
    mut check: impl FnMut(&str) -> Result<Vec<Diagnostic>, E>,
) -> Result<Fixed, E> {
    let mut out = Fixed {
        text: text.to_owned(),
        applied: 0,
        rounds: 0,
        remaining: Vec::new(),
    };
    let mut diagnostics = diagnostics;
    loop {
        let (next, n) = apply_fixes(&out.text, &diagnostics, unsafe_ok);
        if n == 0 {
            return Ok(out);
        }
        if out.rounds == max_rounds {
            diagnostics.retain(|d| d.fix.as_ref().is_some_and(|f| f.safe || unsafe_ok));
            out.remaining = diagnostics;
            return Ok(out);
        }
        out.applied += n;
        out.rounds += 1;
        out.text = next;
        diagnostics = check(&out.text)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tenet_diagnostics::{Severity, Span};

    fn fix_at(start: usize, end: usize, replacement: &str) -> Diagnostic {
        Diagnostic::new("X", "x", Severity::Error, Span::new(start, end), "m").with_fix(
            "f",
            vec![Edit {
                span: Span::new(start, end),
                replacement: replacement.into(),
            }],
        )
    }

    #[test]
    fn overlapping_fixes_apply_once() {
        let (out, n) = apply_fixes(
            "abcdef",
            &[fix_at(1, 3, "X"), fix_at(2, 4, "Y"), fix_at(5, 6, "Z")],
            false,
        );
        assert_eq!((out.as_str(), n), ("aXdeZ", 2));
    }

    #[test]
    fn insertions_at_the_same_point_do_not_both_apply() {
        let (out, n) = apply_fixes("{}", &[fix_at(1, 1, "a"), fix_at(1, 1, "b")], false);
        assert_eq!((out.as_str(), n), ("{a}", 1));
    }

    #[test]
    fn out_of_bounds_and_unsafe_fixes_are_skipped() {
        let (out, n) = apply_fixes("ab", &[fix_at(1, 9, "X")], false);
        assert_eq!((out.as_str(), n), ("ab", 0));
        let unsafe_fix = Diagnostic::new("X", "x", Severity::Error, Span::new(0, 1), "m").with_unsafe_fix(
            "f",
            vec![Edit {
                span: Span::new(0, 1),
                replacement: "c".into(),
            }],
        );
        assert_eq!(apply_fixes("ab", std::slice::from_ref(&unsafe_fix), false).1, 0);
        assert_eq!(apply_fixes("ab", &[unsafe_fix], true).0, "cb");
    }

    #[test]
    fn a_fix_that_keeps_coming_back_does_not_converge() {
        // A "fix" that inserts `a` before every text: it never reaches a fixpoint.
        let check = |_: &str| Ok::<_, ()>(vec![fix_at(0, 0, "a")]);
        let fixed = fix_until_stable("x", vec![fix_at(0, 0, "a")], false, 3, check).unwrap();
        assert_eq!((fixed.text.as_str(), fixed.rounds), ("aaax", 3));
        assert!(!fixed.converged());
        // One that removes the `a` it fixes stops once the text is clean.
        let check = |t: &str| {
            Ok::<_, ()>(if t.starts_with('a') {
                vec![fix_at(0, 1, "")]
            } else {
                vec![]
            })
        };
        let fixed = fix_until_stable("aax", vec![fix_at(0, 1, "")], false, 3, check).unwrap();
        assert_eq!((fixed.text.as_str(), fixed.applied, fixed.rounds), ("x", 2, 2));
        assert!(fixed.converged());
    }
}
