//! cairn-plan on small synthetic distributions: rendered spec directories written to a
//! temporary directory and evaluated with the host rpm's macros.

#![expect(clippy::print_stderr, reason = "tests say when they skip")]

use std::path::{Path, PathBuf};

use cairn_macro::spec::Dependency;
use cairn_plan::{
    BinaryPackage, ComponentInput, Conditionals, EvaluationSettings, Plan, PlanRequest, plan,
};

const FILESYSTEM: &str = "Name: filesystem\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\nBuildArch: noarch\n%description\nd\n%files\n";
const MUSL: &str = "%bcond bootstrap 0\nName: musl\nVersion: 1.2.3\nRelease: 1\nSummary: s\nLicense: MIT\nBuildRequires: gcc\n%if %{without bootstrap}\nBuildRequires: busybox\n%endif\nRequires: filesystem\n%description\nd\n%package devel\nSummary: s\nRequires: musl = %{version}-%{release}\n%description devel\nd\n%files\n%files devel\n";
const BUSYBOX: &str = "Name: busybox\nVersion: 1.35\nRelease: 1\nSummary: s\nLicense: GPL\nBuildRequires: gcc\nBuildRequires: musl-devel\nProvides: /bin/sh\n%description\nd\n%files\n";
const ZLIB: &str = "Name: zlib\nVersion: 1.2.13\nRelease: 1\nSummary: s\nLicense: Zlib\nBuildRequires: musl-devel\nBuildRequires: not-built-anywhere\n%description\nd\n%package devel\nSummary: s\nRequires: zlib = %{version}-%{release}\nProvides: compression-headers\n%description devel\nd\n%files\n%files devel\n";
const LZ4: &str = "Name: lz4\nVersion: 1.9.4\nRelease: 1\nSummary: s\nLicense: BSD\nBuildRequires: musl-devel\n%description\nd\n%package devel\nSummary: s\nProvides: compression-headers\n%description devel\nd\n%files\n%files devel\n";
const ZSTD: &str = "Name: zstd\nVersion: 1.5.4\nRelease: 1\nSummary: s\nLicense: BSD\nBuildRequires: (lz4-devel or zlib-devel)\nBuildRequires: zlib-devel >= 2\nBuildRequires: compression-headers\n%description\nd\n%files\n";

fn host_macros() -> Option<EvaluationSettings> {
    if !Path::new("/usr/lib/rpm/macros").is_file() {
        eprintln!("skipping: the host has no rpm macros (/usr/lib/rpm/macros)");
        return None;
    }
    Some(EvaluationSettings::host("x86_64", &[]))
}

/// Writes specs in the rendered layout and returns the request for them.
fn distribution(root: &Path, specs: &[(&str, &str)], bootstrap: &[&str]) -> PlanRequest {
    let components = specs
        .iter()
        .map(|(name, text)| {
            let dir = root.join(&name[..1]).join(name);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("{name}.spec")), text).unwrap();
            ComponentInput {
                name: (*name).to_owned(),
                dir,
                bootstrap: bootstrap.contains(name).then(|| Conditionals {
                    with: vec!["bootstrap".into()],
                    without: vec![],
                }),
            }
        })
        .collect();
    PlanRequest {
        components,
        settings: EvaluationSettings::host("x86_64", &[]),
        host_provides: vec!["gcc".into()],
        cache_file: Some(root.join("cache/plan.json")),
        built: std::collections::BTreeMap::new(),
    }
}

fn example(root: &Path, bootstrap: &[&str]) -> PlanRequest {
    distribution(
        root,
        &[
            ("busybox", BUSYBOX),
            ("filesystem", FILESYSTEM),
            ("lz4", LZ4),
            ("musl", MUSL),
            ("zlib", ZLIB),
            ("zstd", ZSTD),
        ],
        bootstrap,
    )
}

fn component<'a>(plan: &'a Plan, name: &str) -> &'a cairn_plan::PlannedComponent {
    plan.components
        .iter()
        .find(|component| component.name == name)
        .unwrap()
}

