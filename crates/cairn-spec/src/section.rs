//! Section headers: `%package -n foo`, `%files -f list`, `%post -p <lua>`, `%triggerin -- bar`.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::lex::{is_blank, is_space};
use crate::span::{Position, Span, column};

/// What a section is, by its header keyword (`build/parseSpec.c`, `partList`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SectionKind {
    /// The lines before the first header: the main package's tags.
    Preamble,
    /// `%package`: a subpackage's tags.
    Package,
    /// `%description`.
    Description,
    /// `%prep`.
    Prep,
    /// `%generate_buildrequires`.
    GenerateBuildRequires,
    /// `%conf`.
    Conf,
    /// `%build`.
    Build,
    /// `%install`.
    Install,
    /// `%check`.
    Check,
    /// `%clean`.
    Clean,
    /// `%files`.
    Files,
    /// `%changelog`.
    Changelog,
    /// `%pre`.
    Pre,
    /// `%post`.
    Post,
    /// `%preun`.
    Preun,
    /// `%postun`.
    Postun,
    /// `%pretrans`.
    Pretrans,
    /// `%posttrans`.
    Posttrans,
    /// `%preuntrans`.
    Preuntrans,
    /// `%postuntrans`.
    Postuntrans,
    /// `%verifyscript`.
    Verifyscript,
    /// `%triggerprein`.
    TriggerPrein,
    /// `%triggerin` (also spelled `%trigger`).
    TriggerIn,
    /// `%triggerun`.
    TriggerUn,
    /// `%triggerpostun`.
    TriggerPostun,
    /// `%filetriggerin` (also spelled `%filetrigger`).
    FileTriggerIn,
    /// `%filetriggerun`.
    FileTriggerUn,
    /// `%filetriggerpostun`.
    FileTriggerPostun,
    /// `%transfiletriggerin` (also spelled `%transfiletrigger`).
    TransFileTriggerIn,
    /// `%transfiletriggerun`.
    TransFileTriggerUn,
    /// `%transfiletriggerpostun`.
    TransFileTriggerPostun,
    /// `%sepolicy`.
    Sepolicy,
    /// `%patchlist`.
    Patchlist,
    /// `%sourcelist`.
    Sourcelist,
    /// `%end`: closes the previous section.
    End,
}

impl SectionKind {
    /// Looks up a header keyword without its `%`, case-insensitively as rpm's `isPart` does.
    #[must_use]
    pub fn from_keyword(keyword: &[u8]) -> Option<Self> {
        let mut lower = [0u8; 24];
        if keyword.len() > lower.len() {
            return None;
        }
        for (slot, byte) in lower.iter_mut().zip(keyword) {
            *slot = byte.to_ascii_lowercase();
        }
        Some(match &lower[..keyword.len()] {
            b"package" => Self::Package,
            b"description" => Self::Description,
            b"prep" => Self::Prep,
            b"generate_buildrequires" => Self::GenerateBuildRequires,
            b"conf" => Self::Conf,
            b"build" => Self::Build,
            b"install" => Self::Install,
            b"check" => Self::Check,
            b"clean" => Self::Clean,
            b"files" => Self::Files,
            b"changelog" => Self::Changelog,
            b"pre" => Self::Pre,
            b"post" => Self::Post,
            b"preun" => Self::Preun,
            b"postun" => Self::Postun,
            b"pretrans" => Self::Pretrans,
            b"posttrans" => Self::Posttrans,
            b"preuntrans" => Self::Preuntrans,
            b"postuntrans" => Self::Postuntrans,
            b"verifyscript" => Self::Verifyscript,
            b"triggerprein" => Self::TriggerPrein,
            b"triggerin" | b"trigger" => Self::TriggerIn,
            b"triggerun" => Self::TriggerUn,
            b"triggerpostun" => Self::TriggerPostun,
            b"filetriggerin" | b"filetrigger" => Self::FileTriggerIn,
            b"filetriggerun" => Self::FileTriggerUn,
            b"filetriggerpostun" => Self::FileTriggerPostun,
            b"transfiletriggerin" | b"transfiletrigger" => Self::TransFileTriggerIn,
            b"transfiletriggerun" => Self::TransFileTriggerUn,
            b"transfiletriggerpostun" => Self::TransFileTriggerPostun,
            b"sepolicy" => Self::Sepolicy,
            b"patchlist" => Self::Patchlist,
            b"sourcelist" => Self::Sourcelist,
            b"end" => Self::End,
            _ => return None,
        })
    }

