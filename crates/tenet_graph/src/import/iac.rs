//! An estate from infrastructure as code: what a CloudFormation template (JSON, YAML, CDK output),
//! a Terraform directory (`.tf`) or a Terraform plan (`terraform show -json`) is about to deploy,
//! read by `tenet_iac::deploy`: its roles, users and groups with their trust, identity and boundary
//! policies, its buckets (policy, default encryption), its KMS keys (key policy) and grants.
//!
//! The account is `AWS::AccountId` of the options (`--account`), else a plan's values; it is an
//! error when neither gives it. The account is **open world**: the template does not describe
//! everything else in it, so other principals may exist with any policy; the template's own
//! principals have exactly the policies it gives them. It is taken to be in no organization (no
//! SCP or RCP caps it), which the notes say. What the template leaves unresolved stays
//! unresolved ([`tenet_ast::Policy::unresolved`], [`crate::Estate::unknowns`]) and makes the
//! verdicts that depend on it `unknown` ([`crate::unresolved::settle`]). What was assumed (the
//! stand-in names of generated ones, the partition, the default key policy) is said as notes.

use tenet_ast::Policy;
use tenet_diagnostics::{Severity, Span};
use tenet_iac::deploy::{self, BucketEncryption, Deployment, Doc, IdentityKind};
use tenet_iac::Options;

use super::{diag, Builder, NOT_AN_ESTATE};
use crate::model::{Bucket, Encryption, Key, PolicyId, Principal, PrincipalKind, StandIn, Unknown};
use crate::sources::{Loaded, Sources};

/// What was assumed in reading infrastructure as code as an estate.
pub(crate) const IAC_NOTE: (&str, &str) = ("EST007", "iac-estate-assumption");
/// The account a template deploys into is not known.
pub(crate) const IAC_NO_ACCOUNT: (&str, &str) = ("EST008", "iac-account-unknown");

fn is_template_name(p: &str) -> bool {
    let l = p.to_ascii_lowercase();
    l.ends_with(".json") || l.ends_with(".yaml") || l.ends_with(".yml") || l.ends_with(".template")
}

/// Reads an estate from the infrastructure as code among `sources`: every `.tf` file as one
/// Terraform module, else every template or plan. `options` carries `AWS::AccountId`,
/// `AWS::Region`, `AWS::Partition` and the template's parameters.
pub fn load_iac(sources: &Sources, options: &Options) -> Loaded {
    let mut b = Builder::new(sources);
    let tf: Vec<(&str, &str)> = sources.iter().filter(|(p, _)| p.ends_with(".tf")).collect();
    let mut found = 0;
    if !tf.is_empty() {
        let d = deploy::from_terraform(&tf, options);
        let paths: Vec<&str> = tf.iter().map(|(p, _)| *p).collect();
        add(&mut b, &paths, d);
        found += 1;
    } else {
        for (path, text) in sources.iter().filter(|(p, _)| is_template_name(p)) {
            let text = text.trim_start_matches('\u{feff}');
            let d = deploy::from_plan(text, options).or_else(|| deploy::from_template(text, options));
            if let Some(d) = d {
                add(&mut b, &[path], d);
                found += 1;
            }
        }
    }
    if found == 0 {
        b.report(
            ".",
            diag(
                NOT_AN_ESTATE,
                Severity::Error,
                Span::new(0, 0),
                "no CloudFormation template, Terraform file or Terraform plan found".into(),
            ),
        );
    }
    b.finish()
}

fn note(b: &mut Builder, path: &str, span: Span, text: String) {
    b.report(path, diag(IAC_NOTE, Severity::Info, span, text));
}

/// The policy of a document, stored; origins name the file.
fn store(b: &mut Builder, path: &str, doc: &Doc) -> PolicyId {
    let origin = match &doc.unknown {
        Some(why) => format!("{path}: {} ({why})", doc.origin),
        None => format!("{path}: {}", doc.origin),
    };
    b.estate.add_policy(doc.policy.clone(), origin)
}

