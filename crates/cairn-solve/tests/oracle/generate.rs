//! Package records for tests, and a generator of small adversarial universes.

use cairn_repomd::{Checksum, Comparison, Dependency, FileKind, Package, PackageFile};
use cairn_rpm_types::Nevra;

/// A package from `name-version-release.arch` and `(kind, dependency)` pairs; kind `file` adds
/// a file.
pub fn package(nevra: &str, deps: &[(&str, &str)]) -> Package {
    let parsed = Nevra::parse(nevra).expect("a NEVRA");
    let mut package = Package {
        name: parsed.name.clone(),
        arch: parsed.arch.to_string(),
        epoch: parsed.evr.epoch_number().unwrap_or(0) as u32,
        version: parsed.evr.version().into(),
        release: parsed.evr.release().unwrap_or_default().into(),
        location_href: format!("Packages/{nevra}.rpm"),
        checksum: Checksum::sha256(format!("{nevra:0>64}")),
        ..Default::default()
    };
    for &(kind, text) in deps {
        if kind == "file" {
            package.files.push(PackageFile {
                path: text.into(),
                kind: FileKind::File,
            });
            continue;
        }
        let dependency = if text.starts_with('(') {
            Dependency::new(text)
        } else {
            let parsed = cairn_rpm_types::Dependency::parse(text).expect("a dependency");
            let mut dependency = Dependency::new(parsed.name);
            if let Some(constraint) = parsed.constraint {
                dependency.flags = Comparison::from_rpm_md(constraint.comparison.rpmmd_flags());
                dependency.epoch = Some(constraint.evr.epoch().unwrap_or("0").to_owned());
                dependency.version = Some(constraint.evr.version().to_owned());
                dependency.release = constraint.evr.release().map(str::to_owned);
            }
            dependency
        };
        let list = match kind {
            "provides" => &mut package.provides,
            "requires" => &mut package.requires,
            "conflicts" => &mut package.conflicts,
            "obsoletes" => &mut package.obsoletes,
            "recommends" => &mut package.recommends,
            "suggests" => &mut package.suggests,
            "supplements" => &mut package.supplements,
            "enhances" => &mut package.enhances,
            other => panic!("unknown dependency kind {other}"),
        };
        list.push(dependency);
    }
    // rpm packages always provide their own name and version; createrepo_c lists it.
    let own = format!("{} = {}", package.name, parsed.evr);
    let own = cairn_rpm_types::Dependency::parse(&own).expect("own provide");
    let mut provide = Dependency::new(own.name);
    let constraint = own.constraint.expect("versioned");
    provide.flags = Comparison::from_rpm_md("EQ");
    provide.epoch = Some(constraint.evr.epoch().unwrap_or("0").to_owned());
    provide.version = Some(constraint.evr.version().to_owned());
    provide.release = constraint.evr.release().map(str::to_owned);
    package.provides.insert(0, provide);
    package
}

/// xorshift64*: deterministic, so a failing seed reproduces.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// A generated problem: repositories (name, libsolv priority, packages), jobs, weak deps on/off.
pub struct Universe {
    pub repos: Vec<(&'static str, i32, Vec<Package>)>,
    pub jobs: Vec<String>,
    pub weak: bool,
}

/// A universe of 6 to 20 packages over a handful of names, virtual capabilities and files, with
/// every kind of dependency (epochs, `~`/`^` versions, rich operators), in one or two
/// repositories, and 1 to 3 install jobs.
pub fn universe(seed: u64) -> Universe {
    let mut random = Random(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let names = [
        "alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta", "iota", "kappa",
    ];
    let virtuals = ["cap-a", "cap-b", "cap-c", "/usr/bin/tool", "/etc/conf"];
    let versions = ["1", "2", "3", "2~rc1", "2^git1", "1:1", "1.0"];
    let count = 6 + random.below(15);
    let mut specs: Vec<(String, &str)> = Vec::new();
    for _ in 0..count {
        let name = names[random.below(names.len())];
        let version = versions[random.below(versions.len())];
        if !specs.iter().any(|(n, v)| n == name && *v == version) {
            specs.push((name.to_owned(), version));
        }
    }
    let mut packages = Vec::new();
    for (name, version) in &specs {
        let mut deps: Vec<(String, String)> = Vec::new();
        let pick = |random: &mut Random| -> String {
            if random.chance(35) {
                virtuals[random.below(virtuals.len())].to_owned()
            } else {
                names[random.below(names.len())].to_owned()
            }
        };
        for _ in 0..random.below(3) {
            let target = pick(&mut random);
            let dep = match random.below(14) {
                0 => format!("{target} >= {}", versions[random.below(versions.len())]),
                1 => format!("{target} < {}", versions[random.below(versions.len())]),
                2 => format!("({target} or {})", pick(&mut random)),
                3 => format!("({target} if {})", pick(&mut random)),
                4 => format!(
                    "({target} if {} else {})",
                    pick(&mut random),
                    pick(&mut random)
                ),
                5 => format!("({target} and {})", pick(&mut random)),
                6 => format!("({target} unless {})", pick(&mut random)),
                7 => format!(
                    "({target} unless {} else {})",
                    pick(&mut random),
                    pick(&mut random)
                ),
                8 => format!("({target} with {})", pick(&mut random)),
                9 => format!("({target} without {})", pick(&mut random)),
                _ => target,
            };
            deps.push(("requires".into(), dep));
        }
        if random.chance(35) {
            let provided = virtuals[random.below(virtuals.len())];
            let kind = if provided.starts_with('/') {
                "file"
            } else {
                "provides"
            };
            deps.push((kind.into(), provided.to_owned()));
        }
        if random.chance(10) {
            deps.push(("conflicts".into(), pick(&mut random)));
        }
        if random.chance(5) {
            deps.push((
                "conflicts".into(),
                format!("({} and {})", pick(&mut random), pick(&mut random)),
            ));
        }
        if random.chance(8) {
            let obsoleted = names[random.below(names.len())];
            deps.push((
                "obsoletes".into(),
                format!("{obsoleted} < {}", versions[random.below(versions.len())]),
            ));
        }
        if random.chance(25) {
            deps.push(("recommends".into(), pick(&mut random)));
        }
        if random.chance(5) {
            deps.push((
                "recommends".into(),
                format!("({} if {})", pick(&mut random), pick(&mut random)),
            ));
        }
        if random.chance(10) {
            deps.push((
                "supplements".into(),
                format!("({} and {})", pick(&mut random), pick(&mut random)),
            ));
        }
        if random.chance(8) {
            deps.push(("suggests".into(), pick(&mut random)));
        }
        if random.chance(4) {
            deps.push(("enhances".into(), pick(&mut random)));
        }
        let refs: Vec<(&str, &str)> = deps.iter().map(|(k, d)| (k.as_str(), d.as_str())).collect();
        packages.push(package(&format!("{name}-{version}-1.noarch"), &refs));
    }
    let mut jobs: Vec<String> = Vec::new();
    for _ in 0..1 + random.below(3) {
        let name = specs[random.below(specs.len())].0.clone();
        if !jobs.contains(&name) {
            jobs.push(name);
        }
    }
    // A second repository with its own priority, for a quarter of the cases.
    let repos = if random.chance(25) {
        let split = random.below(packages.len());
        let second = packages.split_off(split);
        let priority = random.below(3) as i32 - 1;
        vec![("main", 0, packages), ("extra", priority, second)]
    } else {
        vec![("main", 0, packages)]
    };
    Universe {
        repos,
        jobs,
        weak: !random.chance(10),
    }
}
