//! The key lines of a failed build's log: what a person triaging the failure reads first.

/// Lines kept from the end of the log.
const TAIL_LINES: usize = 15;
/// Matching lines kept from the rest of the log.
const MATCHING_LINES: usize = 20;

/// The lines of `log` that explain a failure: rpmbuild's `error:` lines and `Bad exit status`,
/// compiler and make errors, then the last lines, without repeats, in log order.
pub fn key_lines(log: &str) -> Vec<String> {
    let lines: Vec<&str> = log.lines().collect();
    let tail_start = lines.len().saturating_sub(TAIL_LINES);
    let mut keep: Vec<usize> = lines[..tail_start]
        .iter()
        .enumerate()
        .filter(|(_, line)| is_key(line))
        .map(|(number, _)| number)
        .collect();
    if keep.len() > MATCHING_LINES {
        keep.drain(..keep.len() - MATCHING_LINES);
    }
    keep.extend(tail_start..lines.len());
    keep.into_iter()
        .map(|number| lines[number].trim_end().to_owned())
        .filter(|line| !line.is_empty())
        .collect()
}

fn is_key(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("error:")
        || line.starts_with("RPM build errors:")
        || line.contains("Bad exit status")
        || line.contains(": error:")
        || line.contains("make: ***")
        || line.contains("make[") && line.contains("***")
        || line.starts_with("FAIL")
        || line.contains("No such file or directory") && line.contains("error")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_and_the_tail_are_kept_in_order() {
        let mut log = String::from(
            "Executing(%build)\nfoo.c:3:1: error: expected ';'\nmake: *** [all] Error 1\n",
        );
        for number in 0..30 {
            log.push_str(&format!("noise {number}\n"));
        }
        log.push_str("error: Bad exit status from /var/tmp/rpm-tmp.1 (%build)\n");
        let lines = key_lines(&log);
        assert_eq!(lines[0], "foo.c:3:1: error: expected ';'");
        assert_eq!(lines[1], "make: *** [all] Error 1");
        assert_eq!(
            lines.last().unwrap(),
            "error: Bad exit status from /var/tmp/rpm-tmp.1 (%build)"
        );
        assert_eq!(lines.len(), 2 + 15);
        assert!(!lines.contains(&"noise 0".to_owned()));
    }
}
