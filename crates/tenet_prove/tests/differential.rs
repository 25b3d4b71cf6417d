//! Differential test: the Z3 encoding (with every request variable fixed) and the concrete evaluator
//! must agree on "allowed" for thousands of generated requests, over the fixtures in
//! `tests/fixtures/prove/` and every policy under `policies/`.
#![allow(clippy::indexing_slicing, reason = "a test fails loudly on an out-of-range index")]

use std::collections::BTreeMap;

mod common;
use common::{assignment, Rng};
use std::path::{Path, PathBuf};
use tenet_ast::eval::{evaluate, Context, ContextValue, Request, RequestPrincipal};
use tenet_ast::eval::{Owned, World};
use tenet_ast::{Policy, PolicyKind};
use tenet_prove::encode::{Encoder, KeyType};
use tenet_prove::ir::{Formula, Query};
use tenet_prove::principals::candidates;
use tenet_prove::property::allowed_alone;
use tenet_prove::smt::{Outcome, Session};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn load(path: &Path, kind: Option<PolicyKind>) -> Vec<Policy> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let parsed = tenet_syntax::parse_policy_file(&path.to_string_lossy(), &text, kind);
    parsed.documents.into_iter().map(|d| d.policy).collect()
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

/// Literal strings found in the policies: actions, resources, condition values per key.
#[derive(Default)]
struct Literals {
    actions: Vec<String>,
    resources: Vec<String>,
    values: Vec<(String, Vec<String>)>,
}

fn literals(policies: &[&Policy]) -> Literals {
    let mut l = Literals::default();
    for p in policies {
        for s in &p.statements {
            if let Some(a) = &s.value.action {
                l.actions.extend(a.value.items.iter().map(|i| i.value.clone()));
            }
            if let Some(r) = &s.value.resource {
                l.resources.extend(r.value.items.iter().map(|i| i.value.clone()));
            }
            for c in s.value.conditions() {
                let k = c.key.value.to_lowercase();
                let vs: Vec<String> = c.values.iter().map(|v| v.value.as_text().into_owned()).collect();
                match l.values.iter_mut().find(|(kk, _)| *kk == k) {
                    Some((_, e)) => e.extend(vs),
                    None => l.values.push((k, vs)),
                }
            }
        }
    }
    l.actions.extend([
        "s3:GetObject".to_string(),
        "ec2:RunInstances".into(),
        "iam:PassRole".into(),
    ]);
    l.resources.extend([
        "arn:aws:s3:::other/x".to_string(),
        "*".into(),
        "arn:aws:s3:::bucket/a:b".into(),
        "arn:aws:kms:us-east-1:111111111111:key/a:b".into(),
        "arn:aws:cloudformation:us-east-1:111111111111:stack/*:x/y".into(),
    ]);
    l
}

/// Instantiates wildcards and variables of a pattern with random text.
fn instantiate(rng: &mut Rng, pattern: &str, username: &str) -> String {
    let pattern = pattern.replace("${aws:username}", username);
    let mut out = String::new();
    for c in pattern.chars() {
        match c {
            '*' => {
                let s: &&str = rng.pick(&["", "a", "x/y", "data/", ":", "k"]);
                out.push_str(s);
            }
            '?' => out.push(*rng.pick(&['a', '1', '/', ':'])),
            c => out.push(c),
        }
    }
    out
}

fn random_case(rng: &mut Rng, s: &str) -> String {
    s.chars()
        .map(|c| if rng.chance(20) { c.to_ascii_uppercase() } else { c })
        .collect()
}

