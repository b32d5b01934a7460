//! azldev's synthetic history, checked for shape and then run through the real rpmautospec.

use cairn_autospec::azldev::{OverlaidTree, ProjectChange, SyntheticInput, synthetic_history};
use cairn_autospec::{Commit, FileState, Signature};

use crate::oracle::{GitCommit, compare, oracle_or_skip, oracle_version};

fn spec(version: &str, extra: &str) -> FileState {
    FileState::text(format!(
        "Name: pkg\nVersion: {version}\nRelease: %autorelease\nSummary: s\nLicense: MIT\n\n%description\nd\n{extra}\n\
         %prep\n\n%files\n\n%changelog\n%autochangelog\n"
    ))
}

fn upstream() -> Vec<Commit> {
    let mut commits = Vec::new();
    for (index, version) in ["1.0", "1.0", "2.0", "2.0", "2.0"].iter().enumerate() {
        let id = format!("u{}", index + 1);
        let parents = if index == 0 {
            Vec::new()
        } else {
            vec![format!("u{index}")]
        };
        let author = Signature::new(
            "Fedora Packager",
            "packager@fedoraproject.org",
            1_700_000_000 + 86_400 * index as i64,
        )
        .with_offset(120);
        let message = format!("Upstream change {}\n\n- detail {}\n", index + 1, index + 1);
        commits.push(
            Commit::new(id, parents, author, message)
                .with_spec(spec(version, &format!("# {index}"))),
        );
    }
    commits
}

fn change(hash: &str, time: i64, upstream: &str) -> ProjectChange {
    ProjectChange {
        project_commit: hash.to_owned(),
        author_name: String::from("Daniel McIlvaney"),
        author_email: String::from("damcilva@microsoft.com"),
        time,
        subject: format!("test: lock change {hash}"),
        upstream_commit: Some(upstream.to_owned()),
    }
}

fn input_changes() -> Vec<ProjectChange> {
    vec![
        change("p1", 1_750_000_000, "u3"),
        change("p2", 1_760_000_000, "u5"),
        ProjectChange::dirty(1_770_000_000, Some(String::from("u5"))),
    ]
}

#[test]
fn synthetic_commits_interleave_after_their_upstream_commit() {
    let upstream = upstream();
    let changes = input_changes();
    let input = SyntheticInput {
        upstream: &upstream,
        upstream_head: "u5",
        import_commit: Some("u2"),
        changes: &changes,
        overlaid: OverlaidTree {
            spec: spec("2.0", "# overlaid"),
            changelog: FileState::Absent,
            tree: None,
        },
    };
    let history = synthetic_history(&input).expect("history builds");
    let mut chain = Vec::new();
    let mut current = history.head().clone();
    loop {
        chain.push((current.id.clone(), current.message.clone()));
        let Some(parent) = current.parents.first() else {
            break;
        };
        current = history
            .commits()
            .iter()
            .find(|c| &c.id == parent)
            .expect("parent present")
            .clone();
    }
    let ids: Vec<&str> = chain.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "synthetic-3",
            "synthetic-2",
            "u5+replayed",
            "u4+replayed",
            "synthetic-1",
            "u3+replayed",
            "u2",
            "u1"
        ]
    );
    assert_eq!(
        chain[0].1,
        "Local changes (uncommitted)\n\nProject commit: dirty"
    );
    assert_eq!(history.head().author.email, "azldev@local");
    assert_eq!(chain[4].1, "test: lock change p1\n\nProject commit: p1");
}

#[test]
fn unknown_upstream_commit_is_an_error() {
    let upstream = upstream();
    let changes = vec![change("p1", 1_750_000_000, "nope")];
    let input = SyntheticInput {
        upstream: &upstream,
        upstream_head: "u5",
        import_commit: None,
        changes: &changes,
        overlaid: OverlaidTree {
            spec: spec("2.0", ""),
            changelog: FileState::Absent,
            tree: None,
        },
    };
    assert!(synthetic_history(&input).is_err());
}

#[test]
fn synthetic_history_matches_rpmautospec() {
    let Some(oracle) = oracle_or_skip() else {
        return;
    };
    let version = oracle_version(&oracle);
    let upstream = upstream();
    let changes = input_changes();
    let input = SyntheticInput {
        upstream: &upstream,
        upstream_head: "u5",
        import_commit: Some("u2"),
        changes: &changes,
        overlaid: OverlaidTree {
            spec: spec("2.0", "# overlaid"),
            changelog: FileState::Absent,
            tree: None,
        },
    };
    let history = synthetic_history(&input).expect("history builds");
    // The commits come out parents-first with the head last; drop the superseded upstream tail.
    let reachable: Vec<GitCommit> = history
        .commits()
        .iter()
        .filter(|commit| !matches!(commit.id.as_str(), "u3" | "u4" | "u5"))
        .map(|commit| GitCommit {
            commit: commit.clone(),
            other: None,
        })
        .collect();
    if let Some(difference) = compare(&oracle, &version, &reachable) {
        panic!("{difference}");
    }
}
