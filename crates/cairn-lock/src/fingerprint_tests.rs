use super::*;
use cairn_config::model::{ReleaseCalculation, SpecSourceType};
use cairn_config::overlay::OverlayType;

fn upstream_config() -> ComponentConfig {
    let mut config = ComponentConfig::default();
    config.spec.kind = Some(SpecSourceType::Upstream);
    config.spec.upstream_distro.name = Some("fedora".into());
    config.spec.upstream_distro.version = Some("43".into());
    config.spec.upstream_distro.snapshot = Some("2026-02-24T00:00:00-08:00".into());
    config.release.calculation = Some(ReleaseCalculation::Auto);
    config
}

fn compute(config: &ComponentConfig, identity: &str, bump: u64) -> Fingerprint {
    fingerprint(&FingerprintInputs {
        config,
        source_identity: identity,
        overlay_sources: &[],
        release_ver: "43",
        manual_bump: bump,
    })
}

const COMMIT: &str = "4b2ebc9e1d0c4b9457676c0d43e084288731c59d";

/// Golden vectors, computed by an independent implementation of the encoding (Python's
/// hashlib over the documented records): a change here moves every lock in every project.
#[test]
fn golden_vectors() {
    let bare = compute(&ComponentConfig::default(), "", 0);
    assert_eq!(
        bare.value,
        "v1:sha256:c85154d0c9dfd12d690b0bef15b41ec585cc6db3bd2e2ed857b83573eaeedf46"
    );
    assert!(bare.inputs.keys().eq(["distro.release-ver"]));
    let upstream = compute(&upstream_config(), COMMIT, 0);
    assert_eq!(
        upstream.value,
        "v1:sha256:28c295afb4664df2221cb0d1a672948621507f14fdc0ac524ca2b269e04b9c6d"
    );
    assert_eq!(
        upstream.inputs.keys().collect::<Vec<_>>(),
        [
            "config.release.calculation",
            "config.spec.type",
            "config.spec.upstream-distro.name",
            "config.spec.upstream-distro.version",
            "distro.release-ver",
            "source",
        ]
    );
    assert_eq!(
        upstream.inputs["source"],
        &hex::encode(Sha256::digest(COMMIT))[..16]
    );
}

#[test]
fn unset_fields_emit_nothing_and_set_ones_count() {
    let base = compute(&upstream_config(), COMMIT, 0);
    // Excluded fields do not move the fingerprint.
    let mut config = upstream_config();
    config.spec.upstream_distro.snapshot = Some("2030-01-01T00:00:00Z".into());
    config.build.failure.expected = Some(true);
    config.publish.rpm_channel = Some("base".into());
    assert_eq!(compute(&config, COMMIT, 0), base);
    // Every hashed input does, and explain names it.
    let mut config = upstream_config();
    config.build.with.push("bootstrap".into());
    let changed = compute(&config, COMMIT, 0);
    assert_ne!(changed.value, base.value);
    assert_eq!(
        explain(&base.inputs, &changed.inputs),
        [InputChange {
            input: "config.build.with".into(),
            kind: InputChangeKind::Added
        }]
    );
    let bumped = compute(&upstream_config(), COMMIT, 1);
    assert_eq!(
        explain(&base.inputs, &bumped.inputs)[0].input,
        "manual-bump"
    );
    let moved = compute(
        &upstream_config(),
        "0000000000000000000000000000000000000000",
        0,
    );
    assert_eq!(
        explain(&base.inputs, &moved.inputs),
        [InputChange {
            input: "source".into(),
            kind: InputChangeKind::Changed
        }]
    );
    assert_eq!(
        explain(&changed.inputs, &base.inputs)[0].kind,
        InputChangeKind::Removed
    );
}

#[test]
fn overlays_hash_their_fields_but_not_their_documentation() {
    let mut overlay = Overlay::new(OverlayType::SpecAddTag);
    overlay.tag = Some("BuildRequires".into());
    overlay.value = Some("gcc".into());
    let mut config = upstream_config();
    config.overlays.push(overlay.clone());
    let base = compute(&config, COMMIT, 0);
    overlay.description = Some("why".into());
    config.overlays[0] = overlay.clone();
    assert_eq!(compute(&config, COMMIT, 0), base);
    overlay.value = Some("clang".into());
    config.overlays[0] = overlay;
    let changed = compute(&config, COMMIT, 0);
    assert_eq!(
        explain(&base.inputs, &changed.inputs)[0].input,
        "config.overlays[0]"
    );
}

#[test]
fn overlay_source_files_are_hashed() {
    let dir = tempfile::tempdir().unwrap();
    let patch = dir.path().join("fix.patch");
    std::fs::write(&patch, "--- a\n").unwrap();
    let mut overlay = Overlay::new(OverlayType::PatchAdd);
    overlay.source = Some(patch.to_string_lossy().into_owned());
    let mut config = upstream_config();
    config.overlays.push(overlay);
    let sources = overlay_sources(&config).unwrap();
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0].destination, "fix.patch");
    assert_eq!(sources[0].sha256, hex::encode(Sha256::digest(b"--- a\n")));
    let with = fingerprint(&FingerprintInputs {
        config: &config,
        source_identity: COMMIT,
        overlay_sources: &sources,
        release_ver: "43",
        manual_bump: 0,
    });
    std::fs::write(&patch, "--- b\n").unwrap();
    let sources = overlay_sources(&config).unwrap();
    let after = fingerprint(&FingerprintInputs {
        config: &config,
        source_identity: COMMIT,
        overlay_sources: &sources,
        release_ver: "43",
        manual_bump: 0,
    });
    assert_eq!(
        explain(&with.inputs, &after.inputs)[0].input,
        "overlay-source[0]"
    );
    std::fs::remove_file(&patch).unwrap();
    let error = overlay_sources(&config).unwrap_err();
    assert!(error.to_string().contains("fix.patch"), "{error}");
}