    /// The canonical keyword (`%package`); empty for the preamble.
    #[must_use]
    pub const fn keyword(self) -> &'static str {
        match self {
            Self::Preamble => "",
            Self::Package => "%package",
            Self::Description => "%description",
            Self::Prep => "%prep",
            Self::GenerateBuildRequires => "%generate_buildrequires",
            Self::Conf => "%conf",
            Self::Build => "%build",
            Self::Install => "%install",
            Self::Check => "%check",
            Self::Clean => "%clean",
            Self::Files => "%files",
            Self::Changelog => "%changelog",
            Self::Pre => "%pre",
            Self::Post => "%post",
            Self::Preun => "%preun",
            Self::Postun => "%postun",
            Self::Pretrans => "%pretrans",
            Self::Posttrans => "%posttrans",
            Self::Preuntrans => "%preuntrans",
            Self::Postuntrans => "%postuntrans",
            Self::Verifyscript => "%verifyscript",
            Self::TriggerPrein => "%triggerprein",
            Self::TriggerIn => "%triggerin",
            Self::TriggerUn => "%triggerun",
            Self::TriggerPostun => "%triggerpostun",
            Self::FileTriggerIn => "%filetriggerin",
            Self::FileTriggerUn => "%filetriggerun",
            Self::FileTriggerPostun => "%filetriggerpostun",
            Self::TransFileTriggerIn => "%transfiletriggerin",
            Self::TransFileTriggerUn => "%transfiletriggerun",
            Self::TransFileTriggerPostun => "%transfiletriggerpostun",
            Self::Sepolicy => "%sepolicy",
            Self::Patchlist => "%patchlist",
            Self::Sourcelist => "%sourcelist",
            Self::End => "%end",
        }
    }

    /// Whether lines of this section are tags (the preamble and `%package`).
    #[must_use]
    pub const fn has_tags(self) -> bool {
        matches!(self, Self::Preamble | Self::Package)
    }

    /// Install-time scriptlets (`%pre`...`%verifyscript`), without triggers.
    #[must_use]
    pub const fn is_scriptlet(self) -> bool {
        matches!(
            self,
            Self::Pre
                | Self::Post
                | Self::Preun
                | Self::Postun
                | Self::Pretrans
                | Self::Posttrans
                | Self::Preuntrans
                | Self::Postuntrans
                | Self::Verifyscript
        )
    }

    /// Triggers and file triggers: their header carries a condition after `--`.
    #[must_use]
    pub const fn is_trigger(self) -> bool {
        matches!(
            self,
            Self::TriggerPrein
                | Self::TriggerIn
                | Self::TriggerUn
                | Self::TriggerPostun
                | Self::FileTriggerIn
                | Self::FileTriggerUn
                | Self::FileTriggerPostun
                | Self::TransFileTriggerIn
                | Self::TransFileTriggerUn
                | Self::TransFileTriggerPostun
        )
    }

    /// Build-time scripts (`%prep`, `%conf`, `%build`, `%install`, `%check`, `%clean`,
    /// `%generate_buildrequires`).
    #[must_use]
    pub const fn is_build_script(self) -> bool {
        matches!(
            self,
            Self::Prep
                | Self::GenerateBuildRequires
                | Self::Conf
                | Self::Build
                | Self::Install
                | Self::Check
                | Self::Clean
        )
    }

    /// Whether the section belongs to one (sub)package, named by `-n NAME` or a suffix.
    #[must_use]
    pub const fn belongs_to_package(self) -> bool {
        matches!(
            self,
            Self::Package | Self::Description | Self::Files | Self::Sepolicy
        ) || self.is_scriptlet()
            || self.is_trigger()
    }

    /// Option letters that take a value, and option letters that do not
    /// (`parseScript.c`, `parseFiles.c`, `parseDescription.c`, `parseSimpleScript.c`).
    const fn options(self) -> (&'static [u8], &'static [u8]) {
        match self {
            Self::Package | Self::Sepolicy => (b"n", b""),
            Self::Description => (b"nl", b""),
            Self::Files => (b"nf", b""),
            _ if self.is_scriptlet() || self.is_trigger() => (b"npfP", b"eq"),
            _ if self.is_build_script() => (b"", b"ap"),
            _ => (b"", b""),
        }
    }
}

