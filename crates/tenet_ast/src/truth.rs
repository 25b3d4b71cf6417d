//! Truth domains: the decision skeleton and the condition operators' rules are written once over
//! [`Truth`], and read with `bool` (the evaluator), Kleene's three-valued `Option<bool>` (open
//! points) or formulas (the prover's encoding, in `tenet_prove`).

/// A truth domain.
pub trait Truth: Clone {
    /// A constant.
    fn lit(value: bool) -> Self;
    /// Every item holds (true when there is none).
    fn all(items: Vec<Self>) -> Self;
    /// Some item holds (false when there is none).
    fn any(items: Vec<Self>) -> Self;
    /// The negation.
    fn negate(self) -> Self;
}

impl Truth for bool {
    fn lit(value: bool) -> Self {
        value
    }
    fn all(items: Vec<Self>) -> Self {
        items.into_iter().all(|b| b)
    }
    fn any(items: Vec<Self>) -> Self {
        items.into_iter().any(|b| b)
    }
    fn negate(self) -> Self {
        !self
    }
}

/// Kleene's three-valued logic: `None` is unknown.
impl Truth for Option<bool> {
    fn lit(value: bool) -> Self {
        Some(value)
    }
    fn all(items: Vec<Self>) -> Self {
        if items.contains(&Some(false)) {
            Some(false)
        } else if items.iter().all(Option::is_some) {
            Some(true)
        } else {
            None
        }
    }
    fn any(items: Vec<Self>) -> Self {
        if items.contains(&Some(true)) {
            Some(true)
        } else if items.iter().all(Option::is_some) {
            Some(false)
        } else {
            None
        }
    }
    fn negate(self) -> Self {
        self.map(|b| !b)
    }
}

#[cfg(test)]
mod tests {
    use super::Truth;

    #[test]
    fn kleene_decides_only_what_every_completion_agrees_on() {
        let u: Option<bool> = None;
        assert_eq!(Truth::all(vec![u, Some(false)]), Some(false));
        assert_eq!(Truth::all(vec![u, Some(true)]), None);
        assert_eq!(Truth::any(vec![u, Some(true)]), Some(true));
        assert_eq!(Truth::any(vec![u, Some(false)]), None);
        assert_eq!(<Option<bool> as Truth>::all(Vec::new()), Some(true));
        assert_eq!(<Option<bool> as Truth>::any(Vec::new()), Some(false));
        assert_eq!(u.negate(), None);
        assert!(!<bool as Truth>::any(Vec::new()));
    }
}
