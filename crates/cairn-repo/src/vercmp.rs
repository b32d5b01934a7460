//! rpm's version segment comparison (`rpmvercmp` in rpmio/rpmvercmp.c), needed to pick the
//! highest `libc.so.6(GLIBC_x)` requirement exactly as createrepo_c does.

use std::cmp::Ordering;

/// Compares two version strings segment by segment, with `~` sorting before anything and `^`
/// after the end of a version but before any further segment.
pub fn rpmvercmp(first: &str, second: &str) -> Ordering {
    if first == second {
        return Ordering::Equal;
    }
    let (mut one, mut two) = (first.as_bytes(), second.as_bytes());
    let separator = |byte: &u8| !byte.is_ascii_alphanumeric() && *byte != b'~' && *byte != b'^';
    loop {
        while one.first().is_some_and(separator) {
            one = &one[1..];
        }
        while two.first().is_some_and(separator) {
            two = &two[1..];
        }
        if one.is_empty() && two.is_empty() {
            return Ordering::Equal;
        }
        if one.first() == Some(&b'~') || two.first() == Some(&b'~') {
            if one.first() != Some(&b'~') {
                return Ordering::Greater;
            }
            if two.first() != Some(&b'~') {
                return Ordering::Less;
            }
            one = &one[1..];
            two = &two[1..];
            continue;
        }
        if one.first() == Some(&b'^') || two.first() == Some(&b'^') {
            if one.is_empty() {
                return Ordering::Less;
            }
            if two.is_empty() {
                return Ordering::Greater;
            }
            if one.first() != Some(&b'^') {
                return Ordering::Greater;
            }
            if two.first() != Some(&b'^') {
                return Ordering::Less;
            }
            one = &one[1..];
            two = &two[1..];
            continue;
        }
        if one.is_empty() || two.is_empty() {
            break;
        }
        let numeric = one[0].is_ascii_digit();
        let take = |text: &[u8]| {
            text.iter()
                .position(|byte| {
                    if numeric {
                        !byte.is_ascii_digit()
                    } else {
                        !byte.is_ascii_alphabetic()
                    }
                })
                .unwrap_or(text.len())
        };
        let (length_one, length_two) = (take(one), take(two));
        let (segment_one, segment_two) = (&one[..length_one], &two[..length_two]);
        if segment_one.is_empty() {
            return Ordering::Less;
        }
        if segment_two.is_empty() {
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let ordering = if numeric {
            let trimmed_one = trim_zeros(segment_one);
            let trimmed_two = trim_zeros(segment_two);
            trimmed_one
                .len()
                .cmp(&trimmed_two.len())
                .then_with(|| trimmed_one.cmp(trimmed_two))
        } else {
            segment_one.cmp(segment_two)
        };
        if ordering != Ordering::Equal {
            return ordering;
        }
        one = &one[length_one..];
        two = &two[length_two..];
    }
    if one.is_empty() && two.is_empty() {
        Ordering::Equal
    } else if one.is_empty() {
        Ordering::Less
    } else {
        Ordering::Greater
    }
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let start = digits
        .iter()
        .position(|&byte| byte != b'0')
        .unwrap_or(digits.len());
    &digits[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_rpm_on_its_own_test_cases() {
        // From rpm's tests/rpmvercmp.at.
        let cases = [
            ("1.0", "1.0", 0),
            ("1.0", "2.0", -1),
            ("2.0.1", "2.0", 1),
            ("5.5p1", "5.5p2", -1),
            ("5.6p1", "5.5p10", 1),
            ("10xyz", "10.1xyz", -1),
            ("xyz.4", "8", -1),
            ("1b.fc17", "1.fc17", -1),
            ("1.0~rc1", "1.0", -1),
            ("1.0~rc1", "1.0~rc1~git123", 1),
            ("1.0^", "1.0", 1),
            ("1.0^git1", "1.0^git2", -1),
            ("1.0^git1", "1.01", -1),
            ("1.0^20160101", "1.0.1", -1),
            ("1.0~rc1^git1", "1.0~rc1", 1),
            ("2.50", "2.5", 1),
            ("1.0001", "1.1", 0),
        ];
        for (first, second, expected) in cases {
            let got = match rpmvercmp(first, second) {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            };
            assert_eq!(got, expected, "rpmvercmp({first}, {second})");
        }
    }
}
