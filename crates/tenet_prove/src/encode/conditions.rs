//! Conditions: one formula per condition operator family over the typed value slots of a key,
//! mirroring the evaluator's `condition_holds` (missing keys, `IfExists`, set qualifiers).

use super::patterns::case_insensitive_regex;
use super::*;
use tenet_ast::QualifiedOperator;

impl Encoder {
    pub(super) fn key_vars(&self, key: &str) -> Option<(String, KeyModel)> {
        let l = key.to_lowercase();
        self.keys.get(&l).map(|k| (l, k.clone()))
    }

    /// The key is present (and, for sets, non-empty when `nonempty`).
    pub fn present(&self, key: &str, nonempty: bool) -> Formula {
        let Some((l, k)) = self.key_vars(key) else { return FALSE };
        let p = bool_var(format!("k.{l}.present"));
        if k.multi && nonempty {
            and([p, le(Term::Int(1), Term::int_var(format!("k.{l}.n")))])
        } else {
            p
        }
    }

    /// Whether slot `i` holds a value (given presence).
    pub(super) fn active(&self, l: &str, k: &KeyModel, i: usize) -> Formula {
        if k.multi {
            lt(Term::Int(i as i64), Term::int_var(format!("k.{l}.n")))
        } else {
            TRUE
        }
    }

    /// One condition, mirroring the evaluator's `condition_holds`.
    pub fn condition(&mut self, cond: &Condition, substitute: bool) -> Formula {
        let Some(op) = cond.parsed else { return FALSE };
        let Some((l, k)) = self.key_vars(&cond.key.value) else {
            return FALSE;
        };
        if op.operator == ConditionOperator::Null {
            let present = self.present(&cond.key.value, true);
            let alts = cond
                .values
                .iter()
                .map(|v| QualifiedOperator::null_holds(&v.value.as_text(), present.clone()));
            return or(alts.collect::<Vec<_>>());
        }
        if k.mixed {
            return self.fresh_bool(format!("key `{}` is read with several value types", k.name));
        }
        let mut slots = Vec::new();
        for i in 0..k.slots {
            let positive = {
                let mut alts = Vec::new();
                for v in &cond.values {
                    alts.push(self.value_matches(op.operator, &v.value.as_text(), &l, &k, i, substitute));
                }
                or(alts)
            };
            slots.push((self.active(&l, &k, i), positive));
        }
        // An unqualified operator on a set: only the one-value case has a documented meaning.
        let open_reading = op.qualifier.is_none() && k.multi;
        let present_result = op.combine(slots);
        let present_result = if open_reading {
            self.reading_keys.insert(l.clone());
            let one = eq(Term::int_var(format!("k.{l}.n")), Term::Int(1));
            // Any answer: `unsat` then holds under every reading, and a model that needs one is
            // caught by `reading_dependent` before it is confirmed (so this is no approximation).
            self.fresh += 1;
            let other = bool_var(format!("reading.{}", self.fresh));
            or([and([one.clone(), present_result]), and([not(one), other])])
        } else {
            present_result
        };
        let present = bool_var(format!("k.{l}.present"));
        or([
            and([present.clone(), present_result]),
            and([not(present), Formula::Const(op.holds_when_missing())]),
        ])
    }

    pub(super) fn slot(l: &str, i: usize) -> String {
        format!("k.{l}.{i}")
    }

