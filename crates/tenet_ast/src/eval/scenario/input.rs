//! Which policy problems `tenet simulate` refuses and which it evaluates with a warning.
//!
//! A simulator answers for policies that exist in AWS. A document that AWS refuses to store (IAM
//! answers `MalformedPolicyDocument`, S3 `MalformedPolicy`) is never evaluated by AWS, so `tenet
//! simulate` refuses it and says which rule AWS applies. A document that AWS stores, even one that
//! IAM Access Analyzer reports as an error ("Errors report when a part of the policy is not
//! functional": a malformed `aws:SourceVpce` value, a date that does not parse), is evaluated the way
//! the evaluator reads it, with a warning. [`INPUT_RULES`] is the one table that decides, by
//! diagnostic code; `docs/simulate-input.md` is generated from it.

use crate::{Policy, PrincipalType};
use tenet_diagnostics::Span;

/// What AWS does with a policy document that has the problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AwsTreatment {
    /// AWS refuses to store the document: the simulator refuses it too.
    Rejects,
    /// AWS refuses it when the problem is in a `Principal`/`NotPrincipal` (principals are resolved
    /// when the policy is saved) and stores it elsewhere.
    RejectsInPrincipal,
    /// AWS stores the document: the simulator evaluates it, with a warning.
    Stores,
    /// tenet cannot read the input at all (not a policy, not text).
    Unreadable,
}

impl AwsTreatment {
    fn describe(self) -> &'static str {
        match self {
            AwsTreatment::Rejects => "refused: AWS rejects it",
            AwsTreatment::RejectsInPrincipal => "refused in a principal (AWS rejects it), evaluated elsewhere",
            AwsTreatment::Stores => "evaluated, with a warning",
            AwsTreatment::Unreadable => "refused: not a policy tenet can read",
        }
    }
}

/// One row of the table: a diagnostic code, what AWS does, why, and how the simulator reads it.
#[derive(Clone, Copy, Debug)]
pub struct InputRule {
    /// The diagnostic code (`SYN…` from reading and lowering, `IAM2…` from the catalog checks).
    pub code: &'static str,
    /// What AWS does with it.
    pub aws: AwsTreatment,
    /// The AWS rule or source that says so.
    pub source: &'static str,
    /// How the evaluator reads the construct when it evaluates it.
    pub simulated_as: &'static str,
}

const ARN_IN_PRINCIPAL: &str =
    "IAM User Guide, Principal element: principal ARNs are resolved when the policy is saved \
     (a role ARN becomes its unique id); an ARN that names no principal is refused (\"Invalid principal in policy\")";

