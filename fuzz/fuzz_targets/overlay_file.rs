//! Overlay files on arbitrary text: parsing and validation never panic, and every accepted
//! overlay validates on its own.

#![no_main]

use std::path::Path;

use cairn_config::overlay::parse_overlay_file;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for permissive in [false, true] {
        if let Ok(file) = parse_overlay_file(Path::new("fuzz.overlay.toml"), text, permissive) {
            assert!(!file.overlays.is_empty());
            for defined in &file.overlays {
                assert!(defined.overlay.validate().is_ok());
            }
        }
    }
});
