//! The keys AWS derives from the principal and the resource (`aws:PrincipalAccount`,
//! `kms:CallerAccount`, `aws:ResourceAccount`, …), tied to the symbolic request.

use super::*;
use tenet_ast::eval::{derived_keys, Derived, DerivedFrom};

impl Encoder {
    /// The condition keys AWS derives from the principal, tied to each candidate. Each constraint
    /// is a necessary condition of real requests (it only removes impossible ones): a candidate that
    /// stands for many principals (a fresh user, role, account or service) only gets what all of
    /// them share.
    pub fn derived_keys(&self) -> Formula {
        let mut fs = Vec::new();
        let named: BTreeSet<&str> = self
            .candidates
            .iter()
            .filter(|c| !c.in_fresh_account())
            .filter_map(|c| c.account())
            .collect();
        let account_exact = self.account_keys_compared_exactly();
        for (ci, c) in self.candidates.iter().enumerate() {
            let mut ties = Vec::new();
            let fresh_name = c.stands_for_many();
            let fresh_account = c.in_fresh_account();
            for row in derived_keys(&c.principal) {
                let value = match &row.value {
                    // NOTE: the encoding leaves `kms:CallerAccount` free for callers that are not
                    // IAM principals (the evaluator removes it): that only adds requests.
                    Derived::Absent if row.key == "kms:CallerAccount" => continue,
                    Derived::Absent => {
                        if self.keys.contains_key(&row.key.to_lowercase()) {
                            ties.push(not(self.present(row.key, false)));
                        }
                        continue;
                    }
                    Derived::Value(v) => v,
                };
                match row.from {
                    DerivedFrom::Kind => self.tie_present(&mut ties, row.key, true, value),
                    DerivedFrom::Account => {
                        if fresh_account && !account_exact {
                            let others: Vec<Formula> = named
                                .iter()
                                .filter_map(|a| self.tie_value(row.key, a))
                                .map(not)
                                .collect();
                            ties.push(implies(self.present(row.key, false), and(others)));
                        } else if let Some(v) = self.tie_value(row.key, value) {
                            ties.push(implies(self.present(row.key, false), v));
                        }
                        if !row.kms_only {
                            self.tie_present(&mut ties, row.key, account_exact || !fresh_account, value);
                        } else if self.keys.contains_key(&row.key.to_lowercase()) {
                            ties.push(implies(self.action_pattern_ro("kms:*"), self.present(row.key, false)));
                        }
                    }
                    DerivedFrom::Name if row.key == "aws:PrincipalArn" => {
                        if let Some(tie) = self.principal_arn_tie(&c.principal, fresh_name, fresh_account) {
                            ties.extend(tie);
                        }
                    }
                    DerivedFrom::Name => self.tie_present(&mut ties, row.key, !fresh_name, value),
                }
            }
            if !ties.is_empty() {
                fs.push(implies(self.is_candidate(ci), and(ties)));
            }
        }
        // Keys AWS puts in every request, with a well-formed value of their type.
        for key in tenet_ast::eval::ALWAYS_PRESENT_KEYS {
            let l = key.to_lowercase();
            let Some(k) = self.keys.get(&l) else { continue };
            fs.push(self.present(key, true));
            if k.ty != KeyType::Str && !k.mixed {
                for i in 0..k.slots {
                    fs.push(bool_var(format!("{}.ok", Self::slot(&l, i))));
                }
            }
        }
        and(fs)
    }

