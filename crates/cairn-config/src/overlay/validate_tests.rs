use super::*;
use crate::overlay::{Link, OverlayMetadata, OverlayType};

fn overlay(kind: OverlayType) -> Overlay {
    let mut overlay = Overlay::new(kind);
    overlay.description = Some("test overlay".to_owned());
    overlay
}

fn text(value: &str) -> Option<String> {
    Some(value.to_owned())
}

fn message(overlay: &Overlay) -> String {
    overlay
        .validate()
        .expect_err("validation should fail")
        .to_string()
}

#[test]
fn tag_overlays_need_tag_and_value() {
    for kind in [
        OverlayType::SpecAddTag,
        OverlayType::SpecInsertTag,
        OverlayType::SpecSetTag,
        OverlayType::SpecUpdateTag,
    ] {
        let mut o = overlay(kind);
        assert!(message(&o).contains("requires \"tag\" field: test overlay"));
        o.tag = text("Release");
        assert!(message(&o).contains("requires \"value\" field"));
        o.value = text("");
        assert!(
            message(&o).contains("requires \"value\" field"),
            "empty string counts as unset"
        );
        o.value = text("2%{?dist}");
        o.validate().unwrap();
    }
    let mut remove = overlay(OverlayType::SpecRemoveTag);
    assert!(message(&remove).contains("\"tag\""));
    remove.tag = text("BuildRequires");
    remove.validate().unwrap();
}

#[test]
fn line_overlays_need_lines_and_section_with_package() {
    for kind in [OverlayType::SpecPrependLines, OverlayType::SpecAppendLines] {
        let mut o = overlay(kind);
        assert!(message(&o).contains("requires \"lines\" field"));
        o.lines = Some(Vec::new());
        assert!(message(&o).contains("requires \"lines\" field"));
        o.lines = Some(vec!["x".to_owned()]);
        o.validate().unwrap();
        o.package = text("devel");
        assert!(message(&o).contains("requires \"section\" field when \"package\" is set"));
        o.section = text("%files");
        o.validate().unwrap();
    }
}

#[test]
fn search_replace_needs_a_compiling_regex() {
    let mut o = overlay(OverlayType::SpecSearchReplace);
    assert!(message(&o).contains("requires \"regex\" field"));
    o.regex = text("(?P<broken");
    let error = message(&o);
    assert!(
        error.contains("invalid regex `(?P<broken` in overlay \"test overlay\""),
        "{error}"
    );
    o.regex = text("^foo$");
    o.validate().unwrap();
    o.package = text("devel");
    assert!(message(&o).contains("when \"package\" is set"));
}

#[test]
fn file_overlays_need_relative_paths() {
    let mut o = overlay(OverlayType::FileRemove);
    assert!(message(&o).contains("requires \"file\" field"));
    o.file = text("/etc/passwd");
    assert!(message(&o).contains("requires \"file\" to be a relative path; found `/etc/passwd`"));
    o.file = text("*.bak");
    o.validate().unwrap();

    let mut add = overlay(OverlayType::FileAdd);
    add.file = text("extra.conf");
    assert!(message(&add).contains("requires \"source\" field"));
    add.source = text("files/extra.conf");
    add.validate().unwrap();

    let mut prepend = overlay(OverlayType::FilePrependLines);
    prepend.file = text("a.txt");
    assert!(message(&prepend).contains("\"lines\""));

    let mut replace = overlay(OverlayType::FileSearchReplace);
    replace.file = text("a.txt");
    assert!(message(&replace).contains("\"regex\""));
    replace.regex = text("[");
    assert!(message(&replace).contains("invalid regex"));
}

#[test]
fn rename_replacement_is_a_basename() {
    let mut o = overlay(OverlayType::FileRename);
    o.file = text("a.txt");
    assert!(message(&o).contains("requires \"replacement\" field"));
    o.replacement = text("dir/b.txt");
    assert!(message(&o).contains(
        "requires \"replacement\" to be a filename only (not a path); found `dir/b.txt`"
    ));
    o.replacement = text("b.txt");
    o.validate().unwrap();
}

#[test]
fn section_and_subpackage_removal_rules() {
    let mut section = overlay(OverlayType::SpecRemoveSection);
    assert!(message(&section).contains("requires \"section\" field"));
    section.section = text("%check");
    section.validate().unwrap();

    let mut subpackage = overlay(OverlayType::SpecRemoveSubpackage);
    assert!(message(&subpackage).contains("requires \"package\" field"));
    subpackage.package = text("devel");
    subpackage.validate().unwrap();
    subpackage.section = text("%files");
    assert!(message(&subpackage).contains("does not accept \"section\" field"));
}

#[test]
fn patch_overlays() {
    let mut add = overlay(OverlayType::PatchAdd);
    assert!(message(&add).contains("requires \"source\" field"));
    add.source = text("fix.patch");
    add.validate().unwrap();
    add.file = text("/abs.patch");
    assert!(message(&add).contains("relative path"));

    let mut remove = overlay(OverlayType::PatchRemove);
    assert!(message(&remove).contains("requires \"file\" field"));
    remove.file = text("CVE-[0-9*.patch");
    assert!(message(&remove).contains("invalid glob pattern `CVE-[0-9*.patch`"));
    remove.file = text("CVE-*.patch");
    remove.validate().unwrap();
}

