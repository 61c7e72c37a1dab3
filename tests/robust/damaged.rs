//! Damaged indexes: every command that reads the index fails with one line naming the index
//! folder and the fix, exit 2, never a panic; `attache check` finds damage a search may miss.

use std::fs;
use std::path::PathBuf;

use crate::util::{Output, TestEnv, assert_no_panic};
use crate::{assert_one_line_error, indexed_sample};

const FIX: &str = "rebuild with `attache index --full`";

/// Puts back the pristine copy of `index/` kept in `index.bak/`, taking it first if needed.
fn restore_index(env: &TestEnv) {
    let (index, backup) = (env.path().join("index"), env.path().join("index.bak"));
    if !backup.exists() {
        crate::util::copy_dir(&index, &backup);
    }
    fs::remove_dir_all(&index).unwrap();
    crate::util::copy_dir(&backup, &index);
}

/// The live generation's files with extension `ext` (one per segment).
fn segment_files(env: &TestEnv, ext: &str) -> Vec<PathBuf> {
    let generation = env.generation_dir();
    let mut files: Vec<PathBuf> = fs::read_dir(&generation)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no .{ext} file in {}",
        generation.display()
    );
    files
}

/// Asserts that `out` is one error line about the index at `index`, with the fix.
fn assert_index_error<'o>(out: &'o Output, why: &str) -> &'o str {
    let line = assert_one_line_error(out);
    assert_names_index_and_fix(line, why, out)
}

/// Asserts that `attache check` failed with one error line, after one report line per problem.
fn assert_check_fails<'o>(out: &'o Output, why: &str) -> &'o str {
    assert_eq!(out.code, 2, "{out}");
    assert_no_panic(out);
    for problem in out.stdout.lines() {
        assert!(problem.starts_with("index/gen-"), "{problem:?}\n{out}");
    }
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "expected exactly one stderr line\n{out}");
    assert_names_index_and_fix(lines[0], why, out)
}

fn assert_names_index_and_fix<'o>(line: &'o str, why: &str, out: &Output) -> &'o str {
    assert!(line.starts_with("attache: index: "), "{line:?}\n{out}");
    assert!(line.contains(why), "{line:?} does not say {why:?}\n{out}");
    // Where no generation records its corpus folders, the fix names the paths to give.
    assert!(
        line.ends_with(FIX) || line.ends_with(FIX_WITH_PATHS),
        "{line:?}\n{out}"
    );
    line
}

/// The fix when the index records no corpus folder that can be read.
const FIX_WITH_PATHS: &str = "rebuild it from its corpus with `attache index PATH... --index index \
                              --full` (the folders it was built from cannot be read either)";

/// Every command that reads the index fails the same way.
fn assert_every_reader_fails(env: &TestEnv, why: &str) {
    let commands: [&[&str]; 5] = [
        &["search", "Geneva"],
        &["search", "--count", "Geneva"],
        &["stats"],
        &["entities"],
        &["check"],
    ];
    for args in commands {
        let out = env.run(args);
        match args[0] {
            "check" => assert_check_fails(&out, why),
            _ => assert_index_error(&out, why),
        };
    }
}

#[test]
fn a_truncated_or_deleted_segment_file_is_named_with_the_fix() {
    let env = indexed_sample();
    for ext in ["idx", "pos", "term", "store", "fast", "fieldnorm"] {
        restore_index(&env);
        let file = &segment_files(&env, ext)[0];
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let len = fs::metadata(file).unwrap().len();
        fs::OpenOptions::new()
            .write(true)
            .open(file)
            .unwrap()
            .set_len(len / 2)
            .unwrap();
        assert_every_reader_fails(&env, &format!("{name}: truncated or corrupt"));
        fs::remove_file(file).unwrap();
        let out = env.run(&["check"]);
        assert_check_fails(&out, &format!("{name}: missing"));
        assert!(out.stdout.ends_with(&format!("{name}: missing\n")), "{out}");
        let search = env.run(&["search", "Geneva"]);
        assert_index_error(&search, "damaged index");
    }
}

