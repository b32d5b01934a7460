//! Archive overlays: extract an archive into a [`Tree`], edit it, repack it deterministically.
//!
//! azldev's rules (`internal/app/azldev/core/sources/archiveoverlays.go`,
//! `internal/utils/archive/archive.go`): the format is sniffed from magic bytes (a mislabelled
//! archive keeps its real format); only regular files, directories and symbolic links with
//! local targets are accepted; an entry may not leave the extraction root; an entry may not
//! declare more than 10 GiB; the overlay root is the single top-level directory when there is
//! exactly one. The repack is GNU tar in walk order with `/`-terminated directory names,
//! mtime 0, uid/gid 0 and empty owner names; gzip is best compression with OS 255 and mtime 0.
//! Extraction applies a 022 umask to file modes and creates directories 0755, as azldev's
//! extraction does on a usual host, so an uncompressed `.tar` repack is byte-identical to
//! azldev's. Compressed repacks hold the same tar stream but not the same bytes as Go's
//! compressors (`compress/gzip`, `ulikunitz/xz`, `klauspost/zstd`), so their hashes differ.
//! cairn adds `.tar.bz2` and `.zip`.

use std::io::{Cursor, Read, Write};

use thiserror::Error;

use crate::tree::{Content, Node, Tree, clean_relative, parent};

/// The per-entry size cap (azldev's `maxEntryBytes`).
pub const MAX_ENTRY_BYTES: u64 = 10 << 30;

/// An archive format, as found in the file's first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Uncompressed tar.
    Tar,
    /// gzip-compressed tar.
    TarGzip,
    /// xz-compressed tar.
    TarXz,
    /// zstd-compressed tar.
    TarZstd,
    /// bzip2-compressed tar.
    TarBzip2,
    /// zip.
    Zip,
}

/// An archive that could not be read, edited or written.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// The archive (or its compression) is corrupt.
    #[error("reading the archive: {0}")]
    Read(#[source] std::io::Error),
    /// The zip structure is corrupt.
    #[error("reading the zip archive: {0}")]
    Zip(#[source] zip::result::ZipError),
    /// An entry path is absolute or climbs out of the extraction root.
    #[error("entry `{entry}` would escape the extraction root; refusing the archive")]
    Escapes {
        /// The entry name.
        entry: String,
    },
    /// An entry goes through a symbolic link.
    #[error("entry `{entry}` is below a symbolic link; refusing the archive")]
    BelowSymlink {
        /// The entry name.
        entry: String,
    },
    /// A symbolic link points outside the tree.
    #[error("symbolic link `{entry}` has non-local target `{target}`; refusing the archive")]
    NonLocalLink {
        /// The link.
        entry: String,
        /// Its target.
        target: String,
    },
    /// A hard link, device node, FIFO or other entry that cannot be repacked faithfully.
    #[error(
        "entry `{entry}` is a {kind}, which archive overlays refuse (only files, directories and symbolic links)"
    )]
    Unsupported {
        /// The entry name.
        entry: String,
        /// What it is.
        kind: String,
    },
    /// An entry declares more than [`MAX_ENTRY_BYTES`].
    #[error("entry `{entry}` declares {size} bytes, more than the {MAX_ENTRY_BYTES}-byte limit")]
    TooLarge {
        /// The entry name.
        entry: String,
        /// Its declared size.
        size: u64,
    },
    /// Writing the new archive failed.
    #[error("writing the archive: {0}")]
    Write(#[source] std::io::Error),
}

/// The format of an archive: by magic bytes, or by `name` when the file is empty.
pub fn sniff(bytes: &[u8], name: &str) -> Format {
    match bytes {
        [0x1f, 0x8b, ..] => Format::TarGzip,
        [0xfd, b'7', b'z', b'X', b'Z', 0x00, ..] => Format::TarXz,
        [0x28, 0xb5, 0x2f, 0xfd, ..] => Format::TarZstd,
        [b'B', b'Z', b'h', ..] => Format::TarBzip2,
        [b'P', b'K', 0x03, 0x04, ..] | [b'P', b'K', 0x05, 0x06, ..] => Format::Zip,
        [] => from_extension(name),
        _ => Format::Tar,
    }
}

