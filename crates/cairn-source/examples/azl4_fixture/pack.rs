//! Writes a repository's objects as one pack and its version 2 index (git's
//! Documentation/gitformat-pack.txt), so each fixture repository is a handful of files instead of
//! a loose file per object.

use std::io::Write as _;
use std::path::Path;

use gix::ObjectId;
use sha1::Digest as _;

/// Objects collected for one pack, deduplicated by id.
#[derive(Default)]
pub struct PackBuilder {
    objects: Vec<(ObjectId, u8, Vec<u8>)>,
}

impl PackBuilder {
    /// Adds a blob and returns its id.
    pub fn blob(&mut self, data: &[u8]) -> ObjectId {
        self.add(3, "blob", data.to_vec())
    }

    /// Adds a tree or commit (anything gix can serialize) and returns its id.
    pub fn object(&mut self, object: &(impl gix::objs::WriteTo + ?Sized)) -> ObjectId {
        let mut data = Vec::new();
        object
            .write_to(&mut data)
            .expect("writing to a Vec cannot fail");
        let (code, name) = match object.kind() {
            gix::objs::Kind::Commit => (1, "commit"),
            gix::objs::Kind::Tree => (2, "tree"),
            gix::objs::Kind::Blob => (3, "blob"),
            gix::objs::Kind::Tag => (4, "tag"),
        };
        self.add(code, name, data)
    }

    fn add(&mut self, code: u8, name: &str, data: Vec<u8>) -> ObjectId {
        let mut hasher = sha1::Sha1::new();
        hasher.update(format!("{name} {}\0", data.len()).as_bytes());
        hasher.update(&data);
        let id = ObjectId::from_bytes_or_panic(&hasher.finalize());
        if !self.objects.iter().any(|(existing, _, _)| *existing == id) {
            self.objects.push((id, code, data));
        }
        id
    }

    /// Writes `objects/pack/pack-<checksum>.{pack,idx}` under the bare repository `repository`.
    pub fn write(self, repository: &Path) -> std::io::Result<()> {
        let mut pack = Vec::new();
        pack.extend_from_slice(b"PACK");
        pack.extend_from_slice(&2u32.to_be_bytes());
        pack.extend_from_slice(
            &u32::try_from(self.objects.len())
                .map_err(std::io::Error::other)?
                .to_be_bytes(),
        );
        let mut entries = Vec::with_capacity(self.objects.len());
        for (id, code, data) in &self.objects {
            let offset = pack.len();
            let mut size = data.len();
            let mut byte = (code << 4) | (size & 0x0f) as u8;
            size >>= 4;
            while size > 0 {
                pack.push(byte | 0x80);
                byte = (size & 0x7f) as u8;
                size >>= 7;
            }
            pack.push(byte);
            let mut encoder =
                flate2::write::ZlibEncoder::new(&mut pack, flate2::Compression::default());
            encoder.write_all(data)?;
            encoder.finish()?;
            entries.push((
                *id,
                crc32(&pack[offset..]),
                u32::try_from(offset).map_err(std::io::Error::other)?,
            ));
        }
        let checksum: [u8; 20] = sha1::Sha1::digest(&pack).into();
        pack.extend_from_slice(&checksum);

        entries.sort_by_key(|entry| entry.0);
        let mut index = vec![0xff, b't', b'O', b'c'];
        index.extend_from_slice(&2u32.to_be_bytes());
        for first in 0..=255u8 {
            let count = entries
                .iter()
                .filter(|(id, _, _)| id.as_bytes()[0] <= first)
                .count() as u32;
            index.extend_from_slice(&count.to_be_bytes());
        }
        for (id, _, _) in &entries {
            index.extend_from_slice(id.as_bytes());
        }
        for (_, crc, _) in &entries {
            index.extend_from_slice(&crc.to_be_bytes());
        }
        for (_, _, offset) in &entries {
            index.extend_from_slice(&offset.to_be_bytes());
        }
        index.extend_from_slice(&checksum);
        let index_checksum: [u8; 20] = sha1::Sha1::digest(&index).into();
        index.extend_from_slice(&index_checksum);

        let stem = repository
            .join("objects/pack")
            .join(format!("pack-{}", hex::encode(checksum)));
        std::fs::write(stem.with_extension("pack"), pack)?;
        std::fs::write(stem.with_extension("idx"), index)
    }
}

/// CRC-32 (IEEE), as the pack index records for each entry.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