fn value(rng: &mut Rng, ty: KeyType, lits: &[String], username: &str) -> String {
    match ty {
        KeyType::Str => {
            if !lits.is_empty() && rng.chance(70) {
                let chosen = rng_pick_owned(rng, lits);
                let v = instantiate(rng, &chosen, username);
                if rng.chance(15) {
                    random_case(rng, &v)
                } else {
                    v
                }
            } else {
                rng.pick(&["", "x", "alice", "team", "keep-me", "us-east-1", "US-EAST-1"])
                    .to_string()
            }
        }
        KeyType::Num => rng
            .pick(&["-1", "0", "50", "100", "100.5", "3600", "3601", "abc", "99.5"])
            .to_string(),
        KeyType::Date => rng
            .pick(&[
                "1893455999",
                "1893456000",
                "1893456001",
                "2029-12-31T23:59:59Z",
                "2030-01-01T00:00:00Z",
                "0",
            ])
            .to_string(),
        KeyType::Bool => rng.pick(&["true", "false", "TRUE", "maybe"]).to_string(),
        KeyType::Ip => rng
            .pick(&[
                "10.1.2.3",
                "11.0.0.1",
                "2001:db8::1",
                "2001:db9::1",
                "not-an-ip",
                "192.0.2.1",
            ])
            .to_string(),
    }
}

fn rng_pick_owned(rng: &mut Rng, xs: &[String]) -> String {
    xs[rng.below(xs.len())].clone()
}

fn random_request(rng: &mut Rng, enc: &Encoder, lits: &Literals) -> Request {
    let username = rng.pick(&["alice", "bob"]).to_string();
    let principal = rng.pick(&enc.candidates).principal.clone();
    let chosen = rng_pick_owned(rng, &lits.actions);
    let action = instantiate(rng, &chosen, &username);
    let action = random_case(rng, &action);
    let chosen = rng_pick_owned(rng, &lits.resources);
    let mut resource = instantiate(rng, &chosen, &username);
    // Extra colons inside segments, where only segment-ending `*`s may match them.
    if rng.chance(25) && !resource.is_empty() {
        let at = rng.below(resource.len() + 1);
        if resource.is_char_boundary(at) {
            resource.insert(at, ':');
        }
    }
    let mut accounts: Vec<String> = enc
        .candidates
        .iter()
        .filter_map(|c| c.account().map(str::to_string))
        .collect();
    accounts.push(String::new());
    let resource_account = rng_pick_owned(rng, &accounts);
    let mut context = Context::new();
    for (l, k) in &enc.keys {
        // AWS puts these in every request, well formed.
        let always = tenet_ast::eval::ALWAYS_PRESENT_KEYS
            .iter()
            .any(|a| a.eq_ignore_ascii_case(l));
        if !always && rng.chance(30) {
            continue;
        }
        let key_lits = lits
            .values
            .iter()
            .find(|(kk, _)| kk == l)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let v = if always && k.ty == KeyType::Bool {
            ContextValue::Single(rng.pick(&["true", "false"]).to_string())
        } else if always && k.ty == KeyType::Date {
            ContextValue::Single(
                rng.pick(&["1893455999", "2030-01-01T00:00:00Z", "2019-07-16T12:00:00Z"])
                    .to_string(),
            )
        } else if l == "aws:username" {
            ContextValue::Single(username.clone())
        } else if k.multi {
            let n = rng.below(k.slots + 1);
            ContextValue::Multi((0..n).map(|_| value(rng, k.ty, &key_lits, &username)).collect())
        } else {
            ContextValue::Single(value(rng, k.ty, &key_lits, &username))
        };
        context.insert(k.name.clone(), v);
    }
    let mut req = Request {
        principal,
        action,
        resource,
        resource_account: Some(resource_account),
        context,
    };
    // AWS derives these keys from the principal; the encoding ties them to it.
    req.force_derived_keys();
    req
}

/// Z3 answers that timed out (bounded by the test).
static TIMEOUTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