/// How a section names its package (`lookupPackage` in rpm).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PackageForm {
    /// `%package foo`: the name is the main package's name, a dash and `foo`.
    Suffix,
    /// `%package -n foo`: the name is `foo`.
    Name,
}

/// The package a section belongs to, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PackageQualifier {
    /// Suffix or full name.
    pub form: PackageForm,
    /// The name or suffix as written (macros unexpanded).
    pub name: Span,
    /// The `-n` flag, when the name is given with it.
    pub flag: Option<Span>,
}

/// An option of a section header: `-f FILE`, `-l LANG`, `-p PROG`, `-e`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SectionOption {
    /// The flag as written (`-f`; just those two bytes when the value is attached: `-ffile`).
    pub flag: Span,
    /// The option's letter.
    pub letter: char,
    /// The value, when the option takes one.
    pub value: Option<Span>,
}

/// A parsed section header line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionHeader {
    /// The section kind.
    pub kind: SectionKind,
    /// The keyword as written, with its `%` (`%Package`, `%trigger`).
    pub keyword: Span,
    /// The package, for sections that belong to one and name it.
    pub package: Option<PackageQualifier>,
    /// Options other than `-n`.
    pub options: Vec<SectionOption>,
    /// Words rpm would reject (a second name, a name on a section that takes none).
    pub extra_arguments: Vec<Span>,
    /// The condition after ` -- ` of a trigger (`bar < 2.0`).
    pub trigger_condition: Option<Span>,
    /// Where the header starts.
    pub position: Position,
}

impl SectionHeader {
    /// The value of the first option with `letter` (`'f'` for `%files -f list`).
    #[must_use]
    pub fn option(&self, letter: char) -> Option<&SectionOption> {
        self.options.iter().find(|option| option.letter == letter)
    }
}

/// Recognises a section header at the start of a logical line: the keyword must be in column 1
/// and be followed by whitespace or the end of the line (`isPart`).
pub(crate) fn header_kind(
    bytes: &[u8],
    start: usize,
    content_end: usize,
) -> Option<(SectionKind, usize)> {
    if bytes.get(start) != Some(&b'%') {
        return None;
    }
    let keyword_start = start + 1;
    let mut index = keyword_start;
    while index < content_end && !is_space(bytes[index]) && bytes[index] != b'\n' {
        index += 1;
    }
    SectionKind::from_keyword(&bytes[keyword_start..index]).map(|kind| (kind, index))
}

