//! Hash types of Fedora's `sources` files and `source-files` entries, and streaming hashers.

use std::fmt;
use std::io::{self, Read};

use md5::Digest as _;

/// A hash algorithm named in a `sources` file or a `source-files` entry.
///
/// Fedora's lookaside accepts MD5 (the legacy `sources` form) and SHA-512 (what `fedpkg new-sources`
/// writes today); azldev's `source-files` take SHA256 and SHA512. The others are accepted because a
/// `sources` file may name them and rejecting a readable file would be worse than hashing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum HashType {
    /// MD5, the hash of the legacy `hash  filename` form.
    Md5,
    /// SHA-1.
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512, what current Fedora `sources` files use.
    Sha512,
}

impl HashType {
    /// Every supported type, for error messages.
    pub const ALL: [Self; 6] = [
        Self::Md5,
        Self::Sha1,
        Self::Sha224,
        Self::Sha256,
        Self::Sha384,
        Self::Sha512,
    ];

    /// Parses a type name in any case (`SHA512`, `sha512`, `Md5`).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.name().eq_ignore_ascii_case(name))
    }

    /// The name as a `sources` file writes it: `MD5`, `SHA512`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Md5 => "MD5",
            Self::Sha1 => "SHA1",
            Self::Sha224 => "SHA224",
            Self::Sha256 => "SHA256",
            Self::Sha384 => "SHA384",
            Self::Sha512 => "SHA512",
        }
    }

    /// The lower-case name, as lookaside URLs (`$hashtype`) and the cache layout use it.
    pub fn lowercase_name(self) -> &'static str {
        match self {
            Self::Md5 => "md5",
            Self::Sha1 => "sha1",
            Self::Sha224 => "sha224",
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
        }
    }

    /// The length of a digest of this type in hexadecimal digits.
    pub fn hex_len(self) -> usize {
        match self {
            Self::Md5 => 32,
            Self::Sha1 => 40,
            Self::Sha224 => 56,
            Self::Sha256 => 64,
            Self::Sha384 => 96,
            Self::Sha512 => 128,
        }
    }

    /// A fresh streaming hasher of this type.
    pub fn hasher(self) -> Hasher {
        Hasher(match self {
            Self::Md5 => State::Md5(md5::Md5::new()),
            Self::Sha1 => State::Sha1(sha1::Sha1::new()),
            Self::Sha224 => State::Sha224(sha2::Sha224::new()),
            Self::Sha256 => State::Sha256(sha2::Sha256::new()),
            Self::Sha384 => State::Sha384(sha2::Sha384::new()),
            Self::Sha512 => State::Sha512(sha2::Sha512::new()),
        })
    }

    /// The lower-case hex digest of `bytes`.
    pub fn digest(self, bytes: &[u8]) -> String {
        let mut hasher = self.hasher();
        hasher.update(bytes);
        hasher.finalize_hex()
    }

    /// The lower-case hex digest of everything `reader` yields.
    pub fn digest_reader(self, mut reader: impl Read) -> io::Result<String> {
        let mut hasher = self.hasher();
        let mut buffer = vec![0; 64 * 1024];
        loop {
            let read = match reader.read(&mut buffer) {
                Ok(0) => break,
                Ok(read) => read,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            };
            hasher.update(&buffer[..read]);
        }
        Ok(hasher.finalize_hex())
    }

    /// Whether `text` looks like a digest of this type (right length, hex digits in any case).
    pub fn is_valid_hex(self, text: &str) -> bool {
        text.len() == self.hex_len() && text.bytes().all(|byte| byte.is_ascii_hexdigit())
    }
}

impl fmt::Display for HashType {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// A streaming hasher for one [`HashType`].
#[derive(Clone)]
pub struct Hasher(State);

#[derive(Clone)]
enum State {
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha224(sha2::Sha224),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl Hasher {
    /// Feeds more bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        match &mut self.0 {
            State::Md5(state) => state.update(bytes),
            State::Sha1(state) => state.update(bytes),
            State::Sha224(state) => state.update(bytes),
            State::Sha256(state) => state.update(bytes),
            State::Sha384(state) => state.update(bytes),
            State::Sha512(state) => state.update(bytes),
        }
    }

    /// The lower-case hex digest.
    pub fn finalize_hex(self) -> String {
        match self.0 {
            State::Md5(state) => hex::encode(state.finalize()),
            State::Sha1(state) => hex::encode(state.finalize()),
            State::Sha224(state) => hex::encode(state.finalize()),
            State::Sha256(state) => hex::encode(state.finalize()),
            State::Sha384(state) => hex::encode(state.finalize()),
            State::Sha512(state) => hex::encode(state.finalize()),
        }
    }
}

impl fmt::Debug for Hasher {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Hasher")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        assert_eq!(
            HashType::Md5.digest(b"abc"),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        assert_eq!(
            HashType::Sha1.digest(b"abc"),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            HashType::Sha256.digest(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(
            HashType::Sha512
                .digest(b"abc")
                .starts_with("ddaf35a193617aba")
        );
        for kind in HashType::ALL {
            assert_eq!(kind.digest(b"").len(), kind.hex_len(), "{kind}");
        }
    }

    #[test]
    fn names_round_trip_in_any_case() {
        for kind in HashType::ALL {
            assert_eq!(HashType::parse(kind.name()), Some(kind));
            assert_eq!(HashType::parse(kind.lowercase_name()), Some(kind));
        }
        assert_eq!(HashType::parse("Sha512"), Some(HashType::Sha512));
        assert_eq!(HashType::parse("crc32"), None);
    }
}
