//! Routine commands never lose, duplicate or hide articles: rebuilds re-read every recorded
//! root, ids do not depend on the path named, standard input only removes within a named
//! scope, a corpus that moved is found again, and an interrupted run keeps what it read.

use std::io::Write;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{changes, index_json, jsonl, summary_of};
use crate::stats_json;
use crate::util::{Output, TestEnv};

fn articles(env: &TestEnv) -> u64 {
    stats_json(env)["articles"].as_u64().expect("articles")
}

/// `corpus/` (the two sample articles) and `other/other.jsonl` (two more), both indexed.
pub(super) fn two_roots() -> TestEnv {
    let env = TestEnv::new();
    env.write(
        "other/other.jsonl",
        jsonl(&[
            ("other-1", "An okapi in Kinshasa."),
            ("other-2", "A narwhal at sea."),
        ]),
    );
    assert_eq!(
        changes(&index_json(&env, &["corpus", "other"])),
        (4, 0, 0, 0)
    );
    env
}

#[test]
fn a_rebuild_the_index_needs_rereads_every_recorded_root_and_a_dry_run_says_so() {
    let env = two_roots();
    // Turning entity recognition off needs a full rebuild; the dry run tells the truth.
    let dry = index_json(&env, &["corpus", "--no-entities", "--dry-run"]);
    assert_eq!(changes(&dry), (0, 0, 0, 4), "{dry}");
    assert!(
        dry["rebuilt_because"]
            .as_str()
            .is_some_and(|b| b.contains("entity recognition was on")),
        "{dry}"
    );
    let text = env.run_ok(&["index", "corpus", "--no-entities", "--dry-run"], 0);
    assert!(
        text.stderr
            .contains("dry run: would add 0, change 0, remove 0 articles; 4 unchanged"),
        "{text}"
    );
    let run = index_json(&env, &["corpus", "--no-entities"]);
    assert_eq!(run["mode"], "full", "{run}");
    assert_eq!(run["articles"], 4, "{run}");
    assert_eq!(articles(&env), 4);
    assert_eq!(env.search_json("okapi", &[]).articles(), ["other-1"]);

    // --full --dry-run previews the rebuild (it was refused as conflicting), writing nothing.
    let before = env.current_generation();
    let dry = index_json(&env, &["corpus", "--no-entities", "--full", "--dry-run"]);
    assert_eq!(dry["mode"], "dry-run", "{dry}");
    assert_eq!(dry["articles"], 4, "{dry}");
    assert_eq!(env.current_generation(), before);

    // An explicit --full over fewer roots re-reads the others too, each once, however named.
    let run = index_json(&env, &["corpus", "--no-entities", "--full"]);
    assert_eq!(run["articles"], 4, "{run}");
    let run = index_json(&env, &["other//", "./corpus/", "--no-entities", "--full"]);
    assert_eq!(run["articles"], 4, "{run}");
    assert_eq!(
        run["roots"],
        serde_json::json!(["other//", "./corpus/"]),
        "{run}"
    );
    assert_eq!(articles(&env), 4);

    // A rebuild that cannot re-read a root refuses, naming it, and keeps the index.
    std::fs::remove_dir_all(env.path().join("other")).unwrap();
    let refused = env.run(&["index", "corpus", "--threads", "1"]);
    assert_eq!(refused.code, 2, "{refused}");
    let line = crate::assert_one_line_error(&refused);
    assert!(
        line.contains(
            "a full rebuild (entity recognition was off when it was built) would drop 2 articles"
        ) && line.contains("/other, which is no longer there")
            && line.contains("--prune"),
        "{refused}"
    );
    let dry = env.run(&["index", "corpus", "--dry-run"]);
    assert_eq!(dry.code, 2, "the dry run refuses too\n{dry}");
    assert_eq!(articles(&env), 4);
    // --prune confirms: rebuild from the paths given alone.
    let run = index_json(&env, &["corpus", "--prune"]);
    assert_eq!(run["articles"], 2, "{run}");
    assert_eq!(run["removed"], 2, "{run}");
    assert_eq!(articles(&env), 2);
}

#[test]
fn a_run_without_paths_updates_every_recorded_root() {
    let env = two_roots();
    let roots = stats_json(&env)["roots"].clone();
    let ends: Vec<bool> = ["/corpus", "/other"]
        .iter()
        .zip(roots.as_array().expect("roots"))
        .map(|(end, root)| root.as_str().is_some_and(|r| r.ends_with(end)))
        .collect();
    assert_eq!(ends, [true, true], "{roots}");
    env.write(
        "other/more.jsonl",
        jsonl(&[("other-3", "A capybara in Caracas.")]),
    );
    let run = index_json(&env, &[]);
    assert_eq!(changes(&run), (1, 0, 0, 4), "{run}");
    assert_eq!(env.search_json("capybara", &[]).articles(), ["other-3"]);
    // A recorded root that is gone keeps its articles, with one warning.
    std::fs::remove_dir_all(env.path().join("other")).unwrap();
    let out = env.run_ok(&["index", "--threads", "1", "--json"], 0);
    let warnings = out.warnings();
    assert_eq!(warnings.len(), 1, "{out}");
    assert!(
        warnings[0].contains("other: no longer there: its articles are kept"),
        "{out}"
    );
    let run = summary_of(&out);
    assert_eq!(changes(&run), (0, 0, 0, 2), "{run}");
    assert_eq!(run["kept"], 3, "{run}");
    assert_eq!(articles(&env), 5);
}

#[test]
fn an_article_id_does_not_depend_on_the_folder_or_file_named() {
    let env = TestEnv::empty();
    for (name, word) in [
        ("c/a.txt", "okapi"),
        ("c/sub/a.txt", "narwhal"),
        ("c/sub/b.txt", "capybara"),
    ] {
        env.write(name, format!("date 2024-05-01\n\nThe {word} delegation.\n"));
    }
    assert_eq!(changes(&index_json(&env, &["c"])), (3, 0, 0, 0));
    // The sub-folder alone: same ids, nothing removed, no warning.
    let out = env.run_ok(&["index", "c/sub", "--threads", "1", "--json"], 0);
    assert!(out.warnings().is_empty(), "{out}");
    assert_eq!(changes(&summary_of(&out)), (0, 0, 0, 2), "{out}");
    // One file of it, and overlapping paths: each file once.
    assert_eq!(changes(&index_json(&env, &["c/sub/b.txt"])), (0, 0, 0, 1));
    let out = env.run_ok(
        &["index", "c", "c/sub/b.txt", "--threads", "1", "--json"],
        0,
    );
    assert!(out.warnings().is_empty(), "{out}");
    assert_eq!(changes(&summary_of(&out)), (0, 0, 0, 3), "{out}");
    assert_eq!(articles(&env), 3);
    assert_eq!(env.search_json("narwhal", &[]).articles(), ["sub/a.txt"]);
    // A file removed from the sub-folder is removed by a run over the sub-folder.
    env.remove("c/sub/b.txt");
    assert_eq!(changes(&index_json(&env, &["c/sub"])), (0, 0, 1, 1));
    assert_eq!(articles(&env), 2);
}

/// A new JSON Lines file whose name sorts before the file an article is indexed from, holding
/// the same id (an old dump dropped beside the corpus), replaced the indexed article with its
/// own, exit 0, and blamed the indexed file as the duplicate.
#[test]
fn a_json_lines_file_read_first_does_not_take_an_id_from_the_file_it_is_indexed_from() {
    let env = TestEnv::empty();
    env.write("c/b.jsonl", jsonl(&[("x", "The kangaroo delegation.")]));
    assert_eq!(changes(&index_json(&env, &["c"])), (1, 0, 0, 0));
    env.write(
        "c/a.jsonl",
        jsonl(&[
            ("x", "The wombat delegation."),
            ("y", "The emu delegation."),
        ]),
    );
    let out = env.run_ok(&["index", "c", "--threads", "1", "--json"], 0);
    assert_eq!(changes(&summary_of(&out)), (1, 0, 0, 1), "{out}");
    assert_eq!(
        out.warnings(),
        [
            "warning: c/a.jsonl: line 1: duplicate article id 'x' (indexed from c/b.jsonl: line 1, which \
          this run reads too), skipped"
        ],
        "{out}"
    );
    assert_eq!(env.count("kangaroo"), (1, 1));
    assert_eq!(env.count("wombat"), (0, 0));
    assert_eq!(env.count("emu"), (1, 1));
    // Once the indexed file no longer holds it, the article is read from the other file: moved,
    // not lost.
    env.write("c/b.jsonl", jsonl(&[("z", "The okapi delegation.")]));
    let out = env.run_ok(&["index", "c", "--threads", "1", "--json"], 0);
    assert_eq!(changes(&summary_of(&out)), (1, 1, 0, 1), "{out}");
    assert!(out.warnings().is_empty(), "{out}");
    assert_eq!(env.count("kangaroo"), (0, 0));
    assert_eq!(env.count("wombat"), (1, 1));
    assert_eq!(articles(&env), 3);
}