static ALLOWED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Runs `n` requests through the formula IR (evaluated concretely) and the evaluator, and every
/// `z3_every`-th one also through Z3; returns (compared, compared by Z3, skipped).
#[allow(clippy::too_many_arguments)]
fn compare(
    name: &str,
    enc: &mut Encoder,
    formula: Formula,
    concrete: &dyn Fn(&Request) -> Option<bool>,
    lits: &Literals,
    n: usize,
    z3_every: usize,
    seed: u64,
) -> (usize, usize, usize) {
    assert!(
        enc.approx.over.is_empty(),
        "{name}: the encoding approximates: {:?}",
        enc.approx.over
    );
    let domain = enc.domain();
    let mut vars = BTreeMap::new();
    formula.collect_vars(&mut vars);
    domain.collect_vars(&mut vars);
    let mut rng = Rng(seed);
    // One solver holds the policies; each request is checked under push/pop.
    let session = Session::new(
        &Query {
            asserts: vec![domain.clone(), formula.clone()],
        },
        20_000,
    );
    let (mut compared, mut by_z3, mut skipped) = (0, 0, 0);
    for i in 0..n {
        let req = random_request(&mut rng, enc, lits);
        // A multi-valued key read without a set qualifier has no documented meaning for other than
        // one value: the encoding leaves it open, the evaluator picks one reading.
        let Some(fixed) = enc.fix(&req).filter(|_| enc.reading_dependent(&req).is_none()) else {
            skipped += 1;
            continue;
        };
        let Some(expected) = concrete(&req) else {
            skipped += 1;
            continue;
        };
        ALLOWED.fetch_add(usize::from(expected), std::sync::atomic::Ordering::Relaxed);
        let a = assignment(&fixed, &vars);
        assert_eq!(
            domain.eval(&a),
            Some(true),
            "{name}: request outside the domain: {req:#?}"
        );
        assert_eq!(
            formula.eval(&a),
            Some(expected),
            "{name}: the IR disagrees with the evaluator on {req:#?}"
        );
        if i % z3_every == 0 {
            let symbolic = match session.check_with(&fixed) {
                Outcome::Sat(_) => true,
                Outcome::Unsat => false,
                // A timeout is no disagreement (the IR check above still ran); the test bounds
                // how many there are.
                Outcome::Unknown(_) => {
                    TIMEOUTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    compared += 1;
                    continue;
                }
            };
            assert_eq!(
                symbolic, expected,
                "{name}: Z3 disagrees with the evaluator on {req:#?}"
            );
            by_z3 += 1;
        }
        compared += 1;
    }
    (compared, by_z3, skipped)
}

