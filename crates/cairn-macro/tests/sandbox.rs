//! Untrusted input: a sandboxed context reads no files, runs no shell, and keeps Lua within
//! its instruction and memory budget; expansion results stay within the output limit.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cairn_macro::spec::EvaluateOptions;
use cairn_macro::{ContextConfig, MacroContext, MacroSet, ShellPolicy};

fn sandboxed(output_limit: usize) -> MacroContext {
    let config = ContextConfig {
        output_limit,
        shell: ShellPolicy::Disabled,
        sandbox: true,
        ..ContextConfig::default()
    };
    MacroContext::new(&MacroSet::default(), Arc::new(config), Arc::default())
}

#[test]
fn lua_loops_end_with_an_error() {
    let mut context = sandboxed(1 << 20);
    let started = Instant::now();
    let error = context
        .expand("%{lua: while true do end}")
        .expect_err("an endless loop cannot succeed");
    assert!(error.to_string().contains("instruction budget"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn lua_has_no_process_or_file_functions() {
    let mut context = sandboxed(1 << 20);
    for script in [
        "%{lua: os.exit(3)}",
        "%{lua: os.execute('true')}",
        "%{lua: io.open('/etc/passwd')}",
    ] {
        assert!(context.expand(script).is_err(), "{script}");
    }
    assert_eq!(
        context.expand("%{lua: print(type(os.time()))}").unwrap(),
        "number"
    );
}

#[test]
fn lua_memory_is_capped() {
    let mut context = sandboxed(1 << 20);
    let script = "%{lua: local t = {} for i = 1, 100 do t[i] = string.rep('x', 1 << 20) .. i end}";
    assert!(context.expand(script).is_err());
}

#[test]
fn no_files_and_no_shell() {
    let mut context = sandboxed(1 << 20);
    assert!(context.expand("%{load:/usr/lib/rpm/macros}").is_err());
    assert_eq!(context.expand("[%(echo hello)]").unwrap(), "[]");
    let spec = "Name: a\n%include /etc/passwd\n";
    let error = cairn_macro::spec::evaluate_text(
        Path::new("a.spec"),
        spec,
        &mut context,
        &EvaluateOptions::default(),
    )
    .expect_err("%include reads a file");
    assert!(error.to_string().contains("reads no files"), "{error}");
}

#[test]
fn the_last_expansion_counts_against_the_limit() {
    let mut context = sandboxed(1000);
    context
        .define("big %{lua: print(string.rep('x', 5000))}", -7)
        .unwrap();
    assert!(context.expand("%big").is_err());
    assert!(
        context
            .expand("a%{lua: print(string.rep('x', 900))}")
            .is_ok()
    );
}
