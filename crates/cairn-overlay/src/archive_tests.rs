use std::io::Read;

use cairn_config::overlay::{Overlay, OverlayType};

use super::*;
use crate::files;

/// Builds a tar with raw headers, so names the `tar` builder would refuse can be tested.
fn raw_tar(entries: &[(&str, tar::EntryType, &[u8], &str)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, kind, data, link) in entries {
        let mut header = tar::Header::new_gnu();
        copy_field(&mut header.as_old_mut().name, name.as_bytes());
        copy_field(&mut header.as_old_mut().linkname, link.as_bytes());
        header.set_mode(0o664);
        header.set_size(data.len() as u64);
        header.set_entry_type(*kind);
        header.set_cksum();
        builder.append(&header, *data).unwrap();
    }
    builder.into_inner().unwrap()
}

fn sample() -> Vec<u8> {
    raw_tar(&[
        ("pkg-1.0/", tar::EntryType::Directory, b"", ""),
        (
            "pkg-1.0/docs/manual.pdf",
            tar::EntryType::Regular,
            b"%PDF",
            "",
        ),
        (
            "pkg-1.0/src/main.c",
            tar::EntryType::Regular,
            b"int debug = 0;\n",
            "",
        ),
        ("pkg-1.0/src/link.c", tar::EntryType::Symlink, b"", "main.c"),
        (
            "pkg-1.0/pkg.spec",
            tar::EntryType::Regular,
            b"Name: pkg\n",
            "",
        ),
    ])
}

fn overlay(kind: OverlayType, file: &str) -> Overlay {
    let mut overlay = Overlay::new(kind);
    overlay.file = Some(file.to_owned());
    overlay
}

fn edited(format: Format) -> Vec<u8> {
    let mut tree = extract(&sample(), Format::Tar).unwrap();
    let base = overlay_base(&tree);
    assert_eq!(base, "pkg-1.0/");
    files::apply(
        &mut tree,
        &base,
        &overlay(OverlayType::FileRemove, "docs/*.pdf"),
        None,
    )
    .unwrap();
    let mut replace = overlay(OverlayType::FileSearchReplace, "**/*.c");
    replace.regex = Some("debug = 0".to_owned());
    replace.replacement = Some("debug = 1".to_owned());
    files::apply(&mut tree, &base, &replace, None).unwrap();
    repack(&tree, format).unwrap()
}

fn listing(bytes: &[u8]) -> Vec<(String, u32, u64)> {
    let mut archive = tar::Archive::new(bytes);
    archive
        .entries()
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            let header = entry.header();
            (
                entry.path().unwrap().display().to_string(),
                header.mode().unwrap(),
                header.mtime().unwrap(),
            )
        })
        .collect()
}

#[test]
fn repack_is_deterministic_walk_ordered_and_normalised() {
    let first = edited(Format::Tar);
    assert_eq!(first, edited(Format::Tar), "two runs give identical bytes");
    let entries = listing(&first);
    let names: Vec<&str> = entries.iter().map(|(name, _, _)| name.as_str()).collect();
    // The emptied directory stays; the spec inside the archive is never matched.
    assert_eq!(
        names,
        [
            "pkg-1.0/",
            "pkg-1.0/docs/",
            "pkg-1.0/pkg.spec",
            "pkg-1.0/src/",
            "pkg-1.0/src/link.c",
            "pkg-1.0/src/main.c"
        ]
    );
    assert!(entries.iter().all(|(_, _, mtime)| *mtime == 0));
    assert_eq!(entries[0].1, 0o755);
    assert_eq!(entries[2].1, 0o644, "umask 022 applied to 0664");
    assert_eq!(
        entries[4].1, 0o777,
        "links are 0777 as Go's FileInfoHeader writes them"
    );
    // Go's checksum field: six octal digits, NUL, space; directory names end in '/'.
    assert_eq!(&first[148 + 6..156], b"\0 ");
    assert_eq!(&first[..8], b"pkg-1.0/");
    let mut archive = tar::Archive::new(first.as_slice());
    let mut main = String::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.path().unwrap().ends_with("main.c") {
            entry.read_to_string(&mut main).unwrap();
        }
    }
    assert_eq!(main, "int debug = 1;\n");
}

#[test]
fn compressed_formats_round_trip_and_are_sniffed() {
    for format in [
        Format::TarGzip,
        Format::TarXz,
        Format::TarZstd,
        Format::TarBzip2,
        Format::Zip,
    ] {
        let bytes = edited(format);
        assert_eq!(sniff(&bytes, "mislabelled.tar"), format);
        let tree = extract(&bytes, format).unwrap();
        assert!(tree.get("pkg-1.0/docs/manual.pdf").is_none(), "{format:?}");
        assert!(
            matches!(tree.get("pkg-1.0/src/link.c"), Some(Node::Symlink { .. })),
            "{format:?}"
        );
        if format != Format::Zip {
            assert_eq!(
                listing(&tar_bytes(&tree).unwrap()),
                listing(&edited(Format::Tar))
            );
        }
    }
    let gzip = edited(Format::TarGzip);
    assert_eq!(&gzip[4..8], &[0, 0, 0, 0], "gzip mtime 0");
    assert_eq!(gzip[9], 0xff, "gzip OS unknown");
    assert_eq!(sniff(b"", "x.tar.zst"), Format::TarZstd);
}

#[test]
fn long_names_use_gnu_long_name_entries() {
    let long = format!("pkg/{}", "d".repeat(120));
    let mut tree = Tree::default();
    tree.insert(
        long.clone(),
        Node::File {
            content: Content::Memory(b"x".to_vec()),
            mode: 0o644,
            changed: false,
        },
    );
    let bytes = tar_bytes(&tree).unwrap();
    let names: Vec<String> = listing(&bytes)
        .into_iter()
        .map(|(name, _, _)| name)
        .collect();
    assert_eq!(names, ["pkg/", long.as_str()]);
}

#[test]
fn unsafe_entries_are_refused() {
    let cases: [(&str, tar::EntryType, &str, &str); 5] = [
        (
            "../evil",
            tar::EntryType::Regular,
            "",
            "escape the extraction root",
        ),
        (
            "/etc/passwd",
            tar::EntryType::Regular,
            "",
            "escape the extraction root",
        ),
        ("pkg/hard", tar::EntryType::Link, "pkg/a", "hard link"),
        ("pkg/dev", tar::EntryType::Char, "", "device node"),
        (
            "pkg/up",
            tar::EntryType::Symlink,
            "../../x",
            "non-local target",
        ),
    ];
    for (name, kind, link, message) in cases {
        let bytes = raw_tar(&[
            ("pkg/a", tar::EntryType::Regular, b"a", ""),
            (name, kind, b"", link),
        ]);
        let error = extract(&bytes, Format::Tar).unwrap_err().to_string();
        assert!(error.contains(message), "{name}: {error}");
    }
    let below_link = raw_tar(&[
        ("pkg/l", tar::EntryType::Symlink, b"", "d"),
        ("pkg/l/x", tar::EntryType::Regular, b"x", ""),
    ]);
    assert!(
        extract(&below_link, Format::Tar)
            .unwrap_err()
            .to_string()
            .contains("below a symbolic link")
    );
}

#[test]
fn several_top_level_entries_use_the_archive_root() {
    let bytes = raw_tar(&[
        ("a.txt", tar::EntryType::Regular, b"a", ""),
        ("b/c.txt", tar::EntryType::Regular, b"c", ""),
    ]);
    assert_eq!(overlay_base(&extract(&bytes, Format::Tar).unwrap()), "");
}
