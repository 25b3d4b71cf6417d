//! The fix harness: every fix tenet offers is checked, not trusted.
//!
//! Over every fixture (`tests/fixtures/lint/**`, `tests/fixtures/syntax/*` and the edge cases of
//! `tests/fixtures/fixes/*`, whose file names may name a kind like lint fixtures), with every rule
//! selected, each finding's fix is applied alone and must apply, change the text, bring no new
//! syntax error and not re-trigger itself (its code offers fewer fixes afterwards); all fixes
//! together must reach a fixpoint within [`check::MAX_ROUNDS`] rounds; and a safe fix (one that
//! claims not to change who gets access) must be proved `equivalent` to the original by the prover.
//! A fix that declares itself unsafe (`with_unsafe_fix`: inserting `Version` changes what `${…}`
//! means) and a fix that repairs a policy the reader rejects are exempt from the proof, and listed.
//! A code declares a fix (`fixable` of its `CodeInfo`: a rule's `fixable`, the reader's
//! `tenet_syntax::codes::FIXABLE`) exactly when a fixture shows one, and no finding of a code that
//! declares none carries one.
//!
//! Each code with fixes gets a snapshot `snapshots/fixes/<CODE>.snap`: each fixture before, the
//! findings with their fixes and proofs, and the text after the code's fixes.
//!
//! `cargo test -p tenet_lint --test fix_harness -- --ignored --nocapture corpora` runs the same
//! checks over the real corpora in `../shared/corpora` (or `$TENET_CORPORA`) and prints the figures.
#![expect(
    clippy::expect_used,
    reason = "test helpers: a missing or unreadable fixture must fail loudly"
)]

mod check;
mod corpora;

use check::{fix_title, FileReport, Harness, Proof};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use tenet_ast::PolicyKind;
use tenet_diagnostics::{render_diagnostics, RenderOptions};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fixture: its display name, the code it is about (`None` for reader fixtures), its kind, text.
struct Fixture {
    name: String,
    code: Option<String>,
    kind: Option<PolicyKind>,
    text: String,
}

fn fixtures() -> Vec<Fixture> {
    let mut out = Vec::new();
    let lint = root().join("tests/fixtures/lint");
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for family in std::fs::read_dir(&lint).expect("fixture directory").flatten() {
        let family_name = family.file_name().to_string_lossy().into_owned();
        for file in std::fs::read_dir(family.path()).expect("family directory").flatten() {
            files.push((family_name.clone(), file.path()));
        }
    }
    // The reader's fixtures, and the harness's own cases of each fix (edge cases of its guards).
    for dir in ["syntax", "fixes"] {
        for file in std::fs::read_dir(root().join("tests/fixtures").join(dir))
            .expect("fixtures")
            .flatten()
        {
            files.push((dir.to_owned(), file.path()));
        }
    }
    files.sort();
    for (family, path) in files {
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        // A file that is not UTF-8 has no text to fix.
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let file_name = path.file_name().expect("name").to_string_lossy().into_owned();
        let stem = path.file_stem().expect("stem").to_string_lossy().into_owned();
        let (code, kind) = if family == "syntax" || family == "fixes" {
            (None, stem.split('.').find_map(PolicyKind::from_name))
        } else {
            let mut parts = stem.split('.');
            let code = parts.next().map(str::to_owned);
            let kind = parts.find_map(PolicyKind::from_name).unwrap_or(PolicyKind::Identity);
            (code, Some(kind))
        };
        out.push(Fixture {
            name: format!("{family}/{file_name}"),
            code,
            kind,
            text,
        });
    }
    out
}

/// Per code: fixes seen, and their proofs by verdict word.
#[derive(Default)]
struct Tally {
    fixes: usize,
    proofs: BTreeMap<&'static str, usize>,
}

