//! The nom parser of the property language. Each function parses the nonterminal of the same name in
//! `grammar/property.ebnf`; errors carry the byte offset of the offending token and what was expected.
//!
//! Every parser receives `src` (the whole file) beside its input `i` (always a suffix of `src`), so a
//! span is `src.len() - i.len()`.

use super::ast::*;
use super::lexer::{cut, fail, kw, punct, span, token, R};
pub use super::lexer::{string, string_list, strings, ws, PErr};
use nom::bytes::complete::take_while1;
use nom::Parser as _;
use tenet_ast::semantics::is_account_id;
use tenet_diagnostics::Spanned;

/// `action = token | string ;`
pub fn action<'a>(src: &'a str, i: &'a str) -> R<'a, String> {
    if let Ok((rest, s)) = string(src, i) {
        return Ok((rest, s.value));
    }
    let (rest, t) = token(src, i)?;
    if !t.value.contains(':') && t.value != "*" {
        return cut(fail(
            i.trim_start(),
            "an action such as `s3:GetObject` (service prefix, `:`, name)",
        ));
    }
    Ok((rest, t.value))
}

/// `actions = action { "," action } ;`
pub fn actions<'a>(src: &'a str, i: &'a str) -> R<'a, Vec<String>> {
    let (mut i, first) = cut(action(src, i))?;
    let mut out = vec![first];
    while let Ok((rest, _)) = punct(",")(i) {
        let (rest, a) = cut(action(src, rest))?;
        out.push(a);
        i = rest;
    }
    Ok((i, out))
}

/// `resource = [ "key" | "bucket" | "object" ] string ;` (the qualifier is documentation).
pub fn resource<'a>(src: &'a str, i: &'a str) -> R<'a, String> {
    let i = ["key", "bucket", "object"]
        .into_iter()
        .find_map(|w| kw(w)(i).ok().map(|(r, _)| r))
        .unwrap_or(i);
    let (rest, s) = cut(string(src, i))?;
    Ok((rest, s.value))
}

/// `resources = resource { "," resource } ;`
pub fn resources<'a>(src: &'a str, i: &'a str) -> R<'a, Vec<String>> {
    let (mut i, first) = resource(src, i)?;
    let mut out = vec![first];
    while let Ok((rest, _)) = punct(",")(i) {
        let (rest, r) = resource(src, rest)?;
        out.push(r);
        i = rest;
    }
    Ok((i, out))
}

/// `owned_by = "owned" "by" string ;` (a 12-digit account id): the account that owns the resources
/// of a property, which S3 ARNs do not carry.
pub fn owned_by<'a>(src: &'a str, i: &'a str) -> R<'a, Option<String>> {
    let Ok((i, _)) = kw("owned")(i) else {
        return Ok((i, None));
    };
    let (i, _) = cut(kw("by")(i))?;
    let (i, _) = ws(i)?;
    let start = i;
    let (i, acct) = cut(string(src, i))?;
    if !is_account_id(&acct.value) {
        return cut(fail(
            start,
            format!("a 12-digit account id (`{}` is not one)", acct.value),
        ));
    }
    Ok((i, Some(acct.value)))
}

/// `principal_filter = "for" "principal" ( "outside" ( "accounts" string_list | "organization" )
///                   | "in" "accounts" string_list | strings ) ;`
pub fn principal_filter<'a>(src: &'a str, i: &'a str) -> R<'a, Option<PrincipalFilter>> {
    let Ok((i, _)) = kw("for")(i) else {
        return Ok((i, None));
    };
    let (i, _) = cut(kw("principal")(i))?;
    if let Ok((i, _)) = kw("outside")(i) {
        if let Ok((i, _)) = kw("organization")(i) {
            return Ok((i, Some(PrincipalFilter::OutsideOrganization(None))));
        }
        let (i, _) = cut(kw("accounts")(i)).map_err(|e| {
            e.map(|e| PErr {
                expected: "`accounts [...]` or `organization`".into(),
                ..e
            })
        })?;
        let (i, l) = cut(strings(src, i))?;
        return Ok((i, Some(PrincipalFilter::OutsideAccounts(l))));
    }
    if let Ok((i, _)) = kw("in")(i) {
        let (i, _) = cut(kw("accounts")(i))?;
        let (i, l) = cut(strings(src, i))?;
        return Ok((i, Some(PrincipalFilter::InAccounts(l))));
    }
    let (i, l) = cut(strings(src, i)).map_err(|e| {
        e.map(|e| PErr {
            expected: "`outside accounts`, `in accounts` or principal strings".into(),
            ..e
        })
    })?;
    Ok((i, Some(PrincipalFilter::Is(l))))
}

