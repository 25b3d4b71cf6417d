//! Policies where users write them: CloudFormation templates (JSON, YAML with short-form tags, CDK
//! output), Terraform sources (`jsonencode({...})`, heredoc JSON, `aws_iam_policy_document` data
//! blocks) and Terraform plans (`terraform show -json`).
//!
//! Pipeline: each reader builds a value tree of the template ([`tree`]), evaluates what the
//! template itself decides, and writes each policy-bearing property as JSON text with an offset
//! table; `tenet_syntax` then reads and lowers that text through the same
//! [`OffsetMap`](tenet_syntax::json::OffsetMap) it uses for policy strings embedded in CLI
//! outputs, so every diagnostic lands at the template's own bytes.
//!
//! Architecture invariant: a value the template does not fix (an intrinsic, an interpolation, a
//! reference, a value known only after apply) is never guessed: it is written as a `${label}`
//! placeholder, recorded in [`IacFile::unresolved`] and on the policy's
//! [`Policy::unresolved`](tenet_ast::Policy::unresolved), findings on it are dropped by
//! [`IacFile::settle`], and a prover must answer `unknown` about a policy that has any.
#![warn(missing_docs)]

mod cfn;
pub mod codes;
pub mod deploy;
mod plan;
mod terraform;
mod tree;

use std::collections::BTreeMap;

use tenet_ast::{PolicyDocument, PolicyKind};
use tenet_diagnostics::{sort_diagnostics, Diagnostic, Span};
use tenet_syntax::json::{parse_json, JsonKind, JsonValue, OffsetMap};
use tenet_syntax::{detect_kind, lower_policy};

pub use tree::Unresolved;
use tree::{emit, Kind, Node};

/// Settings of the readers.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `--parameter NAME=VALUE`: CloudFormation parameters and pseudo parameters
    /// (`AWS::AccountId`, `AWS::Region`, `AWS::Partition`), Terraform variables (`var.NAME`).
    pub parameters: BTreeMap<String, String>,
    /// Values an estate reader fixes for references to the template's own resources
    /// (CloudFormation `Role` and `Role.Arn`; Terraform `aws_iam_role.app.arn`).
    pub references: BTreeMap<String, String>,
}

impl Options {
    /// What deployment fixes: `NAME=VALUE` parameters, and the account and region the template
    /// deploys into (the pseudo parameters `AWS::AccountId` and `AWS::Region`).
    pub fn deployment(account: Option<&str>, region: Option<&str>, parameters: &[String]) -> Result<Options, String> {
        let mut options = Options::default();
        for p in parameters {
            let Some((name, value)) = p.split_once('=') else {
                return Err(format!("the parameter `{p}` must be NAME=VALUE"));
            };
            options.parameters.insert(name.trim().to_owned(), value.to_owned());
        }
        if let Some(a) = account {
            if !tenet_ast::semantics::is_account_id(a) {
                return Err(format!("the account `{a}` is not a 12-digit account id"));
            }
            options.parameters.insert("AWS::AccountId".into(), a.to_owned());
        }
        if let Some(r) = region {
            options.parameters.insert("AWS::Region".into(), r.to_owned());
        }
        Ok(options)
    }
}

/// What an infrastructure-as-code file was recognised as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// A CloudFormation template (JSON or YAML).
    CloudFormation,
    /// Terraform source (`.tf`).
    Terraform,
    /// A Terraform plan (`terraform show -json`).
    TerraformPlan,
    /// A `.yaml`/`.yml`/`.tf` file that holds no template: skipped quietly.
    Other,
}

/// Everything read from one infrastructure-as-code file.
#[derive(Clone, Debug)]
pub struct IacFile {
    /// What the file is.
    pub form: Form,
    /// The policies found, named by resource (`BucketPolicy (AWS::S3::BucketPolicy) /
    /// PolicyDocument`, `aws_iam_role.deploy / assume_role_policy`, a plan's resource address).
    pub documents: Vec<PolicyDocument>,
    /// Reading and lowering diagnostics, at the template's bytes.
    pub diagnostics: Vec<Diagnostic>,
    /// The values the template leaves unresolved, in file offsets.
    pub unresolved: Vec<Unresolved>,
    /// For a plan: each document's span, and its resource address with where it is written.
    pub addresses: Vec<(Span, Span, String)>,
}

/// A policy found in a template, before it is read as JSON.
pub(crate) struct Extracted {
    pub name: String,
    pub kind: Option<PolicyKind>,
    pub source: Source,
    /// Content merged in from elsewhere (the policy is not fully known).
    pub incomplete: Vec<Unresolved>,
    /// A plan's resource address and where it is written.
    pub address: Option<(Span, String)>,
}

pub(crate) enum Source {
    /// A document written as a value (an object) or as a string of JSON.
    Tree(Node),
    /// JSON text already laid out, with its offset table (heredocs, plan strings).
    Json {
        text: String,
        map: OffsetMap,
        unresolved: Vec<Unresolved>,
        span: Span,
    },
}

impl Extracted {
    pub fn tree(name: String, kind: Option<PolicyKind>, node: Node) -> Self {
        Extracted {
            name,
            kind,
            source: Source::Tree(node),
            incomplete: Vec::new(),
            address: None,
        }
    }
}

