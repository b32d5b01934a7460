use std::fs;
use std::io::Write;
use std::path::Path;

use cairn_config::overlay::{DefinedOverlay, Overlay, OverlayOrigin, OverlayType};

use super::*;

const SPEC: &str = "Name: demo\nVersion: 1\nRelease: 1%{?dist}\nSource0: demo-1.0.tar.gz\n\n%description\nDemo.\n\n%build\nmake DEBUG=0\n\n%files\n/usr/bin/demo\n";

fn defined(overlay: Overlay, line: usize) -> DefinedOverlay {
    DefinedOverlay {
        overlay,
        origin: OverlayOrigin {
            file: "/project/demo.comp.toml".into(),
            line: Some(line),
        },
    }
}

fn overlay(kind: OverlayType, description: &str, fields: &[(&str, &str)]) -> Overlay {
    let mut overlay = Overlay::new(kind);
    overlay.description = Some(description.to_owned());
    for (key, value) in fields {
        let value = Some((*value).to_owned());
        match *key {
            "tag" => overlay.tag = value,
            "value" => overlay.value = value,
            "section" => overlay.section = value,
            "package" => overlay.package = value,
            "regex" => overlay.regex = value,
            "replacement" => overlay.replacement = value,
            "file" => overlay.file = value,
            "source" => overlay.source = value,
            "archive" => overlay.archive = value,
            "line" => overlay.lines = value.map(|line| vec![line]),
            other => panic!("unknown field {other}"),
        }
    }
    overlay
}

