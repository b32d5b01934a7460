//! The input fingerprint: a canonical, versioned projection of a component's render inputs.
//!
//! azldev (`internal/fingerprint/fingerprint.go`) hashes length-prefixed `label=value` records:
//! the resolved configuration (hashstructure of the Go struct), the source identity, the manual
//! bump, the distro's release version and one record per overlay source file. hashstructure's
//! values depend on Go's struct layout and cannot be reproduced, so cairn defines projection v1
//! (what azldev's own schema-migration RFC proposes): one record per *set* field, labelled by its
//! configuration path, in a fixed order. Unset fields emit nothing, so a new optional field does
//! not move existing fingerprints. The value is `v1:sha256:<hex>` over
//! `cairn-fingerprint-v1\n` and the records, each `u32 label length, label, u64 value length,
//! value` (big-endian). Every field of the configuration is registered as hashed or excluded in
//! [`crate::registry`]; the destructuring below fails to compile when a field is added.

use std::collections::BTreeMap;
use std::path::Path;

use cairn_config::model::{
    BuildConfig, CheckConfig, ComponentConfig, DistroReference, Origin, ReleaseConfig,
    RenderConfig, SourceFileReference, SpecSource,
};
use cairn_config::overlay::Overlay;
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::error::LockError;

/// The prefix of fingerprints of projection v1.
pub const FINGERPRINT_PREFIX: &str = "v1:sha256:";
const DOMAIN: &[u8] = b"cairn-fingerprint-v1\n";

/// An overlay's `source` file, hashed (azldev's `overlay:<idx>` record).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlaySource {
    /// The overlay's position in the resolved list (0-based).
    pub index: usize,
    /// The file name the overlay writes (`file`, else the source's base name).
    pub destination: String,
    /// SHA-256 of the source file, hex.
    pub sha256: String,
}

/// Everything a fingerprint covers.
#[derive(Debug, Clone, Copy)]
pub struct FingerprintInputs<'a> {
    /// The resolved component configuration.
    pub config: &'a ComponentConfig,
    /// The upstream commit, or a local component's content identity.
    pub source_identity: &'a str,
    /// The overlay source files ([`overlay_sources`]).
    pub overlay_sources: &'a [OverlaySource],
    /// The distro's `release-ver`.
    pub release_ver: &'a str,
    /// The lock's `manual-bump`.
    pub manual_bump: u64,
}

/// A computed fingerprint and the digest of each input it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// `v1:sha256:<hex>`.
    pub value: String,
    /// Input label (`config.build.with`, `source`...) to the first 16 hex digits of the SHA-256
    /// of its value: what the lock's `[inputs]` table stores.
    pub inputs: BTreeMap<String, String>,
}

/// How one input differs between two fingerprints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputChangeKind {
    /// Set now, unset before.
    Added,
    /// Set before, unset now.
    Removed,
    /// Set on both sides with different values.
    Changed,
}

/// One input that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputChange {
    /// The input label.
    pub input: String,
    /// How it differs.
    pub kind: InputChangeKind,
}

/// Collects records in order.
struct Records {
    hasher: Sha256,
    inputs: BTreeMap<String, String>,
}

impl Records {
    fn new() -> Self {
        let mut hasher = Sha256::new();
        hasher.update(DOMAIN);
        Self {
            hasher,
            inputs: BTreeMap::new(),
        }
    }

    fn push(&mut self, label: &str, value: &str) {
        let label_length = u32::try_from(label.len()).unwrap_or(u32::MAX);
        self.hasher.update(label_length.to_be_bytes());
        self.hasher.update(label.as_bytes());
        self.hasher.update((value.len() as u64).to_be_bytes());
        self.hasher.update(value.as_bytes());
        let digest = hex::encode(Sha256::digest(value.as_bytes()));
        self.inputs
            .insert(label.to_owned(), digest[..16].to_owned());
    }

    fn text(&mut self, label: &str, value: Option<&str>) {
        if let Some(value) = value.filter(|value| !value.is_empty()) {
            self.push(label, value);
        }
    }

