//! The IR as SMT-LIB 2 text: variables collected with their sorts, formulas and terms written, and
//! the quoting of symbols and string literals.

use super::*;
use std::fmt;

impl Formula {
    /// Adds the variables of the formula (with their sorts) to `vars`.
    pub fn collect_vars(&self, vars: &mut BTreeMap<String, Sort>) {
        match self {
            Formula::Const(_) => {}
            Formula::Var(n) => {
                vars.insert(n.clone(), Sort::Bool);
            }
            Formula::Not(f) => f.collect_vars(vars),
            Formula::And(fs) | Formula::Or(fs) => fs.iter().for_each(|f| f.collect_vars(vars)),
            Formula::Eq(x, y) | Formula::Le(x, y) => {
                x.collect_vars(vars);
                y.collect_vars(vars);
            }
            Formula::PrefixOf(_, t) | Formula::SuffixOf(_, t) | Formula::InRe(t, _) => t.collect_vars(vars),
            Formula::PrefixOfTerm(p, t) => {
                p.collect_vars(vars);
                t.collect_vars(vars);
            }
        }
    }

    pub(super) fn write_smt(&self, out: &mut String) {
        match self {
            Formula::Const(b) => out.push_str(if *b { "true" } else { "false" }),
            Formula::Var(n) => out.push_str(&smt_symbol(n)),
            Formula::Not(f) => {
                out.push_str("(not ");
                f.write_smt(out);
                out.push(')');
            }
            Formula::And(fs) | Formula::Or(fs) => {
                out.push_str(if matches!(self, Formula::And(_)) { "(and" } else { "(or" });
                for f in fs {
                    out.push(' ');
                    f.write_smt(out);
                }
                out.push(')');
            }
            Formula::Eq(x, y) => {
                out.push_str("(= ");
                x.write_smt(out);
                out.push(' ');
                y.write_smt(out);
                out.push(')');
            }
            Formula::Le(x, y) => {
                out.push_str("(<= ");
                x.write_smt(out);
                out.push(' ');
                y.write_smt(out);
                out.push(')');
            }
            Formula::PrefixOf(p, t) | Formula::SuffixOf(p, t) => {
                let op = if matches!(self, Formula::PrefixOf(..)) {
                    "str.prefixof"
                } else {
                    "str.suffixof"
                };
                let _ = write!(out, "({op} {} ", smt_string(p));
                t.write_smt(out);
                out.push(')');
            }
            Formula::PrefixOfTerm(p, t) => {
                out.push_str("(str.prefixof ");
                p.write_smt(out);
                out.push(' ');
                t.write_smt(out);
                out.push(')');
            }
            Formula::InRe(t, r) => {
                out.push_str("(str.in_re ");
                t.write_smt(out);
                out.push(' ');
                r.write_smt(out);
                out.push(')');
            }
        }
    }
}

impl Term {
    fn collect_vars(&self, vars: &mut BTreeMap<String, Sort>) {
        match self {
            Term::Var(n, s) => {
                vars.insert(n.clone(), *s);
            }
            Term::Extract(_, _, t) | Term::Len(t) => t.collect_vars(vars),
            Term::Concat(ts) => ts.iter().for_each(|t| t.collect_vars(vars)),
            Term::Str(_) | Term::Int(_) | Term::Bv(..) => {}
        }
    }

    pub(super) fn write_smt(&self, out: &mut String) {
        match self {
            Term::Var(n, _) => out.push_str(&smt_symbol(n)),
            Term::Str(s) => out.push_str(&smt_string(s)),
            Term::Int(i) if *i < 0 => {
                let _ = write!(out, "(- {})", i.unsigned_abs());
            }
            Term::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Term::Bv(v, w) => {
                let _ = write!(out, "(_ bv{v} {w})");
            }
            Term::Extract(hi, lo, t) => {
                let _ = write!(out, "((_ extract {hi} {lo}) ");
                t.write_smt(out);
                out.push(')');
            }
            Term::Len(t) => {
                out.push_str("(str.len ");
                t.write_smt(out);
                out.push(')');
            }
            Term::Concat(ts) => {
                out.push_str("(str.++");
                for t in ts {
                    out.push(' ');
                    t.write_smt(out);
                }
                out.push(')');
            }
        }
    }
}

impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        self.write_smt(&mut s);
        f.write_str(&s)
    }
}

/// A symbol, quoted with `|…|` unless it is a plain SMT-LIB simple symbol.
pub fn smt_symbol(name: &str) -> String {
    let simple = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "~!@$%^&*_-+=<>.?/".contains(c));
    if simple {
        name.to_string()
    } else {
        // INVARIANT: `|` and `\` cannot occur inside a quoted symbol; the encoder never names
        // variables with them, and this replacement keeps the output parseable regardless.
        format!("|{}|", name.replace(['|', '\\'], "_"))
    }
}

/// A string literal for Z3 4.8.12: `"` doubled, `\` and every character outside printable ASCII
/// written as a `\u{…}` escape.
pub fn smt_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\"\""),
            ' '..='~' if c != '\\' => out.push(c),
            _ => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// Decodes a string literal as Z3 prints it (`\u{…}`, `\uXXXX`, `\xNN`, `\\` escapes, doubled quotes),
/// without the surrounding quotes.
pub fn unescape_smt_string(body: &str) -> String {
    let chars: Vec<char> = body.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '"' && chars.get(i + 1) == Some(&'"') {
            out.push('"');
            i += 2;
            continue;
        }
        if c == '\\' {
            match chars.get(i + 1) {
                Some('u') if chars.get(i + 2) == Some(&'{') => {
                    let tail = chars.get(i + 3..).unwrap_or_default();
                    if let Some(end) = tail.iter().position(|&c| c == '}') {
                        let hex: String = tail.iter().take(end).collect();
                        if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                            out.push(ch);
                            i += 4 + end;
                            continue;
                        }
                    }
                }
                Some('u') if i + 6 <= chars.len() => {
                    let hex: String = chars.iter().skip(i + 2).take(4).collect();
                    if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        out.push(ch);
                        i += 6;
                        continue;
                    }
                }
                Some('x') if i + 4 <= chars.len() => {
                    let hex: String = chars.iter().skip(i + 2).take(2).collect();
                    if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        out.push(ch);
                        i += 4;
                        continue;
                    }
                }
                Some('\\') => {
                    out.push('\\');
                    i += 2;
                    continue;
                }
                _ => {}
            }
        }
        out.push(c);
        i += 1;
    }
    out
}