fn component(dir: &Path) {
    fs::write(dir.join("demo.spec"), SPEC).unwrap();
    fs::write(dir.join("a.conf"), "debug=false\n").unwrap();
    fs::write(dir.join("b.conf"), "x\n").unwrap();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_mode(0o644);
    header.set_size(6);
    builder
        .append_data(&mut header, "demo-1.0/doc.pdf", &b"%PDF-1"[..])
        .unwrap();
    let mut header = tar::Header::new_gnu();
    header.set_mode(0o644);
    header.set_size(8);
    builder
        .append_data(&mut header, "demo-1.0/main.c", &b"int x=0;"[..])
        .unwrap();
    encoder.write_all(&builder.into_inner().unwrap()).unwrap();
    fs::write(dir.join("demo-1.0.tar.gz"), encoder.finish().unwrap()).unwrap();
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            (
                entry.file_name().to_string_lossy().into_owned(),
                fs::read(entry.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn all_overlays_apply_in_one_pass_then_commit() {
    let dir = tempfile::tempdir().unwrap();
    component(dir.path());
    let overlays = [
        defined(
            overlay(
                OverlayType::SpecSearchReplace,
                "debug build",
                &[
                    ("section", "%build"),
                    ("regex", "DEBUG=0"),
                    ("replacement", "DEBUG=1"),
                ],
            ),
            3,
        ),
        defined(
            overlay(
                OverlayType::FileSearchReplace,
                "debug config",
                &[
                    ("file", "*.conf"),
                    ("regex", "false"),
                    ("replacement", "true"),
                ],
            ),
            9,
        ),
        defined(
            overlay(
                OverlayType::FileRemove,
                "no docs",
                &[("file", "*.pdf"), ("archive", "demo-1.0.tar.gz")],
            ),
            14,
        ),
        defined(
            overlay(
                OverlayType::FileRename,
                "rename",
                &[("file", "b.conf"), ("replacement", "c.conf")],
            ),
            20,
        ),
    ];
    let mut sources = Sources::load(dir.path(), Some("demo.spec")).unwrap();
    let report = apply_overlays(&mut sources, &overlays, &EditOptions::default()).unwrap();
    assert_eq!(
        report,
        ApplyReport {
            applied: 4,
            spec_changed: true,
            repacked_archives: vec!["demo-1.0.tar.gz".into()]
        }
    );
    assert_eq!(
        sources.changed_paths(),
        ["a.conf", "c.conf", "demo-1.0.tar.gz", "demo.spec", "b.conf"]
    );
    sources.commit().unwrap();
    assert!(
        fs::read_to_string(dir.path().join("demo.spec"))
            .unwrap()
            .contains("make DEBUG=1\n")
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("a.conf")).unwrap(),
        "debug=true\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("c.conf")).unwrap(),
        "x\n"
    );
    assert!(!dir.path().join("b.conf").exists());
    let repacked = fs::read(dir.path().join("demo-1.0.tar.gz")).unwrap();
    let tree = crate::archive::extract(&repacked, crate::archive::Format::TarGzip).unwrap();
    assert!(tree.get("demo-1.0/doc.pdf").is_none());
    assert!(tree.get("demo-1.0/main.c").is_some());
    let leftovers: Vec<String> = snapshot(dir.path())
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn a_failing_overlay_writes_nothing_and_is_named() {
    let dir = tempfile::tempdir().unwrap();
    component(dir.path());
    let before = snapshot(dir.path());
    let overlays = [
        defined(
            overlay(
                OverlayType::SpecAddTag,
                "vendor",
                &[("tag", "Vendor"), ("value", "Me")],
            ),
            2,
        ),
        defined(
            overlay(
                OverlayType::SpecSearchReplace,
                "fix the install path",
                &[("regex", "/usr/sbin"), ("replacement", "/usr/bin")],
            ),
            7,
        ),
    ];
    let mut sources = Sources::load(dir.path(), Some("demo.spec")).unwrap();
    let error = apply_overlays(&mut sources, &overlays, &EditOptions::default()).unwrap_err();
    assert_eq!(error.index, 2);
    assert_eq!(
        error.to_string(),
        "overlay \"fix the install path\" (spec-search-replace, defined at /project/demo.comp.toml:7) failed: \
         pattern `/usr/sbin` not found (section=``, package=``): pattern not found (section header lines are never edited)"
    );
    assert_eq!(
        snapshot(dir.path()),
        before,
        "nothing is written when an overlay fails"
    );
}

#[test]
fn errors_carry_the_spec_line() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("x.spec"),
        "Name: x\n%package a\nSummary: a\n%if 1\nRequires: b\n%files a\n%endif\n",
    )
    .unwrap();
    let mut sources = Sources::load(dir.path(), Some("x.spec")).unwrap();
    let remove = defined(
        overlay(
            OverlayType::SpecRemoveSubpackage,
            "drop a",
            &[("package", "a")],
        ),
        4,
    );
    let error = apply_overlays(&mut sources, &[remove], &EditOptions::default()).unwrap_err();
    assert_eq!(error.spec_line, Some(2));
    assert!(
        error
            .to_string()
            .contains("failed at spec line 2: section at lines 2-"),
        "{error}"
    );
}

#[test]
fn file_overlays_that_match_nothing_fail_with_the_overlay_named() {
    let dir = tempfile::tempdir().unwrap();
    component(dir.path());
    let mut sources = Sources::load(dir.path(), None).unwrap();
    let prepend = defined(
        overlay(
            OverlayType::FilePrependLines,
            "license header",
            &[("file", "*.py"), ("line", "# SPDX")],
        ),
        5,
    );
    let message = apply_overlays(&mut sources, &[prepend], &EditOptions::default())
        .unwrap_err()
        .to_string();
    assert!(message.starts_with("overlay \"license header\" (file-prepend-lines, defined at /project/demo.comp.toml:5) failed:"), "{message}");
    assert!(
        message.contains("`*.py` did not match any files"),
        "{message}"
    );
    let spec_edit = defined(
        overlay(OverlayType::SpecRemoveTag, "no spec", &[("tag", "Vendor")]),
        6,
    );
    let error = apply_overlays(&mut sources, &[spec_edit], &EditOptions::default()).unwrap_err();
    assert!(matches!(*error.failure, OverlayFailure::NoSpec));
}

#[test]
fn rename_chains_read_old_bytes() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "A").unwrap();
    fs::write(dir.path().join("b.txt"), "B").unwrap();
    let overlays = [
        defined(
            overlay(
                OverlayType::FileRename,
                "a to c",
                &[("file", "a.txt"), ("replacement", "c.txt")],
            ),
            1,
        ),
        defined(
            overlay(
                OverlayType::FileRename,
                "b to a",
                &[("file", "b.txt"), ("replacement", "a.txt")],
            ),
            2,
        ),
    ];
    let mut sources = Sources::load(dir.path(), None).unwrap();
    apply_overlays(&mut sources, &overlays, &EditOptions::default()).unwrap();
    sources.commit().unwrap();
    assert_eq!(
        snapshot(dir.path()),
        [
            ("a.txt".to_owned(), b"B".to_vec()),
            ("c.txt".to_owned(), b"A".to_vec())
        ]
    );
}

#[test]
fn commit_to_writes_a_complete_copy() {
    let dir = tempfile::tempdir().unwrap();
    component(dir.path());
    let out = tempfile::tempdir().unwrap();
    let mut sources = Sources::load(dir.path(), Some("demo.spec")).unwrap();
    let tag = defined(
        overlay(
            OverlayType::SpecSetTag,
            "release",
            &[("tag", "Release"), ("value", "7%{?dist}")],
        ),
        1,
    );
    apply_overlays(&mut sources, &[tag], &EditOptions::default()).unwrap();
    let target = out.path().join("rendered");
    sources.commit_to(&target).unwrap();
    let copied = snapshot(&target);
    assert_eq!(copied.len(), 4);
    assert!(
        String::from_utf8_lossy(
            &copied
                .iter()
                .find(|(name, _)| name == "demo.spec")
                .unwrap()
                .1
        )
        .contains("Release: 7%{?dist}\n")
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("demo.spec")).unwrap(),
        SPEC,
        "the source directory is untouched"
    );
}

