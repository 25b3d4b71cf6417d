//! Patterns: `*`/`?` wildcards, ARN wildcards with their readings, policy variables, and the
//! `Action`/`Resource` elements of a statement.
use super::*;

impl Encoder {
    /// `t` matches the case-sensitive wildcard `pattern` (no variables).
    pub fn wildcard(pattern: &str, t: Term) -> Formula {
        let stars = pattern.matches('*').count();
        if !pattern.contains('?') {
            if stars == 0 {
                return eq(t, Term::str(pattern));
            }
            if pattern == "*" {
                return TRUE;
            }
            if stars == 1 {
                let (p, s) = pattern.split_once('*').unwrap_or((pattern, ""));
                let min = (p.chars().count() + s.chars().count()) as i64;
                let len_ok = if p.is_empty() || s.is_empty() {
                    TRUE
                } else {
                    le(Term::Int(min), Term::len(t.clone()))
                };
                return and([str_prefix(p, t.clone()), str_suffix(s, t), len_ok]);
            }
        }
        in_re(t, glob_regex(pattern, false))
    }

    /// `t` matches the `Resource` pattern `pattern` (no variables) in a reading of the ARN wildcard
    /// rules of [`tenet_ast::eval::arn_pattern_match_in`].
    pub fn arn_wildcard_resource(pattern: &str, reading: ArnReading, t: Term) -> Formula {
        let crossings = arn_star_crossings(pattern, reading);
        let crossing_only =
            !pattern.contains('?') && pattern.chars().zip(&crossings).all(|(c, cross)| c != '*' || *cross);
        if crossing_only {
            // Every `*` may match `:`: plain glob matching.
            return Self::wildcard(pattern, t);
        }
        let no_colon = Regex::Union(vec![
            Regex::Range('\0', '9'),
            Regex::Range(';', char::from_u32(MAX_CHAR).unwrap_or('\u{ffff}')),
        ]);
        let mut parts = Vec::new();
        let mut lit = String::new();
        for (c, cross) in pattern.chars().zip(crossings) {
            if !matches!(c, '*' | '?') {
                lit.push(c);
                continue;
            }
            if !lit.is_empty() {
                parts.push(Regex::Lit(std::mem::take(&mut lit)));
            }
            parts.push(match c {
                '*' if cross => Regex::All,
                '*' => Regex::Star(Box::new(no_colon.clone())),
                _ if reading.question_matches_colon => Regex::AnyChar,
                _ => no_colon.clone(),
            });
        }
        if !lit.is_empty() {
            parts.push(Regex::Lit(lit));
        }
        in_re(t, Regex::Concat(parts))
    }

