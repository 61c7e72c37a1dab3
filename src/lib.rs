//! attache: full-text search over dated diplomatic coverage — articles, speeches, statements —
//! ranked by passage.
//!
//! Data flows one way; each arrow is a module boundary:
//!
//! ```text
//! indexing:  corpus files ─walk─▶ Article ─split─▶ passages ─analyse─▶ tantivy documents ─▶ index/
//! searching: query text ─parse─▶ Node ─plan─▶ tantivy Query ─collect─▶ Hit ─render─▶ text / JSON
//! ```
//!
//! * [`corpus`] walks files and folders and parses the article formats into [`corpus::Article`].
//! * [`analysis`] splits articles into passages and defines what a word is, once, for indexing,
//!   querying and highlighting.
//! * [`index`] owns the schema and builds or updates an index: incrementally, in parallel,
//!   committing at checkpoints, or rebuilt in full and swapped in atomically.
//! * [`search`] parses and plans queries and ranks passages.
//! * [`render`] turns results into terminal text or JSON Lines.
//! * [`sharding`] builds shard sets: one index per year, month or source, searched as one.
//! * [`generate`] writes synthetic corpora with a real corpus's term statistics, for scale tests.
//! * [`check`] verifies an index file by file.
//! * [`eval`] scores the ranking against a judged set of information needs.
//!
//! The library never prints; the `attache` binary owns the terminal.
//!
//! ```no_run
//! use attache::index::{IndexDir, build};
//! use attache::search::{SearchRequest, Searcher};
//!
//! let dir = IndexDir::new("index");
//! // Adds new articles, replaces changed ones, removes those gone from corpus/.
//! let options = build::BuildOptions::new(vec!["corpus".into()]);
//! let run = build::build(&dir, &options, &mut build::Silent)?;
//! println!("{} added, {} changed, {} removed", run.added, run.changed, run.removed);
//! let mut searcher = Searcher::open(&dir)?;
//! let results = searcher.search(&SearchRequest::new("\"security guarantee\"", 10))?;
//! for hit in &results.hits {
//!     println!("{} {}#{} {}", hit.info.date, hit.article_id, hit.passage, hit.snippet.text);
//! }
//! # Ok::<(), attache::Error>(())
//! ```

#![warn(missing_docs)]

pub mod analysis;
pub mod bench;
pub mod check;
pub mod corpus;
pub mod entities;
pub mod error;
pub mod eval;
pub mod export;
pub mod generate;
pub mod index;
pub mod render;
pub mod search;
pub mod sharding;
pub mod stats;

pub use error::{Error, Result};
