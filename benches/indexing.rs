//! Indexing throughput: a from-scratch build of a fixed slice of the corpus (two UNGDC sessions,
//! 5.2 MB, or the sample), with entity recognition, on all cores. Criterion reports bytes of
//! corpus per second; every build asserts it indexed every article of the slice.
//!
//! `cargo bench --bench indexing`

mod common;

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use attache::index::IndexDir;
use attache::index::build::{self, BuildOptions};
use common::Corpus;

fn indexing(c: &mut Criterion) {
    let corpus = Corpus::detect();
    let slice = corpus.slice();
    let bytes: u64 = attache::corpus::walk(&slice)
        .expect("the slice exists")
        .total_bytes();
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let mut group = c.benchmark_group(match corpus {
        Corpus::Ungdc => "index_ungdc_slice",
        Corpus::Sample => "index_sample",
    });
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(12))
        .throughput(Throughput::Bytes(bytes));
    group.bench_function("with_entities", |b| {
        b.iter(|| {
            let dir = IndexDir::new(scratch.path().join("index"));
            let _ = std::fs::remove_dir_all(dir.path());
            let run = build::build(&dir, &BuildOptions::new(slice.clone()), &mut build::Silent)
                .expect("the build succeeds");
            assert_eq!(run.articles, corpus.slice_articles(), "{run:?}");
            assert_eq!(run.added, run.articles, "{run:?}");
            assert!(run.passages > run.articles && run.skipped == 0, "{run:?}");
        });
    });
    group.finish();
}

criterion_group!(benches, indexing);
criterion_main!(benches);
