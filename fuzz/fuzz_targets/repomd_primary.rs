//! primary.xml reader on arbitrary bytes: never panics, and whatever it accepts renders back to
//! a document that it accepts again with as many packages and primary files.

#![no_main]

use cairn_repomd::{Document, Limits, Package, is_primary_file, read_primary, write_document};
use libfuzzer_sys::fuzz_target;

fn primary_only(mut packages: Vec<Package>) -> Vec<Package> {
    for package in &mut packages {
        package.files.retain(|file| is_primary_file(&file.path));
    }
    packages
}

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_packages: 1000,
        max_entries_per_package: 1000,
        ..Limits::default()
    };
    let mut packages = Vec::new();
    if read_primary(data, &limits, |package| packages.push(package)).is_err() {
        return;
    }
    let rendered = write_document(Document::Primary, packages.iter(), Vec::new()).unwrap();
    let mut again = Vec::new();
    if let Err(error) = read_primary(rendered.as_slice(), &limits, |package| again.push(package)) {
        panic!("rendered primary.xml does not read back: {error}");
    }
    assert_eq!(packages.len(), again.len());
    let files = |packages: Vec<Package>| {
        primary_only(packages)
            .iter()
            .map(|package| package.files.len())
            .collect::<Vec<_>>()
    };
    assert_eq!(files(again), files(packages));
});