#[test]
fn flipped_bytes_are_found_by_check_and_never_panic_a_search() {
    let env = indexed_sample();
    for ext in ["idx", "pos", "term", "store", "fast", "fieldnorm"] {
        restore_index(&env);
        let file = &segment_files(&env, ext)[0];
        let mut bytes = fs::read(file).unwrap();
        // Spare the footer (its length is stored just before the last 4 bytes), so the damage
        // is only found by reading or by the checksum.
        let n = bytes.len();
        let footer = u32::from_le_bytes(bytes[n - 8..n - 4].try_into().unwrap()) as usize + 8;
        for i in (0..n - footer).step_by(7) {
            bytes[i] ^= 0x5a;
        }
        fs::write(file, bytes).unwrap();
        for args in [
            &["search", "Geneva"][..],
            &["stats"],
            &["search", "\"security guarantee\""],
        ] {
            let out = env.run(args);
            assert_no_panic(&out);
            assert!((0..=2).contains(&out.code), "{out}");
            if out.code == 2 {
                assert_index_error(&out, "damaged index");
            }
        }
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let out = env.run(&["check"]);
        assert_check_fails(&out, &format!("{name}: checksum mismatch"));
    }
}

#[test]
fn a_damaged_document_store_is_an_error_for_every_reader_never_an_abort() {
    // Four bytes written over every 80th byte of a store, one place at a time: a damaged
    // length asked tantivy for exabytes (an abort no panic handler catches), and `bench`
    // panicked on an offset out of range.
    let env = indexed_sample();
    env.write("queries.txt", "peace\nTrump\n\"security guarantee\"\n");
    for store in segment_files(&env, "store") {
        let pristine = fs::read(&store).unwrap();
        for at in (0..pristine.len().saturating_sub(4)).step_by(80) {
            let mut bytes = pristine.clone();
            bytes[at..at + 4].copy_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
            fs::write(&store, bytes).unwrap();
            for args in [
                &["search", "peace", "-n", "10"][..],
                &["search", "--json", "Trump"],
                &["show", "002_f7abc5a888bb3888.txt#4"],
                &[
                    "bench",
                    "--queries",
                    "queries.txt",
                    "--runs",
                    "1",
                    "--warmup",
                    "0",
                ],
            ] {
                let out = env.run(args);
                assert_no_panic(&out);
                assert!((0..=2).contains(&out.code), "{at} {args:?}: {out}");
                if out.code == 2 {
                    // Damage tantivy finds, or a stored value attache cannot read.
                    let line = assert_one_line_error(&out);
                    assert!(line.ends_with(FIX), "{at} {args:?}: {out}");
                }
            }
        }
        fs::write(&store, pristine).unwrap();
    }
}

#[test]
fn a_garbage_or_missing_meta_json_is_named_with_the_fix() {
    let env = indexed_sample();
    let meta = env.generation_dir().join("meta.json");
    fs::write(&meta, "{garbage").unwrap();
    assert_every_reader_fails(&env, "damaged index: corrupt data");
    fs::write(&meta, "x".repeat(100_000)).unwrap();
    let out = env.run(&["search", "Geneva"]);
    let line = assert_index_error(&out, "corrupt data");
    assert!(
        line.len() < 400,
        "the file's content is not quoted whole: {line}"
    );
    fs::remove_file(&meta).unwrap();
    assert_every_reader_fails(&env, "meta.json: missing");
    // The corpus folders a rebuild reads are recorded in `meta.json` too: the advice names the
    // paths to give (the advised `attache index --full` could only ask for them), and it works.
    let out = env.run(&["search", "Geneva"]);
    let line = assert_index_error(&out, "meta.json: missing");
    assert!(line.ends_with(FIX_WITH_PATHS), "{line}");
    env.run_ok(
        &["index", "corpus", "--index", "index", "--full", "--quiet"],
        0,
    );
    assert_eq!(env.count("Geneva").1, 2);
}

