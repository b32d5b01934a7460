//! Commit messages to changelog items, and the `[skip changelog]` / `[bump release: N]` magic
//! comments, following rpmautospec 0.8 (`changelog.py` `commitlog_to_changelog_items`,
//! `magic_comments.py`).
//!
//! Items: the subject (its lines joined by spaces, a leading `-` dropped) is the first item.
//! After the blank line, the body is read only if it starts with a `-` bullet or an ellipsis
//! (`...` or `…`, which continues the subject); each `-` line starts a new item and following
//! lines continue it, up to the first blank line. `%` is doubled so rpm prints it literally.

use crate::wrap::{is_python_space, python_strip};

/// What the magic comments of a commit message ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct MagicComments {
    /// `[skip changelog]`: no changelog entry for this commit.
    pub skip_changelog: bool,
    /// `[bump release: N]`: the release number is at least N (the largest N if repeated).
    pub bump_release: u64,
}

/// Reads the magic comments: lines that are `[...]` (surrounding whitespace allowed), holding
/// comma-separated `skip changelog` and `bump release[:] N` parts.
pub(crate) fn magic_comments(message: &str) -> MagicComments {
    let mut result = MagicComments::default();
    for line in message.split('\n') {
        let trimmed = line.trim_matches(is_python_space);
        let Some(inner) = trimmed
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
        else {
            continue;
        };
        for part in inner.split(',') {
            if starts_with_words(part, "skip", "changelog").is_some() {
                result.skip_changelog = true;
            }
            if let Some(value) = bump_release_value(part) {
                result.bump_release = result.bump_release.max(value);
            }
        }
    }
    result
}

/// `\s*first\s+second` at the start of `part` (a prefix match, as `re.match` does); returns the
/// rest.
fn starts_with_words<'a>(part: &'a str, first: &str, second: &str) -> Option<&'a str> {
    let rest = part
        .trim_start_matches(is_python_space)
        .strip_prefix(first)?;
    let after_space = rest.trim_start_matches(is_python_space);
    if after_space.len() == rest.len() {
        return None;
    }
    after_space.strip_prefix(second)
}

/// `\s*bump\s+release\s*(?::\s*)?(\d+)` at the start of `part`.
fn bump_release_value(part: &str) -> Option<u64> {
    let rest = starts_with_words(part, "bump", "release")?.trim_start_matches(is_python_space);
    let rest = match rest.strip_prefix(':') {
        Some(after) => after.trim_start_matches(is_python_space),
        None => rest,
    };
    let digits: &str = &rest[..rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len())];
    if digits.is_empty() {
        return None;
    }
    // Python's int() has no limit; a number past u64 is treated as the largest one.
    Some(digits.parse().unwrap_or(u64::MAX))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    BeforeSubject,
    Subject,
    BeforeBody,
    InContinuation,
    Body,
}

/// The changelog items of a commit message (never empty: an empty message gives one empty item).
pub(crate) fn changelog_items(message: &str) -> Vec<String> {
    let mut items: Vec<Vec<String>> = vec![Vec::new()];
    let mut state = State::BeforeSubject;
    for raw in message.split('\n') {
        let escaped = raw.replace('%', "%%");
        let mut line: &str = python_strip(&escaped);
        if state == State::BeforeSubject {
            if line.is_empty() {
                continue;
            }
            state = State::Subject;
            if let Some(rest) = line.strip_prefix('-') {
                line = rest.trim_start_matches(is_python_space);
            }
        }
        if state == State::Subject {
            if !line.is_empty() {
                items[0].push(line.to_owned());
                continue;
            }
            state = State::BeforeBody;
        }
        if state == State::BeforeBody {
            if line.is_empty() {
                continue;
            }
            if let Some(rest) = strip_ellipsis(line) {
                state = State::InContinuation;
                items[0].push(rest.to_owned());
                continue;
            }
            if !line.starts_with('-') {
                break;
            }
            state = State::Body;
        }
        if state == State::InContinuation {
            if line.is_empty() || line.starts_with('-') {
                state = State::Body;
            } else {
                items[0].push(line.to_owned());
                continue;
            }
        }
        if line.is_empty() {
            break;
        }
        if let Some(rest) = line.strip_prefix('-') {
            line = rest.trim_start_matches(is_python_space);
            items.push(Vec::new());
        }
        items.last_mut().expect("never empty").push(line.to_owned());
    }
    items.into_iter().map(|lines| lines.join(" ")).collect()
}

/// `^(\.{3,}|…+)\s*(.*)$`: the rest of a line that starts with an ellipsis.
fn strip_ellipsis(line: &str) -> Option<&str> {
    let dots = line.len() - line.trim_start_matches('.').len();
    let rest = if dots >= 3 {
        &line[dots..]
    } else {
        let after = line.trim_start_matches('…');
        if after.len() == line.len() {
            return None;
        }
        after
    };
    Some(rest.trim_start_matches(is_python_space))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_and_bullets() {
        let message =
            "Update to 2.0\n\n- fix the build\n  on arm\n- drop patch\n\nSigned-off-by: x\n";
        assert_eq!(
            changelog_items(message),
            ["Update to 2.0", "fix the build on arm", "drop patch"]
        );
    }

    #[test]
    fn prose_bodies_are_ignored_and_percent_is_doubled() {
        assert_eq!(
            changelog_items("Use %{name}\n\nThis explains why.\n"),
            ["Use %%{name}"]
        );
    }

    #[test]
    fn ellipsis_continues_the_subject() {
        assert_eq!(
            changelog_items("Fix the\n\n... long subject\n- item"),
            ["Fix the long subject", "item"]
        );
    }

    #[test]
    fn magic_comments_are_found_anywhere() {
        let magic =
            magic_comments("Rebuild\n\n[skip changelog]\n [bump release: 7, bump release 12 ]\n");
        assert_eq!(
            magic,
            MagicComments {
                skip_changelog: true,
                bump_release: 12
            }
        );
        assert_eq!(magic_comments("[bumprelease: 3]").bump_release, 0);
        assert!(!magic_comments("[skipchangelog]").skip_changelog);
    }
}
