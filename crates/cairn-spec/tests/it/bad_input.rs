//! Bad input is kept verbatim and diagnosed, never a panic: empty, CRLF, no final newline,
//! NUL bytes, binary data, invalid UTF-8, truncation, huge and deeply nested files.

use cairn_spec::{DiagnosticKind, LineKind, SectionKind, Severity, Spec};

use crate::common::{Random, fixture, parse_checked};

fn kinds(spec: &Spec) -> Vec<SectionKind> {
    spec.sections().iter().map(|section| section.kind).collect()
}

#[test]
fn empty_and_blank_files() {
    let spec = parse_checked(b"");
    assert!(spec.lines().is_empty());
    assert_eq!(kinds(&spec), [SectionKind::Preamble]);
    assert!(spec.diagnostics().is_empty());
    assert_eq!(spec.physical_line_count(), 0);
    let spec = parse_checked(b"\n");
    assert!(matches!(spec.lines()[0].kind, LineKind::Blank));
}

#[test]
fn crlf_and_missing_final_newline_are_kept() {
    let lf = fixture("conditionals-around-headers.spec");
    let crlf: Vec<u8> = String::from_utf8(lf.clone())
        .unwrap()
        .replace('\n', "\r\n")
        .into_bytes();
    let lf_spec = parse_checked(&lf);
    let crlf_spec = parse_checked(&crlf);
    assert_eq!(kinds(&lf_spec), kinds(&crlf_spec));
    assert_eq!(crlf_spec.line_ending(), "\r\n");
    assert!(
        crlf_spec
            .tags()
            .all(|(_, tag)| !crlf_spec.text(tag.value).contains('\r'))
    );
    assert_eq!(
        lf_spec.outline().sections.len(),
        crlf_spec.outline().sections.len()
    );

    let trimmed = &lf[..lf.len() - 1];
    let spec = parse_checked(trimmed);
    assert!(spec.lines().last().unwrap().terminator().is_empty());
    assert_eq!(kinds(&spec), kinds(&lf_spec));
}

#[test]
fn nul_bytes_and_binary_rpm_leads_are_errors() {
    let spec = parse_checked(b"Name: a\0b\n%files\n");
    let nul = spec
        .diagnostics()
        .iter()
        .find(|d| d.kind == DiagnosticKind::NulBytes)
        .expect("NUL diagnostic");
    assert_eq!(
        (nul.position.line, nul.position.column, nul.severity),
        (1, 8, Severity::Error)
    );
    let spec = parse_checked(&[0xed, 0xab, 0xee, 0xdb, 3, 0, 0, 1, b'\n']);
    assert!(
        spec.diagnostics()
            .iter()
            .any(|d| d.kind == DiagnosticKind::BinaryRpm)
    );
}

#[test]
fn random_binary_data_round_trips() {
    let mut random = Random::new(7);
    for size in [1, 2, 3, 17, 4096, 65536] {
        let bytes: Vec<u8> = (0..size)
            .map(|_| u8::try_from(random.next() & 0xff).unwrap())
            .collect();
        parse_checked(&bytes);
    }
}

#[test]
fn invalid_utf8_is_kept_and_shown_lossily() {
    let spec = parse_checked(b"Name: x\nSummary: caf\xe9\n");
    assert!(spec.as_str().is_none());
    let warning = spec
        .diagnostics()
        .iter()
        .find(|d| d.kind == DiagnosticKind::InvalidUtf8)
        .unwrap();
    assert_eq!(
        (
            warning.position.line,
            warning.position.column,
            warning.severity
        ),
        (2, 13, Severity::Warning)
    );
    let (_, summary) = spec.tags().nth(1).unwrap();
    assert_eq!(spec.bytes(summary.value), b"caf\xe9");
    assert_eq!(spec.text(summary.value), "caf\u{fffd}");
}

#[test]
fn every_truncation_of_a_fixture_round_trips() {
    let bytes = fixture("macro-definitions.spec");
    for end in 0..=bytes.len() {
        parse_checked(&bytes[..end]);
    }
}

#[test]
fn fifty_megabytes() {
    let unit = fixture("conditionals-around-headers.spec");
    let copies = 50 * 1024 * 1024 / unit.len() + 1;
    let bytes = unit.repeat(copies);
    let spec = parse_checked(&bytes);
    assert_eq!(
        spec.sections().len(),
        (kinds(&parse_checked(&unit)).len() - 1) * copies + 1
    );
}

#[test]
fn pathological_large_inputs_stay_linear() {
    // Every line opens a macro group that never closes.
    parse_checked(&b"%{\n".repeat(2_000_000));
    // One huge line without a newline.
    parse_checked(&vec![b'x'; 20 * 1024 * 1024]);
    // Deep nesting.
    let spec = parse_checked(&b"%if 1\n".repeat(100_000));
    assert_eq!(spec.conditionals().last().unwrap().depth, 99_999);
    // Backslash continuations of one definition over many lines.
    let mut text = b"%global x \\\n".to_vec();
    text.extend(b"a \\\n".repeat(1_000_000));
    text.extend(b"end\n");
    let spec = parse_checked(&text);
    assert_eq!(spec.lines().len(), 1);
}
