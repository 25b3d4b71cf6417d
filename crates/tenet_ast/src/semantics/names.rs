//! Small facts about names in policies: what an account id looks like and what counts as a wildcard.

/// Whether `s` holds one of IAM's wildcards, `*` (any run of characters) or `?` (one character).
pub fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// Whether `s` is an AWS account id: exactly 12 ASCII digits.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!(is_account_id("123456789012"));
        for s in [
            "12345678901",
            "1234567890123",
            "12345678901a",
            "",
            "１２３４５６７８９０１２",
        ] {
            assert!(!is_account_id(s), "{s}");
        }
    }

    #[test]
    fn wildcards() {
        assert!(has_wildcard("s3:Get*"));
        assert!(has_wildcard("arn:aws:s3:::bucket-?"));
        assert!(!has_wildcard("arn:aws:s3:::bucket"));
    }
}
