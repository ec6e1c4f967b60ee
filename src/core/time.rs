//! Timestamps on the wire: ISO-8601 UTC with `Z`, and SigV4's compact form.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// Seconds since the Unix epoch; the unit all core functions take as `now`.
pub type Epoch = i64;

fn to_datetime(epoch: Epoch) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(epoch).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `2026-01-01T12:00:00Z` — the form SDK parsers accept everywhere.
pub fn iso8601(epoch: Epoch) -> String {
    let fmt = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    to_datetime(epoch).format(&fmt).unwrap_or_default()
}

/// SigV4's `20150830T123600Z`.
pub fn amz_date(epoch: Epoch) -> String {
    let fmt = format_description!("[year][month][day]T[hour][minute][second]Z");
    to_datetime(epoch).format(&fmt).unwrap_or_default()
}

/// Parse SigV4's `YYYYMMDDTHHMMSSZ`.
pub fn parse_amz_date(s: &str) -> Option<Epoch> {
    if s.len() != 16 || !s.ends_with('Z') {
        return None;
    }
    let fmt = format_description!("[year][month][day]T[hour][minute][second]Z");
    PrimitiveDateTime::parse(s, &fmt)
        .ok()
        .map(|dt| dt.assume_utc().unix_timestamp())
}

/// Parse an ISO-8601 / RFC 3339 date-time (with `Z` or an offset), a date-time
/// without offset (taken as UTC) or a bare date. Used by Date condition operators.
pub fn parse_iso8601(s: &str) -> Option<Epoch> {
    if let Ok(dt) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(dt.unix_timestamp());
    }
    let no_offset = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    if let Ok(dt) = PrimitiveDateTime::parse(s, &no_offset) {
        return Some(dt.assume_offset(UtcOffset::UTC).unix_timestamp());
    }
    let date_only = format_description!("[year]-[month]-[day]");
    if let Ok(d) = time::Date::parse(s, &date_only) {
        return Some(d.midnight().assume_utc().unix_timestamp());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        assert_eq!(iso8601(1440938160), "2015-08-30T12:36:00Z");
        assert_eq!(amz_date(1440938160), "20150830T123600Z");
        assert_eq!(parse_amz_date("20150830T123600Z"), Some(1440938160));
        assert_eq!(parse_amz_date("2015-08-30"), None);
        assert_eq!(parse_iso8601("2015-08-30T12:36:00Z"), Some(1440938160));
        assert_eq!(parse_iso8601("2015-08-30T14:36:00+02:00"), Some(1440938160));
        assert_eq!(parse_iso8601("2015-08-30T12:36:00"), Some(1440938160));
        assert_eq!(parse_iso8601("2015-08-30"), Some(1440892800));
        assert_eq!(parse_iso8601("yesterday"), None);
    }
}
