//! Streaming readers for primary.xml, filelists.xml and other.xml.
//!
//! Each reader calls back once per package, so a caller can build its own structures (or a
//! solver pool) without holding the whole document. Input is treated as hostile: see
//! [`Limits`] and [`ReadError`].

use std::io::BufRead;

use crate::error::ReadError;
use crate::limits::Limits;
use crate::package::{Changelog, Checksum, Comparison, Dependency, FileKind, Package, PackageFile};
use crate::xml::{Element, Step, XmlReader};

/// The files of one package, from filelists.xml.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilelistsEntry {
    /// The package checksum this entry belongs to.
    pub pkgid: String,
    /// Package name.
    pub name: String,
    /// Package architecture.
    pub arch: String,
    /// The package's files.
    pub files: Vec<PackageFile>,
}

/// The changelog of one package, from other.xml.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OtherEntry {
    /// The package checksum this entry belongs to.
    pub pkgid: String,
    /// Package name.
    pub name: String,
    /// Package architecture.
    pub arch: String,
    /// The changelog entries in document order.
    pub changelogs: Vec<Changelog>,
}

/// Reads primary.xml, calling `each` for every package; returns the number of packages.
pub fn read_primary<R: BufRead>(
    input: R,
    limits: &Limits,
    mut each: impl FnMut(Package),
) -> Result<u64, ReadError> {
    let mut reader = XmlReader::new(input, "primary.xml", *limits);
    read_packages(&mut reader, Element::Metadata, "metadata", |reader| {
        let package = primary_package(reader)?;
        each(package);
        Ok(())
    })
}

/// Reads filelists.xml, calling `each` for every package; returns the number of packages.
pub fn read_filelists<R: BufRead>(
    input: R,
    limits: &Limits,
    mut each: impl FnMut(FilelistsEntry),
) -> Result<u64, ReadError> {
    let mut reader = XmlReader::new(input, "filelists.xml", *limits);
    read_packages(&mut reader, Element::Filelists, "filelists", |reader| {
        let (pkgid, name, arch) = package_reference(reader)?;
        let mut entry = FilelistsEntry {
            pkgid,
            name,
            arch,
            files: Vec::new(),
        };
        loop {
            match reader.step()? {
                Step::Start(Element::File) => {
                    check_count(reader, entry.files.len(), "files of one package")?;
                    entry.files.push(file(reader)?);
                }
                Step::Start(_) => reader.skip()?,
                Step::End => break,
                Step::Eof => return Err(reader.truncated()),
            }
        }
        each(entry);
        Ok(())
    })
}

/// Reads filelists.xml, calling `each(pkgid, path)` for every file without building records:
/// for callers that keep only a few paths (the solver wants the paths its file dependencies
/// name out of hundreds of thousands). Checks the same structure and limits as
/// [`read_filelists`]; returns the number of packages.
pub fn read_filelists_paths<R: BufRead>(
    input: R,
    limits: &Limits,
    mut each: impl FnMut(&str, &str),
) -> Result<u64, ReadError> {
    let mut reader = XmlReader::new(input, "filelists.xml", *limits);
    let mut path = String::new();
    read_packages(&mut reader, Element::Filelists, "filelists", |reader| {
        let pkgid = reader.required("package", "pkgid")?;
        let mut count = 0usize;
        loop {
            match reader.step()? {
                Step::Start(Element::File) => {
                    check_count(reader, count, "files of one package")?;
                    count += 1;
                    file_kind(reader)?;
                    reader.text_into(&mut path)?;
                    each(&pkgid, &path);
                }
                Step::Start(_) => reader.skip()?,
                Step::End => break,
                Step::Eof => return Err(reader.truncated()),
            }
        }
        Ok(())
    })
}

/// Reads other.xml, calling `each` for every package; returns the number of packages.
pub fn read_other<R: BufRead>(
    input: R,
    limits: &Limits,
    mut each: impl FnMut(OtherEntry),
) -> Result<u64, ReadError> {
    let mut reader = XmlReader::new(input, "other.xml", *limits);
    read_packages(&mut reader, Element::Otherdata, "otherdata", |reader| {
        let (pkgid, name, arch) = package_reference(reader)?;
        let mut entry = OtherEntry {
            pkgid,
            name,
            arch,
            changelogs: Vec::new(),
        };
        loop {
            match reader.step()? {
                Step::Start(Element::Changelog) => {
                    check_count(
                        reader,
                        entry.changelogs.len(),
                        "changelog entries of one package",
                    )?;
                    let author = reader.attribute("author").unwrap_or_default();
                    let date = reader.number("changelog", "date")?;
                    let text = reader.text()?;
                    entry.changelogs.push(Changelog { author, date, text });
                }
                Step::Start(_) => reader.skip()?,
                Step::End => break,
                Step::Eof => return Err(reader.truncated()),
            }
        }
        each(entry);
        Ok(())
    })
}

