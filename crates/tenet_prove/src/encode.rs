//! The symbolic encoding of IAM policies: statements, conditions and the evaluation logic as
//! formulas over a symbolic request, mirroring `tenet_ast::eval` rule for rule.
//!
//! The symbolic request has: a principal index into the enumerated candidates (see `principals`),
//! `action` (lowercase ASCII; patterns are lowercased too, which makes matching case-insensitive),
//! `resource` (an index into the representatives of [`crate::resources`] when the alphabet is
//! exact and small enough, else a string; `Resource` patterns follow the ARN wildcard rules of
//! `tenet_ast::eval::arn_pattern_match`, with the readings the IAM User Guide leaves open kept open,
//! see [`Encoder::resource_match`]), `resource.account` (always given explicitly in decoded
//! requests), and per condition key a presence flag and typed value slots:
//!
//! - keys read only by single-valued operators have one slot (IAM's single-valued keys);
//! - keys read by a `ForAnyValue:`/`ForAllValues:` operator are bounded sets of `n <= B` values with
//!   `B = m + 1`, `m` the number of distinct conditions reading the key. That bound is exact: each
//!   condition is an "exists"/"for all" over the values, so one witness value per condition (plus one
//!   to keep the set non-empty) preserves every truth value. Above [`MAX_SLOTS`] the bound is capped
//!   and an `unsat` answer becomes `unknown`.
//! - typed slots: strings; numbers as integers counting halves (exact between the integer and
//!   half-integer policy constants it accepts); dates as integer nanoseconds; booleans; IPs as a
//!   family flag and 32/128-bit vectors; every typed slot has an `ok` flag for unparsable text.
//!
//! Whatever is not modelled exactly is either *over-approximated* (a fresh unconstrained boolean
//! replaces the condition: `unsat` stays a proof, a model must be confirmed by the evaluator) or
//! *under-approximated* (a restricted request space: a model is genuine, `unsat` is `unknown`). Both
//! are recorded with reasons in [`Approximations`].

use crate::actions::Alphabet;
use crate::ir::*;
use crate::principals::{stands_for_many, FRESH_ACCOUNT};
use crate::resources::{possibly_ambiguous, AccountClass, ResourceAlphabet};
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use tenet_ast::eval::{
    scan_variables, ArnReading, AwsPrincipalKind, Context, ContextValue, Request, RequestPrincipal,
    VariablePiece as Piece,
};
use tenet_ast::{Condition, ConditionOperator, ElementList, Policy, SetQualifier, Statement};

/// The largest number of value slots a multi-valued key gets.
pub const MAX_SLOTS: usize = 5;

/// The value type of a condition key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyType {
    /// Strings (String, Arn and Binary operators).
    Str,
    /// Numbers.
    Num,
    /// Dates.
    Date,
    /// Booleans.
    Bool,
    /// IP addresses.
    Ip,
}

/// How one condition key is modelled.
#[derive(Clone, Debug)]
pub struct KeyModel {
    /// The key as first written.
    pub name: String,
    /// The value type.
    pub ty: KeyType,
    /// Whether the key is read by several value types (its conditions are then over-approximated).
    pub mixed: bool,
    /// Whether the key is modelled as a set (`n` values) rather than one value.
    pub multi: bool,
    /// The number of value slots.
    pub slots: usize,
    /// The distinct conditions reading the key (to compute the bound).
    atoms: Vec<String>,
}

/// Reasons for which the encoding is not exact.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Approximations {
    /// Over-approximations: a model must be confirmed by the evaluator.
    pub over: Vec<String>,
    /// Under-approximations: `unsat` cannot be trusted.
    pub under: Vec<String>,
}

impl Approximations {
    fn over(&mut self, reason: String) {
        if !self.over.contains(&reason) {
            self.over.push(reason);
        }
    }
    fn under(&mut self, reason: String) {
        if !self.under.contains(&reason) {
            self.under.push(reason);
        }
    }
}

