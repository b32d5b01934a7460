//! A mirror's object database, opened with as few system calls as possible.
//!
//! `gix::odb::at` sets up a dynamic store that stats and lists its way through the objects
//! directory (about fifty system calls per open, measured with `strace -c`). A mirror holds one
//! or a few packs (fetches keep packs and are compacted, see `DistGitCache::compact`) and rarely a
//! loose object, so opening each pack bundle directly and falling back to loose files is enough,
//! and it is what keeps a warm read of thousands of components fast.

use std::cell::RefCell;
use std::path::Path;

use gix::ObjectId;
use gix::odb::pack::Bundle;

/// The packs and loose objects of one repository.
pub(crate) struct Objects {
    packs: Vec<Bundle>,
    loose: gix::odb::loose::Store,
    inflate: RefCell<gix::zlib::Inflate>,
}

impl Objects {
    /// Opens every pack under `objects/pack` and the loose store of `objects`.
    pub(crate) fn open(objects: &Path) -> std::io::Result<Self> {
        let mut packs = Vec::new();
        match std::fs::read_dir(objects.join("pack")) {
            Ok(entries) => {
                for entry in entries {
                    let path = entry?.path();
                    if path.extension().is_some_and(|extension| extension == "idx") {
                        let bundle = Bundle::at(&path, gix::hash::Kind::Sha1).map_err(|error| {
                            std::io::Error::other(format!("{}: {error}", path.display()))
                        })?;
                        packs.push(bundle);
                    }
                }
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(error),
        }
        Ok(Self {
            packs,
            loose: gix::odb::loose::Store::at(objects, gix::hash::Kind::Sha1),
            inflate: RefCell::new(gix::zlib::Inflate::default()),
        })
    }

    /// The object `id`, decompressed into `buffer`, if it exists.
    pub(crate) fn find<'buffer>(
        &self,
        id: &gix::oid,
        buffer: &'buffer mut Vec<u8>,
    ) -> Result<Option<gix::objs::Data<'buffer>>, String> {
        let found = self
            .packs
            .iter()
            .find_map(|pack| pack.index.lookup(id).map(|index| (pack, index)));
        if let Some((pack, index)) = found {
            let mut inflate = self.inflate.borrow_mut();
            let mut cache = gix::odb::pack::cache::Never;
            return pack
                .get_object_by_index(index, buffer, &mut inflate, &mut cache)
                .map(|(data, _)| Some(data))
                .map_err(|error| error.to_string());
        }
        self.loose
            .try_find(id, buffer)
            .map_err(|error| error.to_string())
    }

    /// Every object id starting with `prefix`, across packs and loose files.
    pub(crate) fn with_prefix(&self, prefix: gix::hash::Prefix) -> Result<Vec<ObjectId>, String> {
        let mut found = Vec::new();
        for pack in &self.packs {
            let mut range = 0..0;
            if pack.index.lookup_prefix(prefix, Some(&mut range)).is_some() {
                found.extend(range.map(|index| pack.index.oid_at_index(index).to_owned()));
            }
        }
        let mut loose = std::collections::HashSet::new();
        self.loose
            .lookup_prefix(prefix, Some(&mut loose))
            .map_err(|error| error.to_string())?;
        found.extend(loose);
        found.sort();
        found.dedup();
        Ok(found)
    }
}