/// The problems a policy can have, by code. A code that is an error and is not listed here is refused
/// (a new check must be placed in this table to be evaluated).
pub const INPUT_RULES: &[InputRule] = &[
    rule("SYN001", AwsTreatment::Rejects, "IAM User Guide, IAM JSON policy grammar: a policy is a JSON document (IAM answers \"Syntax errors in policy\")", ""),
    rule("SYN002", AwsTreatment::Unreadable, "an empty file holds no policy", ""),
    rule("SYN003", AwsTreatment::Unreadable, "a policy is JSON text, which is UTF-8", ""),
    rule("SYN004", AwsTreatment::Stores, "not documented: the grammar does not say how a duplicate key is read", "with the last value of the key, as most JSON readers take it"),
    rule("SYN005", AwsTreatment::Rejects, "IAM JSON policy grammar: a policy and a statement hold only the elements the grammar lists (\"Syntax errors in policy\")", ""),
    rule("SYN006", AwsTreatment::Rejects, "IAM JSON policy grammar: each element's value has a fixed JSON shape", ""),
    rule("SYN007", AwsTreatment::Rejects, "IAM User Guide, Version element: the version is `2012-10-17` or `2008-10-17`", ""),
    rule("SYN008", AwsTreatment::Rejects, "IAM JSON policy grammar: `\"Effect\": (\"Allow\" | \"Deny\")`", ""),
    rule("SYN009", AwsTreatment::Rejects, "IAM JSON policy grammar: every statement has an `Effect`", ""),
    rule("SYN010", AwsTreatment::Rejects, "IAM JSON policy grammar: every statement has `Action` or `NotAction`", ""),
    rule("SYN011", AwsTreatment::Rejects, "IAM JSON policy grammar: identity and resource-based statements have `Resource` or `NotResource`", ""),
    rule("SYN012", AwsTreatment::Rejects, "IAM User Guide, Principal element: \"You must use the Principal element in resource-based policies\"", ""),
    rule("SYN013", AwsTreatment::Rejects, "IAM JSON policy grammar: a policy has a `Statement`", ""),
    rule("SYN014", AwsTreatment::Rejects, "IAM User Guide, JSON policy element reference: `Action`/`NotAction`, `Principal`/`NotPrincipal`, `Resource`/`NotResource` are mutually exclusive (\"you cannot create a policy that uses both\")", ""),
    rule("SYN015", AwsTreatment::Rejects, "IAM User Guide, Principal element: \"You cannot use the Principal element in an identity-based policy\" (IAM: \"Has prohibited field Principal\"); a role trust policy has no `Resource` (\"Has prohibited field Resource\"); an SCP names no principal", ""),
    rule("SYN016", AwsTreatment::Rejects, "IAM JSON policy grammar: principal types are `AWS`, `Service`, `Federated` and `CanonicalUser`", ""),
    rule("SYN017", AwsTreatment::Unreadable, "larger than any policy AWS stores (IAM and service quotas on policy size)", ""),
    rule("SYN018", AwsTreatment::Unreadable, "an embedded policy string that cannot be decoded is no policy", ""),
    rule("SYN019", AwsTreatment::Unreadable, "the file holds no policy", ""),
    rule("SYN101", AwsTreatment::Rejects, "IAM refuses a resource that is neither an ARN nor `*` (\"Resource … must be in ARN format or \\\"*\\\"\"); principals likewise", ""),
    rule("SYN102", AwsTreatment::Rejects, "IAM refuses an ARN with missing fields (\"must be in ARN format\")", ""),
    rule("SYN103", AwsTreatment::RejectsInPrincipal, ARN_IN_PRINCIPAL, "as written: a resource in an unknown partition matches no request"),
    rule("SYN104", AwsTreatment::RejectsInPrincipal, ARN_IN_PRINCIPAL, "as written: ARNs compare case-sensitively, so the uppercase service matches no request"),
    rule("SYN105", AwsTreatment::RejectsInPrincipal, ARN_IN_PRINCIPAL, "as written: matches no request of a real service"),
    rule("SYN106", AwsTreatment::RejectsInPrincipal, ARN_IN_PRINCIPAL, "as written: matches no request in a real region"),
    rule("SYN107", AwsTreatment::RejectsInPrincipal, ARN_IN_PRINCIPAL, "as written: matches no request of a real account"),
    rule("SYN110", AwsTreatment::Rejects, "IAM refuses an action without a service prefix (\"Actions/Conditions must be prefaced by a vendor\")", ""),
    rule("SYN111", AwsTreatment::Stores, "not documented as refused; Access Analyzer reports it (\"Invalid action\")", "as written: matches no action"),
    rule("SYN112", AwsTreatment::Stores, "not documented as refused; Access Analyzer reports it (\"Invalid action\")", "as written: matches no action"),
    rule("SYN113", AwsTreatment::Stores, "not documented as refused; Access Analyzer reports it (\"Invalid action\")", "as written: matches no action"),
    rule("SYN120", AwsTreatment::Stores, "not documented as refused; Access Analyzer reports it (\"Missing brace in variable\")", "as literal text"),
    rule("SYN121", AwsTreatment::Stores, "not documented as refused; Access Analyzer reports it (\"Missing quote in variable\")", "as literal text"),
    rule("SYN122", AwsTreatment::Stores, "not documented as refused; Access Analyzer reports it (\"Unsupported space in variable\")", "as literal text"),
    rule("SYN123", AwsTreatment::Stores, "not documented as refused; Access Analyzer reports it (\"Empty variable\")", "as literal text"),
    rule("SYN130", AwsTreatment::Rejects, "IAM refuses a condition operator it does not know (\"Invalid Condition type\")", ""),
    rule("SYN131", AwsTreatment::Stores, "not documented as refused; Access Analyzer reports it (\"Null with if exists\")", "as the operator reads (see the evaluator's condition rules)"),
    rule("SYN140", AwsTreatment::Stores, "Access Analyzer reports it (\"Type mismatch IP range\")", "as matching no address: `IpAddress` is false, `NotIpAddress` true"),
    rule("SYN141", AwsTreatment::Stores, "Access Analyzer reports it (\"Type mismatch IP range\")", "as matching no address: `IpAddress` is false, `NotIpAddress` true"),
    rule("SYN150", AwsTreatment::Stores, "Access Analyzer reports it (\"Invalid date value\", \"Type mismatch date\")", "as matching no date: positive date operators are false, `DateNotEquals` true"),
    rule("SYN160", AwsTreatment::Stores, "Access Analyzer reports it (\"Invalid vpc format\")", "as a string: matches no real VPC id"),
    rule("SYN161", AwsTreatment::Stores, "Access Analyzer reports it (\"Invalid vpce format\")", "as a string: matches no real VPC endpoint id"),
    rule("SYN162", AwsTreatment::Stores, "Access Analyzer reports it as a type mismatch", "as a string: matches no real account id"),
    rule("IAM200", AwsTreatment::Stores, "IAM stores actions of services it does not know (some services, such as S3 for bucket policies, check their own actions)", "as written: matches only a request for that exact action"),
    rule("IAM201", AwsTreatment::Stores, "IAM stores actions its catalog does not list (Access Analyzer: \"Invalid action\"); some services check their own actions", "as written: matches only a request for that exact action"),
    rule("IAM203", AwsTreatment::Stores, "Access Analyzer reports it (\"Invalid global condition key\", \"Invalid service condition key\")", "as written: the key is absent unless the scenario's context gives it"),
];

