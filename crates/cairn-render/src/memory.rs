//! One component's render from sources held in memory: the same steps `component render`
//! runs after reading the dist-git tree (macros file, overlays in azldev's order, `sources`
//! rewrite, static Release bump, rpmautospec, file filter), for callers that bring their own
//! tree and history, such as the render-cases conformance runner.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cairn_autospec::azldev::ProjectChange;
use cairn_config::ResolvedComponent;
use cairn_macro::{ContextConfig, MacroSet, ShellCache};
use cairn_overlay::EditOptions;
use cairn_overlay::release::ReleaseRule;
use cairn_source::{LookasideCache, Network};

use crate::autospec::RenderEvaluator;
use crate::component::{Environment, RenderInput, render};
use crate::error::ComponentError;
use crate::filter::SpecEnvironment;
use crate::output::Tree;
use crate::source::{Origin, Setup};

/// Where azldev's behaviour changed over time, which one the output matches. The default is
/// azldev at the state azldev-reference describes (late April 2026, after both changes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Compatibility {
    /// Remove sections without balancing the `%if` blocks around them, as azldev did before
    /// its section balancing (#190) and as the Azure Linux 4.0 renders of April 2026 were made.
    pub unbalanced_section_removal: bool,
    /// Bump any leading integer of `Release` (`1.git%{hash}%{?dist}` becomes `2.git...`), the
    /// rule before the stricter `^\d+(%{?dist})?$` of 2026-04-30 (azldev-reference §2.3).
    pub any_leading_integer_release: bool,
}

impl Compatibility {
    /// The azldev that rendered Azure Linux 4.0 in April 2026 (the corpus render cases).
    pub const APRIL_2026: Self = Self {
        unbalanced_section_removal: true,
        any_leading_integer_release: true,
    };

    pub(crate) fn edit_options(self) -> EditOptions {
        EditOptions {
            unbalanced_section_removal: self.unbalanced_section_removal,
            ..EditOptions::default()
        }
    }

    pub(crate) fn release_rule(self) -> ReleaseRule {
        if self.any_leading_integer_release {
            ReleaseRule::AnyLeadingInteger
        } else {
            ReleaseRule::IntegerWithDist
        }
    }

    /// A short stable text for incremental-render keys.
    pub(crate) fn key(self) -> String {
        format!(
            "unbalanced={},any-leading-integer={}",
            self.unbalanced_section_removal, self.any_leading_integer_release
        )
    }
}

/// The shared part of in-memory renders: the rpm macro environment (host macros, evaluated once)
/// and the lookaside cache archive overlays read from.
pub struct MemoryRenderer {
    environment: Environment,
}

/// One component's sources and history for [`MemoryRenderer::render`].
#[derive(Debug, Clone)]
pub struct MemoryComponent<'a> {
    /// The component, its configuration resolved (its `overlays` are the ones applied).
    pub component: &'a ResolvedComponent,
    /// The file named in overlay errors.
    pub defined_in: PathBuf,
    /// Its sources: the spec as `<name>.spec` and the sidecar files, by relative path.
    pub files: Tree,
    /// The project changes that become synthetic commits (each bumps a static `Release` by
    /// one and, for rpmautospec specs, becomes a changelog entry).
    pub changes: &'a [ProjectChange],
}

impl MemoryRenderer {
    /// A renderer with rpm's host macros for `x86_64`, `compatibility`, and the lookaside cache
    /// at `lookaside_cache` (only read when an archive overlay needs an archive).
    pub fn new(compatibility: Compatibility, lookaside_cache: &Path, network: Network) -> Self {
        let macros = Arc::new(MacroSet::host("x86_64"));
        Self {
            environment: environment(macros, compatibility, lookaside_cache, network),
        }
    }

    /// Renders `input` to the tree `component render` would write. Archive overlays need an
    /// upstream `sources` file and lookaside, so they fail here.
    pub fn render(&self, input: MemoryComponent<'_>) -> Result<Tree, ComponentError> {
        let setup = Setup {
            resolved: input.component.clone(),
            defined_in: input.defined_in.clone(),
            origin: Origin::Local {
                dir: input.defined_in,
                spec: format!("{}.spec", input.component.name),
            },
            release_ver: String::new(),
        };
        render(
            &setup,
            RenderInput {
                files: input.files,
                upstream: None,
                changes: input.changes,
                import_commit: None,
            },
            &self.environment,
        )
    }
}

