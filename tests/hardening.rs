//! End-to-end regression tests of issue 13's hardening: bounded human and SARIF output on huge
//! inputs, no silent pass on files that hold no policy, stdin, and escaped terminal output. The big
//! inputs are generated here, in unique temporary directories.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly")]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

const TENET: &str = env!("CARGO_BIN_EXE_tenet");

fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "tenet-harden-{}-{}-{name}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(TENET)
        .args(args)
        .current_dir(dir)
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tenet binary runs");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("tenet exited normally, not by a signal")
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn err(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A one-line policy of `n` identical statements told apart by their `Sid` (each but the first is
/// an info finding: a duplicate of the first; the policy is also over its size quota, an error),
/// or of `n` statements on different buckets (no finding but the size).
fn minified(n: usize, duplicates: bool) -> String {
    let statements: Vec<String> = (0..n)
        .map(|i| {
            let bucket = if duplicates { 0 } else { i };
            format!(
                r#"{{"Sid":"S{i}","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b{bucket}/*"}}"#
            )
        })
        .collect();
    format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, statements.join(","))
}

#[test]
fn findings_past_column_65535_render_in_a_window_and_are_capped() {
    let dir = scratch("long-line");
    let policy = minified(1200, true);
    assert!(policy.len() > 100_000);
    std::fs::write(dir.join("p.json"), &policy).unwrap();
    let out = run(&dir, &["lint", "--fail-on", "info", "p.json"], None);
    assert_eq!(code(&out), 1, "{}", err(&out));
    let shown = text(&out);
    assert!(shown.contains("more findings in p.json not shown"), "{shown}");
    assert_eq!(shown.matches("╭─[p.json:1:").count(), 100, "{shown}");
    // Every snippet line is a bounded window of the one-line file.
    assert!(shown.lines().all(|l| l.chars().count() < 300), "a line is too long");
    assert!(
        shown.contains("1 file checked: 1 error, 0 warnings, 1199 info"),
        "{shown}"
    );
}

#[test]
fn a_finding_far_into_one_line_points_at_its_real_column() {
    let dir = scratch("far");
    let mut policy = minified(800, false);
    let at = policy.len() - 2;
    policy.insert_str(at, r#",{"Effect":"Alow","Action":"s3:GetObject","Resource":"*"}"#);
    std::fs::write(dir.join("p.json"), &policy).unwrap();
    let out = run(&dir, &["lint", "p.json"], None);
    assert_eq!(code(&out), 1, "{}", err(&out));
    let col = policy.find(r#""Alow""#).unwrap() + 1;
    assert!(col > 65_535);
    assert!(text(&out).contains(&format!("p.json:1:{col}]")), "{}", text(&out));
}

#[test]
fn the_run_shows_at_most_a_thousand_findings() {
    let dir = scratch("run-cap");
    for i in 0..12 {
        std::fs::write(dir.join(format!("p{i:02}.json")), minified(101, true)).unwrap();
    }
    let out = run(&dir, &["lint", "."], None);
    let shown = text(&out);
    assert_eq!(shown.matches("╭─[").count(), 1000, "{shown}");
    assert!(shown.contains("only the first 1000 findings are shown"), "{shown}");
    assert!(
        shown.contains("12 files checked: 12 errors, 0 warnings, 1200 info"),
        "{shown}"
    );
}

#[test]
fn sarif_output_of_many_findings_is_valid_json_with_every_result_below_the_cap() {
    let dir = scratch("sarif");
    std::fs::write(dir.join("p.json"), minified(300, true)).unwrap();
    let out = run(&dir, &["lint", "--format", "sarif", "p.json"], None);
    let log: Value = serde_json::from_str(&text(&out)).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 300);
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "p.json"
    );
}

#[test]
fn explicitly_named_files_that_hold_no_policy_are_errors() {
    let dir = scratch("explicit");
    std::fs::write(
        dir.join("stmts.json"),
        r#"[{"Effect":"Allow","Action":"*","Resource":"*"}]"#,
    )
    .unwrap();
    std::fs::write(dir.join("lower.json"), r#"{"version":"2012-10-17","statement":[]}"#).unwrap();
    std::fs::write(
        dir.join("wrapped.json"),
        r#"{"Data":{"Version":"2012-10-17","Statement":[]}}"#,
    )
    .unwrap();
    for (file, says) in [
        ("stmts.json", "list of statements"),
        ("lower.json", "`version` is not `Version`"),
        ("wrapped.json", "under the key `Data`"),
    ] {
        let out = run(&dir, &["lint", file], None);
        assert_eq!(code(&out), 1, "{file}: {}", text(&out));
        assert!(
            text(&out).contains("SYN019(not-a-policy)") && text(&out).contains(says),
            "{}",
            text(&out)
        );
    }
    // Walking the same directory skips them, and says how many.
    let out = run(&dir, &["lint", "."], None);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(text(&out).contains("3 files skipped"), "{}", text(&out));
}

#[test]
fn a_dash_reads_standard_input() {
    let dir = scratch("stdin");
    let out = run(
        &dir,
        &["lint", "-"],
        Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Alow","Action":"s3:GetObject","Resource":"*"}]}"#),
    );
    assert_eq!(code(&out), 1);
    assert!(text(&out).contains("<stdin>:1:"), "{}", text(&out));
    let out = run(&dir, &["lint", "--fix", "-"], Some("{}"));
    assert_eq!(code(&out), 2);
    assert!(
        err(&out).contains("`--fix` cannot rewrite standard input"),
        "{}",
        err(&out)
    );
}

#[test]
fn walks_skip_json_with_comments_hidden_entries_and_link_loops_and_list_them_with_verbose() {
    let dir = scratch("walk");
    std::fs::create_dir_all(dir.join(".vscode")).unwrap();
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("tsconfig.json"), "{\"compilerOptions\": {} // strict\n}").unwrap();
    std::fs::write(dir.join(".vscode/settings.json"), "{/* editor */ \"a\": 1,}").unwrap();
    std::fs::write(
        dir.join("sub/p.json"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
    )
    .unwrap();
    std::os::unix::fs::symlink(dir.join("sub"), dir.join("sub/loop")).unwrap();
    let out = run(&dir, &["lint", "."], None);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(text(&out).starts_with("1 file checked"), "{}", text(&out));
    let out = run(&dir, &["lint", "-v", "."], None);
    let shown = text(&out);
    for line in [
        "note: skipped tsconfig.json: JSON with comments, not a policy",
        "note: passed over .vscode: hidden directory, not searched",
        "note: passed over sub/loop: symbolic link, not followed",
    ] {
        assert!(shown.contains(line), "{line}\n{shown}");
    }
    // Named explicitly, the same file is reported.
    let out = run(&dir, &["lint", "tsconfig.json"], None);
    assert_eq!(code(&out), 1, "{}", text(&out));
}

#[test]
fn control_characters_from_policy_text_are_escaped_in_human_and_github_output() {
    let dir = scratch("escape");
    std::fs::write(dir.join("p.json"), r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Bad\u001b[2J\u0007":1}]}"#).unwrap();
    for format in ["human", "github"] {
        let out = run(&dir, &["lint", "--format", format, "p.json"], None);
        assert_eq!(code(&out), 1, "{}", text(&out));
        let shown = text(&out);
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
            "{format}: {shown:?}"
        );
        assert!(shown.contains("Bad\\u{1b}[2J\\u{7}"), "{format}: {shown}");
    }
}

#[test]
fn an_id_marker_cannot_hide_an_error_and_markers_are_exact() {
    let dir = scratch("markers");
    let bad = r#"{"Version":"2012-10-17","Id":"TenetIgnore","Statement":[{"Effect":"Alow","Action":"s3:GetObject","Resource":"*"}]}"#;
    std::fs::write(dir.join("p.json"), bad).unwrap();
    let out = run(&dir, &["lint", "p.json"], None);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(text(&out).contains("`Alow`"), "{}", text(&out));
    // `TenetIgnored` is a word, not a marker that hides everything.
    let sid = r#"{"Version":"2012-10-17","Statement":[{"Sid":"TenetIgnored","Effect":"Alow","Action":"s3:GetObject","Resource":"*"}]}"#;
    std::fs::write(dir.join("p.json"), sid).unwrap();
    assert_eq!(code(&run(&dir, &["lint", "p.json"], None)), 1);
}

#[test]
fn configuration_errors_are_located_with_a_suggestion() {
    let dir = scratch("config");
    std::fs::write(dir.join("p.json"), r#"{"Version":"2012-10-17","Statement":[]}"#).unwrap();
    std::fs::write(
        dir.join("tenet.toml"),
        "select = [\"ALL\"]\n\n[severity]\nmissing-versoin = \"error\"\n",
    )
    .unwrap();
    let out = run(&dir, &["lint", "p.json"], None);
    assert_eq!(code(&out), 2);
    assert!(
        err(&out).contains("tenet.toml:4:1: unknown rule selector `missing-versoin`: did you mean `missing-version`?"),
        "{}",
        err(&out)
    );
}

#[test]
fn docs_rules_md_is_generated_and_every_help_uri_resolves() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = run(root, &["rules", "--format", "markdown"], None);
    let expected = text(&out);
    let path = root.join("docs/rules.md");
    assert!(
        std::fs::read_to_string(&path).unwrap_or_default() == expected,
        "docs/rules.md is out of date: run `cargo run -- rules --format markdown > docs/rules.md` and commit it"
    );
    let dir = scratch("help-uri");
    std::fs::write(
        dir.join("p.json"),
        r#"{"Statement":[{"Effect":"Alow","Action":"s3:getobject","Resource":"*"}]}"#,
    )
    .unwrap();
    let log: Value = serde_json::from_str(&text(&run(&dir, &["lint", "--format", "sarif", "p.json"], None))).unwrap();
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.len() > 100);
    for rule in rules {
        let uri = rule["helpUri"].as_str().unwrap();
        let (page, anchor) = uri.split_once('#').unwrap();
        assert!(page.ends_with("/docs/rules.md"), "{uri}");
        assert!(
            expected.contains(&format!("<a id=\"{anchor}\"></a>")),
            "no anchor for {uri}"
        );
    }
}

#[test]
fn prove_and_simulate_codes_are_listed_and_explained_with_fuzzy_lookup() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let listed = text(&run(root, &["rules"], None));
    for code in ["PRV001", "PRV002", "SIM001", "SIM002", "SIM003"] {
        assert!(listed.contains(code), "{code} missing from `tenet rules`");
        let out = run(root, &["explain", &code.to_ascii_lowercase()], None);
        assert_eq!(code_of(&out), 0, "{code}: {}", err(&out));
    }
    let out = run(root, &["explain", "property violated"], None);
    assert!(text(&out).starts_with("PRV001 property-violated"), "{}", text(&out));
    let out = run(root, &["explain", "unknown-scenario-kye"], None);
    assert_eq!(code_of(&out), 2);
    assert!(
        err(&out).contains("did you mean `unknown-scenario-key`?"),
        "{}",
        err(&out)
    );
}

fn code_of(out: &Output) -> i32 {
    code(out)
}

/// A scenario where only a KMS grant allows the request: the key policy does not name the role.
fn grant_scenario(grants: &str, extra: &str) -> String {
    format!(
        r#"{{"request":{{"principal":"arn:aws:iam::111111111111:role/App","action":"kms:Decrypt",
"resource":"arn:aws:kms:us-east-1:111111111111:key/k1"}},
"resourcePolicy":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::111111111111:root"}},"Action":"kms:DescribeKey","Resource":"*"}}]}},
"kmsGrants":{grants}{extra}}}"#
    )
}