#[test]
fn a_garbage_managed_file_list_is_read_as_missing_and_the_index_stays_usable() {
    let env = indexed_sample();
    let managed = env.generation_dir().join(".managed.json");
    let geneva = env.count("Geneva");
    for garbage in ["garbage\n", "{\"a\": 1}", ""] {
        fs::write(&managed, garbage).unwrap();
        assert_eq!(env.count("Geneva"), geneva);
        let check = env.run(&["check"]);
        assert_eq!(check.code, 0, "{check}");
        // An update writes a new list.
        env.run_ok(&["index", "--quiet"], 0);
        assert_eq!(env.count("Geneva"), geneva);
    }
    // A list longer than any generation's, or a folder in its place, is not read: readers
    // open the index at once.
    let long =
        serde_json::to_string(&vec!["0123456789abcdef0123456789abcdef.idx"; 500_000]).unwrap();
    fs::write(&managed, long).unwrap();
    assert_eq!(env.count("Geneva"), geneva);
    fs::remove_file(&managed).unwrap();
    fs::create_dir(&managed).unwrap();
    assert_eq!(env.count("Geneva"), geneva);
    fs::remove_dir(&managed).unwrap();
    // A list naming files outside the generation, or attache's own, deletes none of them.
    let precious = env.path().join("precious.txt");
    fs::write(&precious, "keep").unwrap();
    let list = serde_json::json!([precious, "../CURRENT", "attache.json", "a/../../CURRENT"]);
    fs::write(&managed, list.to_string()).unwrap();
    env.write(
        "corpus/new.txt",
        "date 2025-11-25\n\nA new article on the Geneva talks, long enough to stand alone.\n",
    );
    env.run_ok(&["index", "--quiet"], 0);
    env.run_ok(&["optimize"], 0);
    assert!(precious.exists());
    assert!(env.path().join("index/CURRENT").exists());
    assert!(env.generation_dir().join("attache.json").exists());
    assert_eq!(env.count("Geneva").1, geneva.1 + 1);
}

#[test]
fn a_missing_or_foreign_version_stamp_is_refused_with_the_fix() {
    let env = indexed_sample();
    let stamp = env.generation_dir().join("attache.json");
    let original = fs::read_to_string(&stamp).unwrap();
    fs::remove_file(&stamp).unwrap();
    assert_every_reader_fails(&env, "no format stamp (attache.json)");
    let newer = original.replacen("\"format\": ", "\"format\": 9", 1);
    fs::write(&stamp, newer).unwrap();
    assert_every_reader_fails(&env, "was written by attache");
    fs::write(&stamp, "\u{0}\u{1}").unwrap();
    assert_every_reader_fails(&env, "unreadable attache.json");
}

#[test]
fn a_current_pointer_to_nowhere_is_named_with_the_fix() {
    let env = indexed_sample();
    let current = env.path().join("index/CURRENT");
    for pointer in ["gen-999999", "", "../../etc"] {
        fs::write(&current, pointer).unwrap();
        assert_every_reader_fails(&env, "damaged index: CURRENT names");
    }
    // A pointer to another index's generation is not followed: neither read nor updated.
    let other = env.path().join("other");
    crate::util::copy_dir(&env.path().join("index"), &other);
    fs::write(&current, "../other/gen-000001").unwrap();
    assert!(other.join("gen-000001").is_dir());
    assert_every_reader_fails(&env, "which is not a folder of the index");
    let out = env.run(&["index"]);
    assert_eq!(out.code, 2, "{out}");
    assert!(
        out.stderr.contains("which is not a folder of the index"),
        "{out}"
    );
}

/// The advice after the generation folder itself was deleted names the paths a rebuild needs:
/// the folders it was built from were recorded only there (it said `attache index --full`,
/// which then asked for them).
#[test]
fn a_deleted_generation_is_rebuilt_from_the_paths_the_advice_asks_for() {
    let env = indexed_sample();
    // With the roots recorded (a pointer to nowhere beside the intact generation), the plain
    // advice works as given.
    let current = env.path().join("index/CURRENT");
    fs::write(&current, "gen-999999").unwrap();
    let out = env.run(&["search", "Geneva"]);
    assert!(
        out.stderr.contains("rebuild with `attache index --full`"),
        "{out}"
    );
    fs::write(&current, "gen-000001").unwrap();
    fs::remove_dir_all(env.path().join("index/gen-000001")).unwrap();
    let want = "damaged index: CURRENT names 'gen-000001', which is not there: rebuild it from \
                its corpus with `attache index PATH... --index index --full` (the folders it was \
                built from cannot be read either)";
    for args in [&["search", "Geneva"][..], &["index"][..]] {
        let out = env.run(args);
        assert_eq!(out.code, 2, "{out}");
        assert!(out.stderr.contains(want), "{out}");
    }
    env.run_ok(&["index", "corpus", "--index", "index", "--full"], 0);
    assert_eq!(env.count("Geneva"), (4, 2));
}