/// Splits header arguments into words: blanks separate words except inside quotes or a macro
/// group, so `%{?with_x: a b}` and `"-x y"` stay one word.
fn words(bytes: &[u8], start: usize, end: usize) -> Vec<Span> {
    // A header joined over several lines by an open macro group holds newlines too.
    let separates = |byte: u8| is_space(byte) || byte == b'\n';
    let mut words = Vec::new();
    let mut index = start;
    while index < end {
        while index < end && separates(bytes[index]) {
            index += 1;
        }
        if index >= end {
            break;
        }
        let word_start = index;
        // Open `%{` and `%(` groups, counted as rpm's reader counts them.
        let (mut braces, mut parens) = (0u32, 0u32);
        let mut quote = None;
        while index < end {
            let byte = bytes[index];
            match (quote, byte) {
                (Some(open), _) if byte == open => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') if braces + parens == 0 => quote = Some(byte),
                (None, b'%') => match bytes.get(index + 1) {
                    Some(b'{') => {
                        braces += 1;
                        index += 1;
                    }
                    Some(b'(') => {
                        parens += 1;
                        index += 1;
                    }
                    _ => {}
                },
                (None, b'{') if braces > 0 => braces += 1,
                (None, b'}') if braces > 0 => braces -= 1,
                (None, b'(') if parens > 0 => parens += 1,
                (None, b')') if parens > 0 => parens -= 1,
                (None, _) if braces + parens == 0 && separates(byte) => break,
                (None, _) => {}
            }
            index += 1;
        }
        words.push(Span::from_usize(word_start, index.min(end)));
    }
    words
}

/// Finds rpm's trigger separator: `--` with a blank on both sides.
fn trigger_separator(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    (start..end.saturating_sub(1)).find(|&index| {
        bytes[index] == b'-'
            && bytes[index + 1] == b'-'
            && index > start
            && is_blank(bytes[index - 1])
            && (index + 2 >= end || is_blank(bytes[index + 2]))
    })
}