/// Reads a whole primary.xml into memory.
pub fn parse_primary<R: BufRead>(input: R, limits: &Limits) -> Result<Vec<Package>, ReadError> {
    let mut packages = Vec::new();
    read_primary(input, limits, |package| packages.push(package))?;
    Ok(packages)
}

/// The document skeleton shared by all three: root with a `packages` count, then packages.
fn read_packages<R: BufRead>(
    reader: &mut XmlReader<R>,
    root: Element,
    root_name: &str,
    mut package: impl FnMut(&mut XmlReader<R>) -> Result<(), ReadError>,
) -> Result<u64, ReadError> {
    reader.root(root, root_name)?;
    let declared = match reader.attribute("packages") {
        Some(text) => Some(text.trim().parse::<u64>().map_err(|_| {
            reader.invalid(format!(
                "<{root_name} packages=\"{text}\"> is not a package count"
            ))
        })?),
        None => None,
    };
    if let Some(declared) = declared
        && declared > reader.limits.max_packages
    {
        return Err(reader.limit("the declared package count", reader.limits.max_packages));
    }
    let mut count = 0u64;
    loop {
        match reader.step()? {
            Step::Start(Element::Package) => {
                count += 1;
                if count > reader.limits.max_packages {
                    return Err(reader.limit("the number of packages", reader.limits.max_packages));
                }
                package(reader)?;
            }
            Step::Start(_) => reader.skip()?,
            Step::End => break,
            Step::Eof => return Err(reader.truncated()),
        }
    }
    reader.finish()?;
    if let Some(declared) = declared
        && declared != count
    {
        return Err(reader.invalid(format!(
            "<{root_name}> declares {declared} packages but contains {count}; the file is corrupt or was cut"
        )));
    }
    Ok(count)
}

fn check_count<R: BufRead>(
    reader: &XmlReader<R>,
    count: usize,
    what: &'static str,
) -> Result<(), ReadError> {
    if count as u64 >= reader.limits.max_entries_per_package {
        return Err(reader.limit(what, reader.limits.max_entries_per_package));
    }
    Ok(())
}

/// `<package pkgid=.. name=.. arch=..>` of filelists and other; skips `<version>`.
fn package_reference<R: BufRead>(
    reader: &mut XmlReader<R>,
) -> Result<(String, String, String), ReadError> {
    let pkgid = reader.required("package", "pkgid")?;
    let name = reader.attribute("name").unwrap_or_default();
    let arch = reader.attribute("arch").unwrap_or_default();
    Ok((pkgid, name, arch))
}

fn file<R: BufRead>(reader: &mut XmlReader<R>) -> Result<PackageFile, ReadError> {
    let kind = file_kind(reader)?;
    let path = reader.text()?;
    Ok(PackageFile { path, kind })
}

/// The `type` of the `<file>` just started.
fn file_kind<R: BufRead>(reader: &mut XmlReader<R>) -> Result<FileKind, ReadError> {
    Ok(match reader.attribute("type").as_deref() {
        None | Some("" | "file") => FileKind::File,
        Some("dir") => FileKind::Dir,
        Some("ghost") => FileKind::Ghost,
        Some(other) => {
            return Err(
                reader.invalid(format!("<file type=\"{other}\"> is not file, dir or ghost"))
            );
        }
    })
}

