//! What installing and packaging tenet needs from the binary: shell completions, the man page, and a
//! note in `--version` when the embedded IAM catalog has grown old.

use std::io::Write;

use clap::CommandFactory;

/// Days after which `--version` says the embedded catalog is old (AWS adds actions every week).
pub const CATALOG_MAX_AGE_DAYS: i64 = 90;

/// Writes the completion script for `shell` to stdout.
pub fn completions<C: CommandFactory>(shell: clap_complete::Shell) -> std::io::Result<()> {
    let mut command = C::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut command, "tenet", &mut out);
    out.flush()
}

/// Writes the man page (roff) to stdout.
pub fn man_page<C: CommandFactory>() -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    clap_mangen::Man::new(C::command()).render(&mut out)?;
    out.flush()
}

/// A note when the catalog dated `updated_at` (`YYYY-MM-DD…`) is older than
/// [`CATALOG_MAX_AGE_DAYS`] on day `today` (days since 1970-01-01).
pub fn catalog_age_note(updated_at: &str, today: i64) -> Option<String> {
    let day = days_from_date(updated_at.get(..10)?)?;
    let age = today - day;
    (age > CATALOG_MAX_AGE_DAYS).then(|| {
        format!("; the catalog is {age} days old: update tenet, newer AWS actions and condition keys are unknown to it")
    })
}

/// Today, in days since 1970-01-01 (UTC).
pub fn today() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs() / 86_400).unwrap_or(0))
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (the proleptic Gregorian calendar).
fn days_from_date(date: &str) -> Option<i64> {
    let mut parts = date.split('-').map(str::parse::<i64>);
    let (y, m, d) = (parts.next()?.ok()?, parts.next()?.ok()?, parts.next()?.ok()?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_count_days_since_the_epoch() {
        assert_eq!(days_from_date("1970-01-01"), Some(0));
        assert_eq!(days_from_date("2000-03-01"), Some(11_017));
        assert_eq!(days_from_date("2026-10-27"), Some(20_753));
        assert_eq!(days_from_date("2026-13-01"), None);
    }

    #[test]
    fn an_old_catalog_is_noted() {
        let day = days_from_date("2026-10-27").unwrap_or_default();
        assert_eq!(catalog_age_note("2026-10-27T00:00:00Z", day + 90), None);
        let note = catalog_age_note("2026-10-27", day + 91).unwrap_or_default();
        assert!(note.contains("91 days old"), "{note}");
        assert_eq!(catalog_age_note("unknown", day), None);
    }
}
