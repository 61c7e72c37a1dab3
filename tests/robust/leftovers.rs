//! Leftovers of failed or killed writers: files no commit references are removed by the next
//! writer (and by a failed merge itself), a killed rebuild's build folder by the next holder of
//! the writer lock, and nothing the user put in the index folder is ever removed.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use crate::indexed_sample;
use crate::util::TestEnv;

/// `n` articles of pseudo-random words, which compress poorly, in `corpus/bulk.jsonl`.
fn write_noisy_corpus(env: &TestEnv, n: usize) {
    let mut rng = crate::util::rng(42);
    let mut jsonl = String::new();
    for i in 0..n {
        let body: Vec<String> = (0..40)
            .map(|_| format!("w{:x}", rng.below(100_000)))
            .collect();
        let line = serde_json::json!({"id": format!("n{i}"), "date": "2024-01-01", "body": body.join(" ")});
        jsonl.push_str(&format!("{line}\n"));
    }
    env.write("corpus/bulk.jsonl", jsonl);
}

/// The live generation's segment files that belong to no segment of its `meta.json`.
fn orphans(env: &TestEnv) -> Vec<String> {
    let generation = env.generation_dir();
    let meta = fs::read_to_string(generation.join("meta.json")).unwrap();
    let meta: serde_json::Value = serde_json::from_str(&meta).unwrap();
    let live: BTreeSet<String> = meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["segment_id"].as_str().unwrap().replace('-', ""))
        .collect();
    let mut orphans: Vec<String> = fs::read_dir(&generation)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| {
            let stem = name.split('.').next().unwrap_or_default();
            stem.len() == 32 && !live.contains(stem)
        })
        .collect();
    orphans.sort();
    orphans
}

/// Runs `attache ARGS` where no file may grow past `kb` kB (the signal that would kill the
/// process ignored, so writes fail as on a full disk).
pub(crate) fn run_with_file_limit(env: &TestEnv, kb: u32, args: &[&str]) -> crate::util::Output {
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -f {}; trap '' XFSZ; exec \"$0\" \"$@\"",
            kb * 2
        ))
        .arg(env!("CARGO_BIN_EXE_attache"))
        .args(args)
        .current_dir(env.path())
        .output()
        .unwrap();
    crate::util::Output {
        args: args.iter().map(|s| s.to_string()).collect(),
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn a_failed_optimize_is_one_line_and_leaves_no_orphaned_files() {
    let env = indexed_sample();
    write_noisy_corpus(&env, 400);
    env.index();
    let before = env.count("Geneva");
    let out = run_with_file_limit(&env, 20, &["optimize"]);
    let line = crate::assert_one_line_error(&out);
    assert_eq!(
        line,
        "attache: index: cannot write the index: file too large (os error 27); \
         the index is as it was"
    );
    assert_eq!(
        orphans(&env),
        Vec::<String>::new(),
        "the failed merge's files are removed"
    );
    assert_eq!(env.count("Geneva"), before);
    env.run_ok(&["check"], 0);
    env.run_ok(&["optimize"], 0);
    assert_eq!(env.count("Geneva"), before);
}

/// Leaves a copy of each file of a live segment under a new segment id, registered as
/// tantivy's like the files of a merge killed before its commit.
fn leave_orphans(env: &TestEnv) -> Vec<String> {
    let generation = env.generation_dir();
    let mut made = Vec::new();
    let mut managed: Vec<String> =
        serde_json::from_str(&fs::read_to_string(generation.join(".managed.json")).unwrap())
            .unwrap();
    for name in managed.clone() {
        if let Some(ext) = name
            .strip_suffix(".store")
            .map(|_| "store")
            .or_else(|| name.strip_suffix(".idx").map(|_| "idx"))
        {
            let orphan = format!("{:032x}.{ext}", 0xdead_beef_u64 + made.len() as u64);
            fs::copy(generation.join(&name), generation.join(&orphan)).unwrap();
            managed.push(orphan.clone());
            made.push(orphan);
        }
    }
    fs::write(
        generation.join(".managed.json"),
        serde_json::to_string(&managed).unwrap(),
    )
    .unwrap();
    made.sort();
    assert_eq!(orphans(env), made);
    made
}

#[test]
fn a_writer_removes_files_no_commit_references_when_it_starts() {
    let env = indexed_sample();
    // Runs that fail before they commit (as on a disk that the leftovers fill): a commit
    // removes unreferenced files anyway, so only a writer that starts with it gets to.
    write_noisy_corpus(&env, 400);
    leave_orphans(&env);
    let out = run_with_file_limit(&env, 20, &["index", "--threads", "1", "--quiet"]);
    assert_eq!(out.code, 2, "{out}");
    assert_eq!(orphans(&env), Vec::<String>::new(), "after a failed update");
    env.index();
    leave_orphans(&env);
    let out = run_with_file_limit(&env, 20, &["optimize"]);
    assert_eq!(out.code, 2, "{out}");
    assert_eq!(
        orphans(&env),
        Vec::<String>::new(),
        "after a failed optimize"
    );
    env.run_ok(&["optimize"], 0);
    env.run_ok(&["check"], 0);
}

fn make_dir_with(dir: &Path, file: &str) {
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join(file), "kept").unwrap();
}

