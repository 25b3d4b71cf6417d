//! The request's action and resource: finite alphabets of representatives (or free strings), the
//! resource's account, and how a model's choice is decoded and a concrete value fixed.
use super::*;

/// How a reading reads one pattern: which of its `*` may match `:`, and whether its `?` may.
type ReadingSignature = (Vec<bool>, bool);

impl Encoder {
    /// The resource matches the `Resource` pattern `pattern` (no variables) with the ARN wildcard
    /// rules of [`tenet_ast::eval::arn_pattern_match`].
    ///
    /// With `policy`, a pattern whose readings can disagree (see [`ArnReading`]) leaves the reading
    /// open: three request-independent booleans, [`READING_EARLY_STARS`], [`READING_QUESTION`] and
    /// [`READING_KEY_STARS`],
    /// choose AWS's one reading for every pattern, so an `unsat` answer holds in each reading; a
    /// model must then pass [`Encoder::unambiguous`] to be reported (see `run::check`). A property's
    /// own patterns are read as the evaluator reads them.
    pub fn resource_match(&mut self, pattern: &str, policy: bool) -> Formula {
        if !(policy && possibly_ambiguous(pattern)) {
            return self.resource_reading(pattern, ArnReading::DOCUMENTED);
        }
        self.question_patterns.insert(pattern.to_string());
        // Readings that read this pattern alike share one match formula (most patterns hold only
        // some of the three open points): the solver gets one membership per distinct reading.
        // Each group keeps its first reading apart: the one its formula is built for.
        let mut groups: Vec<(ReadingSignature, ArnReading, Vec<ArnReading>)> = Vec::new();
        for reading in ArnReading::ALL {
            let signature = (
                arn_star_crossings(pattern, reading),
                reading.question_matches_colon && pattern.contains('?'),
            );
            match groups.iter_mut().find(|(s, _, _)| *s == signature) {
                Some((_, _, readings)) => readings.push(reading),
                None => groups.push((signature, reading, vec![reading])),
            }
        }
        let flag = |on: bool, name: &str| if on { bool_var(name) } else { not(bool_var(name)) };
        let mut alts = Vec::new();
        for (_, first, readings) in groups {
            let chosen = or(readings
                .iter()
                .map(|r| {
                    and([
                        flag(r.early_stars_cross, READING_EARLY_STARS),
                        flag(r.question_matches_colon, READING_QUESTION),
                        flag(r.key_stars_cross, READING_KEY_STARS),
                    ])
                })
                .collect::<Vec<_>>());
            alts.push(and([chosen, self.resource_reading(pattern, first)]));
        }
        or(alts)
    }

    /// The resource matches `pattern` in a reading of the ARN wildcard rules.
    pub(super) fn resource_reading(&mut self, pattern: &str, reading: ArnReading) -> Formula {
        if crate::budget::interrupted(crate::budget::Phase::Encoding) {
            return FALSE; // the budget is cut: the work stops and the runner discards it
        }
        match &self.resource_alphabet {
            Some(a) => match a.pattern_index(pattern) {
                Some(p) => {
                    let table = a.table(reading);
                    or(table
                        .iter()
                        .enumerate()
                        .filter(|(_, m)| m.get(p) == Some(&true))
                        .map(|(r, _)| eq(Term::int_var(RESOURCE_INDEX), Term::Int(r as i64)))
                        .collect::<Vec<_>>())
                }
                None => self.fresh_bool(format!("internal: resource pattern `{pattern}` outside the alphabet")),
            },
            None => Self::arn_wildcard_resource(pattern, reading, Term::str_var(RESOURCE)),
        }
    }

    /// The resource is `resource` (its representative with the alphabet); `None` when not
    /// representable.
    pub fn fix_resource(&self, resource: &str) -> Option<Formula> {
        match &self.resource_alphabet {
            Some(a) => Some(eq(
                Term::int_var(RESOURCE_INDEX),
                Term::Int(a.representative(resource)? as i64),
            )),
            None => Some(eq(Term::str_var(RESOURCE), Term::str(resource))),
        }
    }

