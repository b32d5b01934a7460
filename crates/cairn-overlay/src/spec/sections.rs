//! Section removal: `spec-remove-section` and `spec-remove-subpackage` (azldev's
//! `RemoveSection`, `RemoveSubpackage`, `collectSectionRanges` and `balanceRange` in
//! `internal/rpm/spec/edit.go`).
//!
//! A section runs from its header to the next header. Before removing, each range is
//! balanced against the file's `%if`/`%endif` pairs: a pair with exactly one end inside the
//! range keeps that end (the range is cut back to the earliest such line), which leaves an
//! empty `%if`...`%endif` where a wrapped sub-package was and keeps a `%if` that opens the
//! next section. Real content between a kept line and the range end, or an `%else`/`%elif`
//! of a conditional that continues outside, is an error rather than a silent mangling.

use super::line::{conditional_depth_change, is_blank_or_comment, is_branch_directive};
use super::visit::{Event, visit};
use super::{Spec, SpecEditError};

/// A half-open range of line indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Range {
    start: usize,
    end: usize,
}

/// A matched `%if`/`%endif` pair (0-based lines).
#[derive(Debug, Clone, Copy)]
struct Pair {
    open: usize,
    close: usize,
}

impl Spec {
    /// `spec-remove-section`: removes every section named `section` with qualifier `package`
    /// (duplicates in `%if`/`%else` branches included); `balanced` trims each range to keep
    /// conditionals paired (see the module documentation).
    pub fn remove_section(
        &mut self,
        section: &str,
        package: &str,
        balanced: bool,
    ) -> Result<(), SpecEditError> {
        if section.is_empty() {
            return Err(SpecEditError::RemovePreamble);
        }
        let ranges = self.section_ranges(
            |name, qualifier| name == section && qualifier == package,
            balanced,
        )?;
        if ranges.is_empty() {
            return Err(SpecEditError::SectionNotFound {
                section: section.to_owned(),
                package: package.to_owned(),
            });
        }
        self.remove_ranges(&ranges);
        Ok(())
    }

    /// `spec-remove-subpackage`: removes every section whose qualifier is `package`
    /// (`%package`, `%description`, `%files`, scriptlets, triggers...).
    pub fn remove_subpackage(&mut self, package: &str) -> Result<(), SpecEditError> {
        if package.is_empty() {
            return Err(SpecEditError::EmptySubpackage);
        }
        let ranges = self.section_ranges(|_, qualifier| qualifier == package, true)?;
        if ranges.is_empty() {
            return Err(SpecEditError::SubpackageNotFound {
                package: package.to_owned(),
            });
        }
        self.remove_ranges(&ranges);
        Ok(())
    }

    /// The balanced ranges of every section that `wanted(name, package)` selects, in order.
    fn section_ranges(
        &mut self,
        wanted: impl Fn(&str, &str) -> bool,
        balanced: bool,
    ) -> Result<Vec<Range>, SpecEditError> {
        let mut ranges = Vec::new();
        let mut start = None;
        visit::<()>(&mut self.lines, |cursor, event| {
            let selected = wanted(&cursor.section.name, &cursor.section.package);
            match event {
                Event::SectionStart if selected => start = Some(cursor.line),
                Event::SectionEnd if selected => {
                    if let Some(begin) = start.take() {
                        ranges.push(Range {
                            start: begin,
                            end: cursor.line,
                        });
                    }
                }
                _ => {}
            }
            Ok(())
        })
        .ok();
        if ranges.is_empty() || !balanced {
            return Ok(ranges);
        }
        let pairs = conditional_pairs(&self.lines)?;
        ranges
            .iter()
            .map(|range| balance(*range, &self.lines, &pairs))
            .collect()
    }

    fn remove_ranges(&mut self, ranges: &[Range]) {
        for range in ranges.iter().rev() {
            self.lines.drain(range.start..range.end);
        }
    }
}

/// Pairs every `%if*` with its `%endif` across the whole file.
fn conditional_pairs(lines: &[Vec<u8>]) -> Result<Vec<Pair>, SpecEditError> {
    let mut pairs = Vec::new();
    let mut open = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        match conditional_depth_change(line) {
            1 => open.push(index),
            -1 => {
                let start = open.pop().ok_or(SpecEditError::UnbalancedConditional {
                    directive: "%endif",
                    line: index + 1,
                })?;
                pairs.push(Pair {
                    open: start,
                    close: index,
                });
            }
            _ => {}
        }
    }
    match open.first() {
        Some(&first) => Err(SpecEditError::UnbalancedConditional {
            directive: "%if",
            line: first + 1,
        }),
        None => Ok(pairs),
    }
}