/// A pointer lost beside one complete generation (a first build killed between naming its
/// generation and writing `CURRENT`) leaves that generation the index: every reader refused it
/// as damaged, and the advised rebuild of a shard put a whole corpus into it. Beside several
/// generations, which was live is unknown: damage, and no update replaces one.
#[test]
fn a_missing_current_pointer_beside_one_generation_is_that_generation() {
    let env = indexed_sample();
    let geneva = env.count("Geneva");
    let current = env.path().join("index/CURRENT");
    fs::remove_file(&current).unwrap();
    assert_eq!(env.count("Geneva"), geneva);
    env.run_ok(&["check"], 0);
    // The next write restores the pointer, also beside a file of the user's (it refused the
    // folder as "not an attache index, and it holds other files").
    fs::write(env.path().join("index/notes.txt"), "notes").unwrap();
    env.run_ok(&["index", "corpus", "--quiet"], 0);
    assert_eq!(fs::read_to_string(&current).unwrap(), "gen-000001");
    assert_eq!(env.count("Geneva"), geneva);
    fs::remove_file(env.path().join("index/notes.txt")).unwrap();

    copy_dir(
        &env.path().join("index/gen-000001"),
        &env.path().join("index/gen-000002"),
    );
    fs::remove_file(&current).unwrap();
    assert_every_reader_fails(
        &env,
        "damaged index: CURRENT is missing, though gen-000002 holds an index",
    );
    // An update refuses; before, it built a new generation and deleted the intact one.
    let out = env.run(&["index", "corpus"]);
    assert_eq!(out.code, 2, "{out}");
    assert!(env.path().join("index/gen-000001/attache.json").exists());
    env.run_ok(&["index", "--full", "--quiet"], 0);
    assert_eq!(env.count("Geneva"), geneva);
}

/// The rebuild a damaged index's message advises keeps what it cannot read again: it refuses,
/// as over a sound index, and leaves the generations as they are (it dropped a piped article
/// and a gone root's, exit 0, and deleted the intact generations).
#[test]
fn the_advised_rebuild_of_a_damaged_index_refuses_to_drop_what_it_cannot_read_again() {
    let env = TestEnv::empty();
    env.write(
        "c/a.txt",
        " date 2025-11-24 Talks in Geneva on peace went on for a long while today.\n",
    );
    env.write(
        "gone/g.txt",
        " date 2020-01-01 The gone root speaks about zanzibar and security at length.\n",
    );
    let piped = r#"{"id":"piped-1","date":"2021","body":"A piped article about quokka habitats."}"#;
    env.run_with_stdin(&["index", "-", "--quiet"], piped.as_bytes());
    env.run_ok(&["index", "c", "gone", "--quiet"], 0);
    fs::remove_dir_all(env.path().join("gone")).unwrap();
    let current = env.path().join("index/CURRENT");
    for damage in ["two generations", "a missing generation"] {
        match damage {
            "two generations" => {
                copy_dir(
                    &env.path().join("index/gen-000001"),
                    &env.path().join("index/gen-000002"),
                );
                fs::remove_file(&current).unwrap();
            }
            _ => {
                fs::remove_dir_all(env.path().join("index/gen-000002")).unwrap();
                fs::write(&current, "gen-000009").unwrap();
            }
        }
        let out = env.run(&["index", "--full"]);
        assert_eq!(out.code, 2, "{damage}: {out}");
        assert!(
            out.stderr
                .contains("a full rebuild would drop 2 articles it cannot read again: 1 from ")
                && out.stderr.contains("1 from <stdin> (standard input)"),
            "{damage}: {out}"
        );
        assert!(
            env.path().join("index/gen-000001/attache.json").exists(),
            "{damage}"
        );
    }
    // With the pointer back, all three are there; `--prune` is the way to drop them.
    fs::write(&current, "gen-000001").unwrap();
    assert_eq!(env.count("quokka").0, 1);
    assert_eq!(env.count("zanzibar").0, 1);
    assert_eq!(env.count("Geneva").0, 1);
}

