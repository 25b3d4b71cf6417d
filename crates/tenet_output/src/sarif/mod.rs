//! SARIF 2.1.0 output (`tenet lint --format sarif`), the subset GitHub code scanning and most SARIF
//! viewers read: one run, the rules' metadata, and one result per diagnostic with a repo-relative
//! location, a stable fingerprint and the fix when there is one.
//!
//! The log's shapes are in `log.rs`. `scripts/validate_sarif.sh` checks the output against the official 2.1.0 JSON schema.

mod log;

use std::collections::HashMap;

use tenet_diagnostics::{Diagnostic, LineIndex, Severity, Span};

use crate::code::CodeInfo;
use crate::report::{lexical, FileResult, STDIN};
use log::{
    ArtifactChange, ArtifactLocation, ByteRegion, Configuration, Driver, InsertedContent, Invocation, Location, Log,
    Notification, PhysicalLocation, Region, Replacement, ReportingDescriptor, ResultProperties, RuleProperties, Run,
    SarifFix, SarifResult, Text, Tool,
};

/// The project's home page.
const INFORMATION_URI: &str = "https://github.com/tenet-policy/tenet";
/// The schema URI written into `$schema`.
const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The base id that artifact URIs are relative to: the repository root (see `repo_root`).
const SRCROOT: &str = "%SRCROOT%";
/// The key of tenet's fingerprint in `partialFingerprints` (bump the suffix if the recipe changes).
const FINGERPRINT_KEY: &str = "tenet/v1";

/// GitHub code scanning rejects a run with more results than this.
pub const MAX_SARIF_RESULTS: usize = 25_000;
/// GitHub keeps at most this many locations per result; more related locations are dropped.
const MAX_RELATED: usize = 100;

/// Renders the findings of `results` as one SARIF 2.1.0 log (pretty-printed JSON, ending in a newline).
///
/// `rules` is the metadata of every code that may appear (for `lint`, every lint rule and reader code): each becomes a `reportingDescriptor` whose `id` is the code.
/// Artifact URIs are `FileResult::display` (repo-relative, `/`-separated) against `%SRCROOT%`; columns
/// are counted in Unicode scalar values (`columnKind: unicodeCodePoints`).
pub fn render_sarif(results: &[FileResult], rules: &[CodeInfo]) -> String {
    let index: HashMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.code, i)).collect();
    let mut sarif_results = Vec::new();
    for file in results {
        if file.diagnostics.is_empty() {
            continue;
        }
        let statements = statement_names(file);
        let mut seen: HashMap<u64, u32> = HashMap::new();
        for d in &file.diagnostics {
            let base = fingerprint_base(file, &statements, d);
            let occurrence = seen.entry(base).or_insert(0);
            *occurrence += 1;
            let fingerprint = format!("{base:016x}:{occurrence}");
            sarif_results.push((d.severity, result(file, d, index.get(d.code).copied(), fingerprint)));
        }
    }
    let (sarif_results, invocations) = keep_most_severe(sarif_results, MAX_SARIF_RESULTS);
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "tenet",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: rules.iter().map(descriptor).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results: sarif_results,
            invocations,
        }],
    };
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    out.push('\n');
    out
}

/// At most `max` results, the most severe first (in file order within a severity), and a
/// notification saying how many were left out.
fn keep_most_severe(results: Vec<(Severity, SarifResult)>, max: usize) -> (Vec<SarifResult>, Vec<Invocation>) {
    if results.len() <= max {
        return (results.into_iter().map(|(_, r)| r).collect(), Vec::new());
    }
    let mut order: Vec<(usize, Severity)> = results.iter().map(|(s, _)| *s).enumerate().collect();
    order.sort_by_key(|&(_, severity)| std::cmp::Reverse(severity));
    let mut keep = vec![false; results.len()];
    for (i, _) in order.into_iter().take(max) {
        if let Some(k) = keep.get_mut(i) {
            *k = true;
        }
    }
    let omitted = results.len() - max;
    let kept = results
        .into_iter()
        .zip(keep)
        .filter_map(|((_, r), k)| k.then_some(r))
        .collect();
    let notice = Notification {
        level: "warning",
        message: Text::plain(format!(
            "{omitted} less severe results were left out to stay within the {max} results GitHub accepts; `--format json` lists every finding"
        )),
    };
    let invocation = Invocation {
        execution_successful: true,
        tool_execution_notifications: vec![notice],
    };
    (kept, vec![invocation])
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn descriptor(entry: &CodeInfo) -> ReportingDescriptor<'_> {
    // NOTE: codes that are not lint rules have always been described at level `error`, whatever
    // severity their findings carry; the SARIF output keeps that.
    let level_name = if entry.is_lint_rule() {
        level(entry.severity)
    } else {
        "error"
    };
    ReportingDescriptor {
        id: entry.code,
        name: entry.name,
        short_description: Text::plain(entry.summary),
        full_description: Text::plain(entry.docs.as_deref().map_or(entry.summary, first_paragraph)),
        help: entry.docs.clone().map(|md| Text {
            text: md.clone(),
            markdown: Some(md),
        }),
        help_uri: entry.docs_url(),
        default_configuration: Configuration {
            level: level_name,
            enabled: entry.enabled,
        },
        properties: RuleProperties {
            tags: vec![entry.category],
            access_analyzer_checks: entry.aa_checks,
            parliament_issues: entry.parliament,
        },
    }
}