/// `condition = cond_and { "or" cond_and } ;`
pub fn condition<'a>(src: &'a str, i: &'a str) -> R<'a, Cond> {
    let (mut i, first) = cond_and(src, i)?;
    let mut alts = vec![first];
    while let Ok((rest, _)) = kw("or")(i) {
        let (rest, c) = cut(cond_and(src, rest))?;
        alts.push(c);
        i = rest;
    }
    Ok((
        i,
        if alts.len() == 1 {
            alts.remove(0)
        } else {
            Cond::Or(alts)
        },
    ))
}

/// `cond_and = cond_unary { "and" cond_unary } ;`
pub fn cond_and<'a>(src: &'a str, i: &'a str) -> R<'a, Cond> {
    let (mut i, first) = cond_unary(src, i)?;
    let mut all = vec![first];
    while let Ok((rest, _)) = kw("and")(i) {
        let (rest, c) = cut(cond_unary(src, rest))?;
        all.push(c);
        i = rest;
    }
    Ok((i, if all.len() == 1 { all.remove(0) } else { Cond::And(all) }))
}

/// `cond_unary = "not" cond_unary | "(" condition ")" | cond_atom ;`
pub fn cond_unary<'a>(src: &'a str, i: &'a str) -> R<'a, Cond> {
    if let Ok((rest, _)) = kw("not")(i) {
        let (rest, c) = cut(cond_unary(src, rest))?;
        return Ok((rest, Cond::Not(Box::new(c))));
    }
    if let Ok((rest, _)) = punct("(")(i) {
        let (rest, c) = cut(condition(src, rest))?;
        let (rest, _) = cut(punct(")")(rest))?;
        return Ok((rest, c));
    }
    cond_atom(src, i)
}

/// `cond_atom = key ( "=" strings | "like" strings | "is" "present" | "is" "absent" ) ;`
pub fn cond_atom<'a>(src: &'a str, i: &'a str) -> R<'a, Cond> {
    let (i, key) = cut(token(src, i))?;
    if let Ok((rest, _)) = punct("=")(i) {
        let (rest, v) = cut(strings(src, rest))?;
        return Ok((rest, Cond::Equals(key, v)));
    }
    if let Ok((rest, _)) = kw("like")(i) {
        let (rest, v) = cut(strings(src, rest))?;
        return Ok((rest, Cond::Like(key, v)));
    }
    if let Ok((rest, _)) = kw("is")(i) {
        if let Ok((rest, _)) = kw("present")(rest) {
            return Ok((rest, Cond::Present(key)));
        }
        let (rest, _) = cut(kw("absent")(rest)).map_err(|e| {
            e.map(|e| PErr {
                expected: "`present` or `absent`".into(),
                ..e
            })
        })?;
        return Ok((rest, Cond::Not(Box::new(Cond::Present(key)))));
    }
    cut(fail(i.trim_start(), "`=`, `like` or `is` after the condition key"))
}

/// `given = key "=" strings ;`
pub fn given<'a>(src: &'a str, i: &'a str) -> R<'a, (Spanned<String>, Vec<String>)> {
    let (i, key) = cut(token(src, i))?;
    let (i, _) = cut(punct("=")(i))?;
    let (i, v) = cut(strings(src, i))?;
    Ok((i, (key, v)))
}

/// `never = "never" "allow" actions "on" resources [ owned_by ] [ principal_filter ] ;`
pub fn never<'a>(src: &'a str, i: &'a str) -> R<'a, PropertyKind> {
    let (i, _) = kw("never")(i)?;
    let (i, _) = cut(kw("allow")(i))?;
    let (i, actions) = actions(src, i)?;
    let (i, _) = cut(kw("on")(i))?;
    let (i, resources) = resources(src, i)?;
    let (i, owner) = owned_by(src, i)?;
    let (i, principal) = principal_filter(src, i)?;
    Ok((
        i,
        PropertyKind::Never {
            actions,
            resources,
            owner,
            principal,
        },
    ))
}

