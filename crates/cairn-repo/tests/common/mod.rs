//! Shared helpers for the integration tests: building small RPMs with rpmbuild.

#![allow(dead_code, reason = "each test binary uses a different subset")]
#![allow(clippy::print_stderr, reason = "tests say why they skip")]

use std::path::{Path, PathBuf};

use cairn_tool::Tool;

/// Whether the external tools are installed; prints why a test is skipped otherwise.
pub fn have(tools: &[&str]) -> bool {
    for tool in tools {
        if !Tool::exists(tool) {
            eprintln!("skipping: `{tool}` is not installed");
            return false;
        }
    }
    true
}

/// Builds the noarch packages of `spec` (a spec file's text) and returns their paths.
pub fn build_rpms(work: &Path, name: &str, spec: &str) -> Vec<PathBuf> {
    let topdir = work.join(format!("rpmbuild-{name}"));
    std::fs::create_dir_all(topdir.join("SPECS")).unwrap();
    let spec_path = topdir.join("SPECS").join(format!("{name}.spec"));
    std::fs::write(&spec_path, spec).unwrap();
    Tool::new("rpmbuild")
        .arg("--define")
        .arg(format!("_topdir {}", topdir.display()))
        .args([
            "--define",
            "__os_install_post %{nil}",
            "--define",
            "_build_id_links none",
        ])
        .args([
            "--define",
            "source_date_epoch_from_changelog 0",
            "--quiet",
            "-bb",
        ])
        .arg(&spec_path)
        .env("HOME", work)
        .output()
        .unwrap();
    let mut rpms: Vec<PathBuf> = walk(&topdir.join("RPMS"));
    rpms.sort();
    rpms
}

fn walk(directory: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(directory).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else if path.extension().is_some_and(|extension| extension == "rpm") {
            found.push(path);
        }
    }
    found
}

/// A spec exercising what rpm-md has to carry: epoch, `~` and `^` versions, every dependency
/// kind with rich and file dependencies, pre-requirements, config, dir and ghost files, and a
/// changelog longer than createrepo_c keeps, with equal dates.
pub const BASE_SPEC: &str = r#"
Name:           oracle-base
Epoch:          3
Version:        1.0~rc1
Release:        1
Summary:        Oracle <base> & "friends"
License:        MIT AND (Apache-2.0 OR BSD-3-Clause)
URL:            https://example.org/oracle?a=1&b=2
BuildArch:      noarch
AutoReqProv:    no
Provides:       virtual(base) = 2.0
Provides:       oracle-compat = 3:1.0-1
Requires:       (oracle-libfoo or oracle-libbar)
Requires:       oracle-data >= 2:4.5-6
Requires(pre):  /usr/bin/env
Requires(post): oracle-post-helper
Requires(posttrans): oracle-posttrans-helper
Requires(preun): oracle-preun-helper
Requires:       /etc/oracle/base.conf
Requires:       /usr/share/oracle/data
Requires:       virtual(base) = 2.0
Requires:       libc.so.6(GLIBC_2.4)
Requires:       libc.so.6(GLIBC_2.34)
Requires:       libc.so.6
Recommends:     oracle-extra
Suggests:       oracle-doc >= 1
Supplements:    (oracle-base and langpacks-de)
Enhances:       oracle-shell
Conflicts:      oracle-old < 2
Obsoletes:      oracle-legacy < 1.0-1

%description
Line one of the description.

  Indented line two, with a	tab.

%install
mkdir -p %{buildroot}/etc/oracle %{buildroot}/usr/bin %{buildroot}/usr/share/oracle/data %{buildroot}/usr/share/oracle/empty %{buildroot}/var/log
echo conf > %{buildroot}/etc/oracle/base.conf
printf '#!/bin/sh\necho base\n' > %{buildroot}/usr/bin/oracle-base
chmod 755 %{buildroot}/usr/bin/oracle-base
echo data > %{buildroot}/usr/share/oracle/data/one.dat
touch %{buildroot}/var/log/oracle.log

%pre
true

%files
%config(noreplace) /etc/oracle/base.conf
/usr/bin/oracle-base
%dir /usr/share/oracle
/usr/share/oracle/data
%dir /usr/share/oracle/empty
%ghost /var/log/oracle.log

