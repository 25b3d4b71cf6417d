//! Reading an estate: the manifest (`estate.toml`), folders of AWS CLI outputs, and the iam-collect
//! layout. Everything is read from [`Sources`]; whatever cannot be read is a located diagnostic.

mod authz;
mod cli;
mod iac;
mod iam_collect;

use std::collections::BTreeMap;

use tenet_ast::{Policy, PolicyKind};
use tenet_diagnostics::{Diagnostic, Severity, Span};
use tenet_syntax::json::{decode_string_literal, parse_json, percent_decode, JsonKind, JsonValue, OffsetMap};

use crate::model::{Estate, PolicyId};
use crate::sources::{FileReport, Loaded, Sources};

pub(crate) use authz::import_authorization_details;
pub(crate) use cli::{grants_from_json, org_policy as cli_org_policy, parse_encryption};
pub use iac::load_iac;

/// A file the estate refers to is missing.
pub(crate) const MISSING_FILE: (&str, &str) = ("EST001", "missing-estate-file");
/// The manifest is not valid TOML or does not have the expected shape.
pub(crate) const INVALID_MANIFEST: (&str, &str) = ("EST002", "invalid-manifest");
/// A reference (account, key, group, policy ARN) names nothing in the estate.
pub(crate) const UNKNOWN_REFERENCE: (&str, &str) = ("EST003", "unknown-estate-reference");
/// A JSON file of the estate is not what it should be.
pub(crate) const INVALID_INPUT: (&str, &str) = ("EST004", "invalid-estate-input");
/// An import is incomplete: the account is read as open world.
pub(crate) const INCOMPLETE_IMPORT: (&str, &str) = ("EST005", "incomplete-import");
/// The directory holds nothing tenet recognises as an estate.
pub(crate) const NOT_AN_ESTATE: (&str, &str) = ("EST006", "not-an-estate");

/// Reads an estate from its files: `estate.toml` when there is one, else the iam-collect layout
/// (`aws/<partition>/accounts/...`), else every `get-account-authorization-details` output found.
pub fn load(sources: &Sources) -> Loaded {
    let mut b = Builder::new(sources);
    if sources.get("estate.toml").is_some() {
        crate::manifest::load(&mut b, "estate.toml");
    } else if sources.iter().any(|(p, _)| iam_collect::is_layout_path(p)) {
        iam_collect::load(&mut b);
    } else {
        let mut found = false;
        for (path, text) in sources.iter() {
            if path.ends_with(".json") && authz::looks_like_authorization_details(text) {
                found |= import_authorization_details(&mut b, path).is_some();
            }
        }
        if !found {
            b.report(
                ".",
                diag(
                    NOT_AN_ESTATE,
                    Severity::Error,
                    Span::new(0, 0),
                    "no `estate.toml`, iam-collect layout or authorization-details output found".into(),
                )
                .with_help("write an `estate.toml` (see the README) or point at an iam-collect download"),
            );
        }
    }
    b.finish()
}

/// Reads an estate from a manifest other than `estate.toml` (a variant of an estate kept beside it;
/// paths in it are relative to the estate root all the same).
pub fn load_manifest(sources: &Sources, manifest: &str) -> Loaded {
    let mut b = Builder::new(sources);
    if sources.get(manifest).is_some() {
        crate::manifest::load(&mut b, manifest);
    } else {
        b.report(
            manifest,
            diag(
                NOT_AN_ESTATE,
                Severity::Error,
                Span::new(0, 0),
                format!("no manifest `{manifest}`"),
            ),
        );
    }
    b.finish()
}

pub(crate) fn diag(code: (&'static str, &'static str), severity: Severity, span: Span, message: String) -> Diagnostic {
    Diagnostic::new(code.0, code.1, severity, span, message)
}

/// An estate under construction with the diagnostics found so far.
pub(crate) struct Builder<'s> {
    pub sources: &'s Sources,
    pub estate: Estate,
    reports: BTreeMap<String, Vec<Diagnostic>>,
}

impl<'s> Builder<'s> {
    pub fn new(sources: &'s Sources) -> Self {
        Builder {
            sources,
            estate: Estate::default(),
            reports: BTreeMap::new(),
        }
    }

    pub fn report(&mut self, path: &str, d: Diagnostic) {
        self.reports.entry(path.to_owned()).or_default().push(d);
    }

    pub fn finish(mut self) -> Loaded {
        self.estate.add_roots();
        let reports = self
            .reports
            .into_iter()
            .map(|(path, mut diagnostics)| {
                tenet_diagnostics::sort_diagnostics(&mut diagnostics);
                FileReport { path, diagnostics }
            })
            .collect();
        Loaded {
            estate: self.estate,
            reports,
        }
    }