/// Reads `text` as infrastructure as code when its content (or, for `.tf`, its name) says it is
/// one. `None`: not infrastructure as code (the caller keeps its own reading of the file).
pub fn read(name: &str, text: &str, kind_override: Option<PolicyKind>, options: &Options) -> Option<IacFile> {
    let lower = name.to_ascii_lowercase();
    let yaml_name = lower.ends_with(".yaml") || lower.ends_with(".yml");
    let (form, found, mut diagnostics) = if lower.ends_with(".tf") {
        let (found, diags) = terraform::read(text, options);
        (Form::Terraform, found, diags)
    } else if text.trim_start().starts_with('{') {
        let root = parse_json(text, &OffsetMap::identity()).ok()?;
        if plan::is_plan(&root) {
            let (found, diags) = plan::read(text, &root);
            (Form::TerraformPlan, found, diags)
        } else {
            let tree = cfn::from_json(text, &root);
            if !cfn::is_template(&tree) {
                return None;
            }
            (Form::CloudFormation, cfn::extract(&tree, options), Vec::new())
        }
    } else {
        match cfn::yaml::read_yaml(text) {
            Ok(Some(root)) if cfn::is_template(&root) => {
                (Form::CloudFormation, cfn::extract(&root, options), Vec::new())
            }
            Err(e) if yaml_name && looks_like_template(text) => {
                let d = codes::TEMPLATE_SYNTAX.at(Span::new(e.at, e.at + 1), format!("invalid YAML: {}", e.message));
                (Form::CloudFormation, Vec::new(), vec![d])
            }
            _ if yaml_name => (Form::Other, Vec::new(), Vec::new()),
            _ => return None,
        }
    };
    let mut file = IacFile {
        form,
        documents: Vec::new(),
        diagnostics: Vec::new(),
        unresolved: Vec::new(),
        addresses: Vec::new(),
    };
    for f in found {
        file.add(f, kind_override);
    }
    file.diagnostics.append(&mut diagnostics);
    sort_diagnostics(&mut file.diagnostics);
    Some(file)
}

fn looks_like_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion") || text.starts_with("Resources:") || text.contains("\nResources:")
}

impl IacFile {
    fn add(&mut self, found: Extracted, kind_override: Option<PolicyKind>) {
        let (text, map, unresolved, span) = match found.source {
            Source::Json {
                text,
                map,
                unresolved,
                span,
            } => (text, map, unresolved, span),
            Source::Tree(node) => match &node.kind {
                // The whole document is a reference: there is nothing to read.
                Kind::Sym(_) => return,
                Kind::Str(t) => {
                    let (text, table) = t.flatten(node.span);
                    let unresolved = string_unresolved(t, node.span);
                    (text, OffsetMap::from_table(table), unresolved, node.span)
                }
                _ => {
                    let e = emit(&node);
                    (e.text, OffsetMap::from_table(e.table), e.unresolved, node.span)
                }
            },
        };
        let json = match parse_json(&text, &map) {
            Ok(json) => json,
            Err(d) => {
                self.diagnostics.push(*d);
                return;
            }
        };
        let mut unresolved = unresolved;
        for u in &mut unresolved {
            refine(&json, u);
        }
        unresolved.extend(found.incomplete);
        let kind = kind_override.or(found.kind).unwrap_or_else(|| detect_kind(&json));
        let (mut policy, diags) = lower_policy(&json, kind);
        self.diagnostics.extend(diags);
        policy.unresolved = unresolved.iter().map(|u| u.at).collect();
        self.unresolved.extend(unresolved);
        if let Some((at, address)) = found.address {
            self.addresses.push((span, at, address));
        }
        self.documents.push(PolicyDocument {
            name: Some(found.name),
            kind,
            policy,
            span,
        });
    }

    /// Keeps the findings that are about what the template says: a finding on an unresolved value
    /// (or on the string or value holding one) is dropped, since the value is not known. Fixes are
    /// removed: they are edits of policy JSON, not of the template's syntax.
    pub fn settle(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        diagnostics
            .into_iter()
            .filter(|d| !self.unresolved.iter().any(|u| on_unresolved(d, u)))
            .map(|mut d| {
                d.fix = None;
                let origin = self.addresses.iter().find(|(doc, _, _)| contains(*doc, d.span));
                if let Some((_, at, address)) = origin {
                    d = d.with_label(*at, format!("in `{address}`"));
                }
                d
            })
            .collect()
    }
}

fn overlaps(a: Span, b: Span) -> bool {
    a.start < b.end.max(b.start + 1) && b.start < a.end.max(a.start + 1)
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// Whether a finding is about the unresolved value `u`: it touches the value and lies within the
/// string holding it (or, for a whole unresolved value, encloses it), and it is about the text
/// (a reading or grammar finding, a message quoting the placeholder, or a span inside the value).
/// A finding about what the rest of the string means (a trust policy naming an OIDC provider
/// with no subject condition) stays.
fn on_unresolved(d: &Diagnostic, u: &Unresolved) -> bool {
    let span = d.span;
    let touches = overlaps(span, u.at) && (contains(u.within, span) || (u.whole && contains(span, u.at)));
    touches && (d.code.starts_with("SYN") || d.message.contains("${") || contains(u.at, span))
}

fn string_unresolved(t: &tree::Text, within: Span) -> Vec<Unresolved> {
    t.pieces
        .iter()
        .filter_map(|p| match p {
            tree::Piece::Sym { span, .. } => Some(Unresolved {
                at: *span,
                within: *span,
                whole: false,
            }),
            tree::Piece::Lit { .. } => None,
        })
        .map(|u| Unresolved { within, ..u })
        .collect()
}

/// Narrows `u.within` to the JSON string of the policy that holds the unresolved value.
fn refine(json: &JsonValue, u: &mut Unresolved) {
    if !contains(json.span, u.at) {
        return;
    }
    match &json.kind {
        JsonKind::String(_) if contains(u.within, json.span) => u.within = json.span,
        JsonKind::Array(items) => items.iter().for_each(|i| refine(i, u)),
        JsonKind::Object(members) => members.iter().for_each(|m| refine(&m.value, u)),
        _ => {}
    }
}
