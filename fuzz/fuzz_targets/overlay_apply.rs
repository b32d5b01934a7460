//! Spec overlays on arbitrary specs: applying never panics, and the result is what azldev's
//! writer and reader agree on (writing it and reading it back gives the same bytes, except
//! for lines ending in `\r`, which Go's line scanner shortens on every read, as azldev does).
//!
//! Input: one byte choosing the overlay type, then NUL-separated fields (tag, value,
//! section, package, regex, replacement, lines joined by `\n`), then the spec text.

#![no_main]

use cairn_config::overlay::{Overlay, OverlayType};
use cairn_overlay::{EditOptions, Spec, apply_to_spec};
use libfuzzer_sys::fuzz_target;

const TYPES: [OverlayType; 12] = [
    OverlayType::SpecAddTag,
    OverlayType::SpecInsertTag,
    OverlayType::SpecSetTag,
    OverlayType::SpecUpdateTag,
    OverlayType::SpecRemoveTag,
    OverlayType::SpecPrependLines,
    OverlayType::SpecAppendLines,
    OverlayType::SpecSearchReplace,
    OverlayType::SpecRemoveSection,
    OverlayType::SpecRemoveSubpackage,
    OverlayType::PatchAdd,
    OverlayType::PatchRemove,
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let mut parts = rest.splitn(8, |&byte| byte == 0);
    let mut field = || {
        parts
            .next()
            .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
            .filter(|text| !text.is_empty())
    };
    let mut overlay = Overlay::new(TYPES[usize::from(selector) % TYPES.len()]);
    overlay.tag = field();
    overlay.value = field();
    overlay.section = field();
    overlay.package = field();
    overlay.regex = field();
    overlay.replacement = field();
    overlay.lines = field().map(|lines| lines.split('\n').map(str::to_owned).collect());
    overlay.file = overlay.replacement.clone();
    overlay.source = overlay.tag.clone();
    let spec_text = parts.next().unwrap_or_default();
    let options = EditOptions {
        strict_add_tag: selector & 0x40 != 0,
        search_replace_main_package_only: selector & 0x80 != 0,
        unbalanced_section_removal: selector & 0x20 != 0,
    };
    let mut spec = Spec::parse(spec_text);
    if apply_to_spec(&mut spec, &overlay, &options).is_ok() {
        let written = spec.to_bytes();
        if !written.windows(2).any(|pair| pair == b"\r\n") {
            assert_eq!(Spec::parse(&written).to_bytes(), written);
        }
    }
});
