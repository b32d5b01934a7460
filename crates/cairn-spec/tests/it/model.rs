//! Targeted checks of the model on the fixtures and small inputs.

use cairn_spec::{
    DefinitionScope, DirectiveKind, LineId, LineKind, PackageForm, SectionId, SectionKind, Spec,
    TagKind,
};

use crate::common::{fixture, parse_checked};

fn section_kinds(spec: &Spec) -> Vec<SectionKind> {
    spec.sections().iter().map(|section| section.kind).collect()
}

#[test]
fn headers_inside_definitions_expansions_and_lua_are_not_sections() {
    let spec = parse_checked(&fixture("macro-definitions.spec"));
    let headers: Vec<String> = spec
        .sections()
        .iter()
        .filter_map(|section| section.header)
        .map(|line| spec.text(spec.line(line).content()).into_owned())
        .collect();
    assert_eq!(
        headers,
        [
            "%description %{common_description}",
            "%package        -n %{name}-extra",
            "%description    -n %{name}-extra",
            "%files",
            "%files -n %{name}-extra",
            "%changelog"
        ]
    );
    let definitions: Vec<(DefinitionScope, String, Option<String>, u32)> = spec
        .lines()
        .iter()
        .filter_map(|line| match &line.kind {
            LineKind::Definition(definition) => Some((
                definition.scope,
                spec.text(definition.name).into_owned(),
                definition.parameters.map(|p| spec.text(p).into_owned()),
                line.physical_lines,
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        definitions,
        [
            (
                DefinitionScope::Define,
                "autorelease".into(),
                Some("e:s:pb:n".into()),
                5
            ),
            (DefinitionScope::Global, "forgeurl".into(), None, 1),
            (
                DefinitionScope::Global,
                "common_description".into(),
                None,
                4
            ),
            (DefinitionScope::Global, "multi".into(), None, 3),
            (DefinitionScope::Define, "spaced_name".into(), None, 1),
        ]
    );
}

#[test]
fn conditionals_cross_sections() {
    let spec = parse_checked(&fixture("conditionals-around-headers.spec"));
    assert_eq!(
        section_kinds(&spec),
        [
            SectionKind::Preamble,
            SectionKind::Description,
            SectionKind::Package,
            SectionKind::Description,
            SectionKind::Package,
            SectionKind::Description,
            SectionKind::Prep,
            SectionKind::Build,
            SectionKind::Install,
            SectionKind::Files,
            SectionKind::Files,
            SectionKind::Files,
            SectionKind::Changelog,
        ]
    );
    // The first %if is continued with a backslash onto the next line and has three branches.
    let first = &spec.conditionals()[0];
    let kinds: Vec<DirectiveKind> = first.branches.iter().map(|branch| branch.kind).collect();
    assert_eq!(
        kinds,
        [DirectiveKind::If, DirectiveKind::Elif, DirectiveKind::Else]
    );
    assert_eq!(spec.line(first.start()).physical_lines, 2);
    // %ifnarch is nested in %ifarch.
    let nested = &spec.conditionals()[2];
    assert_eq!(
        (nested.depth, nested.branches[0].kind),
        (1, DirectiveKind::IfNArch)
    );
    // The `%files -n python3-widget` section starts inside an %if opened in the main %files.
    let python_files = SectionId(10);
    let header = spec.section(python_files).header.unwrap();
    let around: Vec<_> = spec.enclosing_branches(header).collect();
    assert_eq!(around.len(), 1);
    let opened_at = spec.conditional(around[0].conditional).start();
    assert_eq!(spec.line(opened_at).section, SectionId(9));
    assert_eq!(
        spec.package_name(python_files, "widget").as_deref(),
        Some("python3-widget")
    );
    assert_eq!(
        spec.package_name(SectionId(11), "widget").as_deref(),
        Some("widget-devel")
    );
    assert_eq!(
        spec.package_name(SectionId(9), "widget").as_deref(),
        Some("widget")
    );
    assert_eq!(spec.package_name(SectionId(6), "widget"), None);
    assert_eq!(spec.main_name().as_deref(), Some("widget"));
}

#[test]
fn tags_keep_spelling_numbers_qualifiers_and_positions() {
    let spec = parse_checked(&fixture("tags-and-alignment.spec"));
    let tags: Vec<(TagKind, String, String)> = spec
        .tags()
        .map(|(_, tag)| {
            (
                tag.kind,
                spec.text(tag.separator()).into_owned(),
                spec.text(tag.value).into_owned(),
            )
        })
        .collect();
    assert_eq!(tags[0], (TagKind::Name, ":\t\t".into(), "aligned".into()));
    assert_eq!(
        tags[9],
        (
            TagKind::Source,
            " :\t".into(),
            "extra.tar.gz#/renamed.tgz".into()
        )
    );
    let recommends = tags
        .iter()
        .find(|tag| tag.0 == TagKind::Recommends)
        .unwrap();
    assert_eq!(recommends.2, "spaced-value");
    let (_, url) = spec
        .tags()
        .find(|(_, tag)| tag.kind == TagKind::Url)
        .unwrap();
    assert!(url.value.is_empty());
    let (line, qualified) = spec
        .tags()
        .find(|(_, tag)| tag.qualifier.is_some())
        .unwrap();
    assert_eq!(spec.text(qualified.qualifier.unwrap()), "de");
    assert_eq!(spec.line(line).position.line, 6);
    assert_eq!(qualified.value_position.column, 14);
    let numbers: Vec<String> = spec
        .tags()
        .filter_map(|(_, tag)| tag.number)
        .map(|n| spec.text(n).into_owned())
        .collect();
    assert_eq!(numbers, ["1", "12", "0", "3"]);
    assert!(
        spec.diagnostics()
            .iter()
            .any(|d| d.to_string().contains("`Bogus` is not an rpm tag"))
    );
}

#[test]
fn section_options_and_trigger_conditions() {
    let spec = parse_checked(&fixture("scriptlets-and-triggers.spec"));
    let header_of = |kind: SectionKind, nth: usize| {
        let (id, _) = spec
            .section_ids()
            .filter(|(_, section)| section.kind == kind)
            .nth(nth)
            .unwrap();
        spec.section_header(id).unwrap().clone()
    };
    let post = header_of(SectionKind::Post, 0);
    assert_eq!(
        spec.text(post.option('p').unwrap().value.unwrap()),
        "/sbin/ldconfig"
    );
    let trigger = header_of(SectionKind::TriggerIn, 1);
    assert_eq!(spec.text(trigger.keyword), "%trigger");
    assert_eq!(spec.text(trigger.trigger_condition.unwrap()), "glibc");
    assert_eq!(trigger.package.map(|p| p.form), Some(PackageForm::Name));
    let files = header_of(SectionKind::Files, 0);
    let lists: Vec<_> = files
        .options
        .iter()
        .map(|o| spec.text(o.value.unwrap()).into_owned())
        .collect();
    assert_eq!(lists, ["%{name}.lang", "extra.list"]);
    let build = header_of(SectionKind::Build, 0);
    assert_eq!(
        (build.options[0].letter, build.options[0].value),
        ('a', None)
    );
    let description = header_of(SectionKind::Description, 1);
    assert_eq!(
        spec.text(description.option('l').unwrap().value.unwrap()),
        "de"
    );
    assert!(!spec.has_errors(), "{:?}", spec.diagnostics());
    // `%%files` in the changelog is text, and `%end` closes %sourcelist.
    assert_eq!(spec.sections().last().unwrap().kind, SectionKind::Changelog);
    assert!(section_kinds(&spec).contains(&SectionKind::End));
}

#[test]
fn malformed_input_is_kept_and_diagnosed() {
    let spec = parse_checked(&fixture("malformed.spec"));
    let messages: Vec<String> = spec.diagnostics().iter().map(ToString::to_string).collect();
    let expected = [
        "3:1: error: %endif without a matching %if",
        "4:1: error: %else without a matching %if",
        "8:1: error: %elif after %else",
        "9:1: error: %else after %else",
        "11:1: error: a package name is missing",
        "12:12: error: too many names",
        "13:8: error: %files does not take this option",
        "14:1: error: a trigger needs a condition",
        "16:1: error: %global needs a macro name",
        "18:1: error: this %if is never closed",
    ];
    for message in expected {
        assert!(
            messages.iter().any(|m| m.starts_with(message)),
            "missing {message:?} in {messages:#?}"
        );
    }
    assert_eq!(messages.len(), expected.len(), "{messages:#?}");
}

#[test]
fn line_kinds_of_a_small_spec() {
    let spec = parse_checked(b"# c\n\n%global g 1\nName: x\n%dnl d\n%{?foo}\nplain\n");
    let kinds: Vec<&str> = spec
        .lines()
        .iter()
        .map(|line| match line.kind {
            LineKind::Comment(_) => "comment",
            LineKind::Blank => "blank",
            LineKind::Definition(_) => "definition",
            LineKind::Tag(_) => "tag",
            LineKind::MacroCall(_) => "macro",
            LineKind::Text => "text",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "comment",
            "blank",
            "definition",
            "tag",
            "comment",
            "macro",
            "text"
        ]
    );
    assert_eq!(
        spec.line(LineId(3)).tag().map(|tag| tag.kind),
        Some(TagKind::Name)
    );
}