    /// Parses a JSON file (with spans); `None` after a diagnostic when it is missing or malformed.
    /// `from` is where the reference to the file sits (`(file, span)`), for the missing-file message.
    pub fn json(&mut self, path: &str, from: Option<(&str, Span)>) -> Option<JsonValue> {
        let Some(text) = self.sources.get(path) else {
            let (file, span) = from.unwrap_or((path, Span::new(0, 0)));
            self.report(
                file,
                diag(
                    MISSING_FILE,
                    Severity::Error,
                    span,
                    format!("`{path}` does not exist in the estate"),
                ),
            );
            return None;
        };
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        let bom = text.len() - body.len();
        let map = OffsetMap::from_table(
            (bom..=text.len())
                .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
                .collect(),
        );
        match parse_json(body, &map) {
            Ok(v) => Some(v),
            Err(d) => {
                self.report(path, *d);
                None
            }
        }
    }

    /// Lowers a policy found in `file` (an object, a JSON string or a URL-encoded string) and stores
    /// it; `None` when it has errors (reported).
    pub fn policy_value(
        &mut self,
        file: &str,
        value: &JsonValue,
        kind: PolicyKind,
        origin: String,
    ) -> Option<PolicyId> {
        let source = self.sources.get(file).unwrap_or("");
        let doc = match document_value(source, value) {
            Ok(d) => d,
            Err(d) => {
                self.report(file, *d);
                return None;
            }
        };
        let (policy, diagnostics) = tenet_syntax::lower_policy(&doc, kind);
        self.keep(file, policy, diagnostics, origin)
    }

    fn keep(&mut self, file: &str, policy: Policy, diagnostics: Vec<Diagnostic>, origin: String) -> Option<PolicyId> {
        let bad = diagnostics.iter().any(|d| d.severity == Severity::Error);
        for d in diagnostics {
            self.report(file, d);
        }
        (!bad).then(|| self.estate.add_policy(policy, origin))
    }

    /// Reads every policy of a policy file (a bare policy or a recognised CLI output such as
    /// `get-bucket-policy`, `get-key-policy`, `get-policy-version`).
    pub fn policy_file(&mut self, path: &str, kind: PolicyKind, from: Option<(&str, Span)>) -> Vec<PolicyId> {
        let Some(text) = self.sources.get(path) else {
            self.json(path, from);
            return Vec::new();
        };
        let parsed = tenet_syntax::parse_policy_file(path, text, Some(kind));
        let mut ids = Vec::new();
        let bad = parsed.diagnostics.iter().any(|d| d.severity == Severity::Error);
        if parsed.documents.is_empty() && !bad {
            self.report(
                path,
                diag(
                    INVALID_INPUT,
                    Severity::Error,
                    Span::new(0, 0),
                    format!("`{path}` holds no {} policy", kind.as_str()),
                ),
            );
        }
        for d in parsed.diagnostics {
            self.report(path, d);
        }
        if bad {
            return ids;
        }
        for doc in parsed.documents {
            let origin = match &doc.name {
                Some(n) => format!("{path}: {n}"),
                None => path.to_owned(),
            };
            ids.push(self.estate.add_policy(doc.policy, origin));
        }
        ids
    }
}

/// The JSON of a document given as an object, a JSON string, or a URL-encoded JSON string, with
/// spans in the outer file.
fn document_value(source: &str, value: &JsonValue) -> Result<JsonValue, Box<Diagnostic>> {
    let JsonKind::String(s) = &value.kind else {
        return Ok(value.clone());
    };
    let bad = |why: &str| {
        Box::new(diag(
            INVALID_INPUT,
            Severity::Error,
            value.span,
            format!("embedded policy cannot be read: {why}"),
        ))
    };
    let (decoded, map) = decode_string_literal(source, value.span).ok_or_else(|| bad("not a string literal"))?;
    let url = s.trim_start().starts_with('%') || (!s.trim_start().starts_with('{') && s.contains('%'));
    let (text, map) = if url {
        let (t, inner) = percent_decode(&decoded).ok_or_else(|| bad("the URL-encoded document is not UTF-8"))?;
        (t, map.compose(&inner))
    } else {
        (decoded, map)
    };
    parse_json(&text, &map)
}

/// The string members of an array value (other items are skipped).
pub(crate) fn strings(v: Option<&JsonValue>) -> Vec<String> {
    match v.map(|v| &v.kind) {
        Some(JsonKind::Array(items)) => items.iter().filter_map(|i| i.as_str().map(str::to_owned)).collect(),
        Some(JsonKind::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// The account id field of an ARN, when it is 12 digits.
pub(crate) fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| tenet_ast::eval::is_account_id(a))
}