/// `only = "only" "allow" actions "on" resources [ owned_by ] [ principal_filter ] "when" condition ;`
pub fn only<'a>(src: &'a str, i: &'a str) -> R<'a, PropertyKind> {
    let (i, _) = kw("only")(i)?;
    let (i, _) = cut(kw("allow")(i))?;
    let (i, actions) = actions(src, i)?;
    let (i, _) = cut(kw("on")(i))?;
    let (i, resources) = resources(src, i)?;
    let (i, owner) = owned_by(src, i)?;
    let (i, principal) = principal_filter(src, i)?;
    let (i, _) = cut(kw("when")(i))?;
    let (i, condition) = cut(condition(src, i))?;
    Ok((
        i,
        PropertyKind::Only {
            actions,
            resources,
            owner,
            principal,
            condition,
        },
    ))
}

/// `can = "can" "principal" string "do" action "on" resource [ owned_by ] [ "given" given { "," given } ] ;`
pub fn can<'a>(src: &'a str, i: &'a str) -> R<'a, PropertyKind> {
    let (i, _) = kw("can")(i)?;
    let (i, _) = cut(kw("principal")(i))?;
    let (i, principal) = cut(string(src, i))?;
    let (i, _) = cut(kw("do")(i))?;
    let (i, action) = cut(action(src, i))?;
    let (i, _) = cut(kw("on")(i))?;
    let (i, resource) = resource(src, i)?;
    let (mut i, owner) = owned_by(src, i)?;
    let mut givens = Vec::new();
    if let Ok((rest, _)) = kw("given")(i) {
        let (mut rest, g) = given(src, rest)?;
        givens.push(g);
        while let Ok((r, _)) = punct(",")(rest) {
            let (r, g) = given(src, r)?;
            givens.push(g);
            rest = r;
        }
        i = rest;
    }
    Ok((
        i,
        PropertyKind::Can {
            principal,
            action,
            resource,
            owner,
            given: givens,
        },
    ))
}

/// `not_public = "not" "public" string ;`
pub fn not_public<'a>(src: &'a str, i: &'a str) -> R<'a, PropertyKind> {
    let (i, _) = kw("not")(i)?;
    let (i, _) = cut(kw("public")(i))?;
    let (i, file) = cut(string(src, i))?;
    Ok((i, PropertyKind::NotPublic { file }))
}

/// `no_new_access = "no" "new" "access" "in" string "beyond" string ;`
pub fn no_new_access<'a>(src: &'a str, i: &'a str) -> R<'a, PropertyKind> {
    let (i, _) = kw("no")(i)?;
    let (i, _) = cut(kw("new")(i))?;
    let (i, _) = cut(kw("access")(i))?;
    let (i, _) = cut(kw("in")(i))?;
    let (i, new) = cut(string(src, i))?;
    let (i, _) = cut(kw("beyond")(i))?;
    let (i, old) = cut(string(src, i))?;
    Ok((i, PropertyKind::NoNewAccess { new, old }))
}

/// `equivalent = "equivalent" string "and" string ;`
pub fn equivalent<'a>(src: &'a str, i: &'a str) -> R<'a, PropertyKind> {
    let (i, _) = kw("equivalent")(i)?;
    let (i, a) = cut(string(src, i))?;
    let (i, _) = cut(kw("and")(i))?;
    let (i, b) = cut(string(src, i))?;
    Ok((i, PropertyKind::Equivalent { a, b }))
}

/// `body = never | only | can | not_public | no_new_access | equivalent ;`
pub fn body<'a>(src: &'a str, i: &'a str) -> R<'a, PropertyKind> {
    for p in [never, only, can, not_public, no_new_access, equivalent] {
        match p(src, i) {
            Err(nom::Err::Error(_)) => continue,
            other => return other,
        }
    }
    let (i, _) = ws(i)?;
    cut(fail(
        i,
        "a property: `never`, `only`, `can`, `not public`, `no new access` or `equivalent`",
    ))
}

/// `name = name_char { name_char } ;` (letters, digits, `_`, `-`, `.`)
fn name<'a>(src: &'a str, i: &'a str) -> R<'a, Spanned<String>> {
    let (i, _) = ws(i)?;
    let r: R<'a, &'a str> = take_while1(|c: char| c.is_ascii_alphanumeric() || "_-.".contains(c)).parse(i);
    match r {
        Ok((rest, n)) => Ok((rest, Spanned::new(n.to_string(), span(src, i, rest)))),
        Err(_) => cut(fail(i, "a property name (letters, digits, `_`, `-`, `.`)")),
    }
}

