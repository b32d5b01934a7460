#!/usr/bin/env bash
# Tests scripts/fetch-example-sources offline, in seconds: a stand-in apt-get serves the
# tarballs. Checks the private apt configuration derived from both source-list formats, the
# refusal of a tarball whose hash differs from the committed `sources` file, and (when the real
# tarballs are already in examples/.work/lookaside) the lookaside layout, the reproducible
# dist-git commits and the generated config.
#   examples/tests/fetch-sources.sh
set -euo pipefail

examples=$(cd "$(dirname "$0")/.." && pwd)
script=$(dirname "$examples")/scripts/fetch-example-sources
scratch=$(mktemp -d /tmp/cairn-fetch-test.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
passed=0
failed=0
check() { # check DESCRIPTION COMMAND...
  if "${@:2}"; then passed=$((passed + 1)); else echo "FAIL: $1" >&2; failed=$((failed + 1)); fi
}

# A machine's apt sources: a one-line list, a deb822 file with a disabled entry, and files apt
# ignores.
etc=$scratch/etc-apt
mkdir -p "$etc/sources.list.d"
cat >"$etc/sources.list" <<'EOF'
# comment
deb [arch=amd64 signed-by=/k.gpg] http://archive.invalid/debian bookworm main contrib
deb-src http://archive.invalid/debian bookworm main
EOF
cat >"$etc/sources.list.d/debian.sources" <<'EOF'
Types: deb
URIs: http://mirror.invalid/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://disabled.invalid/debian
Suites: bookworm
Components: main
Enabled: no
EOF
echo 'deb http://ignored.invalid/debian bookworm main' >"$etc/sources.list.d/other.list.disabled"

# apt-get stand-in: `update` does nothing; `source --download-only PKG` writes the tarball
# found in $FAKE_TARBALLS/PKG into the current directory, as PKG_<v>.orig.tar.<x>.
bin=$scratch/bin
mkdir -p "$bin"
cat >"$bin/apt-get" <<'EOF'
#!/bin/sh
last=
for argument in "$@"; do last=$argument; done
case " $* " in
  *" update "*) exit 0 ;;
  *" source "*) cp "$FAKE_TARBALLS/$last"/* . && touch "${last}_1.0.dsc" ;;
  *) exit 1 ;;
esac
EOF
chmod +x "$bin/apt-get"

# 1. A tarball whose hash differs is refused, and nothing is recorded.
fake=$scratch/tarballs
mkdir -p "$fake/musl"
echo "not musl" | gzip >"$fake/musl/musl_1.2.3.orig.tar.gz"
sources_before=$(cat "$examples/upstream/musl/sources")
work=$scratch/work-refuse
status=0
PATH=$bin:$PATH EXAMPLE_APT_ETC=$etc FAKE_TARBALLS=$fake \
  "$script" --work "$work" >"$scratch/out" 2>"$scratch/err" || status=$?
check "a wrong tarball is refused with exit 2 (got $status)" test "$status" -eq 2
check "the refusal names the recorded hash" grep -q 'records' "$scratch/err"
check "the sources file is unchanged" test "$sources_before" = "$(cat "$examples/upstream/musl/sources")"
check "nothing enters the lookaside" test ! -e "$work/lookaside/musl"

# 2. The private apt configuration: deb turned into deb-src, options and fields kept, disabled
# entries and files apt ignores left out, the machine's own source lines not duplicated.
list=$work/apt/sources.list
deb822=$work/apt/sources.list.d/deb-src.sources
check "one-line deb becomes deb-src with its options" \
  grep -qxF 'deb-src [arch=amd64 signed-by=/k.gpg] http://archive.invalid/debian bookworm main contrib' "$list"
check "one-line list has exactly one entry" test "$(grep -c . "$list")" -eq 1
check "deb822 Types becomes deb-src" grep -qx 'Types: deb-src' "$deb822"
check "deb822 keeps its fields" grep -qxF 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' "$deb822"
check "deb822 drops the disabled entry" bash -c "! grep -q disabled.invalid '$deb822'"
check "files apt ignores are ignored" bash -c "! grep -rq ignored.invalid '$work/apt'"

# 3. With the real tarballs (already fetched once): lookaside layout, dist-git, config.
lookaside=$examples/.work/lookaside
if [ -d "$lookaside" ]; then
  # component -> Debian source package, from the script's own table.
  tarballs=$(python3 - "$script" <<'EOF'
import importlib.machinery, importlib.util, sys
loader = importlib.machinery.SourceFileLoader("fetch", sys.argv[1])
module = importlib.util.module_from_spec(importlib.util.spec_from_loader("fetch", loader))
loader.exec_module(module)
for component, (package, _) in module.TARBALLS.items():
    print(component, package)
EOF
  )
  while read -r component package; do
    mkdir -p "$fake/real/$package"
    cp "$lookaside/$component"/*/sha512/*/* "$fake/real/$package/${package}_1.0.orig.tar.x"
  done <<<"$tarballs"
  for run in 1 2; do
    rm -rf "$scratch/work-$run"
    PATH=$bin:$PATH EXAMPLE_APT_ETC=$etc FAKE_TARBALLS=$fake/real \
      "$script" --work "$scratch/work-$run" >"$scratch/config-$run" 2>/dev/null
  done
  digest=$(sed -n 's/^SHA512 (zlib-1.2.13.dfsg.tar.bz2) = //p' "$examples/upstream/zlib/sources")
  check "lookaside layout \$pkg/\$filename/\$hashtype/\$hash/\$filename" \
    test -f "$scratch/work-1/lookaside/zlib/zlib-1.2.13.dfsg.tar.bz2/sha512/$digest/zlib-1.2.13.dfsg.tar.bz2"
  check "the config file's path is printed" test "$(cat "$scratch/config-1")" = "$scratch/work-1/local.toml"
  check "the config sets the dist-git URI" \
    grep -qxF "dist-git-base-uri = \"file://$scratch/work-1/dist-git/\$pkg.git\"" "$scratch/work-1/local.toml"
  check "the config sets the lookaside URI" \
    grep -qxF "lookaside-base-uri = \"file://$scratch/work-1/lookaside/\$pkg/\$filename/\$hashtype/\$hash/\$filename\"" "$scratch/work-1/local.toml"
  for component in filesystem musl zstd; do
    one=$(git -C "$scratch/work-1/dist-git/$component.git" rev-parse main)
    two=$(git -C "$scratch/work-2/dist-git/$component.git" rev-parse main)
    check "$component's dist-git commit is reproducible" test "$one" = "$two"
  done
  check "the dist-git holds the spec and sources file" \
    test "$(git -C "$scratch/work-1/dist-git/zlib.git" ls-tree --name-only main | tr '\n' ' ')" = "sources zlib.spec "
  rm -rf "$scratch/work-1/lookaside/zlib"
  status=0
  "$script" --work "$scratch/work-1" --offline >/dev/null 2>"$scratch/err" || status=$?
  check "--offline fails when a tarball is missing" test "$status" -eq 2
  check "--offline names the missing component" grep -q 'zlib' "$scratch/err"
else
  echo "skipping the lookaside and dist-git checks: run scripts/fetch-example-sources once first"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
