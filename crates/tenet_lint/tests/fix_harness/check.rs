//! The checks the harness makes of one file's fixes: each fix applies, keeps the text free of new
//! syntax errors and removes its own finding; all fixes together reach a fixpoint; and each safe fix
//! is proved `equivalent` by the prover (one `.tenet` file per policy, written under the test's
//! temporary directory).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use tenet_ast::PolicyKind;
use tenet_diagnostics::{Diagnostic, Severity};
use tenet_lint::fix::{apply_fixes, fix_until_stable};
use tenet_lint::LintConfig;
use tenet_prove::Verdict;

/// How many rounds of "apply every fix, check again" may pass before a file must be at a fixpoint.
pub const MAX_ROUNDS: usize = 3;

/// The prover's time limit per property, in milliseconds.
const TIMEOUT_MS: u32 = 20_000;

/// What the prover said of one fix (or of a file's fixes together).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Proof {
    /// Before and after are equivalent.
    Holds,
    /// They are not: a request one allows and the other does not.
    Violated(String),
    /// Not decided, with the prover's reason.
    Unknown(String),
    /// Not asked: the fix declares that it may change who gets access (`safe: false`).
    Unsafe,
    /// Not asked: the original is not a valid policy (the fix repairs a reader error), so it has
    /// no meaning to keep.
    Repair,
}

impl Proof {
    /// The verdict's one-word name, as the figures and snapshots print it.
    pub fn word(&self) -> &'static str {
        match self {
            Proof::Holds => "holds",
            Proof::Violated(_) => "violated",
            Proof::Unknown(_) => "unknown",
            Proof::Unsafe => "exempt (unsafe fix)",
            Proof::Repair => "exempt (repairs an invalid policy)",
        }
    }
}

/// One fix applied alone.
#[derive(Clone, Debug)]
pub struct FixOutcome {
    /// The finding that carries the fix.
    pub diagnostic: Diagnostic,
    /// The proof of `equivalent before after`.
    pub proof: Proof,
}

/// Everything the harness found about one file.
#[derive(Clone, Debug, Default)]
pub struct FileReport {
    /// Each fix, applied alone.
    pub fixes: Vec<FixOutcome>,
    /// The defects: each a line naming the code and what is wrong.
    pub defects: Vec<String>,
    /// How many fixes the rounds of "apply all" applied.
    pub applied: usize,
    /// The proof that the text after every safe fix (to a fixpoint) means what the original did.
    pub all_safe: Option<Proof>,
}

/// The harness: the configuration every file is checked with and where proofs are written.
pub struct Harness {
    config: LintConfig,
    dir: PathBuf,
    next: AtomicUsize,
}

impl Harness {
    /// A harness that checks with every rule selected, writing under `dir`.
    pub fn new(dir: PathBuf) -> Self {
        Harness {
            config: LintConfig::from_toml("select = [\"ALL\"]", None).expect("config"),
            dir,
            next: AtomicUsize::new(0),
        }
    }

    /// The findings of `text` as `tenet lint` reports them (reader and rules, configuration applied).
    pub fn findings(&self, name: &str, text: &str, kind: Option<PolicyKind>) -> Vec<Diagnostic> {
        tenet_lint::pipeline::check_bytes(name, Path::new(name), text.as_bytes(), kind, &self.config).diagnostics
    }

