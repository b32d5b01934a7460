//! Random but reproducible package histories for the oracle comparison: version and epoch
//! changes, `%autorelease` options, bump and skip markers, merges (resolvable and not), a
//! `changelog` file appearing and disappearing, deleted and broken specs, multi-line and
//! non-ASCII messages, wrapping edge cases and many time zones.

use cairn_autospec::{Commit, FileState, Signature};

use crate::oracle::GitCommit;

/// splitmix64: small, deterministic, good enough for test data.
pub struct Random(u64);

impl Random {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[usize::try_from(self.below(items.len() as u64)).expect("small")]
    }
}

const NAMES: &[(&str, &str)] = &[
    ("Jane Packager", "jane@example.com"),
    ("José Müller", "jose@example.org"),
    ("Zbigniew Jędrzejewski-Szmek", "zbyszek@example.pl"),
    ("李雷", "li@example.cn"),
    ("Fedora Release Engineering", "releng@fedoraproject.org"),
    ("azldev", "azldev@local"),
    ("O'Brien, Pat", "pat@example.ie"),
];

const WORDS: &[&str] = &[
    "update",
    "fix",
    "the",
    "build",
    "with",
    "GCC",
    "15",
    "re-enable",
    "tests",
    "on",
    "x86-64",
    "and",
    "aarch64",
    "well-known",
    "drop",
    "obsolete",
    "patch",
    "(upstream",
    "bug",
    "#1234)",
    "use",
    "%{name}",
    "100%",
    "macro",
    "--",
    "long-standing",
    "regression",
    "in",
    "Müller's",
    "übersetzung",
    "naïve",
    "façade",
    "中文",
    "https://fedoraproject.org/wiki/Fedora_41_Mass_Rebuild",
    "co-maintainer",
    "a-b-c-d",
    "--enable-foo",
    "--with-bar=baz",
    "e.g.",
    "i.e.,",
    "\"quoted\"",
    "it's",
    "...",
    "verylongidentifierthatkeepsgoing_and_going_without_any_break_at_all_whatsoever_really",
    "CVE-2024-12345",
    "rhbz#2240000",
    "python3-foo",
    "foo--bar",
    "-",
    "—",
    "tab\tseparated",
];

fn sentence(random: &mut Random, base: u64, extra: u64) -> String {
    let words = base + if extra > 0 { random.below(extra) } else { 0 };
    (0..words)
        .map(|_| *random.pick(WORDS))
        .collect::<Vec<_>>()
        .join(" ")
}

fn message(random: &mut Random) -> String {
    let mut subject = match random.below(8) {
        0 => String::from("Update to new upstream release"),
        1 => format!("- {}", sentence(random, 4, 0)),
        2 => sentence(random, 18, 12),
        3 => format!("{}\n{}", sentence(random, 5, 0), sentence(random, 5, 0)),
        _ => sentence(random, 2, 8),
    };
    if random.chance(10) {
        subject.push_str("   ");
    }
    let mut message = subject;
    match random.below(9) {
        0 | 1 => {}
        2 => {
            message.push_str("\n\n");
            message.push_str(&sentence(random, 12, 0));
        }
        3 | 4 => {
            message.push_str("\n\n");
            for _ in 0..1 + random.below(4) {
                message.push_str(&format!("- {}\n", sentence(random, 3, 20)));
                if random.chance(30) {
                    message.push_str(&format!("  {}\n", sentence(random, 6, 0)));
                }
            }
            if random.chance(30) {
                message.push_str("\nSigned-off-by: Jane Packager <jane@example.com>\n");
            }
        }
        5 => {
            message.push_str(&format!(
                "\n\n... {}\n- {}",
                sentence(random, 4, 0),
                sentence(random, 4, 0)
            ));
        }
        6 => message.push_str("\n\n[skip changelog]"),
        7 => message.push_str(&format!("\n\n[bump release: {}]", 1 + random.below(30))),
        _ => message.push_str(&format!(
            "\n\n- {}\n\n- after a blank line\n",
            sentence(random, 3, 0)
        )),
    }
    if random.chance(70) {
        message.push('\n');
    }
    message
}

/// The parts of a spec that change over a history.
#[derive(Clone)]
struct SpecState {
    version: u64,
    epoch: Option<u64>,
    release: String,
    version_via_global: bool,
    changelog: &'static str,
    edit: u64,
    broken: bool,
}