    /// The resource of a model.
    pub fn decode_resource(&self, a: &Assignment) -> String {
        decode_choice(
            a,
            self.resource_alphabet.as_ref().map(|al| &al.reps[..]),
            RESOURCE_INDEX,
            RESOURCE,
        )
    }

    /// With the resource alphabet: the resource index is in range and the resource account is the
    /// representative's account field when it has one (an unnamed one decides like
    /// [`Encoder::other_account`]).
    pub(super) fn resource_index_domain(&self) -> Formula {
        let Some(a) = &self.resource_alphabet else { return TRUE };
        let idx = Term::int_var(RESOURCE_INDEX);
        let mut fs = vec![
            le(Term::Int(0), idx.clone()),
            lt(idx.clone(), Term::Int(a.reps.len() as i64)),
        ];
        for (r, class) in a.class.iter().enumerate() {
            let account = match class {
                AccountClass::Free => continue,
                // INVARIANT: a named class indexes the alphabet's accounts.
                AccountClass::Named(i) => match a.accounts.get(*i) {
                    Some(account) => account.clone(),
                    None => continue,
                },
                AccountClass::Fresh => self.other_account.clone(),
            };
            fs.push(implies(
                eq(idx.clone(), Term::Int(r as i64)),
                eq(Term::str_var(RESOURCE_ACCOUNT), Term::str(account)),
            ));
        }
        and(fs)
    }

    /// The action matches the (case-insensitive) pattern.
    pub fn action_pattern(&mut self, pattern: &str) -> Formula {
        if crate::budget::interrupted(crate::budget::Phase::Encoding) {
            return FALSE; // the budget is cut: the work stops and the runner discards it
        }
        if !pattern.is_ascii() {
            return self.fresh_bool(format!("non-ASCII action pattern `{pattern}`"));
        }
        match self.known_action_pattern(pattern) {
            Some(f) => f,
            None => self.fresh_bool(format!("internal: action pattern `{pattern}` outside the alphabet")),
        }
    }

