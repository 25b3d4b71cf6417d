//! What a template, a Terraform directory or a plan deploys, as an estate reader needs it: the
//! roles, users and groups with their trust, identity and boundary policies, the buckets with their
//! policy and default encryption, the KMS keys with their key policy, and the KMS grants.
//!
//! Each reader lists the template's resources with their attributes ([`Res`], references to the
//! template's own resources already resolved to names and ARNs), and [`assemble`] ties them
//! together by those names: a policy attachment to the role it names, a bucket policy to its bucket.
//!
//! Soundness: nothing is guessed. A policy the template does not fully write (an intrinsic, an
//! interpolation, a value known only after apply, a managed policy defined elsewhere) is kept with
//! its [`Policy::unresolved`] spans, so a verdict that depends on it is `unknown`. Names AWS
//! generates (a key's id, a role without `RoleName`) are given a stand-in and said in
//! [`Deployment::notes`]; references to them within the template resolve to the same stand-in.

mod assemble;
mod cfn;
mod plan;
mod terraform;

use std::collections::BTreeMap;

use tenet_ast::eval::KmsGrant;
use tenet_ast::Policy;
use tenet_diagnostics::{Diagnostic, Span};

use crate::Form;
pub(crate) use assemble::assemble;
pub use assemble::names_key;

/// A policy of the deployment and where it is written.
#[derive(Clone, Debug)]
pub struct Doc {
    /// Where it is written (`DeployRole (AWS::IAM::Role) / Policies[0] (deploy)`).
    pub origin: String,
    /// The policy; [`Policy::unresolved`] is not empty when the template does not fix all of it.
    pub policy: Policy,
    /// Why nothing of it is known, when nothing is (a managed policy defined elsewhere, a value
    /// known only after apply).
    pub unknown: Option<String>,
}

impl Doc {
    /// A policy of which nothing is known: empty, with one unresolved span.
    pub(crate) fn unknown(origin: String, at: Span, why: String) -> Doc {
        Doc {
            origin,
            policy: Policy {
                unresolved: vec![at],
                ..Policy::default()
            },
            unknown: Some(why),
        }
    }

    /// Whether the template leaves some of it unresolved.
    pub fn is_unresolved(&self) -> bool {
        !self.policy.unresolved.is_empty()
    }
}

/// What kind of IAM identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentityKind {
    /// `AWS::IAM::Role`, `aws_iam_role`.
    Role,
    /// `AWS::IAM::User`, `aws_iam_user`.
    User,
    /// `AWS::IAM::Group`, `aws_iam_group`.
    Group,
}

impl IdentityKind {
    /// The ARN resource type: `role`, `user`, `group`.
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityKind::Role => "role",
            IdentityKind::User => "user",
            IdentityKind::Group => "group",
        }
    }
}

/// A role, user or group the template creates.
#[derive(Clone, Debug)]
pub struct Identity {
    /// Role, user or group.
    pub kind: IdentityKind,
    /// The logical id or resource address.
    pub id: String,
    /// The name (a stand-in when AWS generates it, see `generated`).
    pub name: String,
    /// The path (`/` by default).
    pub path: String,
    /// The ARN, when the account is known.
    pub arn: Option<String>,
    /// Whether AWS generates the name (then `name` is the logical id, a stand-in).
    pub generated: bool,
    /// For roles: the trust policy.
    pub trust: Option<Doc>,
    /// Identity policies: inline, attached, and the template's own managed policies.
    pub policies: Vec<Doc>,
    /// The permissions boundary.
    pub boundary: Option<Doc>,
    /// For users: their groups' names.
    pub groups: Vec<String>,
    /// Where the resource is written.
    pub span: Span,
}

/// The default encryption of a bucket as the template sets it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BucketEncryption {
    /// The template does not say: S3 encrypts with SSE-S3 by default.
    Default,
    /// `AES256`.
    SseS3,
    /// `aws:kms` (or `aws:kms:dsse`) with this key (`None`: the key is not known).
    SseKms {
        /// The key id or ARN.
        key: Option<String>,
        /// Whether S3 Bucket Keys are on.
        bucket_key: bool,
    },
    /// Written but not known (an intrinsic, known only after apply).
    Unknown(String),
}

