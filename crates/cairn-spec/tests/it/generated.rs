//! Round trips of generated specs built from the constructs that matter to the lexer.

use crate::common::{Random, parse_checked};

const FRAGMENTS: &[&str] = &[
    "Name: gen\n",
    "Version:\t1\n",
    "Requires(post): a \\\n",
    "Source12: x#/y\n",
    "%package -n gen-%{x}\n",
    "%package sub\n",
    "%description sub\n",
    "%files -f a.lang\n",
    "%post -p <lua>\n",
    "%triggerin -- b\n",
    "%if 0%{?fedora} \\\n",
    "%ifarch x86_64\n",
    "  %elif 1\n",
    "%else\n",
    "%endif\n",
    "%global g %{expand:\n",
    "%define f(a:) %{-a*} \\\n",
    "}\n",
    "%{lua:\n",
    "%(echo\n",
    ")\n",
    "%[1 +\n",
    "]\n",
    "# comment \\\n",
    "%dnl x\n",
    "%include %{SOURCE1}\n",
    "%%{not a group\n",
    "\\%{escaped\n",
    "plain text\n",
    "\n",
    "\r\n",
    "\t \n",
    "caf\u{e9}\n",
    "%changelog\n",
    "* Mon Jan 01 2024 x - 1\n",
];

const BYTES: &[&[u8]] = &[
    b"\0",
    b"\xff\xfe",
    b"\\",
    b"%",
    b"{",
    b"}",
    b"\r",
    b"\n",
    b" ",
    b"--",
    b"-n",
];

#[test]
fn generated_specs_round_trip() {
    let mut random = Random::new(42);
    for _ in 0..3000 {
        let mut bytes = Vec::new();
        for _ in 0..random.below(60) {
            if random.below(8) == 0 {
                let fragment = BYTES[random.below(BYTES.len())];
                bytes.extend_from_slice(fragment);
            } else {
                bytes.extend_from_slice(random.pick(FRAGMENTS).as_bytes());
            }
        }
        if random.below(3) == 0 {
            bytes.pop();
        }
        parse_checked(&bytes);
    }
}