const fn rule(code: &'static str, aws: AwsTreatment, source: &'static str, simulated_as: &'static str) -> InputRule {
    InputRule {
        code,
        aws,
        source,
        simulated_as,
    }
}

/// The catalog checks the simulator runs for its warnings (unknown services, actions, condition keys).
pub const CATALOG_WARNING_CODES: &[&str] = &["IAM200", "IAM201", "IAM203"];

/// The row for a code, if the table has one.
pub fn input_rule(code: &str) -> Option<&'static InputRule> {
    INPUT_RULES.iter().find(|r| r.code == code)
}

/// Whether the simulator refuses a policy with an error diagnostic `code` at `span` of `policy`:
/// when AWS rejects the construct, when tenet cannot read it, and for any code the table does not
/// list.
pub fn refuses(code: &str, span: Span, policy: &Policy) -> bool {
    match input_rule(code).map(|r| r.aws) {
        Some(AwsTreatment::Stores) => false,
        Some(AwsTreatment::RejectsInPrincipal) => in_principal(policy, span),
        Some(AwsTreatment::Rejects | AwsTreatment::Unreadable) | None => true,
    }
}

/// Whether `span` lies inside an AWS principal entry (an ARN or account id) of `policy`.
pub fn in_principal(policy: &Policy, span: Span) -> bool {
    policy.statements.iter().any(|st| {
        st.value.principal.iter().any(|p| {
            p.value
                .entries()
                .any(|(ty, v)| ty == PrincipalType::Aws && v.span.start <= span.start && span.end <= v.span.end)
        })
    })
}

/// The help line a refused or evaluated diagnostic gets: which rule, and what the simulator did.
pub fn explain(code: &str, refused: bool) -> Option<String> {
    let r = input_rule(code)?;
    Some(if refused {
        format!("nothing was simulated: AWS does not store such a policy ({})", r.source)
    } else {
        format!(
            "AWS stores such a policy, so it is simulated {}; {}",
            r.simulated_as, r.source
        )
    })
}

/// `docs/simulate-input.md`, rendered from [`INPUT_RULES`].
pub fn input_rules_doc() -> String {
    let mut out = String::from(
        "# What `tenet simulate` refuses and what it evaluates\n\n\
         Generated from `crates/tenet_ast/src/eval/scenario/input.rs` (`UPDATE_DOCS=1 cargo test -p tenet_ast \
         simulate_input_doc` rewrites it; the test fails when it is stale).\n\n\
         A simulator answers for policies that exist in AWS. A document AWS refuses to store is refused \
         (exit 2) with the rule AWS applies; a document AWS stores is evaluated, each problem reported \
         as a warning that says how it was read. IAM Access Analyzer's \"errors\" are not refusals: \
         they report \"when a part of the policy is not functional\", and IAM stores such policies. A \
         code that is an error and is not in this table is refused.\n\n\
         Also refused (`SIM004`): identity policies, boundaries or session policies of the account root \
         user (none can be attached to it), and `NotPrincipal` in a role trust policy (\"You cannot use \
         the NotPrincipal element in an IAM role trust policy\").\n\n\
         | code | simulator | AWS | read as |\n|---|---|---|---|\n",
    );
    for r in INPUT_RULES {
        let read_as = if r.simulated_as.is_empty() {
            "—"
        } else {
            r.simulated_as
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.code,
            r.aws.describe(),
            r.source.replace('|', "\\|"),
            read_as
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_refusals_have_no_reading() {
        let mut codes: Vec<&str> = INPUT_RULES.iter().map(|r| r.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), INPUT_RULES.len());
        for r in INPUT_RULES {
            // What is evaluated says how; what is refused says nothing about a reading.
            let evaluated = matches!(r.aws, AwsTreatment::Stores | AwsTreatment::RejectsInPrincipal);
            assert_eq!(evaluated, !r.simulated_as.is_empty(), "{}", r.code);
            assert!(!r.source.is_empty(), "{}", r.code);
        }
        for code in CATALOG_WARNING_CODES {
            assert_eq!(input_rule(code).map(|r| r.aws), Some(AwsTreatment::Stores), "{code}");
        }
    }

    #[test]
    fn unknown_codes_are_refused() {
        let policy = Policy::default();
        assert!(refuses("SYN999", Span::new(0, 1), &policy));
        assert!(refuses("SYN012", Span::new(0, 1), &policy));
        assert!(!refuses("SYN161", Span::new(0, 1), &policy));
        // An ARN problem outside any principal is evaluated.
        assert!(!refuses("SYN107", Span::new(0, 1), &policy));
    }

    #[test]
    fn simulate_input_doc() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/simulate-input.md");
        let want = input_rules_doc();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(&path, &want).unwrap_or_else(|e| unreachable!("cannot write {}: {e}", path.display()));
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "docs/simulate-input.md is stale: run UPDATE_DOCS=1 cargo test -p tenet_ast simulate_input_doc"
        );
    }
}
