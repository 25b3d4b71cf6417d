//! The fuzz targets of `fuzz/` on stable Rust, for CI: every seed `scripts/fuzz.sh` starts from (the
//! fixtures, example policies, `.tenet` files, scenarios, mini-grammar values) plus the inputs that
//! once crashed, then deterministic mutations of them in the manner of libFuzzer (bit flips,
//! interesting bytes, dictionary tokens, deletions, duplications, truncations, splices of two seeds).
//!
//! The real campaign (coverage-guided, nightly) is `scripts/fuzz.sh MINUTES`; this replay needs no
//! nightly toolchain and is the same on every run. `TENET_FUZZ_REPLAY=N` sets the mutations per
//! target (default 20,000: about half a minute in a debug build). A failing input is written to the temporary directory and named.
#![expect(clippy::unwrap_used, reason = "a test fails loudly")]

#[path = "../fuzz/targets.rs"]
mod targets;

use std::path::{Path, PathBuf};

/// Inputs that crashed a target once (each also has an end-to-end regression test).
const CRASHES: &[(&str, &str)] = &[(
    "scenario",
    r#"{"request":{"principal":"arn:aws:iam::111111111111:role/App","action":"kmsƽecrypt","resource":"*"}}"#,
)];

/// Scenario shapes beyond the example's: other principal forms, multi-valued and typed context
/// values, organization levels, grants, a key policy.
const SCENARIOS: &[&str] = &[
    r#"{"request":{"principal":"*","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","context":{"aws:SourceIp":"10.1.2.3","aws:SecureTransport":true,"s3:max-keys":10}},"resourcePolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8"]},"Bool":{"aws:SecureTransport":"true"}}}]}}"#,
    r#"{"request":{"principal":"ec2.amazonaws.com","action":"sts:AssumeRole","resource":"arn:aws:iam::111122223333:role/r","resourceAccount":"111122223333","context":{"aws:PrincipalTag/team":["a","b"]}},"resourcePolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]},"resourceIsTrustPolicy":true}"#,
    r#"{"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"kms:Encrypt","resource":"arn:aws:kms:us-east-1:111122223333:key/k"},"identityPolicies":[{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"kms:*","Resource":"*"}}],"permissionBoundaries":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}],"serviceControlPolicies":[[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}],[{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"us-east-1"}}}]}]],"resourcePolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]},"resourceIsKeyPolicy":true,"kmsGrants":{"Grants":[{"KeyId":"arn:aws:kms:us-east-1:111122223333:key/k","GranteePrincipal":"arn:aws:iam::111122223333:user/alice","Operations":["Encrypt"],"Constraints":{"EncryptionContextSubset":{"dept":"x"}}}]}}"#,
];

/// Tokens the mutations insert: JSON structure, IAM vocabulary, the property language, and text
/// that breaks naive slicing (multi-byte characters, lone surrogates, huge numbers).
const DICTIONARY: &[&str] = &[
    "\"",
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\\",
    "\\u0000",
    "\\ud800",
    "\\u00e9",
    "1e999",
    "-0",
    "é",
    "😀",
    "ƽ",
    "[[[[[[",
    "{\"a\":",
    "\"*\"",
    "*?*?*?",
    "${aws:username}",
    "${",
    "}}",
    "arn:aws:s3:::",
    "arn:aws:iam::",
    ":root",
    "\"Statement\"",
    "\"Condition\"",
    "\"Principal\"",
    "\"NotAction\"",
    "\"Resource\"",
    "\"Effect\"",
    "\"Allow\"",
    "ForAllValues:",
    "IfExists",
    "StringLike",
    "IpAddress",
    "10.0.0.0/8",
    "::/0",
    "2026-01-01T00:00:00Z",
    "property p:",
    "never allow",
    "only allow",
    "policy identity",
    " of ",
    "not public",
    "equivalent",
    "\n",
    "#",
    "/../",
    "%2F",
    "%",
];

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// One to four mutations of `input`; `other` is a second seed to splice with.
fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(7) {
            0 => {
                let bit = 1 << rng.below(8);
                if let Some(b) = v.get_mut(at) {
                    *b ^= bit;
                }
            }
            1 => {
                const BYTES: [u8; 15] = [
                    0, 0xff, b'"', b'{', b'}', b'[', b']', b':', b',', b'*', b'?', b'$', 0xc3, 0xe2, 0xf0,
                ];
                let new = BYTES.get(rng.below(BYTES.len())).copied().unwrap();
                if let Some(b) = v.get_mut(at) {
                    *b = new;
                }
            }
            2 => {
                let t = DICTIONARY.get(rng.below(DICTIONARY.len())).unwrap().as_bytes();
                v.splice(at..at, t.iter().copied());
            }
            3 => {
                let end = (at + 1 + rng.below(64)).min(v.len());
                v.drain(at.min(end)..end);
            }
            4 => {
                let end = (at + 1 + rng.below(256)).min(v.len());
                let chunk: Vec<u8> = v.get(at.min(end)..end).unwrap().to_vec();
                let to = rng.below(v.len() + 1);
                v.splice(to..to, chunk);
            }
            5 => v.truncate(at),
            _ => {
                let from = rng.below(other.len() + 1);
                v.truncate(at);
                v.extend_from_slice(other.get(from..).unwrap());
            }
        }
    }
    v
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Files under `dir` (recursively) whose names end with `ext` and that `keep` accepts.
fn files(dir: &Path, ext: &str, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, ext, keep, out);
        } else if p.to_string_lossy().ends_with(ext) && keep(&p) {
            let bytes = std::fs::read(&p).unwrap();
            if bytes.len() < 64 * 1024 {
                out.push(bytes);
            }
        }
    }
}