    pub(super) fn value_matches(
        &mut self,
        op: ConditionOperator,
        policy: &str,
        l: &str,
        k: &KeyModel,
        i: usize,
        substitute: bool,
    ) -> Formula {
        use ConditionOperator::*;
        let name = Self::slot(l, i);
        let ok = bool_var(format!("{name}.ok"));
        match (op, k.ty) {
            (StringEquals | StringNotEquals, KeyType::Str) => match self.text(policy, substitute) {
                Ok(alts) => or(alts
                    .into_iter()
                    .map(|(c, t)| and([c, eq(Term::str_var(&name), t)]))
                    .collect::<Vec<_>>()),
                Err(w) => self.fresh_bool(format!("{w} is not modelled")),
            },
            (StringEqualsIgnoreCase | StringNotEqualsIgnoreCase, KeyType::Str) => {
                if policy.contains("${") && substitute || !policy.is_ascii() {
                    return self.fresh_bool(format!("case-insensitive comparison with `{policy}`"));
                }
                in_re(Term::str_var(&name), case_insensitive_regex(policy))
            }
            (StringLike | StringNotLike, KeyType::Str) => self.pattern(policy, substitute, Term::str_var(&name)),
            (ArnEquals | ArnLike | ArnNotEquals | ArnNotLike, KeyType::Str) => {
                if substitute && policy.contains("${") {
                    return self.fresh_bool(format!("variables in ARN pattern `{policy}`"));
                }
                Self::arn_wildcard(policy, Term::str_var(&name))
            }
            (BinaryEquals, KeyType::Str) => {
                if substitute && policy.contains("${") {
                    return self.fresh_bool(format!("variables in base64 `{policy}`"));
                }
                match tenet_ast::eval::base64_decode(policy) {
                    Some(bytes) => in_re(Term::str_var(&name), base64_regex(&bytes)),
                    None => FALSE,
                }
            }
            (
                NumericEquals
                | NumericNotEquals
                | NumericLessThan
                | NumericLessThanEquals
                | NumericGreaterThan
                | NumericGreaterThanEquals,
                KeyType::Num,
            ) => {
                if substitute && policy.contains("${") {
                    return self.fresh_bool(format!("variables in number `{policy}`"));
                }
                match number_units(policy, self.num_digits) {
                    Ok(Some(c)) => and([ok, compare(op, Term::int_var(&name), Term::Int(c))]),
                    Ok(None) => FALSE,
                    Err(NotRepresentable) => self.fresh_bool(format!("number `{policy}` is out of the modelled range")),
                }
            }
            (
                DateEquals
                | DateNotEquals
                | DateLessThan
                | DateLessThanEquals
                | DateGreaterThan
                | DateGreaterThanEquals,
                KeyType::Date,
            ) => {
                if substitute && policy.contains("${") {
                    return self.fresh_bool(format!("variables in date `{policy}`"));
                }
                match tenet_ast::eval::parse_date(policy) {
                    None => FALSE,
                    Some(c) => match i64::try_from(c) {
                        Ok(c) => and([ok, compare(op, Term::int_var(&name), Term::Int(c))]),
                        Err(_) => self.fresh_bool(format!("date `{policy}` is out of range")),
                    },
                }
            }
            (Bool, KeyType::Bool) => {
                if substitute && policy.contains("${") {
                    return self.fresh_bool(format!("variables in boolean `{policy}`"));
                }
                let b = if policy.eq_ignore_ascii_case("true") {
                    true
                } else if policy.eq_ignore_ascii_case("false") {
                    false
                } else {
                    return FALSE;
                };
                let v = bool_var(&name);
                and([ok, if b { v } else { not(v) }])
            }
            (IpAddress | NotIpAddress, KeyType::Ip) => {
                if substitute && policy.contains("${") {
                    return self.fresh_bool(format!("variables in CIDR `{policy}`"));
                }
                let Some((addr, prefix)) = parse_cidr(policy) else {
                    return FALSE;
                };
                let v6 = bool_var(format!("{name}.v6"));
                match addr {
                    IpAddr::V4(a) => {
                        let inside = if prefix == 0 {
                            TRUE
                        } else {
                            eq(
                                Term::extract(31, 32 - u32::from(prefix), Term::bv_var(&name, 32)),
                                Term::Bv(u128::from(u32::from(a)) >> (32 - u32::from(prefix)), u32::from(prefix)),
                            )
                        };
                        and([ok, not(v6), inside])
                    }
                    IpAddr::V6(a) => {
                        let inside = if prefix == 0 {
                            TRUE
                        } else {
                            eq(
                                Term::extract(127, 128 - u32::from(prefix), Term::bv_var(format!("{name}.ip6"), 128)),
                                Term::Bv(u128::from(a) >> (128 - u32::from(prefix)), u32::from(prefix)),
                            )
                        };
                        and([ok, v6, inside])
                    }
                }
            }
            // An operator (or a type) without an encoding: never `false`, which would prove
            // things about requests the evaluator allows.
            _ => self.fresh_bool(format!("operator `{op}` on a key of type {:?} is not modelled", k.ty)),
        }
    }
}

pub(super) fn compare(op: ConditionOperator, r: Term, p: Term) -> Formula {
    use ConditionOperator::*;
    match op {
        NumericEquals | NumericNotEquals | DateEquals | DateNotEquals => eq(r, p),
        NumericLessThan | DateLessThan => lt(r, p),
        NumericLessThanEquals | DateLessThanEquals => le(r, p),
        NumericGreaterThan | DateGreaterThan => lt(p, r),
        NumericGreaterThanEquals | DateGreaterThanEquals => le(p, r),
        _ => FALSE,
    }
}

/// Every text `tenet_ast::eval::base64_decode` reads as `bytes`: the one sequence of base64
/// symbols (`+`/`-` and `/`/`_` alike) whose bits are the bytes, where the bits past the last
/// whole byte are free, with whitespace anywhere and `=` and whitespace after the last symbol.
fn base64_regex(bytes: &[u8]) -> Regex {
    let lits = |chars: &[char]| Regex::Union(chars.iter().map(|c| Regex::Lit(c.to_string())).collect());
    let ws = Regex::Star(Box::new(lits(&[' ', '\n', '\r', '\t'])));
    let symbol_chars = |v: u32| -> Vec<char> {
        match v {
            0..=25 => char::from_u32(u32::from('A') + v).into_iter().collect(),
            26..=51 => char::from_u32(u32::from('a') + v - 26).into_iter().collect(),
            52..=61 => char::from_u32(u32::from('0') + v - 52).into_iter().collect(),
            62 => vec!['+', '-'],
            _ => vec!['/', '_'],
        }
    };
    let total = bytes.len() * 8;
    let bit = |i: usize| bytes.get(i / 8).is_some_and(|b| b & (0x80 >> (i % 8)) != 0);
    let mut parts = vec![ws.clone()];
    for start in (0..total).step_by(6) {
        // The bits of this symbol that are bytes' bits; the rest (past the last byte) are free.
        let fixed = (total - start).min(6);
        let high = (start..start + fixed).fold(0u32, |acc, i| (acc << 1) | u32::from(bit(i)));
        let base = high << (6 - fixed);
        let chars: Vec<char> = (base..base + (1 << (6 - fixed))).flat_map(symbol_chars).collect();
        parts.push(lits(&chars));
        parts.push(ws.clone());
    }
    parts.push(Regex::Star(Box::new(lits(&['=', ' ', '\n', '\r', '\t']))));
    Regex::Concat(parts)
}

/// Epoch nanoseconds of a date as the evaluator parses it (`tenet_ast::eval::parse_date`), when it
/// fits the solver's 64-bit integers.
pub fn parse_date_nanos(s: &str) -> Option<i64> {
    tenet_ast::eval::parse_date(s).and_then(|n| i64::try_from(n).ok())
}

pub(super) fn parse_cidr(s: &str) -> Option<(IpAddr, u8)> {
    tenet_ast::eval::parse_cidr(s).map(|c| (c.addr(), c.prefix()))
}
