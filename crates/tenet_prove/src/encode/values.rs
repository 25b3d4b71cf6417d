//! Values: decoding a model into a concrete request, fixing a concrete request's values, and the
//! exact encoding of numbers.

use super::*;

impl Encoder {
    /// The context a model describes (keys absent in the model are left out).
    pub fn decode_context(&self, a: &Assignment) -> Context {
        let mut ctx = Context::new();
        for (l, k) in &self.keys {
            if a.get(&format!("k.{l}.present")) != Some(&Value::Bool(true)) {
                continue;
            }
            let n = if k.multi {
                match a.get(&format!("k.{l}.n")) {
                    Some(Value::Int(n)) => (*n).clamp(0, k.slots as i64) as usize,
                    _ => 0,
                }
            } else {
                1
            };
            let values: Vec<String> = (0..n).map(|i| self.decode_slot(a, l, k, i)).collect();
            let value = if k.multi && n != 1 {
                ContextValue::Multi(values)
            } else {
                ContextValue::Single(values.into_iter().next().unwrap_or_default())
            };
            ctx.insert(k.name.clone(), value);
        }
        ctx
    }

    pub(super) fn decode_slot(&self, a: &Assignment, l: &str, k: &KeyModel, i: usize) -> String {
        let name = Self::slot(l, i);
        let ok = a.get(&format!("{name}.ok")) != Some(&Value::Bool(false));
        match k.ty {
            KeyType::Str => match a.get(&name) {
                Some(Value::Str(s)) => s.clone(),
                _ => String::new(),
            },
            _ if !ok => "tenet-unparsable".to_string(),
            KeyType::Num => match a.get(&name) {
                Some(Value::Int(v)) => units_text(*v, self.num_digits),
                _ => "0".into(),
            },
            KeyType::Date => match a.get(&name) {
                Some(Value::Int(v)) => {
                    let (s, ns) = (v.div_euclid(1_000_000_000), v.rem_euclid(1_000_000_000));
                    if s < 0 && ns != 0 {
                        // Negative epochs are written sign-magnitude.
                        let m = -v;
                        format!("-{}.{:09}", m / 1_000_000_000, m % 1_000_000_000)
                    } else {
                        format!("{s}.{ns:09}")
                    }
                }
                _ => "0".into(),
            },
            KeyType::Bool => match a.get(&name) {
                Some(Value::Bool(b)) => b.to_string(),
                _ => "false".into(),
            },
            KeyType::Ip => {
                if a.get(&format!("{name}.v6")) == Some(&Value::Bool(true)) {
                    match a.get(&format!("{name}.ip6")) {
                        Some(Value::Bv(v)) => std::net::Ipv6Addr::from(*v).to_string(),
                        _ => "::".into(),
                    }
                } else {
                    match a.get(&name) {
                        Some(Value::Bv(v)) => std::net::Ipv4Addr::from(*v as u32).to_string(),
                        _ => "0.0.0.0".into(),
                    }
                }
            }
        }
    }

    /// The concrete request of a model.
    pub fn decode(&self, a: &Assignment) -> Option<Request> {
        let idx = match a.get(PRINCIPAL) {
            Some(Value::Int(i)) => usize::try_from(*i).ok()?,
            _ => return None,
        };
        let s = |n: &str| match a.get(n) {
            Some(Value::Str(s)) => s.clone(),
            _ => String::new(),
        };
        let resource = self.decode_resource(a);
        // The account is the ARN's when it has one (the query keeps them consistent).
        let resource_account = if arn_account(&resource).is_some() {
            None
        } else {
            Some(s(RESOURCE_ACCOUNT))
        };
        Some(Request {
            principal: self.candidates.get(idx)?.principal.clone(),
            action: self.decode_action(a),
            resource,
            resource_account,
            context: self.decode_context(a),
        })
    }

    /// Formulas fixing every request variable to the values of `req` (for the differential test);
    /// `None` when the request is outside the modelled space.
    pub fn fix(&self, req: &Request) -> Option<Vec<Formula>> {
        let idx = self.candidates.iter().position(|c| c.principal == req.principal)?;
        let account = match req.resource_account() {
            Some(a) => a.to_string(),
            // The evaluator takes an S3 resource to be in the principal's account.
            None => req
                .principal
                .account()
                .unwrap_or(self.other_account.as_str())
                .to_string(),
        };
        let account = if !self.resource_accounts.contains(&account)
            && (arn_account(&req.resource).is_none() || self.resource_alphabet.is_some())
        {
            self.other_account.clone()
        } else {
            account
        };
        let mut fs = vec![
            self.is_candidate(idx),
            self.fix_action(&req.action)?,
            self.fix_resource(&req.resource)?,
            eq(Term::str_var(RESOURCE_ACCOUNT), Term::str(account)),
        ];
        // The evaluator's reading.
        fs.push(bool_var(READING_EARLY_STARS));
        fs.push(not(bool_var(READING_QUESTION)));
        fs.push(not(bool_var(READING_KEY_STARS)));
        for (l, k) in &self.keys {
            let present = bool_var(format!("k.{l}.present"));
            let Some(v) = req.context.get(&k.name) else {
                fs.push(not(present));
                continue;
            };
            fs.push(present);
            let values = v.as_slice();
            if k.multi {
                if values.len() > k.slots {
                    return None;
                }
                fs.push(eq(Term::int_var(format!("k.{l}.n")), Term::Int(values.len() as i64)));
            } else if values.len() != 1 {
                return None;
            }
            for (i, val) in values.iter().enumerate() {
                fs.push(fix_slot(&Self::slot(l, i), k.ty, val, self.num_digits)?);
            }
        }
        Some(fs)
    }
}

