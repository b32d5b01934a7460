//! Tag edits: `spec-add-tag`, `spec-insert-tag`, `spec-set-tag`, `spec-update-tag`,
//! `spec-remove-tag` (azldev's `AddTag`, `InsertTag`, `SetTag`, `UpdateExistingTag`,
//! `RemoveTag` in `internal/rpm/spec/edit.go`).
//!
//! Tags match case-insensitively within one package qualifier, in any section that holds
//! tags (the preamble for `""`, `%package X` for `X`); the written line is always
//! `Tag: value` with the overlay's spelling and one space.

use super::line::{LineKind, conditional_depth_change};
use super::visit::{Event, visit};
use super::{Spec, SpecEditError, tag_line};

impl Spec {
    /// `spec-add-tag`: appends `Tag: value` at the end of the package's section (after its
    /// trailing blank lines and comments). With `strict`, fails when the tag already exists
    /// (what azldev documents; its code adds a duplicate).
    pub fn add_tag(
        &mut self,
        package: &str,
        tag: &str,
        value: &str,
        strict: bool,
    ) -> Result<(), SpecEditError> {
        if strict && let Some(line) = self.find_tag_line(package, tag) {
            return Err(SpecEditError::TagExists {
                tag: tag.to_owned(),
                package: package.to_owned(),
                line: line + 1,
            });
        }
        let section = if package.is_empty() { "" } else { "%package" };
        self.append_to_section(section, package, vec![tag_line(tag, value)])
    }

    /// `spec-update-tag`: rewrites every `tag` line of the package as `Tag: value`.
    pub fn update_tag(
        &mut self,
        package: &str,
        tag: &str,
        value: &str,
    ) -> Result<(), SpecEditError> {
        let wanted = tag.to_lowercase();
        let mut updated = false;
        visit::<()>(self.lines_mut(), |cursor, event| {
            if let Event::Line(LineKind::Tag { name, .. }) = event
                && &*cursor.section.package == package
                && name.to_lowercase() == wanted
            {
                cursor.replace(tag_line(tag, value));
                updated = true;
            }
            Ok(())
        })
        .ok();
        if updated {
            Ok(())
        } else {
            Err(SpecEditError::NoSuchTag {
                tag: tag.to_owned(),
                package: package.to_owned(),
            })
        }
    }

    /// `spec-set-tag`: update when the tag exists, otherwise add.
    pub fn set_tag(&mut self, package: &str, tag: &str, value: &str) -> Result<(), SpecEditError> {
        match self.update_tag(package, tag, value) {
            Err(SpecEditError::NoSuchTag { .. }) => self.add_tag(package, tag, value, false),
            other => other,
        }
    }

    /// `spec-remove-tag`: removes every `tag` line of the package, or only those whose value
    /// equals `value` (case-insensitively) when it is not empty.
    pub fn remove_tag(
        &mut self,
        package: &str,
        tag: &str,
        value: &str,
    ) -> Result<(), SpecEditError> {
        let wanted = tag.to_lowercase();
        let wanted_value = value.to_lowercase();
        let mut removed = 0;
        visit::<()>(self.lines_mut(), |cursor, event| {
            if let Event::Line(LineKind::Tag { name, value: found }) = event
                && &*cursor.section.package == package
                && name.to_lowercase() == wanted
                && (wanted_value.is_empty() || found.to_lowercase() == wanted_value)
            {
                cursor.remove();
                removed += 1;
            }
            Ok(())
        })
        .ok();
        if removed > 0 {
            Ok(())
        } else {
            Err(SpecEditError::NoSuchTagValue {
                tag: tag.to_owned(),
                value: value.to_owned(),
                package: package.to_owned(),
            })
        }
    }

    /// `spec-insert-tag`: puts `Tag: value` after the last tag of the same family
    /// (`Source9999` after the last `Source*`), else after the last tag, else like
    /// `spec-add-tag`; an insertion point inside `%if` moves past the `%endif` that closes it
    /// when that `%endif` is still in the section.
    pub fn insert_tag(
        &mut self,
        package: &str,
        tag: &str,
        value: &str,
    ) -> Result<(), SpecEditError> {
        let family = tag_family(tag);
        let section = if package.is_empty() { "" } else { "%package" };
        let mut found = false;
        let mut section_end = self.lines.len();
        let (mut last_family, mut last_any) = (None, None);
        visit::<()>(&mut self.lines, |cursor, event| {
            let here = cursor.section.is(section, package);
            match event {
                Event::SectionStart if here => found = true,
                Event::SectionEnd if here => section_end = cursor.line,
                Event::Line(LineKind::Tag { name, .. }) if here => {
                    last_any = Some(cursor.line);
                    if tag_family(name) == family {
                        last_family = Some(cursor.line);
                    }
                }
                _ => {}
            }
            Ok(())
        })
        .ok();
        if !found {
            return Err(SpecEditError::SectionNotFound {
                section: section.to_owned(),
                package: package.to_owned(),
            });
        }
        let Some(after) = last_family.or(last_any) else {
            return self.add_tag(package, tag, value, false);
        };
        let after = self.skip_past_conditional(after, section_end);
        self.lines.insert(after + 1, tag_line(tag, value));
        Ok(())
    }

