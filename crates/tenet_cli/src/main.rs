//! The `tenet` binary: command-line front end over the reader, the linter and the prover. It holds
//! no analysis of its own.

mod compile;
mod estate;
mod graph;
mod iac;
mod install;
mod lint;
mod prove;
mod rules;
mod scenario_check;
mod simulate;
mod simulate_input;
mod who_can;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use tenet_ast::PolicyKind;
use tenet_diagnostics::Severity;

/// Exit code when findings reach the fail level.
const EXIT_FINDINGS: u8 = 1;
/// Exit code when tenet itself could not run.
const EXIT_TOOL_ERROR: u8 = 2;

#[derive(Parser)]
#[command(name = "tenet", version = long_version(), about = "Policy-as-code linter and prover for AWS access policies")]
#[command(propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The version line names the embedded IAM catalog, since lint verdicts depend on it.
fn long_version() -> &'static str {
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    VERSION.get_or_init(|| {
        let catalog = tenet_catalog::catalog();
        format!(
            "{} (catalog: {}{})",
            env!("CARGO_PKG_VERSION"),
            catalog.version(),
            install::catalog_age_note(catalog.updated_at(), install::today()).unwrap_or_default()
        )
    })
}

#[derive(Subcommand)]
enum Command {
    /// Check policy files for invalid, dangerous or redundant statements.
    Lint(LintArgs),
    /// Evaluate one request against the policies of a scenario file, as IAM would.
    Simulate(SimulateArgs),
    /// Prove the properties of `.tenet` files (directories are searched for `*.tenet`).
    Prove(prove::ProveArgs),
    /// Write the SMT-LIB 2 queries of a property file, for any solver.
    Compile(CompileArgs),
    /// List every rule and diagnostic code.
    Rules(RulesArgs),
    /// Draw an estate (accounts, principals, resources and how access flows) as DOT, Mermaid or JSON.
    Graph(GraphArgs),
    /// List every principal of an estate, and every class of outsider, that can make a request.
    WhoCan(WhoCanArgs),
    /// Print the documentation of a rule.
    Explain {
        /// A code (`IAM220`, `SYN005`) or rule name (`missing-version`).
        rule: String,
    },
    /// Run the language server on stdin/stdout (diagnostics, hover, completion, quick fixes).
    Lsp,
    /// Print a shell completion script (e.g. `tenet completions bash > /etc/bash_completion.d/tenet`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page, in roff (`tenet man > tenet.1`).
    Man,
}

#[derive(clap::Args)]
struct GraphArgs {
    /// The estate: a directory (with `estate.toml`, an iam-collect download or authorization-details outputs), a manifest, or a CloudFormation template, Terraform directory or plan.
    estate: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = graph::GraphFormat::Mermaid)]
    format: graph::GraphFormat,
    /// Only what matters to this principal or resource (an ARN).
    #[arg(long, visible_alias = "principal", visible_alias = "resource")]
    focus: Option<String>,
    #[command(flatten)]
    iac: estate::IacArgs,
}

#[derive(clap::Args)]
struct WhoCanArgs {
    /// The estate: a directory or a manifest, or a CloudFormation template, Terraform directory or plan.
    estate: PathBuf,
    /// The action, e.g. `s3:GetObject`.
    #[arg(long)]
    action: String,
    /// The resource ARN, e.g. `arn:aws:s3:::bucket/key`.
    #[arg(long)]
    resource: String,
    /// Only principals whose ARN (or outsider class) contains this text.
    #[arg(long)]
    principal: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = who_can::WhoCanFormat::Human)]
    format: who_can::WhoCanFormat,
    /// Time limit of one prover question, in milliseconds.
    #[arg(long, default_value_t = 5000)]
    timeout: u32,
    #[command(flatten)]
    iac: estate::IacArgs,
}

#[derive(clap::Args)]
struct CompileArgs {
    /// The `.tenet` file.
    file: PathBuf,
    /// What to write.
    #[arg(long, value_enum, default_value_t = compile::Emit::Smt2)]
    emit: compile::Emit,
    /// Only this property.
    #[arg(long)]
    property: Option<String>,
    /// Read policy files outside the current directory too (a `.tenet` file naming one is
    /// refused otherwise).
    #[arg(long)]
    allow_outside: bool,
}

#[derive(clap::Args)]
struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = rules::RulesFormat::Human)]
    format: rules::RulesFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum SimpleFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Expect {
    Allowed,
    Denied,
    ExplicitlyDenied,
    ImplicitlyDenied,
}

