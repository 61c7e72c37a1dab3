//! What the criterion benches share: which corpus they run on, and the index they query.
//!
//! They run on the UN General Debate Corpus at `../shared/corpora/ungdc` when it is there, and
//! otherwise on the repository's two sample articles (`corpus/`), so `cargo bench` works in any
//! checkout (`ATTACHE_BENCH_SAMPLE=1` picks the sample anyway). Each bench knows the answers on both and asserts them, so a broken engine cannot
//! look fast.

#![allow(dead_code, reason = "each bench uses part of it")]

use std::path::{Path, PathBuf};

use attache::index::IndexDir;
use attache::index::build::{self, BuildOptions};
use attache::search::Searcher;

/// The corpus the benches run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corpus {
    /// The UN General Debate Corpus, 10,952 speeches.
    Ungdc,
    /// The repository's two sample articles.
    Sample,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

impl Corpus {
    /// The UNGDC when it is beside the checkout, else the sample.
    pub fn detect() -> Corpus {
        let forced = std::env::var_os("ATTACHE_BENCH_SAMPLE").is_some_and(|v| v == "1");
        if !forced && root().join("../shared/corpora/ungdc").is_dir() {
            Corpus::Ungdc
        } else {
            Corpus::Sample
        }
    }

    /// The whole corpus.
    pub fn path(self) -> PathBuf {
        match self {
            Corpus::Ungdc => root().join("../shared/corpora/ungdc"),
            Corpus::Sample => root().join("corpus"),
        }
    }

    /// A fixed slice to index: two sessions of the UNGDC (341 speeches, 5.2 MB), or the sample.
    pub fn slice(self) -> Vec<PathBuf> {
        match self {
            Corpus::Ungdc => ["session-45-1990.jsonl", "session-60-2005.jsonl"]
                .iter()
                .map(|f| self.path().join(f))
                .collect(),
            Corpus::Sample => vec![self.path()],
        }
    }

    /// Articles in [`Corpus::slice`].
    pub fn slice_articles(self) -> u64 {
        match self {
            Corpus::Ungdc => 341,
            Corpus::Sample => 2,
        }
    }
}

/// Opens the bench index in `target/bench-index`, building it from the whole corpus first when
/// it is missing, of another format, or built from another corpus.
pub fn bench_index(corpus: Corpus) -> Searcher {
    let dir = IndexDir::new(root().join("target/bench-index"));
    let wanted = corpus.path().display().to_string();
    if let Ok(searcher) = Searcher::open(&dir) {
        let last_run = searcher.index().last_run();
        let roots = last_run.as_ref().map(|r| &r.roots);
        if roots.is_some_and(|roots| roots == std::slice::from_ref(&wanted)) {
            return searcher;
        }
    }
    eprintln!(
        "building the bench index of {wanted} in {}",
        dir.path().display()
    );
    let _ = std::fs::remove_dir_all(dir.path());
    build::build(
        &dir,
        &BuildOptions::new(vec![corpus.path()]),
        &mut build::Silent,
    )
    .expect("build the bench index");
    Searcher::open(&dir).expect("open the fresh bench index")
}