/// The symbolic request and the models of its keys; builds formulas.
#[derive(Clone, Debug)]
pub struct Encoder {
    /// The candidate principals.
    pub candidates: Vec<RequestPrincipal>,
    /// The keys, by lowercase name.
    pub keys: BTreeMap<String, KeyModel>,
    /// What is approximated.
    pub approx: Approximations,
    /// The finite action alphabet (the action is then an index into its representatives); `None`:
    /// the action is a string.
    pub alphabet: Option<Alphabet>,
    /// The action patterns the alphabet is built for (policies, property, `kms:*`).
    action_patterns: Vec<String>,
    /// The accounts a resource without an account field can be in, up to equality with principal
    /// accounts: the candidates' accounts, the accounts in resource patterns, and one more.
    pub resource_accounts: Vec<String>,
    /// The finite resource alphabet (the resource is then an index into its representatives);
    /// `None`: the resource is a string.
    pub resource_alphabet: Option<ResourceAlphabet>,
    /// The resource patterns the resource alphabet is built for (policies without variables,
    /// property).
    resource_patterns: Vec<String>,
    /// Some policy's resource pattern has variables: the resource stays a string.
    resource_strings: bool,
    /// The possibly ambiguous policy resource patterns encoded so far (see
    /// [`Encoder::unambiguous`]).
    question_patterns: BTreeSet<String>,
    /// Multi-valued keys read by an operator without `ForAnyValue:`/`ForAllValues:` (lowercase):
    /// AWS leaves the meaning open for sets of other than one value (see [`Encoder::unambiguous`]).
    reading_keys: BTreeSet<String>,
    /// Request cases where the decision depends on a point the guides leave open (a `*` grant
    /// against a boundary or session policy); each has a free reading variable.
    open_cases: Vec<Formula>,
    /// The fractional digits of the unit numbers are counted in (see [`number_units`]): the most
    /// any numeric policy constant has, between [`MIN_NUM_DIGITS`] and [`MAX_NUM_DIGITS`].
    pub num_digits: u32,
    fresh: usize,
}

/// The variable of the action's index into [`Alphabet::reps`].
pub const ACTION_INDEX: &str = "action.index";
/// The reading of the ARN wildcard rules: a `*` ending one of the first five components may match
/// `:` (see [`ArnReading`]).
pub const READING_EARLY_STARS: &str = "reading.early_stars_cross";
/// The reading of the ARN wildcard rules: `?` may match `:`.
pub const READING_QUESTION: &str = "reading.question_matches_colon";
/// The variable of the resource's index into [`ResourceAlphabet::reps`].
pub const RESOURCE_INDEX: &str = "resource.index";
/// An account id named nowhere, distinct from [`FRESH_ACCOUNT`]: a resource account in no
/// candidate's account.
pub const OTHER_ACCOUNT: &str = "999999999998";

/// The account field of a resource ARN as the evaluator reads it (`Request::resource_account`).
pub use tenet_ast::eval::arn_account;

/// The account of a resource pattern whose first five components are literal.
pub fn pattern_account(pattern: &str) -> Option<&str> {
    let parts: Vec<&str> = pattern.splitn(6, ':').collect();
    if parts.len() < 6 || parts[..5].iter().any(|p| p.contains(['*', '?', '$'])) {
        return None;
    }
    arn_account(pattern)
}

/// The variable of the principal index.
pub const PRINCIPAL: &str = "principal";
/// The action variable.
pub const ACTION: &str = "action";
/// The resource variable.
pub const RESOURCE: &str = "resource";
/// The resource account variable.
pub const RESOURCE_ACCOUNT: &str = "resource.account";

fn family_type(op: ConditionOperator) -> Option<KeyType> {
    use tenet_ast::OperatorFamily as F;
    match op.family() {
        F::String | F::Arn | F::Binary => Some(KeyType::Str),
        F::Numeric => Some(KeyType::Num),
        F::Date => Some(KeyType::Date),
        F::Bool => Some(KeyType::Bool),
        F::IpAddress => Some(KeyType::Ip),
        F::Null => None,
    }
}

/// The `${key}` references of a string (keys only; `${*}`, `${?}`, `${$}` excluded).
fn variable_keys(s: &str) -> Vec<String> {
    scan_variables(s)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Var { key, .. } => Some(key.to_owned()),
            _ => None,
        })
        .collect()
}