fn primary_package<R: BufRead>(reader: &mut XmlReader<R>) -> Result<Package, ReadError> {
    let mut package = Package::default();
    let mut seen_name = false;
    let mut seen_checksum = false;
    let mut seen_location = false;
    loop {
        match reader.step()? {
            Step::Start(Element::Name) => {
                package.name = reader.text()?;
                seen_name = true;
            }
            Step::Start(Element::Arch) => package.arch = reader.text()?,
            Step::Start(Element::Version) => {
                package.epoch = match reader.attribute("epoch") {
                    Some(text) if !text.is_empty() => text.parse().map_err(|_| {
                        reader.invalid(format!("<version epoch=\"{text}\"> is not an epoch"))
                    })?,
                    _ => 0,
                };
                package.version = reader.required("version", "ver")?;
                package.release = reader.attribute("rel").unwrap_or_default();
                reader.skip()?;
            }
            Step::Start(Element::Checksum) => {
                let kind = reader.required("checksum", "type")?;
                let value = reader.text()?;
                package.checksum = Checksum {
                    kind,
                    value: value.trim().to_owned(),
                };
                seen_checksum = true;
            }
            Step::Start(Element::Summary) => package.summary = reader.text()?,
            Step::Start(Element::Description) => package.description = reader.text()?,
            Step::Start(Element::Packager) => package.packager = reader.text()?,
            Step::Start(Element::Url) => package.url = reader.text()?,
            Step::Start(Element::Time) => {
                package.time_file = optional_number(reader, "time", "file")?;
                package.time_build = optional_number(reader, "time", "build")?;
                reader.skip()?;
            }
            Step::Start(Element::Size) => {
                package.size_package = optional_number(reader, "size", "package")?;
                package.size_installed = optional_number(reader, "size", "installed")?;
                package.size_archive = optional_number(reader, "size", "archive")?;
                reader.skip()?;
            }
            Step::Start(Element::Location) => {
                let href = reader.required("location", "href")?;
                if !is_safe_location(&href) {
                    return Err(crate::ReadError::UnsafeLocation {
                        document: reader.document,
                        position: reader.position(),
                        href,
                    });
                }
                package.location_href = href;
                package.location_base = reader.attribute("base");
                seen_location = true;
                reader.skip()?;
            }
            Step::Start(Element::Format) => format(reader, &mut package)?,
            Step::Start(_) => reader.skip()?,
            Step::End => break,
            Step::Eof => return Err(reader.truncated()),
        }
    }
    for (seen, what) in [
        (seen_name, "<name>"),
        (seen_checksum, "<checksum>"),
        (seen_location, "<location>"),
    ] {
        if !seen {
            return Err(reader.invalid(format!("a <package> ({}) has no {what}", package.name)));
        }
    }
    Ok(package)
}

fn optional_number<R: BufRead>(
    reader: &mut XmlReader<R>,
    element: &str,
    name: &str,
) -> Result<u64, ReadError> {
    match reader.attribute(name) {
        None => Ok(0),
        Some(text) => text.trim().parse().map_err(|_| {
            reader.invalid(format!(
                "<{element} {name}=\"{text}\"> is not a non-negative integer"
            ))
        }),
    }
}

fn format<R: BufRead>(reader: &mut XmlReader<R>, package: &mut Package) -> Result<(), ReadError> {
    loop {
        match reader.step()? {
            Step::Start(Element::License) => package.license = reader.text()?,
            Step::Start(Element::Vendor) => package.vendor = reader.text()?,
            Step::Start(Element::Group) => package.group = reader.text()?,
            Step::Start(Element::Buildhost) => package.buildhost = reader.text()?,
            Step::Start(Element::Sourcerpm) => package.sourcerpm = reader.text()?,
            Step::Start(Element::HeaderRange) => {
                package.header_range.start = optional_number(reader, "rpm:header-range", "start")?;
                package.header_range.end = optional_number(reader, "rpm:header-range", "end")?;
                reader.skip()?;
            }
            Step::Start(Element::Dependencies(kind)) => {
                let list = package.dependencies_mut(kind);
                loop {
                    match reader.step()? {
                        Step::Start(Element::Entry) => {
                            check_count(reader, list.len(), "dependency entries of one package")?;
                            list.push(dependency(reader)?);
                            reader.skip()?;
                        }
                        Step::Start(_) => reader.skip()?,
                        Step::End => break,
                        Step::Eof => return Err(reader.truncated()),
                    }
                }
            }
            Step::Start(Element::File) => {
                check_count(reader, package.files.len(), "files of one package")?;
                package.files.push(file(reader)?);
            }
            Step::Start(_) => reader.skip()?,
            Step::End => return Ok(()),
            Step::Eof => return Err(reader.truncated()),
        }
    }
}

fn dependency<R: BufRead>(reader: &mut XmlReader<R>) -> Result<Dependency, ReadError> {
    let name = reader.required("rpm:entry", "name")?;
    let flags = match reader.attribute("flags") {
        None => None,
        Some(text) => Some(Comparison::from_rpm_md(&text).ok_or_else(|| {
            reader.invalid(format!(
                "<rpm:entry flags=\"{text}\"> is not LT, LE, EQ, GE or GT"
            ))
        })?),
    };
    let pre = matches!(reader.attribute("pre").as_deref(), Some("1" | "true"));
    Ok(Dependency {
        name,
        flags,
        epoch: reader.attribute("epoch"),
        version: reader.attribute("ver"),
        release: reader.attribute("rel"),
        pre,
    })
}

/// Whether a `location href` stays inside the repository: relative, no `..` component, no URL
/// scheme, no NUL or backslash.
pub fn is_safe_location(href: &str) -> bool {
    !href.is_empty()
        && !href.starts_with('/')
        && !href.contains("://")
        && !href.contains(['\0', '\\'])
        && !href.split('/').any(|component| component == "..")
}
