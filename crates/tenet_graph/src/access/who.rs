//! `who-can`: every subject, every link.

use rayon::prelude::*;

use super::{decide_link, plan, Analysis, Link, LinkOutcome, Oracle, Subject};

/// The answer for one subject.
#[derive(Clone, Debug)]
pub struct Answer {
    /// Who.
    pub subject: Subject,
    /// The links decided, in order, each made for the subject (decision stops at the first denial).
    pub links: Vec<(Link, LinkOutcome)>,
}

impl Answer {
    /// `allowed` when every link is, `denied` when one is, else `unknown`.
    pub fn verdict(&self) -> &'static str {
        if self.links.iter().any(|(_, o)| matches!(o, LinkOutcome::Denied { .. })) {
            "denied"
        } else if self.links.iter().all(|(_, o)| matches!(o, LinkOutcome::Allowed { .. })) {
            "allowed"
        } else {
            "unknown"
        }
    }

    /// The first link that is denied (or, failing that, unknown), with its index.
    pub fn failing(&self) -> Option<(usize, &Link, &LinkOutcome)> {
        let pick = |want: &str| {
            self.links
                .iter()
                .enumerate()
                .find(|(_, (_, o))| o.as_str() == want)
                .map(|(i, (l, o))| (i, l, o))
        };
        pick("denied").or_else(|| pick("unknown"))
    }
}

/// The result of `who-can`.
#[derive(Clone, Debug)]
pub struct WhoCan {
    /// The links of the request (before they are made for a subject).
    pub links: Vec<Link>,
    /// One answer per subject.
    pub answers: Vec<Answer>,
}

/// Decides, for every subject of the estate (or those whose label contains `only`), whether it can
/// make `action` on `resource`.
pub fn who_can(
    a: &Analysis,
    action: &str,
    resource: &str,
    oracle: Option<&dyn Oracle>,
    only: Option<&str>,
) -> Result<WhoCan, String> {
    let links = plan(a.estate, action, resource)?;
    let subjects: Vec<Subject> = a
        .subjects(&links)
        .into_iter()
        .filter(|s| only.is_none_or(|o| s.label.contains(o)))
        .collect();
    let answers = subjects
        .into_par_iter()
        .map(|subject| {
            let mut done = Vec::new();
            for l in &links {
                let l = l.for_subject(&subject, a.estate);
                let outcome = decide_link(a, &subject, &l, oracle);
                let stop = matches!(outcome, LinkOutcome::Denied { .. });
                done.push((l, outcome));
                if stop {
                    break;
                }
            }
            Answer { subject, links: done }
        })
        .collect();
    Ok(WhoCan { links, answers })
}