/// Parses a header whose keyword ends at `keyword_end`.
pub(crate) fn parse_header(
    bytes: &[u8],
    kind: SectionKind,
    line: u32,
    start: usize,
    keyword_end: usize,
    content_end: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> SectionHeader {
    let mut arguments_end = content_end;
    let mut trigger_condition = None;
    if kind.is_trigger() {
        if let Some(separator) = trigger_separator(bytes, keyword_end, content_end) {
            arguments_end = separator;
            let mut condition_start = separator + 2;
            while condition_start < content_end && is_space(bytes[condition_start]) {
                condition_start += 1;
            }
            let mut condition_end = content_end;
            while condition_end > condition_start && is_space(bytes[condition_end - 1]) {
                condition_end -= 1;
            }
            trigger_condition = Some(Span::from_usize(condition_start, condition_end));
        }
        if trigger_condition.is_none_or(Span::is_empty) {
            diagnostics.push(Diagnostic::new(
                start,
                DiagnosticKind::TriggerWithoutCondition,
            ));
        }
    }
    let (valued, plain) = kind.options();
    let words = words(bytes, keyword_end, arguments_end);
    let mut named = None;
    let mut positional = Vec::new();
    let mut options = Vec::new();
    let mut index = 0;
    while index < words.len() {
        let word = words[index];
        let text = &bytes[word.range()];
        index += 1;
        if text.len() < 2 || text[0] != b'-' || text == b"--" {
            positional.push(word);
            continue;
        }
        let letter = text[1];
        let attached = (text.len() > 2).then(|| Span::new(word.start + 2, word.end));
        let takes_value = letter == b'n' && kind.belongs_to_package() || valued.contains(&letter);
        let value = if takes_value {
            attached.or_else(|| {
                let next = words.get(index).copied();
                index += usize::from(next.is_some());
                next
            })
        } else {
            if !plain.contains(&letter) {
                diagnostics.push(Diagnostic::new(
                    word.start as usize,
                    DiagnosticKind::UnknownSectionOption {
                        section: kind.keyword(),
                    },
                ));
            }
            None
        };
        if letter == b'n' && kind.belongs_to_package() {
            if let Some(name) = value {
                named = Some(PackageQualifier {
                    form: PackageForm::Name,
                    name,
                    flag: Some(Span::new(word.start, word.start + 2)),
                });
            } else {
                diagnostics.push(Diagnostic::new(
                    word.start as usize,
                    DiagnosticKind::MissingPackageName,
                ));
            }
            continue;
        }
        options.push(SectionOption {
            flag: Span::new(word.start, word.start + 2),
            letter: char::from(letter),
            value,
        });
    }
    let mut extra_arguments = positional;
    // Except on `%package`, a word that starts with a macro is not taken as the package suffix:
    // in real specs it is nearly always text that rpm's expansion of the header line moves into
    // the section (`%description %{_description}`) or options (`%files %{?with_x:-f x.list}`).
    let suffix_candidate = extra_arguments
        .first()
        .is_some_and(|word| kind == SectionKind::Package || bytes[word.start as usize] != b'%');
    let package = match named {
        Some(named) => Some(named),
        None if kind.belongs_to_package() && suffix_candidate => {
            let suffix = extra_arguments.remove(0);
            Some(PackageQualifier {
                form: PackageForm::Suffix,
                name: suffix,
                flag: None,
            })
        }
        None => None,
    };
    if kind == SectionKind::Package && package.is_none() {
        diagnostics.push(Diagnostic::new(start, DiagnosticKind::MissingPackageName));
    }
    // Only package sections check for extra names ("Too many names"); build scripts ignore
    // leftover words (`parseSimpleScript`). A macro after the name is common
    // (`%description devel %{_description}`): rpm expands the header line first and a
    // multi-line expansion becomes the section's first lines, taking the words after it along.
    let plain = |span: &&Span| kind.belongs_to_package() && !bytes[span.range()].contains(&b'%');
    if let Some(extra) = extra_arguments.first().filter(plain) {
        diagnostics.push(Diagnostic::new(
            extra.start as usize,
            DiagnosticKind::ExtraSectionArguments,
        ));
    }
    SectionHeader {
        kind,
        keyword: Span::from_usize(start, keyword_end),
        package,
        options,
        extra_arguments,
        trigger_condition,
        position: Position::new(line, column(bytes, start, start)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(text: &str) -> (SectionHeader, Vec<Diagnostic>) {
        let bytes = text.as_bytes();
        let (kind, keyword_end) = header_kind(bytes, 0, bytes.len()).expect("a header");
        let mut diagnostics = Vec::new();
        let parsed = parse_header(
            bytes,
            kind,
            1,
            0,
            keyword_end,
            bytes.len(),
            &mut diagnostics,
        );
        (parsed, diagnostics)
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.range()]
    }

    #[test]
    fn package_forms() {
        let text = "%package -n python3-%{name}";
        let (parsed, diagnostics) = header(text);
        let package = parsed.package.unwrap();
        assert_eq!(
            (package.form, slice(text, package.name)),
            (PackageForm::Name, "python3-%{name}")
        );
        assert!(diagnostics.is_empty());

        let text = "%Package devel";
        let (parsed, _) = header(text);
        assert_eq!(parsed.kind, SectionKind::Package);
        assert_eq!(slice(text, parsed.keyword), "%Package");
        assert_eq!(
            parsed.package.map(|p| (p.form, slice(text, p.name))),
            Some((PackageForm::Suffix, "devel"))
        );
    }

    #[test]
    fn files_and_description_options() {
        let text = "%files -n foo -f %{name}.lang -f extra.list";
        let (parsed, diagnostics) = header(text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let values: Vec<&str> = parsed
            .options
            .iter()
            .map(|o| slice(text, o.value.unwrap()))
            .collect();
        assert_eq!(values, ["%{name}.lang", "extra.list"]);
        assert_eq!(slice(text, parsed.package.unwrap().name), "foo");

        let text = "%description -l de devel";
        let (parsed, _) = header(text);
        assert_eq!(
            slice(text, parsed.option('l').unwrap().value.unwrap()),
            "de"
        );
        assert_eq!(slice(text, parsed.package.unwrap().name), "devel");
    }

    #[test]
    fn scriptlets_and_triggers() {
        let text = "%post -p <lua> libs";
        let (parsed, _) = header(text);
        assert_eq!(
            slice(text, parsed.option('p').unwrap().value.unwrap()),
            "<lua>"
        );
        assert_eq!(slice(text, parsed.package.unwrap().name), "libs");

        let text = "%triggerin -n foo -- bar < 2.0, baz";
        let (parsed, diagnostics) = header(text);
        assert!(diagnostics.is_empty());
        assert_eq!(
            slice(text, parsed.trigger_condition.unwrap()),
            "bar < 2.0, baz"
        );
        assert_eq!(slice(text, parsed.package.unwrap().name), "foo");

        let (_, diagnostics) = header("%triggerun foo");
        assert_eq!(diagnostics.len(), 1);
    }

    #[test]
    fn build_script_options_take_no_value() {
        let text = "%build -a";
        let (parsed, diagnostics) = header(text);
        assert!(diagnostics.is_empty());
        assert_eq!(parsed.options[0].letter, 'a');
        assert_eq!(parsed.options[0].value, None);
    }

    #[test]
    fn header_keyword_needs_column_one_and_whitespace() {
        assert!(header_kind(b" %files", 0, 7).is_none());
        assert!(header_kind(b"%files-n", 0, 8).is_none());
        assert!(header_kind(b"%filesystem", 0, 11).is_none());
        assert_eq!(
            header_kind(b"%FILES\tx", 0, 8).map(|h| h.0),
            Some(SectionKind::Files)
        );
        assert_eq!(
            header_kind(b"%trigger -- x", 0, 13).map(|h| h.0),
            Some(SectionKind::TriggerIn)
        );
    }

    #[test]
    fn quoted_and_macro_words_stay_whole() {
        let text = "%post -p \"/bin/sh -e\" %{?with_x: a b}";
        let (parsed, _) = header(text);
        assert_eq!(
            slice(text, parsed.option('p').unwrap().value.unwrap()),
            "\"/bin/sh -e\""
        );
        assert_eq!(parsed.package, None);
        assert_eq!(slice(text, parsed.extra_arguments[0]), "%{?with_x: a b}");
        let text = "%files devel-%{x} %{?with_y:-f y.list}";
        let (parsed, diagnostics) = header(text);
        assert_eq!(slice(text, parsed.package.unwrap().name), "devel-%{x}");
        assert!(diagnostics.is_empty());
    }

    #[test]
    fn headers_over_several_lines_split_into_words() {
        let text = "%files -f %{lua:\nprint(1)\n} a\n\nb";
        let (parsed, _) = header(text);
        assert_eq!(
            slice(text, parsed.option('f').unwrap().value.unwrap()),
            "%{lua:\nprint(1)\n}"
        );
        assert_eq!(slice(text, parsed.package.unwrap().name), "a");
        assert_eq!(slice(text, parsed.extra_arguments[0]), "b");
    }

    #[test]
    fn extra_and_missing_names_are_diagnosed() {
        let (parsed, diagnostics) = header("%package a b");
        assert_eq!(parsed.extra_arguments.len(), 1);
        assert_eq!(diagnostics.len(), 1);
        let (_, diagnostics) = header("%package");
        assert_eq!(diagnostics.len(), 1);
        let (parsed, diagnostics) = header("%package %{sub}");
        assert_eq!(
            (parsed.package.map(|p| p.form), diagnostics.len()),
            (Some(PackageForm::Suffix), 0)
        );
        let (parsed, diagnostics) = header("%files -n a b");
        assert_eq!((parsed.extra_arguments.len(), diagnostics.len()), (1, 1));
        let (parsed, diagnostics) = header("%description devel %{_description} (library)");
        assert_eq!((parsed.extra_arguments.len(), diagnostics.len()), (2, 0));
        let (parsed, diagnostics) = header("%description %{_description}");
        assert_eq!(
            (
                parsed.package,
                parsed.extra_arguments.len(),
                diagnostics.len()
            ),
            (None, 1, 0)
        );
        let (parsed, diagnostics) = header("%prep -p /usr/bin/bash");
        assert_eq!((parsed.extra_arguments.len(), diagnostics.len()), (1, 0));
    }
}
