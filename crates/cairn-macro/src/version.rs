//! rpm's version comparison (`rpmvercmp`, rpmio/rpmvercmp.c), for `v"..."` expressions and
//! Lua's `rpm.vercmp`.

use std::cmp::Ordering;

/// Compares two version (or release) strings as rpm does, including `~` (sorts before
/// anything) and `^` (sorts after the base, before a following segment).
pub fn rpmvercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (mut one, mut two) = (a.as_bytes(), b.as_bytes());
    loop {
        let skip = |s: &[u8]| -> usize {
            s.iter()
                .take_while(|c| !c.is_ascii_alphanumeric() && **c != b'~' && **c != b'^')
                .count()
        };
        one = &one[skip(one)..];
        two = &two[skip(two)..];
        match (one.first(), two.first()) {
            (Some(b'~'), Some(b'~')) => {
                one = &one[1..];
                two = &two[1..];
                continue;
            }
            (Some(b'~'), _) => return Ordering::Less,
            (_, Some(b'~')) => return Ordering::Greater,
            (Some(b'^'), Some(b'^')) => {
                one = &one[1..];
                two = &two[1..];
                continue;
            }
            (Some(b'^'), None) => return Ordering::Greater,
            (None, Some(b'^')) => return Ordering::Less,
            (Some(b'^'), _) => return Ordering::Less,
            (_, Some(b'^')) => return Ordering::Greater,
            (None, _) | (_, None) => break,
            _ => {}
        }
        let numeric = one[0].is_ascii_digit();
        let take = |s: &[u8]| -> usize {
            s.iter()
                .take_while(|c| {
                    if numeric {
                        c.is_ascii_digit()
                    } else {
                        c.is_ascii_alphabetic()
                    }
                })
                .count()
        };
        let (length_one, length_two) = (take(one), take(two));
        let (segment_one, segment_two) = (&one[..length_one], &two[..length_two]);
        one = &one[length_one..];
        two = &two[length_two..];
        if segment_two.is_empty() {
            // Numeric segments are newer than alphabetic ones.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let ordering = if numeric {
            let trim = |s: &[u8]| -> usize { s.iter().take_while(|c| **c == b'0').count() };
            let (a, b) = (
                &segment_one[trim(segment_one)..],
                &segment_two[trim(segment_two)..],
            );
            a.len().cmp(&b.len()).then_with(|| a.cmp(b))
        } else {
            segment_one.cmp(segment_two)
        };
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
    match (one.is_empty(), two.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        _ => Ordering::Greater,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_like_rpm() {
        for (a, b, expected) in [
            ("1.0", "1.0", Ordering::Equal),
            ("1.0", "1.1", Ordering::Less),
            ("1.10", "1.9", Ordering::Greater),
            ("1.0~rc1", "1.0", Ordering::Less),
            ("1.0^git1", "1.0", Ordering::Greater),
            ("1.0^git1", "1.0.1", Ordering::Less),
            ("1.0a", "1.0", Ordering::Greater),
            ("1.a", "1.1", Ordering::Less),
            ("2.0", "2_0", Ordering::Equal),
        ] {
            assert_eq!(rpmvercmp(a, b), expected, "{a} vs {b}");
        }
    }
}
