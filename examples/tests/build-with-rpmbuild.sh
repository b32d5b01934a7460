#!/usr/bin/env bash
# Builds the example distribution with plain rpmbuild, in dependency order, and proves it is
# self-contained: every RPM installs together into an empty root with dnf from the
# distribution's own repository, and its programs run there.
#
# As root (dnf --installroot and chroot need it), from anywhere:
#   examples/tests/build-with-rpmbuild.sh [--keep] [--work DIR] [--only STAGE,...]
# --only rebuilds just those stages (e.g. `musl-with-bootstrap,zstd`) on top of the repository
# an earlier --keep run left in --work DIR, then runs the checks.
# Environment: CAIRN (a cairn binary; default: built with cargo into target/examples),
# JOBS (rpmbuild's -j; default: nproc).
#
# Per build: the spec's sources are prepared as render would (tests/prepare-sources.py, with
# `cairn overlay apply`), its BuildRequires that the host does not provide (distro/
# cairn-build.toml) are installed with dnf from the repository built so far into a fresh
# sysroot, and the host's rpmbuild runs with the distribution's macros and %sysroot.
set -euo pipefail

examples=$(cd "$(dirname "$0")/.." && pwd)
root=$(dirname "$examples")
keep=false
work=
only=
while [ $# -gt 0 ]; do
  case $1 in
    --keep) keep=true ;;
    --work) work=$2; shift ;;
    --only) only=,$2,; shift ;;
    *) echo "usage: $0 [--keep] [--work DIR] [--only STAGE,...]" >&2; exit 2 ;;
  esac
  shift
done

fail() { echo "build-with-rpmbuild: FAIL: $*" >&2; exit 1; }
note() { echo "build-with-rpmbuild: $*" >&2; }

[ "$(id -u)" -eq 0 ] || fail "run as root (dnf --installroot and chroot)"
# tool:Debian package. A fresh Debian machine gets the missing ones installed.
missing=()
for pair in rpmbuild:rpm rpmspec:rpm createrepo_c:createrepo-c dnf:dnf git:git python3:python3 \
    gcc:gcc make:make bzip2:bzip2 xz:xz-utils patch:patch; do
  command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
done
[ -d /usr/include/linux ] || missing+=(linux-libc-dev)
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || fail "install: ${missing[*]}"
  note "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null \
    || fail "could not install ${missing[*]}"
fi

if [ -z "$work" ]; then
  work=$(mktemp -d /tmp/cairn-example.XXXXXX)
  $keep || trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
note "work directory: $work"

if [ -z "${CAIRN:-}" ]; then
  note "building cairn (for cairn overlay apply)"
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target/examples}
  (cd "$root" && cargo build -q -p cairn)
  CAIRN=$CARGO_TARGET_DIR/debug/cairn
fi

# The lookaside cache and dist-git: offline when they are already there.
"$root/scripts/fetch-example-sources" --offline >/dev/null 2>&1 \
  || "$root/scripts/fetch-example-sources" >/dev/null

# The build settings of distro/cairn-build.toml: macro files and host-provided capabilities.
settings=$(python3 - "$examples/distro/cairn-build.toml" <<'EOF'
import sys, tomllib
from pathlib import Path
path = Path(sys.argv[1])
build = tomllib.loads(path.read_text())["cairn"]["build"]
for macro_file in build["macro-files"]:
    print("macros", path.parent / macro_file)
print("sysroot-macro", build["sysroot-macro"])
for capability in build["host-provides"]["capabilities"]:
    print("host", capability)
for directory in build["host-provides"].get("include-dirs", []):
    print("include", directory)
EOF
)
load_macros=()
host_provides=" "
host_includes=()
while read -r kind value; do
  case $kind in
    macros) load_macros+=(--load "$value") ;;
    sysroot-macro) sysroot_macro=$value ;;
    host) host_provides+="$value " ;;
    include) host_includes+=("$value") ;;
  esac
done <<<"$settings"

repo=$work/repo
[ -z "$only" ] && rm -rf "$repo"
mkdir -p "$repo"
createrepo_c -q "$repo"
dnf_in() { # dnf_in ROOT ARGS...: dnf on an install root, with only the example's repository
  local target=$1; shift
  dnf -y -q --installroot="$target" --releasever=1 --setopt=reposdir=/dev/null \
    --setopt=cachedir="$work/dnf-cache" --setopt=install_weak_deps=False \
    --setopt=keepcache=False --setopt=metadata_expire=0 --nogpgcheck --repofrompath="example,$repo" --repo=example "$@"
}

