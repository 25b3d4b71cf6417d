//! Generated hostile inputs for the prover's bounds: bucket policies of many wildcard statements,
//! shared by the benchmark (`examples/prove_bench.rs`) and the tests of the budget.

/// One statement of a generated policy, by its number.
type Shape = fn(usize) -> serde_json::Value;

/// Bucket policies of `n` statements each, by name, whose patterns put wildcards in different
/// places: per-account prefixes, stars inside the bucket name, stars inside the action, and `?`
/// with inner stars. Each is deterministic JSON text.
pub fn wildcard_bucket_policies(n: usize) -> Vec<(String, String)> {
    let shapes: [(&str, Shape); 4] = [
        ("prefixes", |i| {
            serde_json::json!({
                "Sid": format!("Prefix{i}"),
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{}:root", 100_000_000_000_u64 + i as u64)},
                "Action": ["s3:Get*", "s3:List*"],
                "Resource": [format!("arn:aws:s3:::bucket-{i}*"), format!("arn:aws:s3:::bucket-{i}*/*")],
            })
        }),
        ("inner-stars", |i| {
            serde_json::json!({
                "Sid": format!("Inner{i}"),
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": format!("arn:aws:s3:::*-{i}-*/*"),
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-exampleorg"}},
            })
        }),
        ("action-stars", |i| {
            serde_json::json!({
                "Sid": format!("Action{i}"),
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{}:root", 100_000_000_000_u64 + i as u64)},
                "Action": format!("s3:*{i}*"),
                "Resource": format!("arn:aws:s3:::bucket*{i}*/*"),
            })
        }),
        ("question-marks", |i| {
            serde_json::json!({
                "Sid": format!("Question{i}"),
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
                "Action": "s3:*",
                "Resource": format!("arn:aws:s3:::b?c*{i}/*x*"),
            })
        }),
    ];
    shapes
        .iter()
        .map(|(name, statement)| {
            let policy = serde_json::json!({
                "Version": "2012-10-17",
                "Statement": (0..n).map(statement).collect::<Vec<_>>(),
            });
            (format!("wildcards-{name}"), format!("{policy:#}\n"))
        })
        .collect()
}
