//! Line wrapping of changelog items, as rpmautospec does it: Python's `textwrap.TextWrapper`
//! with `width=75, subsequent_indent="  "` and every other option at its default
//! (tab expansion, whitespace replacement, dropping whitespace at line ends, breaking long words
//! and breaking on hyphens).
//!
//! The chunking follows CPython 3.11's `TextWrapper.wordsep_re` (`Lib/textwrap.py`): a chunk is a
//! run of whitespace, an em-dash (`--`) between words, or a word that ends at whitespace, at the
//! end, before an em-dash, or after the hyphen of a hyphenated word (`ab-c`, `a-b-c`). Lengths
//! count code points, as Python's `len` does. `\w` is approximated by Rust's
//! `char::is_alphanumeric` (identical for ASCII and the Latin, Greek, Cyrillic and CJK letters
//! seen in changelogs; combining marks differ).

/// The width rpmautospec passes to `TextWrapper`.
const WIDTH: usize = 75;
/// The indent of continuation lines.
const SUBSEQUENT_INDENT: &str = "  ";

/// Wraps one changelog item (already prefixed with `"- "`) into lines joined by `\n`.
pub(crate) fn fill(text: &str) -> String {
    let chars = munge_whitespace(text);
    let chunks = split_chunks(&chars);
    wrap_chunks(chunks).join("\n")
}

/// Python `str.isspace`: Unicode White_Space plus the information separators U+001C..U+001F.
pub(crate) fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python `str.strip()`.
pub(crate) fn python_strip(text: &str) -> &str {
    text.trim_matches(is_python_space)
}

/// The whitespace `textwrap` knows (`string.whitespace`).
fn is_wrap_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ')
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_letter(c: char) -> bool {
    is_word(c) && !c.is_numeric()
}

fn is_word_punct(c: char) -> bool {
    is_word(c) || "!\"'&.,?".contains(c)
}

/// `expandtabs(8)` then every `string.whitespace` character to a space.
fn munge_whitespace(text: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len());
    let mut column = 0usize;
    for c in text.chars() {
        match c {
            '\t' => {
                let spaces = 8 - column % 8;
                out.extend(std::iter::repeat_n(' ', spaces));
                column += spaces;
            }
            // expandtabs resets its column at line ends.
            '\n' | '\r' => {
                out.push(' ');
                column = 0;
            }
            c if is_wrap_space(c) => {
                out.push(' ');
                column += 1;
            }
            c => {
                out.push(c);
                column += 1;
            }
        }
    }
    out
}

/// Splits like `wordsep_re.split` with empty pieces dropped.
fn split_chunks(text: &[char]) -> Vec<&[char]> {
    let at =
        |i: isize| -> Option<char> { usize::try_from(i).ok().and_then(|i| text.get(i).copied()) };
    let mut chunks = Vec::new();
    let mut start = 0usize;
    while start < text.len() {
        let end = if is_wrap_space(text[start]) {
            let mut end = start;
            while end < text.len() && is_wrap_space(text[end]) {
                end += 1;
            }
            end
        } else if let Some(end) = em_dash_between_words(text, start) {
            end
        } else {
            word_end(text, start, &at)
        };
        chunks.push(&text[start..end]);
        start = end;
    }
    chunks
}

/// `(?<=wp) -{2,} (?=\w)` at `start`.
fn em_dash_between_words(text: &[char], start: usize) -> Option<usize> {
    if start == 0 || !is_word_punct(text[start - 1]) {
        return None;
    }
    let run = text[start..].iter().take_while(|&&c| c == '-').count();
    (run >= 2 && text.get(start + run).is_some_and(|&c| is_word(c))).then_some(start + run)
}

/// The shortest `nws+?` followed by a hyphen break, the end of the word or an em-dash.
fn word_end(text: &[char], start: usize, at: &dyn Fn(isize) -> Option<char>) -> usize {
    let letter = |i: isize| at(i).is_some_and(is_letter);
    let mut position = start + 1;
    loop {
        let p = position as isize;
        // Hyphenated word: "-" preceded by two letters or by letter-hyphen-letter, followed by
        // letter, optional hyphen, letter.
        if at(p) == Some('-')
            && ((letter(p - 2) && letter(p - 1))
                || (letter(p - 3) && at(p - 2) == Some('-') && letter(p - 1)))
            && letter(p + 1)
            && (letter(p + 2) || (at(p + 2) == Some('-') && letter(p + 3)))
        {
            return position + 1;
        }
        // End of word.
        if position >= text.len() || is_wrap_space(text[position]) {
            return position;
        }
        // Em-dash after word punctuation.
        if is_word_punct(text[position - 1]) {
            let run = text[position..].iter().take_while(|&&c| c == '-').count();
            if run >= 2 && text.get(position + run).is_some_and(|&c| is_word(c)) {
                return position;
            }
        }
        position += 1;
    }
}

fn is_blank(chunk: &[char]) -> bool {
    chunk.iter().all(|&c| is_python_space(c))
}

