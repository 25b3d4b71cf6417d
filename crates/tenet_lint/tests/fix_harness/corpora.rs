//! The harness over the real corpora (`../shared/corpora` beside the checkout, or
//! `$TENET_CORPORA`): every file's fixes must apply cleanly and reach a fixpoint, and the text after
//! all safe fixes must be proved equivalent to the original (a violated proof is traced to the fix
//! that caused it). Ignored by default: it takes minutes and the corpora are not part of the
//! repository. Run it with
//! `cargo test -p tenet_lint --test fix_harness -- --ignored --nocapture corpora`.

use crate::check::{Harness, Proof};
use crate::root;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "json") {
            out.push(path);
        }
    }
}

#[test]
#[ignore = "minutes of proofs over ../shared/corpora; run with --ignored"]
fn corpora() {
    let dir = std::env::var_os("TENET_CORPORA").map_or_else(|| root().join("../shared/corpora"), PathBuf::from);
    let mut files = Vec::new();
    json_files(&dir, &mut files);
    files.sort();
    assert!(!files.is_empty(), "no corpus under `{}`", dir.display());
    let harness = Harness::new(PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fix-harness-corpora"));
    let start = Instant::now();
    let mut defects = Vec::new();
    let (mut with_fixes, mut applied) = (0, 0);
    let mut offered: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut proofs: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut unknown: BTreeMap<String, usize> = BTreeMap::new();
    for (i, path) in files.iter().enumerate() {
        if i % 250 == 0 {
            println!("{i} of {} files, {:.0} s", files.len(), start.elapsed().as_secs_f64());
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let name = path.strip_prefix(&dir).unwrap_or(path).to_string_lossy().into_owned();
        let report = harness.check(&name, &text, None, false);
        defects.extend(report.defects);
        if report.fixes.is_empty() {
            continue;
        }
        with_fixes += 1;
        applied += report.applied;
        for x in &report.fixes {
            *offered.entry(x.diagnostic.code).or_default() += 1;
        }
        if let Some(p) = &report.all_safe {
            *proofs.entry(p.word()).or_default() += 1;
            if let Proof::Unknown(why) = p {
                let why: String = why.chars().take(90).collect();
                *unknown.entry(why).or_default() += 1;
            }
        }
    }
    println!("fix harness over {}", dir.display());
    println!(
        "files: {}, with fixes: {with_fixes}, fixes applied (all rounds, unsafe included): {applied}, time: {:.1} s",
        files.len(),
        start.elapsed().as_secs_f64()
    );
    println!("fixes offered by code: {offered:?}");
    println!("proofs of the text after all safe fixes, per file: {proofs:?}");
    for (why, n) in &unknown {
        println!("unknown ({n}): {why}");
    }
    assert!(defects.is_empty(), "fix defects:\n{}", defects.join("\n"));
}
