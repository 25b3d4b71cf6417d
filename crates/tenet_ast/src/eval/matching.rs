//! Matching of the statement elements: `*`/`?` wildcards, policy variables, and the `Principal`,
//! `Action` and `Resource` elements (the ARN wildcard rules of `Resource` are in `arn_wildcards`).
use std::borrow::Cow;

use tenet_catalog::wildcard::{chars_match, glob_by};

use super::arn_wildcards::{arn_match_tokens, arn_pattern_match, arn_tokens, ArnReading};
use super::principal::RequestPrincipal;
use super::principal_match::principal_match_as;
use super::Request;
use crate::policy::{ElementList, Policy, Statement};

pub use crate::semantics::wildcard_match;

/// One element of a resolved pattern: wildcards come only from policy text; characters produced by
/// variables (and by `${*}`, `${?}`, `${$}`) are literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    Ch(char),
    Star,
    One,
}

impl Tok {
    pub(crate) fn from_policy_char(c: char) -> Tok {
        match c {
            '*' => Tok::Star,
            '?' => Tok::One,
            c => Tok::Ch(c),
        }
    }
}

/// [`wildcard_match`] on a resolved pattern, with the same glob (the catalog's).
pub(crate) fn glob_tokens(pattern: &[Tok], text: &[char], case_insensitive: bool) -> bool {
    let eq = |p: &Tok, t: &char| match p {
        Tok::Ch(c) => chars_match(*c, *t, case_insensitive),
        _ => false,
    };
    glob_by(pattern, text, |p| *p == Tok::Star, |p| *p == Tok::One, eq)
}

// ---------------------------------------------------------------------------------------------
// Policy variables.

/// One piece of a string that may hold policy variables.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Policy text (wildcards active).
    Text(&'a str),
    /// `${key}` or `${key, 'default'}` (the default still has its `''` escapes).
    Var {
        /// The context key.
        key: &'a str,
        /// The default, with its `''` escapes.
        default: Option<&'a str>,
    },
    /// `${*}`, `${?}` or `${$}`: a literal character.
    Literal(char),
    /// A malformed `${…}` with a closing brace: it resolves to nothing.
    Invalid,
}

/// Splits a string into pieces. An unclosed `${` is plain text. The prover encodes the same pieces,
/// so both read variables alike.
pub fn scan(s: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = s;
    while let Some((text, var)) = rest.find("${").and_then(|start| rest.split_at_checked(start)) {
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        let parsed = var.strip_prefix("${").and_then(|body| {
            let (piece, used) = parse_var(body)?;
            Some((piece, body.get(used..)?))
        });
        match parsed {
            Some((piece, after)) => {
                pieces.push(piece);
                rest = after;
            }
            None => {
                pieces.push(Piece::Text(var));
                rest = "";
            }
        }
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest));
    }
    pieces
}

/// Parses the inside of `${…}` (after `${`); returns the piece and the bytes consumed including `}`,
/// or `None` when there is no closing brace at all.
fn parse_var(body: &str) -> Option<(Piece<'_>, usize)> {
    let bytes = body.as_bytes();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while bytes.get(*i) == Some(&b' ') {
            *i += 1;
        }
    };
    // On a syntax error, the variable runs to the next `}` and resolves to nothing.
    let invalid = |from: usize| body.get(from..)?.find('}').map(|j| (Piece::Invalid, from + j + 1));
    skip_ws(&mut i);
    let key_start = i;
    while bytes.get(i).is_some_and(|b| !matches!(b, b',' | b'}' | b' ')) {
        i += 1;
    }
    // The key stops at an ASCII byte or at the end, so it is whole characters.
    let key = body.get(key_start..i).unwrap_or_default();
    skip_ws(&mut i);
    if key.is_empty() {
        return invalid(i);
    }
    match bytes.get(i) {
        Some(b'}') => {
            let piece = match key {
                "*" => Piece::Literal('*'),
                "?" => Piece::Literal('?'),
                "$" => Piece::Literal('$'),
                _ => Piece::Var { key, default: None },
            };
            Some((piece, i + 1))
        }
        Some(b',') => {
            i += 1;
            skip_ws(&mut i);
            if bytes.get(i) != Some(&b'\'') {
                return invalid(i);
            }
            i += 1;
            let default_start = i;
            loop {
                match bytes.get(i) {
                    None => return invalid(default_start),
                    Some(b'\'') if bytes.get(i + 1) == Some(&b'\'') => i += 2,
                    Some(b'\'') => break,
                    Some(_) => i += 1,
                }
            }
            let Some(default) = body.get(default_start..i) else {
                return invalid(i);
            };
            i += 1;
            skip_ws(&mut i);
            if bytes.get(i) != Some(&b'}') {
                return invalid(i);
            }
            Some((
                Piece::Var {
                    key,
                    default: Some(default),
                },
                i + 1,
            ))
        }
        _ => invalid(i),
    }
}