#[test]
fn patch_add_copies_the_source_relative_to_its_definition() {
    let project = tempfile::tempdir().unwrap();
    fs::create_dir_all(project.path().join("patches")).unwrap();
    fs::write(project.path().join("patches/fix.patch"), "--- a\n+++ b\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    component(dir.path());
    let add = DefinedOverlay {
        overlay: overlay(
            OverlayType::PatchAdd,
            "fix",
            &[("source", "patches/fix.patch")],
        ),
        origin: OverlayOrigin {
            file: project.path().join("demo.comp.toml"),
            line: Some(1),
        },
    };
    let mut sources = Sources::load(dir.path(), Some("demo.spec")).unwrap();
    apply_overlays(
        &mut sources,
        std::slice::from_ref(&add),
        &EditOptions::default(),
    )
    .unwrap();
    assert!(
        String::from_utf8(sources.edited_spec().unwrap().to_bytes())
            .unwrap()
            .contains("\nPatch0: fix.patch\n%description")
    );
    assert_eq!(sources.file("fix.patch").unwrap(), b"--- a\n+++ b\n");
    let again = apply_overlays(&mut sources, &[add], &EditOptions::default()).unwrap_err();
    assert!(again.to_string().contains("already exists"), "{again}");
}

#[test]
fn spec_text_api_and_options_both_ways() {
    let text = b"Name: a\nVendor: X\n%files devel\n/lib\n%files\n/lib\n";
    let add = defined(
        overlay(
            OverlayType::SpecAddTag,
            "vendor",
            &[("tag", "Vendor"), ("value", "Y")],
        ),
        1,
    );
    let azldev =
        apply_to_spec_text(text, std::slice::from_ref(&add), &EditOptions::default()).unwrap();
    assert!(
        String::from_utf8(azldev)
            .unwrap()
            .contains("Vendor: X\nVendor: Y\n")
    );
    let strict = EditOptions {
        strict_add_tag: true,
        ..EditOptions::default()
    };
    assert!(
        apply_to_spec_text(text, &[add], &strict)
            .unwrap_err()
            .to_string()
            .contains("already exists")
    );

    let replace = defined(
        overlay(
            OverlayType::SpecSearchReplace,
            "lib64",
            &[
                ("section", "%files"),
                ("regex", "lib"),
                ("replacement", "lib64"),
            ],
        ),
        2,
    );
    let every = apply_to_spec_text(
        text,
        std::slice::from_ref(&replace),
        &EditOptions::default(),
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(every).unwrap().matches("/lib64").count(),
        2
    );
    let main_only = EditOptions {
        search_replace_main_package_only: true,
        ..EditOptions::default()
    };
    let one = apply_to_spec_text(text, &[replace], &main_only).unwrap();
    assert_eq!(String::from_utf8(one).unwrap().matches("/lib64").count(), 1);
}

#[test]
fn sources_held_only_in_memory() {
    use crate::sources::MemoryEntry;
    let entries = [
        (
            "demo.spec".to_owned(),
            MemoryEntry::File {
                data: SPEC.as_bytes().to_vec(),
                mode: 0o644,
            },
        ),
        (
            "a.conf".to_owned(),
            MemoryEntry::File {
                data: b"debug=false\n".to_vec(),
                mode: 0o600,
            },
        ),
        (
            "link.conf".to_owned(),
            MemoryEntry::Symlink {
                target: "a.conf".to_owned(),
            },
        ),
    ];
    let mut sources =
        Sources::from_memory(Path::new("/nowhere/demo"), Some("demo.spec"), entries).unwrap();
    let overlays = [
        defined(
            overlay(
                OverlayType::SpecUpdateTag,
                "release",
                &[("tag", "Release"), ("value", "2%{?dist}")],
            ),
            1,
        ),
        defined(
            overlay(
                OverlayType::FileSearchReplace,
                "debug",
                &[
                    ("file", "link.conf"),
                    ("regex", "false"),
                    ("replacement", "true"),
                ],
            ),
            2,
        ),
    ];
    apply_overlays(&mut sources, &overlays, &EditOptions::default()).unwrap();
    let result = sources.to_memory().unwrap();
    let names: Vec<&str> = result.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["a.conf", "demo.spec", "link.conf"]);
    assert_eq!(
        result[0].1,
        MemoryEntry::File {
            data: b"debug=true\n".to_vec(),
            mode: 0o600
        },
        "edited through the link"
    );
    let MemoryEntry::File { data, .. } = &result[1].1 else {
        panic!("the spec is a file")
    };
    assert!(String::from_utf8_lossy(data).contains("Release: 2%{?dist}\n"));
}
