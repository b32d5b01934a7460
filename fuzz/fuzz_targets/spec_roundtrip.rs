//! The spec model on arbitrary bytes: never panics, writing the parsed spec back gives the
//! input byte for byte, the model's invariants hold, and every offset has a position.

#![no_main]

use cairn_spec::Spec;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let spec = Spec::parse(data.to_vec()).expect("small inputs always parse");
    assert_eq!(spec.to_bytes(), data);
    if let Err(error) = spec.check_structure() {
        panic!("{error}");
    }
    let outline = spec.outline();
    let _ = outline.to_string();
    for line in spec.lines() {
        assert_eq!(spec.position(line.span.start), line.position);
    }
    for offset in (0..=u32::try_from(data.len()).unwrap_or(u32::MAX)).step_by(7) {
        let position = spec.position(offset);
        assert!(position.line >= 1 && position.column >= 1);
    }
    if let Some(main) = spec.main_name() {
        for (id, _) in spec.section_ids() {
            let _ = spec.package_name(id, &main);
        }
    }
});
