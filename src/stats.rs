//! What an index holds: counts, date range, sources, metadata fields, size on disk.

use std::collections::HashSet;

use serde::Serialize;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocSet, TERMINATED};

use crate::error::{Error, Result};
use crate::index::build::RunSummary;
use crate::index::schema::fast;
use crate::search::{Searcher, meta_keys};

/// A summary of an index.
#[derive(Debug, Clone, Serialize)]
pub struct IndexStats {
    /// The live generation folder.
    pub generation: String,
    /// Distinct articles.
    pub articles: u64,
    /// Passages (documents).
    pub passages: u64,
    /// Segments in the live generation.
    pub segments: usize,
    /// Passages deleted by incremental runs but still on disk (`attache optimize` purges them).
    pub deleted_passages: u64,
    /// Deleted passages as a share of all passages on disk, 0 to 1.
    pub deleted_ratio: f64,
    /// The earliest article date, as written.
    pub first_date: Option<String>,
    /// The latest article date, as written.
    pub last_date: Option<String>,
    /// Sources with their live passage counts (deleted passages left out), most passages first.
    pub sources: Vec<SourceCount>,
    /// Live passages of articles without a source (with `sources`, every passage).
    pub no_source_passages: u64,
    /// Metadata field names, searchable as `name:value`.
    pub metadata_fields: Vec<String>,
    /// Bytes on disk.
    pub size_bytes: u64,
    /// The folders and files the index was built from (empty for an index built before they
    /// were recorded).
    pub roots: Vec<String>,
    /// The last indexing run.
    pub last_run: Option<RunSummary>,
}

/// A source and how many passages it has.
#[derive(Debug, Clone, Serialize)]
pub struct SourceCount {
    /// The source as written.
    pub source: String,
    /// Its passages.
    pub passages: u64,
}

/// Computes the summary of the index `searcher` has open.
///
/// # Errors
/// When the index cannot be read.
pub fn stats(searcher: &Searcher) -> Result<IndexStats> {
    searcher.guard(|| compute(searcher))
}

fn compute(searcher: &Searcher) -> Result<IndexStats> {
    let open = searcher.index();
    let fields = open.fields;
    let tsearcher = searcher.reader().searcher();
    let mut keys = HashSet::new();
    let mut first: Option<(i64, DocAddress)> = None;
    let mut last: Option<(i64, DocAddress)> = None;
    let mut sources = std::collections::BTreeMap::<String, u64>::new();
    for (ord, segment) in tsearcher.segment_readers().iter().enumerate() {
        let fast_fields = segment.fast_fields();
        let key = fast_fields.u64(fast::ARTICLE_KEY)?;
        let alive = segment.alive_bitset();
        let lo = fast_fields.i64(fast::DAY_LO)?;
        let hi = fast_fields.i64(fast::DAY_HI)?;
        for doc in segment.doc_ids_alive() {
            keys.extend(key.first(doc));
            let address = DocAddress::new(ord as u32, doc);
            if let Some(day) = lo.first(doc)
                && first.is_none_or(|(d, _)| day < d)
            {
                first = Some((day, address));
            }
            if let Some(day) = hi.first(doc)
                && last.is_none_or(|(d, _)| day > d)
            {
                last = Some((day, address));
            }
        }
        // A term's doc_freq counts the passages updates deleted too: count the live ones
        // from its postings where the segment has deletes.
        let terms = segment.inverted_index(fields.source_key)?;
        let mut stream = terms
            .terms()
            .stream()
            .map_err(|e| Error::io(&open.generation, e))?;
        while let Some((term, info)) = stream.next() {
            let live = match alive {
                None => u64::from(info.doc_freq),
                Some(alive) => {
                    let mut postings = terms
                        .read_postings_from_terminfo(info, IndexRecordOption::Basic)
                        .map_err(|e| Error::io(&open.generation, e))?;
                    let mut n = 0;
                    let mut doc = postings.doc();
                    while doc != TERMINATED {
                        n += u64::from(alive.is_alive(doc));
                        doc = postings.advance();
                    }
                    n
                }
            };
            if live > 0 {
                *sources
                    .entry(String::from_utf8_lossy(term).into_owned())
                    .or_default() += live;
            }
        }
    }
    let date_of = |found: Option<(i64, DocAddress)>| -> Result<Option<String>> {
        found.map_or(Ok(None), |(_, address)| searcher.stored_date(address))
    };
    let mut sources: Vec<SourceCount> = sources
        .into_iter()
        .map(|(source, passages)| SourceCount { source, passages })
        .collect();
    sources.sort_by(|a, b| b.passages.cmp(&a.passages).then(a.source.cmp(&b.source)));
    let deleted: u64 = tsearcher
        .segment_readers()
        .iter()
        .map(|s| u64::from(s.num_deleted_docs()))
        .sum();
    let on_disk: u64 = tsearcher
        .segment_readers()
        .iter()
        .map(|s| u64::from(s.max_doc()))
        .sum();
    let with_source: u64 = sources.iter().map(|s| s.passages).sum();
    Ok(IndexStats {
        no_source_passages: tsearcher.num_docs().saturating_sub(with_source),
        generation: open.generation.display().to_string(),
        articles: keys.len() as u64,
        passages: tsearcher.num_docs(),
        segments: tsearcher.segment_readers().len(),
        deleted_passages: deleted,
        deleted_ratio: if on_disk == 0 {
            0.0
        } else {
            deleted as f64 / on_disk as f64
        },
        first_date: date_of(first)?,
        last_date: date_of(last)?,
        sources,
        metadata_fields: meta_keys(&tsearcher, fields.meta, None)?,
        size_bytes: crate::index::dir_size(&open.generation),
        roots: open.roots().map(|r| r.paths).unwrap_or_default(),
        last_run: open.last_run(),
    })
}