    /// `t` matches `pattern` with the `Arn*` operators' rules (component by component).
    pub(super) fn arn_wildcard(pattern: &str, t: Term) -> Formula {
        if pattern.split(':').count() < 6 {
            return Self::wildcard(pattern, t);
        }
        let parts: Vec<&str> = pattern.splitn(6, ':').collect();
        if parts.iter().take(5).all(|p| !has_wildcard(p)) {
            // The first five components are literal: only the resource component has wildcards,
            // and they may match `:` there, so the plain glob of the whole pattern is the same.
            return Self::wildcard(pattern, t);
        }
        let mut re = Vec::new();
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                re.push(Regex::Lit(":".into()));
            }
            re.push(glob_regex(p, i < 5));
        }
        // INVARIANT: the text needs six components; the first five contain no `:` (the regexes
        // exclude it), the last runs to the end.
        in_re(t, Regex::Concat(re))
    }

    /// A string from policy text with variables substituted, as (term, resolvable) alternatives:
    /// `Ok(None)` when it has no variables, `Err` when it is not modelled.
    pub(super) fn resolve(&mut self, s: &str) -> Result<Option<Alternatives>, String> {
        if !s.contains("${") {
            return Ok(None);
        }
        // Each variable: present (its value) or absent (its default, or unresolvable).
        let pieces = scan_variables(s);
        let mut alts: Vec<(Formula, Vec<Seg>)> = vec![(TRUE, Vec::new())];
        for piece in pieces {
            match piece {
                Piece::Text(t) => alts
                    .iter_mut()
                    .for_each(|(_, segs)| segs.push(Seg::Pattern(t.to_string()))),
                Piece::Literal(c) => alts.iter_mut().for_each(|(_, segs)| segs.push(Seg::Lit(c.to_string()))),
                Piece::Invalid => return Ok(Some(Vec::new())),
                Piece::Var { key, default } => {
                    let Some(k) = self.keys.get(&key.to_lowercase()) else {
                        return Err(format!("variable `${{{key}}}`"));
                    };
                    if k.multi || k.mixed || k.ty != KeyType::Str {
                        return Err(format!("variable `${{{key}}}` of a multi-valued or non-string key"));
                    }
                    let present = bool_var(format!("k.{}.present", key.to_lowercase()));
                    let value = Term::str_var(format!("k.{}.0", key.to_lowercase()));
                    let mut next = Vec::new();
                    for (cond, segs) in alts {
                        let mut with = segs.clone();
                        with.push(Seg::Term(value.clone()));
                        next.push((and([cond.clone(), present.clone()]), with));
                        if let Some(d) = default {
                            let mut without = segs;
                            without.push(Seg::Lit(d.replace("''", "'")));
                            next.push((and([cond, not(present.clone())]), without));
                        }
                    }
                    alts = next;
                }
            }
        }
        Ok(Some(alts))
    }

    /// `t` matches the policy pattern `pattern` (wildcards, and variables when `substitute`).
    pub fn pattern(&mut self, pattern: &str, substitute: bool, t: Term) -> Formula {
        if !substitute {
            return Self::wildcard(pattern, t);
        }
        match self.resolve(pattern) {
            Ok(None) => Self::wildcard(pattern, t),
            Ok(Some(alts)) => {
                let mut out = Vec::new();
                for (cond, segs) in alts {
                    match segs_match(&segs, t.clone()) {
                        Some(f) => out.push(and([cond, f])),
                        None => return self.fresh_bool(format!("pattern `{pattern}` mixes variables and wildcards")),
                    }
                }
                or(out)
            }
            Err(what) => self.fresh_bool(format!("{what} in `{pattern}` is not modelled")),
        }
    }

    /// The text of a policy value after substitution, as alternatives of (condition, term).
    pub(super) fn text(&mut self, s: &str, substitute: bool) -> Result<Vec<(Formula, Term)>, String> {
        if !substitute {
            return Ok(vec![(TRUE, Term::str(s))]);
        }
        match self.resolve(s)? {
            None => Ok(vec![(TRUE, Term::str(s))]),
            Some(alts) => Ok(alts
                .into_iter()
                .map(|(c, segs)| {
                    let terms = segs
                        .into_iter()
                        .map(|s| match s {
                            Seg::Pattern(p) | Seg::Lit(p) => Term::Str(p),
                            Seg::Term(t) => t,
                        })
                        .collect();
                    (c, Term::concat(terms))
                })
                .collect()),
        }
    }

    /// `Action`/`NotAction` against the action variable.
    pub fn action(&mut self, list: &ElementList) -> Formula {
        let mut any = Vec::new();
        for p in &list.items {
            any.push(self.action_pattern(&p.value));
        }
        let f = or(any);
        if list.negated.value {
            not(f)
        } else {
            f
        }
    }

    /// `Resource`/`NotResource` against the resource variable.
    pub fn resource(&mut self, list: &ElementList, substitute: bool) -> Formula {
        let any: Vec<Formula> = list
            .items
            .iter()
            .map(|p| {
                if substitute && p.value.contains("${") {
                    // INVARIANT: `segs_match` models only exact text and one trailing `*` (which
                    // crosses colons, as in `arn_pattern_match`); anything else is a fresh boolean.
                    self.pattern(&p.value, substitute, Term::str_var(RESOURCE))
                } else {
                    self.resource_match(&p.value, true)
                }
            })
            .collect();
        let f = or(any);
        if list.negated.value {
            not(f)
        } else {
            f
        }
    }

    /// Action, resource and conditions of a statement (the principal is per candidate).
    pub fn statement_body(&mut self, stmt: &Statement, policy: &Policy) -> Formula {
        let Some(action) = &stmt.action else { return FALSE };
        let substitute = policy.substitutes_variables();
        let mut fs = vec![self.action(&action.value)];
        if let Some(r) = &stmt.resource {
            fs.push(self.resource(&r.value, substitute));
        }
        for c in stmt.conditions() {
            fs.push(self.condition(c, substitute));
        }
        and(fs)
    }
}

