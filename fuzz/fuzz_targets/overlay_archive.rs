//! Archive overlays on arbitrary bytes: reading never panics, a refused entry is an error
//! (never a write outside the tree), and an accepted archive repacks deterministically to
//! an archive that reads back to the same tree.

#![no_main]

use cairn_overlay::archive::{repack_bytes, sniff};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let format = sniff(data, "input.tar");
    if let Ok(first) = repack_bytes(data, format) {
        assert_eq!(
            repack_bytes(data, format).ok().as_ref(),
            Some(&first),
            "repacking is deterministic"
        );
        assert_eq!(
            repack_bytes(&first, format).ok().as_ref(),
            Some(&first),
            "a repack reads back unchanged"
        );
    }
});