/// A rebuild killed after switching `CURRENT`, before removing the generation it replaced,
/// left that one for good (updates and `optimize` kept it); the next write removes it.
#[test]
fn a_generation_the_pointer_left_behind_goes_at_the_next_write() {
    let env = indexed_sample();
    let geneva = env.count("Geneva");
    copy_dir(
        &env.path().join("index/gen-000001"),
        &env.path().join("index/gen-000002"),
    );
    fs::write(env.path().join("index/CURRENT"), "gen-000002").unwrap();
    env.run_ok(&["index", "corpus", "--quiet"], 0);
    assert!(!env.path().join("index/gen-000001").exists());
    assert!(env.path().join("index/gen-000002/attache.json").exists());
    assert_eq!(env.count("Geneva"), geneva);
}

/// A copy of the folder `from` at `to`.
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn check_passes_a_sound_index_and_a_rebuild_repairs_a_damaged_one() {
    let env = indexed_sample();
    let out = env.run_ok(&["check"], 0);
    let generation = format!("index/{}", env.current_generation());
    assert!(
        out.stdout.starts_with(&format!(
            "{generation}: ok: 1 segment, 6 files, 21 passages"
        )),
        "{out}"
    );
    fs::remove_file(&segment_files(&env, "store")[0]).unwrap();
    assert_eq!(env.run(&["check"]).code, 2);
    // An update cannot work on a damaged index; the error says what to run.
    let update = env.run(&["index", "--threads", "1"]);
    assert_eq!(update.code, 2, "{update}");
    assert!(
        update.stderr.contains("index: damaged index: ")
            && update
                .stderr
                .trim_end()
                .ends_with("rebuild with `attache index --full`"),
        "{update}"
    );
    env.run_ok(&["index", "--full", "--threads", "1", "--quiet"], 0);
    env.run_ok(&["check"], 0);
    env.run_ok(&["search", "Geneva"], 0);
}

/// Flips bytes in the middle of `file`, sparing its footer, so that only its checksum (or
/// reading those bytes) finds the damage.
fn damage(file: &PathBuf) {
    let mut bytes = fs::read(file).unwrap();
    let n = bytes.len();
    let footer = u32::from_le_bytes(bytes[n - 8..n - 4].try_into().unwrap()) as usize + 8;
    for b in &mut bytes[(n - footer) / 2..(n - footer) / 2 + 8] {
        *b ^= 0x5a;
    }
    fs::write(file, bytes).unwrap();
}

#[test]
fn damage_is_never_merged_away_by_optimize_or_by_the_merges_of_updates() {
    let env = indexed_sample();
    let store = segment_files(&env, "store")[0].clone();
    let name = store.file_name().unwrap().to_string_lossy().into_owned();
    damage(&store);
    assert_check_fails(&env.run(&["check"]), &format!("{name}: checksum mismatch"));

    // optimize refuses a damaged index: a merge would rewrite the damage under a good checksum.
    let out = env.run(&["optimize"]);
    assert_index_error(&out, &format!("damaged index: {name}: checksum mismatch"));
    assert!(store.is_file());

    // Updates that each add a segment make tantivy merge the small ones: never the damaged one.
    for i in 0..12 {
        env.write(
            &format!("corpus/extra-{i:02}.txt"),
            format!("date 2024-05-{:02}\n\nThe heron envoy number {i}.\n", i + 1),
        );
        env.run_ok(&["index", "--threads", "1", "--quiet"], 0);
    }
    assert!(
        segment_files(&env, "store").len() < 13,
        "the small segments merged"
    );
    assert!(store.is_file(), "the damaged segment was merged away");
    assert_check_fails(&env.run(&["check"]), &format!("{name}: checksum mismatch"));
    assert_eq!(env.count("heron").0, 12);

    // A rebuild repairs it.
    env.run_ok(&["index", "--full", "--threads", "1", "--quiet"], 0);
    env.run_ok(&["check"], 0);
}
