//! Incremental and bulk indexing: add/change/remove, roots and pruning, compressed and piped
//! inputs, the writer lock, optimize, and killed runs that resume.

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{Output, TestEnv};

mod safety;
mod size;
use crate::{REMARKS, assert_one_line_error, indexed_sample, stats_json, write_bulk_corpus};

/// `attache index --threads 1 --json [extra…]`: the run summary.
fn index_json(env: &TestEnv, extra: &[&str]) -> Value {
    let mut args = vec!["index", "--threads", "1", "--json"];
    args.extend_from_slice(extra);
    summary_of(&env.run_ok(&args, 0))
}

fn summary_of(out: &Output) -> Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e})\n{out}"))
}

/// (added, changed, removed, unchanged) of a run summary.
fn changes(summary: &Value) -> (u64, u64, u64, u64) {
    let n = |key: &str| {
        summary[key]
            .as_u64()
            .unwrap_or_else(|| panic!("{key}: {summary}"))
    };
    (n("added"), n("changed"), n("removed"), n("unchanged"))
}

fn jsonl(articles: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (id, body) in articles {
        let line = serde_json::json!({"id": id, "date": "2024-05-01", "body": body});
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

#[test]
fn an_edit_an_addition_and_a_removal_are_reported_one_each_by_dry_and_real_runs() {
    let env = TestEnv::new();
    env.write(
        "corpus/extra.txt",
        "date 2025-11-20\n\nThe okapi delegation met in Vienna.\n",
    );
    assert_eq!(changes(&index_json(&env, &[])), (3, 0, 0, 0));

    env.write(
        "corpus/extra.txt",
        "date 2025-11-20\n\nThe narwhal delegation met in Vienna.\n",
    );
    env.write(
        "corpus/new.txt",
        "date 2025-11-21\n\nA capybara envoy arrived in Geneva.\n",
    );
    env.remove(&format!("corpus/{REMARKS}"));

    let dry = env.run_ok(&["index", "--dry-run", "--threads", "1"], 0);
    assert_eq!(
        dry.stdout,
        format!("change extra.txt\nadd new.txt\nremove {REMARKS}\n"),
        "{dry}"
    );
    assert!(
        dry.stderr
            .contains("dry run: would add 1, change 1, remove 1 article; 1 unchanged"),
        "{dry}"
    );
    let dry = index_json(&env, &["--dry-run"]);
    assert_eq!(changes(&dry), (1, 1, 1, 1));
    assert_eq!(dry["mode"], "dry-run");
    assert_eq!(dry["changes"]["add"], serde_json::json!(["new.txt"]));
    assert_eq!(dry["changes"]["change"], serde_json::json!(["extra.txt"]));
    assert_eq!(dry["changes"]["remove"], serde_json::json!([REMARKS]));
    // Nothing was written.
    assert_eq!(env.search_json("okapi", &[]).articles(), ["extra.txt"]);
    env.run_ok(&["search", "narwhal OR capybara"], 1);
    assert_eq!(env.count("Ushakov"), (1, 1));

    let run = index_json(&env, &[]);
    assert_eq!(changes(&run), (1, 1, 1, 1), "{run}");
    assert_eq!(run["mode"], "update");
    assert_eq!(run["complete"], true);
    for key in [
        "bytes",
        "seconds",
        "megabytes_per_second",
        "index_bytes",
        "passages",
    ] {
        assert!(run[key].as_f64().is_some_and(|v| v > 0.0), "{key}: {run}");
    }
    // The summary the index records is written before its size is known: `stats` gives the
    // size apart, and no `index_bytes` of 0.
    let stats = crate::stats_json(&env);
    assert!(
        stats["size_bytes"].as_u64().is_some_and(|n| n > 0),
        "{stats}"
    );
    assert_eq!(stats["last_run"]["added"], run["added"], "{stats}");
    assert!(stats["last_run"].get("index_bytes").is_none(), "{stats}");
    assert_eq!(env.search_json("narwhal", &[]).articles(), ["extra.txt"]);
    assert_eq!(env.search_json("capybara", &[]).articles(), ["new.txt"]);
    env.run_ok(&["search", "okapi"], 1);
    env.run_ok(&["search", "Ushakov"], 1);
    assert_eq!(stats_json(&env)["articles"], 3);

    let again = index_json(&env, &[]);
    assert_eq!(changes(&again), (0, 0, 0, 3));
    assert_eq!(again["passages"], 0);
    let stats = stats_json(&env);
    assert_eq!(stats["last_run"]["unchanged"], 3, "{stats:#}");
}

#[test]
fn removal_is_judged_within_the_paths_given_unless_pruning() {
    let env = safety::two_roots();

    // Indexing corpus/ alone never deletes other/'s articles.
    env.remove(&format!("corpus/{REMARKS}"));
    assert_eq!(changes(&index_json(&env, &["corpus"])), (0, 0, 1, 1));
    assert_eq!(env.search_json("okapi", &[]).articles(), ["other-1"]);
    assert_eq!(env.search_json("narwhal", &[]).articles(), ["other-2"]);

    // An id already indexed from outside the paths given is not taken over silently.
    env.write(
        "corpus/clash.jsonl",
        jsonl(&[("other-1", "A capybara in Caracas.")]),
    );
    let out = env.run_ok(&["index", "corpus", "--threads", "1", "--json"], 0);
    let warning = out.warnings().join("\n");
    assert!(
        warning.starts_with(
            "warning: corpus/clash.jsonl: line 1: article id 'other-1' is already indexed from "
        ) && warning.contains("other.jsonl, outside the paths given")
            && warning.contains(
                "(index both together, or let this run replace it with --prune, giving every \
                 path the index should keep: --prune removes the articles of the paths not given)"
            ),
        "{out}"
    );
    // Of a file that is gone, the advice says so: "index both together" cannot be done.
    let gone = TestEnv::new();
    gone.write("a/x.jsonl", jsonl(&[("x-1", "A quokka.")]));
    gone.run_ok(&["index", "a", "--threads", "1"], 0);
    std::fs::rename(gone.path().join("a"), gone.path().join("b")).unwrap();
    gone.write("c/x.jsonl", jsonl(&[("x-1", "A quokka, edited.")]));
    let moved = gone.run_ok(&["index", "c", "--threads", "1"], 0);
    assert!(
        moved
            .stderr
            .contains("skipped (that file is gone: let this run replace it with --prune"),
        "{moved}"
    );
    assert_eq!(summary_of(&out)["skipped"], 1);
    assert_eq!(env.search_json("okapi", &[]).articles(), ["other-1"]);

    // --prune: the run owns the whole index.
    let pruned = index_json(&env, &["corpus", "--prune"]);
    assert_eq!(changes(&pruned), (0, 1, 1, 1), "{pruned}");
    assert_eq!(env.search_json("capybara", &[]).articles(), ["other-1"]);
    env.run_ok(&["search", "okapi OR narwhal"], 1);
}

#[test]
fn articles_of_a_file_that_turned_unreadable_are_kept_not_removed() {
    let env = TestEnv::empty();
    let good = jsonl(&[("good-1", "An okapi."), ("good-2", "A narwhal.")]);
    env.write("corpus/a.jsonl", &good);
    assert_eq!(changes(&index_json(&env, &[])), (2, 0, 0, 0));

    let first = good.lines().next().unwrap();
    env.write(
        "corpus/a.jsonl",
        format!("{first}\n{{\"id\": \"good-2\", \"body\n"),
    );
    let out = env.run_ok(&["index", "--threads", "1", "--json"], 0);
    assert_eq!(
        out.warnings().len(),
        1,
        "the broken line is reported\n{out}"
    );
    assert!(out.stderr.contains("corpus/a.jsonl: line 2: "), "{out}");
    let run = summary_of(&out);
    assert_eq!(changes(&run), (0, 0, 0, 1), "{run}");
    assert_eq!(run["kept"], 1);
    assert_eq!(run["skipped"], 1);
    assert_eq!(env.search_json("narwhal", &[]).articles(), ["good-2"]);
}

#[test]
fn json_lines_are_read_gzipped_zstd_compressed_and_from_stdin() {
    let env = TestEnv::empty();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(jsonl(&[("gz-1", "An okapi in the gzip file.")]).as_bytes())
        .unwrap();
    env.write("corpus/a.jsonl.gz", gz.finish().unwrap());
    let zst = zstd::encode_all(
        jsonl(&[("zst-1", "A narwhal in the zstd file.")]).as_bytes(),
        3,
    )
    .unwrap();
    env.write("corpus/b.ndjson.zst", zst);
    // A damaged stream: what precedes the damage is kept, the rest reported.
    let mut bad = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    bad.write_all(jsonl(&[("bad-1", "A tapir."), ("bad-2", "A quokka.")]).as_bytes())
        .unwrap();
    let mut bad = bad.finish().unwrap();
    bad.truncate(bad.len() - 12);
    env.write("corpus/c.jsonl.gz", bad);
    env.write("corpus/notes.gz", b"not ours");

    let out = env.run_ok(&["index", "--threads", "1", "--json"], 0);
    let warnings = out.warnings();
    assert_eq!(warnings.len(), 1, "{out}");
    assert!(
        warnings[0].starts_with("warning: corpus/c.jsonl.gz: line ")
            && warnings[0].contains("read error"),
        "{out}"
    );
    let run = summary_of(&out);
    assert_eq!(run["files"], 3, "{run}");
    assert_eq!(env.search_json("okapi", &[]).articles(), ["gz-1"]);
    assert_eq!(env.search_json("narwhal", &[]).articles(), ["zst-1"]);

    let piped = jsonl(&[("in-1", "A capybara from the pipe.")]) + "{not json\n";
    let out = env.run_with_stdin(
        &["index", "-", "--threads", "1", "--json"],
        piped.as_bytes(),
    );
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(
        out.warnings(),
        ["warning: <stdin>: line 2: malformed JSON: key must be a string at column 2"],
        "{out}"
    );
    let run = summary_of(&out);
    assert_eq!(
        changes(&run),
        (1, 0, 0, 0),
        "stdin removes nothing else\n{run}"
    );
    assert_eq!(run["roots"], serde_json::json!(["<stdin>"]));
    assert_eq!(env.search_json("capybara", &[]).articles(), ["in-1"]);
    assert_eq!(env.search_json("okapi", &[]).articles(), ["gz-1"]);
}

/// Starts `attache index bulk --threads 2 --quiet [extra…]` on a bulk corpus and waits until it
/// has taken the writer lock.
fn start_bulk_update(env: &TestEnv, extra: &[&str]) -> std::process::Child {
    let mut args = vec!["index", "bulk", "--threads", "2", "--quiet"];
    args.extend_from_slice(extra);
    let mut child = env.spawn(&args);
    let lock = env.path().join("index/.lock");
    let started = Instant::now();
    while std::fs::read_to_string(&lock).ok().as_deref() != Some(&child.id().to_string()) {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the index run ended ({status}) before it took the lock");
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no lock taken");
        std::thread::sleep(Duration::from_millis(2));
    }
    child
}

#[test]
fn a_second_writer_fails_at_once_naming_the_first_while_searches_go_on() {
    let env = indexed_sample();
    write_bulk_corpus(&env, 8000);
    let mut child = start_bulk_update(&env, &[]);

    let started = Instant::now();
    let out = env.run(&["index", "--threads", "1"]);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "it waited\n{out}"
    );
    assert_eq!(out.code, 2, "{out}");
    let line = assert_one_line_error(&out);
    assert!(
        line.contains(&format!(
            "index is being written by another attache process (pid {})",
            child.id()
        )),
        "{out}"
    );
    let optimize = env.run(&["optimize"]);
    assert_eq!(optimize.code, 2, "{optimize}");
    // Searches see the last committed state.
    assert_eq!(env.count("Ushakov"), (1, 1));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the first run finished too early; write a bigger bulk corpus"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn optimize_merges_segments_and_purges_deleted_passages() {
    let env = TestEnv::new();
    env.index();
    let passages = env.count("date:2025-11-24").0;
    let remarks = env.search_json(
        "date:2025-11-24",
        &["--limit", "100", "--per-article", "0", "--no-collapse"],
    );
    let old_passages = remarks
        .locations()
        .iter()
        .filter(|l| l.starts_with(REMARKS))
        .count();
    let path = env.path().join("corpus").join(REMARKS);
    let text = std::fs::read_to_string(&path).unwrap();
    env.write(
        &format!("corpus/{REMARKS}"),
        format!(
            "{text}\n\nA closing paragraph on the okapi, which none of the delegations in Geneva \
             mentioned.\n"
        ),
    );
    env.index();
    let before = env.search_json(
        "Geneva OR Ushakov OR okapi",
        &["--limit", "100", "--per-article", "0", "--no-collapse"],
    );
    let stats = stats_json(&env);
    assert_eq!(stats["segments"], 2, "{stats:#}");
    assert_eq!(stats["passages"], passages + 1, "{stats:#}");
    assert_eq!(stats["deleted_passages"], old_passages, "{stats:#}");
    assert!(stats["deleted_ratio"].as_f64().unwrap() > 0.0, "{stats:#}");

    let report = summary_of(&env.run_ok(&["optimize", "--json"], 0));
    assert_eq!(report["segments_before"], 2, "{report}");
    assert_eq!(report["segments_after"], 1, "{report}");
    assert_eq!(report["deleted_purged"], old_passages, "{report}");
    let stats = stats_json(&env);
    assert_eq!(stats["segments"], 1, "{stats:#}");
    assert_eq!(stats["deleted_passages"], 0, "{stats:#}");
    assert_eq!(
        stats["last_run"]["changed"], 1,
        "the last run's record is kept"
    );
    // The same passages match; scores may move a little, since BM25 statistics count deleted
    // passages until a merge purges them.
    let after = env.search_json(
        "Geneva OR Ushakov OR okapi",
        &["--limit", "100", "--per-article", "0", "--no-collapse"],
    );
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    assert_eq!(sorted(after.locations()), sorted(before.locations()));
}

#[test]
fn a_killed_update_resumes_without_losing_or_duplicating_articles() {
    const ARTICLES: usize = 2500;
    let queries = [
        "treaty",
        "\"grain corridor\"",
        "ceasefire AND reactor",
        "observer -envoy",
    ];
    // The corpus arrives on stdin, so the test decides how far the run can read before it is
    // killed: a kill always lands after a checkpoint and before the end, however fast the
    // machine is.
    let corpus = TestEnv::empty();
    write_bulk_corpus(&corpus, ARTICLES);
    let text = std::fs::read_to_string(corpus.path().join("bulk/bulk.jsonl")).unwrap();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    assert_eq!(lines.len(), ARTICLES);
    let clean = TestEnv::empty();
    let args = ["index", "-", "--threads", "2", "--quiet", "--json"];
    let out = clean.run_with_stdin(&args, text.as_bytes());
    assert_eq!(out.code, 0, "{out}");
    let expected_stats = stats_json(&clean);
    let expected: Vec<(u64, u64)> = queries.iter().map(|q| clean.count(q)).collect();

    for seed in [1_u64, 2, 3] {
        let env = TestEnv::empty();
        let mut rng = crate::util::rng(seed);
        let fed = 300 + rng.below((ARTICLES - 600) as u64) as usize;
        let mut child = env
            .command(&[
                "index",
                "-",
                "--threads",
                "2",
                "--quiet",
                "--checkpoint-articles",
                "100",
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(lines[..fed].concat().as_bytes()).unwrap();
        stdin.flush().unwrap();
        // Wait for a checkpoint, then kill at a moment the seed picks.
        safety::wait_for_articles(&env, &mut child, 1);
        std::thread::sleep(Duration::from_millis(rng.below(200)));
        child.kill().unwrap();
        child.wait().unwrap();
        drop(stdin);

        let stats = stats_json(&env);
        let committed = stats["articles"].as_u64().unwrap();
        assert!(
            committed > 0 && committed <= fed as u64,
            "seed {seed}: {stats:#}"
        );
        assert_eq!(
            stats["last_run"]["complete"], false,
            "seed {seed}: {stats:#}"
        );
        let search = env.run(&["search", "--count", "treaty"]);
        assert_eq!(search.code, 0, "seed {seed}\n{search}");

        let resumed = env.run_with_stdin(&args, text.as_bytes());
        assert_eq!(resumed.code, 0, "seed {seed}\n{resumed}");
        let resumed = summary_of(&resumed);
        let (added, changed, removed, unchanged) = changes(&resumed);
        assert_eq!((changed, removed), (0, 0), "seed {seed}: {resumed}");
        assert_eq!(unchanged, committed, "seed {seed}: {resumed}");
        assert_eq!(added + unchanged, ARTICLES as u64, "seed {seed}: {resumed}");

        let stats = stats_json(&env);
        for key in ["articles", "passages"] {
            assert_eq!(stats[key], expected_stats[key], "seed {seed}: {key}");
        }
        let counts: Vec<(u64, u64)> = queries.iter().map(|q| env.count(q)).collect();
        assert_eq!(counts, expected, "seed {seed}");
    }
}

/// Runs `attache index bulk --threads 1 --quiet [extra…]` where files may not grow past 20 kB
/// and the signal that would kill the process is ignored, so writes fail as on a full disk;
/// checks that the run ends with one clear error.
fn index_on_a_full_disk(env: &TestEnv, extra: &[&str]) {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 40; trap '' XFSZ; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_attache"))
        .args(["index", "bulk", "--threads", "1", "--quiet"])
        .args(extra)
        .current_dir(env.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{extra:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("attache: index: cannot write the index: file too large")
            && stderr
                .trim_end()
                .ends_with("the index keeps everything up to its last commit"),
        "{extra:?}: {stderr}"
    );
}

#[test]
fn a_write_failure_mid_run_is_one_clear_error_and_keeps_the_last_commit() {
    let env = indexed_sample();
    // The failure comes from one of tantivy's indexing threads, flushing a segment when the
    // writer's memory is full: the cause is still named (it used to read "an error occurred in
    // a thread" when a document was added after the thread died)…
    write_bulk_corpus(&env, 8000);
    index_on_a_full_disk(&env, &["--memory", "15", "--checkpoint-mb", "1000"]);
    assert_eq!(env.count("Ushakov"), (1, 1));
    // … or from a checkpoint commit.
    write_bulk_corpus(&env, 2500);
    index_on_a_full_disk(&env, &["--checkpoint-mb", "1"]);
    assert_eq!(env.count("Ushakov"), (1, 1));
    let committed = stats_json(&env)["articles"].as_u64().unwrap();
    assert!(committed >= 2, "the sample articles are still there");

    let resumed = index_json(&env, &["bulk"]);
    assert_eq!(
        resumed["added"].as_u64().unwrap() + resumed["unchanged"].as_u64().unwrap(),
        2500
    );
    assert_eq!(stats_json(&env)["articles"], 2502);
}
