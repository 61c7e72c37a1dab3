//! Robustness: no input may crash attache and no run may lose data. Hostile queries, hostile
//! corpora and damaged indexes each get a one-line report (a query error with its column, a
//! warning with path and line, an index error naming the folder and the fix); never a panic or
//! a hang. `props` checks properties of parsing, planning, indexing and searching on random
//! input. The big inputs (a 1 GB line, 100,000 files) are generated on the fly by ignored tests:
//!
//! ```text
//! cargo test --release -- --ignored hostile
//! ```

mod corpora;
mod damaged;
mod props;
mod queries;

use std::path::Path;

use attache::index::{IndexDir, build};

/// Builds an index of `corpus` into `index` with one thread, through the library.
pub fn build_index(corpus: &Path, index: &Path) -> build::RunSummary {
    let options = build::BuildOptions {
        roots: vec![corpus.to_path_buf()],
        threads: 1,
        memory_bytes: 50 << 20,
        entities: true,
    };
    build::build(&IndexDir::new(index), &options, &mut build::Silent).expect("build an index")
}

/// Whether `text` holds a character a terminal would act on (an escape, a line break).
pub fn has_control(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && c != '\n')
}