impl Encoder {
    /// An encoder for these policies, candidate principals and the keys named by a property
    /// (`(key, type)` pairs; `None` type: string).
    pub fn new(policies: &[&Policy], candidates: Vec<RequestPrincipal>, property_keys: &[String]) -> Encoder {
        let mut keys: BTreeMap<String, KeyModel> = BTreeMap::new();
        let note = |keys: &mut BTreeMap<String, KeyModel>, name: &str, ty: Option<KeyType>, set: bool, atom: String| {
            let e = keys.entry(name.to_lowercase()).or_insert_with(|| KeyModel {
                name: name.to_string(),
                ty: ty.unwrap_or(KeyType::Str),
                mixed: false,
                multi: false,
                slots: 1,
                atoms: Vec::new(),
            });
            if let Some(t) = ty {
                if e.atoms.iter().all(|a| a.starts_with("null")) && e.ty != t && !e.mixed {
                    e.ty = t;
                } else if e.ty != t {
                    e.mixed = true;
                }
            }
            e.multi |= set;
            if !e.atoms.contains(&atom) {
                e.atoms.push(atom);
            }
        };
        for p in policies {
            let subst = p.substitutes_variables();
            for s in &p.statements {
                if subst {
                    for list in [&s.value.resource].into_iter().flatten() {
                        for item in &list.value.items {
                            for k in variable_keys(&item.value) {
                                note(&mut keys, &k, Some(KeyType::Str), false, format!("var:{k}"));
                            }
                        }
                    }
                }
                for c in s.value.conditions() {
                    let (ty, set) = match c.parsed {
                        Some(op) => (family_type(op.operator), op.qualifier.is_some()),
                        None => (None, false),
                    };
                    let atom = match c.parsed {
                        Some(op) if op.operator == ConditionOperator::Null => "null".to_string(),
                        _ => format!("{:?}{:?}", c.parsed.map(|o| o.operator), c.values),
                    };
                    note(&mut keys, &c.key.value, ty, set, atom);
                    if subst {
                        for v in &c.values {
                            for k in variable_keys(&v.value.as_text()) {
                                note(&mut keys, &k, Some(KeyType::Str), false, format!("var:{k}"));
                            }
                        }
                    }
                }
            }
        }
        for k in property_keys {
            note(&mut keys, k, None, false, format!("property:{k}"));
        }
        let mut approx = Approximations::default();
        let catalog = tenet_catalog::try_catalog().ok();
        for k in keys.values_mut() {
            // A key the service reference calls multi-valued (`ArrayOf…`, `aws:TagKeys`, …) is a set
            // whatever operators read it.
            if catalog
                .and_then(|c| c.condition_key(&k.name))
                .is_some_and(|ck| ck.multivalued)
            {
                k.multi = true;
            }
            if k.multi {
                let m = k.atoms.len();
                k.slots = (m + 1).min(MAX_SLOTS);
                if m + 1 > MAX_SLOTS {
                    approx.under(format!(
                        "multi-valued key `{}` is bounded to {MAX_SLOTS} values",
                        k.name
                    ));
                }
            }
            if k.mixed {
                approx.over(format!("key `{}` is read with several value types", k.name));
            }
        }
        // The actions the decision treats apart get representatives of their own.
        let mut action_patterns = vec![
            "kms:*".to_string(),
            "sts:GetCallerIdentity".to_string(),
            "sts:AssumeRole*".to_string(),
        ];
        action_patterns.extend(tenet_ast::eval::RESERVED_ALIAS_ACTIONS.iter().map(|a| a.to_string()));
        let mut resource_patterns = vec![tenet_ast::eval::RESERVED_ALIAS_PATTERN.to_string()];
        let mut resource_strings = false;
        let mut resource_accounts: BTreeSet<String> = candidates
            .iter()
            .filter_map(|c| c.account().map(str::to_string))
            .collect();
        resource_accounts.insert(OTHER_ACCOUNT.to_string());
        for p in policies {
            for s in &p.statements {
                if let Some(a) = &s.value.action {
                    action_patterns.extend(a.value.items.iter().map(|i| i.value.clone()));
                }
                if let Some(r) = &s.value.resource {
                    for i in &r.value.items {
                        if p.substitutes_variables() && i.value.contains("${") {
                            resource_strings = true;
                        } else {
                            resource_patterns.push(i.value.clone());
                        }
                    }
                    resource_accounts.extend(
                        r.value
                            .items
                            .iter()
                            .filter_map(|i| pattern_account(&i.value).map(str::to_string)),
                    );
                }
            }
        }
        // Numbers are counted in units fine enough for every numeric constant of the policies.
        let num_digits = policies
            .iter()
            .flat_map(|p| p.statements.iter())
            .flat_map(|s| s.value.conditions())
            .filter(|c| c.parsed.is_some_and(|o| family_type(o.operator) == Some(KeyType::Num)))
            .flat_map(|c| c.values.iter())
            .filter_map(|v| tenet_ast::eval::parse_decimal(&v.value.as_text()))
            .map(|d| d.scale)
            .filter(|s| *s <= MAX_NUM_DIGITS)
            .fold(MIN_NUM_DIGITS, u32::max);
        let alphabet = Alphabet::new(action_patterns.iter().map(String::as_str));
        let mut enc = Encoder {
            candidates,
            keys,
            approx,
            alphabet,
            action_patterns,
            resource_accounts: resource_accounts.into_iter().collect(),
            resource_alphabet: None,
            resource_patterns,
            resource_strings,
            question_patterns: BTreeSet::new(),
            reading_keys: BTreeSet::new(),
            open_cases: Vec::new(),
            num_digits,
            fresh: 0,
        };
        enc.rebuild_resource_alphabet();
        enc
    }

    /// Keeps the resource a string (no alphabet), as when the alphabet would be too large; call
    /// before building formulas (the differential test compares both encodings).
    pub fn use_resource_strings(&mut self) {
        self.resource_strings = true;
        self.resource_alphabet = None;
    }

    fn rebuild_resource_alphabet(&mut self) {
        self.resource_alphabet = if self.resource_strings {
            None
        } else {
            ResourceAlphabet::new(
                self.resource_patterns.iter().map(String::as_str),
                &self.resource_accounts,
            )
        };
    }

