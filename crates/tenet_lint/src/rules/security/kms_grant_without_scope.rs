//! `IAM302 kms-grant-without-scope`: a key policy lets another account or a service use the key
//! without `kms:ViaService`, `kms:CallerAccount` or an encryption-context condition.

use crate::rules::{is_allow, statement_allows_action};
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::semantics::is_account_id;
use tenet_ast::{PolicyKind, PrincipalType, Statement};

/// Actions that use or delegate the key.
const KEY_USE: &[&str] = &[
    "kms:CreateGrant",
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
];

/// Conditions that scope the use to a service, an account or a data context.
fn is_scoped(stmt: &Statement) -> bool {
    stmt.conditions().iter().any(|c| {
        let k = c.key.value.to_ascii_lowercase();
        k == "kms:viaservice"
            || k == "kms:calleraccount"
            || k.starts_with("kms:encryptioncontext")
            || k == "kms:grantisforawsresource"
            || k == "aws:sourceaccount"
            || k == "aws:sourcearn"
            || k == "aws:sourceorgid"
    })
}

/// The account that owns the key, guessed from the key policy: the account whose root is named in a
/// statement that allows `kms:*` (the default "Enable IAM User Permissions" statement).
fn owner_account(stmts: &[&Statement]) -> Option<String> {
    stmts
        .iter()
        .filter(|s| is_allow(s) && statement_allows_action(s, "kms:PutKeyPolicy"))
        .find_map(|s| {
            s.principal.as_ref()?.value.entries().find_map(|(ty, p)| {
                let account = p.value.strip_prefix("arn:aws:iam::")?.strip_suffix(":root")?;
                (ty == PrincipalType::Aws).then(|| account.to_owned())
            })
        })
}

/// Whether an `AWS` principal is a whole account: `111122223333` or `arn:aws:iam::111122223333:root`.
fn is_account(principal: &str) -> bool {
    is_account_id(principal)
        || principal
            .strip_suffix(":root")
            .and_then(|p| p.split(':').nth(4))
            .is_some_and(is_account_id)
}

/// The account of an `AWS` principal (`111122223333`, `arn:aws:iam::111122223333:…`).
fn account_of(principal: &str) -> Option<&str> {
    if is_account_id(principal) {
        return Some(principal);
    }
    principal.split(':').nth(4).filter(|a| a.len() == 12)
}

declare_rule! {
    /// ## What it does
    /// Checks KMS key policies for `Allow` statements that give a role or user of another account
    /// `kms:CreateGrant` or a cryptographic operation without a condition that scopes it:
    /// `kms:ViaService`, `kms:CallerAccount`, `kms:EncryptionContext…` or `kms:GrantIsForAWSResource`.
    /// The key's own account is taken from the statement that names an account root with
    /// `kms:PutKeyPolicy`. Service principals without `aws:SourceAccount`/`aws:SourceArn` are
    /// `service-principal-without-source-condition`'s finding (one fault, one finding). A whole other
    /// account (`arn:aws:iam::444455556666:root`) is not flagged: it is how the KMS guide shares a key,
    /// and that account's IAM policies decide who uses it.
    ///
    /// ## Why is this bad?
    /// An unscoped cross-account grant lets the other account use the key for anything, through
    /// any service, and `kms:CreateGrant` lets it pass that on. The FSx-over-S3 pattern scopes the
    /// role with `kms:ViaService = s3.<region>.amazonaws.com` and `kms:CallerAccount`.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": ["kms:Decrypt", "kms:CreateGrant"], "Resource": "*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "kms:Decrypt", "Resource": "*",
    ///  "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com", "kms:CallerAccount": "444455556666"}}}
    /// ```
    ///
    /// ## References
    /// - [Allowing users in other accounts to use a KMS key](https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html)
    /// - [kms:ViaService](https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service)
    pub struct KmsGrantWithoutScope {
        code: "IAM302",
        name: "kms-grant-without-scope",
        category: Security,
        severity: Warning,
        aa_checks: [],
        parliament: [],
        fixable: false,
    }
}

impl Rule for KmsGrantWithoutScope {
    fn check_policy(&self, ctx: &mut LintContext<'_>) {
        if ctx.kind() != PolicyKind::Key {
            return;
        }
        let stmts: Vec<&Statement> = ctx.statements().iter().map(|s| &s.value).collect();
        let owner = owner_account(&stmts);
        for stmt in ctx.statements() {
            let s = &stmt.value;
            if !is_allow(s) || is_scoped(s) {
                continue;
            }
            let Some(action) = KEY_USE.iter().find(|a| statement_allows_action(s, a)) else {
                continue;
            };
            let Some(principal) = &s.principal else {
                continue;
            };
            let outsider = principal.value.entries().find(|(ty, p)| match ty {
                // A whole other account (its root or id) is the documented way to share a key:
                // that account's own IAM policies then decide who may use it.
                PrincipalType::Aws if is_account(&p.value) => false,
                PrincipalType::Aws => match (&owner, account_of(&p.value)) {
                    (Some(owner), Some(account)) => owner != account,
                    _ => false,
                },
                _ => false,
            });
            let Some((_, who)) = outsider else {
                continue;
            };
            let whom = "another account's principal";
            let d = ctx
                .diagnostic(who.span, format!("{whom} `{}` may call `{action}` on this key without a scoping condition", who.value))
                .with_help("add `kms:ViaService` and `kms:CallerAccount` (or an encryption-context condition; `aws:SourceArn` for services)");
            ctx.report(d);
        }
    }
}