    fn flag(&mut self, label: &str, value: Option<bool>) {
        if let Some(value) = value {
            self.push(label, if value { "true" } else { "false" });
        }
    }

    fn list(&mut self, label: &str, values: &[String]) {
        if !values.is_empty() {
            self.push(label, &canonical_json(&values));
        }
    }

    fn finish(self) -> Fingerprint {
        Fingerprint {
            value: format!(
                "{FINGERPRINT_PREFIX}{}",
                hex::encode(self.hasher.finalize())
            ),
            inputs: self.inputs,
        }
    }
}

/// JSON with object keys in sorted order (serde_json's maps are sorted) and no whitespace.
fn canonical_json<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .map(|value| value.to_string())
        .unwrap_or_default()
}

/// The spelling of an enum value in TOML (`upstream`, `auto`...).
fn enum_name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// Computes the fingerprint of `inputs`.
pub fn fingerprint(inputs: &FingerprintInputs<'_>) -> Fingerprint {
    let mut records = Records::new();
    project_config(&mut records, inputs.config);
    records.text("source", Some(inputs.source_identity));
    for source in inputs.overlay_sources {
        records.push(
            &format!("overlay-source[{}]", source.index),
            &format!("{}:{}", source.destination, source.sha256),
        );
    }
    records.text("distro.release-ver", Some(inputs.release_ver));
    if inputs.manual_bump != 0 {
        records.push("manual-bump", &inputs.manual_bump.to_string());
    }
    records.finish()
}

fn project_config(records: &mut Records, config: &ComponentConfig) {
    // Exhaustive destructuring: a new configuration field does not compile until it is
    // hashed here or ignored with a reason (and registered in `crate::registry`).
    let ComponentConfig {
        spec,
        release,
        overlays,
        overlay_files: _, // expanded into `overlays` by resolution
        build,
        render,
        source_files,
        packages: _, // publish channels only: where packages go, not what they are
        publish: _,  // publish channels
    } = config;
    let SpecSource {
        kind,
        path: _, // where a local spec lives; its content is the source identity
        upstream_distro,
        upstream_name,
        upstream_commit,
    } = spec;
    records.text("config.spec.type", kind.as_ref().map(enum_name).as_deref());
    let DistroReference {
        name,
        version,
        snapshot: _, // resolution input; the resolved commit is the source identity
    } = upstream_distro;
    records.text("config.spec.upstream-distro.name", name.as_deref());
    records.text("config.spec.upstream-distro.version", version.as_deref());
    records.text("config.spec.upstream-name", upstream_name.as_deref());
    records.text("config.spec.upstream-commit", upstream_commit.as_deref());
    let ReleaseConfig { calculation } = release;
    records.text(
        "config.release.calculation",
        calculation.as_ref().map(enum_name).as_deref(),
    );
    for (index, overlay) in overlays.iter().enumerate() {
        records.push(
            &format!("config.overlays[{index}]"),
            &project_overlay(overlay),
        );
    }
    let BuildConfig {
        with,
        without,
        defines,
        undefines,
        emit_upstream_provenance,
        check,
        failure: _, // expected build failures: bookkeeping, not an input of the sources
        hints: _,   // scheduling hints
    } = build;
    records.list("config.build.with", with);
    records.list("config.build.without", without);
    for (name, value) in defines {
        records.push(&format!("config.build.defines.{name}"), value);
    }
    records.list("config.build.undefines", undefines);
    records.flag(
        "config.build.emit-upstream-provenance",
        *emit_upstream_provenance,
    );
    let CheckConfig { skip, skip_reason } = check;
    records.flag("config.build.check.skip", *skip);
    // azldev leaves `skip_reason` out although render writes it into the spec; cairn hashes
    // it, so a new reason is a new release.
    records.text("config.build.check.skip_reason", skip_reason.as_deref());
    let RenderConfig { skip_file_filter } = render;
    records.flag("config.render.skip-file-filter", *skip_file_filter);
    for (index, file) in source_files.iter().enumerate() {
        records.push(
            &format!("config.source-files[{index}]"),
            &project_source_file(file),
        );
    }
}

