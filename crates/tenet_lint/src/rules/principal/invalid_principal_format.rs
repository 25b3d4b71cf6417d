//! `IAM081 invalid-principal-format`: an `AWS` or `CanonicalUser` principal that is not an account,
//! an IAM ARN, a unique id or a canonical user id.

use super::{has_wildcard, is_account_id, unique_id_kind};
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{PrincipalType, Principals, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks that `AWS` principals are `*`, a 12-digit account id, or an IAM/STS principal ARN
    /// (`arn:aws:iam::111122223333:root`, `:user/…`, `:role/…`, `arn:aws:sts::…:assumed-role/…/…`,
    /// `:federated-user/…`, a CloudFront origin access identity
    /// `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity <id>`), that no IAM group is
    /// named (groups are not principals), and that `CanonicalUser` principals are 64 hexadecimal
    /// digits. Values with wildcards are left to `unsupported-wildcard-in-principal`.
    ///
    /// ## Why is this bad?
    /// IAM rejects principals it cannot resolve, and a resource ARN pasted into `Principal` (a bucket,
    /// a key) names no one. A user group is not an identity that makes requests: AWS rejects a
    /// policy naming one as a principal.
    ///
    /// ## Example
    /// ```json
    /// {"Principal": {"AWS": "arn:aws:s3:::examplebucket"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Principal": {"AWS": "arn:aws:iam::111122223333:role/reader"}}
    /// ```
    ///
    /// ## References
    /// - [AWS JSON policy elements: Principal](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html)
    pub struct InvalidPrincipalFormat {
        code: "IAM081",
        name: "invalid-principal-format",
        category: Correctness,
        severity: Error,
        aa_checks: ["Invalid principal format"],
        parliament: ["UNKNOWN_PRINCIPAL"],
        fixable: false,
    }
}

/// Whether the value is an IAM or STS principal ARN.
fn is_principal_arn(v: &str) -> bool {
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    let [arn, _partition, service, region, account, resource] = parts[..] else {
        return false;
    };
    let kind_ok = match service {
        // CloudFront origin access identities are IAM users of the `cloudfront` account.
        "iam" if account == "cloudfront" => {
            return arn == "arn"
                && region.is_empty()
                && resource
                    .strip_prefix("user/CloudFront Origin Access Identity ")
                    .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()));
        }
        "iam" => {
            resource == "root"
                || ["user/", "role/", "federated-user/"]
                    .iter()
                    .any(|p| resource.len() > p.len() && resource.starts_with(p))
        }
        "sts" => ["assumed-role/", "federated-user/"]
            .iter()
            .any(|p| resource.len() > p.len() && resource.starts_with(p)),
        _ => false,
    };
    arn == "arn" && region.is_empty() && is_account_id(account) && kind_ok
}

/// Values another check reports already (one fault, one finding): policy variables
/// (`variable-unsupported-in-element`), and ARNs with missing fields or a malformed account, which
/// the grammar reports (`SYN102`, `SYN107`).
fn left_to_others(v: &str) -> bool {
    if v.contains("${") {
        return true;
    }
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    match parts[..] {
        ["arn", _, _, _, account, _] => {
            !account.is_empty() && !is_account_id(account) && account != "cloudfront" && account != "aws"
        }
        ["arn", ..] => true,
        _ => false,
    }
}

/// `arn:<partition>:iam::<account>:group/...`: AWS rejects groups as principals.
fn is_group_arn(v: &str) -> bool {
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    matches!(parts[..], ["arn", _, "iam", "", _, resource] if resource.starts_with("group/"))
}

fn aws_ok(v: &str) -> bool {
    v == "*" || is_account_id(v) || unique_id_kind(v).is_some() || is_principal_arn(v)
}

fn canonical_ok(v: &str) -> bool {
    v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Rule for InvalidPrincipalFormat {
    fn check_principal(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, p: &Spanned<Principals>) {
        for (ty, v) in p
            .value
            .entries()
            .filter(|(_, v)| !has_wildcard(&v.value) && !left_to_others(&v.value))
        {
            let (ok, help) = match ty {
                PrincipalType::Aws => (
                    aws_ok(&v.value),
                    "use an account id (`111122223333`) or an IAM principal ARN (`arn:aws:iam::111122223333:role/name`)",
                ),
                PrincipalType::CanonicalUser => (canonical_ok(&v.value), "a canonical user id is 64 hexadecimal digits"),
                PrincipalType::Service | PrincipalType::Federated => (true, ""),
            };
            if ty == PrincipalType::Aws && is_group_arn(&v.value) {
                let message = format!("the IAM group `{}` cannot be a principal", v.value);
                ctx.report_with_help(
                    v.span,
                    message,
                    "groups are not principals: name the group's users or roles, or grant the group an identity policy",
                );
                continue;
            }
            if !ok {
                let message = format!("`{}` is not a valid `{}` principal", v.value, ty.as_str());
                ctx.report_with_help(v.span, message, help);
            }
        }
    }
}
