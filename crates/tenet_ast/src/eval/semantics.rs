//! The table of IAM evaluation rules tenet implements, how exactly, and where the AWS guides leave
//! a point open. `docs/semantics.md` is generated from it (a test fails when the file is stale), so
//! the documentation says what the code does.
//!
//! Every entry names the module that implements the rule in the evaluator (`tenet_ast::eval`) and,
//! where the prover treats it in a way of its own, how (`tenet_prove`). A rule that changes must
//! change here too: the tests named in `checked_by` exercise it.

/// How tenet treats a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Treatment {
    /// Modelled exactly, in the evaluator and the encoding.
    Exact,
    /// The AWS guides leave the point open: a proof holds under every reading, and a verdict that
    /// depends on the reading is `unknown`.
    OpenReadingIsUnknown,
    /// The prover approximates in the direction named; `holds` stays a proof.
    Approximated(&'static str),
    /// Not modelled: a property that needs it is `unknown` (or the input is refused).
    NotModelled(&'static str),
}

/// One rule.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// The area (`decision`, `principals`, `conditions`, …).
    pub area: &'static str,
    /// The rule, in one sentence.
    pub rule: &'static str,
    /// The AWS documentation that decides it.
    pub source: &'static str,
    /// How tenet treats it.
    pub treatment: Treatment,
    /// Where it is implemented and tested.
    pub checked_by: &'static str,
}

use Treatment::*;

