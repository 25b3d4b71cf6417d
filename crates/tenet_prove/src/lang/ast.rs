//! The parsed form of a `.tenet` file: the policies it is checked against and its properties.

use tenet_diagnostics::{Span, Spanned};

/// The role a policy file plays in a `policy` header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// An identity-based policy of the principal (`identity`).
    Identity,
    /// The resource's policy (`resource` or `bucket`).
    Resource,
    /// A KMS key policy (`key`): it must allow, directly or by delegating to the account.
    Key,
    /// A permissions boundary of the principal (`boundary`).
    Boundary,
    /// The session policy (`session`).
    Session,
    /// A service control policy (`scp`); each `scp` line is one organization level.
    Scp,
    /// A resource control policy (`rcp`); each `rcp` line is one organization level.
    Rcp,
    /// A role trust policy (`trust "file" of "role ARN"`): the resource policy of the role, which
    /// must allow `sts:AssumeRole*` even within the role's account.
    Trust,
    /// KMS grants on the key (`grants "list-grants.json"`: `aws kms list-grants` output or a bare
    /// list of its entries).
    Grants,
}

impl Role {
    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Identity => "identity",
            Role::Resource => "resource",
            Role::Key => "key",
            Role::Boundary => "boundary",
            Role::Session => "session",
            Role::Scp => "scp",
            Role::Rcp => "rcp",
            Role::Trust => "trust",
            Role::Grants => "grants",
        }
    }

    /// Whether a policy of this role belongs to a principal, named with `of "ARN"`.
    pub fn has_owner(self) -> bool {
        matches!(self, Role::Identity | Role::Boundary | Role::Session | Role::Trust)
    }
}

/// One `role "file.json"` item of a `policy` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyRef {
    /// The role.
    pub role: Role,
    /// The path, relative to the `.tenet` file.
    pub path: Spanned<String>,
    /// `of "ARN"`: the user or role an identity policy, boundary or session policy belongs to, or
    /// the role a trust policy protects.
    pub owner: Option<Spanned<String>>,
}

/// Who a `never`/`only` pattern is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalFilter {
    /// Principals whose account is none of these (anonymous and service callers included).
    OutsideAccounts(Vec<String>),
    /// AWS principals in one of these accounts.
    InAccounts(Vec<String>),
    /// Exactly these principals (ARNs, account ids, service names or `anonymous`).
    Is(Vec<String>),
    /// Principals outside the organization of the resource's account (anonymous and service callers
    /// included): `None` as written, resolved from the `estate` before proving.
    OutsideOrganization(Option<Organization>),
}

/// An organization, as the estate knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organization {
    /// Its id (`o-…`): the value of `aws:PrincipalOrgID` for every principal of its accounts.
    pub id: String,
    /// The member accounts the estate lists (there may be more: an unlisted member has the id).
    pub accounts: Vec<String>,
}

/// A condition of `only … when`, over request context keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cond {
    /// All hold.
    And(Vec<Cond>),
    /// One holds.
    Or(Vec<Cond>),
    /// Does not hold.
    Not(Box<Cond>),
    /// The key is present and equals one of the values (case-sensitively).
    Equals(Spanned<String>, Vec<String>),
    /// The key is present and matches one of the `*`/`?` patterns.
    Like(Spanned<String>, Vec<String>),
    /// The key is present.
    Present(Spanned<String>),
}