    /// Checks every fix of `text`. With `each`, every fix is also applied and proved alone (the
    /// fixtures); without, only the text after all safe fixes is proved, and a fix is proved alone
    /// only to find the culprit when that proof is violated (the corpora).
    pub fn check(&self, name: &str, text: &str, kind: Option<PolicyKind>, each: bool) -> FileReport {
        let mut report = FileReport::default();
        let before = self.findings(name, text, kind);
        let fixes: Vec<&Diagnostic> = before.iter().filter(|d| d.fix.is_some()).collect();
        for d in before.iter().filter(|d| d.fix.is_some()) {
            if !declares_fix(d.code) {
                report.defects.push(format!(
                    "{name}: {} declares no fix but offers one ({})",
                    d.code, d.message
                ));
            }
        }
        if fixes.is_empty() {
            return report;
        }
        let invalid = reader_errors(&before);
        let doc_kind = tenet_syntax::parse_policy_file(name, text, kind)
            .documents
            .first()
            .map_or(PolicyKind::Identity, |d| d.kind);
        let mut alone = Vec::new();
        for d in &fixes {
            let (after, n) = apply_fixes(text, std::slice::from_ref(*d), true);
            if n == 0 {
                report.defects.push(format!(
                    "{name}: the fix of {} at {} does not apply",
                    d.code, d.span.start
                ));
                continue;
            }
            if after == text {
                report.defects.push(format!(
                    "{name}: the fix of {} at {} changes nothing",
                    d.code, d.span.start
                ));
            }
            // Checking each fix's text again costs one lint per fix: the fixtures do; the corpora
            // rely on the fixpoint and the syntax check of the text after all fixes.
            if each {
                let found = self.findings(name, &after, kind);
                let what = format!("the fix of {} at {} (`{}`)", d.code, d.span.start, fix_title(d));
                report.defects.extend(new_reader_errors(name, &what, &invalid, &found));
                self.retriggers(name, d, &before, &found, &mut report);
            }
            alone.push(((*d).clone(), after));
        }
        // Every fix, safe or not, round after round: the text must reach a fixpoint.
        let check = |t: &str| Ok::<_, ()>(self.findings(name, t, kind));
        if let Ok(all) = fix_until_stable(text, before.clone(), true, MAX_ROUNDS, check) {
            report.applied = all.applied;
            let found = self.findings(name, &all.text, kind);
            report
                .defects
                .extend(new_reader_errors(name, "all fixes together", &invalid, &found));
            for d in &all.remaining {
                report.defects.push(format!(
                    "{name}: no fixpoint after {MAX_ROUNDS} rounds: {} still offers `{}`",
                    d.code,
                    fix_title(d)
                ));
            }
        }
        // What `--fix` does without `--unsafe-fixes`: the safe fixes to a fixpoint, proved as one.
        let check = |t: &str| Ok::<_, ()>(self.findings(name, t, kind));
        let safe_text = fix_until_stable(text, before.clone(), false, MAX_ROUNDS, check)
            .map(|f| f.text)
            .unwrap_or_else(|()| text.to_owned());
        let mut pairs: Vec<(String, &str)> = Vec::new();
        if !invalid.is_empty() {
            report.all_safe = Some(Proof::Repair);
        } else if safe_text != text {
            pairs.push(("all".to_owned(), safe_text.as_str()));
        }
        if each && invalid.is_empty() {
            for (i, (d, after)) in alone.iter().enumerate() {
                if d.fix.as_ref().is_some_and(|f| f.safe) {
                    pairs.push((format!("fix-{i}"), after.as_str()));
                }
            }
        }
        let mut proofs = self.prove(doc_kind, text, &pairs);
        if !each && matches!(proofs.get("all"), Some(Proof::Violated(_))) && invalid.is_empty() {
            // Find the fixes to blame: each safe fix alone.
            let singles: Vec<(String, &str)> = alone
                .iter()
                .enumerate()
                .filter(|(_, (d, _))| d.fix.as_ref().is_some_and(|f| f.safe))
                .map(|(i, (_, after))| (format!("fix-{i}"), after.as_str()))
                .collect();
            proofs.extend(self.prove(doc_kind, text, &singles));
        }
        if invalid.is_empty() && safe_text != text {
            report.all_safe = proofs.get("all").cloned();
        }
        // Fixes that each keep the meaning may still change it together (or, over the corpora, the
        // culprit is only known from this proof).
        if let Some(Proof::Violated(why)) = &report.all_safe {
            report
                .defects
                .push(format!("{name}: the safe fixes together change who gets access: {why}"));
        }
        for (i, (d, _)) in alone.into_iter().enumerate() {
            let proof = if !invalid.is_empty() {
                Proof::Repair
            } else if d.fix.as_ref().is_some_and(|f| !f.safe) {
                Proof::Unsafe
            } else {
                match proofs.get(&format!("fix-{i}")) {
                    Some(p) => p.clone(),
                    // Not proved alone: the proof of all safe fixes together covers it.
                    None => match &report.all_safe {
                        Some(Proof::Holds) => Proof::Holds,
                        Some(other) => other.clone(),
                        None => Proof::Unknown("not proved".to_owned()),
                    },
                }
            };
            if let Proof::Violated(why) = &proof {
                report.defects.push(format!(
                    "{name}: the safe fix of {} at {} (`{}`) changes who gets access: {why}",
                    d.code,
                    d.span.start,
                    fix_title(&d)
                ));
            }
            report.fixes.push(FixOutcome { diagnostic: d, proof });
        }
        report
    }

