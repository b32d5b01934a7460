//! `kill -9` in the middle of a render leaves every component directory entirely old or
//! entirely new, never half-written; the next run cleans up what the killed one left.

mod render_fixture;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use render_fixture::{Fixture, OutputText};

const COMPONENTS: usize = 80;
const SIDECARS: usize = 4;

const CONFIG: &str = r#"
[project]
rendered-specs-dir = "specs"
default-distro = { name = "mine" }

[distros.mine]
default-version = "1"

[distros.mine.versions.'1']
release-ver = "1"

[component-groups.local]
specs = ["local/**/*.spec"]
"#;

fn name(index: usize) -> String {
    format!("pkg{index:03}")
}

/// Writes generation `generation` of every component's local sources.
fn write_generation(project: &Path, generation: usize) {
    let padding = "x".repeat(16 * 1024);
    for index in 0..COMPONENTS {
        let name = name(index);
        let dir = project.join("local").join(&name);
        fs::create_dir_all(&dir).unwrap();
        let mut spec = format!(
            "# generation {generation}\nName: {name}\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\n"
        );
        for sidecar in 1..=SIDECARS {
            spec.push_str(&format!("Source{sidecar}: file{sidecar}.txt\n"));
            fs::write(
                dir.join(format!("file{sidecar}.txt")),
                format!("generation {generation}\n{padding}\n"),
            )
            .unwrap();
        }
        spec.push_str("\n%description\nd\n\n%files\n");
        fs::write(dir.join(format!("{name}.spec")), spec).unwrap();
    }
}

/// The generation of a rendered component directory, or why it is not a whole one.
fn generation_of(dir: &Path, name: &str) -> Result<usize, String> {
    let mut expected: BTreeSet<String> = (1..=SIDECARS).map(|i| format!("file{i}.txt")).collect();
    expected.insert(format!("{name}.spec"));
    let found: BTreeSet<String> = fs::read_dir(dir)
        .map_err(|error| format!("{}: {error}", dir.display()))?
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    if found != expected {
        return Err(format!("{}: files {found:?}", dir.display()));
    }
    let mut generations = BTreeSet::new();
    for file in &found {
        let text = fs::read_to_string(dir.join(file)).unwrap();
        let at = text
            .find("generation ")
            .ok_or_else(|| format!("{}/{file}: no generation marker", dir.display()))?;
        let number: String = text[at + 11..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        generations.insert(number.parse::<usize>().unwrap());
    }
    match generations.len() {
        1 => Ok(generations.into_iter().next().unwrap()),
        _ => Err(format!(
            "{}: mixed generations {generations:?}",
            dir.display()
        )),
    }
}

fn render_command(fixture: &Fixture) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cairn"));
    command
        .arg("-C")
        .arg(fixture.project())
        .args(["-q", "component", "render", "-a", "--full", "-j", "2"])
        .env("XDG_CACHE_HOME", fixture.cache())
        .env_remove("CAIRN_CACHE_DIR")
        .env("XDG_CONFIG_HOME", fixture.root().join("config"))
        .env("HOME", fixture.root().join("home"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    command
}

#[test]
fn kill_9_leaves_every_directory_old_or_new() {
    let fixture = Fixture::empty();
    fixture.write_config(CONFIG);
    write_generation(&fixture.project(), 1);
    let started = Instant::now();
    let first = fixture.cairn(&["component", "render", "-a"]);
    assert!(first.status.success(), "{}", first.stderr_text());
    let full_run = started.elapsed();
    let specs = fixture.specs();

    // Kill at different points of a render; the jitter comes from the clock.
    let fractions = [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95];
    let mut generations_seen = BTreeSet::new();
    for (round, fraction) in fractions.iter().enumerate() {
        let generation = round + 2;
        write_generation(&fixture.project(), generation);
        let jitter = f64::from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_micros()
                % 100,
        ) / 1000.0;
        let delay = full_run.mul_f64((fraction + jitter).min(1.0));
        let mut child = render_command(&fixture).spawn().unwrap();
        std::thread::sleep(delay);
        child.kill().unwrap();
        child.wait().unwrap();
        for index in 0..COMPONENTS {
            let name = name(index);
            let dir = specs.join("p").join(&name);
            let found = generation_of(&dir, &name).unwrap_or_else(|error| {
                panic!("after kill -9 at {delay:?} (round {round}): {error}")
            });
            assert!(
                found <= generation,
                "{name}: generation {found} is from the future"
            );
            generations_seen.insert(found == generation);
        }
    }
    // Some kills must have landed mid-render (both old and new directories seen).
    assert_eq!(
        generations_seen.len(),
        2,
        "no kill interrupted a render: {full_run:?}"
    );

    // A complete run cleans up and brings everything to the last generation.
    let last = fractions.len() + 1;
    let finish = fixture.cairn(&["component", "render", "-a"]);
    assert!(finish.status.success(), "{}", finish.stderr_text());
    let letter: Vec<String> = fs::read_dir(specs.join("p"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|entry| entry.starts_with('.'))
        .collect();
    assert!(letter.is_empty(), "leftovers: {letter:?}");
    for index in 0..COMPONENTS {
        let name = name(index);
        assert_eq!(generation_of(&specs.join("p").join(&name), &name), Ok(last));
    }
}