fn from_extension(name: &str) -> Format {
    let lower = name.to_ascii_lowercase();
    let ends = |suffixes: &[&str]| suffixes.iter().any(|suffix| lower.ends_with(suffix));
    if ends(&[".tar.gz", ".tgz"]) {
        Format::TarGzip
    } else if ends(&[".tar.xz", ".txz"]) {
        Format::TarXz
    } else if ends(&[".tar.zst", ".tzst"]) {
        Format::TarZstd
    } else if ends(&[".tar.bz2", ".tbz2"]) {
        Format::TarBzip2
    } else if ends(&[".zip"]) {
        Format::Zip
    } else {
        Format::Tar
    }
}

/// Extracts an archive into a tree.
pub(crate) fn extract(bytes: &[u8], format: Format) -> Result<Tree, ArchiveError> {
    match format {
        Format::Zip => extract_zip(bytes),
        Format::Tar => extract_tar(bytes),
        Format::TarGzip => extract_tar(flate2::read::MultiGzDecoder::new(bytes)),
        Format::TarXz => extract_tar(liblzma::read::XzDecoder::new_multi_decoder(bytes)),
        Format::TarZstd => {
            extract_tar(zstd::stream::read::Decoder::new(bytes).map_err(ArchiveError::Read)?)
        }
        Format::TarBzip2 => extract_tar(bzip2::read::MultiBzDecoder::new(bytes)),
    }
}

/// The base (`""` or `dir/`) overlays see as the root: the single top-level directory when
/// the archive holds exactly one entry at the top and it is a directory.
pub(crate) fn overlay_base(tree: &Tree) -> String {
    let mut top = tree.top_level();
    match (top.next(), top.next()) {
        (Some((name, Node::Directory { .. })), None) => format!("{name}/"),
        _ => String::new(),
    }
}

fn extract_tar(reader: impl Read) -> Result<Tree, ArchiveError> {
    let mut archive = tar::Archive::new(reader);
    let mut tree = Tree::default();
    for entry in archive.entries().map_err(ArchiveError::Read)? {
        let mut entry = entry.map_err(ArchiveError::Read)?;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let kind = entry.header().entry_type();
        if kind.is_pax_global_extensions() {
            continue;
        }
        let size = entry.header().size().map_err(ArchiveError::Read)?;
        if size > MAX_ENTRY_BYTES {
            return Err(ArchiveError::TooLarge { entry: name, size });
        }
        let Some(path) = entry_path(&tree, &name)? else {
            continue;
        };
        let node = if kind.is_dir() {
            Node::Directory { mode: 0o755 }
        } else if kind.is_symlink() {
            let target = entry
                .link_name_bytes()
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                .unwrap_or_default();
            link_node(&name, target)?
        } else if kind.is_file() {
            let mode = entry.header().mode().map_err(ArchiveError::Read)?;
            let mut data = Vec::with_capacity(usize::try_from(size).unwrap_or(0).min(1 << 26));
            entry.read_to_end(&mut data).map_err(ArchiveError::Read)?;
            Node::File {
                content: Content::Memory(data),
                mode: umask(mode),
                changed: false,
            }
        } else {
            let kind = if kind.is_hard_link() {
                "hard link".to_owned()
            } else if kind.is_character_special() || kind.is_block_special() {
                "device node".to_owned()
            } else if kind.is_fifo() {
                "FIFO".to_owned()
            } else {
                format!("tar entry of type {:?}", kind.as_byte() as char)
            };
            return Err(ArchiveError::Unsupported { entry: name, kind });
        };
        tree.insert(path, node);
    }
    Ok(tree)
}