/// What a property says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PropertyKind {
    /// `never allow ACTIONS on RESOURCES [for principal …]`.
    Never {
        /// Action patterns.
        actions: Vec<String>,
        /// Resource patterns.
        resources: Vec<String>,
        /// `owned by`: the account that owns the resources (S3 ARNs carry none); every account
        /// when absent and the ARNs do not say.
        owner: Option<String>,
        /// The principals the property is about (all when absent).
        principal: Option<PrincipalFilter>,
    },
    /// `only allow ACTIONS on RESOURCES [for principal …] when CONDITION`.
    Only {
        /// Action patterns.
        actions: Vec<String>,
        /// Resource patterns.
        resources: Vec<String>,
        /// `owned by`: the account that owns the resources (S3 ARNs carry none); every account
        /// when absent and the ARNs do not say.
        owner: Option<String>,
        /// The principals the property is about (all when absent).
        principal: Option<PrincipalFilter>,
        /// What every allowed request must satisfy.
        condition: Cond,
    },
    /// `can principal "…" do ACTION on "…" [given key = "v", …]`.
    Can {
        /// The principal.
        principal: Spanned<String>,
        /// The action.
        action: String,
        /// The resource ARN.
        resource: String,
        /// `owned by`: the account that owns the resource, when its ARN carries none.
        owner: Option<String>,
        /// Fixed context values; other keys are free.
        given: Vec<(Spanned<String>, Vec<String>)>,
    },
    /// `not public "file"`.
    NotPublic {
        /// The policy file.
        file: Spanned<String>,
    },
    /// `no new access in "new" beyond "old"`.
    NoNewAccess {
        /// The candidate policy.
        new: Spanned<String>,
        /// The reference policy.
        old: Spanned<String>,
    },
    /// `equivalent "a" and "b"`.
    Equivalent {
        /// The first policy.
        a: Spanned<String>,
        /// The second policy.
        b: Spanned<String>,
    },
}

/// The request pattern of a `never` or `only` property.
#[derive(Clone, Copy, Debug)]
pub struct RequestPattern<'a> {
    /// Action patterns.
    pub actions: &'a Vec<String>,
    /// Resource patterns.
    pub resources: &'a Vec<String>,
    /// `owned by`.
    pub owner: &'a Option<String>,
    /// The principals the property is about (all when absent).
    pub principal: &'a Option<PrincipalFilter>,
    /// For `only`: what every allowed request must satisfy.
    pub condition: Option<&'a Cond>,
}

impl PropertyKind {
    /// The request pattern of a `never` or `only` property; `None` for the other kinds.
    pub fn pattern(&self) -> Option<RequestPattern<'_>> {
        let (actions, resources, owner, principal, condition) = match self {
            PropertyKind::Never {
                actions,
                resources,
                owner,
                principal,
            } => (actions, resources, owner, principal, None),
            PropertyKind::Only {
                actions,
                resources,
                owner,
                principal,
                condition,
            } => (actions, resources, owner, principal, Some(condition)),
            _ => return None,
        };
        Some(RequestPattern {
            actions,
            resources,
            owner,
            principal,
            condition,
        })
    }
}

/// A named property.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    /// The name.
    pub name: Spanned<String>,
    /// What it says.
    pub kind: PropertyKind,
    /// The span of the whole property.
    pub span: Span,
}

/// The deployment-time values of an estate read from infrastructure as code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Deploy {
    /// The account the template deploys into.
    pub account: Option<Spanned<String>>,
    /// The region it deploys into.
    pub region: Option<Spanned<String>>,
    /// Parameters and variables, `NAME=VALUE`.
    pub parameters: Vec<String>,
}

/// A parsed `.tenet` file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PropertyFile {
    /// The policies named by `policy` headers, in order.
    pub policies: Vec<PolicyRef>,
    /// `estate "dir"` headers.
    pub estates: Vec<Spanned<String>>,
    /// What infrastructure as code read as the estate leaves to deployment time: `account "…"`,
    /// `region "…"`, `parameters ["NAME=VALUE", …]` after the `estate` path.
    pub deploy: Deploy,
    /// `organization accounts [...]`: the member accounts the `scp`/`rcp` policies govern.
    pub organization: Vec<Spanned<String>>,
    /// `closed accounts [...]`: accounts whose principals are exactly the root and the owners named
    /// by `of`, with exactly the policies given (every other account is open world).
    pub closed_accounts: Vec<Spanned<String>>,
    /// The properties, in order.
    pub properties: Vec<Property>,
}