# The host-provided capabilities, as a package installed into every sysroot (its programs,
# such as musl-gcc, run on the host) and never into the distribution's own roots. It also
# links the host's include-dirs into the sysroot's /usr/include.
host_include_path=$(echo | gcc -xc -E -v - 2>&1 | sed -n '/^#include <...> search starts here:$/,/^End of search list\.$/p' | sed -n 's/^ //p')
host_links=()
for directory in "${host_includes[@]}"; do
  found=
  for path in $host_include_path; do
    if [ -d "$path/$directory" ]; then found=$(cd "$path/$directory" && pwd -P); break; fi
  done
  [ -n "$found" ] || fail "the host compiler has no $directory/ in its include path ($host_include_path)"
  host_links+=("$directory=$found")
done
host_repo=$work/host-repo
mkdir -p "$host_repo" "$work/host-rpmbuild"
{
  printf 'Name: build-host\nVersion: 1\nRelease: 1\nLicense: MIT\nBuildArch: noarch\n'
  printf 'Summary: Capabilities the build host provides\n'
  for capability in $host_provides; do printf 'Provides: %s\n' "$capability"; done
  printf '%%description\nCapabilities the build host provides to a sysroot.\n'
  printf '%%install\nmkdir -p %%{buildroot}/usr/include\n'
  for link in "${host_links[@]}"; do
    printf 'ln -s %s %%{buildroot}/usr/include/%s\n' "${link#*=}" "${link%%=*}"
  done
  printf '%%files\n'
  for link in "${host_links[@]}"; do printf '/usr/include/%s\n' "${link%%=*}"; done
} >"$work/build-host.spec"
rpmbuild -bb --define "_topdir $work/host-rpmbuild" "$work/build-host.spec" >/dev/null 2>&1 \
  || fail "could not build the build-host package"
cp "$work"/host-rpmbuild/RPMS/noarch/*.rpm "$host_repo/"
createrepo_c -q "$host_repo"

timings=()
build() { # build COMPONENT [rpmbuild options]
  local name=$1; shift
  local stage=$name${1:+-${1#--}${2:+-$2}}
  case $only in "" | *",$stage,"*) ;; *) return 0 ;; esac
  local started=$SECONDS
  note "[$stage] preparing sources"
  local spec
  spec=$(python3 "$examples/tests/prepare-sources.py" --cairn "$CAIRN" --project "$examples" \
    --out "$work/sources/$stage" "$name")
  local sourcedir
  sourcedir=$(dirname "$spec")

  local sysroot=$work/sysroot/$stage
  local needed=()
  local requirement
  while read -r requirement; do
    [ -n "$requirement" ] || continue
    case "$host_provides" in *" ${requirement%% *} "*) continue ;; esac
    needed+=("$requirement")
  done < <(rpmspec -q --buildrequires "${load_macros[@]}" --define "_sourcedir $sourcedir" \
    "$@" "$spec")
  mkdir -p "$sysroot"
  if [ ${#needed[@]} -gt 0 ]; then
    note "[$stage] sysroot: ${needed[*]}"
    dnf_in "$sysroot" --repofrompath="host,$host_repo" --repo=host \
      install build-host "${needed[@]}" >"$work/$stage.sysroot.log" 2>&1 \
      || fail "$stage: its BuildRequires (${needed[*]}) do not install from the example's packages"
  fi

  note "[$stage] rpmbuild"
  local top=$work/rpmbuild/$stage
  mkdir -p "$top"
  local TIMEFORMAT='%U %S'
  if ! { time rpmbuild -ba --nodeps "${load_macros[@]}" \
      --define "_topdir $top" --define "_sourcedir $sourcedir" \
      --define "$sysroot_macro $sysroot" --define "_smp_mflags -j${JOBS:-$(nproc)}" \
      "$@" "$spec" >"$work/$stage.log" 2>&1; } 2>"$work/$stage.cpu"; then
    tail -40 "$work/$stage.log" >&2
    fail "$stage: rpmbuild failed (log: $work/$stage.log)"
  fi
  cp "$top"/RPMS/*/*.rpm "$repo/"
  createrepo_c -q --update "$repo"
  rm -rf "$sysroot" "$top/BUILD" "$top/BUILDROOT"
  local cpu
  cpu=$(awk '{ printf "%.0f", $1 + $2 }' "$work/$stage.cpu")
  timings+=("$stage $((SECONDS - started)) $cpu")
}

