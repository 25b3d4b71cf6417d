//! Whole-query differential test: generated policies and `never`, `only`, `can`, `no new access`
//! and `equivalent` properties (with multi-valued, empty and decimal values) are proved, and every
//! `holds`/`violated` is checked against the concrete evaluator: a counterexample or witness must be
//! confirmed, and a `holds` (or a violated `can`) must survive many sampled requests. A sampled
//! request whose decision depends on a point the AWS guides leave open proves nothing and is
//! skipped, as the prover skips such models.
#![allow(clippy::indexing_slicing, reason = "a test fails loudly on an out-of-range index")]

use std::fmt::Write as _;
use std::path::Path;

mod common;
use common::Rng;

use tenet_ast::eval::{ContextValue, Request, RequestPrincipal};
use tenet_prove::counterexample::{confirm, open_reading};
use tenet_prove::prepare::{Direction, Prepared};
use tenet_prove::run::prepare_file;
use tenet_prove::{prove_file, Verdict};

const ACCOUNT: &str = "111111111111";
const ROLE: &str = "arn:aws:iam::111111111111:role/r1";

const CONDITIONS: &[&str] = &[
    r#""ForAnyValue:StringEquals": {"aws:TagKeys": ["team", "env"]}"#,
    r#""ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}"#,
    r#""Null": {"aws:TagKeys": "true"}"#,
    r#""NumericLessThan": {"s3:TlsVersion": "1.2"}"#,
    r#""NumericGreaterThanEquals": {"s3:TlsVersion": "1.25"}"#,
    r#""StringEquals": {"aws:SourceVpc": "vpc-0a1b2c3d"}"#,
    r#""StringNotEquals": {"aws:SourceVpc": ["vpc-0a1b2c3d", "vpc-0a1b2c3e"]}"#,
    r#""StringLike": {"aws:PrincipalTag/team": "a*"}"#,
];

