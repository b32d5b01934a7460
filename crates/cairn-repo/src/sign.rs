//! OpenPGP signatures: `repomd.xml.asc` (detached, armored) and RPM header signatures.
//!
//! Both go through `rpm`'s rpgp-backed `Signer`/`Verifier`, so the repository and the packages
//! share one OpenPGP stack (rpgp 0.20, the version `rpm` 0.30 pins).

use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use rpm::signature::pgp::{Signer, Verifier};
use rpm::signature::{Signing, Verifying};

/// Errors from loading keys, signing and verifying.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// A key file could not be read or parsed.
    #[error(
        "cannot load the OpenPGP key {path}: {message}; pass an ASCII-armored key (`gpg --armor --export[-secret-keys]`)"
    )]
    Key {
        /// The key file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// Producing a signature failed.
    #[error("cannot sign with {path}: {message}")]
    Sign {
        /// The key file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A signature did not verify.
    #[error("{what}: {message}")]
    Invalid {
        /// What was checked (`repomd.xml.asc`, a package path).
        what: String,
        /// Why it failed.
        message: String,
    },
}

/// A secret key that signs repomd.xml.
#[derive(Debug)]
pub struct RepoSigner {
    signer: Signer,
    path: PathBuf,
}

impl RepoSigner {
    /// Loads an ASCII-armored secret key (without a passphrase).
    pub fn from_key_file(path: &Path) -> Result<Self, SignError> {
        let key_error = |message: String| SignError::Key {
            path: path.to_owned(),
            message,
        };
        let text = std::fs::read(path).map_err(|error| key_error(error.to_string()))?;
        let signer = Signer::from_asc_bytes(&text).map_err(|error| key_error(error.to_string()))?;
        Ok(Self {
            signer,
            path: path.to_owned(),
        })
    }

    /// A detached, armored signature over `data` (the bytes of repomd.xml).
    pub fn sign_detached(&self, data: &[u8]) -> Result<String, SignError> {
        let sign_error = |message: String| SignError::Sign {
            path: self.path.clone(),
            message,
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| u32::try_from(elapsed.as_secs()).unwrap_or(u32::MAX))
            .unwrap_or(0);
        let packet = self
            .signer
            .sign(data, rpm::Timestamp(now))
            .map_err(|error| sign_error(error.to_string()))?;
        let mut armored = Vec::with_capacity(packet.len() * 2);
        pgp::armor::write(
            &RawPacket(&packet),
            pgp::armor::BlockType::Signature,
            &mut armored,
            None,
            true,
        )
        .map_err(|error| sign_error(error.to_string()))?;
        String::from_utf8(armored).map_err(|error| sign_error(error.to_string()))
    }
}

/// Already serialised OpenPGP packets, for the armor writer.
struct RawPacket<'a>(&'a [u8]);

impl pgp::ser::Serialize for RawPacket<'_> {
    fn to_writer<W: std::io::Write>(&self, writer: &mut W) -> pgp::errors::Result<()> {
        writer.write_all(self.0)?;
        Ok(())
    }

    fn write_len(&self) -> usize {
        self.0.len()
    }
}

/// Public keys that signatures must verify against.
#[derive(Debug)]
pub struct Keyring {
    verifier: Verifier,
}

impl Keyring {
    /// Loads one or more ASCII-armored public keys from `path`.
    pub fn from_file(path: &Path) -> Result<Self, SignError> {
        let key_error = |message: String| SignError::Key {
            path: path.to_owned(),
            message,
        };
        let text = std::fs::read(path).map_err(|error| key_error(error.to_string()))?;
        let verifier =
            Verifier::from_asc_bytes(&text).map_err(|error| key_error(error.to_string()))?;
        Ok(Self { verifier })
    }

    /// Checks an armored (or binary) detached signature over `data`.
    pub fn verify_detached(
        &self,
        what: &str,
        data: &[u8],
        signature: &[u8],
    ) -> Result<(), SignError> {
        let invalid = |message: String| SignError::Invalid {
            what: what.to_owned(),
            message,
        };
        let packet = if signature.trim_ascii_start().starts_with(b"-----BEGIN") {
            let mut bytes = Vec::new();
            pgp::armor::Dearmor::new(BufReader::new(signature))
                .read_to_end(&mut bytes)
                .map_err(|error| invalid(format!("not an OpenPGP signature: {error}")))?;
            bytes
        } else {
            signature.to_vec()
        };
        self.verifier.verify(data, &packet).map_err(|error| {
            invalid(format!(
                "the signature does not verify with the keyring: {error}"
            ))
        })
    }

    /// Checks the header signature of a package.
    pub fn verify_package(
        &self,
        what: &str,
        metadata: &rpm::PackageMetadata,
    ) -> Result<(), SignError> {
        metadata
            .verify_signature(&self.verifier)
            .map_err(|error| SignError::Invalid {
                what: what.to_owned(),
                message: match error {
                    rpm::Error::NoSignatureFound => "the package is not signed".to_owned(),
                    other => {
                        format!("the package signature does not verify with the keyring: {other}")
                    }
                },
            })
    }
}
