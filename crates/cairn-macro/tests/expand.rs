//! Expansion cases checked against rpm 4.18 (`rpm --eval`, Debian 12): the expected strings
//! were produced by the real rpm, and `rpm_oracle_agrees` re-runs rpm when it is installed.

use cairn_macro::{MacroContext, MacroSet};

/// (definitions, expression, what rpm 4.18 prints).
const CASES: &[(&[&str], &str, &str)] = &[
    (
        &["foo(a:) [%1|%#|%*|%{-a*}]"],
        "%{foo:bar baz}",
        "[bar baz|1|bar baz|]",
    ),
    (
        &["foo(a:) [%1|%#|%*|%{-a*}]"],
        "%{foo -a x y z}",
        "[y|2|y z|x]",
    ),
    (
        &["foo bar"],
        "%{basename:%%{foo}}|%{expand:%%{foo}}|%{shrink:  a   b }|%{suffix:a.tar.gz}",
        "%{foo}|bar|a b|gz",
    ),
    (
        &["foo bar"],
        "%{lua: print(macros.foo) print(rpm.isdefined(\"foo\"))}",
        "bartrue\tfalse",
    ),
    (
        &[],
        "%{dirname:abc}|%{suffix:abc}|%{verbose}|%{!verbose:x}|%{?nope:x}y|%{!?nope:x}y",
        "abc||0||y|xy",
    ),
    (
        &[],
        "%{foo}|%foo|%{}|%|%%|%{?!nope:z}",
        "%{foo}|%foo|%{}|%|%|z",
    ),
    (&[], "%{define:qq 1}%qq", "1"),
    (&["foo() [%1]", "bar BAR"], "%foo %%{bar}", "[%{bar}]"),
    (
        &["foo() [%1]", "bar BAR"],
        "%foo %{expand:%%{bar}}",
        "[BAR]",
    ),
    (&[], "%{shescape:it's}", "'it'\\''s'"),
    (
        &["dashver %(echo \"1.2\" | sed 's/\\\\./-/')"],
        "%dashver",
        "1-2",
    ),
];

fn context() -> MacroContext {
    MacroContext::new(
        &MacroSet::host("x86_64"),
        Default::default(),
        Default::default(),
    )
}

#[test]
fn expansions_match_rpm_4_18() {
    for (definitions, expression, expected) in CASES {
        let mut context = context();
        for definition in *definitions {
            context.define(definition, -7).unwrap();
        }
        assert_eq!(
            context.expand(expression).as_deref(),
            Ok(*expected),
            "{expression}"
        );
    }
}

#[test]
fn bcond_and_with() {
    let mut context = context();
    assert_eq!(
        context
            .expand("%bcond tests %{undefined rhel}\n%{with tests}")
            .unwrap()
            .trim(),
        "1"
    );
    assert_eq!(
        context
            .expand("%bcond_with foo\n%{with foo}%{without foo}")
            .unwrap()
            .trim(),
        "01"
    );
}

#[test]
fn recursion_is_capped() {
    let mut context = context();
    context.define("loop %{loop}", -7).unwrap();
    assert!(context.expand("%loop").is_err());
}