#[derive(clap::Args)]
struct SimulateArgs {
    /// The scenario file (see the README for its format).
    scenario: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SimpleFormat::Human)]
    format: SimpleFormat,
    /// Exit 1 unless the decision is this one (for tests of policies in CI).
    #[arg(long, value_enum)]
    expect: Option<Expect>,
    /// Read policy and grant files outside the current directory too.
    #[arg(long)]
    allow_outside: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Github,
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
}

#[derive(clap::Args)]
struct LintArgs {
    /// Files and directories to check (directories are walked for `*.json`, `*.yaml`, `*.yml` and
    /// `*.tf`, honouring .gitignore; templates and plans are recognised by content).
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Treat every policy as this kind: identity, resource, key, trust, scp, rcp, boundary, vpce.
    #[arg(long, value_parser = parse_kind)]
    kind: Option<PolicyKind>,
    /// Also say which files were skipped and why.
    #[arg(short, long)]
    verbose: bool,
    /// Use this configuration file for every input instead of each file's nearest `tenet.toml`.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Apply the fixes that are certain, in place, then report what is left.
    #[arg(long, conflicts_with = "diff")]
    fix: bool,
    /// Print the fixes that are certain as a unified diff, change nothing; exit 1 if there is any.
    #[arg(long)]
    diff: bool,
    /// A CloudFormation parameter or pseudo parameter (`AWS::AccountId=111122223333`) or a
    /// Terraform variable (`var.bucket=logs`) for templates; repeatable.
    #[arg(long = "parameter", value_name = "NAME=VALUE")]
    parameter: Vec<String>,
    /// With `--fix` or `--diff`, also apply fixes that may change who gets access (such as
    /// inserting `Version`, which changes what `${...}` means).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Skip named files that hold no policy, as a directory walk does, instead of reporting them
    /// (for pre-commit, which names every JSON file it sees).
    #[arg(long)]
    skip_non_policy: bool,
}

fn parse_kind(s: &str) -> Result<PolicyKind, String> {
    PolicyKind::from_name(s)
        .ok_or_else(|| format!("unknown policy kind `{s}` (identity, resource, key, trust, scp, rcp, boundary, vpce)"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Lint(args) => run_lint(&args),
        Command::Simulate(args) => run_simulate(&args),
        Command::Prove(args) => exit_code(prove::run_prove(&args)),
        Command::Compile(args) => exit_code(compile::run_compile(
            &args.file,
            args.emit,
            args.property.as_deref(),
            args.allow_outside,
        )),
        Command::Rules(args) => print(&rules::render(args.format)),
        Command::Graph(args) => exit_code(graph::run(&args.estate, args.format, args.focus.as_deref(), &args.iac)),
        Command::WhoCan(a) => exit_code(who_can::run(
            &a.estate,
            &a.action,
            &a.resource,
            a.principal.as_deref(),
            a.format,
            a.timeout,
            &a.iac,
        )),
        Command::Explain { rule } => match rules::explain(&rule) {
            Ok(doc) => print(&doc),
            Err(why) => tool_error(&why),
        },
        Command::Lsp => match tenet_lsp::run_stdio() {
            Ok(()) => ExitCode::SUCCESS,
            Err(tenet_lsp::LspError::ExitWithoutShutdown) => ExitCode::from(EXIT_FINDINGS),
            Err(e) => tool_error(&e.to_string()),
        },
        Command::Completions { shell } => io_exit(install::completions::<Cli>(shell)),
        Command::Man => io_exit(install::man_page::<Cli>()),
    }
}

fn io_exit(result: std::io::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => tool_error(&format!("cannot write: {e}")),
    }
}

fn exit_code(code: i32) -> ExitCode {
    ExitCode::from(u8::try_from(code).unwrap_or(EXIT_TOOL_ERROR))
}

fn print(text: &str) -> ExitCode {
    if std::io::stdout().lock().write_all(text.as_bytes()).is_err() {
        return ExitCode::from(EXIT_TOOL_ERROR);
    }
    ExitCode::SUCCESS
}