    /// Adds the action patterns and resource patterns of a property; call before building formulas.
    pub fn add_property_patterns(&mut self, actions: &[String], resources: &[String]) {
        self.action_patterns.extend(actions.iter().cloned());
        self.alphabet = Alphabet::new(self.action_patterns.iter().map(String::as_str));
        for r in resources {
            if let Some(a) = pattern_account(r) {
                if !self.resource_accounts.iter().any(|x| x == a) {
                    self.resource_accounts.push(a.to_string());
                }
            }
        }
        if !resources.is_empty() {
            self.resource_patterns.extend(resources.iter().cloned());
            self.rebuild_resource_alphabet();
        }
    }

    /// The resource matches the `Resource` pattern `pattern` (no variables) with the ARN wildcard
    /// rules of [`tenet_ast::eval::arn_pattern_match`].
    ///
    /// With `policy`, a pattern whose readings can disagree (see [`ArnReading`]) leaves the reading
    /// open: two request-independent booleans, [`READING_EARLY_STARS`] and [`READING_QUESTION`],
    /// choose AWS's one reading for every pattern, so an `unsat` answer holds in each reading; a
    /// model must then pass [`Encoder::unambiguous`] to be reported (see `run::check`). A property's
    /// own patterns are read as the evaluator reads them.
    pub fn resource_match(&mut self, pattern: &str, policy: bool) -> Formula {
        if !(policy && possibly_ambiguous(pattern)) {
            return self.resource_reading(pattern, ArnReading::DOCUMENTED);
        }
        self.question_patterns.insert(pattern.to_string());
        let mut alts = Vec::new();
        for reading in ArnReading::ALL {
            let flag = |on: bool, name: &str| if on { bool_var(name) } else { not(bool_var(name)) };
            alts.push(and([
                flag(reading.early_stars_cross, READING_EARLY_STARS),
                flag(reading.question_matches_colon, READING_QUESTION),
                self.resource_reading(pattern, reading),
            ]));
        }
        or(alts)
    }

    /// The resource matches `pattern` in a reading of the ARN wildcard rules.
    fn resource_reading(&mut self, pattern: &str, reading: ArnReading) -> Formula {
        match &self.resource_alphabet {
            Some(a) => match a.pattern_index(pattern) {
                Some(p) => {
                    let table = a.table(reading);
                    or(table
                        .iter()
                        .enumerate()
                        .filter(|(_, m)| m[p])
                        .map(|(r, _)| eq(Term::int_var(RESOURCE_INDEX), Term::Int(r as i64)))
                        .collect::<Vec<_>>())
                }
                None => self.fresh_bool(format!("internal: resource pattern `{pattern}` outside the alphabet")),
            },
            None => Self::arn_wildcard_resource(pattern, reading, Term::str_var(RESOURCE)),
        }
    }

    /// Every reading of every policy pattern agrees on the resource (it puts no `:` where only a
    /// `?`, or a `*` ending one of the first five components, could match it).
    ///
    /// Also: every multi-valued key that an operator without a set qualifier reads holds exactly
    /// one value when present (where every reading of such an operator agrees).
    pub fn unambiguous(&mut self) -> Formula {
        let pats: Vec<String> = self.question_patterns.iter().cloned().collect();
        let mut fs: Vec<Formula> = pats
            .iter()
            .map(|p| {
                let lenient = self.resource_reading(p, ArnReading::LENIENT);
                implies(lenient, self.resource_reading(p, ArnReading::STRICT))
            })
            .collect();
        fs.push(not(or(self.open_cases.clone())));
        for l in &self.reading_keys {
            fs.push(implies(
                bool_var(format!("k.{l}.present")),
                eq(Term::int_var(format!("k.{l}.n")), Term::Int(1)),
            ));
        }
        and(fs)
    }

    /// A free boolean for an open reading in the request case `case` (recorded so that
    /// [`Encoder::unambiguous`] can exclude the case): `unsat` then holds under every reading.
    pub fn open_reading(&mut self, case: Formula) -> Formula {
        self.open_cases.push(case);
        self.fresh += 1;
        bool_var(format!("reading.{}", self.fresh))
    }