%changelog
* Wed Jan 10 2024 Kim Lee <kim@example.org> - 3:1.0~rc1-1
- newest & <best>
* Wed Jan 10 2024 Kim Lee <kim@example.org> - 3:1.0~rc1-0.2
- same day as the newest
* Wed Jan 10 2024 Kim Lee <kim@example.org> - 3:1.0~rc1-0.1
- same day again
* Tue Jan 09 2024 A <a@example.org> - 9
- nine
* Mon Jan 08 2024 A <a@example.org> - 8
- eight
* Sun Jan 07 2024 A <a@example.org> - 7
- seven
* Sat Jan 06 2024 A <a@example.org> - 6
- six
* Fri Jan 05 2024 A <a@example.org> - 5
- five
* Thu Jan 04 2024 A <a@example.org> - 4
- four
* Wed Jan 03 2024 A <a@example.org> - 3
- three
* Tue Jan 02 2024 A <a@example.org> - 2
- two
* Mon Jan 01 2024 A <a@example.org> - 1
- one
"#;

/// A second package: caret version, subpackage, dependencies on the first by NEVR and by file,
/// and requirements the package satisfies itself.
pub const TOOL_SPEC: &str = r#"
Name:           oracle-tool
Version:        2.3^git5
Release:        4.azl4
Summary:        Oracle tool
License:        ISC
BuildArch:      noarch
AutoReqProv:    no
Provides:       tool(feature)
Requires:       tool(feature)
Requires:       oracle-base = 3:1.0~rc1-1
Requires:       /usr/bin/oracle-base
Requires:       /usr/bin/oracle-tool
Requires:       /usr/share/oracle-tool/readme

%description
The tool.

%package        lang
Summary:        Oracle tool translations
Requires:       %{name} = %{version}-%{release}
Supplements:    (%{name} and langpacks-de)

%description    lang
Translations.

%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/share/oracle-tool %{buildroot}/usr/share/locale/de
printf '#!/bin/sh\necho tool\n' > %{buildroot}/usr/bin/oracle-tool
chmod 755 %{buildroot}/usr/bin/oracle-tool
echo readme > %{buildroot}/usr/share/oracle-tool/readme
echo de > %{buildroot}/usr/share/locale/de/oracle-tool.mo

%files
/usr/bin/oracle-tool
/usr/share/oracle-tool

%files lang
/usr/share/locale/de/oracle-tool.mo

%changelog
* Mon Jan 01 2024 B <b@example.org> - 2.3^git5-4.azl4
- first
"#;

/// Two small installable packages (no scriptlets, no dependencies outside the pair).
pub const HELLO_SPEC: &str = r#"
Name:           hello
Version:        1.2
Release:        1
Summary:        Hello
License:        MIT
BuildArch:      noarch
AutoReqProv:    no
Requires:       hello-data = %{version}-%{release}

%description
Hello.

%package        data
Summary:        Hello data

%description    data
Data.

%install
mkdir -p %{buildroot}/usr/share/hello
echo hello > %{buildroot}/usr/share/hello/greeting
echo data > %{buildroot}/usr/share/hello/data

%files
/usr/share/hello/greeting

%files data
%dir /usr/share/hello
/usr/share/hello/data
"#;

/// A fresh GnuPG home with an Ed25519 signing key; returns (home, armored secret key file,
/// armored public key file).
pub fn gpg_key(work: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let home = work.join("gnupg");
    std::fs::create_dir_all(&home).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let gpg = |arguments: &[&str]| {
        Tool::new("gpg")
            .arg("--homedir")
            .arg(&home)
            .args([
                "--batch",
                "--yes",
                "--pinentry-mode",
                "loopback",
                "--passphrase",
                "",
            ])
            .args(arguments)
            .output()
            .unwrap()
    };
    gpg(&[
        "--quick-gen-key",
        "Cairn Test <test@example.org>",
        "ed25519",
        "sign",
        "never",
    ]);
    let secret = work.join("secret.asc");
    let public = work.join("public.asc");
    std::fs::write(
        &secret,
        gpg(&["--armor", "--export-secret-keys", "test@example.org"]).stdout,
    )
    .unwrap();
    std::fs::write(
        &public,
        gpg(&["--armor", "--export", "test@example.org"]).stdout,
    )
    .unwrap();
    (home, secret, public)
}
