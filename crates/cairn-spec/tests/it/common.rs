//! Fixture paths and helpers shared by the tests.

use std::path::PathBuf;

use cairn_spec::Spec;

/// The hand-written fixtures in `tests/data`.
pub fn fixtures() -> Vec<(String, Vec<u8>)> {
    let directory = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut fixtures: Vec<(String, Vec<u8>)> = std::fs::read_dir(&directory)
        .expect("tests/data exists")
        .map(|entry| {
            let path = entry.expect("readable directory").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).expect("readable fixture"))
        })
        .collect();
    fixtures.sort();
    fixtures
}

/// One fixture's bytes.
pub fn fixture(name: &str) -> Vec<u8> {
    fixtures()
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, bytes)| bytes)
        .expect("fixture exists")
}

/// Parses `bytes` and asserts the round trip and the model's invariants.
pub fn parse_checked(bytes: &[u8]) -> Spec {
    let spec = Spec::parse(bytes.to_vec()).expect("parses");
    assert_eq!(spec.to_bytes(), bytes, "round trip");
    spec.check_structure().expect("consistent model");
    spec
}

/// A small deterministic random generator (xorshift64*), so generated tests are reproducible.
pub struct Random(u64);

impl Random {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, bound: usize) -> usize {
        usize::try_from(self.next() % bound as u64).unwrap_or(0)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}