#[test]
fn fixes_are_declared_convergent_and_equivalent() {
    let harness = Harness::new(PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fix-harness"));
    let mut defects = Vec::new();
    let mut tally: BTreeMap<&'static str, Tally> = BTreeMap::new();
    let mut unknown = Vec::new();
    // Per code, the snapshot text.
    let mut snapshots: BTreeMap<&'static str, String> = BTreeMap::new();
    for f in fixtures() {
        let report = harness.check(&f.name, &f.text, f.kind, true);
        defects.extend(report.defects.iter().cloned());
        for fix in &report.fixes {
            let t = tally.entry(fix.diagnostic.code).or_default();
            t.fixes += 1;
            *t.proofs.entry(fix.proof.word()).or_default() += 1;
            if let Proof::Unknown(why) = &fix.proof {
                unknown.push(format!(
                    "{}: {} at {}: {why}",
                    f.name, fix.diagnostic.code, fix.diagnostic.span.start
                ));
            }
        }
        let codes: BTreeSet<&'static str> = report.fixes.iter().map(|x| x.diagnostic.code).collect();
        for code in codes {
            // A lint code shows its own fixtures and the harness's; a reader code every fixture
            // that gets its fix.
            if code.starts_with("IAM") && f.code.as_deref().is_some_and(|c| c != code) {
                continue;
            }
            snapshots
                .entry(code)
                .or_default()
                .push_str(&snapshot_section(&f, &report, code));
        }
    }
    // Declared = emitted: a code that declares a fix shows one on some fixture (and `check` flags
    // any fix of a code that declares none).
    for info in tenet_lint::registry::lint_and_reader_codes() {
        if info.fixable && !tally.contains_key(info.code) {
            defects.push(format!("{} declares a fix but no fixture gets one", info.code));
        }
    }
    for (code, t) in &tally {
        let safe = t.fixes
            - t.proofs.get("exempt (unsafe fix)").unwrap_or(&0)
            - t.proofs.get("exempt (repairs an invalid policy)").unwrap_or(&0);
        if safe > 0 && !t.proofs.contains_key("holds") {
            defects.push(format!("{code}: no safe fix of it is proved equivalent on any fixture"));
        }
    }
    eprintln!("{}", figures(&tally));
    for u in &unknown {
        eprintln!("unknown: {u}");
    }
    assert!(defects.is_empty(), "fix defects:\n{}", defects.join("\n"));
    for (code, text) in &snapshots {
        insta::with_settings!({
            snapshot_path => root().join("snapshots/fixes"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(*code, text);
        });
    }
}

/// The figures per code: fixes and their proofs.
fn figures(tally: &BTreeMap<&'static str, Tally>) -> String {
    let mut out = String::from("code     fixes  proofs\n");
    for (code, t) in tally {
        let proofs: Vec<String> = t.proofs.iter().map(|(w, n)| format!("{w}: {n}")).collect();
        out.push_str(&format!("{code:<8} {:>5}  {}\n", t.fixes, proofs.join(", ")));
    }
    out
}

/// One fixture's part of a code's snapshot: the text before, each finding with its fix and proof,
/// and the text after the code's fixes.
fn snapshot_section(f: &Fixture, report: &FileReport, code: &str) -> String {
    let ours: Vec<_> = report.fixes.iter().filter(|x| x.diagnostic.code == code).collect();
    let diagnostics: Vec<_> = ours.iter().map(|x| x.diagnostic.clone()).collect();
    let rendered = render_diagnostics(
        &f.name,
        &f.text,
        &diagnostics,
        RenderOptions {
            color: false,
            width: 100,
        },
    );
    let (after, _) = tenet_lint::fix::apply_fixes(&f.text, &diagnostics, true);
    let mut out = format!("=== {} ===\n--- before\n{}\n", f.name, f.text.trim_end());
    out.push_str(&format!("--- findings\n{}\n", rendered.trim_end()));
    for x in &ours {
        let safety = if x.diagnostic.fix.as_ref().is_some_and(|f| f.safe) {
            "safe"
        } else {
            "unsafe"
        };
        out.push_str(&format!(
            "--- fix `{}` ({safety}), equivalent: {}\n",
            fix_title(&x.diagnostic),
            x.proof.word()
        ));
    }
    out.push_str(&format!("--- after the fixes of {code}\n{}\n\n", after.trim_end()));
    out
}