/// azldev's `balanceRange`.
fn balance(range: Range, lines: &[Vec<u8>], pairs: &[Pair]) -> Result<Range, SpecEditError> {
    let inside = |line: usize| line >= range.start && line < range.end;
    let spans = || SpecEditError::ConditionalSpans {
        start: range.start + 1,
        end: range.end,
    };
    let mut trimmed = range.end;
    for pair in pairs {
        let (open_inside, close_inside) = (inside(pair.open), inside(pair.close));
        if open_inside == close_inside {
            continue;
        }
        let kept = if open_inside { pair.open } else { pair.close };
        trimmed = trimmed.min(kept);
        if open_inside && has_content_between(pair.open, range.end, lines) {
            return Err(spans());
        }
    }
    let branch_lines = (range.start..range.end).filter(|&line| is_branch_directive(&lines[line]));
    for line in branch_lines {
        let enclosing = pairs
            .iter()
            .find(|pair| pair.open <= line && pair.close >= line);
        if enclosing.is_some_and(|pair| !(pair.open >= range.start && pair.close < range.end)) {
            return Err(SpecEditError::BranchDirective {
                start: range.start + 1,
                end: range.end,
            });
        }
    }
    if trimmed == range.end {
        return Ok(range);
    }
    if has_content_between(trimmed.wrapping_sub(1), range.end, lines) {
        return Err(spans());
    }
    Ok(Range {
        start: range.start,
        end: trimmed,
    })
}

/// Whether any line strictly after `after` and before `end` is real content (not blank, not
/// a comment, not `%if`/`%endif`).
fn has_content_between(after: usize, end: usize, lines: &[Vec<u8>]) -> bool {
    (after.wrapping_add(1)..end).any(|line| {
        !is_blank_or_comment(&lines[line]) && conditional_depth_change(&lines[line]) == 0
    })
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

    #[test]
    fn removes_header_through_trailing_blank_lines() {
        let input = "Name: a\n\n%package devel\nSummary: d\n\n%description devel\nD\n\n%files\n";
        let output = run(input, |s| s.remove_section("%description", "devel", true)).unwrap();
        assert_eq!(output, "Name: a\n\n%package devel\nSummary: d\n\n%files\n");
    }

    #[test]
    fn subpackage_wrapped_in_if_leaves_an_empty_conditional() {
        let input = "Name: a\n%if 1\n%package x\nSummary: x\n%endif\n%if 1\n%files x\n/x\n%endif\n%files\n/a\n";
        let output = run(input, |s| s.remove_subpackage("x")).unwrap();
        assert_eq!(
            output,
            "Name: a\n%if 1\n%endif\n%if 1\n%endif\n%files\n/a\n"
        );
    }

    #[test]
    fn content_inside_a_spanning_conditional_is_refused() {
        let input = "%package x\nSummary: x\n%if 1\nRequires: y\n%files x\n%endif\n";
        let error = run(input, |s| s.remove_subpackage("x")).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("conditional block spans across section boundaries"),
            "{error}"
        );
        assert_eq!(error.line(), Some(1));
    }

    #[test]
    fn branch_directive_of_an_outer_conditional_is_refused() {
        let input = "%if 1\n%files x\n/x\n%else\n/y\n%endif\n";
        let error = run(input, |s| s.remove_section("%files", "x", true)).unwrap_err();
        assert!(
            matches!(error, SpecEditError::BranchDirective { start: 2, .. }),
            "{error}"
        );
    }

    #[test]
    fn unbalanced_removal_runs_to_the_next_header() {
        let input = "%if 1\n%files x\n/x\n%endif\n\n%if 0\n%files y\n%endif\n";
        let output = run(input, |s| s.remove_section("%files", "x", false)).unwrap();
        assert_eq!(output, "%if 1\n%files y\n%endif\n");
        let balanced = run(input, |s| s.remove_section("%files", "x", true)).unwrap();
        assert_eq!(balanced, "%if 1\n%endif\n\n%if 0\n%files y\n%endif\n");
    }

    #[test]
    fn unbalanced_conditionals_are_reported() {
        let error = run("%files x\n%endif\n", |s| s.remove_subpackage("x")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "failed to parse conditional structure: unmatched %endif at line 2"
        );
        assert!(
            run("Name: a\n", |s| s.remove_section("", "", true))
                .unwrap_err()
                .to_string()
                .contains("global")
        );
        assert!(
            run("Name: a\n", |s| s.remove_subpackage(""))
                .unwrap_err()
                .to_string()
                .contains("empty")
        );
    }
}