const GRANTS: &str = r#"{"Grants":[{"GranteePrincipal":"arn:aws:iam::111111111111:role/App","Operations":["Decrypt"],"KeyId":"arn:aws:kms:us-east-1:111111111111:key/k1"}]}"#;

#[test]
fn scenario_keys_are_checked_and_kms_grants_may_be_a_path() {
    let dir = scratch("scenario");
    std::fs::write(dir.join("inline.json"), grant_scenario(GRANTS, "")).unwrap();
    std::fs::write(dir.join("grants.json"), GRANTS).unwrap();
    std::fs::write(dir.join("by-path.json"), grant_scenario("\"grants.json\"", "")).unwrap();
    for scenario in ["inline.json", "by-path.json"] {
        let out = run(&dir, &["simulate", "--expect", "allowed", scenario], None);
        assert_eq!(code(&out), 0, "{scenario}: {}{}", text(&out), err(&out));
    }
    std::fs::write(
        dir.join("typo.json"),
        grant_scenario(GRANTS, r#","serviceControlPolicys":[[]]"#),
    )
    .unwrap();
    let out = run(&dir, &["simulate", "typo.json"], None);
    assert_eq!(code(&out), 2);
    assert!(
        err(&out).contains("unknown scenario key `serviceControlPolicys`"),
        "{}",
        err(&out)
    );
    assert!(
        err(&out).contains("did you mean `serviceControlPolicies`?"),
        "{}",
        err(&out)
    );
}

#[test]
fn scenario_paths_outside_the_current_directory_need_a_flag() {
    let outer = scratch("outside");
    let inner = outer.join("project");
    std::fs::create_dir_all(&inner).unwrap();
    std::fs::write(outer.join("grants.json"), GRANTS).unwrap();
    std::fs::write(inner.join("s.json"), grant_scenario("\"../grants.json\"", "")).unwrap();
    let out = run(&inner, &["simulate", "s.json"], None);
    assert_eq!(code(&out), 2);
    assert!(
        err(&out).contains("SIM003") && err(&out).contains("outside the current directory"),
        "{}",
        err(&out)
    );
    let out = run(
        &inner,
        &["simulate", "--allow-outside", "--expect", "allowed", "s.json"],
        None,
    );
    assert_eq!(code(&out), 0, "{}", err(&out));
}

#[test]
fn sarif_uris_are_relative_to_the_repository_root_never_dot_dot() {
    let repo = scratch("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(repo.join("sub")).unwrap();
    let policy = r#"{"Statement":[{"Effect":"Alow","Action":"s3:GetObject","Resource":"*"}]}"#;
    std::fs::write(repo.join("sub/p.json"), policy).unwrap();
    std::fs::write(repo.join("top.json"), policy).unwrap();
    let out = run(
        &repo.join("sub"),
        &["lint", "--format", "sarif", "p.json", "../top.json"],
        None,
    );
    let log: Value = serde_json::from_str(&text(&out)).unwrap();
    let mut uris: Vec<String> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    uris.sort();
    uris.dedup();
    assert_eq!(uris, vec!["sub/p.json".to_owned(), "top.json".to_owned()]);
}

#[test]
fn fix_applies_only_access_preserving_fixes_and_reports_what_it_left() {
    let dir = scratch("fix");
    let policy =
        r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}"#;
    std::fs::write(dir.join("p.json"), policy).unwrap();
    let out = run(&dir, &["lint", "--fix", "p.json"], None);
    assert_eq!(
        std::fs::read_to_string(dir.join("p.json")).unwrap(),
        policy,
        "Version is not inserted"
    );
    assert!(
        err(&out).contains("1 unsafe fix not applied in p.json"),
        "{}",
        err(&out)
    );
    let out = run(&dir, &["lint", "--fix", "--unsafe-fixes", "p.json"], None);
    assert!(
        std::fs::read_to_string(dir.join("p.json"))
            .unwrap()
            .starts_with(r#"{"Version": "2012-10-17", "Statement""#),
        "{}",
        err(&out)
    );

    let embedded =
        r#"{"Policy":"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"}"#;
    std::fs::write(dir.join("e.json"), embedded).unwrap();
    let out = run(&dir, &["lint", "--fix", "--unsafe-fixes", "e.json"], None);
    assert_eq!(std::fs::read_to_string(dir.join("e.json")).unwrap(), embedded);
    assert!(
        err(&out).contains("not fixed: the policy is embedded in a JSON string"),
        "{}",
        err(&out)
    );
}

#[test]
fn a_policy_over_its_size_quota_is_an_error_unless_aws_manages_it() {
    let dir = scratch("quota");
    let doc = minified(300, false).replace('"', "\\\"");
    let details = |arn: &str| {
        format!(
            r#"{{"Policies":[{{"PolicyName":"Big","Arn":"{arn}","PolicyVersionList":[{{"VersionId":"v1","Document":"{doc}"}}]}}]}}"#
        )
    };
    std::fs::write(
        dir.join("customer.json"),
        details("arn:aws:iam::111111111111:policy/Big"),
    )
    .unwrap();
    std::fs::write(dir.join("managed.json"), details("arn:aws:iam::aws:policy/Big")).unwrap();
    let out = run(&dir, &["lint", "customer.json"], None);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        text(&out).contains("IAM008(policy-size-exceeds-quota)"),
        "{}",
        text(&out)
    );
    let out = run(&dir, &["lint", "managed.json"], None);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(!text(&out).contains("IAM008"), "{}", text(&out));
}

#[test]
fn completions_man_page_and_skip_non_policy_for_pre_commit() {
    let dir = scratch("install");
    for shell in ["bash", "zsh", "fish"] {
        let out = run(&dir, &["completions", shell], None);
        assert_eq!(code(&out), 0, "{}", err(&out));
        assert!(text(&out).contains("lint") && text(&out).contains("fail-on"), "{shell}");
    }
    let out = run(&dir, &["man"], None);
    assert_eq!(code(&out), 0);
    assert!(
        text(&out).starts_with(".ie") && text(&out).contains(".SH NAME"),
        "{}",
        text(&out)
    );
    std::fs::write(dir.join("tsconfig.json"), "{\"a\": 1 // c\n}").unwrap();
    std::fs::write(dir.join("package.json"), r#"{"name":"x"}"#).unwrap();
    let out = run(
        &dir,
        &["lint", "--skip-non-policy", "tsconfig.json", "package.json"],
        None,
    );
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(text(&out).contains("2 files skipped"), "{}", text(&out));
}

#[test]
fn long_lint_runs_show_progress_on_a_terminal_only() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: `script` (util-linux) is not available to make a terminal");
        return;
    }
    let dir = scratch("progress");
    for i in 0..600 {
        std::fs::write(
            dir.join(format!("p{i}.json")),
            r#"{"Version":"2012-10-17","Statement":[]}"#,
        )
        .unwrap();
    }
    let on_tty = Command::new("script")
        .args(["-qec", &format!("{TENET} lint ."), "/dev/null"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&on_tty.stdout).contains("checking files: "),
        "no progress on a terminal"
    );
    let piped = run(&dir, &["lint", "."], None);
    assert!(
        !err(&piped).contains("checking files"),
        "progress when not on a terminal"
    );
}

/// Found by `scripts/fuzz.sh` (target `scenario`): a non-ASCII character in the first four bytes of
/// the action made the derived-keys step slice a string inside a character (exit 101).
#[test]
fn fuzz_regression_non_ascii_action_in_a_scenario() {
    let dir = scratch("fuzz-scenario");
    let scenario =
        r#"{"request":{"principal":"arn:aws:iam::111111111111:role/App","action":"kmsƽecrypt","resource":"*"}}"#;
    std::fs::write(dir.join("s.json"), scenario).unwrap();
    let out = run(&dir, &["simulate", "s.json"], None);
    assert_eq!(code(&out), 0, "{}", err(&out));
    assert!(text(&out).contains("implicitly-denied"), "{}", text(&out));
}
