//! repomd.xml, filelists.xml and other.xml readers on arbitrary bytes: never panic, and an
//! accepted repomd.xml writes back to one that reads the same.

#![no_main]

use cairn_repomd::{Limits, Repomd, read_filelists, read_other};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_packages: 1000,
        max_entries_per_package: 1000,
        ..Limits::default()
    };
    let _ = read_filelists(data, &limits, |_| {});
    let _ = read_other(data, &limits, |_| {});
    if let Ok(repomd) = Repomd::read(data) {
        let written = repomd.write(Vec::new()).unwrap();
        let again = Repomd::read(written.as_slice()).expect("written repomd.xml reads back");
        assert_eq!(again.records.len(), repomd.records.len());
    }
});
