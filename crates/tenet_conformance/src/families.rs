//! The request families: an AWS service, its actions, how its resource ARNs look, and which policy
//! kinds it supports (resource policy, key policy, trust policy, RCPs).

use crate::rng::Rng;

/// A service and the shape of its requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// S3 objects (`arn:aws:s3:::bucket/key`): bucket policies, no account in the ARN.
    S3Object,
    /// S3 buckets (`s3:ListBucket`).
    S3Bucket,
    /// KMS keys: key policies, grants, root delegation.
    Kms,
    /// SQS queues: queue policies.
    Sqs,
    /// SNS topics: topic policies.
    Sns,
    /// Secrets Manager secrets: resource policies.
    Secrets,
    /// Lambda functions: function policies.
    Lambda,
    /// DynamoDB tables: identity policies only here (multi-valued `dynamodb:LeadingKeys`).
    Dynamo,
    /// `ec2:DescribeInstances`: an action that supports only `"Resource": "*"`.
    Ec2,
    /// `sts:AssumeRole` on a role: trust policies.
    StsAssume,
    /// `sts:GetCallerIdentity`.
    StsCaller,
}

/// Every family with its weight in the corpus.
pub const FAMILIES: &[(Family, u32)] = &[
    (Family::S3Object, 16),
    (Family::S3Bucket, 7),
    (Family::Kms, 22),
    (Family::Sqs, 8),
    (Family::Sns, 6),
    (Family::Secrets, 7),
    (Family::Lambda, 5),
    (Family::Dynamo, 7),
    (Family::Ec2, 5),
    (Family::StsAssume, 12),
    (Family::StsCaller, 2),
];

