//! Writers for primary.xml, filelists.xml and other.xml.
//!
//! The output follows createrepo_c 1.2's layout (element order, two-space indentation, which
//! empty elements are kept) so that a diff against its metadata shows only real differences.
//! Each package renders into a byte buffer on its own, so an indexer can render packages in
//! parallel and concatenate the buffers in order.

use std::io::{self, Write};

use crate::package::{Dependency, DependencyKind, Package, is_primary_file};

const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// The three package documents of a repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Document {
    /// primary.xml: package identity, descriptions and dependencies.
    Primary,
    /// filelists.xml: every file of every package.
    Filelists,
    /// other.xml: changelogs.
    Other,
}

impl Document {
    /// All three, in repomd.xml order.
    pub const ALL: [Self; 3] = [Self::Primary, Self::Filelists, Self::Other];

    /// The repomd `type` and file name stem (`primary`, `filelists`, `other`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Primary => "primary",
            Self::Filelists => "filelists",
            Self::Other => "other",
        }
    }

    fn root(self) -> &'static str {
        match self {
            Self::Primary => "metadata",
            Self::Filelists => "filelists",
            Self::Other => "otherdata",
        }
    }

    fn namespaces(self) -> &'static str {
        match self {
            Self::Primary => {
                "xmlns=\"http://linux.duke.edu/metadata/common\" xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\""
            }
            Self::Filelists => "xmlns=\"http://linux.duke.edu/metadata/filelists\"",
            Self::Other => "xmlns=\"http://linux.duke.edu/metadata/other\"",
        }
    }

    /// The document's opening: XML declaration and root element with the package count.
    pub fn header(self, package_count: usize) -> String {
        format!(
            "{XML_DECLARATION}<{} {} packages=\"{package_count}\">\n",
            self.root(),
            self.namespaces()
        )
    }

    /// The document's closing tag.
    pub fn footer(self) -> String {
        format!("</{}>\n", self.root())
    }

    /// Appends `package`'s entry in this document to `out`.
    pub fn render(self, package: &Package, out: &mut Vec<u8>) {
        match self {
            Self::Primary => render_primary(package, out),
            Self::Filelists => render_filelists(package, out),
            Self::Other => render_other(package, out),
        }
    }
}

/// Writes one whole document: header, packages, footer.
pub fn write_document<'a, W: Write>(
    document: Document,
    packages: impl ExactSizeIterator<Item = &'a Package>,
    mut out: W,
) -> io::Result<W> {
    out.write_all(document.header(packages.len()).as_bytes())?;
    let mut buffer = Vec::with_capacity(4096);
    for package in packages {
        buffer.clear();
        document.render(package, &mut buffer);
        out.write_all(&buffer)?;
    }
    out.write_all(document.footer().as_bytes())?;
    Ok(out)
}

fn render_primary(package: &Package, out: &mut Vec<u8>) {
    out.extend_from_slice(b"<package type=\"rpm\">\n  <name>");
    text(out, &package.name);
    out.extend_from_slice(b"</name>\n  <arch>");
    text(out, &package.arch);
    out.extend_from_slice(b"</arch>\n");
    version_element(out, package);
    out.extend_from_slice(b"  <checksum type=\"");
    attribute(out, &package.checksum.kind);
    out.extend_from_slice(b"\" pkgid=\"YES\">");
    text(out, &package.checksum.value);
    out.extend_from_slice(b"</checksum>\n");
    text_element(out, "  ", "summary", &package.summary);
    text_element(out, "  ", "description", &package.description);
    text_element(out, "  ", "packager", &package.packager);
    text_element(out, "  ", "url", &package.url);
    out.extend_from_slice(b"  <time file=\"");
    number(out, package.time_file);
    out.extend_from_slice(b"\" build=\"");
    number(out, package.time_build);
    out.extend_from_slice(b"\"/>\n  <size package=\"");
    number(out, package.size_package);
    out.extend_from_slice(b"\" installed=\"");
    number(out, package.size_installed);
    out.extend_from_slice(b"\" archive=\"");
    number(out, package.size_archive);
    out.extend_from_slice(b"\"/>\n  <location ");
    if let Some(base) = &package.location_base {
        out.extend_from_slice(b"xml:base=\"");
        attribute(out, base);
        out.extend_from_slice(b"\" ");
    }
    out.extend_from_slice(b"href=\"");
    attribute(out, &package.location_href);
    out.extend_from_slice(b"\"/>\n  <format>\n");
    text_element(out, "    ", "rpm:license", &package.license);
    text_element(out, "    ", "rpm:vendor", &package.vendor);
    text_element(out, "    ", "rpm:group", &package.group);
    text_element(out, "    ", "rpm:buildhost", &package.buildhost);
    text_element(out, "    ", "rpm:sourcerpm", &package.sourcerpm);
    out.extend_from_slice(b"    <rpm:header-range start=\"");
    number(out, package.header_range.start);
    out.extend_from_slice(b"\" end=\"");
    number(out, package.header_range.end);
    out.extend_from_slice(b"\"/>\n");
    for kind in DependencyKind::ALL {
        dependency_list(out, kind, package.dependencies(kind));
    }
    for file in package
        .files
        .iter()
        .filter(|file| is_primary_file(&file.path))
    {
        file_element(out, "    ", file);
    }
    out.extend_from_slice(b"  </format>\n</package>\n");
}

fn render_filelists(package: &Package, out: &mut Vec<u8>) {
    package_reference(out, package);
    for file in &package.files {
        file_element(out, "  ", file);
    }
    out.extend_from_slice(b"</package>\n");
}