/// `property = "property" name ":" body ;`
pub fn property<'a>(src: &'a str, i: &'a str) -> R<'a, Property> {
    let (i, _) = ws(i)?;
    let start = i;
    let (i, _) = kw("property")(i)?;
    let (i, name) = name(src, i)?;
    let (i, _) = cut(punct(":")(i))?;
    let (i, kind) = body(src, i)?;
    Ok((
        i,
        Property {
            name,
            kind,
            span: span(src, start, i),
        },
    ))
}

/// `role = "identity" | "resource" | "bucket" | "key" | "boundary" | "session" | "scp" | "rcp" ;`
pub fn role<'a>(i: &'a str) -> R<'a, Role> {
    for (w, r) in [
        ("identity", Role::Identity),
        ("resource", Role::Resource),
        ("bucket", Role::Resource),
        ("key", Role::Key),
        ("boundary", Role::Boundary),
        ("session", Role::Session),
        ("scp", Role::Scp),
        ("rcp", Role::Rcp),
        ("trust", Role::Trust),
        ("grants", Role::Grants),
    ] {
        if let Ok((rest, _)) = kw(w)(i) {
            return Ok((rest, r));
        }
    }
    let (i, _) = ws(i)?;
    cut(fail(
        i,
        "a policy role: `identity`, `resource`, `bucket`, `key`, `boundary`, `session`, `scp`, `rcp`, `trust` or `grants`",
    ))
}

/// `policy_ref = role string [ "of" string ] ;` (`of` is required for the roles that belong to a
/// principal: identity, boundary, session, trust).
pub fn policy_ref<'a>(src: &'a str, i: &'a str) -> R<'a, PolicyRef> {
    let (i, role) = role(i)?;
    let (i, path) = cut(string(src, i))?;
    if !role.has_owner() {
        return Ok((
            i,
            PolicyRef {
                role,
                path,
                owner: None,
            },
        ));
    }
    let (i, _) = match kw("of")(i) {
        Ok(r) => r,
        Err(_) => {
            let (i, _) = ws(i)?;
            let what = if role == Role::Trust {
                "`of` and the ARN of the role the trust policy protects"
            } else {
                "`of` and the ARN of the user or role the policy belongs to (identity policies are never shared by every principal)"
            };
            return cut(fail(i, what));
        }
    };
    let (i, owner) = cut(string(src, i))?;
    Ok((
        i,
        PolicyRef {
            role,
            path,
            owner: Some(owner),
        },
    ))
}

/// `accounts = "accounts" strings ;` with every item a 12-digit account id.
fn accounts<'a>(src: &'a str, i: &'a str) -> R<'a, Vec<Spanned<String>>> {
    let (i, _) = cut(kw("accounts")(i))?;
    let (i, _) = ws(i)?;
    let start = i;
    let (rest, list) = cut(strings(src, i))?;
    if let Some(bad) = list.iter().find(|a| !is_account_id(a)) {
        return cut(fail(start, format!("12-digit account ids (`{bad}` is not one)")));
    }
    let sp = span(src, start, rest);
    Ok((rest, list.into_iter().map(|a| Spanned::new(a, sp)).collect()))
}

/// `header = "policy" policy_ref { "," policy_ref } | "organization" accounts | "closed" accounts
///          | "estate" string { "account" string | "region" string | "parameters" strings } ;`
pub fn header<'a>(src: &'a str, i: &'a str, file: &mut PropertyFile) -> R<'a, ()> {
    if let Ok((i, _)) = kw("organization")(i) {
        let (i, list) = accounts(src, i)?;
        file.organization.extend(list);
        return Ok((i, ()));
    }
    if let Ok((i, _)) = kw("closed")(i) {
        let (i, list) = accounts(src, i)?;
        file.closed_accounts.extend(list);
        return Ok((i, ()));
    }
    if let Ok((i, _)) = kw("estate")(i) {
        let (mut i, dir) = cut(string(src, i))?;
        file.estates.push(dir);
        loop {
            if let Ok((rest, _)) = kw("account")(i) {
                let (rest, a) = cut(string(src, rest))?;
                file.deploy.account = Some(a);
                i = rest;
            } else if let Ok((rest, _)) = kw("region")(i) {
                let (rest, r) = cut(string(src, rest))?;
                file.deploy.region = Some(r);
                i = rest;
            } else if let Ok((rest, _)) = kw("parameters")(i) {
                let (rest, ps) = cut(strings(src, rest))?;
                file.deploy.parameters.extend(ps);
                i = rest;
            } else {
                return Ok((i, ()));
            }
        }
    }
    let (i, _) = kw("policy")(i)?;
    let (mut i, first) = policy_ref(src, i)?;
    file.policies.push(first);
    while let Ok((rest, _)) = punct(",")(i) {
        let (rest, p) = policy_ref(src, rest)?;
        file.policies.push(p);
        i = rest;
    }
    Ok((i, ()))
}

