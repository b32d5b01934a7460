//! Edits splice text at spans and leave every other byte alone.

use cairn_spec::{LineId, LineRange, SectionId, Spec};

use crate::common::{fixtures, parse_checked};

#[test]
fn setting_each_tag_changes_only_its_value() {
    for (name, bytes) in fixtures() {
        let spec = parse_checked(&bytes);
        for (line, tag) in spec.tags() {
            let mut edits = spec.edit();
            edits.set_tag_value(line, "NEW").unwrap();
            let edited = edits.apply_to_bytes().unwrap();
            let mut expected = bytes[..tag.value.start as usize].to_vec();
            expected.extend_from_slice(b"NEW");
            expected.extend_from_slice(&bytes[tag.value.end as usize..]);
            assert_eq!(edited, expected, "{name}");
            let reparsed = parse_checked(&edited);
            assert_eq!(reparsed.lines().len(), spec.lines().len(), "{name}");
            assert_eq!(
                reparsed.text(reparsed.line(line).tag().unwrap().value),
                "NEW",
                "{name}"
            );
        }
    }
}

#[test]
fn inserting_after_every_line_keeps_the_structure() {
    for (name, bytes) in fixtures() {
        let spec = parse_checked(&bytes);
        let mut edits = spec.edit();
        for index in 0..spec.lines().len() {
            edits.insert_lines_after(LineId(u32::try_from(index).unwrap()), &["# inserted"]);
        }
        let edited = parse_checked(&edits.apply_to_bytes().unwrap());
        assert_eq!(edited.lines().len(), spec.lines().len() * 2, "{name}");
        assert_eq!(edited.sections().len(), spec.sections().len(), "{name}");
    }
}

#[test]
fn removing_a_section_removes_exactly_its_lines() {
    for (name, bytes) in fixtures() {
        let spec = parse_checked(&bytes);
        for (id, section) in spec.section_ids().skip(1) {
            let mut edits = spec.edit();
            edits.remove_lines(section.lines);
            let edited: Spec = edits.apply().unwrap();
            edited.check_structure().unwrap();
            let kept = spec.lines().len() - section.lines.len();
            assert_eq!(edited.lines().len(), kept, "{name} section {}", id.0);
        }
        // Removing nothing is a no-op.
        let mut edits = spec.edit();
        edits.remove_lines(LineRange {
            start: LineId(0),
            end: LineId(0),
        });
        assert_eq!(edits.apply_to_bytes().unwrap(), bytes);
        let _ = SectionId::PREAMBLE;
    }
}
