//! Whose organization policies are whose: a `.tenet` file gives every member account the same SCP
//! and RCP levels, an estate gives each account its own (by its OU path). Organizations User Guide:
//! SCPs apply to the principals of the accounts under the OUs they are attached to, RCPs to the
//! resources of those accounts.

use super::*;
use crate::eval::{Levels, World};

const IN_A: &str = "arn:aws:iam::111111111111:user/alice";
const IN_B: &str = "arn:aws:iam::222222222222:user/bob";

fn identity_allows_s3() -> Policy {
    policy(vec![allow().action("s3:*").resource("*")])
}

#[test]
fn each_member_account_gets_its_own_scp_levels() {
    let full = policy(vec![allow().action("*").resource("*")]);
    let ec2_only = policy(vec![allow().action("ec2:*").resource("*")]);
    let ident = identity_allows_s3();
    let mut world = World::default();
    world.member_levels.insert(
        "111111111111".into(),
        Levels {
            scps: vec![vec![&full], vec![&full]],
            rcps: Vec::new(),
        },
    );
    world.member_levels.insert(
        "222222222222".into(),
        Levels {
            scps: vec![vec![&full], vec![&ec2_only]],
            rcps: Vec::new(),
        },
    );
    for who in [IN_A, IN_B] {
        world.owned.push(crate::eval::Owned {
            owner: RequestPrincipal::parse(who).expect("arn"),
            identity: vec![&ident],
            boundaries: Vec::new(),
            session: None,
        });
    }
    let in_a = req(IN_A, "s3:GetObject", "arn:aws:s3:::b/k");
    let in_b = req(IN_B, "s3:GetObject", "arn:aws:s3:::b/k");
    let ps_a = world.policy_set_for(&in_a.principal, Some("111111111111"));
    let ps_b = world.policy_set_for(&in_b.principal, Some("222222222222"));
    assert_eq!(decision(&in_a, &ps_a), Decision::Allowed);
    let ev = evaluate(&in_b, &ps_b);
    assert_eq!(ev.decision, Decision::ImplicitlyDenied);
    assert_eq!(ev.gap, Some(Gap::Scp { level: 1 }));
    // An account with no levels of its own and not in `organization` is governed by none.
    let outsider = req(
        "arn:aws:iam::333333333333:user/carol",
        "s3:GetObject",
        "arn:aws:s3:::b/k",
    );
    assert!(world.scps_of("333333333333").is_empty());
    assert!(world.policy_set_for(&outsider.principal, None).scps.is_empty());
}

#[test]
fn rcps_follow_the_resource_account_and_group_by_levels() {
    let deny_outside = policy(vec![deny().principal_star().action("s3:*").resource("*").cond(
        "StringNotEqualsIfExists",
        "aws:PrincipalOrgID",
        &["o-1"],
    )]);
    let other = policy(vec![deny().principal_star().action("kms:*").resource("*")]);
    let mut world = World {
        organization: ["444444444444".to_owned()].into_iter().collect(),
        rcps: vec![vec![&deny_outside]],
        ..World::default()
    };
    for a in ["111111111111", "222222222222"] {
        world.member_levels.insert(
            a.into(),
            Levels {
                scps: Vec::new(),
                rcps: vec![vec![&deny_outside]],
            },
        );
    }
    world.member_levels.insert(
        "333333333333".into(),
        Levels {
            scps: Vec::new(),
            rcps: vec![vec![&other]],
        },
    );
    let who = RequestPrincipal::parse(IN_A).expect("arn");
    assert_eq!(world.policy_set_for(&who, Some("222222222222")).rcps.len(), 1);
    assert!(world.policy_set_for(&who, Some("555555555555")).rcps.is_empty());
    // Same levels, one group: the uniform `organization` account and the two estate accounts.
    let groups = world.rcp_groups();
    assert_eq!(groups.len(), 2);
    let first = groups.iter().find(|(a, _)| a.contains(&"111111111111")).expect("group");
    assert_eq!(first.0, vec!["111111111111", "222222222222", "444444444444"]);
    let second = groups.iter().find(|(a, _)| a.contains(&"333333333333")).expect("group");
    assert_eq!(second.0, vec!["333333333333"]);
    // Every policy once, for alphabets.
    assert_eq!(world.policies().len(), 2);
}
