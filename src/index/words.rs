//! The index's words, for "did you mean": one FST per generation mapping every word the
//! passage text's term dictionaries hold to its passages in all segments together.
//!
//! "Did you mean" looks for the words within one or two edits of a word the index does not
//! know. Walking each segment's term dictionary does that walk once per segment, over
//! dictionaries that share most of their words and hold as many stem and entity tokens again
//! (which are never offered); this list is the walk done once, over the words alone.
//!
//! The list is derived data, written beside the segments ([`FILE`]) whenever their set
//! changes: a full rebuild writes it into the build folder before the generation is published,
//! an update or `attache optimize` rewrites it after its last commit when the segments are no
//! longer those it was built from, and leaves it alone when they are. It is replaced
//! atomically (written and synced beside, then renamed over), so it is whole or absent. It
//! names the segments it was built from: a reader that finds it missing, unreadable, or built
//! from other segments (an update killed after its commit, a shard set, an index of an older
//! build) walks the term dictionaries instead, with the same answers.
//!
//! Layout: the line `attache words 1 FIELD N` (the text field's id and the number of
//! segments), a line of the segments' ids sorted, space-separated, then the FST of a
//! [`tantivy_fst::Map`], whose values are the summed `doc_freq`s (which, as the term
//! dictionaries', count a deleted passage until its segment is merged).

use std::path::Path;
use std::sync::Arc;

use tantivy::directory::OwnedBytes;
use tantivy::schema::Field;
use tantivy::termdict::TermMerger;
use tantivy::{Directory, Index, InvertedIndexReader, ReloadPolicy, SegmentReader};
use tantivy_fst::raw::Fst;

use super::directory::{Access, IndexDirectory, atomic_write};
use super::schema::Fields;
use crate::analysis::STEM_PREFIX;
use crate::error::{Error, Result};

/// The list's file in a generation folder.
pub const FILE: &str = "words.fst";

/// The first word of the list's first line; the number after it is the layout's version.
const MAGIC: &str = "attache words 3";

/// The list ends with the CRC-32 of its FST, little-endian: a list whose bytes changed is not
/// walked (a damaged FST could send the walk out of bounds).
const CHECKSUM: usize = 4;

/// Whether an indexed token is a word's exact form (not a stem or entity token): what "did you
/// mean" may offer, and what the list holds.
pub fn is_word(term: &str) -> bool {
    term.chars()
        .next()
        .is_some_and(|c| c != STEM_PREFIX && c.is_alphanumeric())
}

/// The list of a generation, opened.
pub struct Words {
    fst: Fst<OwnedBytes>,
}

impl Words {
    /// The list in the generation folder `generation` of the passage text `field`, for the
    /// searcher's `segments`, or `None` when there is none, it cannot be read, or it was built
    /// from other segments or another field.
    pub fn open(generation: &Path, field: Field, segments: &[SegmentReader]) -> Option<Words> {
        // Not through the index's own directory, which takes every file for one of tantivy's
        // and refuses one without tantivy's footer.
        let directory = IndexDirectory::open(generation, Access::Read).ok()?;
        let bytes = directory
            .open_read(Path::new(FILE))
            .ok()?
            .read_bytes()
            .ok()?;
        let fst_start = header_len(&bytes, field, &segment_ids(segments))?;
        let fst_end = checked_fst(&bytes, fst_start)?.len() + fst_start;
        let fst = Fst::new(bytes.slice(fst_start..fst_end)).ok()?;
        Some(Words { fst })
    }

    /// The FST to walk: words to their passages.
    pub fn fst(&self) -> &Fst<OwnedBytes> {
        &self.fst
    }

    /// The passages `word` is in, across all segments (0 when the list does not hold it).
    pub fn doc_freq(&self, word: &[u8]) -> u64 {
        self.fst.get(word).map_or(0, |output| output.value())
    }
}

/// The ids of `segments`, sorted.
fn segment_ids(segments: &[SegmentReader]) -> Vec<String> {
    let mut ids: Vec<String> = segments
        .iter()
        .map(|s| s.segment_id().uuid_string())
        .collect();
    ids.sort_unstable();
    ids
}

/// The header a list of `field` built from the segments `ids` (sorted) starts with.
fn header(field: Field, ids: &[String]) -> String {
    format!(
        "{MAGIC} {} {}\n{}\n",
        field.field_id(),
        ids.len(),
        ids.join(" ")
    )
}