fn project_overlay(overlay: &Overlay) -> String {
    let Overlay {
        kind,
        description: _, // documentation
        tag,
        value,
        package,
        section,
        regex,
        replacement,
        lines,
        file,
        source: _, // a path; its content is an `overlay-source` record
        archive,
        metadata: _, // documentation
    } = overlay;
    let mut object = serde_json::Map::new();
    object.insert("type".into(), kind.as_str().into());
    let mut put = |key: &str, value: &Option<String>| {
        if let Some(value) = value {
            object.insert(key.into(), value.clone().into());
        }
    };
    put("tag", tag);
    put("value", value);
    put("package", package);
    put("section", section);
    put("regex", regex);
    put("replacement", replacement);
    put("file", file);
    put("archive", archive);
    if let Some(lines) = lines {
        object.insert("lines".into(), lines.clone().into());
    }
    serde_json::Value::Object(object).to_string()
}

fn project_source_file(file: &SourceFileReference) -> String {
    let SourceFileReference {
        filename,
        hash,
        hash_type,
        origin,
        replace_upstream,
        replace_reason: _, // documentation
    } = file;
    let mut object = serde_json::Map::new();
    object.insert("filename".into(), filename.clone().into());
    if let Some(hash) = hash {
        object.insert("hash".into(), hash.clone().into());
    }
    if let Some(hash_type) = hash_type {
        object.insert("hash-type".into(), enum_name(hash_type).into());
    }
    if let Some(replace) = replace_upstream {
        object.insert("replace-upstream".into(), (*replace).into());
    }
    if let Some(origin) = origin {
        let Origin {
            kind: _, // how the file is obtained; its hash pins the content
            uri: _,
            script,
            mock_packages,
            inputs,
        } = origin;
        // Only set when non-empty, so fingerprints of download origins stay stable (azldev).
        if let Some(script) = script.as_deref().filter(|s| !s.is_empty()) {
            object.insert("origin.script".into(), script.into());
        }
        if !mock_packages.is_empty() {
            object.insert("origin.mock-packages".into(), mock_packages.clone().into());
        }
        if !inputs.is_empty() {
            object.insert("origin.inputs".into(), inputs.clone().into());
        }
    }
    serde_json::Value::Object(object).to_string()
}

/// Hashes the `source` file of every overlay that has one (paths are absolute once the
/// project is loaded).
pub fn overlay_sources(config: &ComponentConfig) -> Result<Vec<OverlaySource>, LockError> {
    let mut sources = Vec::new();
    for (index, overlay) in config.overlays.iter().enumerate() {
        let Some(source) = overlay.source.as_deref().filter(|s| !s.is_empty()) else {
            continue;
        };
        let path = Path::new(source);
        let bytes = std::fs::read(path).map_err(|error| LockError::Io {
            action: "reading overlay source",
            path: path.to_owned(),
            source: error,
        })?;
        let destination = overlay
            .file
            .clone()
            .filter(|file| !file.is_empty())
            .or_else(|| {
                path.file_name()
                    .map(|name| name.to_string_lossy().into_owned())
            })
            .unwrap_or_default();
        sources.push(OverlaySource {
            index,
            destination,
            sha256: hex::encode(Sha256::digest(&bytes)),
        });
    }
    Ok(sources)
}

/// The inputs that differ between two `[inputs]` tables, in label order.
pub fn explain(
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
) -> Vec<InputChange> {
    let mut changes = Vec::new();
    for (label, digest) in after {
        match before.get(label) {
            None => changes.push(InputChange {
                input: label.clone(),
                kind: InputChangeKind::Added,
            }),
            Some(old) if old != digest => changes.push(InputChange {
                input: label.clone(),
                kind: InputChangeKind::Changed,
            }),
            Some(_) => {}
        }
    }
    for label in before.keys().filter(|label| !after.contains_key(*label)) {
        changes.push(InputChange {
            input: label.clone(),
            kind: InputChangeKind::Removed,
        });
    }
    changes.sort_by(|left, right| left.input.cmp(&right.input));
    changes
}

#[cfg(test)]
#[path = "fingerprint_tests.rs"]
mod tests;
