//! Reading while another process writes: searches and checks running during full rebuilds
//! (which swap `CURRENT` and delete the old generation), updates (which commit in place) and
//! merges (which delete the merged segments' files) never report a damaged index.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use attache::check::check;
use attache::index::IndexDir;
use attache::search::{SearchRequest, Searcher};

use crate::indexed_sample;
use crate::util::TestEnv;

/// Runs writers (`index --full`, an update of a changed file, `optimize`) in a loop in other
/// processes while this one opens, searches and checks the index, for `seconds` and at least
/// [`MIN_WRITES`] writes (however slow the machine); returns the failures seen, the reads done
/// and the writes done.
fn read_while_writing(env: &TestEnv, seconds: u64) -> (Vec<String>, usize, usize) {
    let dir = IndexDir::new(env.path().join("index"));
    let stop = AtomicBool::new(false);
    let written = AtomicUsize::new(0);
    let started = Instant::now();
    let enough = || {
        let elapsed = started.elapsed();
        (elapsed >= Duration::from_secs(seconds) && written.load(Ordering::Relaxed) >= MIN_WRITES)
            || elapsed >= Duration::from_secs(seconds.max(120))
    };
    std::thread::scope(|s| {
        let writer = s.spawn(|| {
            let mut writes = 0;
            while !stop.load(Ordering::Relaxed) {
                let step = writes % 3;
                if step == 1 {
                    env.write(
                        "corpus/changing.txt",
                        format!(" date 2025-11-25 Geneva talks, revision {writes}.\n"),
                    );
                }
                let args: &[&str] = match step {
                    0 => &["index", "--full", "--threads", "1", "--quiet"],
                    1 => &["index", "--threads", "1", "--quiet"],
                    _ => &["optimize"],
                };
                let out = env.run(args);
                assert_eq!(out.code, 0, "{out}");
                writes += 1;
                written.store(writes, Ordering::Relaxed);
            }
            writes
        });
        let readers: Vec<_> = (0..READERS)
            .map(|_| s.spawn(|| read_until(&dir, &enough)))
            .collect();
        let (mut failures, mut reads) = (Vec::new(), 0);
        for reader in readers {
            let (failed, done) = reader.join().expect("a reader");
            failures.extend(failed);
            reads += done;
        }
        stop.store(true, Ordering::Relaxed);
        let writes = writer.join().expect("the writer loop");
        (failures, reads, writes)
    })
}

/// Reader threads: the machine has few cores, but readers mostly wait on the disk.
const READERS: usize = 3;

/// Writes to wait for at least: a rebuild, an update and a merge.
const MIN_WRITES: usize = 3;

/// Opens, searches and checks the index in a loop until `enough`: the failures, and the reads
/// done.
fn read_until(dir: &IndexDir, enough: &(dyn Fn() -> bool + Sync)) -> (Vec<String>, usize) {
    let (mut failures, mut reads) = (Vec::new(), 0);
    while !enough() {
        let searched = Searcher::open(dir)
            .and_then(|mut searcher| searcher.search(&SearchRequest::new("Geneva", 5)));
        match searched {
            Ok(results) if results.passages_matched > 0 => {}
            Ok(_) => failures.push("a search found nothing".to_owned()),
            Err(e) => failures.push(format!("search: {e}")),
        }
        match check(dir) {
            Ok(report) => {
                if let Some(e) = report.error(dir) {
                    failures.push(format!("check: {e}"));
                }
            }
            Err(e) => failures.push(format!("check: {e}")),
        }
        reads += 1;
    }
    (failures, reads)
}

fn assert_no_spurious_damage(seconds: u64) {
    let env = indexed_sample();
    let (failures, reads, writes) = read_while_writing(&env, seconds);
    assert!(
        writes >= MIN_WRITES,
        "only {writes} writes in 120 s: the test proved little"
    );
    assert!(
        failures.is_empty(),
        "{} of {reads} reads failed during {writes} writes; the first: {}",
        failures.len(),
        failures[0]
    );
    eprintln!("{reads} reads during {writes} writes, no failure");
    // The binary agrees, now that the writers stopped.
    env.run_ok(&["check"], 0);
}

#[test]
fn reads_during_rebuilds_updates_and_merges_never_report_damage() {
    assert_no_spurious_damage(5);
}

/// The same for a minute: `cargo test --release -- --ignored concurrent`.
#[test]
#[ignore]
fn concurrent_reads_during_a_minute_of_writes_never_report_damage() {
    assert_no_spurious_damage(60);
}

#[test]
fn a_search_on_an_index_replaced_since_it_was_opened_searches_the_new_one() {
    let env = indexed_sample();
    let dir = IndexDir::new(env.path().join("index"));
    let mut searcher = Searcher::open(&dir).unwrap();
    // A rebuild publishes a new generation and deletes the one this searcher opened.
    env.run_ok(&["index", "--full", "--quiet"], 0);
    for query in ["\"security guarantee\"", "Geneva", "@Ushakov"] {
        let results = searcher
            .search(&SearchRequest::new(query, 5))
            .unwrap_or_else(|e| panic!("{query}: {e}"));
        assert!(results.passages_matched > 0, "{query}");
    }
}
