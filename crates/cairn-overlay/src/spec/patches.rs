//! The spec halves of `patch-add` and `patch-remove` (azldev's `AddPatchEntry`,
//! `RemovePatchEntry` and `GetHighestPatchTagNumber` in `internal/rpm/spec/edit.go`).
//!
//! `%prep` is never touched: the patch is applied by `%autosetup`/`%autopatch`, and a
//! removed patch's `%patchN` line stays, as in azldev.

use super::line::LineKind;
use super::visit::{Event, visit};
use super::{Spec, SpecEditError};
use crate::glob::Pattern;

impl Spec {
    /// Registers `file` as a patch: appended to `%patchlist` when the spec has one, otherwise
    /// a `Patch<N+1>: file` tag placed like `spec-add-tag`, N being the highest patch number
    /// in any package.
    pub fn add_patch(&mut self, package: &str, file: &str) -> Result<(), SpecEditError> {
        if self.has_section("%patchlist") {
            return self.append_to_section("%patchlist", "", vec![file.as_bytes().to_vec()]);
        }
        let next = self.highest_patch_number() + 1;
        self.add_tag(package, &format!("Patch{next}"), file, false)
    }

    /// Removes every `PatchN` tag (any package) whose value matches the glob, and every
    /// `%patchlist` line whose trimmed text matches; fails when nothing matched.
    pub fn remove_patch(&mut self, pattern: &str) -> Result<(), SpecEditError> {
        let glob = Pattern::new(pattern).map_err(|reason| SpecEditError::InvalidGlob {
            pattern: pattern.to_owned(),
            reason,
        })?;
        let mut removed = 0;
        visit::<()>(&mut self.lines, |cursor, event| {
            if let Event::Line(LineKind::Tag { name, value }) = event
                && patch_number(name).is_some()
                && glob.matches(value)
            {
                cursor.remove();
                removed += 1;
            }
            Ok(())
        })
        .ok();
        if self.has_section("%patchlist") {
            visit::<()>(&mut self.lines, |cursor, event| {
                if matches!(event, Event::Line(_)) && &*cursor.section.name == "%patchlist" {
                    let text = String::from_utf8_lossy(cursor.text()).trim().to_owned();
                    if !text.is_empty() && glob.matches(&text) {
                        cursor.remove();
                        removed += 1;
                    }
                }
                Ok(())
            })
            .ok();
        }
        if removed == 0 {
            return Err(SpecEditError::NoPatchesMatching {
                pattern: pattern.to_owned(),
            });
        }
        Ok(())
    }

    /// The highest `PatchN` number in any package; bare `Patch:` tags count as 0, 1, 2...
    /// as rpm numbers them; `Patch%{n}` forms are ignored; -1 when there is none.
    pub(crate) fn highest_patch_number(&mut self) -> i64 {
        let mut highest = -1;
        let mut unnumbered = 0;
        visit::<()>(&mut self.lines, |_, event| {
            if let Event::Line(LineKind::Tag { name, .. }) = event {
                match patch_number(name) {
                    Some(number) if number > highest => highest = number,
                    _ if name.eq_ignore_ascii_case("patch") => unnumbered += 1,
                    _ => {}
                }
            }
            Ok(())
        })
        .ok();
        if unnumbered > 0 && unnumbered - 1 > highest {
            unnumbered - 1
        } else {
            highest
        }
    }
}

/// azldev's `ParsePatchTagNumber`: `PatchN` (case-insensitively) with a decimal N (Go's
/// `strconv.Atoi`, so a sign is accepted).
fn patch_number(tag: &str) -> Option<i64> {
    let lower = tag.to_lowercase();
    let suffix = lower.strip_prefix("patch")?;
    if suffix.is_empty() {
        return None;
    }
    suffix.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> Spec {
        Spec::parse(text.as_bytes())
    }

    #[test]
    fn numbering() {
        assert_eq!(
            spec("Patch0: a\nPatch5: b\n%package x\nPatch9: c\n").highest_patch_number(),
            9
        );
        assert_eq!(
            spec("Patch: a\nPatch: b\nPatch: c\n").highest_patch_number(),
            2
        );
        assert_eq!(spec("Patch%{n}: a\n").highest_patch_number(), -1);
        assert_eq!(patch_number("PATCH007"), Some(7));
        assert_eq!(patch_number("Patch"), None);
    }

    #[test]
    fn add_uses_patchlist_or_next_number() {
        let mut tagged = spec("Name: a\nPatch3: x.patch\n\n%description\n");
        tagged.add_patch("", "y.patch").unwrap();
        assert_eq!(
            tagged.to_bytes(),
            b"Name: a\nPatch3: x.patch\n\nPatch4: y.patch\n%description\n"
        );
        let mut listed = spec("Name: a\n%patchlist\nx.patch\n%prep\n");
        listed.add_patch("", "y.patch").unwrap();
        assert_eq!(
            listed.to_bytes(),
            b"Name: a\n%patchlist\nx.patch\ny.patch\n%prep\n"
        );
    }

    #[test]
    fn remove_by_glob_in_tags_and_patchlist() {
        let mut s = spec(
            "Patch0: CVE-1.patch\nPatch1: keep.patch\nPatch: CVE-2.patch\n%patchlist\n  CVE-3.patch\nkeep2.patch\n",
        );
        s.remove_patch("CVE-*.patch").unwrap();
        assert_eq!(
            s.to_bytes(),
            b"Patch1: keep.patch\nPatch: CVE-2.patch\n%patchlist\nkeep2.patch\n"
        );
        let error = s.remove_patch("nothing*").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("no patches matching `nothing*` found in spec")
        );
    }
}
