//! repomd.xml: the index of a repository's metadata documents.

use std::io::{self, BufRead, Write};

use serde::{Deserialize, Serialize};

use crate::error::ReadError;
use crate::limits::Limits;
use crate::package::Checksum;
use crate::read::is_safe_location;
use crate::xml::{Element, Step, XmlReader};

/// How many `<data>` records a repomd.xml may have; real ones have a handful.
const MAX_RECORDS: usize = 1024;

/// A parsed repomd.xml.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repomd {
    /// `<revision>`: createrepo_c writes the generation time; any string is allowed.
    pub revision: Option<String>,
    /// One record per `<data type=..>`, in document order.
    pub records: Vec<RepomdRecord>,
}

/// One `<data>` element: a metadata file with its checksums.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepomdRecord {
    /// The `type` attribute (`primary`, `filelists`, `other`, `primary_db`, `updateinfo`...).
    pub kind: String,
    /// Checksum of the file as stored (compressed).
    pub checksum: Checksum,
    /// Checksum of the decompressed content.
    pub open_checksum: Option<Checksum>,
    /// `<location href=..>`, relative to the repository root.
    pub location_href: String,
    /// `<timestamp>`.
    pub timestamp: u64,
    /// `<size>`: bytes as stored.
    pub size: Option<u64>,
    /// `<open-size>`: bytes decompressed.
    pub open_size: Option<u64>,
    /// `<database_version>` of sqlite records.
    pub database_version: Option<u64>,
}

impl Repomd {
    /// The record of `kind`, if present.
    pub fn record(&self, kind: &str) -> Option<&RepomdRecord> {
        self.records.iter().find(|record| record.kind == kind)
    }

    /// Parses repomd.xml.
    pub fn read<R: BufRead>(input: R) -> Result<Self, ReadError> {
        let limits = Limits {
            max_text_bytes: 1 << 16,
            ..Limits::default()
        };
        let mut reader = XmlReader::new(input, "repomd.xml", limits);
        reader.root(Element::Repomd, "repomd")?;
        let mut repomd = Self::default();
        loop {
            match reader.step()? {
                Step::Start(Element::Revision) => {
                    repomd.revision = Some(reader.text()?.trim().to_owned())
                }
                Step::Start(Element::Data) => {
                    if repomd.records.len() >= MAX_RECORDS {
                        return Err(
                            reader.limit("the number of <data> records", MAX_RECORDS as u64)
                        );
                    }
                    let record = data(&mut reader)?;
                    repomd.records.push(record);
                }
                Step::Start(_) => reader.skip()?,
                Step::End => break,
                Step::Eof => return Err(reader.truncated()),
            }
        }
        reader.finish()?;
        Ok(repomd)
    }

    /// Writes repomd.xml in createrepo_c's layout.
    pub fn write<W: Write>(&self, mut out: W) -> io::Result<W> {
        let mut text = String::with_capacity(2048);
        text.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        text.push_str(
            "<repomd xmlns=\"http://linux.duke.edu/metadata/repo\" xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\">\n",
        );
        if let Some(revision) = &self.revision {
            text.push_str(&format!("  <revision>{}</revision>\n", escape(revision)));
        }
        for record in &self.records {
            text.push_str(&format!("  <data type=\"{}\">\n", escape(&record.kind)));
            text.push_str(&format!(
                "    <checksum type=\"{}\">{}</checksum>\n",
                escape(&record.checksum.kind),
                escape(&record.checksum.value)
            ));
            if let Some(open) = &record.open_checksum {
                text.push_str(&format!(
                    "    <open-checksum type=\"{}\">{}</open-checksum>\n",
                    escape(&open.kind),
                    escape(&open.value)
                ));
            }
            text.push_str(&format!(
                "    <location href=\"{}\"/>\n",
                escape(&record.location_href)
            ));
            text.push_str(&format!(
                "    <timestamp>{}</timestamp>\n",
                record.timestamp
            ));
            if let Some(size) = record.size {
                text.push_str(&format!("    <size>{size}</size>\n"));
            }
            if let Some(size) = record.open_size {
                text.push_str(&format!("    <open-size>{size}</open-size>\n"));
            }
            if let Some(version) = record.database_version {
                text.push_str(&format!(
                    "    <database_version>{version}</database_version>\n"
                ));
            }
            text.push_str("  </data>\n");
        }
        text.push_str("</repomd>\n");
        out.write_all(text.as_bytes())?;
        Ok(out)
    }
}

fn data<R: BufRead>(reader: &mut XmlReader<R>) -> Result<RepomdRecord, ReadError> {
    let mut record = RepomdRecord {
        kind: reader.required("data", "type")?,
        ..RepomdRecord::default()
    };
    let mut seen_checksum = false;
    let mut seen_location = false;
    loop {
        match reader.step()? {
            Step::Start(Element::Checksum) => {
                let kind = reader.required("checksum", "type")?;
                record.checksum = Checksum {
                    kind,
                    value: reader.text()?.trim().to_owned(),
                };
                seen_checksum = true;
            }
            Step::Start(Element::OpenChecksum) => {
                let kind = reader.required("open-checksum", "type")?;
                record.open_checksum = Some(Checksum {
                    kind,
                    value: reader.text()?.trim().to_owned(),
                });
            }
            Step::Start(Element::Location) => {
                let href = reader.required("location", "href")?;
                if !is_safe_location(&href) {
                    return Err(ReadError::UnsafeLocation {
                        document: reader.document,
                        position: reader.position(),
                        href,
                    });
                }
                record.location_href = href;
                seen_location = true;
                reader.skip()?;
            }
            Step::Start(Element::Timestamp) => record.timestamp = number_text(reader, "timestamp")?,
            Step::Start(Element::Size) => record.size = Some(number_text(reader, "size")?),
            Step::Start(Element::OpenSize) => {
                record.open_size = Some(number_text(reader, "open-size")?)
            }
            Step::Start(Element::Other) => reader.skip()?,
            Step::Start(_) => reader.skip()?,
            Step::End => break,
            Step::Eof => return Err(reader.truncated()),
        }
    }
    if !seen_checksum || !seen_location {
        return Err(reader.invalid(format!(
            "<data type=\"{}\"> lacks a <checksum> or <location>",
            record.kind
        )));
    }
    Ok(record)
}

fn number_text<R: BufRead>(reader: &mut XmlReader<R>, element: &str) -> Result<u64, ReadError> {
    let text = reader.text()?;
    let trimmed = text.trim();
    // createrepo_c 0.x wrote fractional timestamps; keep the integer part.
    let integer = trimmed.split('.').next().unwrap_or_default();
    integer
        .parse()
        .map_err(|_| reader.invalid(format!("<{element}>{trimmed}</{element}> is not a number")))
}

fn escape(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
