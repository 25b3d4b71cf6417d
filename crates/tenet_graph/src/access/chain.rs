//! The links of a request: one for most requests, two when reading or writing an object of an
//! SSE-KMS bucket (the S3 call and the KMS call S3 makes on the caller's behalf).
use super::Subject;
use crate::model::{Encryption, Estate, PolicyId};

/// What a link's resource is in the estate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkTarget {
    /// A bucket or an object of it (index into `Estate::buckets`).
    Bucket(usize),
    /// A KMS key (index into `Estate::keys`).
    Key(usize),
    /// A role, for `sts:AssumeRole*` (index into `Estate::principals`).
    Role(usize),
    /// Anything else: no resource policy is known.
    Other,
}

/// One request of a chain.
#[derive(Clone, Debug)]
pub struct Link {
    /// The action.
    pub action: String,
    /// The resource ARN.
    pub resource: String,
    /// The account owning the resource.
    pub resource_account: String,
    /// The resource (or key, or trust) policy.
    pub policy: Option<PolicyId>,
    /// The resource in the estate.
    pub target: LinkTarget,
    /// Context keys this link fixes (for the KMS link of an S3 call).
    pub given: Vec<(String, Vec<String>)>,
    /// Whether `kms:CallerAccount` is fixed to the caller's account (filled per subject).
    pub caller_account: bool,
    /// Why this link cannot be decided at all (a key that is not in the estate), if so.
    pub missing: Option<String>,
}

impl Link {
    /// The link as `subject` makes it (`kms:CallerAccount` filled in).
    pub fn for_subject(&self, subject: &Subject, _estate: &Estate) -> Link {
        let mut l = self.clone();
        if l.caller_account {
            if let Some(a) = subject.account() {
                l.given.push(("kms:CallerAccount".into(), vec![a.to_owned()]));
            }
        }
        l
    }

    /// `s3:GetObject on arn:aws:s3:::bucket/key`.
    pub fn describe(&self) -> String {
        let mut s = format!("{} on {}", self.action, self.resource);
        let given: Vec<String> = self
            .given
            .iter()
            .filter(|(k, _)| k != "kms:CallerAccount")
            .map(|(k, v)| format!("{k} = {}", v.join(", ")))
            .collect();
        if !given.is_empty() {
            s.push_str(&format!(" with {}", given.join(", ")));
        }
        s
    }
}

/// The links of `action` on `resource`.
pub fn plan(estate: &Estate, action: &str, resource: &str) -> Result<Vec<Link>, String> {
    if !resource.starts_with("arn:") {
        return Err(format!("`{resource}` is not an ARN"));
    }
    let service = resource.split(':').nth(2).unwrap_or("");
    let arn_account = resource.split(':').nth(4).unwrap_or("").to_owned();
    if service == "s3" {
        let rest = resource.splitn(6, ':').nth(5).unwrap_or("");
        let (name, object) = match rest.split_once('/') {
            Some((n, o)) => (n, Some(o)),
            None => (rest, None),
        };
        let (index, bucket) = estate
            .buckets
            .iter()
            .enumerate()
            .find(|(_, b)| b.name == name)
            .ok_or_else(|| format!("bucket `{name}` is not in the estate"))?;
        let mut links = vec![Link {
            action: action.to_owned(),
            resource: resource.to_owned(),
            resource_account: bucket.account.clone(),
            policy: bucket.policy,
            target: LinkTarget::Bucket(index),
            given: Vec::new(),
            caller_account: false,
            missing: None,
        }];
        if let (Some(_), Encryption::SseKms { key, bucket_key }) = (object, &bucket.encryption) {
            if let Some(kms_action) = kms_action_for(action) {
                links.push(kms_link(estate, bucket, key, *bucket_key, kms_action, resource));
            }
        }
        return Ok(links);
    }
    let (target, policy, account) = if tenet_ast::eval::scenario::is_kms_key_arn(resource) {
        match estate.keys.iter().enumerate().find(|(_, k)| k.arn == resource) {
            Some((i, key)) => (LinkTarget::Key(i), key.policy, key.account.clone()),
            None => return Err(format!("key `{resource}` is not in the estate")),
        }
    } else if service == "iam" && action.to_ascii_lowercase().starts_with("sts:assumerole") {
        match estate.principals.iter().enumerate().find(|(_, p)| p.arn == resource) {
            Some((i, role)) => (LinkTarget::Role(i), role.trust, arn_account),
            None => return Err(format!("role `{resource}` is not in the estate")),
        }
    } else {
        (LinkTarget::Other, None, arn_account)
    };
    Ok(vec![Link {
        action: action.to_owned(),
        resource: resource.to_owned(),
        resource_account: account,
        policy,
        target,
        given: Vec::new(),
        caller_account: false,
        missing: None,
    }])
}

/// The KMS operation S3 calls for an object operation on an SSE-KMS bucket.
fn kms_action_for(action: &str) -> Option<&'static str> {
    match action.to_ascii_lowercase().as_str() {
        "s3:getobject" | "s3:getobjectversion" | "s3:getobjectattributes" => Some("kms:Decrypt"),
        "s3:putobject" => Some("kms:GenerateDataKey"),
        _ => None,
    }
}

fn kms_link(
    estate: &Estate,
    bucket: &crate::model::Bucket,
    key: &str,
    bucket_key: bool,
    kms_action: &str,
    object: &str,
) -> Link {
    let found = estate
        .keys
        .iter()
        .enumerate()
        .find(|(_, k)| k.arn == key || k.arn.rsplit('/').next() == Some(key));
    let key_arn = found.map_or_else(|| key.to_owned(), |(_, k)| k.arn.clone());
    let region = bucket
        .region
        .clone()
        .or_else(|| found.and_then(|(_, k)| k.region().map(str::to_owned)))
        .unwrap_or_else(|| "us-east-1".to_owned());
    let context = if bucket_key { bucket.arn() } else { object.to_owned() };
    Link {
        action: kms_action.to_owned(),
        resource: key_arn.clone(),
        resource_account: found.map_or_else(
            || key_arn.split(':').nth(4).unwrap_or("").to_owned(),
            |(_, k)| k.account.clone(),
        ),
        policy: found.and_then(|(_, k)| k.policy),
        target: found.map_or(LinkTarget::Other, |(i, _)| LinkTarget::Key(i)),
        given: vec![
            ("kms:ViaService".into(), vec![format!("s3.{region}.amazonaws.com")]),
            ("kms:EncryptionContext:aws:s3:arn".into(), vec![context]),
        ],
        caller_account: true,
        missing: found
            .is_none()
            .then(|| format!("the bucket's key `{key}` is not in the estate: its key policy and grants are unknown")),
    }
}
