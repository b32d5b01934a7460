//! Round trips through the writers and readers, and the refusals of hostile input.

use cairn_repomd::{
    Changelog, Checksum, Comparison, Dependency, Document, FileKind, HeaderRange, Limits, Package,
    PackageFile, ReadError, Repomd, RepomdRecord, read_filelists, read_filelists_paths, read_other,
    read_primary, write_document,
};

fn sample() -> Package {
    Package {
        name: "tool".into(),
        arch: "noarch".into(),
        epoch: 2,
        version: "1.0~rc1^git3".into(),
        release: "4.azl4".into(),
        checksum: Checksum::sha256("ab".repeat(32)),
        summary: "A <tool> & \"friends\"".into(),
        description: "line one\n\n  line two\ttabbed\r".into(),
        packager: String::new(),
        url: "https://example.org/?a=1&b=2".into(),
        time_file: 1_700_000_000,
        time_build: 1_699_999_999,
        size_package: 1234,
        size_installed: 5678,
        size_archive: 6000,
        location_href: "Packages/t/tool-1.0-4.noarch.rpm".into(),
        location_base: None,
        license: "MIT AND (Apache-2.0 OR BSD-3-Clause)".into(),
        vendor: String::new(),
        group: "Unspecified".into(),
        buildhost: "build.example.org".into(),
        sourcerpm: "tool-1.0-4.src.rpm".into(),
        header_range: HeaderRange {
            start: 4504,
            end: 9000,
        },
        provides: vec![Dependency {
            name: "tool".into(),
            flags: Some(Comparison::Equal),
            epoch: Some("2".into()),
            version: Some("1.0~rc1^git3".into()),
            release: Some("4.azl4".into()),
            pre: false,
        }],
        requires: vec![
            Dependency {
                pre: true,
                ..Dependency::new("/bin/sh")
            },
            Dependency::new("(lib-a or lib-b)"),
            Dependency {
                name: "lib-c".into(),
                flags: Some(Comparison::GreaterOrEqual),
                epoch: Some("0".into()),
                version: Some("3".into()),
                release: None,
                pre: false,
            },
        ],
        recommends: vec![Dependency::new("extra")],
        supplements: vec![Dependency::new("(tool-lang if langpacks-de)")],
        files: vec![
            PackageFile {
                path: "/etc/tool.conf".into(),
                kind: FileKind::File,
            },
            PackageFile {
                path: "/usr/bin/tool".into(),
                kind: FileKind::File,
            },
            PackageFile {
                path: "/usr/share/tool".into(),
                kind: FileKind::Dir,
            },
            PackageFile {
                path: "/var/log/tool.log".into(),
                kind: FileKind::Ghost,
            },
        ],
        changelogs: vec![
            Changelog {
                author: "A <a@example.org> - 1.0-3".into(),
                date: 10,
                text: "- old".into(),
            },
            Changelog {
                author: "B <b@example.org> - 1.0-4".into(),
                date: 20,
                text: "- new & <shiny>".into(),
            },
        ],
        ..Package::default()
    }
}

fn render(document: Document, packages: &[Package]) -> Vec<u8> {
    write_document(document, packages.iter(), Vec::new()).unwrap()
}

fn primary(xml: &[u8]) -> Result<Vec<Package>, ReadError> {
    let mut packages = Vec::new();
    read_primary(xml, &Limits::default(), |package| packages.push(package))?;
    Ok(packages)
}

#[test]
fn primary_round_trips_with_only_primary_files() {
    let package = sample();
    let xml = render(Document::Primary, std::slice::from_ref(&package));
    let read = primary(&xml).unwrap();
    let mut expected = package.clone();
    expected
        .files
        .retain(|file| file.path.starts_with("/etc/") || file.path.contains("bin/"));
    expected.changelogs.clear();
    // `\r` survives as a character reference.
    assert_eq!(read, vec![expected]);
}