fn targets(plan: &Plan, name: &str) -> Vec<String> {
    component(plan, name)
        .edges
        .iter()
        .map(|edge| plan.components[edge.target].name.clone())
        .collect()
}

fn waves(plan: &Plan) -> Vec<Vec<String>> {
    plan.waves
        .iter()
        .map(|wave| {
            wave.iter()
                .map(|&stage| plan.stages[stage].name.clone())
                .collect()
        })
        .collect()
}

#[test]
fn build_requires_resolve_through_requires_to_components() {
    let Some(_) = host_macros() else { return };
    let dir = tempfile::tempdir().unwrap();
    let plan = plan(&example(dir.path(), &["musl"])).unwrap();
    for component in &plan.components {
        assert!(
            component.error.is_none(),
            "{}: {:?}",
            component.name,
            component.error
        );
    }
    // busybox needs musl-devel, which requires musl, which requires filesystem.
    assert_eq!(targets(&plan, "busybox"), ["filesystem", "musl"]);
    let edge = &component(&plan, "busybox").edges[0];
    assert_eq!(
        edge.reasons[0].to_string(),
        "BuildRequires: musl-devel -> musl-devel -> musl -> filesystem"
    );
    assert!(!edge.direct);
    // zstd: the `or` takes lz4-devel (the first operand provided); `zlib-devel >= 2` is not
    // provided by zlib 1.2.13; two components provide compression-headers.
    assert_eq!(targets(&plan, "zstd"), ["lz4"]);
    let zstd = component(&plan, "zstd");
    assert_eq!(zstd.unresolved.missing, ["zlib-devel >= 2"]);
    assert_eq!(zstd.ambiguities.len(), 1);
    assert_eq!(zstd.ambiguities[0].providers, ["lz4", "zlib"]);
    let zlib = component(&plan, "zlib");
    assert_eq!(zlib.unresolved.missing, ["not-built-anywhere"]);
    assert!(zlib.unresolved.host.is_empty());
    assert_eq!(component(&plan, "musl").unresolved.host, ["gcc"]);
}

#[test]
fn dependencies_rpm_generated_in_an_earlier_build_add_edges() {
    let Some(_) = host_macros() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut request = example(dir.path(), &["musl"]);
    // lz4's build: liblz4 links zlib's library, a Requires no spec declares.
    let built = |name: &str, evr: &str, provides: &[&str], requires: &[&str]| BinaryPackage {
        name: name.to_owned(),
        evr: evr.to_owned(),
        arch: "x86_64".to_owned(),
        provides: provides
            .iter()
            .map(|name| Dependency::named(*name))
            .collect(),
        requires: requires
            .iter()
            .map(|name| Dependency::named(*name))
            .collect(),
    };
    request.built.insert(
        "lz4".into(),
        vec![
            built("lz4", "1.9.4-1", &["lz4"], &["libz.so.1()(64bit)"]),
            built(
                "lz4-devel",
                "1.9.4-1",
                &["lz4-devel", "pkgconfig(liblz4)"],
                &["lz4"],
            ),
        ],
    );
    request.built.insert(
        "zlib".into(),
        vec![built(
            "zlib",
            "1.2.13-1",
            &["zlib", "libz.so.1()(64bit)"],
            &[],
        )],
    );
    let before = plan(&example(dir.path(), &["musl"])).unwrap();
    assert_eq!(targets(&before, "zstd"), ["lz4"]);
    assert_eq!(before.statistics.learned_from_builds, 0);
    let after = plan(&request).unwrap();
    assert_eq!(after.statistics.learned_from_builds, 3);
    assert_eq!(targets(&after, "zstd"), ["lz4", "zlib"]);
    let edge = &component(&after, "zstd").edges[1];
    assert_eq!(
        edge.reasons[0].to_string(),
        "BuildRequires: lz4-devel -> lz4-devel -> lz4 -> zlib"
    );
}