impl SpecState {
    fn render(&self) -> String {
        let mut spec = String::new();
        if self.version_via_global {
            spec.push_str(&format!("%global upstream_version 1.{}\n", self.version));
        }
        spec.push_str("Name:           pkg\n");
        if self.broken {
            spec.push_str("Version:        1.0-broken\n");
        } else if self.version_via_global {
            spec.push_str("Version:        %{upstream_version}\n");
        } else {
            spec.push_str(&format!("Version:        1.{}\n", self.version));
        }
        if let Some(epoch) = self.epoch {
            spec.push_str(&format!("Epoch:          {epoch}\n"));
        }
        spec.push_str(&format!("Release:        {}\n", self.release));
        spec.push_str("Summary:        Test package\nLicense:        MIT\n\n%description\nA test package.\n\n");
        spec.push_str(&format!(
            "%prep\n# edit {}\n\n%build\n\n%files\n\n",
            self.edit
        ));
        spec.push_str(self.changelog);
        spec
    }
}

fn release(random: &mut Random) -> String {
    match random.below(8) {
        0 => String::from("1%{?dist}"),
        1 => format!("%{{autorelease -b {}}}", random.below(20)),
        2 => String::from("%autorelease -e rc1"),
        3 => String::from("%autorelease -p -s 20250101git"),
        4 => String::from("%{?autorelease}"),
        _ => String::from("%autorelease"),
    }
}

const CHANGELOGS: &[&str] = &[
    "%changelog\n%autochangelog\n",
    "%changelog\n%autochangelog\n",
    "%changelog\n%autochangelog\n",
    "%changelog\n* Mon Jan 01 2024 Jane Packager <jane@example.com> - 1.0-1\n- Static entry\n",
    "",
    "%autochangelog\n",
];

struct Tip {
    id: String,
    spec: Option<String>,
    changelog: Option<String>,
    other: String,
    state: SpecState,
    time: i64,
}

/// A history of about `size` commits (parents before children, head last).
pub fn history(seed: u64, size: u64) -> Vec<GitCommit> {
    let mut random = Random::new(seed);
    let mut commits: Vec<GitCommit> = Vec::new();
    let state = SpecState {
        version: 0,
        epoch: random.chance(20).then(|| random.below(3)),
        release: release(&mut random),
        version_via_global: random.chance(30),
        changelog: CHANGELOGS
            [usize::try_from(random.below(CHANGELOGS.len() as u64)).expect("small")],
        edit: 0,
        broken: false,
    };
    let mut main = Tip {
        id: String::new(),
        spec: Some(state.render()),
        changelog: None,
        other: String::from("sources 0"),
        state,
        time: 1_500_000_000 + i64::try_from(random.below(200_000_000)).expect("small"),
    };
    let mut side: Option<Tip> = None;
    let mut counter = 0;
    for step in 0..size {
        let last = step + 1 == size;
        // Occasionally branch, and merge the branch back later.
        if side.is_none() && !main.id.is_empty() && random.chance(12) && !last {
            side = Some(Tip {
                id: main.id.clone(),
                spec: main.spec.clone(),
                changelog: main.changelog.clone(),
                other: main.other.clone(),
                state: main.state.clone(),
                time: main.time,
            });
        }
        if let Some(branch) = side.as_mut().filter(|_| random.chance(35) && !last) {
            counter += 1;
            commit_on(&mut random, &mut commits, branch, counter, false);
            continue;
        }
        if let Some(branch) = side.take_if(|_| random.chance(30) || last) {
            counter += 1;
            merge(&mut random, &mut commits, &mut main, &branch, counter);
            if last {
                break;
            }
            continue;
        }
        counter += 1;
        commit_on(&mut random, &mut commits, &mut main, counter, last);
    }
    commits
}

fn signature(random: &mut Random, time: i64) -> Signature {
    let (name, email) = *random.pick(NAMES);
    let offset = i32::try_from(random.below(26)).expect("small") * 60 - 720
        + if random.chance(10) { 30 } else { 0 };
    Signature::new(name, email, time).with_offset(offset)
}

