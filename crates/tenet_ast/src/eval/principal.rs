//! The calling principal of a request, parsed once so that statement matching does not re-parse it.

pub use crate::semantics::is_account_id;

/// What kind of AWS principal an ARN names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AwsPrincipalKind {
    /// The account root user: `arn:aws:iam::111122223333:root`.
    Root,
    /// An IAM user: `arn:aws:iam::111122223333:user/path/Name`.
    User {
        /// The user name (the last path segment).
        name: String,
    },
    /// An IAM role itself: `arn:aws:iam::111122223333:role/path/Name`. Real requests come from role
    /// sessions; this form lets a simulation name the role.
    Role {
        /// The role name (the last path segment).
        name: String,
    },
    /// A role session: `arn:aws:sts::111122223333:assumed-role/RoleName/SessionName`.
    AssumedRole {
        /// The role name.
        role_name: String,
        /// The session name.
        session: String,
    },
    /// A federated user session: `arn:aws:sts::111122223333:federated-user/Name`.
    FederatedUser {
        /// The federated user name.
        name: String,
    },
    /// Any other ARN in an account.
    Other,
}

/// The principal that makes a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestPrincipal {
    /// An unauthenticated caller; only `Principal: "*"` (or `{"AWS": "*"}`) names it.
    Anonymous,
    /// An IAM identity or STS session.
    Aws {
        /// The ARN as given.
        arn: String,
        /// The account id, from the ARN.
        account: String,
        /// What the ARN names.
        kind: AwsPrincipalKind,
    },
    /// An AWS service principal such as `lambda.amazonaws.com`.
    Service(String),
    /// A federated identity provider principal (`cognito-identity.amazonaws.com`, a SAML provider ARN).
    Federated(String),
}

impl RequestPrincipal {
    /// Parses `anonymous` (or `*`), an IAM user/role/root ARN, an STS assumed-role or federated-user
    /// ARN, a bare 12-digit account id (the account root), a service principal (`*.amazonaws.com`,
    /// `*.amazonaws.com.cn`, or any dotted name without `:`), or an identity-provider principal
    /// (`arn:aws:iam::123:saml-provider/…`, `arn:aws:iam::123:oidc-provider/…`, `accounts.google.com`,
    /// `graph.facebook.com`, `www.amazon.com`, `cognito-identity.amazonaws.com`).
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("empty principal".to_owned());
        }
        if s == "*" || s.eq_ignore_ascii_case("anonymous") {
            return Ok(RequestPrincipal::Anonymous);
        }
        if is_account_id(s) {
            return Ok(RequestPrincipal::Aws {
                arn: format!("arn:aws:iam::{s}:root"),
                account: s.to_owned(),
                kind: AwsPrincipalKind::Root,
            });
        }
        if !s.starts_with("arn:") {
            if matches!(
                s,
                "cognito-identity.amazonaws.com" | "accounts.google.com" | "graph.facebook.com" | "www.amazon.com"
            ) {
                return Ok(RequestPrincipal::Federated(s.to_owned()));
            }
            if s.contains('.') && !s.contains(':') && !s.contains('/') {
                return Ok(RequestPrincipal::Service(s.to_owned()));
            }
            return Err(format!(
                "`{s}` is not a principal ARN, account id, service principal or `anonymous`"
            ));
        }
        let parts: Vec<&str> = s.splitn(6, ':').collect();
        let [_, _partition, service, _region, account, resource] = parts[..] else {
            return Err(format!("`{s}` is not a valid ARN (expected 6 colon-separated parts)"));
        };
        if !is_account_id(account) {
            return Err(format!("`{s}` has no 12-digit account id"));
        }
        let (ty, rest) = resource.split_once('/').unwrap_or((resource, ""));
        let last = |p: &str| p.rsplit('/').next().unwrap_or(p).to_owned();
        let kind = match (service, ty) {
            ("iam", "root") if rest.is_empty() => AwsPrincipalKind::Root,
            ("iam", "user") if !rest.is_empty() => AwsPrincipalKind::User { name: last(rest) },
            ("iam", "role") if !rest.is_empty() => AwsPrincipalKind::Role { name: last(rest) },
            ("iam", "saml-provider" | "oidc-provider") => return Ok(RequestPrincipal::Federated(s.to_owned())),
            ("sts", "assumed-role") => {
                let Some((role, session)) = rest.split_once('/') else {
                    return Err(format!("`{s}` lacks the session name (`assumed-role/Role/Session`)"));
                };
                AwsPrincipalKind::AssumedRole {
                    role_name: role.to_owned(),
                    session: session.to_owned(),
                }
            }
            ("sts", "federated-user") if !rest.is_empty() => AwsPrincipalKind::FederatedUser { name: rest.to_owned() },
            _ => AwsPrincipalKind::Other,
        };
        Ok(RequestPrincipal::Aws {
            arn: s.to_owned(),
            account: account.to_owned(),
            kind,
        })
    }

    /// The principal's account, for AWS principals.
    pub fn account(&self) -> Option<&str> {
        match self {
            RequestPrincipal::Aws { account, .. } => Some(account),
            _ => None,
        }
    }

    /// The ARN or name as given (`anonymous` for anonymous callers).
    pub fn as_str(&self) -> &str {
        match self {
            RequestPrincipal::Anonymous => "anonymous",
            RequestPrincipal::Aws { arn, .. } => arn,
            RequestPrincipal::Service(s) | RequestPrincipal::Federated(s) => s,
        }
    }

    /// The account of a federated-user session (`GetFederationToken`); `None` for any other
    /// principal.
    pub fn federated_session_account(&self) -> Option<&str> {
        match self {
            RequestPrincipal::Aws {
                account,
                kind: AwsPrincipalKind::FederatedUser { .. },
                ..
            } => Some(account),
            _ => None,
        }
    }

    /// Whether this is a service-linked role or one of its sessions. Service-linked roles live under
    /// the path `/aws-service-role/`; a session ARN drops the path, so for sessions the role name
    /// prefix `AWSServiceRoleFor` (which every service-linked role has) decides.
    pub fn is_service_linked_role(&self) -> bool {
        match self {
            RequestPrincipal::Aws { arn, kind, .. } => match kind {
                AwsPrincipalKind::Role { .. } => arn.contains(":role/aws-service-role/"),
                AwsPrincipalKind::AssumedRole { role_name, .. } => role_name.starts_with("AWSServiceRoleFor"),
                _ => false,
            },
            _ => false,
        }
    }
}
