//! Compression of metadata documents, with the two checksums repomd.xml records.

use std::io::{self, Read, Write};

use cairn_repomd::{Checksum, Document, Package};
use sha2::{Digest, Sha256};

/// How metadata documents are compressed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Compression {
    /// zstd: what dnf 4.14+ and dnf5 read, and createrepo_c 1.x's default.
    #[default]
    Zstd,
    /// gzip: for old clients (yum, dnf before zstd support).
    Gzip,
}

impl Compression {
    /// The file suffix, with its dot.
    pub fn suffix(self) -> &'static str {
        match self {
            Self::Zstd => ".zst",
            Self::Gzip => ".gz",
        }
    }

    /// The compression a file name's suffix implies, if any.
    pub fn from_path(path: &str) -> Option<Self> {
        if path.ends_with(".zst") {
            Some(Self::Zstd)
        } else if path.ends_with(".gz") {
            Some(Self::Gzip)
        } else {
            None
        }
    }
}

/// A compressed document and what repomd.xml says about it.
#[derive(Debug)]
pub(crate) struct CompressedDocument {
    pub document: Document,
    pub bytes: Vec<u8>,
    pub checksum: Checksum,
    pub open_checksum: Checksum,
    pub open_size: u64,
}

/// Hashes and counts what passes through on the way to `inner`.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
    size: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buffer: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buffer)?;
        self.hasher.update(&buffer[..written]);
        self.size += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// zstd level: 3 is zstd's own default and several times faster than the higher levels for a
/// few percent of size on XML.
const ZSTD_LEVEL: i32 = 3;

/// Renders `packages` into `document` and compresses it.
pub(crate) fn compress_document(
    document: Document,
    packages: &[Package],
    compression: Compression,
) -> io::Result<CompressedDocument> {
    let output = Vec::with_capacity(1 << 20);
    let (bytes, hashing) = match compression {
        Compression::Zstd => {
            let encoder = zstd::Encoder::new(output, ZSTD_LEVEL)?;
            let hashing = Hashing {
                inner: encoder,
                hasher: Sha256::new(),
                size: 0,
            };
            let hashing = render_into(document, packages, hashing)?;
            let (encoder, hasher, size) = (hashing.inner, hashing.hasher, hashing.size);
            (encoder.finish()?, (hasher, size))
        }
        Compression::Gzip => {
            let encoder = flate2::write::GzEncoder::new(output, flate2::Compression::default());
            let hashing = Hashing {
                inner: encoder,
                hasher: Sha256::new(),
                size: 0,
            };
            let hashing = render_into(document, packages, hashing)?;
            let (encoder, hasher, size) = (hashing.inner, hashing.hasher, hashing.size);
            (encoder.finish()?, (hasher, size))
        }
    };
    let (hasher, open_size) = hashing;
    Ok(CompressedDocument {
        document,
        checksum: Checksum::sha256(hex::encode(Sha256::digest(&bytes))),
        bytes,
        open_checksum: Checksum::sha256(hex::encode(hasher.finalize())),
        open_size,
    })
}

fn render_into<W: Write>(document: Document, packages: &[Package], mut out: W) -> io::Result<W> {
    out.write_all(document.header(packages.len()).as_bytes())?;
    // Batch packages into large writes: the encoders are cheaper per call on big buffers.
    let mut buffer = Vec::with_capacity(256 << 10);
    for package in packages {
        document.render(package, &mut buffer);
        if buffer.len() >= 192 << 10 {
            out.write_all(&buffer)?;
            buffer.clear();
        }
    }
    out.write_all(&buffer)?;
    out.write_all(document.footer().as_bytes())?;
    Ok(out)
}

/// A reader that decompresses according to `compression` (or passes through).
pub(crate) fn decompressor<'a, R: Read + 'a>(
    input: R,
    compression: Option<Compression>,
) -> io::Result<Box<dyn Read + 'a>> {
    Ok(match compression {
        Some(Compression::Zstd) => Box::new(zstd::Decoder::new(input)?),
        Some(Compression::Gzip) => Box::new(flate2::read::MultiGzDecoder::new(input)),
        None => Box::new(input),
    })
}