/// The value of a variable, or `None` when it cannot be resolved.
///
/// NOTE: a variable whose key is missing from the context, or is multi-valued, resolves to its
/// default if it has one and otherwise makes the whole string unresolvable, which then matches
/// nothing (IAM User Guide, "Policy variables with no value": the element with the unresolved
/// variable does not match). Defaults undo their `''` escapes.
fn var_value<'r>(key: &str, default: Option<&'r str>, request: &'r Request) -> Option<Cow<'r, str>> {
    match request.context.get(key) {
        Some(super::ContextValue::Single(v)) => Some(Cow::Borrowed(v.as_str())),
        _ => default.map(|d| {
            if d.contains("''") {
                Cow::Owned(d.replace("''", "'"))
            } else {
                Cow::Borrowed(d)
            }
        }),
    }
}

/// Substitutes variables into plain text (for operators without wildcards). `None`: unresolvable.
pub(crate) fn resolve_text<'a>(s: &'a str, substitute: bool, request: &Request) -> Option<Cow<'a, str>> {
    if !substitute || !s.contains("${") {
        return Some(Cow::Borrowed(s));
    }
    let mut out = String::with_capacity(s.len());
    for piece in scan(s) {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Literal(c) => out.push(c),
            Piece::Var { key, default } => out.push_str(&var_value(key, default, request)?),
            Piece::Invalid => return None,
        }
    }
    Some(Cow::Owned(out))
}

/// A wildcard pattern after variable substitution.
pub(crate) enum Pattern<'a> {
    /// No variables: the policy text itself.
    Plain(&'a str),
    /// Substituted: wildcards only where the policy text had them.
    Tokens(Vec<Tok>),
    /// A variable could not be resolved: matches nothing.
    Unresolvable,
}

/// Substitutes variables into a wildcard pattern.
pub(crate) fn resolve_pattern<'a>(s: &'a str, substitute: bool, request: &Request) -> Pattern<'a> {
    if !substitute || !s.contains("${") {
        return Pattern::Plain(s);
    }
    let mut toks = Vec::with_capacity(s.len());
    for piece in scan(s) {
        match piece {
            Piece::Text(t) => toks.extend(t.chars().map(Tok::from_policy_char)),
            Piece::Literal(c) => toks.push(Tok::Ch(c)),
            Piece::Var { key, default } => match var_value(key, default, request) {
                Some(v) => toks.extend(v.chars().map(Tok::Ch)),
                None => return Pattern::Unresolvable,
            },
            Piece::Invalid => return Pattern::Unresolvable,
        }
    }
    Pattern::Tokens(toks)
}