fn commit_on(
    random: &mut Random,
    commits: &mut Vec<GitCommit>,
    tip: &mut Tip,
    counter: u64,
    last: bool,
) {
    tip.time += i64::try_from(random.below(3 * 86_400)).expect("small")
        - if random.chance(5) { 86_400 } else { 0 };
    let mut state = tip.state.clone();
    let mut spec = tip.spec.clone();
    let mut changelog = tip.changelog.clone();
    let mut spec_changed = random.chance(80) || last;
    match random.below(20) {
        0..=5 => state.version += 1,
        6 if !last => state.epoch = Some(state.epoch.map_or(1, |e| e + 1)),
        7 => state.release = release(random),
        8 if !last && tip.spec.is_some() => {
            spec = None;
            spec_changed = false;
        }
        9 if !last => state.broken = true,
        10 => {
            changelog = Some(format!(
                "* Sat Jan 01 2000 Old Packager <old@example.com> - 0.{counter}-1\n- Frozen history {counter}\n"
            ))
        }
        11 if changelog.is_some() => changelog = None,
        12 => changelog = Some(String::new()),
        _ => {}
    }
    if !matches!(random.below(20), 9) {
        state.broken = state.broken && !last && random.chance(40);
    }
    if last {
        state.broken = false;
        state.changelog = tip.state.changelog;
    }
    if spec_changed || (spec.is_none() && tip.spec.is_none() && random.chance(50)) || last {
        state.edit = counter;
        spec = Some(state.render());
    }
    let author = signature(random, tip.time);
    let mut commit = Commit::new(
        format!("c{counter}"),
        parents_of(tip),
        author.clone(),
        message(random),
    );
    if random.chance(25) {
        let delay = i64::try_from(random.below(90_000)).expect("small");
        commit = commit.with_committer(signature(random, tip.time + delay));
    }
    let parents_empty = commit.parents.is_empty();
    commit.spec = file_state(spec.as_deref(), tip.spec.as_deref(), parents_empty);
    commit.changelog = file_state(
        changelog.as_deref(),
        tip.changelog.as_deref(),
        parents_empty,
    );
    let other = random.chance(30).then(|| format!("sources {counter}"));
    if let Some(other) = &other {
        tip.other.clone_from(other);
    }
    tip.id.clone_from(&commit.id);
    tip.spec = spec;
    tip.changelog = changelog;
    tip.state = state;
    commits.push(GitCommit {
        commit,
        other: if parents_empty {
            Some(tip.other.clone())
        } else {
            other
        },
    });
}

fn merge(
    random: &mut Random,
    commits: &mut Vec<GitCommit>,
    main: &mut Tip,
    branch: &Tip,
    counter: u64,
) {
    if branch.id == main.id {
        return;
    }
    main.time = main.time.max(branch.time) + 3600;
    let author = signature(random, main.time);
    let message = format!(
        "Merge branch 'side'\n\n{}",
        if random.chance(50) {
            "- merged work\n"
        } else {
            ""
        }
    );
    let mut commit = Commit::new(
        format!("c{counter}"),
        vec![main.id.clone(), branch.id.clone()],
        author,
        message,
    );
    // Take one parent's tree whole ("ours"/"theirs"), or combine them.
    match random.below(3) {
        0 => {}
        1 => {
            main.spec.clone_from(&branch.spec);
            main.changelog.clone_from(&branch.changelog);
            main.other.clone_from(&branch.other);
            main.state = branch.state.clone();
        }
        _ => {
            main.state.edit = counter;
            main.state.version = main.state.version.max(branch.state.version);
            main.spec = Some(main.state.render());
            main.other = format!("sources merged {counter}");
        }
    }
    commit.spec = main
        .spec
        .as_deref()
        .map_or(FileState::Absent, FileState::text);
    commit.changelog = main
        .changelog
        .as_deref()
        .map_or(FileState::Absent, FileState::text);
    main.id.clone_from(&commit.id);
    commits.push(GitCommit {
        commit,
        other: Some(main.other.clone()),
    });
}

fn parents_of(tip: &Tip) -> Vec<String> {
    if tip.id.is_empty() {
        Vec::new()
    } else {
        vec![tip.id.clone()]
    }
}

fn file_state(now: Option<&str>, before: Option<&str>, root: bool) -> FileState {
    match now {
        None => FileState::Absent,
        Some(text) if !root && before == Some(text) => FileState::Unchanged,
        Some(text) => FileState::text(text),
    }
}
