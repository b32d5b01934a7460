//! One generated changelog entry, formatted as rpmautospec 0.8 does (`changelog.py`
//! `ChangelogEntry.format`):
//!
//! ```text
//! * Wed Jan 01 2025 Name <email> - 1:1.0-3
//! - first item, wrapped at 75 columns with a
//!   two-space continuation indent
//! ```
//!
//! The date is the commit (committer) time in UTC, in the C locale. Without an epoch-version
//! (the spec could not be evaluated at that commit) the ` - EVR` part is left out. An entry
//! that comes from a `changelog` file is that file's text, verbatim.

use std::sync::Arc;

use crate::message::changelog_items;
use crate::wrap::fill;

/// What an entry prints.
#[derive(Debug, Clone)]
pub(crate) enum EntryBody {
    /// Items from the commit message.
    Message(Arc<str>),
    /// `RPMAUTOSPEC: <detail>` (rpmautospec marks merges it cannot follow this way).
    Error(&'static str),
    /// The `changelog` file's text (decoded as UTF-8, invalid bytes replaced).
    Verbatim(Arc<str>),
}

/// A changelog entry before formatting.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub author: String,
    pub commit_time: i64,
    pub epoch_version: Option<String>,
    pub release_complete: String,
    pub body: EntryBody,
}

impl Entry {
    /// The entry's text, without a trailing newline (entries are joined by a blank line).
    pub(crate) fn format(&self, out: &mut String) {
        let items = match &self.body {
            EntryBody::Verbatim(text) => {
                out.push_str(text);
                return;
            }
            EntryBody::Error(detail) => vec![format!("RPMAUTOSPEC: {detail}")],
            EntryBody::Message(message) => changelog_items(message),
        };
        out.push_str("* ");
        out.push_str(&changelog_date(self.commit_time));
        out.push(' ');
        out.push_str(&self.author);
        if let Some(epoch_version) = self.epoch_version.as_deref().filter(|ev| !ev.is_empty()) {
            out.push_str(" - ");
            out.push_str(epoch_version);
            if !self.release_complete.is_empty() {
                out.push('-');
                out.push_str(&self.release_complete);
            }
        }
        for item in items {
            out.push('\n');
            out.push_str(&fill(&format!("- {item}")));
        }
    }
}

/// `strftime("%a %b %d %Y")` of a UTC timestamp in the C locale, e.g. `Wed Jan 01 2025`.
pub(crate) fn changelog_date(time: i64) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let Ok(timestamp) = jiff::Timestamp::from_second(time) else {
        // Outside jiff's range (years beyond ±9999); Python fails on these too.
        return String::from("Thu Jan 01 1970");
    };
    let date = timestamp.to_zoned(jiff::tz::TimeZone::UTC).date();
    let weekday = DAYS[usize::from(date.weekday().to_monday_zero_offset().unsigned_abs())];
    let month = MONTHS[usize::from(date.month().unsigned_abs()) - 1];
    format!("{weekday} {month} {:02} {}", date.day(), date.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_in_the_c_locale() {
        assert_eq!(changelog_date(0), "Thu Jan 01 1970");
        // 2025-01-01T23:30:00-05:00 is already Jan 02 in UTC.
        assert_eq!(changelog_date(1_735_792_200), "Thu Jan 02 2025");
    }

    #[test]
    fn header_and_items() {
        let entry = Entry {
            author: String::from("Jane Doe <jane@example.com>"),
            commit_time: 1_735_689_600,
            epoch_version: Some(String::from("2:1.0")),
            release_complete: String::from("3"),
            body: EntryBody::Message(Arc::from("Update\n\n- one\n- two\n")),
        };
        let mut out = String::new();
        entry.format(&mut out);
        assert_eq!(
            out,
            "* Wed Jan 01 2025 Jane Doe <jane@example.com> - 2:1.0-3\n- Update\n- one\n- two"
        );
    }
}
