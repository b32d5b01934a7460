//! Evaluating rendered specs with cairn's macro engine, once per content.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use cairn_macro::spec::EvaluateOptions;
use cairn_macro::{ContextConfig, MacroContext, MacroSet, ShellCache};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::cache::Evaluation;
use crate::summary::SpecSummary;

/// `--with`/`--without` conditionals of one build variant.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Conditionals {
    /// `--with NAME`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub with: Vec<String>,
    /// `--without NAME`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub without: Vec<String>,
}

impl Conditionals {
    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        self.with.is_empty() && self.without.is_empty()
    }

    /// The definitions rpmbuild's `--with`/`--without` make (`rpmbuild.c`: `_with_NAME
    /// --with-NAME`, `_without_NAME --without-NAME`).
    pub fn definitions(&self) -> Vec<String> {
        self.with
            .iter()
            .map(|name| format!("_with_{name} --with-{name}"))
            .chain(
                self.without
                    .iter()
                    .map(|name| format!("_without_{name} --without-{name}")),
            )
            .collect()
    }

    /// The rpmbuild arguments (`--with NAME`...).
    pub fn arguments(&self) -> Vec<String> {
        let mut arguments = Vec::new();
        for name in &self.with {
            arguments.extend(["--with".to_owned(), name.clone()]);
        }
        for name in &self.without {
            arguments.extend(["--without".to_owned(), name.clone()]);
        }
        arguments
    }
}

impl std::fmt::Display for Conditionals {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.arguments().join(" "))
    }
}

/// The macro environment specs are evaluated in: rpm's macro files, in load order, and
/// command-line definitions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationSettings {
    /// Macro files, in load order (the host's first, then the distribution's).
    pub macro_files: Vec<PathBuf>,
    /// `--define` texts (`NAME BODY`).
    pub defines: Vec<String>,
    /// The target architecture.
    pub target_cpu: String,
}

impl EvaluationSettings {
    /// The host rpm's macro path for `target_cpu`, then `distribution_macro_files`.
    pub fn host(target_cpu: &str, distribution_macro_files: &[PathBuf]) -> Self {
        let mut macro_files =
            MacroSet::resolve_path(cairn_macro::HOST_MACRO_PATH, &format!("{target_cpu}-linux"));
        macro_files.extend(distribution_macro_files.iter().cloned());
        Self {
            macro_files,
            defines: Vec::new(),
            target_cpu: target_cpu.to_owned(),
        }
    }

    /// A digest of everything that shapes an evaluation besides the spec directory: the
    /// macro files' paths and contents, the definitions, the target, the engine's version.
    pub fn key(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(b"cairn-plan-evaluation-v1\n");
        hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
        hasher.update(b"\n");
        hasher.update(self.target_cpu.as_bytes());
        for file in &self.macro_files {
            hasher.update(b"\nfile ");
            hasher.update(file.to_string_lossy().as_bytes());
            let content = std::fs::read(file).unwrap_or_default();
            hasher.update(Sha256::digest(&content));
        }
        for define in &self.defines {
            hasher.update(b"\ndefine ");
            hasher.update(define.as_bytes());
        }
        hex::encode(hasher.finalize())
    }
}

/// Evaluates specs in one macro environment; the macro files are read once.
pub(crate) struct Evaluator {
    settings: EvaluationSettings,
    key: String,
    base: MacroSet,
    variants: Mutex<HashMap<Conditionals, Arc<MacroSet>>>,
    config: Arc<ContextConfig>,
    shell: Arc<ShellCache>,
}

impl Evaluator {
    pub(crate) fn new(settings: EvaluationSettings) -> Result<Self, cairn_macro::MacroError> {
        let mut base = MacroSet::load(&settings.target_cpu, "linux", &settings.macro_files);
        base.define(&settings.defines)?;
        Ok(Self {
            key: settings.key(),
            settings,
            base,
            variants: Mutex::new(HashMap::new()),
            config: Arc::new(ContextConfig::default()),
            shell: Arc::new(ShellCache::default()),
        })
    }

    /// The cache key of `directory_digest` evaluated with `conditionals`.
    pub(crate) fn key(&self, directory_digest: &str, conditionals: &Conditionals) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.key.as_bytes());
        hasher.update(directory_digest.as_bytes());
        for definition in conditionals.definitions() {
            hasher.update(b"\n");
            hasher.update(definition.as_bytes());
        }
        hex::encode(hasher.finalize())
    }

    fn macros(&self, conditionals: &Conditionals) -> Arc<MacroSet> {
        let mut variants = self
            .variants
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        variants
            .entry(conditionals.clone())
            .or_insert_with(|| {
                let mut set = self.base.clone();
                if let Err(error) = set.define(&conditionals.definitions()) {
                    tracing::warn!("cannot define {conditionals}: {error}");
                }
                Arc::new(set)
            })
            .clone()
    }

    /// Evaluates `spec` (whose `_sourcedir` is `source_dir`) with `conditionals`.
    pub(crate) fn evaluate(
        &self,
        spec: &Path,
        source_dir: &Path,
        conditionals: &Conditionals,
    ) -> Evaluation {
        let text = match std::fs::read(spec) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(error) => return Evaluation::Error(format!("{}: {error}", spec.display())),
        };
        let macros = self.macros(conditionals);
        let options = EvaluateOptions {
            target_cpu: self.settings.target_cpu.clone(),
            source_dir: Some(source_dir.to_string_lossy().into_owned()),
            ..EvaluateOptions::default()
        };
        // One spec that trips the engine must not take the plan of thousands down with it.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut context = MacroContext::new(&macros, self.config.clone(), self.shell.clone());
            cairn_macro::spec::evaluate_text(spec, &text, &mut context, &options)
        }));
        match outcome {
            Ok(Ok(evaluated)) => Evaluation::Summary(SpecSummary::new(
                &evaluated,
                &text,
                &self.settings.target_cpu,
            )),
            Ok(Err(error)) => Evaluation::Error(error.to_string()),
            Err(_) => Evaluation::Error(format!(
                "{}: the macro engine failed on this spec (an internal error; please report it)",
                spec.display()
            )),
        }
    }
}

/// The spec file of a rendered component directory: `<name>.spec`, else the only `*.spec`.
pub(crate) fn spec_file(dir: &Path, name: &str) -> Option<PathBuf> {
    let named = dir.join(format!("{name}.spec"));
    if named.is_file() {
        return Some(named);
    }
    let mut specs = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "spec")
        });
    let first = specs.next()?;
    specs.next().is_none().then_some(first)
}
