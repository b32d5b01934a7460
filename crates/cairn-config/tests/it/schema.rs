//! The generated JSON Schema: valid for every file of the 4.0 configuration, a superset of
//! azldev's, and strict about unknown keys.

use serde_json::Value;

use crate::corpus_config;

fn validator() -> jsonschema::Validator {
    jsonschema::draft202012::new(cairn_config::schema::config_file_schema()).unwrap()
}

fn toml_as_json(text: &str) -> Value {
    serde_json::to_value(toml::from_str::<toml::Value>(text).unwrap()).unwrap()
}

#[test]
fn the_schema_is_draft_2020_12_and_refuses_unknown_keys() {
    let schema = cairn_config::schema::config_file_schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let validator = validator();
    assert!(validator.is_valid(&toml_as_json(
        "[components.a]\nbuild = { without = ['x'] }\n"
    )));
    assert!(!validator.is_valid(&toml_as_json("[components.a]\nbiuld = {}\n")));
    assert!(!validator.is_valid(&toml_as_json("[[components.a.overlays]]\ntype = 'nope'\n")));
    assert!(!validator.is_valid(&toml_as_json(
        "[components.a.spec]\nupstream-commit = 'xyz'\n"
    )));
}

#[test]
fn every_file_of_the_4_0_configuration_is_valid() {
    let Some(dir) = corpus_config() else { return };
    let validator = validator();
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&dir) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "toml") || path.starts_with(dir.join("external")) {
            continue;
        }
        let instance = toml_as_json(&std::fs::read_to_string(path).unwrap());
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| e.to_string())
            .take(3)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        checked += 1;
    }
    assert!(checked >= 213, "checked {checked} files");
}

#[test]
fn every_key_of_azldevs_schema_is_in_ours() {
    let Some(dir) = corpus_config() else { return };
    let theirs: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("external/schemas/azldev.schema.json")).unwrap(),
    )
    .unwrap();
    let ours = cairn_config::schema::config_file_schema();
    let mut missing = Vec::new();
    compare(&theirs, &theirs, ours, ours, "", &mut missing, 0);
    assert!(
        missing.is_empty(),
        "keys azldev accepts and cairn does not: {missing:?}"
    );
}

fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
    {
        Some(name) => resolve(root, &root["$defs"][name]),
        None => schema,
    }
}

fn compare(
    their_root: &Value,
    theirs: &Value,
    our_root: &Value,
    ours: &Value,
    path: &str,
    missing: &mut Vec<String>,
    depth: usize,
) {
    if depth > 12 {
        return;
    }
    let (theirs, ours) = (resolve(their_root, theirs), resolve(our_root, ours));
    if let Some(properties) = theirs.get("properties").and_then(Value::as_object) {
        for (key, their_child) in properties {
            let child_path = format!("{path}.{key}");
            match ours.get("properties").and_then(|p| p.get(key)) {
                Some(our_child) => compare(
                    their_root,
                    their_child,
                    our_root,
                    our_child,
                    &child_path,
                    missing,
                    depth + 1,
                ),
                None => missing.push(child_path),
            }
        }
    }
    for key in ["additionalProperties", "items"] {
        if let (Some(their_child), Some(our_child)) = (theirs.get(key), ours.get(key))
            && their_child.is_object()
            && our_child.is_object()
        {
            let child_path = format!("{path}.{key}");
            compare(
                their_root,
                their_child,
                our_root,
                our_child,
                &child_path,
                missing,
                depth + 1,
            );
        }
    }
}
