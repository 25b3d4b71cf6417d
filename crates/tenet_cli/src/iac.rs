//! The hook through which `tenet lint` reads infrastructure as code: a file that is not a policy
//! (or an AWS CLI output) is offered to `tenet_iac`, which recognises CloudFormation templates,
//! Terraform sources and plans by their content; findings on values the template leaves
//! unresolved are then dropped.

use tenet_ast::PolicyKind;
use tenet_diagnostics::Diagnostic;
use tenet_iac::{IacFile, Options};
use tenet_syntax::{InputForm, ParsedFile};

/// Parses `NAME=VALUE` pairs of `--parameter`.
pub fn options(parameters: &[String]) -> Result<Options, String> {
    Options::deployment(None, None, parameters)
}

/// Rereads a file the policy reader found no policy in as infrastructure as code, when it is one.
pub fn reread(
    display: &str,
    bytes: &[u8],
    kind: Option<PolicyKind>,
    parsed: ParsedFile,
    options: &Options,
) -> (ParsedFile, Option<IacFile>) {
    if parsed.form != InputForm::NotAPolicy {
        return (parsed, None);
    }
    let Some(iac) = std::str::from_utf8(bytes)
        .ok()
        .and_then(|text| tenet_iac::read(display, text.trim_start_matches('\u{feff}'), kind, options))
    else {
        return (parsed, None);
    };
    let reread = ParsedFile {
        form: if iac.documents.is_empty() {
            InputForm::NotAPolicy
        } else {
            InputForm::BarePolicy
        },
        documents: iac.documents.clone(),
        diagnostics: iac.diagnostics.clone(),
    };
    (reread, Some(iac))
}

/// Drops the findings on unresolved template values (see [`IacFile::settle`]).
pub fn settle(iac: Option<&IacFile>, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    match iac {
        Some(f) => f.settle(diagnostics),
        None => diagnostics,
    }
}