/// `file = { header | property } ;` Returns the file, or the offset and message of the first error.
pub fn file(src: &str) -> Result<PropertyFile, (usize, String)> {
    let mut out = PropertyFile::default();
    let mut i = src;
    loop {
        let (rest, _) = ws(i).map_err(|_| (0, "unreadable input".to_string()))?;
        if rest.is_empty() {
            return Ok(out);
        }
        let r = match header(src, rest, &mut out) {
            Err(nom::Err::Error(_)) => property(src, rest).map(|(r, p)| {
                out.properties.push(p);
                (r, ())
            }),
            other => other,
        };
        match r {
            Ok((r, _)) => i = r,
            Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => {
                let at = src.len() - e.remaining;
                let expected = if e.remaining == rest.len() {
                    "`policy`, `organization`, `closed`, `estate` or `property`".to_string()
                } else {
                    e.expected
                };
                return Err((at, format!("expected {expected}")));
            }
            Err(nom::Err::Incomplete(_)) => return Err((src.len(), "unexpected end of input".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_design_sketch() {
        let src = r#"
# a comment
policy resource "bucket.json", identity "role.json" of "arn:aws:iam::111111111111:role/r"
policy scp "scp.json"
organization accounts ["111111111111"]
closed accounts "111111111111"

property no-public-put:
  never allow s3:PutObject, s3:PutObjectAcl on "arn:aws:s3:::examplebucket/*"
    for principal outside accounts ["111122223333"]

property decrypt-only-via-s3:
  only allow kms:Decrypt on key "arn:aws:kms:us-east-1:333333333333:key/k"
    when kms:ViaService like "s3.*.amazonaws.com" and not aws:x is absent

property fsx-can-read:
  can principal "arn:aws:iam::111111111111:role/r"
    do kms:Decrypt on "arn:aws:kms:us-east-1:333333333333:key/k"
    given kms:ViaService = "s3.us-east-1.amazonaws.com", kms:CallerAccount = "111111111111"

property bucket-not-public:   not public "s3/examplebucket.json"
property no-new-access:       no new access in "policy.new.json" beyond "policy.json"
property same-meaning:        equivalent "a.json" and "b.json"
"#;
        let f = file(src).map_err(|e| format!("{e:?}"));
        let f = match f {
            Ok(f) => f,
            Err(e) => unreachable!("{e}"),
        };
        assert_eq!(f.policies.len(), 3);
        assert_eq!(
            f.policies[1].owner.as_ref().map(|o| o.value.as_str()),
            Some("arn:aws:iam::111111111111:role/r")
        );
        assert_eq!(f.organization.len(), 1);
        assert_eq!(f.closed_accounts.len(), 1);
        assert_eq!(f.properties.len(), 6);
        assert_eq!(src.get(f.properties[0].name.span.range()), Some("no-public-put"));
        assert!(matches!(&f.properties[1].kind, PropertyKind::Only { condition: Cond::And(v), .. } if v.len() == 2));
    }

    #[test]
    fn errors_point_at_the_token() {
        let src = "property p:\n  never allow s3:GetObject in \"x\"\n";
        let (at, msg) = file(src).err().unwrap_or_default();
        assert_eq!(src.get(at..at + 2), Some("in"));
        assert_eq!(msg, "expected `on`");
        let src = "property p: frobnicate";
        let (at, msg) = file(src).err().unwrap_or_default();
        assert_eq!(src.get(at..), Some("frobnicate"));
        assert!(msg.starts_with("expected a property"), "{msg}");
    }

    #[test]
    fn identity_policies_name_their_owner() {
        let src = "policy identity \"a.json\"\nproperty p: not public \"b.json\"\n";
        let (at, msg) = file(src).err().unwrap_or_default();
        assert_eq!(src.get(at..at + 8), Some("property"));
        assert!(msg.contains("`of`"), "{msg}");
        let src = "organization accounts [\"12\"]\n";
        let (at, msg) = file(src).err().unwrap_or_default();
        assert_eq!(src.get(at..at + 1), Some("["));
        assert!(msg.contains("`12` is not one"), "{msg}");
    }
}