# Dependency order. musl's %check runs busybox, which links musl: the cycle is broken by a
# bootstrap build of musl without the busybox test, then busybox, then musl again.
total_started=$SECONDS
build filesystem
build example-release
build musl --with bootstrap
build busybox
build musl
build pkgconf
build zlib
build lz4
build zstd
build_seconds=$((SECONDS - total_started))

note "checking the repository"
mapfile -t rpms < <(find "$repo" -name '*.rpm' | sort)
names=()
for rpm_file in "${rpms[@]}"; do
  names+=("$(rpm -qp --qf '%{NAME}' "$rpm_file" 2>/dev/null)")
done
note "packages: ${names[*]}"
for expected in filesystem example-release musl musl-devel busybox zlib zlib-devel lz4 lz4-libs \
    lz4-devel zstd libzstd libzstd-devel pkgconf libpkgconf libpkgconf-devel pkgconf-pkg-config; do
  case " ${names[*]} " in *" $expected "*) ;; *) fail "no $expected package was built" ;; esac
done
for unexpected in zlib-static lz4-static; do
  case " ${names[*]} " in *" $unexpected "*) fail "$unexpected was built (an overlay removes it)" ;; esac
done
# The ELF dependencies are musl's, not the host's glibc's.
zstd_requires=$(rpm -qp --requires "$repo"/zstd-1*.rpm 2>/dev/null)
for requirement in 'libc.so()(64bit)' 'libz.so.1()(64bit)' 'liblz4.so.1()(64bit)' \
    'libzstd(x86-64) = '; do
  grep -qF -- "$requirement" <<<"$zstd_requires" || fail "zstd does not require $requirement"
done
if rpm -qp --requires "${rpms[@]}" 2>/dev/null | grep -q 'libc\.so\.6'; then
  fail "a package requires glibc's libc.so.6"
fi

note "installing every package into an empty root"
target=$work/root
rm -rf "$target"
mkdir -p "$target"
install_started=$SECONDS
dnf_in "$target" install "${names[@]}" >"$work/install.log" 2>&1 \
  || { cat "$work/install.log" >&2; fail "the packages do not install together into an empty root"; }
install_seconds=$((SECONDS - install_started))
# rpm agrees that every dependency of every installed package is satisfied.
rpm --root "$target" -Va --nofiles --nodigest --nosignature >"$work/verify.log" 2>&1 \
  || { cat "$work/verify.log" >&2; fail "rpm -Va finds unsatisfied dependencies"; }

note "running the distribution's programs in the root"
in_root() { chroot "$target" /usr/bin/env -i PATH=/usr/bin:/usr/sbin "$@"; }
output=$(in_root /bin/sh -c '. /etc/os-release && echo "$PRETTY_NAME"')
[ "$output" = "Example Linux 1" ] || fail "os-release says '$output'"
output=$(in_root /bin/sh -c 'seq=; for i in 1 2 3; do seq=$seq$i; done; echo $seq')
[ "$output" = 123 ] || fail "busybox sh printed '$output'"
in_root /bin/sh -c '
  set -e
  cd /tmp
  i=0; while [ $i -lt 2000 ]; do echo "line $i of the example distribution"; i=$((i + 1)); done > text
  zstd -q -19 text -o text.zst
  zstd -q -d text.zst -o text.out
  cmp text text.out
  zstd -q --format=gzip text -o text.gz && gunzip -c text.gz | cmp - text
  zstd -q --format=lz4 text -o text.lz4 && lz4 -q -d -c text.lz4 | cmp - text
  lz4 -q text text.lz4b && unlz4 -q -c text.lz4b | cmp - text
  test "$(wc -c < text.zst)" -lt "$(wc -c < text)"
  grep -q "^kernel.kptr_restrict = 2$" /usr/lib/sysctl.d/50-example-hardening.conf
  ldd /usr/bin/zstd | grep -q libz.so.1
' || fail "the programs did not run as expected in the root"

echo
echo "build times ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)):"
printf '  %-26s %8s %12s\n' step "wall (s)" "rpmbuild CPU (s)"
total_cpu=0
for timing in "${timings[@]}"; do
  read -r stage wall cpu <<<"$timing"
  printf '  %-26s %8s %12s\n' "$stage" "$wall" "$cpu"
  total_cpu=$((total_cpu + cpu))
done
printf '  %-26s %8s %12s\n' "all builds" "$build_seconds" "$total_cpu"
printf '  %-26s %8s\n' "install (dnf, empty root)" "$install_seconds"
echo "${#rpms[@]} RPMs; all install into an empty root and run there"
echo "1 passed, 0 failed"