#[test]
fn filelists_and_other_round_trip() {
    let package = sample();
    let files = render(Document::Filelists, std::slice::from_ref(&package));
    let mut entries = Vec::new();
    read_filelists(files.as_slice(), &Limits::default(), |entry| {
        entries.push(entry)
    })
    .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].pkgid, package.checksum.value);
    assert_eq!(entries[0].files, package.files);
    let mut paths = Vec::new();
    let count = read_filelists_paths(files.as_slice(), &Limits::default(), |pkgid, path| {
        paths.push((pkgid.to_owned(), path.to_owned()));
    })
    .unwrap();
    assert_eq!(count, 1);
    let expected: Vec<(String, String)> = package
        .files
        .iter()
        .map(|file| (package.checksum.value.clone(), file.path.clone()))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(paths, expected);

    let other = render(Document::Other, std::slice::from_ref(&package));
    let mut entries = Vec::new();
    read_other(other.as_slice(), &Limits::default(), |entry| {
        entries.push(entry)
    })
    .unwrap();
    assert_eq!(entries[0].changelogs, package.changelogs);
}

#[test]
fn repomd_round_trips() {
    let repomd = Repomd {
        revision: Some("1700000000".into()),
        records: vec![RepomdRecord {
            kind: "primary".into(),
            checksum: Checksum::sha256("cd".repeat(32)),
            open_checksum: Some(Checksum::sha256("ef".repeat(32))),
            location_href: "repodata/x-primary.xml.zst".into(),
            timestamp: 1_700_000_000,
            size: Some(10),
            open_size: Some(20),
            database_version: None,
        }],
    };
    let xml = repomd.write(Vec::new()).unwrap();
    assert_eq!(Repomd::read(xml.as_slice()).unwrap(), repomd);
}

fn primary_error(xml: &str) -> ReadError {
    primary(xml.as_bytes()).unwrap_err()
}

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata xmlns=\"http://linux.duke.edu/metadata/common\" xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\" packages=\"1\">\n";

#[test]
fn truncated_documents_are_refused() {
    let xml = String::from_utf8(render(Document::Primary, &[sample()])).unwrap();
    for cut in [xml.len() - 3, xml.len() / 2, HEAD.len() + 10, 30] {
        let error = primary_error(&xml[..cut]);
        assert!(
            matches!(
                error,
                ReadError::Truncated { .. } | ReadError::Syntax { .. }
            ),
            "cut at {cut}: {error}"
        );
    }
}

#[test]
fn entities_and_doctypes_are_refused() {
    let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]>\n<metadata packages=\"0\"></metadata>";
    let error = primary_error(bomb);
    assert!(matches!(error, ReadError::Forbidden { .. }), "{error}");
    assert!(error.to_string().contains("line 2"), "{error}");

    let entity = format!("{HEAD}<package><name>&lol;</name></package></metadata>");
    assert!(matches!(
        primary_error(&entity),
        ReadError::Forbidden { .. }
    ));
}

#[test]
fn unsafe_locations_are_refused() {
    for href in [
        "../../etc/passwd",
        "/etc/passwd",
        "Packages/../../x.rpm",
        "http://evil/x.rpm",
    ] {
        let xml = format!(
            "{HEAD}<package><name>x</name><version epoch=\"0\" ver=\"1\" rel=\"1\"/><checksum type=\"sha256\">aa</checksum><location href=\"{href}\"/></package></metadata>"
        );
        let error = primary_error(&xml);
        assert!(
            matches!(error, ReadError::UnsafeLocation { .. }),
            "{href}: {error}"
        );
    }
}

#[test]
fn huge_and_wrong_counts_are_refused() {
    let huge = "<metadata packages=\"99999999999999\"></metadata>";
    assert!(matches!(
        primary_error(huge),
        ReadError::LimitExceeded { .. }
    ));
    let wrong = "<metadata packages=\"3\"></metadata>";
    assert!(matches!(primary_error(wrong), ReadError::Invalid { .. }));

    let limits = Limits {
        max_entries_per_package: 2,
        ..Limits::default()
    };
    let xml = render(Document::Primary, &[sample()]);
    let error = read_primary(xml.as_slice(), &limits, |_| {}).unwrap_err();
    assert!(matches!(error, ReadError::LimitExceeded { .. }), "{error}");
}

#[test]
fn errors_carry_line_and_column() {
    let xml = format!(
        "{HEAD}<package><name>x</name><version epoch=\"zz\" ver=\"1\"/></package></metadata>"
    );
    let error = primary_error(&xml);
    assert!(
        error.to_string().starts_with("primary.xml, line 3, column"),
        "{error}"
    );
}