    /// azldev's `skipPastConditional`: nesting depth from the top of the file to `line`; when
    /// inside a conditional, the `%endif` that closes it, if it comes before `section_end`.
    fn skip_past_conditional(&self, line: usize, section_end: usize) -> usize {
        let mut depth: i64 = self
            .lines
            .iter()
            .take(line + 1)
            .map(|text| conditional_depth_change(text))
            .sum();
        if depth <= 0 {
            return line;
        }
        for index in line + 1..section_end.min(self.lines.len()) {
            depth += conditional_depth_change(&self.lines[index]);
            if depth <= 0 {
                return index;
            }
        }
        line
    }

    /// The first line holding `tag` in `package`, for the strict add-tag check.
    fn find_tag_line(&mut self, package: &str, tag: &str) -> Option<usize> {
        let wanted = tag.to_lowercase();
        let mut found = None;
        visit::<()>(&mut self.lines, |cursor, event| {
            if let Event::Line(LineKind::Tag { name, .. }) = event
                && found.is_none()
                && &*cursor.section.package == package
                && name.to_lowercase() == wanted
            {
                found = Some(cursor.line);
            }
            Ok(())
        })
        .ok();
        found
    }
}

/// azldev's `tagFamily`: lower-cased, trailing digits stripped (unless that leaves nothing).
pub(crate) fn tag_family(tag: &str) -> String {
    let lower = tag.to_lowercase();
    let stripped = lower.trim_end_matches(|c: char| c.is_ascii_digit());
    if stripped.is_empty() {
        lower
    } else {
        stripped.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> Spec {
        Spec::parse(text.as_bytes())
    }

    fn text(spec: &Spec) -> String {
        String::from_utf8(spec.to_bytes()).unwrap()
    }

    #[test]
    fn families() {
        assert_eq!(tag_family("Source9999"), "source");
        assert_eq!(tag_family("Requires(post)"), "requires(post)");
        assert_eq!(tag_family("123"), "123");
    }

    #[test]
    fn add_tag_appends_after_trailing_blank_lines() {
        let mut s = spec("Name: a\nVersion: 1\n\n%description\nx\n");
        s.add_tag("", "Vendor", "Me", false).unwrap();
        assert_eq!(
            text(&s),
            "Name: a\nVersion: 1\n\nVendor: Me\n%description\nx\n"
        );
    }

    #[test]
    fn add_tag_duplicates_unless_strict() {
        let mut s = spec("Name: a\nVendor: X\n");
        s.add_tag("", "vendor", "Y", false).unwrap();
        assert_eq!(text(&s), "Name: a\nVendor: X\nvendor: Y\n");
        let error = s.add_tag("", "Vendor", "Z", true).unwrap_err();
        assert_eq!(
            error.to_string(),
            "tag `Vendor` already exists in spec (package=``) at line 2; use spec-set-tag to change it"
        );
    }

    #[test]
    fn add_tag_to_missing_subpackage_fails() {
        let mut s = spec("Name: a\n");
        let error = s.add_tag("devel", "Requires", "b", false).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("section `%package` (package=`devel`) not found")
        );
    }

    #[test]
    fn update_rewrites_every_instance_and_drops_alignment() {
        let mut s =
            spec("Release:\t3%{?dist}\n%if 0\nrelease: 4\n%endif\n%package devel\nRelease: 9\n");
        s.update_tag("", "Release", "5%{?dist}").unwrap();
        assert_eq!(
            text(&s),
            "Release: 5%{?dist}\n%if 0\nRelease: 5%{?dist}\n%endif\n%package devel\nRelease: 9\n"
        );
        let error = s.update_tag("", "Epoch", "1").unwrap_err();
        assert_eq!(
            error.to_string(),
            "tag `Epoch` not found in spec (package=``): no such tag"
        );
    }

    #[test]
    fn set_tag_adds_when_missing() {
        let mut s = spec("Name: a\n%build\n");
        s.set_tag("", "Epoch", "1").unwrap();
        s.set_tag("", "name", "b").unwrap();
        assert_eq!(text(&s), "name: b\nEpoch: 1\n%build\n");
    }

    #[test]
    fn remove_tag_by_value_is_case_insensitive_and_whole() {
        let mut s = spec("BuildRequires: gcc\nBuildRequires: GCC-c++\nbuildrequires: make, gcc\n");
        s.remove_tag("", "BuildRequires", "gcc-C++").unwrap();
        assert_eq!(text(&s), "BuildRequires: gcc\nbuildrequires: make, gcc\n");
        let error = s.remove_tag("", "BuildRequires", "make").unwrap_err();
        assert!(error.to_string().contains("with value `make` not found"));
        s.remove_tag("", "buildRequires", "").unwrap();
        assert_eq!(text(&s), "");
    }

    #[test]
    fn insert_tag_after_family_and_past_conditionals() {
        let mut s = spec("Source0: a\n%if 1\nSource1: b\n%endif\nPatch0: p\n\n%description\n");
        s.insert_tag("", "Source9999", "m").unwrap();
        assert_eq!(
            text(&s),
            "Source0: a\n%if 1\nSource1: b\n%endif\nSource9999: m\nPatch0: p\n\n%description\n"
        );
        let mut none = spec("%global x 1\n\n%description\n");
        none.insert_tag("", "Vendor", "v").unwrap();
        assert_eq!(text(&none), "%global x 1\n\nVendor: v\n%description\n");
    }
}
