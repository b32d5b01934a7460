//! The resolution-input hash: what decides which upstream commit a component gets.
//!
//! azldev stores it in the lock (`resolution-input-hash`) so `component update` can tell,
//! without the network, whether the locked commit may be stale: when these inputs are unchanged
//! the locked commit stands, when they changed the commit is resolved again.

use sha2::{Digest as _, Sha256};

/// The inputs of upstream commit resolution.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResolutionInputs<'a> {
    /// The upstream distro.
    pub distro: &'a str,
    /// Its version.
    pub version: &'a str,
    /// The dist-git branch.
    pub branch: &'a str,
    /// The dist-git repository URL.
    pub url: &'a str,
    /// The snapshot time as written, if any.
    pub snapshot: Option<&'a str>,
    /// The `upstream-commit` pin, if any.
    pub pin: Option<&'a str>,
    /// The upstream name.
    pub upstream_name: &'a str,
}

/// `v1:sha256:<hex>` over the length-prefixed inputs (same record encoding as the fingerprint).
pub fn resolution_input_hash(inputs: &ResolutionInputs<'_>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"cairn-resolution-v1\n");
    let fields = [
        ("distro", Some(inputs.distro)),
        ("version", Some(inputs.version)),
        ("branch", Some(inputs.branch)),
        ("url", Some(inputs.url)),
        ("snapshot", inputs.snapshot),
        ("pin", inputs.pin),
        ("upstream-name", Some(inputs.upstream_name)),
    ];
    for (label, value) in fields {
        let Some(value) = value.filter(|value| !value.is_empty()) else {
            continue;
        };
        hasher.update((label.len() as u32).to_be_bytes());
        hasher.update(label.as_bytes());
        hasher.update((value.len() as u64).to_be_bytes());
        hasher.update(value.as_bytes());
    }
    format!("v1:sha256:{}", hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_input_counts() {
        let base = ResolutionInputs {
            distro: "fedora",
            version: "43",
            branch: "f43",
            url: "https://src.fedoraproject.org/rpms/curl.git",
            snapshot: Some("2026-02-24T00:00:00-08:00"),
            pin: None,
            upstream_name: "curl",
        };
        let hash = resolution_input_hash(&base);
        assert!(hash.starts_with("v1:sha256:") && hash.len() == 74);
        for changed in [
            ResolutionInputs {
                branch: "f44",
                ..base
            },
            ResolutionInputs {
                snapshot: None,
                ..base
            },
            ResolutionInputs {
                pin: Some("abcdef1"),
                ..base
            },
            ResolutionInputs {
                upstream_name: "libcurl",
                ..base
            },
        ] {
            assert_ne!(resolution_input_hash(&changed), hash);
        }
        assert_eq!(resolution_input_hash(&base), hash);
    }
}
