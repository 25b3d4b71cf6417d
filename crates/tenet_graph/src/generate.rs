//! Synthetic estates for benchmarks: `n` accounts in one organization, each with `m` roles, a user
//! in a group, a bucket encrypted with the account's own KMS key (policies in the shapes of real
//! ones: cross-account grants to the next account's roles, `aws:SecureTransport` and region guards,
//! key policies delegating to the root and allowing through S3, grants), and trust chains: role `j`
//! trusts role `j-1` of its account, and role 0 trusts the last role of the previous account, so
//! the chains cross every account and close into a cycle.

use crate::sources::Sources;

/// The id of account `i`.
pub fn account_id(i: usize) -> String {
    format!("{:012}", 100_000_000_000usize + i)
}

/// The key ARN of account `i`.
pub fn key_arn(i: usize) -> String {
    format!(
        "arn:aws:kms:us-east-1:{}:key/00000000-0000-4000-8000-{:012}",
        account_id(i),
        i
    )
}

/// The bucket name of account `i`.
pub fn bucket(i: usize) -> String {
    format!("data-{}", account_id(i))
}

fn role_arn(i: usize, j: usize) -> String {
    format!("arn:aws:iam::{}:role/app-{j}", account_id(i))
}

/// An estate of `n` accounts with `m` roles each (`m` at least 1).
pub fn generate(n: usize, m: usize) -> Sources {
    let m = m.max(1);
    let mut s = Sources::new();
    let mut manifest = String::from(
        "[[organization]]\nid = \"o-benchmark01\"\nmanagement-account = \"999999999990\"\n\
         scps = { \"root\" = [\"org/full.json\"], \"root/workloads\" = [\"org/regions.json\"] }\n\
         rcps = { \"root\" = [\"org/perimeter.json\"] }\n\n",
    );
    s.insert(
        "org/full.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    );
    s.insert(
        "org/regions.json",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Regions","Effect":"Deny","NotAction":["iam:*","sts:*","organizations:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}]}"#,
    );
    s.insert(
        "org/perimeter.json",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Perimeter","Effect":"Deny","Principal":"*","Action":["s3:*","kms:*"],"Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-benchmark01"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}"#,
    );
    s.insert(
        "shared/boundary.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","kms:*","sts:AssumeRole"],"Resource":"*"}]}"#,
    );
    s.insert(
        "shared/developers.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:List*","s3:Get*"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#,
    );
    for i in 0..n {
        let id = account_id(i);
        let prev = (i + n - 1) % n;
        let next = (i + 1) % n;
        let ou = if i % 2 == 0 { "root/workloads" } else { "root/data" };
        manifest.push_str(&format!(
            "[[account]]\nid = \"{id}\"\nname = \"acct-{i}\"\norg = \"o-benchmark01\"\nou = \"{ou}\"\n\n\
             [[account.group]]\nname = \"developers\"\npolicies = [\"shared/developers.json\"]\n\n\
             [[account.user]]\nname = \"dev\"\ngroups = [\"developers\"]\npolicies = [\"{id}/dev.json\"]\n\n"
        ));
        s.insert(
            format!("{id}/dev.json"),
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"{}"}}]}}"#,
                role_arn(i, 0)
            ),
        );
        for j in 0..m {
            let trusted = if j == 0 {
                format!(r#"["{}","arn:aws:iam::{id}:user/dev"]"#, role_arn(prev, m - 1))
            } else {
                format!(r#""{}""#, role_arn(i, j - 1))
            };
            s.insert(
                format!("{id}/app-{j}-trust.json"),
                format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":{trusted}}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"aws:PrincipalOrgID":"o-benchmark01"}}}}}}]}}"#
                ),
            );
            let assume_next = if j + 1 < m {
                role_arn(i, j + 1)
            } else {
                role_arn(next, 0)
            };
            s.insert(
                format!("{id}/app-{j}.json"),
                format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"ReadData","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::{b}","arn:aws:s3:::{b}/*","arn:aws:s3:::{nb}/*"]}},{{"Sid":"Decrypt","Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":["{k}","{nk}"]}},{{"Sid":"Chain","Effect":"Allow","Action":"sts:AssumeRole","Resource":"{assume_next}"}}]}}"#,
                    b = bucket(i),
                    nb = bucket(next),
                    k = key_arn(i),
                    nk = key_arn(next),
                ),
            );
            let boundary = if j % 2 == 1 {
                "boundary = \"shared/boundary.json\"\n"
            } else {
                ""
            };
            manifest.push_str(&format!(
                "[[account.role]]\nname = \"app-{j}\"\npolicies = [\"{id}/app-{j}.json\"]\ntrust = \"{id}/app-{j}-trust.json\"\n{boundary}\n"
            ));
        }
        s.insert(
            format!("{id}/bucket.json"),
            format!(
                r#"{{"Policy":"{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Sid\":\"PreviousAccountApps\",\"Effect\":\"Allow\",\"Principal\":{{\"AWS\":\"arn:aws:iam::{p}:root\"}},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::{b}/*\",\"Condition\":{{\"ArnLike\":{{\"aws:PrincipalArn\":\"arn:aws:iam::{p}:role/app-*\"}}}}}},{{\"Sid\":\"TLS\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::{b}\",\"arn:aws:s3:::{b}/*\"],\"Condition\":{{\"Bool\":{{\"aws:SecureTransport\":\"false\"}}}}}}]}}"}}"#,
                p = account_id(prev),
                b = bucket(i),
            ),
        );
        s.insert(
            format!("{id}/key.json"),
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Root","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{id}:root"}},"Action":"kms:*","Resource":"*"}},{{"Sid":"PreviousAccountViaS3","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{p}:root"}},"Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"*","Condition":{{"StringEquals":{{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}}}}]}}"#,
                p = account_id(prev),
            ),
        );
        s.insert(
            format!("{id}/grants.json"),
            format!(
                r#"{{"Grants":[{{"KeyId":"{k}","GrantId":"g-{i}","GranteePrincipal":"{r}","Operations":["Decrypt"],"Constraints":{{"EncryptionContextSubset":{{"aws:s3:arn":"arn:aws:s3:::{b}/shared/report.csv"}}}}}}]}}"#,
                k = key_arn(i),
                r = role_arn(prev, 0),
                b = bucket(i),
            ),
        );
        manifest.push_str(&format!(
            "[[account.bucket]]\nname = \"{b}\"\nregion = \"us-east-1\"\npolicy = \"{id}/bucket.json\"\nencryption = \"sse-kms\"\nkms-key = \"{k}\"\n\n\
             [[account.key]]\narn = \"{k}\"\npolicy = \"{id}/key.json\"\ngrants = [\"{id}/grants.json\"]\n\n",
            b = bucket(i),
            k = key_arn(i),
        ));
    }
    s.insert("estate.toml", manifest);
    s
}