/// Every rule, in the order of the evaluation.
pub const RULES: &[Rule] = &[
    Rule {
        area: "decision",
        rule: "An applicable Deny in any policy in play wins; without an applicable Allow the request is implicitly denied.",
        source: "IAM User Guide, Policy evaluation logic",
        treatment: Exact,
        checked_by: "eval::skeleton (both sides); differential test",
    },
    Rule {
        area: "decision",
        rule: "Within one account the identity side (identity policies capped by boundaries and the session policy) or the resource policy suffices; across accounts both must allow.",
        source: "IAM User Guide, Cross-account policy evaluation logic",
        treatment: Exact,
        checked_by: "eval::skeleton (both sides); differential test",
    },
    Rule {
        area: "decision",
        rule: "A KMS key policy must allow, directly or by naming the account (delegation to its IAM policies); grants only allow, without any IAM policy of the grantee.",
        source: "KMS Developer Guide, Key policies; Grants in AWS KMS",
        treatment: Exact,
        checked_by: "eval::skeleton (grants), eval::decide and prove::decision (grant_covers); soundness/grants.tenet",
    },
    Rule {
        area: "decision",
        rule: "A role trust policy must allow sts:AssumeRole* even for a principal of the role's own account (naming the account delegates to its IAM policies).",
        source: "IAM User Guide, Cross-account policy evaluation logic (role trust policies)",
        treatment: Exact,
        checked_by: "eval::skeleton (both sides); soundness/trust.tenet",
    },
    Rule {
        area: "decision",
        rule: "SCPs: at every organization level some SCP must allow; they govern the principals of member accounts only, never service-linked roles, and not the management account.",
        source: "AWS Organizations User Guide, SCP evaluation",
        treatment: Exact,
        checked_by: "eval::world (organization accounts), eval::skeleton; soundness/scp-needs-organization.tenet",
    },
    Rule {
        area: "decision",
        rule: "RCPs only deny: RCPFullAWSAccess is attached at every level and cannot be detached; they govern resources of member accounts and not service-linked roles.",
        source: "AWS Organizations User Guide, Resource control policies",
        treatment: Exact,
        checked_by: "eval::skeleton (both sides); soundness/rcp.tenet",
    },
    Rule {
        area: "decision",
        rule: "In an estate every member account has its own SCP and RCP levels, from the organization root down its OU path to the account; accounts outside the organization, and its management account, have none.",
        source: "AWS Organizations User Guide, Inheritance for SCPs and RCPs",
        treatment: Exact,
        checked_by: "eval::world (member_levels), eval::skeleton, prove::decision (rcp groups); eval tests world.rs, prove tests estate.rs",
    },
    Rule {
        area: "conditions",
        rule: "aws:SecureTransport, aws:CurrentTime and aws:EpochTime are in every request context, with a well-formed value: a proof never considers a request without them.",
        source: "IAM User Guide, AWS global condition context keys (Availability: always included in the request context)",
        treatment: Exact,
        checked_by: "eval::ALWAYS_PRESENT_KEYS, prove::encode::keys (derived_keys), counterexample::polish keeps them",
    },
    Rule {
        area: "conditions",
        rule: "Keys derived from the principal: an IAM principal has aws:PrincipalArn (a role session: its role's ARN, any path), aws:PrincipalAccount, aws:PrincipalType, aws:PrincipalIsAWSService false, aws:username for IAM users only, kms:CallerAccount on KMS actions, and no aws:PrincipalServiceName; a service principal has aws:PrincipalServiceName and aws:PrincipalIsAWSService true, and no ARN, account, username or kms:CallerAccount. For anonymous callers and identity providers nothing is derived; a principal the prover stands in for many gets only what they share.",
        source: "IAM User Guide, AWS global condition context keys; KMS Developer Guide, kms:CallerAccount",
        treatment: Exact,
        checked_by: "eval::derived_keys (one table): Request::populate_derived_keys, simulate's SIM005 check, prove::encode::keys; differential test",
    },
    Rule {
        area: "decision",
        rule: "sts:GetCallerIdentity needs no permission and an explicit Deny does not stop it.",
        source: "STS API Reference, GetCallerIdentity",
        treatment: Exact,
        checked_by: "eval::skeleton (both sides); soundness/caller-identity.tenet",
    },
    Rule {
        area: "decision",
        rule: "KMS refuses CreateAlias, UpdateAlias and DeleteAlias on aliases under alias/aws/, whatever the policies allow.",
        source: "KMS Developer Guide, Aliases in AWS KMS",
        treatment: Exact,
        checked_by: "eval::is_reserved_alias_change, eval::skeleton",
    },
    Rule {
        area: "decision",
        rule: "KMS refuses unauthenticated requests: an anonymous caller is never allowed a kms: action, whatever a key policy with `Principal: \"*\"` says.",
        source: "KMS Developer Guide, Authentication and access control (every request is signed)",
        treatment: Exact,
        checked_by: "eval::skeleton (both sides)",
    },
    Rule {
        area: "principals",
        rule: "The account root user has full access in its own account (no identity policy), subject to explicit denies, SCPs, the key-policy gate and trust policies; it cannot assume roles.",
        source: "IAM User Guide, AWS account root user; STS AssumeRole",
        treatment: Exact,
        checked_by: "eval::skeleton (both sides); soundness/root.tenet",
    },
    Rule {
        area: "principals",
        rule: "An IAM principal whose identity policies were not given, in an account not declared closed, may have any policy attached (open world): never/only read its identity side as allowing; a can about it is unknown.",
        source: "IAM User Guide, Policy evaluation logic (identity-based policies are the account's to attach)",
        treatment: Approximated("towards allowing: the most permissive identity side, so never/only proofs hold whatever is attached"),
        checked_by: "eval::world, eval::skeleton; soundness/open-world.tenet, closed-world.tenet",
    },
    Rule {
        area: "principals",
        rule: "A resource-policy grant naming a user, a role session or a federated user exactly is not capped by its boundary or session policy; a grant through the role ARN or `*` is.",
        source: "IAM User Guide, Policy evaluation logic (resource-based policies and permissions boundaries)",
        treatment: Exact,
        checked_by: "eval::matching (PrincipalMatch), eval::skeleton",
    },
    Rule {
        area: "principals",
        rule: "NotPrincipal with Allow grants everyone except those listed (a legacy form AWS advises against); with Deny, an IAM principal is spared only when its account is listed too.",
        source: "IAM User Guide, AWS JSON policy elements: NotPrincipal",
        treatment: Exact,
        checked_by: "eval::principal_match::not_principal_excludes",
    },
    Rule {
        area: "open points",
        rule: "NotPrincipal with Allow listing a caller but not its account: the simulator grants the caller (the wider reading).",
        source: "IAM User Guide, NotPrincipal (documents the account rule for Deny only)",
        treatment: OpenReadingIsUnknown,
        checked_by: "eval::OpenPoint::NotPrincipalAllow, eval::skeleton; soundness/not-principal-allow.tenet",
    },
    Rule {
        area: "principals",
        rule: "Service-linked roles are not subject to SCPs or RCPs.",
        source: "AWS Organizations User Guide; IAM User Guide, Service-linked roles",
        treatment: Exact,
        checked_by: "eval::skeleton (both sides)",
    },
    Rule {
        area: "resources",
        rule: "The account that owns a resource is its ARN's account field; S3 ARNs carry none (a property states it with `owned by`), and `aws` names resources AWS owns, which are in no customer account.",
        source: "IAM User Guide, IAM identifiers (ARNs)",
        treatment: Exact,
        checked_by: "eval::arn_account; soundness/aws-owned.tenet",
    },
    Rule {
        area: "resources",
        rule: "ARN wildcards: `*` stays within a segment except when it ends one, `?` matches one character; the simulator reads a `*` inside an S3 object key like any other (it does not match a `:` of the key unless it ends a segment).",
        source: "IAM User Guide, IAM JSON policy elements: Resource",
        treatment: OpenReadingIsUnknown,
        checked_by: "eval::arn_wildcards (ArnReading), prove resources alphabet; whether `?`, a segment-ending `*` of the first five segments, or a `*` inside an S3 key (`arn:aws:s3:::b/*/x` against the key `a:c/x`) matches `:` is open; soundness/s3-key-colon.tenet",
    },
    Rule {
        area: "conditions",
        rule: "Several values of one key are ORed; negated operators hold when no value matches; a missing key makes IfExists and ForAllValues true, ForAnyValue false, negated operators true and others false.",
        source: "IAM User Guide, Condition operators; Single-valued vs. multivalued context keys",
        treatment: Exact,
        checked_by: "eval::condition, prove encode::condition; differential test",
    },
    Rule {
        area: "conditions",
        rule: "A multi-valued key (the catalog's ArrayOf* keys, aws:TagKeys, …) is a set whatever operator reads it; an empty set is present but has no value.",
        source: "IAM User Guide, Single-valued vs. multivalued context keys",
        treatment: Exact,
        checked_by: "eval::condition, prove encode (catalog multivalued keys)",
    },
    Rule {
        area: "conditions",
        rule: "An operator without ForAnyValue:/ForAllValues: on a multi-valued key holding other than one value.",
        source: "IAM User Guide (not specified)",
        treatment: OpenReadingIsUnknown,
        checked_by: "prove encode::reading_dependent; soundness/multivalued.tenet",
    },
    Rule {
        area: "conditions",
        rule: "Numeric operators compare decimals exactly (s3:TlsVersion 1.2 < 1.3).",
        source: "IAM User Guide, Numeric condition operators",
        treatment: Exact,
        checked_by: "eval::parse_decimal, prove encode::number_units; soundness/decimals.tenet",
    },
    Rule {
        area: "conditions",
        rule: "A value that a property gives (`given`, `when`) and that cannot be represented exactly makes the verdict unknown.",
        source: "tenet's soundness rule",
        treatment: NotModelled("numbers with more than 9 fractional digits or beyond 4.6e12"),
        checked_by: "prove property::given_formula; soundness/decimals.tenet",
    },
    Rule {
        area: "conditions",
        rule: "BinaryEquals compares base64-decoded bytes.",
        source: "IAM User Guide, Binary condition operators",
        treatment: Exact,
        checked_by: "eval::condition (base64_decode), prove encode::value_matches (the texts it decodes to the bytes); operators test",
    },
    Rule {
        area: "variables",
        rule: "Policy variables resolve from the request under Version 2012-10-17 and are literal under 2008-10-17; a missing or multi-valued key makes the element match nothing.",
        source: "IAM User Guide, IAM policy elements: Variables and tags",
        treatment: Exact,
        checked_by: "eval::matching::scan, prove encode::resolve",
    },
    Rule {
        area: "open points",
        rule: "A `*` principal in a same-account resource policy against a permissions boundary or a session policy (and a grant to the user who federated a session, against that user's boundary): the simulator caps it like a grant to the role ARN.",
        source: "IAM User Guide, Permissions boundaries (does not cover `*` or federated sessions)",
        treatment: OpenReadingIsUnknown,
        checked_by: "eval::OpenPoint::StarGrant, eval::skeleton; soundness/star-grant.tenet",
    },
    Rule {
        area: "open points",
        rule: "NotPrincipal with Deny naming a principal but not its account: the simulator applies the Deny to that principal too.",
        source: "IAM User Guide, NotPrincipal (says the account must be listed, not what happens when it is not)",
        treatment: OpenReadingIsUnknown,
        checked_by: "eval::OpenPoint::NotPrincipalDeny, eval::skeleton; soundness/not-principal-deny.tenet",
    },
    Rule {
        area: "not modelled",
        rule: "KMS grants given by key id rather than key ARN; grant tokens; retiring principals.",
        source: "KMS Developer Guide, Grants",
        treatment: NotModelled("a bare key id is over-approximated in proofs; retired or revoked grants are absent from list-grants output"),
        checked_by: "prove::decision::grant_covers",
    },
    Rule {
        area: "principals",
        rule: "A federated-user session (GetFederationToken) has the identity policies and boundaries of the IAM user who created it, capped by the session policy passed (none passed: no permission of its own); a resource-policy grant naming that user reaches the session capped by the session policy, one naming the session stands alone. The world names a session after its user: `sts::A:federated-user/NAME` is a session of the owner `iam::A:user/…/NAME`, whose `session` policy is the one passed.",
        source: "IAM User Guide, Permissions for GetFederationToken; Session policies; STS API Reference, GetFederationToken",
        treatment: Exact,
        checked_by: "eval::World::federating_user, eval::principal_match_as, eval::skeleton; soundness/federated.tenet, federated-no-session.tenet",
    },
    Rule {
        area: "open points",
        rule: "A federated-user session whose user the world does not name (no owner `user/NAME` of its account): whether a statement naming an IAM user of its account names it, and in a closed account whose users have policies, its identity side (read as open).",
        source: "IAM User Guide, Permissions for GetFederationToken (the session ARN does not say which user created it)",
        treatment: OpenReadingIsUnknown,
        checked_by: "eval::OpenPoint::UnknownFederator, eval::open_point, eval::skeleton; soundness/federated.tenet",
    },
    Rule {
        area: "open points",
        rule: "A KMS grant whose grantee is the IAM user who created a federated-user session (or, when the world does not name that user, an IAM user of the session's account): the simulator does not extend it to the session.",
        source: "KMS Developer Guide, Grants in AWS KMS; KMS API Reference, CreateGrant (a grantee may be a user or a federated user; nothing on a user's grant reaching its federated sessions)",
        treatment: OpenReadingIsUnknown,
        checked_by: "eval::OpenPoint::FederatorGrant, eval::skeleton; soundness/federated-grant.tenet",
    },
    Rule {
        area: "open points",
        rule: "A NotPrincipal listing the IAM user who created a federated-user session but not the session: the simulator does not spare the session (a Deny applies to it, an Allow grants it).",
        source: "IAM User Guide, NotPrincipal (orders the checks for users, roles and assumed-role sessions; not federated-user sessions)",
        treatment: OpenReadingIsUnknown,
        checked_by: "eval::OpenPoint::NotPrincipalFederator, eval::skeleton; soundness/federated-not-principal.tenet",
    },
];