/// A regex for a `*`/`?` glob; with `component`, wildcards do not match `:`.
pub(super) fn glob_regex(pattern: &str, component: bool) -> Regex {
    let any = if component {
        Regex::Union(vec![
            Regex::Range('\0', '9'),
            Regex::Range(';', char::from_u32(MAX_CHAR).unwrap_or('\u{ffff}')),
        ])
    } else {
        Regex::AnyChar
    };
    let mut parts = Vec::new();
    let mut lit = String::new();
    for c in pattern.chars() {
        match c {
            '*' | '?' => {
                if !lit.is_empty() {
                    parts.push(Regex::Lit(std::mem::take(&mut lit)));
                }
                parts.push(if c == '*' {
                    if component {
                        Regex::Star(Box::new(any.clone()))
                    } else {
                        Regex::All
                    }
                } else {
                    any.clone()
                });
            }
            c => lit.push(c),
        }
    }
    if !lit.is_empty() {
        parts.push(Regex::Lit(lit));
    }
    if parts.is_empty() {
        return Regex::Lit(String::new());
    }
    Regex::Concat(parts)
}

/// A regex of the ASCII text `s` ignoring case, with the evaluator's Unicode folding for `k`
/// (the Kelvin sign lowercases to `k`).
pub(super) fn case_insensitive_regex(s: &str) -> Regex {
    let parts = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                let mut alts = vec![
                    Regex::Lit(c.to_ascii_lowercase().to_string()),
                    Regex::Lit(c.to_ascii_uppercase().to_string()),
                ];
                if c.eq_ignore_ascii_case(&'k') {
                    alts.push(Regex::Lit("\u{212a}".into()));
                }
                Regex::Union(alts)
            } else {
                Regex::Lit(c.to_string())
            }
        })
        .collect::<Vec<_>>();
    if parts.is_empty() {
        Regex::Lit(String::new())
    } else {
        Regex::Concat(parts)
    }
}

/// Alternatives of a substituted string: under each condition, its segments.
pub(super) type Alternatives = Vec<(Formula, Vec<Seg>)>;

/// A segment of a substituted string.
#[derive(Clone, Debug)]
pub(super) enum Seg {
    /// Policy text: wildcards active.
    Pattern(String),
    /// Literal text.
    Lit(String),
    /// A variable's value.
    Term(Term),
}

/// Matches segments against `t` when the shape is modelled exactly: no wildcard at all (equality
/// with the concatenation) or one trailing `*` (prefix).
pub(super) fn segs_match(segs: &[Seg], t: Term) -> Option<Formula> {
    let mut terms = Vec::new();
    let mut trailing_star = false;
    for (i, s) in segs.iter().enumerate() {
        match s {
            Seg::Pattern(p) => {
                let last = i + 1 == segs.len();
                let body = if last {
                    p.strip_suffix('*').map(|b| (b, true)).unwrap_or((p, false))
                } else {
                    (p.as_str(), false)
                };
                if has_wildcard(body.0) {
                    return None;
                }
                trailing_star = body.1;
                terms.push(Term::str(body.0));
            }
            Seg::Lit(l) => terms.push(Term::str(l)),
            Seg::Term(v) => terms.push(v.clone()),
        }
    }
    let whole = Term::concat(terms);
    Some(if trailing_star {
        str_prefix_term(whole, t)
    } else {
        eq(t, whole)
    })
}