#[test]
fn a_configured_bootstrap_breaks_the_cycle_into_waves() {
    let Some(_) = host_macros() else { return };
    let dir = tempfile::tempdir().unwrap();
    let plan = plan(&example(dir.path(), &["musl"])).unwrap();
    assert_eq!(plan.cycles.len(), 1);
    let cycle = &plan.cycles[0];
    assert_eq!(cycle.members, ["busybox", "musl"]);
    assert!(cycle.broken);
    assert_eq!(cycle.breakers, ["musl"]);
    assert_eq!(
        waves(&plan),
        [
            vec!["filesystem", "musl+bootstrap"],
            vec!["busybox"],
            vec!["musl"],
            vec!["lz4", "zlib"],
            vec!["zstd"],
        ]
    );
    let busybox = plan
        .stages
        .iter()
        .find(|stage| stage.name == "busybox")
        .unwrap();
    let dependencies: Vec<&str> = busybox
        .dependencies
        .iter()
        .map(|&stage| plan.stages[stage].name.as_str())
        .collect();
    assert_eq!(dependencies, ["filesystem", "musl+bootstrap"]);
    assert_eq!(plan.closure(&["busybox".to_owned()]).len(), 3);
}

#[test]
fn an_unbroken_cycle_is_reported_with_its_edges_and_a_proposed_break() {
    let Some(_) = host_macros() else { return };
    let dir = tempfile::tempdir().unwrap();
    let plan = plan(&example(dir.path(), &[])).unwrap();
    let cycle = &plan.cycles[0];
    assert!(!cycle.broken);
    let edges: Vec<(String, String)> = cycle
        .edges
        .iter()
        .map(|edge| (edge.from.clone(), edge.to.clone()))
        .collect();
    assert_eq!(
        edges,
        [
            ("busybox".into(), "musl".into()),
            ("musl".into(), "busybox".into())
        ]
    );
    let proposal = cycle.proposal.as_ref().expect("musl has %bcond bootstrap");
    assert_eq!(proposal.breakers[0].0, "musl");
    assert!(proposal.remaining.is_empty(), "{:?}", proposal.remaining);
    assert_eq!(proposal.removes.len(), 1);
    assert_eq!(proposal.removes[0].to, "busybox");
    let stuck: Vec<&str> = plan
        .stages
        .iter()
        .filter(|stage| stage.cycle.is_some())
        .map(|stage| stage.name.as_str())
        .collect();
    assert_eq!(stuck, ["busybox", "musl"]);
}

#[test]
fn a_second_plan_evaluates_nothing_and_a_change_evaluates_one_spec() {
    let Some(_) = host_macros() else { return };
    let dir = tempfile::tempdir().unwrap();
    let request = example(dir.path(), &["musl"]);
    let first = plan(&request).unwrap();
    assert_eq!(
        first.statistics.evaluated, 7,
        "six specs and musl's bootstrap build"
    );
    let second = plan(&request).unwrap();
    assert_eq!(
        (second.statistics.evaluated, second.statistics.cached),
        (0, 7)
    );
    let spec: PathBuf = dir.path().join("z/zlib/zlib.spec");
    std::fs::write(
        &spec,
        ZLIB.replace("BuildRequires: not-built-anywhere\n", ""),
    )
    .unwrap();
    let third = plan(&request).unwrap();
    assert_eq!(
        (third.statistics.evaluated, third.statistics.cached),
        (1, 6)
    );
    assert!(component(&third, "zlib").unresolved.missing.is_empty());
}

#[test]
fn unrendered_and_broken_components_are_errors_of_their_own() {
    let Some(_) = host_macros() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut request = distribution(
        dir.path(),
        &[
            ("broken", "Name: broken\n%if\n"),
            ("filesystem", FILESYSTEM),
        ],
        &[],
    );
    request.components.push(ComponentInput {
        name: "missing".into(),
        dir: dir.path().join("m/missing"),
        bootstrap: None,
    });
    let plan = plan(&request).unwrap();
    assert!(
        component(&plan, "missing")
            .error
            .as_deref()
            .unwrap()
            .contains("not rendered")
    );
    assert!(component(&plan, "broken").error.is_some());
    assert!(component(&plan, "filesystem").error.is_none());
    assert_eq!(plan.statistics.failed, 2);
}