/// The text under the first heading of a rule's docs (its "What it does" paragraph).
fn first_paragraph(docs: &str) -> &str {
    let body = docs.trim_start();
    let body = match body.strip_prefix('#') {
        Some(rest) => rest.split_once('\n').map_or("", |(_, r)| r),
        None => body,
    };
    let text = body.split("\n#").next().unwrap_or(body).trim();
    if text.is_empty() {
        docs.trim()
    } else {
        text
    }
}

fn result(file: &FileResult, d: &Diagnostic, rule_index: Option<usize>, fingerprint: String) -> SarifResult {
    let mut text = d.message.clone();
    if let Some(p) = &d.policy {
        text.push('\n');
        text.push_str(&tenet_diagnostics::policy_line(p));
    }
    if let Some(help) = &d.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    let related = d
        .labels
        .iter()
        .take(MAX_RELATED)
        .enumerate()
        .map(|(i, l)| Location {
            id: Some(i + 1),
            physical_location: physical(file, l.span),
            message: Some(Text::plain(l.message.clone())),
        })
        .collect();
    let fixes = d
        .fix
        .iter()
        .map(|fix| SarifFix {
            description: Text::plain(fix.title.clone()),
            artifact_changes: vec![ArtifactChange {
                artifact_location: artifact(file),
                replacements: fix
                    .edits
                    .iter()
                    .map(|e| Replacement {
                        deleted_region: ByteRegion {
                            byte_offset: e.span.start,
                            byte_length: e.span.end - e.span.start,
                        },
                        inserted_content: InsertedContent {
                            text: e.replacement.clone(),
                        },
                    })
                    .collect(),
            }],
        })
        .collect();
    SarifResult {
        rule_id: d.code,
        rule_index,
        level: level(d.severity),
        message: Text::plain(text),
        locations: vec![Location {
            id: None,
            physical_location: physical(file, d.span),
            message: None,
        }],
        related_locations: related,
        partial_fingerprints: HashMap::from([(FINGERPRINT_KEY, fingerprint)]),
        fixes,
        properties: d.policy.as_ref().map(|p| ResultProperties {
            policy: p.name.clone(),
            aws_managed: p.aws_managed,
        }),
    }
}

/// The file relative to the repository root (the nearest directory above the current one holding
/// `.git`, else the current directory) against `%SRCROOT%`; a file outside it gets an absolute
/// `file://` URI, never a `../` path GitHub cannot place.
fn artifact(file: &FileResult) -> ArtifactLocation {
    let absolute = lexical(&file.path);
    match repo_root().and_then(|root| absolute.strip_prefix(root).ok()) {
        Some(rel) if !rel.as_os_str().is_empty() => ArtifactLocation {
            uri: encode_uri_path(&rel.to_string_lossy().replace('\\', "/")),
            uri_base_id: Some(SRCROOT),
        },
        _ if file.path.as_os_str() == STDIN => ArtifactLocation {
            uri: "stdin".to_owned(),
            uri_base_id: Some(SRCROOT),
        },
        _ => ArtifactLocation {
            uri: format!(
                "file://{}",
                encode_uri_path(&absolute.to_string_lossy().replace('\\', "/"))
            ),
            uri_base_id: None,
        },
    }
}

/// The directory SARIF URIs are relative to, found once.
fn repo_root() -> Option<&'static std::path::Path> {
    static ROOT: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();
    ROOT.get_or_init(|| {
        let cwd = std::env::current_dir().ok()?;
        let root = cwd.ancestors().find(|d| d.join(".git").exists()).unwrap_or(&cwd);
        Some(root.to_path_buf())
    })
    .as_deref()
}

