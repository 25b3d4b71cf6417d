//! Reads policy text into the typed AST: a span-exact JSON reader, IAM's mini-grammars (nom), input
//! wrappers (AWS CLI outputs with embedded policy strings) and the lowering with its diagnostics.
//!
//! Architecture invariant: this crate depends on `tenet_ast`, never the reverse; parsing never fails,
//! it returns what it could build plus diagnostics.
#![warn(missing_docs)]

pub mod codes;
mod detect;
pub mod grammar;
pub mod json;
mod lower;
mod unrecognised;
mod wrappers;

pub use codes::STRUCTURAL_CODES;
pub use detect::{detect_kind, detect_kind_with_hint, kind_hint_from_path};
pub use lower::{lower_policy, POLICY_ELEMENTS, PRINCIPAL_KEYS, STATEMENT_ELEMENTS};
pub use unrecognised::not_a_policy;
pub use wrappers::{classify, InputForm, AWS_MANAGED_MARK};

use tenet_ast::{PolicyDocument, PolicyKind};
use tenet_diagnostics::{sort_diagnostics, Diagnostic, Severity, Span};

use json::{parse_json, OffsetMap};
use wrappers::Walker;

/// Files larger than this are refused with a diagnostic (the largest IAM document is tens of KB; an
/// account authorization dump of a large estate is a few MB).
pub const MAX_FILE_SIZE: usize = 64 * 1024 * 1024;

/// Everything read from one file.
#[derive(Clone, Debug)]
pub struct ParsedFile {
    /// What the file was recognised as.
    pub form: InputForm,
    /// The policies found, in file order.
    pub documents: Vec<PolicyDocument>,
    /// Structural diagnostics, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

impl ParsedFile {
    fn failed(form: InputForm, diagnostic: Diagnostic) -> Self {
        ParsedFile {
            form,
            documents: Vec::new(),
            diagnostics: vec![diagnostic],
        }
    }
}

/// Reads a file's bytes: checks size and UTF-8 (a leading byte-order mark is skipped), then
/// [`parse_policy_file`]. On invalid UTF-8 the diagnostic points at the first bad byte.
pub fn parse_policy_bytes(name: &str, bytes: &[u8], kind_override: Option<PolicyKind>) -> ParsedFile {
    if bytes.len() > MAX_FILE_SIZE {
        return ParsedFile::failed(
            InputForm::NotAPolicy,
            Diagnostic::new(
                codes::FILE_TOO_LARGE.0,
                codes::FILE_TOO_LARGE.1,
                Severity::Error,
                Span::new(0, 0),
                format!(
                    "file of {} bytes is larger than the {MAX_FILE_SIZE}-byte limit",
                    bytes.len()
                ),
            ),
        );
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => parse_policy_file(name, text, kind_override),
        Err(e) => {
            let at = e.valid_up_to();
            ParsedFile::failed(
                InputForm::NotAPolicy,
                Diagnostic::new(
                    codes::INVALID_UTF8.0,
                    codes::INVALID_UTF8.1,
                    Severity::Error,
                    Span::new(at, at + e.error_len().unwrap_or(1)),
                    format!("invalid UTF-8 at byte {at}"),
                )
                .with_help("IAM policies are UTF-8 JSON: re-save the file as UTF-8"),
            )
        }
    }
}

/// `text` without a leading UTF-8 byte-order mark and the offset map from the text after it back
/// to `text`, so that spans still index the file as read.
pub(crate) fn skip_bom(text: &str) -> (&str, OffsetMap) {
    let Some(after) = text.strip_prefix('\u{feff}') else {
        return (text, OffsetMap::identity());
    };
    let bom = text.len() - after.len();
    let map = OffsetMap::from_table(
        (bom..=text.len())
            .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
            .collect(),
    );
    (after, map)
}

/// Reads every policy in `text`. `name` is the file's path (used for kind hints from directory names);
/// `kind_override` forces the kind of every policy found.
pub fn parse_policy_file(name: &str, text: &str, kind_override: Option<PolicyKind>) -> ParsedFile {
    let (body, map) = skip_bom(text);
    let root = match parse_json(body, &map) {
        Ok(root) => root,
        Err(d) => return ParsedFile::failed(InputForm::NotAPolicy, *d),
    };
    let form = classify(&root);
    let mut walker = Walker {
        source: text,
        kind_override,
        kind_hint: kind_hint_from_path(name),
        found: Vec::new(),
        diagnostics: Vec::new(),
    };
    match form {
        InputForm::BarePolicy => walker.document_owned(root, None, None),
        InputForm::PolicyString => {
            if let Some(p) = root.get("Policy") {
                walker.document(p, None, None);
            }
        }
        InputForm::PolicyVersion => {
            if let Some(doc) = root
                .into_member("PolicyVersion")
                .and_then(|v| v.into_member("Document"))
            {
                walker.document_owned(doc, None, None);
            }
        }
        InputForm::AuthorizationDetails => walker.authorization_details(&root),
        InputForm::Role
        | InputForm::InlinePolicy
        | InputForm::Attributes
        | InputForm::RepositoryPolicy
        | InputForm::SecretPolicy
        | InputForm::OrganizationsPolicy => walker.cli_output(&root, form),
        InputForm::OtherOrganizationsPolicy => {}
        InputForm::GrantList | InputForm::NotAPolicy => {}
    }
    let mut diagnostics = walker.diagnostics;
    let documents = walker
        .found
        .into_iter()
        .map(|f| {
            let (policy, diags) = lower_policy(&f.json, f.kind);
            diagnostics.extend(diags);
            PolicyDocument {
                name: f.name,
                kind: f.kind,
                policy,
                span: f.span,
            }
        })
        .collect();
    sort_diagnostics(&mut diagnostics);
    ParsedFile {
        form,
        documents,
        diagnostics,
    }
}