#[test]
fn encoding_agrees_with_the_evaluator() {
    let fixtures = root().join("tests/fixtures/prove");
    let mut files = Vec::new();
    json_files(&fixtures, &mut files);
    json_files(&root().join("policies"), &mut files);
    let mut total = 0;
    let mut skipped_total = 0;
    let mut z3_total = 0;
    let start = std::time::Instant::now();

    // Each policy alone.
    for (i, f) in files.iter().enumerate() {
        for (p, strings) in load(f, None).into_iter().flat_map(|p| [(p.clone(), false), (p, true)]) {
            let mut enc = Encoder::new(&[&p], candidates([&p], &[], &[]), &[]);
            if strings {
                enc.use_resource_strings();
            }
            let formula = enc.allowed_alone(&p);
            let lits = literals(&[&p]);
            let (a, z, s) = compare(
                &f.display().to_string(),
                &mut enc,
                formula,
                &|r| Some(allowed_alone(&p, r)),
                &lits,
                300,
                15,
                0x9e37_79b9 + i as u64,
            );
            total += a;
            z3_total += z;
            skipped_total += s;
        }
    }

    // Whole estates through `evaluate`.
    let one = |name: &str, kind| {
        load(&fixtures.join(name), Some(kind))
            .into_iter()
            .next()
            .unwrap_or_default()
    };
    let pol = |name: &str, kind| {
        load(&root().join("policies/prove").join(name), Some(kind))
            .into_iter()
            .next()
            .unwrap_or_default()
    };
    let ident = one("identity-mixed.json", PolicyKind::Identity);
    let bucket = one("conditions-resource.json", PolicyKind::Resource);
    let scp = one("scp-region.json", PolicyKind::Scp);
    let key = one("key-delegating.json", PolicyKind::Key);
    let trust = one("trust-mixed.json", PolicyKind::Trust);
    let rcp = one("rcp-perimeter.json", PolicyKind::Rcp);
    let fsx_ident = pol("fsx-identity.json", PolicyKind::Identity);
    let fsx_key = pol("key-via-s3.json", PolicyKind::Key);
    let principal = |arn: &str| RequestPrincipal::parse(arn).unwrap_or(RequestPrincipal::Anonymous);
    let owned = |arn: &str, identity: Vec<&'static Policy>, boundaries: Vec<&'static Policy>| Owned {
        owner: principal(arn),
        identity,
        boundaries,
        session: None,
    };
    // The policies live for the whole test: leak them so that worlds can borrow them freely.
    let leak = |p: Policy| -> &'static Policy { Box::leak(Box::new(p)) };
    let (ident, bucket, scp, key, trust, rcp, fsx_ident, fsx_key) = (
        leak(ident),
        leak(bucket),
        leak(scp),
        leak(key),
        leak(trust),
        leak(rcp),
        leak(fsx_ident),
        leak(fsx_key),
    );
    let grants: Vec<tenet_ast::eval::KmsGrant> = {
        let text = std::fs::read_to_string(fixtures.join("soundness/fsx-grants.json")).unwrap_or_default();
        match serde_json::from_str::<tenet_ast::eval::scenario::GrantList>(&text) {
            Ok(tenet_ast::eval::scenario::GrantList::ListGrants { grants }) => grants,
            _ => Vec::new(),
        }
    };
    assert_eq!(grants.len(), 1);
    let admin_key = leak(one("soundness/key-admin-only.json", PolicyKind::Key));
    let set = |accounts: &[&str]| {
        accounts
            .iter()
            .map(|a| (*a).to_string())
            .collect::<std::collections::BTreeSet<_>>()
    };
    let app = "arn:aws:iam::111111111111:role/app";
    let worlds: Vec<(&str, World<'static>)> = vec![
        (
            "bucket alone, open world",
            World {
                resource: Some(bucket),
                ..Default::default()
            },
        ),
        (
            "owned identity + bucket + scp + rcp, closed account",
            World {
                owned: vec![owned(app, vec![ident], vec![])],
                closed_accounts: set(&["111111111111"]),
                organization: set(&["111111111111", "222222222222"]),
                resource: Some(bucket),
                scps: vec![vec![scp]],
                rcps: vec![vec![rcp]],
                ..Default::default()
            },
        ),
        (
            "owned identity + boundary + bucket with `*` grants",
            World {
                owned: vec![owned(app, vec![ident], vec![scp])],
                resource: Some(bucket),
                ..Default::default()
            },
        ),
        (
            "owned identity + key + boundary, open world",
            World {
                owned: vec![owned(app, vec![ident], vec![scp])],
                resource: Some(key),
                resource_is_key_policy: true,
                ..Default::default()
            },
        ),
        (
            "trust policy + owned identity",
            World {
                owned: vec![owned("arn:aws:iam::111111111111:role/deployer", vec![ident], vec![])],
                closed_accounts: set(&["111111111111"]),
                resource: Some(trust),
                resource_is_trust_policy: true,
                ..Default::default()
            },
        ),
        (
            "key + grants, closed grantee account",
            World {
                closed_accounts: set(&["111111111111"]),
                resource: Some(admin_key),
                resource_is_key_policy: true,
                grants: grants.clone(),
                ..Default::default()
            },
        ),
        (
            "owned identity + key + grants, open world",
            World {
                owned: vec![owned(app, vec![ident], vec![scp])],
                resource: Some(key),
                resource_is_key_policy: true,
                grants: grants.iter().cloned().map(|mut g| {
                    g.grantee_principal = app.to_string();
                    g
                }).collect(),
                ..Default::default()
            },
        ),
        (
            "federating user with a session policy + bucket, closed account",
            World {
                owned: vec![Owned {
                    session: Some(scp),
                    ..owned("arn:aws:iam::111111111111:user/alice", vec![ident], vec![])
                }],
                closed_accounts: set(&["111111111111"]),
                resource: Some(bucket),
                ..Default::default()
            },
        ),
        (
            "fsx identity + key",
            World {
                owned: vec![owned(
                    "arn:aws:iam::111111111111:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_fs-0123456789abcdef0",
                    vec![fsx_ident],
                    vec![],
                )],
                resource: Some(fsx_key),
                resource_is_key_policy: true,
                ..Default::default()
            },
        ),
    ];
    for (i, (name, w, strings)) in worlds
        .iter()
        .flat_map(|(n, w)| [(n, w, false), (n, w, true)])
        .enumerate()
    {
        let policies = w.policies();
        let mut owners: Vec<String> = w.owned.iter().map(|o| o.owner.as_str().to_owned()).collect();
        owners.extend(w.grants.iter().map(|g| g.grantee_principal.clone()));
        let mut all = candidates(policies.iter().copied(), &owners, &[]);
        all.retain(|c| !(c.stands_for_many() && c.account().is_some_and(|a| w.closed_accounts.contains(a))));
        let ec_key = "kms:EncryptionContext:aws:s3:arn".to_string();
        let grant_keys: Vec<String> = if w.grants.is_empty() {
            vec![]
        } else {
            vec![ec_key.clone()]
        };
        let mut enc = Encoder::new(&policies, all, &grant_keys);
        let grant_actions: Vec<String> = w
            .grants
            .iter()
            .flat_map(|g| g.operations.iter().map(|op| format!("kms:{op}")))
            .collect();
        let grant_arns: Vec<String> = w.grants.iter().filter_map(|g| g.key_arn.clone()).collect();
        enc.add_property_patterns(&grant_actions, &grant_arns);
        if strings {
            enc.use_resource_strings();
        }
        let formula = enc.allowed(w);
        let mut lits = literals(&policies);
        lits.actions.push("sts:GetCallerIdentity".into());
        lits.actions.push("sts:AssumeRole".into());
        lits.actions.extend(grant_actions.iter().cloned());
        lits.resources.extend(grant_arns.iter().cloned());
        if !w.grants.is_empty() {
            lits.values.push((
                ec_key.to_lowercase(),
                vec!["arn:aws:s3:::fsx-data-bucket".into(), "arn:aws:s3:::other".into()],
            ));
        }
        let (a, z, s) = compare(
            name,
            &mut enc,
            formula,
            &|r| {
                let ps = w.policy_set_for(&r.principal, r.resource_account());
                // The encoding leaves the open points free; the evaluator picks one reading.
                if tenet_ast::eval::open_point(w, r).is_some() {
                    return None;
                }
                Some(evaluate(r, &ps).decision.is_allowed())
            },
            &lits,
            if strings { 600 } else { 2000 },
            20,
            0x1234_5678 + i as u64,
        );
        total += a;
        z3_total += z;
        skipped_total += s;
    }
    eprintln!(
        "differential: {total} requests agreed (IR), {z3_total} of them also through Z3 ({} timeouts), {skipped_total} outside the modelled space, {} allowed, in {:.1} s",
        TIMEOUTS.load(std::sync::atomic::Ordering::Relaxed),
        ALLOWED.load(std::sync::atomic::Ordering::Relaxed),
        start.elapsed().as_secs_f64()
    );
    assert!(total > 2000, "too few requests compared: {total}");
    let timeouts = TIMEOUTS.load(std::sync::atomic::Ordering::Relaxed);
    assert!(
        timeouts * 10 <= z3_total,
        "{timeouts} Z3 timeouts for {z3_total} answers: the encoding got too hard"
    );
}

#[test]
fn principals_parse_back() {
    // Every candidate principal is one the evaluator can parse from its own text.
    let p = Policy::default();
    for c in candidates([&p], &["arn:aws:iam::123456789012:role/x".to_string()], &[]) {
        let c = c.principal;
        if !matches!(c, RequestPrincipal::Anonymous) {
            assert_eq!(RequestPrincipal::parse(c.as_str()).ok().as_ref(), Some(&c));
        }
    }
}
