//! Preamble tags (build/parsePreamble.c) and dependency fields (build/parseReqs.c).

use cairn_rpm_types::RichDependency;

use crate::spec::model::{Comparison, Dependency, RichTree};

/// A recognised preamble tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    Name,
    Version,
    Release,
    Epoch,
    /// Tags that only define a macro (Summary, License, URL...).
    Informational,
    Source,
    Patch,
    NoSource,
    ExcludeArch,
    ExclusiveArch,
    ExcludeOs,
    ExclusiveOs,
    Provides,
    Requires,
    PreReq,
    Recommends,
    Suggests,
    Supplements,
    Enhances,
    Conflicts,
    Obsoletes,
    OrderWithRequires,
    BuildRequires,
    BuildPreReq,
    BuildConflicts,
    BuildArch,
    /// Tags cairn reads and ignores (Prefix, BuildRoot, AutoReqProv, Icon...).
    Ignored,
}

/// rpm's preamble table: token, tag, whether it takes `(qualifiers)`/`(lang)`, whether it
/// defines a macro of its lowercased name.
const TAGS: &[(&str, Tag, bool, bool)] = &[
    ("name", Tag::Name, false, true),
    ("version", Tag::Version, false, true),
    ("release", Tag::Release, false, true),
    ("epoch", Tag::Epoch, false, true),
    ("summary", Tag::Informational, true, true),
    ("license", Tag::Informational, false, true),
    ("sourcelicense", Tag::Informational, false, true),
    ("distribution", Tag::Informational, false, true),
    ("disturl", Tag::Informational, false, true),
    ("vendor", Tag::Informational, false, true),
    ("group", Tag::Informational, true, true),
    ("packager", Tag::Informational, false, true),
    ("url", Tag::Informational, false, true),
    ("vcs", Tag::Informational, false, true),
    ("source", Tag::Source, false, false),
    ("patch", Tag::Patch, false, false),
    ("nosource", Tag::NoSource, false, false),
    ("nopatch", Tag::NoSource, false, false),
    ("excludearch", Tag::ExcludeArch, false, false),
    ("exclusivearch", Tag::ExclusiveArch, false, false),
    ("excludeos", Tag::ExcludeOs, false, false),
    ("exclusiveos", Tag::ExclusiveOs, false, false),
    ("icon", Tag::Ignored, false, false),
    ("provides", Tag::Provides, false, false),
    ("requires", Tag::Requires, true, false),
    ("recommends", Tag::Recommends, false, false),
    ("suggests", Tag::Suggests, false, false),
    ("supplements", Tag::Supplements, false, false),
    ("enhances", Tag::Enhances, false, false),
    ("prereq", Tag::PreReq, true, false),
    ("conflicts", Tag::Conflicts, false, false),
    ("obsoletes", Tag::Obsoletes, false, false),
    ("prefixes", Tag::Ignored, false, false),
    ("prefix", Tag::Ignored, false, false),
    ("buildroot", Tag::Ignored, false, false),
    ("buildarchitectures", Tag::BuildArch, false, false),
    ("buildarch", Tag::BuildArch, false, false),
    ("buildconflicts", Tag::BuildConflicts, false, false),
    ("buildprereq", Tag::BuildPreReq, false, false),
    ("buildrequires", Tag::BuildRequires, false, false),
    ("autoreqprov", Tag::Ignored, false, false),
    ("autoreq", Tag::Ignored, false, false),
    ("autoprov", Tag::Ignored, false, false),
    ("docdir", Tag::Ignored, false, false),
    ("disttag", Tag::Informational, false, true),
    ("bugurl", Tag::Informational, false, true),
    ("translationurl", Tag::Informational, false, true),
    ("upstreamreleases", Tag::Informational, false, true),
    ("orderwithrequires", Tag::OrderWithRequires, true, false),
    ("removepathpostfixes", Tag::Informational, false, true),
    ("modularitylabel", Tag::Informational, false, true),
];