    /// `aws:PrincipalArn` of an AWS principal: present, and its value (for a role session, its
    /// role's ARN with any path; for a candidate that stands for many, the prefix they share).
    fn principal_arn_tie(&self, who: &RequestPrincipal, fresh_name: bool, fresh_account: bool) -> Option<Vec<Formula>> {
        let RequestPrincipal::Aws { arn, account, kind } = who else {
            return None;
        };
        let k = self
            .keys
            .get("aws:principalarn")
            .filter(|k| k.ty == KeyType::Str && !k.mixed)?;
        let partition = arn.split(':').nth(1).unwrap_or("aws");
        let exact = !fresh_name && !fresh_account;
        let value = match kind {
            AwsPrincipalKind::AssumedRole { role_name, .. } => {
                // The role's path is not in the session ARN.
                let prefix = format!("arn:{partition}:iam::{account}:role/");
                Some(self.slots_all("aws:principalarn", k, |t| {
                    if fresh_name {
                        str_prefix(&prefix, t)
                    } else {
                        and([
                            str_prefix(&prefix, t.clone()),
                            or([
                                eq(t.clone(), Term::str(format!("{prefix}{role_name}"))),
                                str_suffix(&format!("/{role_name}"), t),
                            ]),
                        ])
                    }
                }))
            }
            _ if exact => self.tie_value("aws:PrincipalArn", arn),
            AwsPrincipalKind::User { .. } if !fresh_account => {
                let prefix = format!("arn:{partition}:iam::{account}:user/");
                Some(self.slots_all("aws:principalarn", k, |t| str_prefix(&prefix, t)))
            }
            AwsPrincipalKind::Role { .. } if !fresh_account => {
                let prefix = format!("arn:{partition}:iam::{account}:role/");
                Some(self.slots_all("aws:principalarn", k, |t| str_prefix(&prefix, t)))
            }
            _ => None,
        };
        let mut ties = vec![self.present("aws:PrincipalArn", false)];
        ties.extend(value);
        Some(ties)
    }

    /// Ties a key to be present with `value` (when `exact`), or only present.
    pub(super) fn tie_present(&self, ties: &mut Vec<Formula>, key: &str, exact: bool, value: &str) {
        if !self.keys.contains_key(&key.to_lowercase()) {
            return;
        }
        ties.push(self.present(key, true));
        if exact {
            if let Some(v) = self.tie_value(key, value) {
                ties.push(v);
            }
        }
    }

    /// Every active value of a (present) key equals `value`; `None` when the key is not modelled
    /// exactly or is not read by any policy.
    pub(super) fn tie_value(&self, key: &str, value: &str) -> Option<Formula> {
        let l = key.to_lowercase();
        let k = self.keys.get(&l)?;
        if k.mixed {
            return None;
        }
        let mut fs = Vec::new();
        for i in 0..k.slots {
            fs.push(implies(
                self.active(&l, k, i),
                fix_slot(&Self::slot(&l, i), k.ty, value, self.num_digits)?,
            ));
        }
        if k.multi {
            fs.push(eq(Term::int_var(format!("k.{l}.n")), Term::Int(1)));
        }
        Some(and(fs))
    }

    pub(super) fn slots_all(&self, l: &str, k: &KeyModel, f: impl Fn(Term) -> Formula) -> Formula {
        and((0..k.slots)
            .map(|i| implies(self.active(l, k, i), f(Term::str_var(Self::slot(l, i)))))
            .collect::<Vec<_>>())
    }

    /// The id of the fresh account (an account nothing names), if a candidate is in it.
    pub fn fresh_account(&self) -> Option<&str> {
        self.candidates
            .iter()
            .find(|c| c.in_fresh_account())
            .and_then(|c| c.account())
    }

    /// Whether every condition reading an account key compares it by exact string equality, so
    /// that the fresh account can stand for its own id.
    pub(super) fn account_keys_compared_exactly(&self) -> bool {
        let fresh = self.fresh_account();
        ["aws:principalaccount", "kms:calleraccount"].iter().all(|k| {
            self.keys.get(*k).is_none_or(|m| {
                !m.mixed
                    && m.ty == KeyType::Str
                    && m.atoms.iter().all(|a| match a {
                        Atom::Null | Atom::Property => true,
                        Atom::Variable => false,
                        Atom::Condition {
                            operator: Some(ConditionOperator::StringEquals | ConditionOperator::StringNotEquals),
                            values,
                        } => values.iter().all(|v| {
                            !v.contains(['*', '?']) && !v.contains("${") && fresh.is_none_or(|f| !v.contains(f))
                        }),
                        Atom::Condition { .. } => false,
                    })
            })
        })
    }
}