/// The environment every component of a run shares.
pub(crate) fn environment(
    macros: Arc<MacroSet>,
    compatibility: Compatibility,
    lookaside_cache: &Path,
    network: Network,
) -> Environment {
    let context = Arc::new(ContextConfig::default());
    let shell = Arc::new(ShellCache::default());
    Environment {
        spec: SpecEnvironment {
            macros: macros.clone(),
            config: context.clone(),
            shell: shell.clone(),
        },
        evaluator: RenderEvaluator::new(macros, context, shell),
        edit: compatibility.edit_options(),
        release_rule: compatibility.release_rule(),
        lookaside: LookasideCache::new(lookaside_cache).network(network),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_config::model::ComponentConfig;
    use cairn_overlay::MemoryEntry;

    fn component(config: ComponentConfig) -> ResolvedComponent {
        ResolvedComponent {
            name: "tuna".to_owned(),
            defined_at: None,
            groups: Vec::new(),
            rendered_spec_dir: None,
            config,
        }
    }

    fn spec_tree(spec: &str) -> Tree {
        vec![(
            "tuna.spec".to_owned(),
            MemoryEntry::File {
                data: spec.as_bytes().to_vec(),
                mode: 0o644,
            },
        )]
    }

    fn rendered_spec(tree: &Tree) -> String {
        tree.iter()
            .find_map(|(path, entry)| match entry {
                MemoryEntry::File { data, .. } if path == "tuna.spec" => {
                    Some(String::from_utf8_lossy(data).into_owned())
                }
                _ => None,
            })
            .expect("the render has the spec")
    }

    fn change() -> ProjectChange {
        ProjectChange {
            project_commit: "0123456789abcdef0123456789abcdef01234567".to_owned(),
            author_name: "Dev".to_owned(),
            author_email: "dev@example.com".to_owned(),
            time: 1_776_000_000,
            subject: "Latest state for tuna".to_owned(),
            upstream_commit: None,
        }
    }

    fn render(compatibility: Compatibility, config: ComponentConfig, spec: &str) -> String {
        let scratch = tempfile::tempdir().unwrap();
        let renderer = MemoryRenderer::new(compatibility, scratch.path(), Network::Offline);
        let resolved = component(config);
        let tree = renderer
            .render(MemoryComponent {
                component: &resolved,
                defined_in: PathBuf::from("tuna.comp.toml"),
                files: spec_tree(spec),
                changes: &[change()],
            })
            .unwrap();
        rendered_spec(&tree)
    }

    /// rpmautospec evaluates the overlaid spec, whose first line loads the macros file from
    /// `%{_sourcedir}`: the file must be there.
    #[test]
    fn autorelease_spec_with_a_macros_file() {
        let mut config = ComponentConfig::default();
        config.build.defines.insert("rhel".into(), "10".into());
        let spec = "Name: tuna\nVersion: 1.0\nRelease: %autorelease\nSummary: s\nLicense: MIT\n\n%description\nd\n\n%changelog\n%autochangelog\n";
        let rendered = render(Compatibility::default(), config, spec);
        assert!(
            rendered.starts_with("## START: Set by rpmautospec\n"),
            "{rendered}"
        );
        assert!(rendered.contains("%{load:%{_sourcedir}/tuna.azl.macros}\n"));
        assert!(rendered.contains("Source9999: tuna.azl.macros\n"));
        assert!(rendered.contains("- Latest state for tuna\n"), "{rendered}");
    }

    #[test]
    fn release_rule_follows_the_compatibility() {
        let spec = "Name: tuna\nVersion: 1.0\nRelease: 1.git%{hash}%{?dist}\nSummary: s\nLicense: MIT\n\n%description\nd\n";
        let april = render(Compatibility::APRIL_2026, ComponentConfig::default(), spec);
        assert!(
            april.contains("\nRelease: 2.git%{hash}%{?dist}\n"),
            "{april}"
        );

        let scratch = tempfile::tempdir().unwrap();
        let renderer =
            MemoryRenderer::new(Compatibility::default(), scratch.path(), Network::Offline);
        let resolved = component(ComponentConfig::default());
        let error = renderer
            .render(MemoryComponent {
                component: &resolved,
                defined_in: PathBuf::from("tuna.comp.toml"),
                files: spec_tree(spec),
                changes: &[change()],
            })
            .unwrap_err();
        assert!(
            error.to_string().contains("cannot be auto-bumped"),
            "{error}"
        );
    }
}