/// The seeds of a target, as `scripts/fuzz.sh` gathers them, plus the inputs that crashed it.
fn seeds(target: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let all = |_: &Path| true;
    match target {
        "policy_file" => {
            files(&repo().join("tests/fixtures"), ".json", &all, &mut out);
            files(&repo().join("policies"), ".json", &all, &mut out);
        }
        "scenario" => {
            // The example scenarios, and every fixture that holds a request.
            let scenario = |p: &Path| {
                p.to_string_lossy().contains("simulate")
                    || std::fs::read_to_string(p).is_ok_and(|t| t.contains("\"request\""))
            };
            files(&repo().join("policies"), ".json", &scenario, &mut out);
            files(&repo().join("tests/fixtures"), ".json", &scenario, &mut out);
            out.extend(SCENARIOS.iter().map(|s| s.as_bytes().to_vec()));
        }
        "property" => {
            files(&repo().join("policies"), ".tenet", &all, &mut out);
            files(&repo().join("tests/fixtures"), ".tenet", &all, &mut out);
        }
        _ => {
            for v in [
                "arn:aws:s3:::bucket/*",
                "arn:aws:iam::123456789012:role/${aws:username}",
                "s3:Get*",
                "StringEqualsIgnoreCaseIfExists",
                "ForAllValues:StringLike",
                "10.0.0.0/8",
                "2001:db8::/32",
                "2026-01-01T00:00:00Z",
                "vpc-0abc1234",
                "vpce-1a2b3c4d",
                "${aws:PrincipalTag/team}",
                "*?*?*?*",
            ] {
                out.push(v.as_bytes().to_vec());
            }
        }
    }
    out.extend(
        CRASHES
            .iter()
            .filter(|(t, _)| *t == target)
            .map(|(_, s)| s.as_bytes().to_vec()),
    );
    out
}

/// Runs `body` on every seed and on `TENET_FUZZ_REPLAY` mutations of them; fails naming the
/// first input that panics (saved to the temporary directory).
fn replay(target: &str, salt: u64, body: fn(&[u8])) {
    let seeds = seeds(target);
    assert!(!seeds.is_empty(), "no seeds for `{target}`");
    let n: usize = std::env::var("TENET_FUZZ_REPLAY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ salt);
    let inputs = seeds.iter().cloned().chain((0..n).map(|_| {
        let a = seeds.get(rng.below(seeds.len())).unwrap();
        let b = seeds.get(rng.below(seeds.len())).unwrap();
        mutate(&mut rng, a, b)
    }));
    let mut executions = 0;
    for input in inputs {
        executions += 1;
        let crashed = std::panic::catch_unwind(|| body(&input)).is_err();
        let saved = std::env::temp_dir().join(format!("tenet-fuzz-replay-{target}-{}", std::process::id()));
        if crashed {
            std::fs::write(&saved, &input).unwrap();
        }
        assert!(
            !crashed,
            "target `{target}` panicked on input {executions} (saved to {}): {:?}",
            saved.display(),
            String::from_utf8_lossy(&input).chars().take(400).collect::<String>()
        );
    }
    eprintln!(
        "fuzz replay `{target}`: {} seeds, {executions} executions, no crash",
        seeds.len()
    );
}

/// The `&str` targets see the mutated bytes as UTF-8 (invalid sequences replaced), as libFuzzer's
/// `&str` targets only see valid UTF-8.
fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

#[test]
fn policy_file_target_replays_without_a_crash() {
    replay("policy_file", 1, targets::policy_file);
}

#[test]
fn grammars_target_replays_without_a_crash() {
    replay("grammars", 2, |d| targets::grammars(&text(d)));
}

#[test]
fn property_target_replays_without_a_crash() {
    replay("property", 3, |d| targets::property(&text(d)));
}

#[test]
fn scenario_target_replays_without_a_crash() {
    replay("scenario", 4, |d| targets::scenario(&text(d)));
}