/// The length of `bytes`'s header when it is the one of a list of `field` built from the
/// segments `ids`.
fn header_len(bytes: &[u8], field: Field, ids: &[String]) -> Option<usize> {
    let expected = header(field, ids);
    bytes
        .starts_with(expected.as_bytes())
        .then_some(expected.len())
}

/// The FST of a list whose header is `header_len` bytes long, if its checksum matches.
fn checked_fst(bytes: &[u8], header_len: usize) -> Option<&[u8]> {
    let end = bytes.len().checked_sub(CHECKSUM)?;
    let fst = bytes.get(header_len..end)?;
    let sum = u32::from_le_bytes(bytes[end..].try_into().ok()?);
    (crc32fast::hash(fst) == sum).then_some(fst)
}

/// Writes the list of `index`'s passage text into the generation folder `folder`, unless the one
/// there was built from the segments the index has now. Returns whether it wrote one.
///
/// # Errors
/// A failure reading the term dictionaries or writing the file (nothing is left half-written:
/// the list there, if any, stays as it was).
pub fn refresh(index: &Index, folder: &Path) -> Result<bool> {
    let field = Fields::from_schema(&index.schema())?.text;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let segments = searcher.segment_readers();
    let ids = segment_ids(segments);
    let path = folder.join(FILE);
    if let Ok(existing) = std::fs::read(&path)
        && let Some(start) = header_len(&existing, field, &ids)
        && let Some(fst) = checked_fst(&existing, start)
        && Fst::new(fst).is_ok()
    {
        return Ok(false);
    }
    let mut bytes = header(field, &ids).into_bytes();
    let inverted = segments
        .iter()
        .map(|s| s.inverted_index(field))
        .collect::<tantivy::Result<Vec<Arc<InvertedIndexReader>>>>()?;
    let start = bytes.len();
    build(&inverted, &mut bytes).map_err(|e| Error::io(&path, e))?;
    let sum = crc32fast::hash(&bytes[start..]);
    bytes.extend_from_slice(&sum.to_le_bytes());
    atomic_write(&path, &bytes).map_err(|e| Error::io(&path, e))?;
    if let Ok(dir) = std::fs::File::open(folder) {
        dir.sync_all().map_err(|e| Error::io(folder, e))?;
    }
    Ok(true)
}