impl Pattern<'_> {
    /// Whether the whole text matches.
    pub(crate) fn matches(&self, text: &str, case_insensitive: bool) -> bool {
        match self {
            Pattern::Plain(p) => wildcard_match(p, text, case_insensitive),
            Pattern::Tokens(toks) => {
                let text: Vec<char> = text.chars().collect();
                glob_tokens(toks, &text, case_insensitive)
            }
            Pattern::Unresolvable => false,
        }
    }

    /// `Resource`-element matching of the whole text (see [`arn_pattern_match`]; case-sensitive).
    pub(crate) fn matches_resource(&self, text: &str) -> bool {
        match self {
            Pattern::Plain(p) => arn_pattern_match(p, text),
            Pattern::Tokens(toks) => arn_match_tokens(&arn_tokens(toks.iter().copied(), ArnReading::DOCUMENTED), text),
            Pattern::Unresolvable => false,
        }
    }

    /// ARN matching (`Arn*` operators): each of the six colon-separated components is matched
    /// separately, so a wildcard in one component never spans a colon (the sixth component, the
    /// resource, runs to the end and may hold colons). Case-sensitive.
    ///
    /// NOTE: a pattern with fewer than six components (such as `*`) is matched against the whole
    /// text; a text with fewer than six components matches no six-component pattern.
    pub(crate) fn matches_arn(&self, text: &str) -> bool {
        let toks: Vec<Tok> = match self {
            Pattern::Unresolvable => return false,
            Pattern::Plain(p) => {
                if p.bytes().filter(|b| *b == b':').count() < 5 {
                    return wildcard_match(p, text, false);
                }
                if text.bytes().filter(|b| *b == b':').count() < 5 {
                    return false;
                }
                // Without variables, compare component by component without allocating.
                return p
                    .splitn(6, ':')
                    .zip(text.splitn(6, ':'))
                    .all(|(pc, tc)| wildcard_match(pc, tc, false));
            }
            Pattern::Tokens(t) => t.clone(),
        };
        // The first five colons split the pattern into the six ARN components.
        let pattern_parts: Vec<&[Tok]> = toks.splitn(6, |t| *t == Tok::Ch(':')).collect();
        if pattern_parts.len() < 6 {
            let text: Vec<char> = text.chars().collect();
            return glob_tokens(&toks, &text, false);
        }
        let text_parts: Vec<&str> = text.splitn(6, ':').collect();
        if text_parts.len() < 6 {
            return false;
        }
        pattern_parts.iter().zip(&text_parts).all(|(p, t)| {
            let t: Vec<char> = t.chars().collect();
            glob_tokens(p, &t, false)
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Statements.

/// How a statement's principal element names the request principal, weakest first.
///
/// The decision logic (`evaluate`) and the prover's symbolic encoding both branch on this class:
/// `Account` delegates to the account's IAM policies, `Capped` is a grant that boundaries and
/// session policies cap, `Direct` is a grant that stands alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PrincipalMatch {
    /// Not named.
    No,
    /// Named only through its account (root ARN or account id): a delegation to the account's IAM
    /// policies, not a grant by itself.
    Account,
    /// Named through the role of a session, through `*`, or by `NotPrincipal`: a grant that the
    /// permissions boundary and the session policy still cap.
    Capped,
    /// Named exactly (IAM user, role session, federated user, service, root by its own ARN), or the
    /// statement has no principal element (identity policies): not capped.
    Direct,
}

/// Matches a whole statement; `PrincipalMatch::No` when it does not apply.
///
/// `boundary_quirk`: the principal has a permissions boundary and the statement is a resource-policy
/// `Deny`; AWS then applies a `NotPrincipal` statement whatever it lists (IAM User Guide,
/// "NotPrincipal": "will always deny any IAM principal that has a permissions boundary policy
/// attached, regardless of the values specified in the NotPrincipal element").
pub(crate) fn statement_match(
    stmt: &Statement,
    policy: &Policy,
    request: &Request,
    boundary_quirk: bool,
) -> PrincipalMatch {
    statement_match_as(stmt, policy, request, None, boundary_quirk)
}

/// [`statement_match`] for a federated-user session whose federating IAM user is `federator` (see
/// [`super::principal_match_as`]).
pub(crate) fn statement_match_as(
    stmt: &Statement,
    policy: &Policy,
    request: &Request,
    federator: Option<&RequestPrincipal>,
    boundary_quirk: bool,
) -> PrincipalMatch {
    let principal = match &stmt.principal {
        None => PrincipalMatch::Direct,
        Some(p) => principal_match_as(&p.value, &request.principal, federator, boundary_quirk),
    };
    if principal != PrincipalMatch::No && statement_body_matches(stmt, policy, request) {
        principal
    } else {
        PrincipalMatch::No
    }
}

/// Whether a statement's `Action`/`NotAction`, `Resource`/`NotResource` (a missing `Resource`
/// matches, as in trust policies) and conditions all match the request; its principal element and
/// effect are not looked at.
pub(crate) fn statement_body_matches(stmt: &Statement, policy: &Policy, request: &Request) -> bool {
    let Some(action) = &stmt.action else {
        return false;
    };
    if !action_matches(&action.value, &request.action) {
        return false;
    }
    let substitute = policy.substitutes_variables();
    // NOTE: a missing Resource element matches every resource, as in role trust policies; the
    // lowering reports it where the element is required.
    if let Some(resource) = &stmt.resource {
        if !resource_matches(&resource.value, &request.resource, substitute, request) {
            return false;
        }
    }
    stmt.conditions()
        .iter()
        .all(|c| super::condition::condition_holds(c, substitute, request))
}

/// `Action`/`NotAction`: case-insensitive wildcard match; variables are not substituted in actions.
fn action_matches(list: &ElementList, action: &str) -> bool {
    let any = list.items.iter().any(|p| wildcard_match(&p.value, action, true));
    any != list.negated.value
}

/// `Resource`/`NotResource`: case-sensitive ARN wildcard match (see [`arn_pattern_match`]), with
/// variables.
fn resource_matches(list: &ElementList, resource: &str, substitute: bool, request: &Request) -> bool {
    let any = list
        .items
        .iter()
        .any(|p| resolve_pattern(&p.value, substitute, request).matches_resource(resource));
    any != list.negated.value
}