#[test]
fn only_attache_build_folders_are_removed_never_a_users_folder() {
    let env = indexed_sample();
    let index = env.path().join("index");
    // The user's own folders, one named like an old build folder of a dead process.
    make_dir_with(&index.join("notes"), "todo.txt");
    make_dir_with(&index.join(".tmp-notes"), "todo.txt");
    make_dir_with(&index.join(".tmp-999999"), "todo.txt");
    // An old-style build folder holding an index, and a build folder whose pid is alive (a
    // reused pid: this test's own): both are a dead build's, since no one holds the lock.
    make_dir_with(&index.join(".tmp-999998"), "meta.json");
    fs::write(index.join(".tmp-999998/.managed.json"), "[]").unwrap();
    let alive = format!(".attache-build-{}", std::process::id());
    make_dir_with(&index.join(&alive), "meta.json");
    env.index();
    let entries = env.index_entries();
    for kept in ["notes", ".tmp-notes", ".tmp-999999"] {
        assert!(
            entries.contains(&kept.to_owned()),
            "{kept} was removed: {entries:?}"
        );
        assert!(index.join(kept).join("todo.txt").is_file());
    }
    for removed in [".tmp-999998", alive.as_str()] {
        assert!(
            !entries.contains(&removed.to_owned()),
            "{removed} kept: {entries:?}"
        );
    }
    env.run_ok(&["index", "--full", "--threads", "1", "--quiet"], 0);
    let mut entries = env.index_entries();
    entries.retain(|e| !e.starts_with("gen-"));
    assert_eq!(
        entries,
        [".lock", ".tmp-999999", ".tmp-notes", "CURRENT", "notes"]
    );
}

#[test]
fn an_update_whose_background_merge_fails_leaves_no_orphaned_files() {
    let env = TestEnv::empty();
    write_noisy_corpus(&env, 400);
    // Checkpoints every 20 articles make segments small enough to write; tantivy merges them
    // in the background, and a merged segment's files outgrow the limit, as on a full disk.
    // tantivy only logs a failed background merge: the run succeeds, its files stayed behind.
    let out = run_with_file_limit(
        &env,
        30,
        &[
            "index",
            "--threads",
            "1",
            "--checkpoint-articles",
            "20",
            "--quiet",
        ],
    );
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(
        orphans(&env),
        Vec::<String>::new(),
        "the failed merges' files are removed"
    );
    assert_eq!(crate::stats_json(&env)["articles"], 400);
    env.run_ok(&["check"], 0);
}