fn extract_zip(bytes: &[u8]) -> Result<Tree, ArchiveError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(ArchiveError::Zip)?;
    let mut tree = Tree::default();
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).map_err(ArchiveError::Zip)?;
        let name = file.name().map_err(ArchiveError::Zip)?.into_owned();
        if file.size() > MAX_ENTRY_BYTES {
            return Err(ArchiveError::TooLarge {
                entry: name,
                size: file.size(),
            });
        }
        let Some(path) = entry_path(&tree, &name)? else {
            continue;
        };
        let mode = file.unix_mode().unwrap_or(0o644);
        let node = if file.is_dir() {
            Node::Directory { mode: 0o755 }
        } else if mode & 0o170_000 == 0o120_000 {
            let mut target = String::new();
            file.read_to_string(&mut target)
                .map_err(ArchiveError::Read)?;
            link_node(&name, target)?
        } else {
            let mut data = Vec::new();
            file.read_to_end(&mut data).map_err(ArchiveError::Read)?;
            Node::File {
                content: Content::Memory(data),
                mode: umask(mode),
                changed: false,
            }
        };
        tree.insert(path, node);
    }
    Ok(tree)
}

/// Cleans an entry name; `None` for the root itself; an error when it escapes or goes
/// through a symbolic link already in the tree.
fn entry_path(tree: &Tree, name: &str) -> Result<Option<String>, ArchiveError> {
    let trimmed = name.trim_end_matches('/');
    if trimmed.is_empty() || trimmed == "." || trimmed == "./" {
        return Ok(None);
    }
    let path = clean_relative(trimmed).ok_or_else(|| ArchiveError::Escapes {
        entry: name.to_owned(),
    })?;
    let mut ancestor = parent(&path);
    while let Some(directory) = ancestor {
        if matches!(tree.get(directory), Some(Node::Symlink { .. })) {
            return Err(ArchiveError::BelowSymlink {
                entry: name.to_owned(),
            });
        }
        ancestor = parent(directory);
    }
    Ok(Some(path))
}

/// A symbolic link, if its target is local (Go's `filepath.IsLocal`).
fn link_node(name: &str, target: String) -> Result<Node, ArchiveError> {
    let local = !target.is_empty() && (target == "." || clean_relative(&target).is_some());
    if !local {
        return Err(ArchiveError::NonLocalLink {
            entry: name.to_owned(),
            target,
        });
    }
    Ok(Node::Symlink {
        target,
        changed: false,
    })
}

/// Permission bits as azldev's extraction leaves them: special bits dropped, umask 022.
fn umask(mode: u32) -> u32 {
    mode & 0o777 & !0o022
}

/// Reads an archive and writes it back the way an archive overlay does, unchanged otherwise
/// (for checking an archive, and for fuzzing the reader and writer together).
pub fn repack_bytes(bytes: &[u8], format: Format) -> Result<Vec<u8>, ArchiveError> {
    repack(&extract(bytes, format)?, format)
}

/// Repacks a tree in `format`.
pub(crate) fn repack(tree: &Tree, format: Format) -> Result<Vec<u8>, ArchiveError> {
    if format == Format::Zip {
        return repack_zip(tree);
    }
    let tar = tar_bytes(tree).map_err(ArchiveError::Write)?;
    let compressed = match format {
        Format::Tar => tar,
        Format::TarGzip => {
            let mut encoder = flate2::GzBuilder::new()
                .mtime(0)
                .operating_system(255)
                .write(Vec::new(), flate2::Compression::best());
            encoder.write_all(&tar).map_err(ArchiveError::Write)?;
            encoder.finish().map_err(ArchiveError::Write)?
        }
        Format::TarXz => {
            let mut encoder = liblzma::write::XzEncoder::new(Vec::new(), 6);
            encoder.write_all(&tar).map_err(ArchiveError::Write)?;
            encoder.finish().map_err(ArchiveError::Write)?
        }
        Format::TarZstd => {
            zstd::stream::encode_all(tar.as_slice(), 3).map_err(ArchiveError::Write)?
        }
        Format::TarBzip2 => {
            let mut encoder = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
            encoder.write_all(&tar).map_err(ArchiveError::Write)?;
            encoder.finish().map_err(ArchiveError::Write)?
        }
        Format::Zip => unreachable!("handled above"),
    };
    Ok(compressed)
}

