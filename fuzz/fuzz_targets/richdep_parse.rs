//! The rich-dependency parser on arbitrary input: never panics, and whatever it accepts prints
//! back to text that parses to the same tree.

#![no_main]

use cairn_rpm_types::RichDependency;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(parsed) = RichDependency::parse(text) else {
        return;
    };
    if !text.trim_start().starts_with('(') {
        return;
    }
    let printed = parsed.to_string();
    let reparsed = RichDependency::parse(&printed)
        .unwrap_or_else(|error| panic!("{text:?} printed as {printed:?}, which does not parse: {error}"));
    assert_eq!(reparsed, parsed, "{text:?} printed as {printed:?}");
});