/// A root given as a link (`cur -> v1`) was recorded by its target: once the link pointed to
/// `v2`, every article was skipped as indexed from `v1`, exit 0, and `v2` became a second root.
#[test]
fn a_root_given_as_a_link_is_recorded_by_the_link_and_follows_it() {
    let env = TestEnv::empty();
    env.write("v1/a.txt", "date 2020-01-01\n\nThe kangaroo delegation.\n");
    env.write("v2/a.txt", "date 2020-01-01\n\nThe wombat delegation.\n");
    std::os::unix::fs::symlink("v1", env.path().join("cur")).unwrap();
    assert_eq!(changes(&index_json(&env, &["cur"])), (1, 0, 0, 0));
    std::fs::remove_file(env.path().join("cur")).unwrap();
    std::os::unix::fs::symlink("v2", env.path().join("cur")).unwrap();
    let out = env.run_ok(&["index", "cur", "--threads", "1", "--json"], 0);
    assert!(out.warnings().is_empty(), "{out}");
    assert_eq!(changes(&summary_of(&out)), (0, 1, 0, 0), "{out}");
    assert_eq!(env.count("wombat"), (1, 1));
    assert_eq!(env.count("kangaroo"), (0, 0));
    let roots = stats_json(&env)["roots"].clone();
    assert_eq!(roots.as_array().map(Vec::len), Some(1), "{roots}");
    assert!(roots[0].as_str().unwrap().ends_with("/cur"), "{roots}");

    // An index that knows the root by its target (as one built before did) keeps that name
    // when the link is given: its articles are not taken for another root's.
    let env = TestEnv::empty();
    env.write("v1/a.txt", "date 2020-01-01\n\nThe kangaroo delegation.\n");
    std::os::unix::fs::symlink("v1", env.path().join("cur")).unwrap();
    assert_eq!(changes(&index_json(&env, &["v1"])), (1, 0, 0, 0));
    let out = env.run_ok(&["index", "cur", "--threads", "1", "--json"], 0);
    assert!(out.warnings().is_empty(), "{out}");
    assert_eq!(changes(&summary_of(&out)), (0, 0, 0, 1), "{out}");
}

/// A root that is a link into another root (`ls -> c/s` beside `c`) is read as itself whatever
/// the order of the roots: a run of the recorded roots (sorted, `c` first) read `c/s/b.txt`
/// as a new article beside `ls/b.txt`, warned `ls` "holds no file to read", and `--full`
/// refused to drop the copy.
#[test]
fn a_root_linked_into_another_root_is_read_as_itself_in_any_order() {
    let env = TestEnv::empty();
    env.write("c/a.txt", "date 2020-01-01\n\nThe kangaroo delegation.\n");
    env.write("c/s/b.txt", "date 2020-01-01\n\nThe wombat delegation.\n");
    std::os::unix::fs::symlink("c/s", env.path().join("ls")).unwrap();
    assert_eq!(changes(&index_json(&env, &["ls", "c"])), (2, 0, 0, 0));
    for again in [&[][..], &["c", "ls"][..], &["--full"][..]] {
        let mut args = vec!["index", "--threads", "1", "--json"];
        args.extend_from_slice(again);
        let out = env.run_ok(&args, 0);
        assert!(out.warnings().is_empty(), "{again:?}: {out}");
        assert_eq!(changes(&summary_of(&out)), (0, 0, 0, 2), "{again:?}: {out}");
        assert_eq!(articles(&env), 2, "{again:?}");
        assert_eq!(env.count("wombat"), (1, 1), "{again:?}");
    }
}

/// One folder or file reached as two roots, or by another name, is read once, under the root
/// that names it: naming a recorded link's target (`c/s` for `ls -> c/s`) added its files
/// again under other ids; after `index lc` then `index c` (`lc -> c`), every update warned
/// `lc` "holds no file to read" and skipped the edits; a root linking to a file of another
/// root (`la.txt -> c/a.txt`), or a link inside the corpus, indexed the file twice.
#[test]
fn a_folder_or_file_reached_as_two_roots_or_two_names_is_read_once() {
    let article = |word: &str| format!("date 2020-01-01\n\nThe {word} delegation spoke.\n");
    let env = TestEnv::empty();
    env.write("c/a.txt", article("kangaroo"));
    env.write("c/s/b.txt", article("wombat"));
    std::os::unix::fs::symlink("c/s", env.path().join("ls")).unwrap();
    assert_eq!(changes(&index_json(&env, &["ls", "c"])), (2, 0, 0, 0));
    assert_eq!(changes(&index_json(&env, &["c/s"])), (0, 0, 0, 1));
    assert_eq!(articles(&env), 2);
    // A run of `c` alone passes `c/s` by, and says so.
    let out = env.run_ok(&["index", "c", "--threads", "1"], 0);
    assert!(
        out.stderr.contains("note: c/s belongs to the root ")
            && out.stderr.contains("/ls, which this run does not read"),
        "{out}"
    );
    assert_eq!(articles(&env), 2);
    // `--prune` drops the root `ls`: `c` reads its folder then (it lost `b.txt` for good).
    assert_eq!(changes(&index_json(&env, &["c", "--prune"])), (1, 0, 1, 1));
    assert_eq!(articles(&env), 2);
    assert_eq!(env.count("wombat"), (1, 1));

    let env = TestEnv::empty();
    env.write("c/a.txt", article("kangaroo"));
    std::os::unix::fs::symlink("c", env.path().join("lc")).unwrap();
    assert_eq!(changes(&index_json(&env, &["lc"])), (1, 0, 0, 0));
    let out = env.run_ok(&["index", "c", "--threads", "1", "--json"], 0);
    assert!(out.warnings().is_empty(), "{out}");
    env.write("c/a.txt", article("wombat"));
    let out = env.run_ok(&["index", "--threads", "1", "--json"], 0);
    assert!(out.warnings().is_empty(), "{out}");
    assert_eq!(changes(&summary_of(&out)), (0, 1, 0, 0), "{out}");
    assert_eq!(env.count("wombat"), (1, 1));
    env.run_ok(&["index", "--full", "--quiet"], 0);
    assert_eq!(articles(&env), 1);

    let env = TestEnv::empty();
    env.write("c/a.txt", article("kangaroo"));
    std::os::unix::fs::symlink("c/a.txt", env.path().join("la.txt")).unwrap();
    std::os::unix::fs::symlink("a.txt", env.path().join("c/alias.txt")).unwrap();
    assert_eq!(changes(&index_json(&env, &["c", "la.txt"])), (1, 0, 0, 0));
    for again in [&[][..], &["la.txt", "c"][..], &["--full"][..]] {
        let mut args = vec!["index", "--threads", "1", "--json"];
        args.extend_from_slice(again);
        let out = env.run_ok(&args, 0);
        assert!(out.warnings().is_empty(), "{again:?}: {out}");
        assert_eq!(articles(&env), 1, "{again:?}: {out}");
    }
}

/// A root folder replaced by a file attache does not read keeps its articles, as a root that
/// is gone does (they were removed, after a warning that the file was skipped).
#[test]
fn a_root_folder_replaced_by_a_file_of_another_kind_keeps_its_articles() {
    let env = TestEnv::empty();
    env.write(
        "d/x.txt",
        "date 2020-01-01\n\nThe kangaroo delegation spoke.\n",
    );
    assert_eq!(changes(&index_json(&env, &["d"])), (1, 0, 0, 0));
    std::fs::remove_dir_all(env.path().join("d")).unwrap();
    env.write("d", "placeholder\n");
    let out = env.run_ok(&["index", "--threads", "1", "--json"], 0);
    assert!(
        out.stderr.contains("d: not a file attache reads, skipped"),
        "{out}"
    );
    assert_eq!(changes(&summary_of(&out)).2, 0, "{out}");
    assert_eq!(env.count("kangaroo"), (1, 1));
}

/// An index whose words were read by other rules (before a final sigma folded to a sigma, and
/// metadata keys kept their letters of any script) is rebuilt by the next run: updated, its
/// old words would never meet the queries' (`σοφοσ` would not find the indexed `σοφος`).
#[test]
fn an_index_read_by_other_rules_is_rebuilt_by_the_next_run() {
    let env = TestEnv::empty();
    env.write("c/a.txt", "date 2020-01-01\n\nΟ σοφος μιλά.\n");
    index_json(&env, &["c"]);
    // The stamp an older release wrote: no `analysis`.
    let stamp = env
        .path()
        .join("index")
        .join(env.current_generation())
        .join("attache.json");
    let mut manifest: Value = serde_json::from_slice(&std::fs::read(&stamp).unwrap()).unwrap();
    manifest
        .as_object_mut()
        .unwrap()
        .remove("analysis")
        .expect("analysis stamped");
    std::fs::write(&stamp, manifest.to_string()).unwrap();
    // Until then, a search says its words may be missed, and how to rebuild.
    let search = env.run_ok(&["search", "σοφοσ"], 0);
    assert!(
        search.stderr.contains(
            "was built by an attache that read words otherwise: queries may miss its words; \
             run `attache index --index index` to rebuild it"
        ),
        "{search}"
    );
    let run = index_json(&env, &["c"]);
    assert_eq!(run["mode"], "full", "{run}");
    assert!(
        run["rebuilt_because"]
            .as_str()
            .is_some_and(|b| b.contains("how words and metadata keys are read has changed")),
        "{run}"
    );
    assert_eq!(env.count("σοφοσ"), (1, 1));
    let search = env.run_ok(&["search", "σοφοσ"], 0);
    assert!(!search.stderr.contains("read words otherwise"), "{search}");
    assert_eq!(changes(&index_json(&env, &["c"])), (0, 0, 0, 1));
}