/// `docs/semantics.md`, from [`RULES`].
pub fn markdown() -> String {
    let mut out = String::from(
        "# IAM semantics in tenet\n\n\
         Generated from `crates/tenet_ast/src/eval/semantics.rs` (`UPDATE_DOCS=1 cargo test -p tenet_ast semantics_doc`\n\
         rewrites it; the test fails when it is stale). Each rule says how the evaluator (`tenet simulate`,\n\
         the re-check of every counterexample) and the prover's encoding treat it.\n\n\
         - **exact**: modelled exactly in both, tested against each other on generated requests;\n\
         - **open → unknown**: the AWS guides leave the point open; `holds` is proved under every reading and a\n\
           verdict that depends on the reading is `unknown`;\n\
         - **approximated**: the direction is given; `holds` stays a proof;\n\
         - **not modelled**: a verdict that needs it is `unknown`.\n\n\
         | area | rule | AWS source | treatment | implemented and checked by |\n|---|---|---|---|---|\n",
    );
    for r in RULES {
        let treatment = match r.treatment {
            Exact => "exact".to_owned(),
            OpenReadingIsUnknown => "open → unknown".to_owned(),
            Approximated(how) => format!("approximated: {how}"),
            NotModelled(what) => format!("not modelled: {what}"),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            r.area, r.rule, r.source, treatment, r.checked_by
        ));
    }
    out.push_str("\nConformance with the peer simulator `@cloud-copilot/iam-simulate` is measured by `scripts/conformance.sh`; its disagreement classes are in `docs/conformance.md`.\n");
    out
}