/// `TextWrapper._wrap_chunks` with `_handle_long_word` (break long words, after the last hyphen
/// that fits when there is one).
fn wrap_chunks(mut chunks: Vec<&[char]>) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    chunks.reverse();
    while !chunks.is_empty() {
        let mut line: Vec<&[char]> = Vec::new();
        let mut length = 0usize;
        let indent = if lines.is_empty() {
            ""
        } else {
            SUBSEQUENT_INDENT
        };
        let width = WIDTH - indent.len();
        if !lines.is_empty() && chunks.last().is_some_and(|chunk| is_blank(chunk)) {
            chunks.pop();
        }
        while let Some(chunk) = chunks.last() {
            if length + chunk.len() <= width {
                length += chunk.len();
                line.push(chunk);
                chunks.pop();
            } else {
                break;
            }
        }
        if let Some(chunk) = chunks.last().copied()
            && chunk.len() > width
        {
            let space_left = width - length;
            let mut end = space_left;
            if let Some(hyphen) = chunk[..space_left].iter().rposition(|&c| c == '-')
                && hyphen > 0
                && chunk[..hyphen].iter().any(|&c| c != '-')
            {
                end = hyphen + 1;
            }
            line.push(&chunk[..end]);
            *chunks.last_mut().expect("checked above") = &chunk[end..];
        }
        if line.last().is_some_and(|chunk| is_blank(chunk)) {
            line.pop();
        }
        if !line.is_empty() {
            let mut text = String::from(indent);
            text.extend(line.iter().flat_map(|chunk| chunk.iter()));
            lines.push(text);
        }
    }
    lines
}

#[cfg(test)]
#[expect(clippy::print_stderr, reason = "tests explain why they skip")]
mod tests {
    use super::fill;

    #[test]
    fn short_items_stay_on_one_line() {
        assert_eq!(fill("- Update to 1.2.3"), "- Update to 1.2.3");
    }

    #[test]
    fn long_items_wrap_at_75_with_two_space_indent() {
        let text = "- Rebuilt for https://fedoraproject.org/wiki/Fedora_41_Mass_Rebuild and some more words here";
        let wrapped = fill(text);
        assert_eq!(
            wrapped,
            "- Rebuilt for https://fedoraproject.org/wiki/Fedora_41_Mass_Rebuild and\n  some more words here"
        );
    }

    #[test]
    fn long_words_break_after_a_hyphen() {
        let word = format!("- {}-{}", "a".repeat(50), "b".repeat(40));
        assert_eq!(
            fill(&word),
            format!("- {}-\n  {}", "a".repeat(50), "b".repeat(40))
        );
    }

    #[test]
    fn an_empty_item_is_a_lone_dash() {
        assert_eq!(fill("- "), "-");
    }

    /// Compares with CPython's `textwrap` on generated items (skips without `python3`).
    #[test]
    fn matches_python_textwrap() {
        if !cairn_tool::Tool::exists("python3") {
            eprintln!("skipping: python3 is not installed");
            return;
        }
        let words = [
            "update",
            "re-enable",
            "x86-64",
            "well-known",
            "--",
            "foo--bar",
            "a-b-c",
            "e.g.",
            "naïve",
            "中文",
            "-",
            "https://example.com/a-very-long-path/with-hyphens-in-it/and_more_and_more_and_more_stuff",
            "supercalifragilisticexpialidocious-supercalifragilisticexpialidocious-xyz",
            "\"q\"",
            "--flag",
            "tab\there",
            "x",
            "übersetzung",
            "100%%",
            "ab-",
            "-cd",
        ];
        let mut state = 7u64;
        let mut items = Vec::new();
        for _ in 0..400 {
            let mut item = String::from("- ");
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let count = 1 + (state >> 33) % 30;
            for index in 0..count {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                if index > 0 {
                    item.push_str(if (state >> 40).is_multiple_of(7) {
                        "  "
                    } else {
                        " "
                    });
                }
                item.push_str(
                    words[usize::try_from((state >> 33) % words.len() as u64).expect("small")],
                );
            }
            items.push(item);
        }
        let script = "import sys, json, textwrap\n\
                      w = textwrap.TextWrapper(width=75, subsequent_indent='  ')\n\
                      print(json.dumps([w.fill(i) for i in json.load(open(sys.argv[1]))]))";
        let directory = tempfile::tempdir().expect("temporary directory");
        let input = directory.path().join("items.json");
        let json: Vec<String> = items.iter().map(|item| format!("{item:?}")).collect();
        std::fs::write(&input, format!("[{}]", json.join(","))).expect("write items");
        let output = cairn_tool::Tool::new("python3")
            .args(["-c", script])
            .arg(&input)
            .read_stdout()
            .expect("python runs");
        let expected: Vec<String> = parse_json_strings(&output);
        assert_eq!(expected.len(), items.len());
        for (item, expected) in items.iter().zip(expected) {
            assert_eq!(fill(item), expected, "item: {item:?}");
        }
    }

    /// Parses a JSON array of strings (only the escapes `json.dumps` emits).
    fn parse_json_strings(text: &str) -> Vec<String> {
        let mut strings = Vec::new();
        let mut chars = text.trim().chars().peekable();
        while let Some(c) = chars.next() {
            if c != '"' {
                continue;
            }
            let mut value = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some('n') => value.push('\n'),
                        Some('t') => value.push('\t'),
                        Some('u') => {
                            let hex: String = (0..4).filter_map(|_| chars.next()).collect();
                            let unit = u32::from_str_radix(&hex, 16).expect("hex escape");
                            if (0xd800..0xdc00).contains(&unit) {
                                chars.next();
                                chars.next();
                                let low: String = (0..4).filter_map(|_| chars.next()).collect();
                                let low = u32::from_str_radix(&low, 16).expect("hex escape");
                                let combined = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
                                value.push(char::from_u32(combined).expect("valid pair"));
                            } else {
                                value.push(char::from_u32(unit).expect("valid escape"));
                            }
                        }
                        Some(other) => value.push(other),
                        None => break,
                    },
                    c => value.push(c),
                }
            }
            strings.push(value);
        }
        strings
    }
}
