use super::*;

fn file(path: &str, text: &str, mode: u32) -> (String, MemoryEntry) {
    (
        path.to_owned(),
        MemoryEntry::File {
            data: text.as_bytes().to_vec(),
            mode,
        },
    )
}

#[test]
fn layout_and_aliases() {
    assert_eq!(
        component_dir(Path::new("specs"), "Xorg-x11"),
        Path::new("specs/x/Xorg-x11")
    );
    assert_eq!(alias_name("libxml++").as_deref(), Some("libxml%2B%2B"));
    assert_eq!(alias_name("python3.13"), None);
    assert_eq!(alias_name("dbus-c++").as_deref(), Some("dbus-c%2B%2B"));
}

#[test]
fn replace_compare_and_alias() {
    let root = tempfile::tempdir().unwrap();
    let dir = component_dir(root.path(), "libxml++");
    let first = vec![
        file("a.patch", "p", 0o644),
        file("libxml++.spec", "v1", 0o644),
        file("sub/run.sh", "#!", 0o755),
        (
            "link".to_owned(),
            MemoryEntry::Symlink {
                target: "a.patch".into(),
            },
        ),
    ];
    assert!(differs(&dir, &first).unwrap());
    replace_dir(&dir, &first).unwrap();
    assert!(!differs(&dir, &first).unwrap());
    write_alias(&dir, "libxml++").unwrap();
    write_alias(&dir, "libxml++").unwrap();
    let alias = root.path().join("l/libxml%2B%2B");
    assert_eq!(std::fs::read_link(&alias).unwrap(), Path::new("libxml++"));
    assert_eq!(
        std::fs::read_to_string(alias.join("libxml++.spec")).unwrap(),
        "v1"
    );

    let mut second = first.clone();
    second[1] = file("libxml++.spec", "v2", 0o644);
    assert!(differs(&dir, &second).unwrap());
    let mut executable = first.clone();
    executable[0] = file("a.patch", "p", 0o755);
    assert!(differs(&dir, &executable).unwrap());
    assert!(differs(&dir, &first[1..]).unwrap());
    replace_dir(&dir, &second).unwrap();
    assert!(!differs(&dir, &second).unwrap());
    assert_eq!(
        std::fs::read_to_string(dir.join("libxml++.spec")).unwrap(),
        "v2"
    );
    // Nothing is left beside it.
    let names: Vec<String> = std::fs::read_dir(root.path().join("l"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");

    replace_dir(&dir, &marker_tree()).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.join(MARKER_NAME)).unwrap(),
        MARKER_TEXT
    );
    assert!(!dir.join("sub").exists());
}

#[test]
fn leftovers_are_cleaned_or_restored() {
    let root = tempfile::tempdir().unwrap();
    let letter = root.path().join("c");
    std::fs::create_dir_all(letter.join(".curl.cairn-staging-1-0")).unwrap();
    std::fs::create_dir_all(letter.join(".bash.cairn-old-1-1")).unwrap();
    std::fs::write(letter.join(".bash.cairn-old-1-1/bash.spec"), "old").unwrap();
    std::fs::create_dir_all(letter.join("cpio")).unwrap();
    std::fs::create_dir_all(letter.join(".cpio.cairn-old-2-0")).unwrap();
    assert_eq!(cleanup_leftovers(root.path()).unwrap(), 3);
    let mut names: Vec<String> = std::fs::read_dir(&letter)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["bash", "cpio"]);
    assert_eq!(
        std::fs::read_to_string(letter.join("bash/bash.spec")).unwrap(),
        "old"
    );
}

#[test]
fn orphans_are_component_directories_only() {
    let root = tempfile::tempdir().unwrap();
    for dir in [
        "c/curl",
        "c/cpio",
        "l/libxml++",
        "l/libxml%2B%2B",
        "tools/x",
        "c/.hidden",
    ] {
        std::fs::create_dir_all(root.path().join(dir)).unwrap();
    }
    std::fs::write(root.path().join("c/README"), "").unwrap();
    let names: BTreeSet<String> = ["curl", "libxml++"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    assert_eq!(orphans(root.path(), &names).unwrap(), ["c/cpio"]);
    remove_dir(&root.path().join("c/cpio")).unwrap();
    assert!(orphans(root.path(), &names).unwrap().is_empty());
}

#[test]
fn unsafe_paths_are_refused() {
    let root = tempfile::tempdir().unwrap();
    let error = write_tree(root.path(), &[file("../x", "", 0o644)]).unwrap_err();
    assert!(error.to_string().contains("../x"));
}