/// A random statement; `principal`: a resource-policy statement.
fn statement(rng: &mut Rng, principal: bool) -> String {
    let effect = if rng.below(10) < 7 { "Allow" } else { "Deny" };
    let action = rng.pick(&["s3:GetObject", "s3:PutObject", "s3:*", "s3:Get*"]);
    let resource = rng.pick(&["arn:aws:s3:::b/*", "arn:aws:s3:::b/x", "*", "arn:aws:s3:::b/*/p"]);
    let mut s = format!(r#"{{"Effect": "{effect}", "Action": "{action}", "Resource": "{resource}""#);
    if principal {
        let (element, p) = match rng.below(7) {
            0 => ("Principal", r#""*""#),
            1 => ("Principal", r#"{"AWS": "arn:aws:iam::111111111111:root"}"#),
            2 => ("Principal", r#"{"AWS": "arn:aws:iam::111111111111:role/r1"}"#),
            3 => ("Principal", r#"{"AWS": "222222222222"}"#),
            4 => ("Principal", r#"{"AWS": "arn:aws:iam::111111111111:user/u"}"#),
            5 => ("Principal", r#"{"AWS": "arn:aws:sts::111111111111:federated-user/u"}"#),
            _ => ("NotPrincipal", r#"{"AWS": "arn:aws:iam::111111111111:role/r1"}"#),
        };
        let _ = write!(s, r#", "{element}": {p}"#);
    }
    let n = rng.below(3);
    if n > 0 {
        let conds: Vec<String> = (0..n).map(|_| rng.pick(CONDITIONS).to_string()).collect();
        // One operator per condition block: later duplicates of an operator are dropped.
        let mut seen = Vec::new();
        let mut parts = Vec::new();
        for c in conds {
            let op = c.split(':').next().unwrap_or_default().to_string();
            if !seen.contains(&op) {
                seen.push(op);
                parts.push(c);
            }
        }
        let _ = write!(s, r#", "Condition": {{{}}}"#, parts.join(", "));
    }
    s.push('}');
    s
}

fn policy(rng: &mut Rng, principal: bool) -> String {
    let n = 1 + rng.below(3);
    let stmts: Vec<String> = (0..n).map(|_| statement(rng, principal)).collect();
    format!(r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#, stmts.join(", "))
}

/// The fixed context values of a `can`: `(key, values)`.
type Given = Vec<(&'static str, Vec<&'static str>)>;

/// What the test knows of a generated property: its kind and, for a `can`, its fixed request.
#[derive(Clone, Debug)]
struct Gen {
    kind: &'static str,
    can: Option<(String, Given)>,
}

/// A random property named `name`.
fn property(rng: &mut Rng, name: &str) -> (String, Gen) {
    let gen = |kind| Gen { kind, can: None };
    let action = rng.pick(&["s3:GetObject", "s3:PutObject", "s3:Get*"]);
    let filter = rng.pick(&[
        "for principal in accounts [\"111111111111\"]",
        "for principal outside accounts [\"111111111111\"]",
        "for principal [\"arn:aws:iam::111111111111:role/r1\"]",
        "for principal [\"arn:aws:sts::111111111111:federated-user/u\"]",
        "",
    ]);
    let on = "on \"arn:aws:s3:::b/*\" owned by \"111111111111\"";
    match rng.below(6) {
        0 | 1 => (
            format!("property {name}:\n  never allow {action} {on} {filter}\n"),
            gen("never"),
        ),
        2 => {
            let when = rng.pick(&[
                "aws:SourceVpc = \"vpc-0a1b2c3d\"",
                "aws:TagKeys = [\"team\", \"env\"]",
                "s3:TlsVersion = [\"1.3\", \"1.25\"]",
                "aws:TagKeys is absent or s3:TlsVersion is present",
            ]);
            (
                format!("property {name}:\n  only allow {action} {on} {filter}\n    when {when}\n"),
                gen("only"),
            )
        }
        3 => {
            let who = rng.pick(&[
                ROLE,
                "arn:aws:iam::222222222222:root",
                "arn:aws:sts::111111111111:assumed-role/r1/s",
                "arn:aws:sts::111111111111:federated-user/u",
            ]);
            let givens: [(&str, Given); 5] = [
                ("", vec![]),
                (" given aws:TagKeys = []", vec![("aws:TagKeys", vec![])]),
                (
                    " given aws:TagKeys = [\"team\", \"env\"]",
                    vec![("aws:TagKeys", vec!["team", "env"])],
                ),
                (" given s3:TlsVersion = \"1.3\"", vec![("s3:TlsVersion", vec!["1.3"])]),
                (
                    " given s3:TlsVersion = \"1.2\", aws:SourceVpc = \"vpc-0a1b2c3d\"",
                    vec![("s3:TlsVersion", vec!["1.2"]), ("aws:SourceVpc", vec!["vpc-0a1b2c3d"])],
                ),
            ];
            let (given, fixed) = givens[rng.below(givens.len())].clone();
            (
                format!(
                    "property {name}:\n  can principal \"{who}\" do s3:GetObject on \"arn:aws:s3:::b/x\" owned by \"111111111111\"{given}\n"
                ),
                Gen {
                    kind: "can",
                    can: Some(((*who).to_owned(), fixed)),
                },
            )
        }
        4 => (
            format!("property {name}:\n  no new access in \"new.json\" beyond \"old.json\"\n"),
            gen("no new access"),
        ),
        _ => (
            format!("property {name}:\n  equivalent \"new.json\" and \"old.json\"\n"),
            gen("equivalent"),
        ),
    }
}

/// A random request over the vocabulary of the generated policies.
fn request(rng: &mut Rng, p: &Prepared) -> Option<Request> {
    let enc = p.encoder.as_ref()?;
    let principals: Vec<&RequestPrincipal> = enc
        .candidates
        .iter()
        .filter(|c| !(c.stands_for_many() && c.account() == Some(ACCOUNT)))
        .map(|c| &c.principal)
        .collect();
    let principal = principals.get(rng.below(principals.len()))?;
    let mut r = Request {
        principal: (*principal).clone(),
        action: rng
            .pick(&["s3:GetObject", "s3:PutObject", "s3:GetBucketTagging", "s3:ListBucket"])
            .to_string(),
        resource: rng
            .pick(&[
                "arn:aws:s3:::b/x",
                "arn:aws:s3:::b/a:b/p",
                "arn:aws:s3:::b/q/p",
                "arn:aws:s3:::c/x",
                "arn:aws:s3:::b",
            ])
            .to_string(),
        // Every generated property says `owned by` this account.
        resource_account: Some(ACCOUNT.to_owned()),
        context: Default::default(),
    };
    let tags: &[&[&str]] = &[&[], &["team"], &["team", "env"], &["x"], &["team", "x"]];
    match rng.below(6) {
        0 => {}
        k => {
            let t = tags[(k - 1) % tags.len()];
            r.context.insert(
                "aws:TagKeys",
                ContextValue::Multi(t.iter().map(|s| s.to_string()).collect()),
            );
        }
    }
    if let Some(v) = [None, Some("1.2"), Some("1.3"), Some("1.25"), Some("1.0")][rng.below(5)] {
        r.context.insert("s3:TlsVersion", ContextValue::Single(v.to_owned()));
    }
    if let Some(v) = [None, Some("vpc-0a1b2c3d"), Some("vpc-0a1b2c3e")][rng.below(3)] {
        r.context.insert("aws:SourceVpc", ContextValue::Single(v.to_owned()));
    }
    if let Some(v) = [None, Some("ab"), Some("b")][rng.below(3)] {
        r.context
            .insert("aws:PrincipalTag/team", ContextValue::Single(v.to_owned()));
    }
    r.force_derived_keys();
    Some(r)
}

/// For a `can`, the request with its fixed values and random other keys.
fn can_request(rng: &mut Rng, p: &Prepared, g: &Gen) -> Option<Request> {
    let (principal, given) = g.can.as_ref()?;
    let mut r = request(rng, p)?;
    r.principal = RequestPrincipal::parse(principal).ok()?;
    r.action = "s3:GetObject".to_owned();
    r.resource = "arn:aws:s3:::b/x".to_owned();
    r.resource_account = Some(ACCOUNT.to_owned());
    for (k, v) in given {
        let v = match &v[..] {
            [one] => ContextValue::Single((*one).to_owned()),
            _ => ContextValue::Multi(v.iter().map(|s| (*s).to_owned()).collect()),
        };
        r.context.insert(*k, v);
    }
    r.force_derived_keys();
    Some(r)
}

/// Whether a sampled request contradicts the verdict `holds` (or a violated `can`).
fn contradicts(p: &Prepared, g: &Gen, r: &Request) -> bool {
    let Some(enc) = &p.encoder else { return false };
    if open_reading(p, enc, r).is_some() {
        return false;
    }
    // `no new access` is one-way; `equivalent` both ways; the others ignore the direction.
    let dirs: &[Direction] = match g.kind {
        "no new access" => &[Direction::Forward],
        _ => &Direction::ALL,
    };
    dirs.iter().any(|dir| confirm(p, *dir, r).0)
}

#[test]
fn verdicts_agree_with_the_evaluator() {
    let dir = std::env::temp_dir().join(format!("tenet-queries-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let mut rng = Rng(0x05ee_d0f7_e7e7);
    let (mut counts, mut samples) = ([0usize; 3], 0usize);
    let mut kinds = std::collections::BTreeMap::<&str, usize>::new();
    for case in 0..120 {
        let world = dir.join(format!("case{case}"));
        let _ = std::fs::create_dir_all(&world);
        let write = |name: &str, text: String| std::fs::write(world.join(name), text);
        let ok = write("bucket.json", policy(&mut rng, true)).is_ok()
            && write("role.json", policy(&mut rng, false)).is_ok()
            && write("user.json", policy(&mut rng, false)).is_ok()
            && write("session.json", policy(&mut rng, false)).is_ok()
            && write("new.json", policy(&mut rng, true)).is_ok()
            && write("old.json", policy(&mut rng, true)).is_ok();
        assert!(ok, "cannot write the generated policies");
        let mut tenet = String::from(
            "policy resource \"bucket.json\", identity \"role.json\" of \"arn:aws:iam::111111111111:role/r1\"\n\
             policy identity \"user.json\" of \"arn:aws:iam::111111111111:user/u\", session \"session.json\" of \"arn:aws:iam::111111111111:user/u\"\n\
             closed accounts [\"111111111111\"]\n\n",
        );
        let mut gens = Vec::new();
        for i in 0..5 {
            let (text, g) = property(&mut rng, &format!("p{i}"));
            tenet.push_str(&text);
            tenet.push('\n');
            gens.push(g);
        }
        let file = world.join("props.tenet");
        assert!(std::fs::write(&file, &tenet).is_ok());
        check_file(&file, &tenet, &gens, &mut rng, &mut counts, &mut samples, &mut kinds);
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!(
        "queries: {} holds, {} violated, {} unknown; {samples} sampled requests checked; by kind {kinds:?}",
        counts[0], counts[1], counts[2]
    );
    // The generator must exercise every verdict (else the test proves little).
    assert!(counts[0] >= 20 && counts[1] >= 20, "{counts:?}");
    assert!(kinds.len() == 5, "{kinds:?}");
}

fn check_file(
    file: &Path,
    text: &str,
    gens: &[Gen],
    rng: &mut Rng,
    counts: &mut [usize; 3],
    samples: &mut usize,
    kinds: &mut std::collections::BTreeMap<&'static str, usize>,
) {
    let results = prove_file(file).unwrap_or_else(|e| unreachable!("{e}\n{text}"));
    let prepared = prepare_file(file).unwrap_or_else(|e| unreachable!("{e}\n{text}"));
    assert_eq!(results.len(), prepared.len());
    assert_eq!(results.len(), gens.len());
    for ((r, p), g) in results.iter().zip(&prepared).zip(gens) {
        assert!(
            !r.reason.as_deref().unwrap_or_default().contains("internal"),
            "{}: {:?}\n{text}",
            r.name,
            r.reason
        );
        let kind = g.kind;
        *kinds.entry(kind).or_default() += 1;
        let is_can = kind == "can";
        match r.verdict {
            Verdict::Holds => counts[0] += 1,
            Verdict::Violated => counts[1] += 1,
            Verdict::Unknown => {
                counts[2] += 1;
                if std::env::var_os("TENET_QUERIES_VERBOSE").is_some() {
                    eprintln!("unknown {kind}: {}", r.reason.as_deref().unwrap_or_default());
                }
                continue;
            }
        }
        if let Some(cx) = &r.counterexample {
            // A counterexample (or a witness) the evaluator confirms, on some direction.
            assert!(
                Direction::ALL.into_iter().any(|d| confirm(p, d, cx).0),
                "{}: the evaluator rejects {cx:#?}\n{text}",
                r.name
            );
            continue;
        }
        // `holds` (or a violated `can`): no sampled request may contradict it.
        for _ in 0..150 {
            let sample = if is_can {
                can_request(rng, p, g)
            } else {
                request(rng, p)
            };
            let Some(sample) = sample else { continue };
            *samples += 1;
            assert!(
                !contradicts(p, g, &sample),
                "{} is {} but the evaluator allows {sample:#?}\n{text}",
                r.name,
                r.verdict.as_str()
            );
        }
    }
}