    /// The action matches `pattern`: a wildcard over the action string, or the representatives
    /// the alphabet says match; `None` when the alphabet was not built for the pattern.
    fn known_action_pattern(&self, pattern: &str) -> Option<Formula> {
        match &self.alphabet {
            None => Some(Self::wildcard(&pattern.to_ascii_lowercase(), Term::str_var(ACTION))),
            Some(a) => a.pattern_index(pattern).map(|p| {
                or(a.matches
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| m.get(p) == Some(&true))
                    .map(|(r, _)| eq(Term::int_var(ACTION_INDEX), Term::Int(r as i64)))
                    .collect::<Vec<_>>())
            }),
        }
    }

    /// The action of a model.
    pub fn decode_action(&self, a: &Assignment) -> String {
        decode_choice(a, self.alphabet.as_ref().map(|al| &al.reps[..]), ACTION_INDEX, ACTION)
    }

    /// A formula fixing the action to `action` (its representative); `None` when not representable.
    pub fn fix_action(&self, action: &str) -> Option<Formula> {
        match &self.alphabet {
            Some(al) => Some(eq(
                Term::int_var(ACTION_INDEX),
                Term::Int(al.representative(action)? as i64),
            )),
            None => Some(eq(Term::str_var(ACTION), Term::str(action.to_ascii_lowercase()))),
        }
    }

    /// The exact domain of the resource account: the ARN's account field when the resource has one
    /// (a request whose explicit account contradicts its ARN cannot happen in AWS), else one of
    /// [`Encoder::resource_accounts`] (exact up to equality with the principal accounts).
    ///
    /// INVARIANT: [`Encoder::domain`] only says the second part for every resource, which is weaker
    /// in what matters (every real request has a representative with the same decision, see
    /// `run::check`); this full constraint, costlier (a regex and string concatenations), is added
    /// when a model's account contradicts its resource ARN.
    pub fn resource_account_domain(&self) -> Formula {
        let no_colon = Regex::Star(Box::new(Regex::Union(vec![
            Regex::Range('\0', '9'),
            Regex::Range(';', char::from_u32(MAX_CHAR).unwrap_or('\u{ffff}')),
        ])));
        let mut four = Vec::new();
        for _ in 0..4 {
            four.push(no_colon.clone());
            four.push(Regex::Lit(":".into()));
        }
        four.push(Regex::All);
        let r = Term::str_var(RESOURCE);
        let has_field = in_re(r.clone(), Regex::Concat(four));
        let f: [Term; 5] = std::array::from_fn(|i| Term::str_var(format!("resource.field{i}")));
        let [.., account_field] = &f;
        let tail = Term::str_var("resource.tail");
        let mut parts = Vec::new();
        for (i, t) in f.iter().enumerate() {
            if i > 0 {
                parts.push(Term::str(":"));
            }
            parts.push(t.clone());
        }
        parts.push(tail.clone());
        let mut split = vec![eq(r, Term::concat(parts))];
        split.extend(f.iter().map(|t| in_re(t.clone(), no_colon.clone())));
        split.push(or([eq(tail.clone(), Term::str("")), str_prefix(":", tail)]));
        let account = Term::str_var(RESOURCE_ACCOUNT);
        let field_is_account = not(or([
            eq(account_field.clone(), Term::str("")),
            eq(account_field.clone(), Term::str("*")),
        ]));
        and([
            implies(has_field.clone(), and(split)),
            implies(
                and([has_field.clone(), field_is_account.clone()]),
                eq(account.clone(), account_field.clone()),
            ),
            implies(not(and([has_field, field_is_account])), self.account_in_set()),
        ])
    }

    /// The cheap part of the resource account's domain, added to every query (see
    /// [`Encoder::resource_account_domain`]).
    pub fn account_in_set(&self) -> Formula {
        or(self
            .resource_accounts
            .iter()
            .map(|a| eq(Term::str_var(RESOURCE_ACCOUNT), Term::str(a)))
            .collect::<Vec<_>>())
    }

    /// Whether a model's resource account agrees with its resource ARN.
    pub fn resource_account_consistent(&self, a: &Assignment) -> bool {
        if self.resource_alphabet.is_some() {
            // INVARIANT: `resource_index_domain` already ties the account to the ARN.
            return true;
        }
        let get = |n: &str| match a.get(n) {
            Some(Value::Str(s)) => Some(s.as_str()),
            _ => None,
        };
        match (get(RESOURCE), get(RESOURCE_ACCOUNT)) {
            (Some(r), Some(acct)) => match arn_account(r) {
                Some(f) => f == acct,
                None => self.resource_accounts.iter().any(|x| x == acct),
            },
            _ => true,
        }
    }

    /// [`Encoder::action_pattern`] for patterns known to be in the alphabet (no approximation).
    pub(super) fn action_pattern_ro(&self, pattern: &str) -> Formula {
        self.known_action_pattern(pattern).unwrap_or(TRUE)
    }
}

/// The value a model gives a request part that is either chosen by index from representatives
/// (`reps`, read from `index_var`) or a free string (`string_var`); empty when the model omits it.
pub(super) fn decode_choice(a: &Assignment, reps: Option<&[String]>, index_var: &str, string_var: &str) -> String {
    match reps {
        Some(reps) => match a.get(index_var) {
            Some(Value::Int(i)) => usize::try_from(*i)
                .ok()
                .and_then(|i| reps.get(i).cloned())
                .unwrap_or_default(),
            _ => String::new(),
        },
        None => match a.get(string_var) {
            Some(Value::Str(s)) => s.clone(),
            _ => String::new(),
        },
    }
}
