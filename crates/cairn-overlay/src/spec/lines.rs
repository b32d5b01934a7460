//! Line edits: `spec-prepend-lines`, `spec-append-lines`, `spec-search-replace`
//! (azldev's `PrependLines`/`PrependLinesToSection`, `AppendLines`/`AppendLinesToSection`,
//! `SearchAndReplace` in `internal/rpm/spec/edit.go`).

use regex::bytes::{NoExpand, Regex};

use super::visit::{Event, visit};
use super::{Spec, SpecEditError};

impl Spec {
    /// `spec-prepend-lines` without a section: inserts at the top of the file.
    pub fn prepend_lines(&mut self, lines: Vec<Vec<u8>>) {
        self.lines.splice(0..0, lines);
    }

    /// `spec-append-lines` without a section: appends at the end of the file.
    pub fn append_lines(&mut self, lines: Vec<Vec<u8>>) {
        self.lines.extend(lines);
    }

    /// `spec-prepend-lines` with a section: inserts right after the header of every section
    /// named `section` with qualifier `package` (before line 0 for the preamble).
    pub fn prepend_to_section(
        &mut self,
        section: &str,
        package: &str,
        lines: Vec<Vec<u8>>,
    ) -> Result<(), SpecEditError> {
        let mut updated = false;
        visit::<()>(&mut self.lines, |cursor, event| {
            if *event == Event::SectionStart && cursor.section.is(section, package) {
                if section.is_empty() && package.is_empty() {
                    cursor.insert_before(lines.clone());
                } else {
                    cursor.insert_after(lines.clone());
                }
                updated = true;
            }
            Ok(())
        })
        .ok();
        if updated {
            Ok(())
        } else {
            Err(not_found(section, package))
        }
    }

    /// `spec-append-lines` with a section: inserts just before the next header after every
    /// section named `section` with qualifier `package` (after its trailing blank lines).
    pub fn append_to_section(
        &mut self,
        section: &str,
        package: &str,
        lines: Vec<Vec<u8>>,
    ) -> Result<(), SpecEditError> {
        let mut updated = false;
        visit::<()>(&mut self.lines, |cursor, event| {
            if *event == Event::SectionEnd && cursor.section.is(section, package) {
                cursor.insert_before(lines.clone());
                updated = true;
            }
            Ok(())
        })
        .ok();
        if updated {
            Ok(())
        } else {
            Err(not_found(section, package))
        }
    }

    /// `spec-search-replace`: replaces every match of `regex` with the literal `replacement`,
    /// one physical line at a time, never on header lines. `section` and `package` filter
    /// when not empty (so a section without a package edits that section in every package,
    /// as azldev does); `main_package_only` makes an empty `package` mean the main package
    /// when a section is given. Fails when no line changed.
    pub fn search_replace(
        &mut self,
        section: &str,
        package: &str,
        regex: &str,
        replacement: &str,
        main_package_only: bool,
    ) -> Result<(), SpecEditError> {
        let compiled = compile(regex)?;
        let filter_package = !package.is_empty() || (main_package_only && !section.is_empty());
        let mut updated = false;
        visit::<()>(&mut self.lines, |cursor, event| {
            if !matches!(event, Event::Line(_)) {
                return Ok(());
            }
            if (!section.is_empty() && &*cursor.section.name != section)
                || (filter_package && &*cursor.section.package != package)
            {
                return Ok(());
            }
            let changed = {
                let line = cursor.text();
                // A borrowed result means no match; an owned one may still equal the line.
                match compiled.replace_all(line, NoExpand(replacement.as_bytes())) {
                    std::borrow::Cow::Owned(replaced) if replaced != line => Some(replaced),
                    _ => None,
                }
            };
            if let Some(changed) = changed {
                cursor.replace(changed);
                updated = true;
            }
            Ok(())
        })
        .ok();
        if updated {
            Ok(())
        } else {
            Err(SpecEditError::PatternNotFound {
                regex: regex.to_owned(),
                section: section.to_owned(),
                package: package.to_owned(),
            })
        }
    }
}

/// Compiles an overlay regex with Go RE2 semantics (see [`crate::regex::compile`]).
fn compile(regex: &str) -> Result<Regex, SpecEditError> {
    crate::regex::compile(regex).map_err(|source| SpecEditError::InvalidRegex {
        regex: regex.to_owned(),
        source: Box::new(source),
    })
}

fn not_found(section: &str, package: &str) -> SpecEditError {
    SpecEditError::SectionNotFound {
        section: section.to_owned(),
        package: package.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(
        input: &str,
        edit: impl FnOnce(&mut Spec) -> Result<(), SpecEditError>,
    ) -> Result<String, SpecEditError> {
        let mut spec = Spec::parse(input.as_bytes());
        edit(&mut spec)?;
        Ok(String::from_utf8(spec.to_bytes()).unwrap())
    }

    fn lines(items: &[&str]) -> Vec<Vec<u8>> {
        items.iter().map(|item| item.as_bytes().to_vec()).collect()
    }

    #[test]
    fn append_lands_before_the_next_header_in_every_matching_section() {
        let input = "%files\na\n\n%if 0\n%files\nb\n%endif\n%changelog\n";
        let output = run(input, |s| s.append_to_section("%files", "", lines(&["x"]))).unwrap();
        assert_eq!(
            output,
            "%files\na\n\n%if 0\nx\n%files\nb\n%endif\nx\n%changelog\n"
        );
    }

    #[test]
    fn prepend_goes_after_the_header() {
        let output = run("Name: a\n%check\nmake check\n", |s| {
            s.prepend_to_section("%check", "", lines(&["exit 0"]))
        })
        .unwrap();
        assert_eq!(output, "Name: a\n%check\nexit 0\nmake check\n");
        let error = run("Name: a\n", |s| {
            s.prepend_to_section("%check", "", lines(&["x"]))
        })
        .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("section `%check` (package=``) not found")
        );
    }

    #[test]
    fn search_replace_skips_headers_and_is_literal() {
        let input = "%files devel\n/usr/lib/devel\n%files\n/usr/lib/main\n";
        let output = run(input, |s| {
            s.search_replace("%files", "", "lib/(\\w+)", "$1", false)
        })
        .unwrap();
        assert_eq!(output, "%files devel\n/usr/$1\n%files\n/usr/$1\n");
        let main_only = run(input, |s| {
            s.search_replace("%files", "", "lib", "LIB", true)
        })
        .unwrap();
        assert_eq!(
            main_only,
            "%files devel\n/usr/lib/devel\n%files\n/usr/LIB/main\n"
        );
        let error = run(input, |s| s.search_replace("", "", "^%files", "x", false)).unwrap_err();
        assert!(error.to_string().contains("pattern `^%files` not found"));
        let same = run(input, |s| s.search_replace("", "", "lib", "lib", false)).unwrap_err();
        assert!(matches!(same, SpecEditError::PatternNotFound { .. }));
    }

    #[test]
    fn search_replace_uses_go_perl_classes() {
        let output = run("a\u{a0}b 1\u{663}\n", |s| {
            s.search_replace("", "", "\\s|\\d", "_", false)
        })
        .unwrap();
        assert_eq!(output, "a\u{a0}b__\u{663}\n");
    }
}