/// A bucket the template creates or sets a policy on.
#[derive(Clone, Debug)]
pub struct Bucket {
    /// The logical id or resource address.
    pub id: String,
    /// The bucket name (a stand-in when AWS generates it).
    pub name: String,
    /// Whether AWS generates the name.
    pub generated: bool,
    /// The bucket policy.
    pub policy: Option<Doc>,
    /// The default encryption.
    pub encryption: BucketEncryption,
    /// What may apply to it that the template does not fix (a bucket policy whose bucket is
    /// unknown): any verdict on it is unknown.
    pub unknown: Vec<String>,
    /// Where the resource is written.
    pub span: Span,
}

/// A KMS key the template creates.
#[derive(Clone, Debug)]
pub struct Key {
    /// The logical id or resource address.
    pub id: String,
    /// The key ARN (a stand-in id when AWS generates it), when the account and region are known.
    pub arn: Option<String>,
    /// The key id (a stand-in when AWS generates it).
    pub key_id: String,
    /// Whether AWS generates the id.
    pub generated: bool,
    /// The key policy (`None`: the template sets none, and AWS gives the default key policy).
    pub policy: Option<Doc>,
    /// What may apply to it that the template does not fix (a key policy whose key is unknown).
    pub unknown: Vec<String>,
    /// Where the resource is written.
    pub span: Span,
}

/// A KMS grant the template creates (`aws_kms_grant`).
#[derive(Clone, Debug)]
pub struct Grant {
    /// The resource address.
    pub id: String,
    /// The key it is on, as written (an id or ARN) when known.
    pub key: Option<String>,
    /// The grant, when every field that decides is known.
    pub grant: Option<KmsGrant>,
    /// Why it is not known.
    pub unknown: Option<String>,
    /// Where the resource is written.
    pub span: Span,
}

/// What one template, Terraform directory or plan deploys into one account.
#[derive(Clone, Debug)]
pub struct Deployment {
    /// What the source is.
    pub form: Form,
    /// The account id (`--parameter AWS::AccountId=…`, or a plan's values).
    pub account: Option<String>,
    /// The region (`--parameter AWS::Region=…`, or a plan's provider configuration).
    pub region: Option<String>,
    /// Roles, users and groups.
    pub identities: Vec<Identity>,
    /// Buckets.
    pub buckets: Vec<Bucket>,
    /// Keys.
    pub keys: Vec<Key>,
    /// Grants.
    pub grants: Vec<Grant>,
    /// Diagnostics, by file (an index into the files given).
    pub diagnostics: Vec<(usize, Diagnostic)>,
    /// What was assumed or left out, in words.
    pub notes: Vec<String>,
}

/// A value of a resource attribute, references to the template's own resources resolved.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Val {
    Null,
    S(String),
    L(Vec<Val>),
    M(Vec<(String, Val)>),
    /// Not fixed by the template; the label says what it stands for.
    U(String),
}

impl Val {
    pub fn get(&self, key: &str) -> Option<&Val> {
        match self {
            Val::M(m) => m
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v)
                .filter(|v| **v != Val::Null),
            _ => None,
        }
    }

    pub fn str(&self) -> Option<&str> {
        match self {
            Val::S(s) => Some(s),
            _ => None,
        }
    }

    /// The items of a list (a single value is a list of one).
    pub fn items(&self) -> Vec<&Val> {
        match self {
            Val::L(items) => items.iter().collect(),
            Val::Null => Vec::new(),
            v => vec![v],
        }
    }

    /// The first item of a list, or the value itself.
    pub fn first(&self) -> Option<&Val> {
        self.items().into_iter().next()
    }
}

/// What a resource is, for the assembly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ty {
    Identity(IdentityKind),
    /// An identity policy attached by name (`AWS::IAM::Policy`, `aws_iam_role_policy`).
    Inline,
    /// A managed policy (`AWS::IAM::ManagedPolicy`, `aws_iam_policy`); attribute `arn`.
    Managed,
    /// An attachment of a managed policy by ARN (`aws_iam_role_policy_attachment`).
    Attachment,
    /// Users added to groups (`AWS::IAM::UserToGroupAddition`, `aws_iam_group_membership`).
    Membership,
    Bucket,
    BucketPolicy,
    BucketEncryption,
    Key,
    KeyPolicy,
    Grant,
}

