//! Span edits on arbitrary specs: setting every tag value, inserting a line after every line
//! and removing a section each leave all other bytes unchanged and reparse consistently.

#![no_main]

use cairn_spec::{LineId, Spec};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(spec) = Spec::parse(data.to_vec()) else {
        return;
    };
    let mut edits = spec.edit();
    let mut expected = Vec::new();
    let mut copied = 0;
    for (line, tag) in spec.tags() {
        edits.set_tag_value(line, "v").expect("a tag line");
        expected.extend_from_slice(&data[copied..tag.value.start as usize]);
        expected.push(b'v');
        copied = tag.value.end as usize;
    }
    expected.extend_from_slice(&data[copied..]);
    let edited = edits.apply_to_bytes().expect("tag values never overlap");
    assert_eq!(edited, expected);
    Spec::parse(edited).expect("parses").check_structure().expect("consistent");

    let mut edits = spec.edit();
    for index in 0..spec.lines().len() {
        edits.insert_lines_after(LineId(u32::try_from(index).unwrap()), &["# x"]);
    }
    let inserted = edits.apply().expect("inserts never overlap");
    inserted.check_structure().expect("consistent");

    if let Some((_, section)) = spec.section_ids().nth(1) {
        let mut edits = spec.edit();
        edits.remove_lines(section.lines);
        let removed = edits.apply_to_bytes().expect("one removal");
        let start = spec.line(section.lines.start).span.start as usize;
        assert_eq!(&removed[..start], &data[..start]);
        Spec::parse(removed).expect("parses").check_structure().expect("consistent");
    }
});
