//! rpm's version comparison on arbitrary input: never panics, is antisymmetric and reflexive, and
//! parsing an EVR then printing it gives an EVR that compares equal.

#![no_main]

use std::cmp::Ordering;

use cairn_rpm_types::{Evr, EvrParts, rpmvercmp};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (a, b) = text.split_once('\u{0}').unwrap_or((text, ""));
    assert_eq!(rpmvercmp(a, a), Ordering::Equal);
    assert_eq!(rpmvercmp(a, b), rpmvercmp(b, a).reverse());
    let (evr_a, evr_b) = (EvrParts::split(a), EvrParts::split(b));
    assert_eq!(evr_a.compare(&evr_b), evr_b.compare(&evr_a).reverse());
    let parsed = Evr::parse(a);
    assert_eq!(Evr::parse(&parsed.to_string()), parsed);
});