    /// A defect when the fix of `d` leaves its code as many fixes as `before` had: the finding it
    /// fixes comes back.
    fn retriggers(
        &self,
        name: &str,
        d: &Diagnostic,
        before: &[Diagnostic],
        after: &[Diagnostic],
        report: &mut FileReport,
    ) {
        let fixes_of = |ds: &[Diagnostic]| ds.iter().filter(|x| x.code == d.code && x.fix.is_some()).count();
        if fixes_of(after) >= fixes_of(before) {
            report.defects.push(format!(
                "{name}: the fix of {} at {} ({}) leaves as many fixes of {} as before: it re-triggers itself",
                d.code,
                d.span.start,
                fix_title(d),
                d.code
            ));
        }
    }

    /// Proves `equivalent before after` for each `(name, after)`, as one `.tenet` file.
    fn prove(&self, kind: PolicyKind, before: &str, afters: &[(String, &str)]) -> BTreeMap<String, Proof> {
        let mut out = BTreeMap::new();
        if afters.is_empty() {
            return out;
        }
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let dir = self.dir.join(format!("proof-{n}"));
        // A directory name the reader takes as a kind hint, so an SCP stays an SCP.
        let hint = match kind {
            PolicyKind::Scp => "scp",
            PolicyKind::Rcp => "rcp",
            PolicyKind::Boundary => "boundary",
            PolicyKind::VpcEndpoint => "vpce",
            _ => "policy",
        };
        let policies = dir.join(hint);
        std::fs::create_dir_all(&policies).expect("proof directory");
        std::fs::write(policies.join("before.json"), before).expect("write before");
        let mut tenet = String::new();
        for (name, after) in afters {
            std::fs::write(policies.join(format!("{name}.json")), after).expect("write after");
            tenet.push_str(&format!(
                "property {name}:\n  equivalent \"{hint}/before.json\" and \"{hint}/{name}.json\"\n\n"
            ));
        }
        let file = dir.join("fixes.tenet");
        std::fs::write(&file, tenet).expect("write .tenet");
        match tenet_prove::prove_file_with(&file, TIMEOUT_MS) {
            Ok(results) => {
                for r in results {
                    let proof = match r.verdict {
                        Verdict::Holds => Proof::Holds,
                        Verdict::Violated => Proof::Violated(
                            r.counterexample
                                .as_ref()
                                .map(|c| tenet_prove::run::request_json(c).to_string())
                                .or(r.reason.clone())
                                .unwrap_or_default(),
                        ),
                        Verdict::Unknown => Proof::Unknown(r.reason.clone().unwrap_or_default()),
                    };
                    out.insert(r.name, proof);
                }
            }
            Err(e) => {
                for (name, _) in afters {
                    out.insert(name.clone(), Proof::Unknown(format!("the prover failed: {e}")));
                }
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
        out
    }
}

/// Whether `code` declares that its findings may carry a fix (`fixable` of its [`CodeInfo`]).
///
/// [`CodeInfo`]: tenet_output::CodeInfo
pub fn declares_fix(code: &str) -> bool {
    tenet_lint::registry::lint_and_reader_codes()
        .iter()
        .any(|c| c.code == code && c.fixable)
}

/// The title of a finding's fix.
pub fn fix_title(d: &Diagnostic) -> &str {
    d.fix.as_ref().map_or("", |f| f.title.as_str())
}

/// How many errors of each reader code (`SYN…`) the findings hold.
fn reader_errors(found: &[Diagnostic]) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for d in found
        .iter()
        .filter(|d| d.code.starts_with("SYN") && d.severity == Severity::Error)
    {
        *out.entry(d.code).or_insert(0) += 1;
    }
    out
}

/// The reader errors of `after` that `before` did not have, as defects of `what` (the fixes applied).
fn new_reader_errors(
    name: &str,
    what: &str,
    before: &BTreeMap<&'static str, usize>,
    after: &[Diagnostic],
) -> Vec<String> {
    reader_errors(after)
        .into_iter()
        .filter(|(code, n)| before.get(code).is_none_or(|b| n > b))
        .map(|(code, _)| {
            let message = after.iter().find(|x| x.code == code).map_or("", |x| x.message.as_str());
            format!("{name}: {what} brings a new syntax error {code}: {message}")
        })
        .collect()
}
