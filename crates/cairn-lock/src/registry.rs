//! The decision for every component configuration field: hashed into the fingerprint or
//! excluded, and why.
//!
//! azldev keeps such a list (`internal/projectconfig/fingerprint_test.go`, the `fingerprint:"-"`
//! tags) with a test that fails when a field has no decision. Here the list is data, the test
//! compares it with the configuration's JSON Schema (so a new key in `cairn-config` fails it),
//! and the projection in [`crate::fingerprint()`] destructures every struct exhaustively (so a new
//! field fails to compile there).

/// What the fingerprint does with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The field's value is a fingerprint input.
    Hashed,
    /// The field is left out, for the given reason.
    Excluded(&'static str),
}

use Decision::{Excluded, Hashed};

const DOCUMENTATION: Decision = Excluded("documentation; does not change the rendered sources");
const PUBLISHING: Decision = Excluded("where packages are published, not what they contain");

/// Every leaf key path of a component configuration (`[]` marks list items, `*` map keys) with
/// its decision. Differences from azldev are marked in the reasons.
pub const FIELDS: &[(&str, Decision)] = &[
    ("spec.type", Hashed),
    (
        "spec.path",
        Excluded("a location; the spec directory's content is the source identity"),
    ),
    ("spec.upstream-distro.name", Hashed),
    ("spec.upstream-distro.version", Hashed),
    (
        "spec.upstream-distro.snapshot",
        Excluded("a resolution input; the resolved commit is the source identity"),
    ),
    ("spec.upstream-name", Hashed),
    ("spec.upstream-commit", Hashed),
    ("release.calculation", Hashed),
    ("overlays[].type", Hashed),
    ("overlays[].description", DOCUMENTATION),
    ("overlays[].tag", Hashed),
    ("overlays[].value", Hashed),
    ("overlays[].package", Hashed),
    ("overlays[].section", Hashed),
    ("overlays[].regex", Hashed),
    ("overlays[].replacement", Hashed),
    ("overlays[].lines", Hashed),
    ("overlays[].file", Hashed),
    (
        "overlays[].source",
        Excluded("a path; the file's content is hashed as an overlay-source input"),
    ),
    ("overlays[].archive", Hashed),
    ("overlays[].metadata.category", DOCUMENTATION),
    ("overlays[].metadata.commits[].url", DOCUMENTATION),
    ("overlays[].metadata.bugs[].url", DOCUMENTATION),
    ("overlays[].metadata.upstream-status", DOCUMENTATION),
    (
        "overlay-files",
        Excluded("expanded into `overlays` by resolution, which are hashed"),
    ),
    ("build.with", Hashed),
    ("build.without", Hashed),
    ("build.defines", Hashed),
    ("build.undefines", Hashed),
    ("build.emit-upstream-provenance", Hashed),
    ("build.check.skip", Hashed),
    (
        "build.check.skip_reason",
        // azldev excludes it although render writes it into the spec.
        Hashed,
    ),
    (
        "build.failure.expected",
        Excluded("build bookkeeping; the sources do not change"),
    ),
    ("build.failure.expected-reason", DOCUMENTATION),
    ("build.hints.expensive", Excluded("a scheduling hint")),
    ("render.skip-file-filter", Hashed),
    ("source-files[].filename", Hashed),
    ("source-files[].hash", Hashed),
    ("source-files[].hash-type", Hashed),
    (
        "source-files[].origin.type",
        Excluded("how the file is obtained; its hash pins the content (azldev)"),
    ),
    (
        "source-files[].origin.uri",
        Excluded("where the file is obtained; its hash pins the content (azldev)"),
    ),
    ("source-files[].origin.script", Hashed),
    ("source-files[].origin.mock-packages", Hashed),
    ("source-files[].origin.inputs", Hashed),
    ("source-files[].replace-upstream", Hashed),
    ("source-files[].replace-reason", DOCUMENTATION),
    ("packages.*.publish.rpm-channel", PUBLISHING),
    ("packages.*.publish.debuginfo-channel", PUBLISHING),
    ("packages.*.publish.channel", PUBLISHING),
    ("publish.rpm-channel", PUBLISHING),
    ("publish.srpm-channel", PUBLISHING),
    ("publish.debuginfo-channel", PUBLISHING),
];

/// The decision for `path`, if it is registered.
pub fn decision(path: &str) -> Option<Decision> {
    FIELDS
        .iter()
        .find(|(field, _)| *field == path)
        .map(|(_, decision)| *decision)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;

    /// Follows `$ref`s and single-alternative wrappers to the schema that describes a value.
    fn resolve<'a>(schema: &'a Value, root: &'a Value) -> &'a Value {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name = reference.trim_start_matches("#/$defs/");
            return resolve(&root["$defs"][name], root);
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(alternatives)) = schema.get(key)
                && let Some(object) = alternatives.iter().find(|alternative| {
                    let resolved = resolve(alternative, root);
                    resolved.get("properties").is_some() || resolved.get("items").is_some()
                })
            {
                return resolve(object, root);
            }
        }
        schema
    }

    fn leaves(schema: &Value, root: &Value, prefix: &str, out: &mut BTreeSet<String>) {
        let schema = resolve(schema, root);
        if let Some(Value::Object(properties)) = schema.get("properties") {
            for (key, value) in properties {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                leaves(value, root, &path, out);
            }
            return;
        }
        if let Some(items) = schema.get("items") {
            let resolved = resolve(items, root);
            if resolved.get("properties").is_some() {
                return leaves(items, root, &format!("{prefix}[]"), out);
            }
        }
        if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object()) {
            let resolved = resolve(values, root);
            if resolved.get("properties").is_some() {
                return leaves(values, root, &format!("{prefix}.*"), out);
            }
        }
        out.insert(prefix.to_owned());
    }

    /// Fails when `cairn-config` gains (or loses) a component field without a decision here.
    #[test]
    fn every_component_field_has_a_decision() {
        let root = cairn_config::schema::config_file_schema();
        let component = &root["$defs"]["ComponentConfig"];
        assert!(component.is_object(), "the schema has no ComponentConfig");
        let mut schema_fields = BTreeSet::new();
        leaves(component, root, "", &mut schema_fields);
        let registered: BTreeSet<String> =
            FIELDS.iter().map(|(path, _)| (*path).to_owned()).collect();
        let missing: Vec<&String> = schema_fields.difference(&registered).collect();
        let stale: Vec<&String> = registered.difference(&schema_fields).collect();
        assert!(
            missing.is_empty() && stale.is_empty(),
            "component fields without a fingerprint decision: {missing:?}; registered fields \
             that no longer exist: {stale:?} (decide in crates/cairn-lock/src/registry.rs and \
             crates/cairn-lock/src/fingerprint.rs)"
        );
        assert_eq!(decision("spec.upstream-commit"), Some(Decision::Hashed));
    }
}