#[test]
fn standard_input_adds_and_replaces_and_removes_only_within_a_named_scope() {
    let env = TestEnv::new();
    env.index();
    let two = jsonl(&[("in-1", "An okapi."), ("in-2", "A narwhal.")]);
    let run = |args: &[&str], input: &str| -> Value {
        let mut all = vec!["index", "-", "--threads", "1", "--json"];
        all.extend_from_slice(args);
        let out = env.run_with_stdin(&all, input.as_bytes());
        assert_eq!(out.code, 0, "{out}");
        summary_of(&out)
    };
    assert_eq!(changes(&run(&[], &two)), (2, 0, 0, 0));
    // An empty stdin (a failed `zcat`) removes nothing; another stdin run only adds.
    assert_eq!(changes(&run(&[], "")), (0, 0, 0, 0));
    let other = jsonl(&[("in-3", "A capybara."), ("in-1", "An okapi, revised.")]);
    assert_eq!(changes(&run(&[], &other)), (1, 1, 0, 0));
    assert_eq!(articles(&env), 5);

    // A named scope answers for its articles like a folder.
    let wire = jsonl(&[("wire-1", "A tapir."), ("wire-2", "A quokka.")]);
    assert_eq!(
        changes(&run(&["--stdin-name", "wire"], &wire)),
        (2, 0, 0, 0)
    );
    let one = jsonl(&[("wire-1", "A tapir.")]);
    assert_eq!(changes(&run(&["--stdin-name", "wire"], &one)), (0, 0, 1, 1));
    assert_eq!(changes(&run(&["--stdin-name", "wire"], "")), (0, 0, 0, 0));
    assert_eq!(articles(&env), 6);
    env.run_ok(&["search", "quokka"], 1);
    assert_eq!(env.search_json("tapir", &[]).articles(), ["wire-1"]);
    // An id piped under another name is skipped, and the warning names the scope it is
    // indexed from and the run that takes it over.
    let out = env.run_with_stdin(
        &["index", "-", "--stdin-name", "feed"],
        jsonl(&[("wire-1", "A tapir.")]).as_bytes(),
    );
    assert!(
        out.stderr.contains(
            "article id 'wire-1' is already indexed from standard input piped with \
             --stdin-name wire; skipped (pipe it with --stdin-name wire, or let this run \
             replace it with --prune, giving every path the index should keep: --prune removes \
             the articles of the paths not given)"
        ),
        "{out}"
    );
    let out = env.run_with_stdin(
        &["index", "-", "--stdin-name", "feed"],
        jsonl(&[("in-2", "A narwhal.")]).as_bytes(),
    );
    assert!(
        out.stderr
            .contains("from standard input piped without --stdin-name; skipped (pipe it without"),
        "{out}"
    );

    // A rebuild cannot read stdin again: it refuses rather than drop those articles.
    let refused = env.run(&["index", "--full"]);
    assert_eq!(refused.code, 2, "{refused}");
    let line = crate::assert_one_line_error(&refused);
    assert!(
        line.contains("would drop 4 articles it cannot read again: 1 from <stdin:wire> (standard input), 3 from <stdin> (standard input)"),
        "{refused}"
    );
    // The advice names the flag a piped scope is read under, not only `-`.
    assert!(
        line.contains("pipe them with `-` and the `--stdin-name` they were read under"),
        "{refused}"
    );
    assert_eq!(articles(&env), 6);
    let bad = env.run(&["index", "corpus", "--stdin-name", "wire"]);
    assert_eq!(bad.code, 2, "{bad}");
    assert!(bad.stderr.contains("add `-` to the paths"), "{bad}");
}

#[test]
fn a_corpus_that_moved_is_found_at_its_new_place_without_reindexing() {
    let env = TestEnv::empty();
    env.write("old/a.txt", "date 2024-05-01\n\nThe okapi delegation.\n");
    env.write("old/sub/b.txt", "date 2024-05-02\n\nThe narwhal envoy.\n");
    env.write(
        "old/wire.jsonl",
        jsonl(&[("w-1", "A capybara."), ("w-2", "A tapir.")]),
    );
    assert_eq!(changes(&index_json(&env, &["old"])), (4, 0, 0, 0));
    std::fs::rename(env.path().join("old"), env.path().join("new")).unwrap();

    let out = env.run_ok(&["index", "new", "--threads", "1", "--json"], 0);
    assert!(out.warnings().is_empty(), "{out}");
    let run = summary_of(&out);
    assert_eq!(changes(&run), (0, 0, 0, 4), "{run}");
    assert_eq!(run["passages"], 0, "nothing is re-analysed\n{run}");
    assert_eq!(
        run["moved"][0]["to"].as_str().map(|t| t.ends_with("/new")),
        Some(true)
    );
    let again = index_json(&env, &["new"]);
    assert_eq!(changes(&again), (0, 0, 0, 4), "{again}");
    assert!(again.get("moved").is_none(), "found once\n{again}");
    // --prune sees them unchanged too, and removal works at the new place.
    assert_eq!(
        changes(&index_json(&env, &["new", "--prune"])),
        (0, 0, 0, 4)
    );
    env.remove("new/sub/b.txt");
    assert_eq!(changes(&index_json(&env, &["new"])), (0, 0, 1, 3));
    assert_eq!(articles(&env), 3);

    // A copy (the first place still there) is one diagnosis, not one warning per article.
    crate::util::copy_dir(&env.path().join("new"), &env.path().join("copy"));
    let out = env.run_ok(&["index", "copy", "--threads", "1", "--json"], 0);
    let warnings = out.warnings();
    assert_eq!(warnings.len(), 2, "{out}");
    assert!(warnings[0].contains("is already indexed from"), "{out}");
    assert!(
        warnings[1].contains(
            "2 more articles of this run, in this file or others, are already indexed from"
        ) && warnings[1].contains("--prune"),
        "{out}"
    );
    assert_eq!(summary_of(&out)["skipped"], 3);
    assert_eq!(articles(&env), 3);
}

#[test]
fn a_gone_root_is_not_taken_as_moved_to_a_folder_holding_one_of_its_files() {
    let env = TestEnv::empty();
    for i in 1..=4 {
        env.write(
            &format!("first/a{i}.txt"),
            format!("date 2020-01-0{i}\n\nAlpha {i} on fisheries.\n"),
        );
    }
    env.write("second/b1.txt", "date 2021-01-01\n\nBeta on grain.\n");
    // The same relative path as one of the first folder's files, other words.
    env.write("second/a1.txt", "date 2021-01-02\n\nA readme on grain.\n");
    index_json(&env, &["first", "second"]);
    assert_eq!(env.count("fisheries").0, 4);

    // The first folder is unplugged: a routine run keeps its articles and finds no move.
    std::fs::rename(env.path().join("first"), env.path().join("unplugged")).unwrap();
    let out = env.run_ok(&["index", "--threads", "1", "--json"], 0);
    let run = summary_of(&out);
    assert!(run.get("moved").is_none(), "{run}");
    assert_eq!(run["removed"], 0, "{run}");
    assert!(
        out.warnings()
            .iter()
            .any(|w| w.contains("no longer there: its articles are kept")),
        "{out}"
    );
    assert_eq!(env.count("fisheries").0, 4);
    // Named alone, the second folder does not take the first one's place either.
    let run = index_json(&env, &["second"]);
    assert!(run.get("moved").is_none(), "{run}");
    assert_eq!(env.count("fisheries").0, 4);

    // Plugged in again, the first folder is where it was, all its articles unchanged.
    std::fs::rename(env.path().join("unplugged"), env.path().join("first")).unwrap();
    let run = index_json(&env, &[]);
    assert_eq!(run["removed"], 0, "{run}");
    assert_eq!(env.count("fisheries").0, 4);
}

#[test]
fn another_corpus_with_the_same_file_names_is_not_taken_for_a_gone_root_moved_there() {
    let env = TestEnv::empty();
    for i in 1..=3 {
        env.write(
            &format!("reuters/0{i}.txt"),
            format!("date 2024-0{i}-01\n\nReuters story {i} on marmots in alpine meadows.\n"),
        );
        env.write(
            &format!("ap/0{i}.txt"),
            format!("date 2025-0{i}-01\n\nAP story {i} on zebras of the savannah.\n"),
        );
    }
    // The same for an export: the same file name and ids, other texts.
    env.write(
        "r1/feed.jsonl",
        jsonl(&[("1", "A heron at the lake."), ("2", "A heron at dawn.")]),
    );
    env.write(
        "r2/feed.jsonl",
        jsonl(&[("1", "A bison on the plain."), ("2", "A bison at dusk.")]),
    );
    index_json(&env, &["reuters", "r1"]);
    assert_eq!(env.count("marmots").0, 3);
    assert_eq!(env.count("heron").0, 2);

    // Both unplugged; the other corpora are indexed: nothing moved, nothing replaced.
    std::fs::rename(env.path().join("reuters"), env.path().join("unplugged")).unwrap();
    std::fs::rename(env.path().join("r1"), env.path().join("r1-unplugged")).unwrap();
    for root in ["ap", "r2"] {
        let out = env.run_ok(&["index", root, "--threads", "1", "--json"], 0);
        let run = summary_of(&out);
        assert!(run.get("moved").is_none(), "{out}");
        assert_eq!(changes(&run), (0, 0, 0, 0), "{out}");
        assert!(
            out.warnings()
                .iter()
                .any(|w| w.contains("is already indexed from")),
            "{out}"
        );
    }
    assert_eq!(env.count("marmots").0, 3);
    assert_eq!(env.count("heron").0, 2);
    assert_eq!(env.count("zebras").0, 0);

    // Plugged in again: every article where it was, unchanged.
    std::fs::rename(env.path().join("unplugged"), env.path().join("reuters")).unwrap();
    std::fs::rename(env.path().join("r1-unplugged"), env.path().join("r1")).unwrap();
    let run = index_json(&env, &[]);
    assert_eq!(changes(&run), (0, 0, 0, 5), "{run}");
    assert_eq!(env.count("marmots").0, 3);
    assert_eq!(env.count("heron").0, 2);
}