/// A parsed `Tag(qualifier): value` line.
#[derive(Debug)]
pub(crate) struct TagLine<'a> {
    pub tag: Tag,
    /// The macro the tag defines (`name`, `version`...), if any.
    pub macro_name: Option<&'static str>,
    /// `SourceN`/`PatchN` number, when given.
    pub number: Option<u32>,
    /// Text inside `(...)` after the tag.
    pub qualifier: Option<&'a str>,
    /// The value, blanks trimmed on both sides.
    pub value: &'a str,
}

/// Parses a preamble line as rpm's `findPreambleTag`; `None` when it is no known tag.
pub(crate) fn parse_tag_line(line: &str) -> Option<TagLine<'_>> {
    let bytes = line.as_bytes();
    let word_end = bytes
        .iter()
        .position(|c| !c.is_ascii_alphabetic())
        .unwrap_or(bytes.len());
    let word = &line[..word_end];
    let (token, tag, qualified, defines) = TAGS
        .iter()
        .find(|(token, ..)| token.eq_ignore_ascii_case(word))
        .copied()?;
    if matches!(tag, Tag::Source | Tag::Patch) {
        // rpm's addSource: the number runs from the end of the word to the first `:`, blank
        // or tab (so `Patch 0:` has none and is numbered automatically), and the value is
        // whatever follows the first `:` of the line.
        let rest = &line[word_end..];
        let number_text = rest.split([':', ' ', '\t']).next().unwrap_or("");
        let number = if number_text.is_empty() {
            None
        } else {
            Some(number_text.parse().ok()?)
        };
        let colon = line.find(':')?;
        return Some(TagLine {
            tag,
            macro_name: None,
            number,
            qualifier: None,
            value: line[colon + 1..].trim_matches(|c: char| c.is_ascii_whitespace()),
        });
    }
    let mut index = word_end;
    let number = None;
    if tag == Tag::NoSource {
        index += bytes[index..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
    }
    let mut qualifier = None;
    if bytes.get(index) == Some(&b'(') {
        let close = line[index..].find(')')? + index;
        if !qualified {
            return None;
        }
        qualifier = Some(&line[index + 1..close]);
        index = close + 1;
    }
    while bytes.get(index).is_some_and(|c| *c == b' ' || *c == b'\t') {
        index += 1;
    }
    if bytes.get(index) != Some(&b':') {
        return None;
    }
    let value = line[index + 1..].trim_matches(|c: char| c.is_ascii_whitespace());
    Some(TagLine {
        tag,
        macro_name: defines.then_some(token),
        number,
        qualifier,
        value,
    })
}

/// Splits a dependency field into dependencies (rpm's `parseRCPOT`).
pub(crate) fn parse_dependencies(
    field: &str,
    qualifiers: &[String],
) -> Result<Vec<Dependency>, String> {
    let is_separator = |c: u8| c.is_ascii_whitespace() || c == b',';
    let bytes = field.as_bytes();
    let mut dependencies = Vec::new();
    let mut index = 0;
    loop {
        while index < bytes.len() && is_separator(bytes[index]) {
            index += 1;
        }
        if index >= bytes.len() {
            break;
        }
        if bytes[index] == b'(' {
            let close = crate::expand::match_close(bytes, index, b'(', b')')
                .ok_or_else(|| format!("missing ')' in rich dependency: {}", &field[index..]))?;
            let text = normalize_rich(&field[index..=close]);
            // rpm's parseRCPOT refuses a rich dependency that rpmrichParse rejects.
            let tree = RichDependency::parse(&text).map_err(|error| error.to_string())?;
            dependencies.push(Dependency {
                rich: Some(RichTree::from(&tree)),
                qualifiers: qualifiers.to_vec(),
                ..Dependency::named(text)
            });
            index = close + 1;
            continue;
        }
        let start = index;
        while index < bytes.len() && !is_separator(bytes[index]) {
            index += 1;
        }
        let name = &field[start..index];
        let first = name.as_bytes()[0];
        if !(first.is_ascii_alphanumeric() || first == b'_' || first == b'/') {
            return Err(format!(
                "Dependency tokens must begin with alpha-numeric, '_' or '/': {name}"
            ));
        }
        let mut lookahead = index;
        while lookahead < bytes.len() && is_separator(bytes[lookahead]) {
            lookahead += 1;
        }
        let operator_end = {
            let mut end = lookahead;
            while end < bytes.len() && !is_separator(bytes[end]) {
                end += 1;
            }
            end
        };
        let mut dependency = Dependency {
            qualifiers: qualifiers.to_vec(),
            ..Dependency::named(name)
        };
        if let Some(comparison) = Comparison::parse(&field[lookahead..operator_end]) {
            let mut version_start = operator_end;
            while version_start < bytes.len() && is_separator(bytes[version_start]) {
                version_start += 1;
            }
            let mut version_end = version_start;
            while version_end < bytes.len() && !is_separator(bytes[version_end]) {
                version_end += 1;
            }
            if version_end == version_start {
                return Err(format!("Version required: {name}"));
            }
            if name.starts_with('/') {
                return Err(format!("Versioned file name not permitted: {name}"));
            }
            dependency.comparison = Some(comparison);
            dependency.version = Some(field[version_start..version_end].to_owned());
            index = version_end;
        }
        dependencies.push(dependency);
    }
    Ok(dependencies)
}

