//! The macro engine (`cairn-macro`) on arbitrary input, with the host's rpm macros loaded:
//! expanding text and evaluating it as a spec never panics, and recursion, output and Lua stay
//! within their caps (a sandboxed context: no `%(...)`, no file reads).
//!
//! The first byte picks the mode: even expands the rest as macro text, odd evaluates it as a
//! spec.

#![no_main]

use std::path::Path;
use std::sync::{Arc, OnceLock};

use cairn_macro::spec::EvaluateOptions;
use cairn_macro::{ContextConfig, MacroContext, MacroSet, ShellCache, ShellPolicy};
use libfuzzer_sys::fuzz_target;

/// Largest expansion the target allows: small, so runaway doubling fails fast.
const OUTPUT_LIMIT: usize = 1 << 20;

fn macros() -> &'static MacroSet {
    static MACROS: OnceLock<MacroSet> = OnceLock::new();
    MACROS.get_or_init(|| MacroSet::host("x86_64"))
}

fn config() -> Arc<ContextConfig> {
    static CONFIG: OnceLock<Arc<ContextConfig>> = OnceLock::new();
    Arc::clone(CONFIG.get_or_init(|| {
        Arc::new(ContextConfig {
            output_limit: OUTPUT_LIMIT,
            shell: ShellPolicy::Disabled,
            sandbox: true,
            ..ContextConfig::default()
        })
    }))
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let mut context = MacroContext::new(macros(), config(), Arc::new(ShellCache::default()));
    if mode % 2 == 0 {
        if let Ok(expanded) = context.expand(&text) {
            // The cap holds for the whole result (text without `%` is returned as it is).
            assert!(
                expanded.len() <= OUTPUT_LIMIT.max(text.len()),
                "{} bytes from {text:?}",
                expanded.len()
            );
        }
    } else {
        let options = EvaluateOptions {
            source_dir: Some("/nonexistent".to_owned()),
            ..EvaluateOptions::default()
        };
        let _ =
            cairn_macro::spec::evaluate_text(Path::new("fuzz.spec"), &text, &mut context, &options);
    }
});