fn run_simulate(args: &SimulateArgs) -> ExitCode {
    let loaded = match simulate::load(&args.scenario, args.allow_outside) {
        Ok(l) => l,
        Err(simulate::SimulateError::Tool(m)) => return tool_error(&m),
        Err(simulate::SimulateError::Invalid(rendered)) => {
            eprint!("{rendered}");
            return tool_error("the scenario has errors: nothing was simulated");
        }
    };
    eprint!("{}", loaded.warnings());
    let evaluation = loaded.evaluate();
    let text = match args.format {
        SimpleFormat::Human => loaded.to_human(&evaluation),
        SimpleFormat::Json => format!("{:#}\n", loaded.to_json(&evaluation)),
    };
    if std::io::stdout().lock().write_all(text.as_bytes()).is_err() {
        return ExitCode::from(EXIT_TOOL_ERROR);
    }
    use tenet_ast::eval::Decision;
    let matches = match args.expect {
        None => true,
        Some(Expect::Allowed) => evaluation.decision == Decision::Allowed,
        Some(Expect::Denied) => evaluation.decision != Decision::Allowed,
        Some(Expect::ExplicitlyDenied) => evaluation.decision == Decision::ExplicitlyDenied,
        Some(Expect::ImplicitlyDenied) => evaluation.decision == Decision::ImplicitlyDenied,
    };
    if matches {
        ExitCode::SUCCESS
    } else {
        eprintln!("expected a different decision than `{}`", evaluation.decision.as_str());
        ExitCode::from(EXIT_FINDINGS)
    }
}

fn run_lint(args: &LintArgs) -> ExitCode {
    let (results, passed_over) = match lint_results(args) {
        Ok(r) => r,
        Err(e) => return tool_error(&e.0),
    };
    if args.diff {
        let diff: String = results.iter().filter_map(|(_, d)| d.as_deref()).collect();
        let code = if diff.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(EXIT_FINDINGS)
        };
        return match std::io::stdout().lock().write_all(diff.as_bytes()) {
            Ok(()) => code,
            Err(_) => ExitCode::from(EXIT_TOOL_ERROR),
        };
    }
    let results: Vec<_> = results.into_iter().map(|(r, _)| r).collect();
    let text = match args.format {
        Format::Human => tenet_output::render_human(
            &results,
            std::io::IsTerminal::is_terminal(&std::io::stdout()),
            args.verbose,
            &passed_over,
        ),
        Format::Json => tenet_output::render_json(&results),
        Format::Github => tenet_output::render_github(&results),
        Format::Sarif => tenet_output::render_sarif(&results, &rules::codes()),
    };
    if std::io::stdout().lock().write_all(text.as_bytes()).is_err() {
        return ExitCode::from(EXIT_TOOL_ERROR);
    }
    let fail = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    };
    if results.iter().any(|r| r.count_at_least(fail) > 0) {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// What a walk passed over: the path as shown and why.
type PassedOver = Vec<(String, &'static str)>;

/// Each file's result, with its diff under `--diff`.
type Checked = Vec<(tenet_output::FileResult, Option<String>)>;

/// Lints every input; with `--fix` writes fixed files and re-lints them; with `--diff` also returns
/// each file's diff. Also returns what the directory walks passed over.
fn lint_results(args: &LintArgs) -> Result<(Checked, PassedOver), lint::InputError> {
    let mut inputs = lint::collect_inputs(&args.paths, "json|yaml|yml|tf")?;
    if args.skip_non_policy {
        inputs.explicit.clear();
    }
    let files = &inputs.files;
    if args.fix && inputs.explicit.iter().any(|p| p.as_os_str() == lint::STDIN) {
        return Err(lint::InputError(
            "`--fix` cannot rewrite standard input: use `--diff`".to_owned(),
        ));
    }
    let configs = lint::Configs::new(args.config.as_deref())?;
    let linter = lint::Linter {
        kind: args.kind,
        configs: &configs,
        iac: iac::options(&args.parameter).map_err(lint::InputError)?,
        explicit: &inputs.explicit,
        unsafe_fixes: args.unsafe_fixes,
    };
    let progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let results = linter.check_files(files, progress)?;
    let passed_over = inputs
        .passed_over
        .iter()
        .map(|(p, why)| (lint::display_path(p), *why))
        .collect();
    if !args.fix && !args.diff {
        return Ok((results.into_iter().map(|r| (r, None)).collect(), passed_over));
    }
    let mut out = Vec::with_capacity(results.len());
    for result in results {
        for note in linter.fix_notes(&result) {
            eprintln!("note: {note}");
        }
        let Some((fixed, count)) = linter.fixed_text(&result)? else {
            out.push((result, None));
            continue;
        };
        if args.diff {
            let diff = lint::unified_diff(&result.display, &result.source, &fixed);
            out.push((result, Some(diff)));
            continue;
        }
        std::fs::write(&result.path, &fixed)
            .map_err(|e| lint::InputError(format!("cannot write `{}`: {e}", result.display)))?;
        eprintln!(
            "fixed {count} finding{} in {}",
            if count == 1 { "" } else { "s" },
            result.display
        );
        out.push((linter.check_file(&result.path)?, None));
    }
    Ok((out, passed_over))
}

fn tool_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_TOOL_ERROR)
}