/// The tree as Go's `archive/tar` writes it in GNU format.
fn tar_bytes(tree: &Tree) -> std::io::Result<Vec<u8>> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, node) in tree.entries() {
        let (name, kind, mode, link, data): (String, tar::EntryType, u32, &str, &[u8]) = match node
        {
            Node::Directory { mode } => (
                format!("{path}/"),
                tar::EntryType::Directory,
                *mode,
                "",
                &[],
            ),
            Node::Symlink { target, .. } => (
                path.to_owned(),
                tar::EntryType::Symlink,
                0o777,
                target.as_str(),
                &[],
            ),
            Node::File {
                content: Content::Memory(data),
                mode,
                ..
            } => (path.to_owned(), tar::EntryType::Regular, *mode, "", data),
            Node::File {
                content: Content::Disk(_),
                ..
            } => {
                return Err(std::io::Error::other(format!(
                    "{path}: archive contents are always in memory"
                )));
            }
        };
        if name.len() > 100 {
            long_entry(&mut builder, b'L', &name)?;
        }
        if link.len() > 100 {
            long_entry(&mut builder, b'K', link)?;
        }
        let mut header = tar::Header::new_gnu();
        copy_field(&mut header.as_old_mut().name, name.as_bytes());
        copy_field(&mut header.as_old_mut().linkname, link.as_bytes());
        header.set_mode(mode);
        header.set_uid(0);
        header.set_gid(0);
        header.set_size(data.len() as u64);
        header.set_mtime(0);
        header.set_entry_type(kind);
        header.set_device_major(0)?;
        header.set_device_minor(0)?;
        go_checksum(&mut header);
        builder.append(&header, data)?;
    }
    builder.into_inner()
}

/// A GNU long-name (`L`) or long-link (`K`) entry as Go writes it.
fn long_entry(builder: &mut tar::Builder<Vec<u8>>, kind: u8, value: &str) -> std::io::Result<()> {
    let mut data = value.as_bytes().to_vec();
    data.push(0);
    let mut header = tar::Header::new_gnu();
    copy_field(&mut header.as_old_mut().name, b"././@LongLink");
    header.set_mode(0);
    header.set_uid(0);
    header.set_gid(0);
    header.set_size(data.len() as u64);
    header.set_mtime(0);
    header.set_entry_type(tar::EntryType::new(kind));
    go_checksum(&mut header);
    builder.append(&header, data.as_slice())
}

/// Copies a string into a fixed field, truncating like Go's `formatString`.
fn copy_field(field: &mut [u8], value: &[u8]) {
    let length = value.len().min(field.len());
    field[..length].copy_from_slice(&value[..length]);
}

/// Go writes the checksum as six octal digits, a NUL and a space.
fn go_checksum(header: &mut tar::Header) {
    let bytes = header.as_mut_bytes();
    bytes[148..156].fill(b' ');
    let sum: u32 = bytes.iter().map(|&byte| u32::from(byte)).sum();
    bytes[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
}

fn repack_zip(tree: &Tree) -> Result<Vec<u8>, ArchiveError> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let zip_error =
        |error: zip::result::ZipError| ArchiveError::Write(std::io::Error::other(error));
    for (path, node) in tree.entries() {
        let options = zip::write::SimpleFileOptions::default()
            .last_modified_time(zip::DateTime::default())
            .compression_method(zip::CompressionMethod::Deflated);
        match node {
            Node::Directory { mode } => writer
                .add_directory(path, options.unix_permissions(*mode))
                .map_err(zip_error)?,
            Node::Symlink { target, .. } => writer
                .add_symlink(path, target, options)
                .map_err(zip_error)?,
            Node::File {
                content: Content::Memory(data),
                mode,
                ..
            } => {
                writer
                    .start_file(path, options.unix_permissions(*mode))
                    .map_err(zip_error)?;
                writer.write_all(data).map_err(ArchiveError::Write)?;
            }
            Node::File {
                content: Content::Disk(_),
                ..
            } => {
                return Err(ArchiveError::Write(std::io::Error::other(format!(
                    "{path}: archive contents are always in memory"
                ))));
            }
        }
    }
    Ok(writer.finish().map_err(zip_error)?.into_inner())
}

#[cfg(test)]
#[path = "archive_tests.rs"]
mod tests;
