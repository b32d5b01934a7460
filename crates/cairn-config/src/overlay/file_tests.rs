use std::path::Path;

use super::*;
use crate::overlay::OverlayType;

const GOOD: &str = r#"
[metadata]
category = "azl-pruning"
upstream-status = "inapplicable"

[[overlays]]
description = "drop the docs"
type = "spec-remove-section"
section = "%files"
package = "doc"

[[overlays]]
type = "patch-add"
source = "patches/fix.patch"
"#;

fn parse(text: &str) -> Result<OverlayFile, OverlayFileError> {
    parse_overlay_file(Path::new("/project/overlays/x.overlay.toml"), text, false)
}

#[test]
fn parses_stamps_metadata_and_records_lines() {
    let file = parse(GOOD).unwrap();
    assert_eq!(file.overlays.len(), 2);
    let first = &file.overlays[0];
    assert_eq!(first.overlay.kind, OverlayType::SpecRemoveSection);
    assert_eq!(first.origin.line, Some(6));
    assert_eq!(first.overlay.metadata, file.metadata);
    assert_eq!(file.overlays[1].origin.line, Some(12));
    assert_eq!(
        file.overlays[1].source_path().unwrap(),
        Path::new("/project/overlays/patches/fix.patch")
    );
    assert_eq!(
        first.origin.to_string(),
        "/project/overlays/x.overlay.toml:6"
    );
}

#[test]
fn missing_metadata_is_an_error() {
    let text = "[[overlays]]\ntype = \"file-remove\"\nfile = \"x\"\n";
    assert!(matches!(
        parse(text),
        Err(OverlayFileError::MissingMetadata { .. })
    ));
}

#[test]
fn duplicate_metadata_is_a_parse_error() {
    let text = format!("{GOOD}\n[metadata]\ncategory = \"azl-pruning\"\n");
    assert!(matches!(parse(&text), Err(OverlayFileError::Parse { .. })));
}

#[test]
fn empty_file_is_an_error() {
    let text = "[metadata]\ncategory = \"azl-pruning\"\nupstream-status = \"unknown\"\n";
    let error = parse(text).unwrap_err();
    assert!(
        error.to_string().contains("declares no overlays"),
        "{error}"
    );
    let single_bracket = format!("{text}[overlays]\ntype = \"file-remove\"\n");
    assert!(
        parse(&single_bracket)
            .unwrap_err()
            .to_string()
            .contains("[[overlays]]")
    );
}

#[test]
fn per_overlay_metadata_is_rejected() {
    let text = format!(
        "{GOOD}\n[[overlays]]\ntype = \"file-remove\"\nfile = \"x\"\nmetadata = {{ category = \"azl-pruning\", upstream-status = \"unknown\" }}\n"
    );
    let error = parse(&text).unwrap_err();
    assert!(
        matches!(
            error,
            OverlayFileError::PerOverlayMetadata {
                index: 3,
                line: 16,
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn invalid_overlay_names_index_and_line() {
    let text = format!("{GOOD}\n[[overlays]]\ntype = \"spec-add-tag\"\ntag = \"Vendor\"\n");
    let error = parse(&text).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("invalid overlay 3 at /project/overlays/x.overlay.toml:16"),
        "{message}"
    );
    assert!(
        message.contains("requires \"value\" field: (no description)"),
        "{message}"
    );
}

#[test]
fn invalid_metadata_fails_unless_permissive() {
    let text = GOOD.replace("azl-pruning", "azl-unknown");
    assert!(matches!(
        parse(&text),
        Err(OverlayFileError::InvalidMetadata { .. })
    ));
    let lenient = parse_overlay_file(Path::new("x.toml"), &text, true).unwrap();
    assert_eq!(lenient.metadata, None);
    assert!(
        lenient
            .overlays
            .iter()
            .all(|o| o.overlay.metadata.is_none())
    );
}

#[test]
fn unknown_keys_fail_unless_permissive() {
    let text = GOOD.replace("package = \"doc\"", "package = \"doc\"\ncolour = \"blue\"");
    let error = parse(&text).unwrap_err();
    assert!(error.to_string().contains("colour"), "{error}");
    let lenient = parse_overlay_file(Path::new("x.toml"), &text, true).unwrap();
    assert_eq!(lenient.overlays.len(), 2);
}

#[test]
fn unknown_type_is_a_parse_error() {
    let text = GOOD.replace("patch-add", "patch-apply");
    let error = parse(&text).unwrap_err();
    assert!(error.to_string().contains("patch-apply"), "{error}");
}
