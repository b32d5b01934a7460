//! `[cairn]`: cairn's own table, merged across files with paths made absolute.

use crate::{load, project};

#[test]
fn cairn_build_merges_across_files_with_absolute_macro_files() {
    let dir = project(&[
        (
            "azldev.toml",
            "includes = [\"distro/build.toml\"]\n\
             [cairn.build]\n\
             sysroot-macro = \"sysroot\"\n\
             [cairn.build.host-provides]\n\
             capabilities = [\"gcc\", \"make\"]\n\
             [cairn.build.bootstrap.musl]\n\
             with = [\"stage0\"]\n",
        ),
        (
            "distro/build.toml",
            "[cairn.build]\n\
             macro-files = [\"rpm/macros.dist\"]\n\
             [cairn.build.host-provides]\n\
             capabilities = [\"make\", \"/bin/sh\"]\n\
             include-dirs = [\"linux\"]\n\
             [cairn.build.bootstrap.musl]\n\
             with = [\"bootstrap\"]\n",
        ),
    ]);
    let loaded = load(&dir).unwrap();
    let build = &loaded.cairn().build;
    assert_eq!(
        build.macro_files,
        [dir.path().join("distro/rpm/macros.dist")]
    );
    assert_eq!(build.sysroot_macro.as_deref(), Some("sysroot"));
    assert_eq!(build.host_provides.capabilities, ["gcc", "make", "/bin/sh"]);
    assert_eq!(build.host_provides.include_dirs, ["linux"]);
    // The including file loads first, so the included file's entry for the same component wins.
    assert_eq!(build.bootstrap["musl"].with, ["bootstrap"]);
}

#[test]
fn unknown_keys_in_the_cairn_table_are_reported() {
    let dir = project(&[("azldev.toml", "[cairn.build]\nmacro-file = [\"x\"]\n")]);
    let error = load(&dir).unwrap_err().to_string();
    assert!(error.contains("macro-file"), "{error}");
    assert!(error.contains("macro-files"), "{error}");
}