fn add(b: &mut Builder, paths: &[&str], d: Deployment) {
    let first = paths.first().copied().unwrap_or(".");
    for (file, diagnostic) in &d.diagnostics {
        let path = paths.get(*file).copied().unwrap_or(first);
        b.report(path, diagnostic.clone());
    }
    let Some(account) = d.account.clone() else {
        b.report(
            first,
            diag(
                IAC_NO_ACCOUNT,
                Severity::Error,
                Span::new(0, 0),
                "the account this deploys into is not known".into(),
            )
            .with_help("give it with `--account 111122223333`"),
        );
        return;
    };
    let acct = b.estate.account_mut(&account);
    acct.closed_world = false;
    if acct.name == account {
        acct.name = first.to_owned();
    }
    note(
        b,
        first,
        Span::new(0, 0),
        format!(
            "account `{account}` is open world: the template does not describe everything in it, so other principals may exist with any policy"
        ),
    );
    note(
        b,
        first,
        Span::new(0, 0),
        format!(
            "account `{account}` is taken to be in no organization: `allowed` answers do not account for SCPs or RCPs"
        ),
    );
    for n in &d.notes {
        note(b, first, Span::new(0, 0), n.clone());
    }
    let region = d.region.clone();
    for i in &d.identities {
        let Some(arn) = i.arn.clone() else { continue };
        let trust = i.trust.as_ref().map(|t| store(b, first, t));
        let policies = i.policies.iter().map(|p| store(b, first, p)).collect();
        let boundary = i.boundary.as_ref().map(|p| store(b, first, p));
        let kind = match i.kind {
            IdentityKind::Role => PrincipalKind::Role,
            IdentityKind::User => PrincipalKind::User,
            IdentityKind::Group => PrincipalKind::Group,
        };
        if i.generated {
            stand_in(b, &arn, &i.name);
        }
        b.estate.principals.push(Principal {
            arn,
            name: i.name.clone(),
            kind,
            account: account.clone(),
            policies,
            groups: i.groups.clone(),
            boundary,
            trust,
        });
    }
    for k in &d.keys {
        let Some(arn) = k.arn.clone() else {
            note(
                b,
                first,
                k.span,
                format!("key `{}` is left out: the region is not known (give `--region`)", k.id),
            );
            continue;
        };
        let policy = match &k.policy {
            Some(p) => store(b, first, p),
            None => {
                note(
                    b,
                    first,
                    k.span,
                    format!("key `{}` sets no key policy: it gets the default key policy, which delegates to account `{account}`", k.id),
                );
                let default = default_key_policy(&account);
                b.estate
                    .add_policy(default, format!("{first}: {} (the default key policy)", k.id))
            }
        };
        for why in &k.unknown {
            b.estate.unknowns.push(Unknown {
                arn: arn.clone(),
                reason: why.clone(),
                objects_only: false,
            });
        }
        if k.generated {
            stand_in(b, &arn, &k.key_id);
        }
        b.estate.keys.push(Key {
            arn,
            account: account.clone(),
            policy: Some(policy),
            grants: Vec::new(),
        });
    }
    for g in &d.grants {
        let key = g.key.as_deref().and_then(|k| {
            d.keys
                .iter()
                .find(|x| deploy::names_key(x, k))
                .and_then(|x| x.arn.clone())
                .or_else(|| k.starts_with("arn:").then(|| k.to_owned()))
        });
        if g.key.is_none() {
            // Which key is not known: it may be any of the deployment's.
            for k in d.keys.iter().filter_map(|k| k.arn.clone()) {
                b.estate.unknowns.push(Unknown {
                    arn: k,
                    reason: format!(
                        "KMS grant `{}` is on a key the template does not fix: it may be this one",
                        g.id
                    ),
                    objects_only: false,
                });
            }
            continue;
        }
        let Some(index) = key
            .as_deref()
            .and_then(|k| b.estate.keys.iter().position(|x| x.arn == k))
        else {
            note(
                b,
                first,
                g.span,
                format!("grant `{}` is on a key the estate does not hold: left out", g.id),
            );
            continue;
        };
        match (&g.grant, &g.unknown) {
            (Some(grant), None) => {
                let mut grant = grant.clone();
                grant.key_arn = None;
                if let Some(k) = b.estate.keys.get_mut(index) {
                    k.grants.push(grant);
                }
            }
            (_, why) => {
                let arn = b.estate.keys.get(index).map(|k| k.arn.clone()).unwrap_or_default();
                b.estate.unknowns.push(Unknown {
                    arn,
                    reason: format!(
                        "KMS grant `{}` is {}",
                        g.id,
                        why.as_deref().unwrap_or("not fixed by the template")
                    ),
                    objects_only: false,
                });
            }
        }
    }
    for bucket in &d.buckets {
        let policy = bucket.policy.as_ref().map(|p| store(b, first, p));
        let arn = format!("arn:aws:s3:::{}", bucket.name);
        let encryption = match &bucket.encryption {
            BucketEncryption::Default | BucketEncryption::SseS3 => Encryption::SseS3,
            BucketEncryption::SseKms {
                key: Some(k),
                bucket_key,
            } => Encryption::SseKms {
                key: key_arn(&d, k, region.as_deref(), &account),
                bucket_key: *bucket_key,
            },
            BucketEncryption::SseKms { key: None, .. } => {
                b.estate.unknowns.push(Unknown {
                    arn: arn.clone(),
                    reason: format!(
                        "the default encryption key of bucket `{}` is not fixed by the template",
                        bucket.name
                    ),
                    objects_only: true,
                });
                Encryption::Unknown
            }
            BucketEncryption::Unknown(why) => {
                b.estate.unknowns.push(Unknown {
                    arn: arn.clone(),
                    reason: format!("the default encryption of bucket `{}` is not known: {why}", bucket.name),
                    objects_only: true,
                });
                Encryption::Unknown
            }
        };
        for why in &bucket.unknown {
            b.estate.unknowns.push(Unknown {
                arn: arn.clone(),
                reason: why.clone(),
                objects_only: false,
            });
        }
        if bucket.generated {
            stand_in(b, &arn, &bucket.name);
        }
        b.estate.buckets.push(Bucket {
            name: bucket.name.clone(),
            account: account.clone(),
            region: region.clone(),
            policy,
            encryption,
        });
    }
}

fn stand_in(b: &mut Builder, arn: &str, name: &str) {
    if let Some(prefix) = arn.strip_suffix(name) {
        b.estate.stand_ins.push(StandIn {
            prefix: prefix.to_owned(),
            name: name.to_owned(),
        });
    }
}

/// The ARN of a bucket's key as written (a template key, an ARN, a key id or alias of the account).
fn key_arn(d: &Deployment, k: &str, region: Option<&str>, account: &str) -> String {
    if let Some(arn) = d
        .keys
        .iter()
        .find(|x| deploy::names_key(x, k))
        .and_then(|x| x.arn.clone())
    {
        return arn;
    }
    if k.starts_with("arn:") {
        return k.to_owned();
    }
    let kind = if k.starts_with("alias/") { "" } else { "key/" };
    format!("arn:aws:kms:{}:{account}:{kind}{k}", region.unwrap_or("us-east-1"))
}

/// The default key policy: the account may use the key through IAM policies.
fn default_key_policy(account: &str) -> Policy {
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
    );
    tenet_syntax::parse_policy_file("default-key-policy.json", &text, Some(tenet_ast::PolicyKind::Key))
        .documents
        .into_iter()
        .next()
        .map(|d| d.policy)
        .unwrap_or_default()
}