/// A resource as the readers list it. Attributes are normalized: identities `name`, `path`,
/// `managed` (ARNs), `boundary` (ARN), `groups`; attachments `roles`, `users`, `groups`, `policy`
/// (ARN); buckets `name` and encryption `sse`, `kms_key`, `bucket_key`; `bucket` and `key` name
/// what a policy is for; managed policies and keys `arn`, keys `key_id`; grants `grantee`,
/// `retiring`, `operations`, `name`, `equals`, `subset`.
#[derive(Clone, Debug)]
pub(crate) struct Res {
    pub id: String,
    pub ty: Ty,
    pub attrs: Val,
    /// `trust`, `policy`, `boundary` documents written in the resource.
    pub docs: BTreeMap<&'static str, Doc>,
    /// Inline policies written in the resource (`Policies[]`, `inline_policy`).
    pub inline: Vec<Doc>,
    pub span: Span,
    /// Whether AWS generates its name (then `name` is a stand-in).
    pub generated: bool,
}

/// The account, region and partition the options give.
pub(crate) struct Place {
    pub account: Option<String>,
    pub region: Option<String>,
    pub partition: String,
}

impl Place {
    pub fn of(options: &crate::Options) -> Place {
        let p = |k: &str| options.parameters.get(k).cloned();
        Place {
            account: p("AWS::AccountId"),
            region: p("AWS::Region"),
            partition: p("AWS::Partition").unwrap_or_else(|| "aws".into()),
        }
    }

    pub fn iam_arn(&self, kind: &str, path: &str, name: &str) -> Option<String> {
        let account = self.account.as_ref()?;
        Some(format!("arn:{}:iam::{account}:{kind}{path}{name}", self.partition))
    }

    pub fn key_arn(&self, key_id: &str) -> Option<String> {
        let (account, region) = (self.account.as_ref()?, self.region.as_ref()?);
        Some(format!("arn:{}:kms:{region}:{account}:key/{key_id}", self.partition))
    }
}

/// The options with the partition `aws` unless one is given (the notes say so).
pub(crate) fn with_partition(options: &crate::Options) -> crate::Options {
    let mut o = options.clone();
    o.parameters
        .entry("AWS::Partition".into())
        .or_insert_with(|| "aws".into());
    o
}

/// Reads what a CloudFormation template (JSON or YAML) deploys; `None` when it is no template.
pub fn from_template(text: &str, options: &crate::Options) -> Option<Deployment> {
    cfn::read(text, options)
}

/// Reads what a Terraform plan (`terraform show -json`) deploys; `None` when it is no plan.
pub fn from_plan(text: &str, options: &crate::Options) -> Option<Deployment> {
    plan::read(text, options)
}

/// Reads what a Terraform directory deploys: its `.tf` files as `(name, text)`.
pub fn from_terraform(files: &[(&str, &str)], options: &crate::Options) -> Deployment {
    terraform::read(files, options)
}

/// A value of the template's tree as a [`Val`]: literal strings exact, anything with an
/// unresolved piece unknown.
pub(crate) fn val(n: &crate::tree::Node) -> Val {
    use crate::tree::{Kind, Piece};
    match &n.kind {
        Kind::Null => Val::Null,
        Kind::Bool(b) => Val::S(b.to_string()),
        Kind::Number(s) => Val::S(s.clone()),
        Kind::Str(t) => match t.literal() {
            Some(s) => Val::S(s),
            None => Val::U(
                t.pieces
                    .iter()
                    .find_map(|p| match p {
                        Piece::Sym { label, .. } => Some(label.clone()),
                        Piece::Lit { .. } => None,
                    })
                    .unwrap_or_default(),
            ),
        },
        Kind::List(items) => Val::L(items.iter().map(val).collect()),
        Kind::Map(members) => Val::M(
            members
                .iter()
                .filter_map(|(k, v)| match &k.kind {
                    Kind::Str(t) => t.literal().map(|k| (k, val(v))),
                    _ => None,
                })
                .collect(),
        ),
        Kind::Sym(label) => Val::U(label.clone()),
    }
}
