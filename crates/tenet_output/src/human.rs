//! The human report: miette snippets per finding and a summary line.

use tenet_diagnostics::{escape_hidden, render_diagnostics_indexed, RenderOptions, Severity};

use crate::report::FileResult;

/// Findings shown with a snippet per file; the rest of the file's findings are counted in one line.
pub const MAX_SHOWN_PER_FILE: usize = 100;
/// Findings shown with a snippet in one run.
pub const MAX_SHOWN_PER_RUN: usize = 1000;

/// miette reports with snippets, then a summary line. At most [`MAX_SHOWN_PER_FILE`] findings of a
/// file and [`MAX_SHOWN_PER_RUN`] in all are drawn (each from a bounded excerpt, so the cost is
/// linear in the findings shown); the others are counted in an "N more" line and in the summary.
pub fn render_human(results: &[FileResult], color: bool, verbose: bool, passed_over: &[(String, &str)]) -> String {
    let mut out = String::new();
    if verbose {
        for (path, why) in passed_over {
            out.push_str(&format!("note: passed over {}: {why}\n", escape_hidden(path)));
        }
    }
    let (mut errors, mut warnings, mut infos, mut files) = (0, 0, 0, 0);
    let mut shown = 0usize;
    let width = terminal_width();
    for r in results {
        if let Some(why) = &r.skipped {
            if verbose {
                out.push_str(&format!(
                    "note: skipped {}: {}\n",
                    escape_hidden(&r.display),
                    escape_hidden(why)
                ));
            }
            continue;
        }
        files += 1;
        if r.diagnostics.is_empty() {
            continue;
        }
        let take = r
            .diagnostics
            .len()
            .min(MAX_SHOWN_PER_FILE)
            .min(MAX_SHOWN_PER_RUN - shown);
        shown += take;
        out.push_str(&render_diagnostics_indexed(
            &escape_hidden(&r.display),
            &r.source,
            &r.line_index,
            r.diagnostics.get(..take).unwrap_or_default(),
            RenderOptions { color, width },
        ));
        let hidden = r.diagnostics.len() - take;
        if hidden > 0 {
            out.push_str(&format!(
                "… {hidden} more finding{} in {} not shown (`--format json` lists every finding)\n\n",
                plural(hidden),
                escape_hidden(&r.display)
            ));
        }
        for d in &r.diagnostics {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                Severity::Info => infos += 1,
            }
        }
    }
    if shown == MAX_SHOWN_PER_RUN {
        out.push_str(&format!(
            "note: only the first {MAX_SHOWN_PER_RUN} findings are shown with their source\n"
        ));
    }
    let skipped = results.len() - files
        + passed_over
            .iter()
            .filter(|(p, why)| p.ends_with(".json") || why.starts_with("hidden directory"))
            .count();
    out.push_str(&format!(
        "{files} file{} checked: {errors} error{}, {warnings} warning{}, {infos} info{}\n",
        plural(files),
        plural(errors),
        plural(warnings),
        skipped_note(skipped, verbose),
    ));
    out
}

/// `; N files skipped (…)` when some inputs were not policies.
fn skipped_note(skipped: usize, verbose: bool) -> String {
    match (skipped, verbose) {
        (0, _) => String::new(),
        (n, true) => format!("; {n} file{} skipped", plural(n)),
        (n, false) => format!("; {n} file{} skipped (`-v` says which and why)", plural(n)),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
}