/// Fixes slot `name` of type `ty` to the text `val` (`None` when not representable); numbers are
/// counted in units of `1 / (2 * 10^num_digits)` (see [`number_units`]).
pub fn fix_slot(name: &str, ty: KeyType, val: &str, num_digits: u32) -> Option<Formula> {
    let ok = bool_var(format!("{name}.ok"));
    Some(match ty {
        KeyType::Str => eq(Term::str_var(name), Term::str(val)),
        KeyType::Num => match number_units(val, num_digits) {
            Ok(Some(c)) => and([ok, eq(Term::int_var(name), Term::Int(c))]),
            Ok(None) => not(ok),
            Err(NotRepresentable) => return None,
        },
        KeyType::Date => match tenet_ast::eval::parse_date(val) {
            Some(c) => and([ok, eq(Term::int_var(name), Term::Int(i64::try_from(c).ok()?))]),
            None => not(ok),
        },
        KeyType::Bool => {
            if val.eq_ignore_ascii_case("true") {
                and([ok, bool_var(name)])
            } else if val.eq_ignore_ascii_case("false") {
                and([ok, not(bool_var(name))])
            } else {
                not(ok)
            }
        }
        KeyType::Ip => match val.trim().parse::<IpAddr>() {
            Ok(IpAddr::V4(a)) => and([
                ok,
                not(bool_var(format!("{name}.v6"))),
                eq(Term::bv_var(name, 32), Term::Bv(u128::from(u32::from(a)), 32)),
            ]),
            Ok(IpAddr::V6(a)) => and([
                ok,
                bool_var(format!("{name}.v6")),
                eq(Term::bv_var(format!("{name}.ip6"), 128), Term::Bv(u128::from(a), 128)),
            ]),
            Err(_) => not(ok),
        },
    })
}

/// A number finer than the encoding's unit, or too large for it (not modelled).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotRepresentable;

/// The largest number of fractional digits the encoding of numbers keeps.
pub const MAX_NUM_DIGITS: u32 = 9;

/// The fractional digits numbers are always counted in, so that a property's own values (`given`,
/// `when`) up to micro-units are exact too; integers up to 4.6e12 still fit.
pub const MIN_NUM_DIGITS: u32 = 6;

/// A number as an integer count of units of `1 / (2 * 10^digits)`, with the evaluator's own reader
/// (`tenet_ast::eval::parse_decimal`): `Ok(None)` when it does not parse (matches nothing), `Err`
/// when it has more than `digits` fractional digits or does not fit.
///
/// Why the half unit: with every policy constant a whole number of `10^-digits`, a request value
/// strictly between two constants, or beyond them, behaves like a value at a half unit, so the
/// encoding is exact for every request (the decoded value is such a half).
pub fn number_units(s: &str, digits: u32) -> Result<Option<i64>, NotRepresentable> {
    let Some(d) = tenet_ast::eval::parse_decimal(s) else {
        return Ok(None);
    };
    if d.scale > digits {
        return Err(NotRepresentable);
    }
    10i128
        .checked_pow(digits - d.scale)
        .and_then(|f| d.mantissa.checked_mul(f))
        .and_then(|m| m.checked_mul(2))
        .and_then(|m| i64::try_from(m).ok())
        .map(Some)
        .ok_or(NotRepresentable)
}

/// The text of a number given in units of `1 / (2 * 10^digits)`: exact, shortest form.
pub fn units_text(units: i64, digits: u32) -> String {
    // units / (2 * 10^d) = (units * 5) / 10^(d + 1).
    let mut mantissa = i128::from(units) * 5;
    let mut scale = digits + 1;
    while scale > 0 && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    let sign = if mantissa < 0 { "-" } else { "" };
    let m = mantissa.unsigned_abs().to_string();
    if scale == 0 {
        return format!("{sign}{m}");
    }
    let scale = scale as usize;
    let padded = format!("{m:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    format!("{sign}{int}.{frac}")
}