fn physical(file: &FileResult, span: Span) -> PhysicalLocation {
    let index: &LineIndex = &file.line_index;
    let start = index.line_col(&file.source, span.start);
    let end = index.line_col(&file.source, span.end);
    PhysicalLocation {
        artifact_location: artifact(file),
        region: Region {
            start_line: start.line,
            start_column: start.column,
            end_line: end.line,
            end_column: end.column,
            byte_offset: start.offset,
            byte_length: end.offset.saturating_sub(start.offset),
        },
    }
}

/// Percent-encodes the characters a relative URI reference may not hold as-is (spaces, `%`, `#`, `?`,
/// non-ASCII), keeping `/` separators.
fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A hash that does not move when lines are added above the finding: the code, the file, the statement
/// the finding is in (its `Sid`, or its position when it has none, and the document's name for files
/// holding several policies) and the finding's own text with whitespace removed. Equal bases within a
/// file are told apart by an occurrence counter.
fn fingerprint_base(file: &FileResult, statements: &[(Span, String)], d: &Diagnostic) -> u64 {
    let snippet: String = file
        .source
        .get(d.span.range())
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(256)
        .collect();
    let statement = statements
        .iter()
        .find(|(s, _)| s.start <= d.span.start && d.span.end <= s.end)
        .map_or("", |(_, name)| name.as_str());
    let mut h = Fnv::new();
    for part in [d.code, file.display.as_str(), statement, snippet.as_str()] {
        h.write(part.as_bytes());
        h.write(&[0]);
    }
    h.finish()
}

/// Every statement of the file with a name that survives edits elsewhere: `document/Sid`, or
/// `document/#index` when it has no `Sid`. The file is read again (only files with findings are).
fn statement_names(file: &FileResult) -> Vec<(Span, String)> {
    let parsed = tenet_syntax::parse_policy_file(&file.display, &file.source, None);
    let mut out = Vec::new();
    for doc in &parsed.documents {
        let name = doc.name.as_deref().unwrap_or("");
        for (i, stmt) in doc.policy.statements.iter().enumerate() {
            let id = match &stmt.value.sid {
                Some(sid) => format!("{name}/{}", sid.value),
                None => format!("{name}/#{i}"),
            };
            out.push((stmt.span, id));
        }
    }
    out
}

