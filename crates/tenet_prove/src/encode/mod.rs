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
use crate::principals::{mentioned_accounts, unnamed_account, Candidate};
use crate::resources::{possibly_ambiguous, AccountClass, ResourceAlphabet};
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use tenet_ast::eval::{
    arn_star_crossings, scan_variables, ArnReading, AwsPrincipalKind, Context, ContextValue, Request, RequestPrincipal,
    VariablePiece as Piece,
};
use tenet_ast::semantics::has_wildcard;
use tenet_ast::{Condition, ConditionOperator, ElementList, Policy, Statement};

mod alphabet;
mod conditions;
mod keys;
mod patterns;
mod values;

pub use conditions::parse_date_nanos;
pub use values::{fix_slot, number_units, units_text, NotRepresentable, MAX_NUM_DIGITS, MIN_NUM_DIGITS};

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
    atoms: Vec<Atom>,
}

/// What reads a key, as counted by the bound on a multi-valued key: two conditions that test the
/// same predicate on each value (the same base operator and the same values, wherever they are
/// written) need one witness value between them, so they are one atom.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Atom {
    /// A `Null` condition (it reads only presence).
    Null,
    /// A condition: its base operator (`None`: a name IAM does not know) and the values IAM
    /// compares, as text, sorted and without duplicates (the values are ORed).
    Condition {
        operator: Option<ConditionOperator>,
        values: Vec<String>,
    },
    /// A `${key}` variable in a resource pattern or a condition value.
    Variable,
    /// The property names the key.
    Property,
}

impl Atom {
    fn of(c: &Condition) -> Atom {
        match c.parsed.map(|o| o.operator) {
            Some(ConditionOperator::Null) => Atom::Null,
            operator => {
                let mut values: Vec<String> = c.values.iter().map(|v| v.value.as_text().into_owned()).collect();
                values.sort();
                values.dedup();
                Atom::Condition { operator, values }
            }
        }
    }
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
    /// The candidate principals, with their origins.
    pub candidates: Vec<Candidate>,
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
    /// accounts: the candidates' accounts, the accounts in resource patterns, and one more
    /// ([`Encoder::other_account`]).
    pub resource_accounts: Vec<String>,
    /// A resource account that is no candidate's and that nothing names: [`OTHER_ACCOUNT`], or
    /// the next lower id nothing names.
    pub other_account: String,
    /// The account ids the policies mention anywhere (the other account is none of them).
    mentioned: BTreeSet<String>,
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
    pub(crate) open_cases: Vec<Formula>,
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
/// The reading of the ARN wildcard rules: a `*` inside an S3 key that does not end a segment may
/// match `:`.
pub const READING_KEY_STARS: &str = "reading.key_stars_cross";
/// The variable of the resource's index into [`ResourceAlphabet::reps`].
pub const RESOURCE_INDEX: &str = "resource.index";
/// The preferred id of the account named nowhere, distinct from the fresh account (see
/// [`crate::principals::FRESH_ACCOUNT`]), that stands for a resource account in no candidate's
/// account (see [`Encoder::other_account`]).
pub const OTHER_ACCOUNT: &str = "999999999998";

/// The account field of a resource ARN as the evaluator reads it (`Request::resource_account`).
pub use tenet_ast::eval::arn_account;

/// The account of a resource pattern whose first five components are literal.
pub fn pattern_account(pattern: &str) -> Option<&str> {
    let mut parts = pattern.splitn(6, ':');
    let literal = parts.by_ref().take(5).all(|p| !has_wildcard(p) && !p.contains('$'));
    if !literal || parts.next().is_none() {
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
    pub fn new(policies: &[&Policy], candidates: Vec<Candidate>, property_keys: &[String]) -> Encoder {
        let mut keys: BTreeMap<String, KeyModel> = BTreeMap::new();
        let note = |keys: &mut BTreeMap<String, KeyModel>, name: &str, ty: Option<KeyType>, set: bool, atom: Atom| {
            let e = keys.entry(name.to_lowercase()).or_insert_with(|| KeyModel {
                name: name.to_string(),
                ty: ty.unwrap_or(KeyType::Str),
                mixed: false,
                multi: false,
                slots: 1,
                atoms: Vec::new(),
            });
            if let Some(t) = ty {
                if e.atoms.iter().all(|a| *a == Atom::Null) && e.ty != t && !e.mixed {
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
                                note(&mut keys, &k, Some(KeyType::Str), false, Atom::Variable);
                            }
                        }
                    }
                }
                for c in s.value.conditions() {
                    let (ty, set) = match c.parsed {
                        Some(op) => (family_type(op.operator), op.qualifier.is_some()),
                        None => (None, false),
                    };
                    note(&mut keys, &c.key.value, ty, set, Atom::of(c));
                    if subst {
                        for v in &c.values {
                            for k in variable_keys(&v.value.as_text()) {
                                note(&mut keys, &k, Some(KeyType::Str), false, Atom::Variable);
                            }
                        }
                    }
                }
            }
        }
        for k in property_keys {
            note(&mut keys, k, None, false, Atom::Property);
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
        let mut mentioned = mentioned_accounts(policies, &[]);
        mentioned.extend(resource_accounts.iter().cloned());
        let other_account = unnamed_account(OTHER_ACCOUNT, |id| mentioned.contains(id));
        resource_accounts.insert(other_account.clone());
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
            other_account,
            mentioned,
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
                self.mentioned.insert(a.to_string());
                if a == self.other_account {
                    // The property names the other account: another id stands for the unnamed.
                    let mentioned = &self.mentioned;
                    self.other_account = unnamed_account(OTHER_ACCOUNT, |id| mentioned.contains(id));
                    self.resource_accounts.push(self.other_account.clone());
                } else if !self.resource_accounts.iter().any(|x| x == a) {
                    self.resource_accounts.push(a.to_string());
                }
            }
        }
        if !resources.is_empty() {
            self.resource_patterns.extend(resources.iter().cloned());
            self.rebuild_resource_alphabet();
        }
    }

    /// Every reading of every policy pattern agrees on the resource (it puts no `:` where only a
    /// `?`, a `*` ending one of the first five components, or a `*` inside an S3 key, could match
    /// it).
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
}