#[test]
fn a_rebuild_refuses_to_drop_the_articles_of_a_file_it_cannot_read_this_time() {
    let env = TestEnv::empty();
    for i in 1..=3 {
        env.write(
            &format!("fr/a{i}.txt"),
            format!("date 2020-01-0{i}\n\nArticle {i} on herons.\n"),
        );
    }
    index_json(&env, &["fr"]);
    assert_eq!(env.count("herons").0, 3);
    env.write("fr/a3.txt", "date 2020-02-30 typo\n");
    // An update keeps the article of the file it cannot read.
    let run = index_json(&env, &["fr"]);
    assert_eq!(
        (run["removed"].as_u64(), run["kept"].as_u64()),
        (Some(0), Some(1))
    );
    assert_eq!(env.count("herons").0, 3);

    // A rebuild, asked for or needed, would write only what it read: it refuses, the old index
    // stays.
    for args in [
        &["index", "fr", "--full"][..],
        &["index", "fr", "--no-entities"],
    ] {
        let refused = env.run(args);
        assert_eq!(refused.code, 2, "{refused}");
        assert!(
            refused
                .stderr
                .lines()
                .any(|l| l.starts_with("warning: fr/a3.txt: line 1")),
            "{refused}"
        );
        let error = refused.stderr.lines().last().unwrap_or_default();
        assert!(
            error.contains(
                "would drop 1 article of files it could not read this time: 1 from fr/a3.txt"
            ) && error.contains("--prune"),
            "{refused}"
        );
        assert_eq!(env.count("herons").0, 3);
    }
    // --prune rebuilds without it, and says it removed it.
    let run = index_json(&env, &["fr", "--full", "--prune"]);
    assert_eq!(
        (run["removed"].as_u64(), run["kept"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(env.count("herons").0, 2);
}

#[test]
fn a_json_lines_file_emptied_keeps_its_articles_until_it_is_deleted() {
    let env = TestEnv::empty();
    env.write(
        "w/a.jsonl",
        jsonl(&[("a-1", "Herons in Kinshasa."), ("a-2", "Herons at sea.")]),
    );
    env.write("w/b.jsonl", jsonl(&[("b-1", "Herons in Lima.")]));
    index_json(&env, &["w"]);
    assert_eq!(env.count("herons").0, 3);
    // A failed download or a cut copy leaves the file empty (or blank): the update keeps its
    // articles and says so; a rebuild refuses to drop them.
    for emptied in ["", "\n\n"] {
        env.write("w/a.jsonl", emptied);
        let out = env.run(&["index", "w", "--json"]);
        assert_eq!(out.code, 0, "{out}");
        assert!(
            out.stderr
                .contains("warning: w/a.jsonl: holds no article now")
                && out.stderr.contains("are kept"),
            "{out}"
        );
        let run = summary_of(&out);
        assert_eq!(
            (run["removed"].as_u64(), run["kept"].as_u64()),
            (Some(0), Some(2))
        );
        assert_eq!(env.count("herons").0, 3);
        let refused = env.run(&["index", "w", "--full"]);
        assert_eq!(refused.code, 2, "{refused}");
        assert_eq!(env.count("herons").0, 3);
    }
    // A new empty file is only reported.
    env.write("w/c.jsonl", "");
    let out = env.run(&["index", "w"]);
    assert!(
        out.stderr
            .contains("warning: w/c.jsonl: holds no article (the file is empty)"),
        "{out}"
    );
    // A rebuild with --prune drops them, and says so.
    env.write("w/a.jsonl", "");
    let out = env.run(&["index", "w", "--full", "--prune"]);
    assert!(
        out.stderr
            .contains("holds no article now (the file is empty): the articles indexed from it are dropped (--prune)"),
        "{out}"
    );
    assert_eq!(env.count("herons").0, 1);
    env.write(
        "w/a.jsonl",
        jsonl(&[("a-1", "Herons in Kinshasa."), ("a-2", "Herons at sea.")]),
    );
    index_json(&env, &["w"]);
    // A folder made where the file was keeps them too.
    std::fs::remove_file(env.path().join("w/a.jsonl")).expect("remove");
    std::fs::create_dir(env.path().join("w/a.jsonl")).expect("mkdir");
    let out = env.run(&["index", "w"]);
    assert!(
        out.stderr
            .contains("w/a.jsonl: is a folder now: the articles indexed from the file are kept"),
        "{out}"
    );
    assert_eq!(env.count("herons").0, 3);
    std::fs::remove_dir(env.path().join("w/a.jsonl")).expect("rmdir");
    // Deleting the emptied file removes its articles.
    let run = index_json(&env, &["w"]);
    assert_eq!(run["removed"].as_u64(), Some(2));
    assert_eq!(env.count("herons").0, 1);
}

/// A root that is a file, replaced by a folder of other files, keeps its articles as a file
/// under a root does: they were removed without a word (`added 1, removed 2`).
#[test]
fn a_root_file_replaced_by_a_folder_keeps_its_articles() {
    let env = TestEnv::empty();
    env.write(
        "feed.jsonl",
        jsonl(&[("r1", "Herons in Kinshasa."), ("r2", "Herons at sea.")]),
    );
    index_json(&env, &["feed.jsonl"]);
    std::fs::remove_file(env.path().join("feed.jsonl")).expect("remove");
    env.write(
        "feed.jsonl/notes.txt",
        "date 2020-02-01\n\nA note on herons.\n",
    );
    let out = env.run(&["index"]);
    assert_eq!(out.code, 0, "{out}");
    assert!(
        out.stderr
            .contains("feed.jsonl: is a folder now: the articles indexed from the file are kept"),
        "{out}"
    );
    assert_eq!(env.count("herons"), (3, 3));
    // --prune drops them, as it does a file's under a root.
    env.run_ok(&["index", "--prune", "--quiet"], 0);
    assert_eq!(env.count("herons"), (1, 1));
}

#[test]
fn a_moved_corpus_whose_first_file_was_emptied_keeps_its_articles() {
    let env = TestEnv::empty();
    env.write("old/a.jsonl", jsonl(&[("a-1", "Herons in Kinshasa.")]));
    env.write("old/b.jsonl", jsonl(&[("b-1", "Herons in Lima.")]));
    index_json(&env, &["old"]);
    std::fs::rename(env.path().join("old"), env.path().join("new")).unwrap();
    env.write("new/a.jsonl", "");
    let out = env.run(&["index", "new", "--json"]);
    assert_eq!(out.code, 0, "{out}");
    assert!(
        out.stderr.contains("new/a.jsonl: holds no article now"),
        "{out}"
    );
    let run = summary_of(&out);
    assert_eq!(
        (run["removed"].as_u64(), run["kept"].as_u64()),
        (Some(0), Some(1))
    );
    assert_eq!(env.count("herons").0, 2);
}

/// The repository keeps `index/` with a `.gitkeep`: a fresh clone's first search builds there.
#[test]
fn a_fresh_clones_index_folder_holding_only_its_gitkeep_is_built_into() {
    let env = TestEnv::new();
    env.write("index/.gitkeep", "");
    let out = env.run(&["search", "security guarantee"]);
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stderr.contains("building it from corpus"), "{out}");
    assert!(out.stdout.contains("security guarantee"), "{out}");
    assert!(env.path().join("index/.gitkeep").exists());
    // Beside another file of the user's, still refused.
    env.write("other/.gitkeep", "");
    env.write("other/notes.txt", "notes");
    let out = env.run(&["index", "corpus", "--index", "other"]);
    assert!(
        crate::assert_one_line_error(&out).contains("holds other files (notes.txt)"),
        "{out}"
    );
}

#[test]
fn an_index_is_never_written_into_a_folder_of_the_users() {
    let env = TestEnv::empty();
    env.write("t1/a.txt", "date 2020-01-01\n\nHerons in the delta.\n");
    // A folder named like a generation, and other files: refused, nothing touched.
    env.write("u/gen-000001/thesis.txt", "chapter one");
    env.write("v/notes.txt", "notes");
    for (index, first) in [("u", "gen-000001"), ("v", "notes.txt")] {
        let out = env.run(&["index", "t1", "--index", index]);
        let line = crate::assert_one_line_error(&out);
        assert!(
            line.contains(&format!(
                "{index}: not an attache index, and it holds other files ({first})"
            )) && line.contains("give an empty or new folder with --index"),
            "{out}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(env.path().join("u/gen-000001/thesis.txt")).unwrap(),
        "chapter one"
    );
    assert_eq!(
        std::fs::read_dir(env.path().join("v")).unwrap().count(),
        1,
        "nothing written beside notes.txt"
    );
    // A file is no index folder, for writing or reading.
    env.write("afile", "x");
    for args in [
        &["index", "t1", "--index", "afile"][..],
        &["search", "herons", "--index", "afile"],
    ] {
        let line = crate::assert_one_line_error(&env.run(args)).to_owned();
        assert!(
            line.contains("afile: is a file, not an index folder"),
            "{line}"
        );
    }
    // Nor is a folder under a file: the file is named, not an inner file of an index with the
    // system's "not a directory (os error 20)".
    for args in [
        &["index", "t1", "--index", "afile/sub"][..],
        &["search", "herons", "--index", "afile/sub"],
        &["stats", "--index", "afile/sub"],
    ] {
        let line = crate::assert_one_line_error(&env.run(args)).to_owned();
        assert!(
            line.ends_with("afile/sub: afile is a file, not a folder: give a folder with --index"),
            "{line}"
        );
    }
    // Reading a folder of other files says that `attache index` would not write there either.
    for args in [
        &["search", "herons", "--index", "v"][..],
        &["stats", "--index", "v"],
    ] {
        let line = crate::assert_one_line_error(&env.run(args)).to_owned();
        assert!(
            line.ends_with(
                "no index at v, a folder of other files (notes.txt): give an index folder, or \
                 build one in an empty or new folder with `attache index PATH --index NEW`"
            ),
            "{line}"
        );
    }
    // An empty folder is fine, and so is a rebuild of the index made there.
    std::fs::create_dir(env.path().join("e")).unwrap();
    env.run_ok(&["index", "t1", "--index", "e", "--quiet"], 0);
    env.run_ok(&["index", "t1", "--index", "e", "--full", "--quiet"], 0);
    assert_eq!(
        env.run(&["search", "herons", "--index", "e", "--count"])
            .code,
        0
    );
}

#[test]
fn a_failed_first_run_leaves_no_folder_and_a_piped_index_asks_for_paths() {
    let env = TestEnv::empty();
    let out = env.run(&["index", "nonexist", "--index", "new"]);
    assert_eq!(out.code, 2, "{out}");
    assert!(!env.path().join("new").exists(), "the failed run left new/");

    // An index of piped articles records no folder: a run without paths does not fall back to
    // the default corpus folder as if it were the index's.
    let mut child = spawn_stdin_run(&env, &[]);
    child
        .stdin
        .take()
        .unwrap()
        .write_all(jsonl(&[("s-1", "Piped herons.")]).as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    let line = crate::assert_one_line_error(&env.run(&["index"])).to_owned();
    assert!(
        line.contains("the index records no corpus folder (its articles came from standard input)"),
        "{line}"
    );
    assert_eq!(env.count("herons").0, 1);
}

/// `attache index - --json [extra…]` with its standard input, output and errors piped.
fn spawn_stdin_run(env: &TestEnv, extra: &[&str]) -> Child {
    let mut args = vec!["index", "-", "--threads", "2", "--json"];
    args.extend_from_slice(extra);
    env.command(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start attache index -")
}

fn bulk_lines(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let body = format!(
                "Article {i}: the treaty on the grain corridor was discussed by envoy {}.",
                i % 37
            );
            serde_json::json!({"id": format!("bulk-{i:05}"), "date": "2024-05-01", "body": body})
                .to_string()
                + "\n"
        })
        .collect()
}

/// Polls `stats` until the index holds at least `n` articles (while the run goes on).
pub(super) fn wait_for_articles(env: &TestEnv, child: &mut Child, n: u64) {
    let started = Instant::now();
    loop {
        let out = env.run(&["stats", "--json"]);
        if out.code == 0 {
            let stats: Value = serde_json::from_str(&out.stdout).unwrap();
            if stats["articles"].as_u64().unwrap_or(0) >= n {
                return;
            }
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before committing {n} articles"
        );
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no commit of {n} articles"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_checkpoint_records_the_articles_its_commit_holds() {
    let env = TestEnv::empty();
    let lines = bulk_lines(400);
    let mut child = spawn_stdin_run(&env, &["--checkpoint-articles", "40"]);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(lines.concat().as_bytes()).unwrap();
    stdin.flush().unwrap();
    // The reader runs ahead of the workers; stdin left open, the run cannot end.
    wait_for_articles(&env, &mut child, 1);
    std::thread::sleep(Duration::from_millis(50));
    child.kill().expect("kill -9");
    let _ = child.wait();
    drop(stdin);
    let stats = stats_json(&env);
    let run = &stats["last_run"];
    assert_eq!(run["complete"], false, "{stats:#}");
    assert_eq!(run["added"], stats["articles"], "{stats:#}");
    assert_eq!(run["passages"], stats["passages"], "{stats:#}");
}

fn finish(child: Child) -> Output {
    let output = child.wait_with_output().expect("wait for attache");
    Output::of(&["index", "-"], &output)
}

/// `attache index -` fed the first 300 of `lines`, sent `signal` (`INT`, `TERM`) once its
/// first checkpoint (after 200 articles) has committed and the rest were read since.
fn interrupted_stdin_run(env: &TestEnv, lines: &[String], signal: &str) -> Output {
    interrupted_stdin_run_with(env, lines, signal, &[])
}

/// [`interrupted_stdin_run`] with `extra` arguments.
fn interrupted_stdin_run_with(
    env: &TestEnv,
    lines: &[String],
    signal: &str,
    extra: &[&str],
) -> Output {
    let mut args = vec!["--checkpoint-articles", "200"];
    args.extend_from_slice(extra);
    let mut child = spawn_stdin_run(env, &args);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(lines[..300].concat().as_bytes()).unwrap();
    stdin.flush().unwrap();
    wait_for_articles(env, &mut child, 1);
    let killed = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    // As in a shell pipeline, the signal also ends the process feeding stdin.
    drop(stdin);
    finish(child)
}

#[test]
fn ctrl_c_keeps_what_was_read_and_the_next_run_finishes_the_job() {
    for signal in ["INT", "TERM"] {
        let env = TestEnv::empty();
        let lines = bulk_lines(500);
        let out = interrupted_stdin_run(&env, &lines, signal);
        assert_eq!(out.code, 130, "{signal}\n{out}");
        let summary = summary_of(&out);
        assert_eq!(summary["complete"], false, "{summary}");
        let kept = summary["added"].as_u64().unwrap();
        assert!(kept > 0 && kept <= 300, "{summary}");
        assert!(
            out.stderr.contains(&format!(
                "interrupted: kept {kept} articles ({kept} read, 0 removed); pipe the input again to finish: `… | attache index -`"
            )),
            "{signal}\n{out}"
        );
        let stats = stats_json(&env);
        assert_eq!(stats["articles"], kept, "{stats:#}");
        assert_eq!(stats["last_run"]["complete"], false, "{stats:#}");
        let text = env.run_ok(&["stats"], 0);
        assert!(text.stdout.contains("interrupted"), "{text}");
        // Readers say that what they read is partial, and how to finish it.
        let note = "note: the last indexing run of index was interrupted after";
        for args in [&["search", "treaty", "--count"][..], &["who", "treaty"][..]] {
            let out = env.run(args);
            assert!(out.stderr.contains(note), "{signal}\n{out}");
            assert!(
                out.stderr.contains(
                    "pipe the input again to finish it: `… | attache index - --index index`"
                ),
                "{out}"
            );
        }

        let resumed = env.run_with_stdin(
            &["index", "-", "--threads", "2", "--json"],
            lines.concat().as_bytes(),
        );
        assert_eq!(resumed.code, 0, "{resumed}");
        assert_eq!(changes(&summary_of(&resumed)), (500 - kept, 0, 0, kept));
        assert_eq!(articles(&env), 500);
        assert_eq!(env.count("treaty"), (500, 500));
        let done = env.run_ok(&["search", "treaty", "--count"], 0);
        assert!(!done.stderr.contains("note:"), "{done}");
    }
}

/// A second Ctrl-C ends the run at once, and says so (it ended silently, exit 130).
#[test]
fn a_second_ctrl_c_stops_at_once_and_says_so() {
    let env = TestEnv::empty();
    let lines = bulk_lines(20_000);
    let mut child = spawn_stdin_run(&env, &["--checkpoint-articles", "1000000"]);
    let mut stdin = child.stdin.take().unwrap();
    // Standard input stays open until both signals are sent: a fast machine would otherwise
    // finish the run before the first.
    let (sent, signalled) = std::sync::mpsc::channel::<()>();
    let feed = std::thread::spawn(move || {
        let _ = stdin.write_all(lines.concat().as_bytes());
        let _ = signalled.recv();
    });
    std::thread::sleep(Duration::from_millis(1500));
    for pause in [40, 0] {
        let killed = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        std::thread::sleep(Duration::from_millis(pause));
    }
    let out = finish(child);
    drop(sent);
    let _ = feed.join();
    assert_eq!(out.code, 130, "{out}");
    assert!(
        out.stderr.contains(
            "attache: interrupted again: stopped at once; what the last commit holds is kept"
        ),
        "{out}"
    );
}

#[test]
fn ctrl_c_during_the_first_searchs_build_keeps_what_was_read_and_says_so() {
    use std::io::{BufRead, BufReader};
    let env = TestEnv::empty();
    env.write("corpus/bulk.jsonl", bulk_lines(40_000).concat());
    let mut child = env
        .command(&["search", "treaty", "--count"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start attache search");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    assert!(first.contains("building it from corpus/ first"), "{first}");
    std::thread::sleep(Duration::from_millis(300));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(
        status.code(),
        Some(130),
        "the build finished before the signal: {rest}"
    );
    assert!(rest.contains("interrupted: kept "), "{rest}");
    // The next search answers from what was kept, and says the index is not finished.
    let next = env.run(&["search", "treaty", "--count"]);
    assert!(
        next.stderr
            .contains("note: the last indexing run of index was interrupted after"),
        "{next}"
    );
    env.run_ok(&["index", "--quiet"], 0);
    let done = env.run_ok(&["search", "treaty", "--count"], 0);
    assert!(done.stdout.starts_with("40000 passages"), "{done}");
    assert!(!done.stderr.contains("note:"), "{done}");
}

#[test]
fn an_interrupted_runs_roots_stay_noted_until_a_run_reads_them_whatever_runs_between() {
    // A run with --prune answers for everything, and still records the roots it read.
    for extra in [&[][..], &["--prune"]] {
        interrupted_roots_stay_noted(extra);
    }
}

fn interrupted_roots_stay_noted(extra: &[&str]) {
    let env = TestEnv::empty();
    let lines = bulk_lines(500);
    assert_eq!(
        interrupted_stdin_run_with(&env, &lines, "INT", extra).code,
        130
    );
    // A complete run of another root does not make the index whole.
    env.write("other/a.txt", "date 2024-05-01\n\nThe okapi treaty.\n");
    env.run_ok(&["index", "other", "--quiet"], 0);
    let note = "note: an interrupted indexing run of index did not finish reading <stdin>";
    let out = env.run_ok(&["search", "treaty", "--count"], 0);
    assert!(out.stderr.contains(note), "{out}");
    // A run that reads it again does.
    let resumed = env.run_with_stdin(&["index", "-", "--quiet"], lines.concat().as_bytes());
    assert_eq!(resumed.code, 0, "{resumed}");
    let out = env.run_ok(&["search", "treaty", "--count"], 0);
    assert!(!out.stderr.contains("note:"), "{out}");
    assert_eq!(articles(&env), 501);
}

#[test]
fn a_first_run_killed_before_its_first_commit_is_noted_and_built_again_by_search() {
    let env = TestEnv::empty();
    env.write(
        "corpus/a.txt",
        "date 2024-05-01\n\nThe okapi delegation met in Geneva.\n",
    );
    // A run fed through a pipe that stays open: its index exists, nothing is committed.
    let mut child = spawn_stdin_run(&env, &[]);
    let started = Instant::now();
    while !env.path().join("index/CURRENT").exists() {
        assert!(started.elapsed() < Duration::from_secs(60), "no index made");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    child.kill().unwrap();
    child.wait().unwrap();
    let who = env.run(&["who", "okapi"]);
    assert!(
        who.stderr.contains(
            "note: index holds no articles and records no indexing run (a first run stopped \
             before its first commit?): run `attache index PATH --index index`"
        ),
        "{who}"
    );
    // The first search builds it again from the corpus, as it builds a missing one.
    let search = env.run_ok(&["search", "okapi"], 0);
    assert!(
        search.stderr.contains(
            "index/ holds no articles and records no indexing run: building it from corpus/ first"
        ),
        "{search}"
    );
    assert!(search.stdout.contains("okapi"), "{search}");
}

/// Counts articles and cancels once `after` were read.
struct CancelAfter {
    after: u64,
    read: u64,
}

impl attache::index::build::Progress for CancelAfter {
    fn advance(&mut self, counts: &attache::index::build::Counts) {
        self.read = counts.articles;
    }
    fn cancelled(&mut self) -> bool {
        self.read >= self.after
    }
}

#[test]
fn a_cancelled_run_stops_reading_mid_file_and_commits_what_it_read() {
    use attache::index::IndexDir;
    use attache::index::build::{self, BuildOptions};
    let env = TestEnv::empty();
    env.write("corpus/bulk.jsonl", bulk_lines(3000).concat());
    let dir = IndexDir::new(env.path().join("index"));
    let options = BuildOptions {
        threads: 2,
        ..BuildOptions::new(vec![env.path().join("corpus")])
    };
    let mut progress = CancelAfter {
        after: 100,
        read: 0,
    };
    let summary = build::build(&dir, &options, &mut progress).unwrap();
    assert!(!summary.complete);
    assert_eq!(summary.added, 100, "reading stopped at once");
    assert!(summary.bytes < 3000 * 100, "{} bytes read", summary.bytes);
    assert_eq!(articles(&env), 100);

    // An interrupted rebuild is abandoned and the index stays as it was.
    let full = BuildOptions {
        full: true,
        ..options.clone()
    };
    let before = env.current_generation();
    let mut progress = CancelAfter { after: 10, read: 0 };
    let summary = build::build(&dir, &full, &mut progress).unwrap();
    assert!(!summary.complete);
    assert_eq!(env.current_generation(), before);
    assert_eq!(articles(&env), 100);
    assert_eq!(env.index_entries(), [".lock", "CURRENT", before.as_str()]);

    let summary = build::build(&dir, &options, &mut build::Silent).unwrap();
    assert_eq!((summary.added, summary.unchanged), (2900, 100));
}

/// A pruning update of a folder holding new versions of the index's articles, interrupted:
/// readers advised `attache index --index …`, which read both folders, kept the first copy of
/// each id (395 new, 1,188 old in the report), exit 0, and cleared the note. The advice is now
/// the run's own command, and a run with no paths finishes the pruning update.
#[test]
fn a_run_after_an_interrupted_pruning_update_finishes_that_update() {
    use attache::index::IndexDir;
    use attache::index::build::{self, BuildOptions};
    let env = TestEnv::empty();
    let revised: Vec<String> = bulk_lines(600)
        .iter()
        .map(|l| l.replace("was discussed", "was revised"))
        .collect();
    env.write("pa/bulk.jsonl", bulk_lines(600).concat());
    env.write("pb/bulk.jsonl", revised.concat());
    env.run_ok(&["index", "pa", "--quiet"], 0);
    let dir = IndexDir::new(env.path().join("index"));
    let options = BuildOptions {
        threads: 2,
        prune: true,
        ..BuildOptions::new(vec![env.path().join("pb")])
    };
    let mut progress = CancelAfter {
        after: 100,
        read: 0,
    };
    let summary = build::build(&dir, &options, &mut progress).unwrap();
    assert!(!summary.complete);
    // Readers and stats name the command that finishes it.
    let pb = std::fs::canonicalize(env.path().join("pb")).unwrap();
    let command = format!("attache index {} --prune", pb.display());
    let out = env.run(&["search", "revised", "--count"]);
    assert!(
        out.stderr
            .contains(&format!("run `{command} --index index` to finish it")),
        "{out}"
    );
    let stats = env.run_ok(&["stats", "--width", "0"], 0);
    assert!(
        stats
            .stdout
            .contains(&format!("(interrupted: `{command}` finishes it)")),
        "{stats}"
    );
    // JSON says so too, for scripts that read no standard error.
    for args in [
        &["search", "revised", "--json"][..],
        &["facets", "--by", "year", "--json"][..],
        &["stats", "--json"][..],
        &["export", "--format", "quickwit", "out", "--json"][..],
    ] {
        let out = env.run_ok(args, 0);
        let last: Value = serde_json::from_str(out.stdout.lines().last().unwrap()).unwrap();
        assert_eq!(last["partial"], true, "{args:?}\n{out}");
    }
    // A run with no paths finishes it: every article in its new version, none twice.
    let out = env.run_ok(&["index", "--json"], 0);
    assert!(
        out.stderr
            .contains(&format!("note: finishing the interrupted `{command}`")),
        "{out}"
    );
    assert_eq!(summary_of(&out)["skipped"], 0, "{out}");
    assert_eq!(env.count("revised"), (600, 600));
    assert_eq!(env.count("discussed"), (0, 0));
    let out = env.run(&["search", "revised", "--count"]);
    assert!(!out.stderr.contains("note:"), "{out}");
    let stats = stats_json(&env);
    assert_eq!(stats["partial"], false, "{stats}");
    let out = env.run_ok(&["search", "revised", "--json"], 0);
    assert!(!out.stdout.contains("\"partial\""), "{out}");
}

/// A writer is found in the kernel's lock list however busy it is: the list is read a page at a
/// time, and a lock taken or released by another program between two pages used to hide the
/// writer, so that a search saw the empty first commit without the note that a build runs.
#[test]
fn the_writer_is_found_while_other_programs_take_and_release_locks() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let env = TestEnv::empty();
    let mut child = spawn_stdin_run(&env, &[]);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(bulk_lines(4).concat().as_bytes()).unwrap();
    stdin.flush().unwrap();
    let started = Instant::now();
    while !env.path().join("index/CURRENT").exists() {
        assert!(started.elapsed() < Duration::from_secs(30), "no commit");
        std::thread::sleep(Duration::from_millis(20));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let churn: Vec<_> = (0..2)
        .map(|t| {
            let files: Vec<std::fs::File> = (0..60)
                .map(|i| std::fs::File::create(env.path().join(format!("churn-{t}-{i}"))).unwrap())
                .collect();
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    files.iter().for_each(|f| f.lock().unwrap());
                    files.iter().for_each(|f| f.unlock().unwrap());
                }
            })
        })
        .collect();
    let expected = format!("note: index is being built by attache (pid {})", child.id());
    let mut missed = Vec::new();
    for _ in 0..40 {
        let search = env.run(&["search", "treaty", "--count"]);
        if !search.stderr.contains(&expected) {
            missed.push(search);
        }
    }
    stop.store(true, Ordering::Relaxed);
    churn.into_iter().for_each(|t| t.join().unwrap());
    child.kill().unwrap();
    child.wait().unwrap();
    drop(stdin);
    assert!(
        missed.is_empty(),
        "{} of 40 missed: {}",
        missed.len(),
        missed[0]
    );
}

#[test]
fn a_first_build_is_searchable_within_seconds_and_searches_say_it_is_being_built() {
    let env = TestEnv::empty();
    // The articles arrive through a pipe the test holds open, a few at a time: the build goes
    // on until a search has seen its first commit, however fast the machine indexes.
    let lines = bulk_lines(8000);
    let mut child = spawn_stdin_run(&env, &[]);
    let mut stdin = child.stdin.take().unwrap();
    let started = Instant::now();
    let mut seen = None;
    for chunk in lines.chunks(4) {
        stdin.write_all(chunk.concat().as_bytes()).unwrap();
        stdin.flush().unwrap();
        if env.path().join("index/CURRENT").exists() {
            let out = env.run(&["search", "treaty", "--count"]);
            if out.code == 0 {
                seen = Some((started.elapsed(), out));
                break;
            }
            assert!(
                out.code == 1 && out.stderr.contains("is being built"),
                "{out}"
            );
        }
        assert!(child.try_wait().unwrap().is_none(), "the build ended early");
        std::thread::sleep(Duration::from_millis(20));
    }
    let (after, out) = seen.expect("no search saw articles while the first build ran");
    assert!(
        after < Duration::from_secs(15),
        "first results after {after:?}"
    );
    assert!(
        out.stderr
            .contains("note: index is being built by attache (pid ")
            && out.stderr.contains("articles so far"),
        "{out}"
    );
    let stats = env.run_ok(&["stats"], 0);
    assert!(
        stats.stdout.contains(&format!(
            "(in progress: attache pid {} is writing the index)",
            child.id()
        )),
        "{stats}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    drop(stdin);
    let stats = env.run_ok(&["stats"], 0);
    assert!(stats.stdout.contains("(interrupted: "), "{stats}");
}

#[test]
fn a_dry_run_prints_ids_with_control_characters_escaped() {
    let env = TestEnv::empty();
    env.write(
        "corpus/a.jsonl",
        jsonl(&[("evil\u{1b}[2J\nid", "An okapi."), ("plain", "A narwhal.")]),
    );
    let dry = env.run_ok(&["index", "--dry-run", "--threads", "1"], 0);
    assert_eq!(
        dry.stdout, "add evil\\u{1b}[2J\\u{a}id\nadd plain\n",
        "{dry}"
    );
}

#[test]
fn library_callers_get_an_error_for_absurd_threads_and_a_bounded_writer_for_absurd_memory() {
    use attache::index::IndexDir;
    use attache::index::build::{self, BuildOptions};
    let env = TestEnv::new();
    let dir = IndexDir::new(env.path().join("index"));
    let options = BuildOptions {
        threads: 100_000,
        ..BuildOptions::new(vec![env.path().join("corpus")])
    };
    let err = build::build(&dir, &options, &mut build::Silent).unwrap_err();
    assert_eq!(err.to_string(), "100000 indexing threads: give 1 to 1024");
    assert!(!env.path().join("index").exists(), "nothing was written");
    let options = BuildOptions {
        threads: 2,
        memory_bytes: 1 << 44,
        ..options
    };
    let summary = build::build(&dir, &options, &mut build::Silent).unwrap();
    assert_eq!(summary.added, 2);
}

#[test]
fn a_full_rebuild_of_an_index_from_another_format_rereads_the_roots_it_records() {
    let env = two_roots();
    // The index is of a format this build refuses; the fix it names is a full rebuild.
    let stamp = env.generation_dir().join("attache.json");
    let text = std::fs::read_to_string(&stamp).unwrap();
    let mut manifest: Value = serde_json::from_str(&text).unwrap();
    manifest["format"] = serde_json::json!(1);
    std::fs::write(&stamp, manifest.to_string()).unwrap();
    let refused = env.run(&["search", "okapi"]);
    assert!(refused.stderr.contains("attache index --full"), "{refused}");
    let run = index_json(&env, &["--full"]);
    assert_eq!(
        run["articles"], 4,
        "both recorded roots are read again\n{run}"
    );
    assert_eq!(articles(&env), 4);
    assert_eq!(env.search_json("okapi", &[]).articles(), ["other-1"]);
}

#[test]
fn a_prune_that_reads_no_article_removes_nothing_and_says_why() {
    let env = TestEnv::new();
    env.index();
    let said = "--prune read no article, so it removed nothing: an input that yields none \
                (a failed `zcat`, say) never empties the index";
    for input in ["", "{\"id\": \"cut short\"\n"] {
        let out = env.run_with_stdin(
            &["index", "-", "--prune", "--threads", "1", "--json"],
            input.as_bytes(),
        );
        assert_eq!(out.code, 0, "{out}");
        let warnings = out.warnings();
        assert!(warnings.last().is_some_and(|w| w.ends_with(said)), "{out}");
        let run = summary_of(&out);
        assert_eq!(changes(&run), (0, 0, 0, 0), "{run}");
        assert_eq!(run["kept"], 2, "{run}");
        assert_eq!(articles(&env), 2);
    }
}

#[test]
fn a_prune_over_a_sub_folder_keeps_its_ids_on_later_runs() {
    let env = TestEnv::empty();
    env.write(
        "c/sub/b.txt",
        "date 2020-01-01\n\nMarmots in alpine meadows.\n",
    );
    env.write("c/a.txt", "date 2020-01-02\n\nZebras on the savannah.\n");
    index_json(&env, &["c"]);
    for prune in [&["c/sub", "--prune"][..], &["c/sub", "--full", "--prune"]] {
        index_json(&env, prune);
        assert_eq!(articles(&env), 1);
        // A run over the recorded roots, nothing changed on disk: nothing changes.
        let again = index_json(&env, &[]);
        assert_eq!(changes(&again), (0, 0, 0, 1), "{prune:?}\n{again}");
        assert_eq!(env.search_json("marmots", &[]).articles(), ["sub/b.txt"]);
    }
    // Indexing the outer folder again widens the roots; ids stay.
    assert_eq!(changes(&index_json(&env, &["c"])), (1, 0, 0, 1));
    assert_eq!(changes(&index_json(&env, &[])), (0, 0, 0, 2));
    assert_eq!(env.search_json("marmots", &[]).articles(), ["sub/b.txt"]);
}

#[test]
fn a_generation_named_as_the_index_says_which_folder_to_give() {
    let env = TestEnv::new();
    env.index();
    let generation = std::fs::read_to_string(env.path().join("index/CURRENT")).unwrap();
    let named = format!("index/{}", generation.trim());
    for command in ["search", "stats", "index"] {
        let mut args = vec![command, "--index", &named];
        match command {
            "search" => args.push("peace"),
            "index" => args.push("corpus"),
            _ => {}
        }
        let out = env.run_ok(&args, 2);
        assert_eq!(
            out.stderr,
            format!(
                "attache: {named}: a generation inside the index index, not an index itself: \
                 give --index index\n"
            ),
            "{out}"
        );
    }
}

#[test]
fn a_root_widened_to_its_parent_keeps_every_article() {
    // `c/sub/b.txt` was `b.txt` under the root `c/sub`; under `c` it is `sub/b.txt`, and
    // `c/b.txt` takes the id `b.txt`: neither is skipped nor lost.
    let env = TestEnv::empty();
    env.write("c/sub/b.txt", "date 2020-01-01\n\nMarmots of the meadow.\n");
    env.write("c/b.txt", "date 2020-01-02\n\nZebras of the plain.\n");
    index_json(&env, &["c/sub"]);
    let out = env.run_ok(&["index", "c", "--threads", "1", "--json"], 0);
    assert!(out.warnings().is_empty(), "{out}");
    assert_eq!(env.count("marmots OR zebras"), (2, 2));
    assert_eq!(changes(&index_json(&env, &[])), (0, 0, 0, 2));
}

#[test]
/// The edit of the first file of a moved root was skipped as "outside the paths given" by the
/// very run that found the move, and read only by the next run; now the run that finds the move
/// reads it as a change.
fn a_moved_root_whose_first_article_was_edited_keeps_it() {
    let env = TestEnv::empty();
    env.write("r1/a.txt", "date 2020-01-01\n\nAlpha on herons.\n");
    env.write("r1/b.txt", "date 2020-01-02\n\nBeta on herons.\n");
    index_json(&env, &["r1"]);
    std::fs::rename(env.path().join("r1"), env.path().join("r2")).unwrap();
    env.write("r2/a.txt", "date 2020-01-01\n\nAlpha on herons, revised.\n");
    let out = env.run_ok(&["index", "r2", "--threads", "1", "--json"], 0);
    assert!(out.warnings().is_empty(), "{out}");
    let run = summary_of(&out);
    assert_eq!(changes(&run), (0, 1, 0, 1), "{run}");
    assert_eq!(env.count("herons"), (2, 2));
    assert_eq!(env.count("revised"), (1, 1));
    let again = index_json(&env, &["r2"]);
    assert_eq!(changes(&again), (0, 0, 0, 2), "{again}");
}

#[test]
fn a_rebuild_of_an_unreadable_index_reads_the_roots_it_recorded_not_the_default_corpus() {
    // The index is of `mine/`; the working folder also has a `corpus/` of other articles.
    let env = TestEnv::new();
    env.write("mine/a.txt", "date 2020-01-01\n\nThe okapi grazed.\n");
    env.write("mine/b.txt", "date 2020-01-02\n\nThe narwhal swam.\n");
    env.run_ok(&["index", "mine", "--quiet"], 0);
    let before = env.current_generation();
    // A pointer naming a generation that is not there: every command says how to repair it.
    env.write("index/CURRENT", "gen-000009");
    let refused = env.run_ok(&["search", "okapi"], 2);
    assert!(
        refused
            .stderr
            .contains("rebuild with `attache index --full`"),
        "{refused}"
    );
    let rebuilt = env.run_ok(&["index", "--full", "--json"], 0);
    let summary: serde_json::Value = serde_json::from_str(&rebuilt.stdout).unwrap();
    assert_eq!(summary["articles"], 2, "{rebuilt}");
    assert_eq!(env.count("okapi OR narwhal"), (2, 2));
    assert_eq!(
        env.count("Trump"),
        (0, 0),
        "the default corpus was not read"
    );
    assert_ne!(env.current_generation(), before);

    // A generation whose meta.json is damaged records no roots that can be read: the rebuild
    // asks for the paths and leaves the index as it was.
    let generation = env.generation_dir();
    env.write(
        &format!("index/{}/meta.json", env.current_generation()),
        "garbage",
    );
    let refused = env.run_ok(&["index", "--full"], 2);
    assert_eq!(
        refused.stderr,
        "attache: index: the index cannot be read, nor which corpus folders it was built from: \
         give them, `attache index PATH... --index index --full`\n"
    );
    assert!(generation.join("meta.json").is_file());
    env.run_ok(&["index", "mine", "--full", "--quiet"], 0);
    assert_eq!(env.count("okapi OR narwhal"), (2, 2));
}

#[test]
fn a_root_left_empty_keeps_its_articles_as_a_gone_one_does() {
    // An unmounted disk leaves its mount point empty: its articles are not removed.
    let env = TestEnv::empty();
    env.write("mnt/a.txt", "date 2020-01-01\n\nThe okapi grazed.\n");
    env.write("mnt/b.txt", "date 2020-01-02\n\nThe narwhal swam.\n");
    env.write("other/c.txt", "date 2020-01-03\n\nThe marmot dug.\n");
    env.run_ok(&["index", "mnt", "other", "--quiet"], 0);
    std::fs::rename(env.path().join("mnt"), env.path().join("away")).unwrap();
    std::fs::create_dir(env.path().join("mnt")).unwrap();
    let out = env.run_ok(&["index"], 0);
    assert!(
        out.stderr.contains(
            "mnt: holds no file to read (a disk or share not mounted?): its articles are kept \
             (pass --prune to remove them)"
        ) && out.stderr.contains("removed 0 articles"),
        "{out}"
    );
    assert_eq!(env.count("okapi OR narwhal OR marmot"), (3, 3));
    // Named on the command line, the same; a rebuild refuses to drop them.
    env.run_ok(&["index", "mnt"], 0);
    assert_eq!(env.count("okapi OR narwhal"), (2, 2));
    let refused = env.run_ok(&["index", "--full"], 2);
    assert!(
        refused
            .stderr
            .contains("a full rebuild would drop 2 articles it cannot read again"),
        "{refused}"
    );
    // Mounted again, nothing changed; --prune over the empty folder removes them.
    std::fs::remove_dir(env.path().join("mnt")).unwrap();
    std::fs::rename(env.path().join("away"), env.path().join("mnt")).unwrap();
    let again = env.run_ok(&["index", "--quiet", "--json"], 0);
    let summary: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(summary["unchanged"], 3, "{again}");
    std::fs::rename(env.path().join("mnt"), env.path().join("away")).unwrap();
    std::fs::create_dir(env.path().join("mnt")).unwrap();
    env.run_ok(&["index", "--prune", "--quiet"], 0);
    assert_eq!(env.count("okapi OR narwhal OR marmot"), (1, 1));
}

/// An interrupted pruning update removed nothing, so it keeps the index's other roots on
/// record, and says how to finish it: it recorded only its own paths, so that later runs no
/// longer read the other roots whose articles it had kept.
#[test]
fn ctrl_c_during_a_pruning_update_keeps_the_other_roots_on_record() {
    let env = TestEnv::empty();
    env.write(
        "wire/a.txt",
        "date 2025-11-24\n\nTalks in Geneva went on.\n",
    );
    env.run_ok(&["index", "wire"], 0);
    let lines = bulk_lines(500);
    let out = interrupted_stdin_run_with(&env, &lines, "INT", &["--prune"]);
    assert_eq!(out.code, 130, "{out}");
    assert!(
        out.stderr.contains(
            "0 removed); its removals were not made; pipe the input again to finish: `… | \
             attache index - --prune`"
        ),
        "{out}"
    );
    assert_eq!(env.count("Geneva"), (1, 1));
    let stats = stats_json(&env);
    let roots: Vec<String> = stats["roots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect();
    assert!(roots.iter().any(|r| r.ends_with("/wire")), "{roots:?}");
    // A run of the recorded roots still reads the folder: an article added there is seen.
    env.write("wire/b.txt", "date 2025-11-25\n\nA new note from Geneva.\n");
    let update = env.run_ok(&["index", "--json"], 0);
    assert_eq!(summary_of(&update)["added"], 1, "{update}");
}

/// A deleted file given as a path was refused ("does not exist") with no way out named: the
/// error names the run that removes the file's articles, and it does.
#[test]
fn a_deleted_file_given_as_a_path_names_the_run_that_removes_its_articles() {
    let env = TestEnv::empty();
    env.write("e/sub/f2.txt", "date 2025-01-01\n\nOne note.\n");
    env.write("e/f1.txt", "date 2025-01-01\n\nTwo notes.\n");
    env.run_ok(&["index", "e", "--quiet"], 0);
    std::fs::remove_file(env.path().join("e/sub/f2.txt")).unwrap();
    let out = env.run(&["index", "e/sub/f2.txt"]);
    assert_eq!(
        crate::assert_one_line_error(&out),
        "attache: corpus path 'e/sub/f2.txt' does not exist (to remove the articles indexed \
         from a deleted file, run `attache index` with no paths: a run of the index's roots \
         removes what was deleted from them)"
    );
    assert_eq!(articles(&env), 2);
    let run = index_json(&env, &[]);
    assert_eq!(run["removed"], 1, "{run}");
    assert_eq!(articles(&env), 1);
}

/// An update merges its segments after its last commit, not while it deletes the articles it
/// replaces: merged meanwhile, tantivy could keep a merged segment's copy of an article the
/// update had deleted (an update resumed after `kill -9` stored 77 passages of one speech
/// twice, found by a random history of edits and kills). An update of every article in
/// checkpoints of three leaves one copy of each, and its segments merged.
#[test]
fn an_update_in_checkpoints_keeps_one_copy_of_each_article_and_merges_at_its_end() {
    let env = TestEnv::empty();
    let write = |word: &str| {
        for i in 0..60 {
            env.write(
                &format!("c/a{i}.txt"),
                format!(
                    "date 2024-01-{:02}\n\nArticle {i} on the {word} survey of the reserve, with \
                     rangers and donors and the river camps of the north.\n",
                    i % 28 + 1
                ),
            );
        }
    };
    write("okapi");
    env.run_ok(&["index", "c", "--quiet"], 0);
    write("giraffe");
    env.run_ok(&["index", "c", "--quiet", "--checkpoint-articles", "3"], 0);
    let stats = env.run_ok(&["stats", "--json"], 0);
    let stats: serde_json::Value = serde_json::from_str(&stats.stdout).unwrap();
    assert_eq!(stats["passages"], 60, "{stats}");
    assert_eq!(stats["articles"], 60, "{stats}");
    // Twenty commits wrote twenty segments; merged after the last one.
    assert!(stats["segments"].as_u64().unwrap() < 8, "{stats}");
    assert_eq!(env.count("giraffe"), (60, 60));
    assert_eq!(env.count("okapi"), (0, 0));
}

/// While an update runs, its commits merge nothing: merges racing with the update's deletes
/// kept a merged segment's copy of an article it had replaced (a resumed update after `kill -9`
/// held one speech's passages twice). An update fed slowly through standard input, three
/// articles a commit, is watched commit by commit: the segments only grow until its end, and
/// then merge.
#[test]
fn an_update_merges_nothing_until_its_last_commit() {
    let env = TestEnv::empty();
    for i in 0..10 {
        env.write(
            &format!("c/a{i}.txt"),
            format!("date 2024-01-01\n\nArticle {i} on the okapi survey of the reserve.\n"),
        );
    }
    env.run_ok(&["index", "c", "--quiet"], 0);
    let mut child = spawn_stdin_run(&env, &["--checkpoint-articles", "3"]);
    let mut stdin = child.stdin.take().unwrap();
    let segments = |env: &TestEnv| stats_json(env)["segments"].as_u64().expect("segments");
    let mut seen = vec![segments(&env)];
    for (i, line) in bulk_lines(45).iter().enumerate() {
        stdin.write_all(line.as_bytes()).unwrap();
        stdin.flush().unwrap();
        if i % 3 == 2 {
            wait_for_articles(&env, &mut child, 10 + i as u64 + 1);
            seen.push(segments(&env));
        }
    }
    // Time for merges to run, had any been allowed.
    std::thread::sleep(Duration::from_millis(500));
    seen.push(segments(&env));
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]) && seen.last() >= Some(&16),
        "a segment merged while the update ran: {seen:?}"
    );
    drop(stdin);
    let out = finish(child);
    assert_eq!(out.code, 0, "{out}");
    let stats = stats_json(&env);
    assert_eq!(
        (&stats["articles"], &stats["passages"]),
        (&55.into(), &55.into())
    );
    assert!(segments(&env) < 8, "merged after its last commit: {stats}");
}
