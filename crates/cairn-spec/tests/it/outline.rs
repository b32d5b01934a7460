//! Outline snapshots of the hand-written fixtures.

use crate::common::{fixture, fixtures, parse_checked};

#[test]
fn outlines_of_fixtures() {
    for (name, bytes) in fixtures() {
        let spec = parse_checked(&bytes);
        insta::assert_snapshot!(name.clone(), spec.outline().to_string());
    }
}

#[test]
fn outline_json_of_scriptlets() {
    let spec = parse_checked(&fixture("scriptlets-and-triggers.spec"));
    insta::assert_json_snapshot!(spec.outline().sections[..6]);
}