    /// A multi-valued key of the request whose value count makes an unqualified operator's
    /// meaning open (AWS documents only `ForAnyValue:`/`ForAllValues:` on sets), with the reason.
    pub fn reading_dependent(&self, r: &Request) -> Option<String> {
        self.reading_keys.iter().find_map(|l| {
            let n = r.context.get(l)?.as_slice().len();
            (n != 1).then(|| {
                format!(
                    "the answer depends on how AWS reads an operator without `ForAnyValue:`/`ForAllValues:` on \
                     the multi-valued key `{}` when it holds no value or several (the IAM User Guide does not say)",
                    self.keys.get(l).map_or(l.as_str(), |k| k.name.as_str())
                )
            })
        })
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
    /// [`OTHER_ACCOUNT`]).
    fn resource_index_domain(&self) -> Formula {
        let Some(a) = &self.resource_alphabet else { return TRUE };
        let idx = Term::int_var(RESOURCE_INDEX);
        let mut fs = vec![
            le(Term::Int(0), idx.clone()),
            lt(idx.clone(), Term::Int(a.reps.len() as i64)),
        ];
        for (r, class) in a.class.iter().enumerate() {
            let account = match class {
                AccountClass::Free => continue,
                AccountClass::Named(i) => a.accounts[*i].clone(),
                AccountClass::Fresh => OTHER_ACCOUNT.to_string(),
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
        if !pattern.is_ascii() {
            return self.fresh_bool(format!("non-ASCII action pattern `{pattern}`"));
        }
        match &self.alphabet {
            None => Self::wildcard(&pattern.to_ascii_lowercase(), Term::str_var(ACTION)),
            Some(a) => match a.pattern_index(pattern) {
                Some(p) => or(a
                    .matches
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| m[p])
                    .map(|(r, _)| eq(Term::int_var(ACTION_INDEX), Term::Int(r as i64)))
                    .collect::<Vec<_>>()),
                None => self.fresh_bool(format!("internal: action pattern `{pattern}` outside the alphabet")),
            },
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
        let f: Vec<Term> = (0..5).map(|i| Term::str_var(format!("resource.field{i}"))).collect();
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
        let field_is_account = not(or([eq(f[4].clone(), Term::str("")), eq(f[4].clone(), Term::str("*"))]));
        and([
            implies(has_field.clone(), and(split)),
            implies(
                and([has_field.clone(), field_is_account.clone()]),
                eq(account.clone(), f[4].clone()),
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

    /// The condition keys AWS derives from the principal, tied to each candidate. Each constraint
    /// is a necessary condition of real requests (it only removes impossible ones): a candidate that
    /// stands for many principals (a fresh user, role, account or service) only gets what all of
    /// them share.
    pub fn derived_keys(&self) -> Formula {
        let mut fs = Vec::new();
        let named: BTreeSet<&str> = self.candidates.iter().filter_map(|c| c.account()).collect();
        let account_exact = self.account_keys_compared_exactly();
        for (ci, who) in self.candidates.iter().enumerate() {
            let mut ties = Vec::new();
            let fresh_name = stands_for_many(who);
            match who {
                RequestPrincipal::Aws { arn, account, kind } => {
                    let partition = arn.split(':').nth(1).unwrap_or("aws");
                    let fresh_account = account == FRESH_ACCOUNT;
                    for key in ["aws:PrincipalAccount", "kms:CallerAccount"] {
                        if fresh_account && !account_exact {
                            let others: Vec<Formula> = named
                                .iter()
                                .filter(|a| **a != FRESH_ACCOUNT)
                                .filter_map(|a| self.tie_value(key, a))
                                .map(not)
                                .collect();
                            ties.push(implies(self.present(key, false), and(others)));
                        } else if let Some(v) = self.tie_value(key, account) {
                            ties.push(implies(self.present(key, false), v));
                        }
                    }
                    if self.keys.contains_key("kms:calleraccount") {
                        ties.push(implies(
                            self.action_pattern_ro("kms:*"),
                            self.present("kms:CallerAccount", false),
                        ));
                    }
                    self.tie_present(
                        &mut ties,
                        "aws:PrincipalAccount",
                        account_exact || !fresh_account,
                        account,
                    );
                    let ty = match kind {
                        AwsPrincipalKind::Root => "Account",
                        AwsPrincipalKind::User { .. } | AwsPrincipalKind::Other => "User",
                        AwsPrincipalKind::Role { .. } | AwsPrincipalKind::AssumedRole { .. } => "AssumedRole",
                        AwsPrincipalKind::FederatedUser { .. } => "FederatedUser",
                    };
                    if !matches!(kind, AwsPrincipalKind::Other) {
                        self.tie_present(&mut ties, "aws:PrincipalType", true, ty);
                    }
                    self.tie_present(&mut ties, "aws:PrincipalIsAWSService", true, "false");
                    if self.keys.contains_key("aws:principalservicename") {
                        ties.push(not(self.present("aws:PrincipalServiceName", false)));
                    }
                    match kind {
                        AwsPrincipalKind::User { name } => {
                            self.tie_present(&mut ties, "aws:username", !fresh_name, name);
                        }
                        _ if self.keys.contains_key("aws:username") => {
                            ties.push(not(self.present("aws:username", false)));
                        }
                        _ => {}
                    }
                    if let Some(k) = self
                        .keys
                        .get("aws:principalarn")
                        .filter(|k| k.ty == KeyType::Str && !k.mixed)
                    {
                        let exact = !fresh_name && !fresh_account;
                        let value = match kind {
                            AwsPrincipalKind::AssumedRole { role_name, .. } => {
                                // The role's path is not in the session ARN.
                                let prefix = format!("arn:{partition}:iam::{account}:role/");
                                Some(self.slots_all("aws:principalarn", k, |t| {
                                    if fresh_name {
                                        str_prefix(&prefix, t)
                                    } else {
                                        and([
                                            str_prefix(&prefix, t.clone()),
                                            or([
                                                eq(t.clone(), Term::str(format!("{prefix}{role_name}"))),
                                                str_suffix(&format!("/{role_name}"), t),
                                            ]),
                                        ])
                                    }
                                }))
                            }
                            _ if exact => self.tie_value("aws:PrincipalArn", arn),
                            AwsPrincipalKind::User { .. } if !fresh_account => {
                                let prefix = format!("arn:{partition}:iam::{account}:user/");
                                Some(self.slots_all("aws:principalarn", k, |t| str_prefix(&prefix, t)))
                            }
                            AwsPrincipalKind::Role { .. } if !fresh_account => {
                                let prefix = format!("arn:{partition}:iam::{account}:role/");
                                Some(self.slots_all("aws:principalarn", k, |t| str_prefix(&prefix, t)))
                            }
                            _ => None,
                        };
                        ties.push(self.present("aws:PrincipalArn", false));
                        if let Some(v) = value {
                            ties.push(v);
                        }
                    }
                }
                RequestPrincipal::Service(name) => {
                    self.tie_present(&mut ties, "aws:PrincipalServiceName", !fresh_name, name);
                    self.tie_present(&mut ties, "aws:PrincipalIsAWSService", true, "true");
                    for key in ["aws:principalarn", "aws:principalaccount", "aws:username"] {
                        if self.keys.contains_key(key) {
                            ties.push(not(self.present(key, false)));
                        }
                    }
                }
                RequestPrincipal::Anonymous | RequestPrincipal::Federated(_) => {}
            }
            if !ties.is_empty() {
                fs.push(implies(self.is_candidate(ci), and(ties)));
            }
        }
        and(fs)
    }

    /// Ties a key to be present with `value` (when `exact`), or only present.
    fn tie_present(&self, ties: &mut Vec<Formula>, key: &str, exact: bool, value: &str) {
        if !self.keys.contains_key(&key.to_lowercase()) {
            return;
        }
        ties.push(self.present(key, true));
        if exact {
            if let Some(v) = self.tie_value(key, value) {
                ties.push(v);
            }
        }
    }

    /// Every active value of a (present) key equals `value`; `None` when the key is not modelled
    /// exactly or is not read by any policy.
    fn tie_value(&self, key: &str, value: &str) -> Option<Formula> {
        let l = key.to_lowercase();
        let k = self.keys.get(&l)?;
        if k.mixed {
            return None;
        }
        let mut fs = Vec::new();
        for i in 0..k.slots {
            fs.push(implies(
                self.active(&l, k, i),
                fix_slot(&Self::slot(&l, i), k.ty, value, self.num_digits)?,
            ));
        }
        if k.multi {
            fs.push(eq(Term::int_var(format!("k.{l}.n")), Term::Int(1)));
        }
        Some(and(fs))
    }

    fn slots_all(&self, l: &str, k: &KeyModel, f: impl Fn(Term) -> Formula) -> Formula {
        and((0..k.slots)
            .map(|i| implies(self.active(l, k, i), f(Term::str_var(Self::slot(l, i)))))
            .collect::<Vec<_>>())
    }

    /// Whether every condition reading an account key compares it by exact string equality, so
    /// that the fresh account can stand for its own id.
    fn account_keys_compared_exactly(&self) -> bool {
        ["aws:principalaccount", "kms:calleraccount"].iter().all(|k| {
            self.keys.get(*k).is_none_or(|m| {
                !m.mixed
                    && m.ty == KeyType::Str
                    && m.atoms.iter().all(|a| {
                        a == "null"
                            || a.starts_with("property:")
                            || ((a.starts_with("Some(StringEquals)") || a.starts_with("Some(StringNotEquals)"))
                                && !a.contains('*')
                                && !a.contains('?')
                                && !a.contains("${")
                                && !a.contains(FRESH_ACCOUNT))
                    })
            })
        })
    }

    /// [`Encoder::action_pattern`] for patterns known to be in the alphabet (no approximation).
    fn action_pattern_ro(&self, pattern: &str) -> Formula {
        match &self.alphabet {
            None => Self::wildcard(&pattern.to_ascii_lowercase(), Term::str_var(ACTION)),
            Some(a) => match a.pattern_index(pattern) {
                Some(p) => or(a
                    .matches
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| m[p])
                    .map(|(r, _)| eq(Term::int_var(ACTION_INDEX), Term::Int(r as i64)))
                    .collect::<Vec<_>>()),
                None => TRUE,
            },
        }
    }

    /// A fresh unconstrained boolean standing for something not modelled (an over-approximation).
    /// Only for formulas that occur positively in the query (the policies' allows): there, more
    /// freedom only adds models, which the evaluator then confirms.
    pub fn approximate(&mut self, why: String) -> Formula {
        self.fresh_bool(why)
    }

    /// A fresh boolean for something not modelled in a formula that may occur negated (a
    /// property's own condition or fixed values): a model must be confirmed, and `unsat` proves
    /// nothing.
    pub fn unmodelled(&mut self, why: String) -> Formula {
        self.approx.under(why.clone());
        self.fresh_bool(why)
    }

    /// Records that the request space is restricted (a model is genuine, `unsat` proves nothing).
    pub fn restricted(&mut self, why: String) {
        self.approx.under(why);
    }

    fn fresh_bool(&mut self, why: String) -> Formula {
        self.approx.over(why);
        self.fresh += 1;
        bool_var(format!("approx.{}", self.fresh))
    }

    /// The principal index equals candidate `i`.
    pub fn is_candidate(&self, i: usize) -> Formula {
        eq(Term::int_var(PRINCIPAL), Term::Int(i as i64))
    }

    /// The domain constraints of the symbolic request.
    pub fn domain(&self) -> Formula {
        let mut fs = vec![
            le(Term::Int(0), Term::int_var(PRINCIPAL)),
            lt(Term::int_var(PRINCIPAL), Term::Int(self.candidates.len() as i64)),
        ];
        for (l, k) in &self.keys {
            if k.multi {
                let n = Term::int_var(format!("k.{l}.n"));
                fs.push(le(Term::Int(0), n.clone()));
                fs.push(le(n, Term::Int(k.slots as i64)));
            }
        }
        if let Some(a) = &self.alphabet {
            fs.push(le(Term::Int(0), Term::int_var(ACTION_INDEX)));
            fs.push(lt(Term::int_var(ACTION_INDEX), Term::Int(a.reps.len() as i64)));
        }
        fs.push(self.resource_index_domain());
        fs.push(self.derived_keys());
        and(fs)
    }

    /// Actions are lowercase printable ASCII, like the lowercased patterns they are matched with.
    ///
    /// INVARIANT: this constraint is added lazily (see `run::check`): a query without it is only
    /// weaker, so its `unsat` stands; a model whose action breaks it is re-solved with it.
    pub fn action_domain() -> Formula {
        in_re(
            Term::str_var(ACTION),
            Regex::Star(Box::new(Regex::Union(vec![
                Regex::Range(' ', '@'),
                Regex::Range('[', '~'),
            ]))),
        )
    }

    /// Whether an action is in the domain of [`Encoder::action_domain`].
    pub fn action_in_domain(action: &str) -> bool {
        action
            .chars()
            .all(|c| (' '..='~').contains(&c) && !c.is_ascii_uppercase())
    }

    // -----------------------------------------------------------------------------------------
    // Wildcards.

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
        // Under the strict reading, a `*` before the pattern's fifth colon never matches `:`.
        let first_five = if reading.early_stars_cross {
            0
        } else {
            pattern.match_indices(':').nth(4).map_or(0, |(i, _)| i)
        };
        let cross = |i: usize| i >= first_five && matches!(pattern[i..].chars().find(|c| *c != '*'), None | Some(':'));
        let crossing_only =
            !pattern.contains('?') && pattern.char_indices().filter(|(_, c)| *c == '*').all(|(i, _)| cross(i));
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
        for (i, c) in pattern.char_indices() {
            if !matches!(c, '*' | '?') {
                lit.push(c);
                continue;
            }
            if !lit.is_empty() {
                parts.push(Regex::Lit(std::mem::take(&mut lit)));
            }
            parts.push(match c {
                '*' if cross(i) => Regex::All,
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
    fn arn_wildcard(pattern: &str, t: Term) -> Formula {
        if pattern.split(':').count() < 6 {
            return Self::wildcard(pattern, t);
        }
        let parts: Vec<&str> = pattern.splitn(6, ':').collect();
        if parts[..5].iter().all(|p| !p.contains(['*', '?'])) {
            // The first five components are literal: a prefix plus the resource component.
            let prefix = format!("{}:", parts[..5].join(":"));
            return Self::wildcard(&format!("{prefix}{}", parts[5]), t);
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
    fn resolve(&mut self, s: &str) -> Result<Option<Alternatives>, String> {
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
    fn text(&mut self, s: &str, substitute: bool) -> Result<Vec<(Formula, Term)>, String> {
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

    // -----------------------------------------------------------------------------------------
    // Statements.

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

    // -----------------------------------------------------------------------------------------
    // Conditions.

    fn key_vars(&self, key: &str) -> Option<(String, KeyModel)> {
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
    fn active(&self, l: &str, k: &KeyModel, i: usize) -> Formula {
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
            let alts = cond.values.iter().map(|v| {
                let t = v.value.as_text();
                if t.eq_ignore_ascii_case("true") {
                    not(present.clone())
                } else if t.eq_ignore_ascii_case("false") {
                    present.clone()
                } else {
                    FALSE
                }
            });
            return or(alts.collect::<Vec<_>>());
        }
        if k.mixed {
            return self.fresh_bool(format!("key `{}` is read with several value types", k.name));
        }
        let negated = op.operator.is_negated();
        let missing = op.if_exists
            || match op.qualifier {
                Some(SetQualifier::ForAllValues) => true,
                Some(SetQualifier::ForAnyValue) => false,
                None => negated,
            };
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
        let flip = |f: Formula| if negated { not(f) } else { f };
        // An unqualified operator on a set: only the one-value case has a documented meaning.
        let open_reading = op.qualifier.is_none() && k.multi;
        let present_result = match op.qualifier {
            None => flip(or(slots
                .iter()
                .map(|(a, p)| and([a.clone(), p.clone()]))
                .collect::<Vec<_>>())),
            Some(SetQualifier::ForAnyValue) => or(slots
                .iter()
                .map(|(a, p)| and([a.clone(), flip(p.clone())]))
                .collect::<Vec<_>>()),
            Some(SetQualifier::ForAllValues) => and(slots
                .iter()
                .map(|(a, p)| implies(a.clone(), flip(p.clone())))
                .collect::<Vec<_>>()),
        };
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
            and([not(present), Formula::Const(missing)]),
        ])
    }

    fn slot(l: &str, i: usize) -> String {
        format!("k.{l}.{i}")
    }

    fn value_matches(
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
            (BinaryEquals, KeyType::Str) => self.fresh_bool("BinaryEquals is not modelled".into()),
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
            _ => FALSE,
        }
    }

    // -----------------------------------------------------------------------------------------
    // Decoding.

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

    fn decode_slot(&self, a: &Assignment, l: &str, k: &KeyModel, i: usize) -> String {
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
            principal: self.candidates.get(idx)?.clone(),
            action: self.decode_action(a),
            resource,
            resource_account,
            context: self.decode_context(a),
        })
    }

    /// Formulas fixing every request variable to the values of `req` (for the differential test);
    /// `None` when the request is outside the modelled space.
    pub fn fix(&self, req: &Request) -> Option<Vec<Formula>> {
        let idx = self.candidates.iter().position(|c| *c == req.principal)?;
        let account = match req.resource_account() {
            Some(a) => a.to_string(),
            // The evaluator takes an S3 resource to be in the principal's account.
            None => req.principal.account().unwrap_or(OTHER_ACCOUNT).to_string(),
        };
        let account = if !self.resource_accounts.contains(&account)
            && (arn_account(&req.resource).is_none() || self.resource_alphabet.is_some())
        {
            OTHER_ACCOUNT.to_string()
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

fn compare(op: ConditionOperator, r: Term, p: Term) -> Formula {
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

/// Epoch nanoseconds of a date as the evaluator parses it (`tenet_ast::eval::parse_date`), when it
/// fits the solver's 64-bit integers.
pub fn parse_date_nanos(s: &str) -> Option<i64> {
    tenet_ast::eval::parse_date(s).and_then(|n| i64::try_from(n).ok())
}

fn parse_cidr(s: &str) -> Option<(IpAddr, u8)> {
    tenet_ast::eval::parse_cidr(s).map(|c| (c.addr(), c.prefix()))
}

/// A regex for a `*`/`?` glob; with `component`, wildcards do not match `:`.
fn glob_regex(pattern: &str, component: bool) -> Regex {
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
fn case_insensitive_regex(s: &str) -> Regex {
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
type Alternatives = Vec<(Formula, Vec<Seg>)>;

/// A segment of a substituted string.
#[derive(Clone, Debug)]
enum Seg {
    /// Policy text: wildcards active.
    Pattern(String),
    /// Literal text.
    Lit(String),
    /// A variable's value.
    Term(Term),
}

/// Matches segments against `t` when the shape is modelled exactly: no wildcard at all (equality
/// with the concatenation) or one trailing `*` (prefix).
fn segs_match(segs: &[Seg], t: Term) -> Option<Formula> {
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
                if body.0.contains(['*', '?']) {
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

// ---------------------------------------------------------------------------------------------
// Policies and the decision.

/// Statement bodies computed once per policy.
/// The value a model gives a request part that is either chosen by index from representatives
/// (`reps`, read from `index_var`) or a free string (`string_var`); empty when the model omits it.
fn decode_choice(a: &Assignment, reps: Option<&[String]>, index_var: &str, string_var: &str) -> String {
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