#[test]
fn archive_rules() {
    let mut o = overlay(OverlayType::FileRemove);
    o.file = text("docs/*.pdf");
    o.archive = text("pkg-1.0.tar.gz");
    o.validate().unwrap();
    assert!(o.modifies_archive());
    o.archive = text("sub/pkg-1.0.tar.gz");
    assert!(message(&o).contains("requires \"archive\" to be a filename only"));
    o.archive = text("pkg-1.0.rar");
    assert!(message(&o).contains("unsupported archive `pkg-1.0.rar`"));
    for name in [
        "a.tar",
        "a.tgz",
        "a.tar.xz",
        "a.TAR.ZST",
        "a.tar.bz2",
        "a.zip",
    ] {
        o.archive = text(name);
        o.validate().unwrap();
    }
    let mut wrong_type = overlay(OverlayType::FileAdd);
    wrong_type.file = text("x");
    wrong_type.source = text("y");
    wrong_type.archive = text("a.tar");
    assert!(message(&wrong_type).contains("does not accept \"archive\" field"));
    assert!(!wrong_type.modifies_archive());
}

#[test]
fn archive_extension_prefers_the_longest_suffix() {
    assert_eq!(archive_extension("x-1.tar.gz"), Some(".tar.gz"));
    assert_eq!(archive_extension("x-1.tar"), Some(".tar"));
    assert_eq!(archive_extension("x-1.gz"), None);
}

#[test]
fn placeholder_description_in_messages() {
    let o = Overlay::new(OverlayType::SpecAddTag);
    assert!(message(&o).ends_with("(no description)"));
}

fn metadata(category: &str, status: &str) -> OverlayMetadata {
    OverlayMetadata {
        category: text(category),
        commits: Vec::new(),
        bugs: Vec::new(),
        upstream_status: text(status),
    }
}

#[test]
fn metadata_rules() {
    assert_eq!(
        metadata("", "unknown").validate(),
        Err(MetadataError::MissingCategory)
    );
    assert_eq!(
        metadata("azl-whatever", "unknown").validate(),
        Err(MetadataError::UnknownCategory("azl-whatever".into()))
    );
    assert_eq!(
        metadata("azl-pruning", "").validate(),
        Err(MetadataError::MissingUpstreamStatus)
    );
    assert_eq!(
        metadata("azl-pruning", "maybe").validate(),
        Err(MetadataError::UnknownUpstreamStatus("maybe".into()))
    );
    assert_eq!(metadata("azl-pruning", "inapplicable").validate(), Ok(()));
    let mut backport = metadata("upstream-backport", "upstreamed");
    assert_eq!(
        backport.validate(),
        Err(MetadataError::BackportWithoutCommits)
    );
    backport.commits.push(Link {
        url: "https://src.fedoraproject.org/rpms/x/c/abc".into(),
    });
    assert_eq!(backport.validate(), Ok(()));
    backport.upstream_status = text("inapplicable");
    assert_eq!(
        backport.validate(),
        Err(MetadataError::ContradictoryStatus("inapplicable".into()))
    );
    let mut bugs = metadata("azl-temp-workaround", "unknown");
    bugs.bugs.push(Link {
        url: "ftp://example.org/1".into(),
    });
    assert!(matches!(
        bugs.validate(),
        Err(MetadataError::InvalidUrl { field: "bugs", .. })
    ));
    bugs.bugs[0].url = "https://".into();
    assert!(bugs.validate().is_err());
    bugs.bugs[0].url = "HTTP://bugzilla.example.org/show_bug.cgi?id=1".into();
    assert_eq!(bugs.validate(), Ok(()));
}

#[test]
fn overlay_metadata_errors_name_the_overlay() {
    let mut o = overlay(OverlayType::SpecRemoveTag);
    o.tag = text("Requires");
    o.metadata = Some(metadata("nope", "unknown"));
    assert!(message(&o).starts_with(
        "invalid metadata for overlay \"test overlay\": unknown overlay category `nope`"
    ));
}

#[test]
fn braces_that_are_not_repetitions_are_literal_as_in_re2() {
    assert_eq!(
        escape_literal_braces("cp -a %{SOURCE1} ."),
        r"cp -a %\{SOURCE1} ."
    );
    assert_eq!(
        escape_literal_braces(r"a{2,3}b{4}c{5,}"),
        r"a{2,3}b{4}c{5,}"
    );
    assert_eq!(escape_literal_braces(r"\{x[{]"), r"\{x[{]");
    let regex = regex::Regex::new(&escape_literal_braces("linux-%{tarfile_release}")).unwrap();
    assert!(regex.is_match("tar xf linux-%{tarfile_release}.tar.xz"));
}