impl Family {
    /// A short name used in tags.
    pub fn name(self) -> &'static str {
        match self {
            Family::S3Object => "s3-object",
            Family::S3Bucket => "s3-bucket",
            Family::Kms => "kms",
            Family::Sqs => "sqs",
            Family::Sns => "sns",
            Family::Secrets => "secretsmanager",
            Family::Lambda => "lambda",
            Family::Dynamo => "dynamodb",
            Family::Ec2 => "ec2",
            Family::StsAssume => "sts-assume-role",
            Family::StsCaller => "sts-get-caller-identity",
        }
    }

    /// The service prefix.
    pub fn service(self) -> &'static str {
        match self {
            Family::S3Object | Family::S3Bucket => "s3",
            Family::Kms => "kms",
            Family::Sqs => "sqs",
            Family::Sns => "sns",
            Family::Secrets => "secretsmanager",
            Family::Lambda => "lambda",
            Family::Dynamo => "dynamodb",
            Family::Ec2 => "ec2",
            Family::StsAssume | Family::StsCaller => "sts",
        }
    }

    /// The actions a request of this family may make.
    pub fn actions(self) -> &'static [&'static str] {
        match self {
            Family::S3Object => &["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            Family::S3Bucket => &["s3:ListBucket"],
            Family::Kms => &[
                "kms:Decrypt",
                "kms:Encrypt",
                "kms:GenerateDataKey",
                "kms:DescribeKey",
                "kms:CreateGrant",
            ],
            Family::Sqs => &["sqs:SendMessage", "sqs:ReceiveMessage"],
            Family::Sns => &["sns:Publish"],
            Family::Secrets => &["secretsmanager:GetSecretValue"],
            Family::Lambda => &["lambda:InvokeFunction"],
            Family::Dynamo => &["dynamodb:GetItem", "dynamodb:Query"],
            Family::Ec2 => &["ec2:DescribeInstances"],
            Family::StsAssume => &["sts:AssumeRole"],
            Family::StsCaller => &["sts:GetCallerIdentity"],
        }
    }

    /// Other actions of the service, for `Action` lists, wildcards and `NotAction`.
    pub fn wildcards(self) -> &'static [&'static str] {
        match self {
            Family::S3Object | Family::S3Bucket => &["s3:Get*", "s3:*Object", "s3:List*", "s3:Delete*"],
            Family::Kms => &["kms:*crypt*", "kms:Describe*", "kms:Generate*", "kms:Create*"],
            Family::Sqs => &["sqs:Send*", "sqs:*Message", "sqs:Delete*"],
            Family::Sns => &["sns:Pub*", "sns:Subscribe"],
            Family::Secrets => &["secretsmanager:Get*", "secretsmanager:Describe*"],
            Family::Lambda => &["lambda:Invoke*", "lambda:Get*"],
            Family::Dynamo => &["dynamodb:Get*", "dynamodb:Query", "dynamodb:Scan"],
            Family::Ec2 => &["ec2:Describe*", "ec2:RunInstances"],
            Family::StsAssume => &["sts:AssumeRole*", "sts:TagSession"],
            Family::StsCaller => &["sts:Get*", "sts:AssumeRole"],
        }
    }

    /// The resource of a request in `account`.
    pub fn resource(self, rng: &mut Rng, account: &str) -> String {
        match self {
            Family::S3Object => {
                let key = match rng.below(3) {
                    0 => "home/alice/notes.txt",
                    1 => "docs/report.pdf",
                    _ => "home/bob/a.txt",
                };
                format!("arn:aws:s3:::bucket-{}/{key}", bucket_suffix(account))
            }
            Family::S3Bucket => format!("arn:aws:s3:::bucket-{}", bucket_suffix(account)),
            Family::Kms => format!("arn:aws:kms:us-east-1:{account}:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
            Family::Sqs => format!("arn:aws:sqs:us-east-1:{account}:queue-1"),
            Family::Sns => format!("arn:aws:sns:us-east-1:{account}:topic-1"),
            Family::Secrets => format!("arn:aws:secretsmanager:us-east-1:{account}:secret:db-AbCdEf"),
            Family::Lambda => format!("arn:aws:lambda:us-east-1:{account}:function:fn-1"),
            Family::Dynamo => format!("arn:aws:dynamodb:us-east-1:{account}:table/Orders"),
            Family::Ec2 | Family::StsCaller => "*".to_owned(),
            Family::StsAssume => format!("arn:aws:iam::{account}:role/Target"),
        }
    }

    /// Resource patterns a policy may use for the family's resources in `account` (some match the
    /// request's resource, some do not).
    pub fn resource_patterns(self, account: &str) -> Vec<String> {
        let b = bucket_suffix(account);
        match self {
            Family::S3Object => vec![
                format!("arn:aws:s3:::bucket-{b}/*"),
                format!("arn:aws:s3:::bucket-{b}/home/${{aws:username}}/*"),
                format!("arn:aws:s3:::bucket-{b}/docs/*"),
                format!("arn:aws:s3:::bucket-{b}/home/?lice/*"),
                "arn:aws:s3:::*".to_owned(),
            ],
            Family::S3Bucket => vec![
                format!("arn:aws:s3:::bucket-{b}"),
                "arn:aws:s3:::bucket-*".to_owned(),
                format!("arn:aws:s3:::bucket-{b}/*"),
            ],
            Family::Kms => vec![
                format!("arn:aws:kms:us-east-1:{account}:key/*"),
                format!("arn:aws:kms:*:{account}:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
                "arn:aws:kms:us-east-1:999999999999:key/*".to_owned(),
                format!("arn:aws:kms:us-east-1:{account}:alias/*"),
            ],
            Family::Sqs => vec![
                format!("arn:aws:sqs:us-east-1:{account}:queue-1"),
                format!("arn:aws:sqs:*:{account}:queue-*"),
                format!("arn:aws:sqs:us-east-1:{account}:other"),
            ],
            Family::Sns => vec![
                format!("arn:aws:sns:us-east-1:{account}:topic-1"),
                "arn:aws:sns:*:*:topic-?".to_owned(),
            ],
            Family::Secrets => vec![
                format!("arn:aws:secretsmanager:us-east-1:{account}:secret:db-*"),
                format!("arn:aws:secretsmanager:us-east-1:{account}:secret:app-*"),
            ],
            Family::Lambda => vec![
                format!("arn:aws:lambda:us-east-1:{account}:function:fn-1"),
                format!("arn:aws:lambda:us-east-1:{account}:function:*"),
            ],
            Family::Dynamo => vec![
                format!("arn:aws:dynamodb:us-east-1:{account}:table/Orders"),
                format!("arn:aws:dynamodb:*:{account}:table/*"),
                format!("arn:aws:dynamodb:us-east-1:{account}:table/Users"),
            ],
            Family::Ec2 | Family::StsCaller => vec!["*".to_owned()],
            Family::StsAssume => vec![
                format!("arn:aws:iam::{account}:role/Target"),
                format!("arn:aws:iam::{account}:role/*"),
                "arn:aws:iam::*:role/Other".to_owned(),
            ],
        }
    }

    /// Whether the service takes a resource-based policy here.
    pub fn has_resource_policy(self) -> bool {
        !matches!(self, Family::Dynamo | Family::Ec2 | Family::StsCaller)
    }

    /// Whether RCPs apply to the service (AWS Organizations User Guide, RCPs: Amazon S3, AWS STS,
    /// AWS KMS, Amazon SQS, AWS Secrets Manager among others).
    pub fn rcp_supported(self) -> bool {
        matches!(
            self,
            Family::S3Object | Family::S3Bucket | Family::Kms | Family::Sqs | Family::Secrets | Family::StsAssume
        )
    }
}

fn bucket_suffix(account: &str) -> &'static str {
    match account {
        "111111111111" => "a",
        "222222222222" => "b",
        _ => "c",
    }
}