/// A rich dependency as rpm stores it: `rpmrichParse` rebuilds the text with single blanks
/// between terms and none inside the parentheses.
fn normalize_rich(text: &str) -> String {
    let mut normalized = String::with_capacity(text.len());
    for word in text.split_ascii_whitespace() {
        if !normalized.is_empty() && !normalized.ends_with('(') && !word.starts_with(')') {
            normalized.push(' ');
        }
        normalized.push_str(word);
    }
    normalized
}

/// Qualifiers of `Requires(pre,post)`: lowercased, sorted, without blanks.
pub(crate) fn parse_qualifiers(text: Option<&str>) -> Vec<String> {
    let mut qualifiers: Vec<String> = text
        .unwrap_or("")
        .split([',', ' ', '\t'])
        .filter(|q| !q.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    qualifiers.sort();
    qualifiers.dedup();
    qualifiers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_dependencies() {
        let line = parse_tag_line("Requires(post,preun): a b >= 2, c").unwrap();
        assert_eq!(line.tag, Tag::Requires);
        let qualifiers = parse_qualifiers(line.qualifier);
        let dependencies = parse_dependencies(line.value, &qualifiers).unwrap();
        let texts: Vec<String> = dependencies.iter().map(ToString::to_string).collect();
        assert_eq!(texts, ["a", "b >= 2", "c"]);
        assert_eq!(parse_tag_line("Source12 : x").unwrap().number, Some(12));
        assert_eq!(parse_tag_line("Patch 0:\tp.patch").unwrap().number, None);
        assert_eq!(
            parse_tag_line("Patch 0:\tp.patch").unwrap().value,
            "p.patch"
        );
        assert!(parse_tag_line("Sourcex: a").is_none());
        assert!(parse_tag_line("Foo: bar").is_none());
        let rich = parse_dependencies("(a  or (b >= 2 and c)) d", &[]).unwrap();
        assert_eq!(rich[0].name, "(a or (b >= 2 and c))");
        let simple = |name: &str, version: Option<&str>| RichTree::Simple {
            name: name.to_owned(),
            comparison: version.map(|_| Comparison::GreaterOrEqual),
            version: version.map(str::to_owned),
        };
        assert_eq!(
            rich[0].rich,
            Some(RichTree::Or(vec![
                simple("a", None),
                RichTree::And(vec![simple("b", Some("2")), simple("c", None)]),
            ]))
        );
        assert_eq!(rich[1].rich, None);
        assert!(parse_dependencies("(a and b or c)", &[]).is_err());
        assert!(parse_dependencies("%{py3_dist foo}", &[]).is_err());
    }
}
