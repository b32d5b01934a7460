//! A sample of the shared corpus of real specs (every 10th); the full corpus runs in
//! `scripts/conformance` with the release binary.

use std::path::PathBuf;

use crate::common::parse_checked;

#[test]
#[expect(clippy::print_stdout, reason = "tells why the test did nothing")]
fn corpus_sample_round_trips() {
    let corpus = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/azl4/specs-4.0"
    ));
    let Ok(entries) = std::fs::read_dir(&corpus) else {
        println!("skipping: {} is absent", corpus.display());
        return;
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "spec")
        })
        .collect();
    paths.sort();
    let mut checked = 0;
    for path in paths.iter().step_by(10) {
        let bytes = std::fs::read(path).unwrap();
        let spec = parse_checked(&bytes);
        assert!(
            spec.sections().len() > 1,
            "{} has no sections",
            path.display()
        );
        checked += 1;
    }
    assert!(
        checked > 700,
        "only {checked} specs in {}",
        corpus.display()
    );
}