/// 64-bit FNV-1a: tiny, and stable across Rust releases (unlike `DefaultHasher`).
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};
    use tenet_diagnostics::Edit;

    const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Zugriff für Ünïcode", "Effect": "Allow", "Action": "s3:getobject", "Resource": "*"}
  ]
}
"#;

    fn span_of(text: &str, needle: &str) -> Span {
        let start = text.find(needle).unwrap_or(0);
        Span::new(start, start + needle.len())
    }

    fn sample(source: &str) -> FileResult {
        let action = span_of(source, "\"s3:getobject\"");
        let resource = span_of(source, "\"*\"");
        let diagnostics = vec![
            Diagnostic::new(
                "IAM201",
                "action-case",
                Severity::Info,
                action,
                "`s3:getobject` is written `s3:GetObject` by AWS",
            )
            .with_help("write `s3:GetObject`")
            .with_fix(
                "replace with `s3:GetObject`",
                vec![Edit {
                    span: Span::new(action.start as usize + 1, action.end as usize - 1),
                    replacement: "s3:GetObject".to_owned(),
                }],
            )
            .with_label(resource, "on every resource"),
            Diagnostic::new(
                "SYN001",
                "json-syntax-error",
                Severity::Error,
                resource,
                "made-up finding",
            ),
        ];
        FileResult {
            path: PathBuf::from("policies/a b.json"),
            display: "policies/a b.json".to_owned(),
            source: source.to_owned(),
            diagnostics,
            line_index: LineIndex::new(source),
            skipped: None,
        }
    }

    fn rules() -> Vec<CodeInfo> {
        let lint = CodeInfo {
            category: "style",
            fixable: true,
            aa_checks: &["Invalid action"],
            docs: Some(
                "## What it does\nChecks the case of actions.\n\n## Why is this bad?\nIt reads badly.\n".to_owned(),
            ),
            ..CodeInfo::structural(
                "IAM201",
                "action-case",
                "an action is not written as AWS writes it",
                Severity::Info,
            )
        };
        let structural = CodeInfo::structural("SYN001", "json-syntax-error", "the file is not JSON", Severity::Error);
        vec![lint, structural]
    }

    fn render(source: &str) -> serde_json::Value {
        let text = render_sarif(&[sample(source)], &rules());
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
    }

    #[test]
    fn locations_are_one_based_in_scalar_values() {
        let log = render(POLICY);
        let result = &log["runs"][0]["results"][0];
        assert_eq!(result["ruleId"], "IAM201");
        assert_eq!(result["level"], "note");
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], 4);
        // `    {"Sid": "Zugriff für Ünïcode", "Effect": "Allow", "Action": ` is 64 scalar values.
        assert_eq!(region["startColumn"], 65);
        assert_eq!(region["endColumn"], 79);
        let uri = &result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        // Relative to the repository holding the current directory (this crate's, under `cargo test`).
        let uri = uri.as_str().unwrap_or_default();
        assert!(uri.ends_with("policies/a%20b.json") && !uri.starts_with('/'), "{uri}");
        assert_eq!(
            result["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
            "s3:GetObject"
        );
        assert_eq!(log["runs"][0]["tool"]["driver"]["name"], "tenet");
    }

    #[test]
    fn fingerprints_ignore_line_shifts() {
        let a = render(POLICY);
        let shifted = POLICY.replacen("{\n", "{\n\n\n  \"Id\": \"moved\",\n", 1);
        let b = render(&shifted);
        for i in 0..2 {
            let fa = &a["runs"][0]["results"][i]["partialFingerprints"][FINGERPRINT_KEY];
            let fb = &b["runs"][0]["results"][i]["partialFingerprints"][FINGERPRINT_KEY];
            assert!(fa.is_string());
            assert_eq!(fa, fb);
        }
        let f0 = &a["runs"][0]["results"][0]["partialFingerprints"][FINGERPRINT_KEY];
        let f1 = &a["runs"][0]["results"][1]["partialFingerprints"][FINGERPRINT_KEY];
        assert_ne!(f0, f1);
    }

    fn repo_root() -> Option<PathBuf> {
        let mut dir = Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf();
        loop {
            if dir.join("scripts/validate_sarif.sh").is_file() {
                return Some(dir);
            }
            if !dir.pop() {
                return None;
            }
        }
    }

    /// Validates a log against the official schema with `scripts/validate_sarif.sh` (PyPI `jsonschema`,
    /// the schema from an npm package). Skipped, saying why, only when python3 is missing.
    #[test]
    fn output_validates_against_the_sarif_schema() {
        if std::process::Command::new("python3").arg("--version").output().is_err() {
            eprintln!("skipped: python3 is not available to run scripts/validate_sarif.sh");
            return;
        }
        let Some(root) = repo_root() else {
            unreachable!(
                "scripts/validate_sarif.sh not found above {}",
                env!("CARGO_MANIFEST_DIR")
            );
        };
        let dir = root.join("target/sarif-validate");
        std::fs::create_dir_all(&dir).ok();
        let log = dir.join("tenet-test.sarif");
        let text = render_sarif(&[sample(POLICY)], &rules());
        std::fs::write(&log, text).ok();
        let out = std::process::Command::new("bash")
            .arg(root.join("scripts/validate_sarif.sh"))
            .arg(&log)
            .output();
        let Ok(out) = out else {
            unreachable!("could not run bash");
        };
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "validation failed:\n{stdout}\n{stderr}");
        assert!(stdout.contains("valid SARIF 2.1.0"), "{stdout}");
    }

    #[test]
    fn more_results_than_github_accepts_keep_the_most_severe() {
        let source = POLICY;
        let mut file = sample(source);
        let template = file.diagnostics[1].clone();
        let mut many = Vec::new();
        for i in 0..MAX_SARIF_RESULTS + 10 {
            let mut d = template.clone();
            d.severity = if i % 1000 == 7 { Severity::Error } else { Severity::Info };
            many.push(d);
        }
        file.diagnostics = many;
        let log: serde_json::Value = serde_json::from_str(&render_sarif(&[file], &rules())).unwrap();
        let results = log["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), MAX_SARIF_RESULTS);
        assert_eq!(results.iter().filter(|r| r["level"] == "error").count(), 26);
        let note = &log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"];
        assert!(
            note.as_str()
                .unwrap()
                .starts_with("10 less severe results were left out"),
            "{note}"
        );
    }
}