/// Appends to `out` the FST of every word of the dictionaries `inverted`, with its summed
/// `doc_freq`.
fn build(inverted: &[Arc<InvertedIndexReader>], out: &mut Vec<u8>) -> std::io::Result<()> {
    let streams = inverted
        .iter()
        .map(|i| i.terms().stream())
        .collect::<std::io::Result<Vec<_>>>()?;
    let mut merger = TermMerger::new(streams);
    let mut map =
        tantivy_fst::MapBuilder::new(std::mem::take(out)).map_err(std::io::Error::other)?;
    while merger.advance() {
        let Ok(word) = std::str::from_utf8(merger.key()) else {
            continue;
        };
        if !is_word(word) {
            continue;
        }
        let doc_freq: u64 = merger
            .current_segment_ords_and_term_infos()
            .map(|(_, info)| u64::from(info.doc_freq))
            .sum();
        map.insert(word, doc_freq).map_err(std::io::Error::other)?;
    }
    *out = map.into_inner().map_err(std::io::Error::other)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use tantivy_fst::Streamer;

    use super::*;
    use crate::index::IndexDir;
    use crate::index::build::testing;

    /// The sample articles indexed, then one of them changed (its old passages deleted in the
    /// first segment, its new ones in a second): an index of several segments with deleted
    /// passages.
    fn updated_index() -> (tempfile::TempDir, IndexDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let corpus = tmp.path().join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        let sample = testing::sample_corpus();
        let mut names: Vec<_> = std::fs::read_dir(&sample)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        for name in &names {
            std::fs::copy(sample.join(name), corpus.join(name)).unwrap();
        }
        let dir = IndexDir::new(tmp.path().join("index"));
        testing::index(&dir, &corpus);
        let first = corpus.join(&names[0]);
        let mut text = std::fs::read_to_string(&first).unwrap();
        text.push_str("\nA zebra walked past the negotiators in Geneva.\n");
        std::fs::write(&first, text).unwrap();
        testing::index(&dir, &corpus);
        (tmp, dir, corpus)
    }

    /// An update of `dir` from `corpus`.
    /// Every word of the passage text's dictionaries with its `doc_freq` summed over the
    /// segments, read segment by segment.
    fn summed(index: &Index, field: Field) -> BTreeMap<String, u64> {
        let searcher = index.reader().unwrap().searcher();
        let mut all = BTreeMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field).unwrap();
            let mut stream = inverted.terms().stream().unwrap();
            while let Some((term, info)) = stream.next() {
                let term = std::str::from_utf8(term).unwrap();
                if is_word(term) {
                    *all.entry(term.to_owned()).or_default() += u64::from(info.doc_freq);
                }
            }
        }
        all
    }

    /// What the list of the live generation holds.
    fn listed(dir: &IndexDir) -> Option<BTreeMap<String, u64>> {
        let open = dir.open().unwrap();
        let searcher = open.index.reader().unwrap().searcher();
        let words = Words::open(
            &open.generation,
            open.fields.text,
            searcher.segment_readers(),
        )?;
        let mut stream = words.fst.stream();
        let mut all = BTreeMap::new();
        while let Some((word, n)) = stream.next() {
            all.insert(String::from_utf8(word.to_vec()).unwrap(), n.value());
        }
        for (word, &n) in &all {
            assert_eq!(words.doc_freq(word.as_bytes()), n);
        }
        Some(all)
    }

    #[test]
    fn the_list_holds_every_word_with_its_passages_in_all_segments() {
        let (_tmp, dir, _) = updated_index();
        let open = dir.open().unwrap();
        let searcher = open.index.reader().unwrap().searcher();
        let segments = searcher.segment_readers();
        assert!(segments.len() >= 2, "{}", segments.len());
        assert!(segments.iter().any(|s| s.num_deleted_docs() > 0));
        let expected = summed(&open.index, open.fields.text);
        let listed = listed(&dir).expect("a list for the live segments");
        assert_eq!(listed, expected);
        // Deleted passages count until their segment is merged, as in the dictionaries: one
        // passage of the changed article names Kushner, counted in its old version and its new.
        assert_eq!(listed["zebra"], 1);
        assert_eq!(listed["kushner"], 2);
        assert!(listed.keys().all(|w| is_word(w)));
        assert!(!listed.contains_key("~ushakov") && !listed.contains_key("@ushakov"));
    }

    #[test]
    fn a_list_of_other_segments_is_not_read_and_is_written_again() {
        let (_tmp, dir, corpus) = updated_index();
        let generation = dir.current().unwrap().unwrap();
        let old = std::fs::read(generation.join(FILE)).unwrap();
        assert!(listed(&dir).is_some());
        std::fs::write(
            corpus.join("new.txt"),
            "date 2025-11-25\ntitle New\n\nA new word: okapi.\n",
        )
        .unwrap();
        // An update that adds a segment rewrites the list.
        testing::index(&dir, &corpus);
        assert_eq!(listed(&dir).unwrap()["okapi"], 1);
        // The list of the segments before is not read; written again, it is the same as the
        // one the update wrote, and written once.
        let fresh = std::fs::read(generation.join(FILE)).unwrap();
        std::fs::write(generation.join(FILE), &old).unwrap();
        assert!(listed(&dir).is_none());
        let open = dir.open_for_writing().unwrap();
        assert!(refresh(&open.index, &generation).unwrap());
        assert_eq!(std::fs::read(generation.join(FILE)).unwrap(), fresh);
        assert!(!refresh(&open.index, &generation).unwrap());
        // Neither is a list that is no FST, nor one of another field.
        let ids = segment_ids(open.index.reader().unwrap().searcher().segment_readers());
        let mut damaged = header(open.fields.text, &ids).into_bytes();
        damaged.extend_from_slice(b"not an fst");
        std::fs::write(generation.join(FILE), &damaged).unwrap();
        assert!(listed(&dir).is_none());
        let mut other = header(open.fields.stem, &ids).into_bytes();
        other.extend_from_slice(&fresh[header(open.fields.text, &ids).len()..]);
        std::fs::write(generation.join(FILE), &other).unwrap();
        assert!(listed(&dir).is_none());
        // Nor one whose FST or checksum had a byte changed (some 200 bytes through it, and
        // the last).
        let start = header(open.fields.text, &ids).len();
        let stride = ((fresh.len() - start) / 200).max(1);
        let last = fresh.len() - 1;
        for at in (start..fresh.len()).step_by(stride).chain([last]) {
            let mut flipped = fresh.clone();
            flipped[at] ^= 0x20;
            std::fs::write(generation.join(FILE), &flipped).unwrap();
            assert!(listed(&dir).is_none(), "byte {at} changed");
        }
        assert!(refresh(&open.index, &generation).unwrap());
        assert!(listed(&dir).is_some());
    }
}