fn render_other(package: &Package, out: &mut Vec<u8>) {
    package_reference(out, package);
    for changelog in &package.changelogs {
        out.extend_from_slice(b"  <changelog author=\"");
        attribute(out, &changelog.author);
        out.extend_from_slice(b"\" date=\"");
        number(out, changelog.date);
        out.extend_from_slice(b"\">");
        text(out, &changelog.text);
        out.extend_from_slice(b"</changelog>\n");
    }
    out.extend_from_slice(b"</package>\n");
}

/// `<package pkgid=.. name=.. arch=..>` and `<version>`, shared by filelists and other.
fn package_reference(out: &mut Vec<u8>, package: &Package) {
    out.extend_from_slice(b"<package pkgid=\"");
    attribute(out, &package.checksum.value);
    out.extend_from_slice(b"\" name=\"");
    attribute(out, &package.name);
    out.extend_from_slice(b"\" arch=\"");
    attribute(out, &package.arch);
    out.extend_from_slice(b"\">\n");
    version_element(out, package);
}

fn version_element(out: &mut Vec<u8>, package: &Package) {
    out.extend_from_slice(b"  <version epoch=\"");
    number(out, u64::from(package.epoch));
    out.extend_from_slice(b"\" ver=\"");
    attribute(out, &package.version);
    out.extend_from_slice(b"\" rel=\"");
    attribute(out, &package.release);
    out.extend_from_slice(b"\"/>\n");
}

fn dependency_list(out: &mut Vec<u8>, kind: DependencyKind, entries: &[Dependency]) {
    if entries.is_empty() {
        return;
    }
    out.extend_from_slice(b"    <rpm:");
    out.extend_from_slice(kind.element().as_bytes());
    out.extend_from_slice(b">\n");
    for entry in entries {
        out.extend_from_slice(b"      <rpm:entry name=\"");
        attribute(out, &entry.name);
        out.push(b'"');
        // createrepo_c writes the version fields only for versioned entries
        // (`cr_xml_dump_primary_dump_pco` in xml_dump_primary.c).
        if let Some(flags) = entry.flags {
            out.extend_from_slice(b" flags=\"");
            out.extend_from_slice(flags.as_str().as_bytes());
            out.push(b'"');
            for (name, value) in [
                ("epoch", &entry.epoch),
                ("ver", &entry.version),
                ("rel", &entry.release),
            ] {
                if let Some(value) = value.as_deref().filter(|value| !value.is_empty()) {
                    out.push(b' ');
                    out.extend_from_slice(name.as_bytes());
                    out.extend_from_slice(b"=\"");
                    attribute(out, value);
                    out.push(b'"');
                }
            }
        }
        if entry.pre {
            out.extend_from_slice(b" pre=\"1\"");
        }
        out.extend_from_slice(b"/>\n");
    }
    out.extend_from_slice(b"    </rpm:");
    out.extend_from_slice(kind.element().as_bytes());
    out.extend_from_slice(b">\n");
}

fn file_element(out: &mut Vec<u8>, indent: &str, file: &crate::PackageFile) {
    out.extend_from_slice(indent.as_bytes());
    match file.kind.attribute() {
        Some(kind) => {
            out.extend_from_slice(b"<file type=\"");
            out.extend_from_slice(kind.as_bytes());
            out.extend_from_slice(b"\">");
        }
        None => out.extend_from_slice(b"<file>"),
    }
    text(out, &file.path);
    out.extend_from_slice(b"</file>\n");
}

fn text_element(out: &mut Vec<u8>, indent: &str, name: &str, value: &str) {
    out.extend_from_slice(indent.as_bytes());
    out.push(b'<');
    out.extend_from_slice(name.as_bytes());
    out.push(b'>');
    text(out, value);
    out.extend_from_slice(b"</");
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b">\n");
}

fn number(out: &mut Vec<u8>, value: u64) {
    let mut digits = [0u8; 20];
    let mut position = digits.len();
    let mut rest = value;
    loop {
        position -= 1;
        digits[position] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[position..]);
}

/// Escapes character data. Characters XML 1.0 cannot carry at all (C0 controls other than tab,
/// newline and carriage return) are dropped, as libxml2 would refuse to read them back.
fn text(out: &mut Vec<u8>, value: &str) {
    escape(out, value, false);
}

/// Escapes an attribute value; whitespace other than spaces becomes a character reference so
/// that attribute-value normalisation does not turn it into a space.
fn attribute(out: &mut Vec<u8>, value: &str) {
    escape(out, value, true);
}

fn escape(out: &mut Vec<u8>, value: &str, in_attribute: bool) {
    let bytes = value.as_bytes();
    let mut start = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        let replacement: &[u8] = match byte {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' if in_attribute => b"&quot;",
            b'\n' if in_attribute => b"&#10;",
            b'\t' if in_attribute => b"&#9;",
            b'\r' => b"&#13;",
            b'\t' | b'\n' => continue,
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..index]);
        out.extend_from_slice(replacement);
        start = index + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(value: &str, in_attribute: bool) -> String {
        let mut out = Vec::new();
        escape(&mut out, value, in_attribute);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escapes_markup_and_drops_forbidden_controls() {
        assert_eq!(escaped("a<b>&c\"d", false), "a&lt;b&gt;&amp;c\"d");
        assert_eq!(escaped("a\"b\nc\td", true), "a&quot;b&#10;c&#9;d");
        assert_eq!(escaped("x\u{1}y\u{1f}z\n", false), "xyz\n");
        assert_eq!(escaped("é ü", false), "é ü");
    }

    #[test]
    fn numbers_render_in_decimal() {
        for value in [0, 7, 10, 1_795_322_655, u64::MAX] {
            let mut out = Vec::new();
            number(&mut out, value);
            assert_eq!(String::from_utf8(out).unwrap(), value.to_string());
        }
    }
}
