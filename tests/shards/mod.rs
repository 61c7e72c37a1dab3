//! Shard sets: a corpus built as one index and as a set by year and by source answers every
//! query alike (scores, order, counts, "did you mean"); date-bounded searches read only the shards of their
//! dates; one shard builds alone, two build side by side, and an interrupted shard build
//! leaves the set searchable.

mod ungdc;

use serde_json::Value;

use crate::util::{Search, TestEnv};

/// The sample articles and the hand-written multi-year coverage, indexed as one index
/// (`index/`), as a set by year (`by-year/`) and as a set by source (`by-source/`).
fn three_ways() -> TestEnv {
    let env = TestEnv::new();
    env.add_fixtures("shards");
    env.index();
    for (set, by) in [("by-year", "year"), ("by-source", "source")] {
        let args = [
            "index",
            "corpus",
            "--index",
            set,
            "--shard-by",
            by,
            "--threads",
            "1",
            "--quiet",
        ];
        env.run_ok(&args, 0);
    }
    env
}

/// The arguments that index `corpus/` into `set/`, sharded by year, on one thread, then `extra`.
fn by_year<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "index",
        "corpus",
        "--index",
        "set",
        "--shard-by",
        "year",
        "--threads",
        "1",
    ];
    args.extend_from_slice(extra);
    args
}

/// Builds `set/`, the corpus sharded by year.
fn build_by_year(env: &TestEnv) {
    env.run_ok(&by_year(&["--quiet"]), 0);
}

/// The arguments that build the shard `key` of `set/`, sharded by year, alone.
fn one_shard(key: &str) -> Vec<&str> {
    by_year(&["--shard", key])
}

/// Runs `search --json --index INDEX QUERY extra…`.
fn search(env: &TestEnv, index: &str, query: &str, extra: &[&str]) -> Search {
    let mut args = vec!["--index", index];
    args.extend_from_slice(extra);
    env.search_json(query, &args)
}

/// Asserts that two searches found the same hits (ids, passages, scores to 1e-5, duplicates
/// and more-in-article) and the same counts.
pub fn assert_same(what: &str, one: &Search, set: &Search) {
    let key = |hit: &Value| {
        (
            hit["article_id"].as_str().unwrap_or_default().to_owned(),
            hit["passage"].as_u64().unwrap_or_default(),
            hit["more_in_article"].clone(),
            hit["duplicates"].clone(),
        )
    };
    let one_keys: Vec<_> = one.hits.iter().map(key).collect();
    let set_keys: Vec<_> = set.hits.iter().map(key).collect();
    assert_eq!(
        one_keys, set_keys,
        "{what}: other hits\n{}\n{}",
        one.out, set.out
    );
    for (a, b) in one.hits.iter().zip(&set.hits) {
        let (a, b) = (a["score"].as_f64().unwrap(), b["score"].as_f64().unwrap());
        assert!((a - b).abs() <= 1e-5, "{what}: score {a} against {b}");
    }
    for count in ["passages_matched", "articles_matched", "counts_exact"] {
        assert_eq!(
            one.summary[count], set.summary[count],
            "{what}: {count}\n{}\n{}",
            one.out, set.out
        );
    }
}

#[test]
fn a_shard_set_answers_like_one_index() {
    let env = three_ways();
    let queries: [(&str, &[&str]); 12] = [
        ("grain corridor", &[]),
        ("\"security guarantee\"", &[]),
        ("ceasefire sanctions", &["--exact-count"]),
        ("ceasefire", &["--since", "2020", "--until", "2022"]),
        ("grain date:[2021 TO *]", &[]),
        ("sanctions -ceasefire", &[]),
        ("ceasefire OR \"grain corridor\"", &["--per-article", "0"]),
        ("ceasefire", &["--sort", "date"]),
        ("ceasefire", &["--sort=-date", "--offset", "2"]),
        ("security", &["--ranking", "bm25", "--no-collapse"]),
        ("source:\"Kyiv Post\" grain", &[]),
        ("peace", &["--until", "2021-06"]),
    ];
    for (query, extra) in queries {
        let mut args = vec!["-n", "100"];
        args.extend_from_slice(extra);
        let one = search(&env, "index", query, &args);
        assert!(!one.hits.is_empty(), "{query}: no hits\n{}", one.out);
        for set in ["by-year", "by-source"] {
            let other = search(&env, set, query, &args);
            assert_same(&format!("{query} {extra:?} in {set}"), &one, &other);
        }
    }
    // What the index holds, counted over the shards.
    let stats = |index: &str| -> Value {
        let out = env.run_ok(&["stats", "--index", index, "--json"], 0);
        serde_json::from_str(&out.stdout).unwrap()
    };
    let one = stats("index");
    for set in ["by-year", "by-source"] {
        let other = stats(set);
        // The roots too: a set listed none.
        for key in [
            "articles",
            "passages",
            "first_date",
            "last_date",
            "sources",
            "roots",
        ] {
            assert_eq!(one[key], other[key], "stats {key} of {set}");
        }
    }
    assert_eq!(one["articles"], 13);
    for command in [
        vec!["facets", "ceasefire", "--by", "year", "--json"],
        vec!["entities", "--json"],
        vec!["who", "--json"],
    ] {
        let run = |index: &str| {
            let mut args = command.clone();
            args.extend(["--index", index]);
            let out = env.run_ok(&args, 0).stdout;
            // Everything but the time taken.
            out.lines()
                .map(|line| {
                    let mut value: Value = serde_json::from_str(line).unwrap();
                    value.as_object_mut().unwrap().remove("took_ms");
                    value
                })
                .collect::<Vec<Value>>()
        };
        assert_eq!(run("index"), run("by-year"), "{command:?}");
        assert_eq!(run("index"), run("by-source"), "{command:?}");
    }
}

#[test]
fn a_date_bounded_search_reads_only_the_shards_of_its_dates() {
    let env = three_ways();
    let searched = |index: &str, query: &str, extra: &[&str]| -> Value {
        let mut args = vec!["--explain"];
        args.extend_from_slice(extra);
        let found = search(&env, index, query, &args);
        found.summary["plan"]["shards"].clone()
    };
    let years = |keys: &[&str]| serde_json::json!({"searched": keys, "of": 6});
    assert_eq!(
        searched(
            "by-year",
            "ceasefire",
            &["--since", "2020", "--until", "2021"]
        ),
        years(&["2020", "2021"])
    );
    assert_eq!(
        searched("by-year", "grain date:[2022-07 TO *]", &[]),
        years(&["2022", "2023", "2025"])
    );
    assert_eq!(
        searched("by-year", "grain", &[]),
        years(&["2019", "2020", "2021", "2022", "2023", "2025"])
    );
    // A date that is only one of several choices narrows nothing.
    assert_eq!(
        searched("by-year", "grain OR date:2019", &[]),
        years(&["2019", "2020", "2021", "2022", "2023", "2025"])
    );
    // Sources have no period: every shard is read.
    let by_source = searched(
        "by-source",
        "ceasefire",
        &["--since", "2020", "--until", "2020"],
    );
    assert_eq!(by_source["of"], 4);
    assert_eq!(by_source["searched"].as_array().unwrap().len(), 4);
    // A plain index has no shards to name.
    assert_eq!(
        searched("index", "ceasefire", &["--since", "2020"]),
        Value::Null
    );
    let text = env.run_ok(
        &[
            "search",
            "--index",
            "by-year",
            "--explain",
            "--since",
            "2022",
            "grain",
        ],
        0,
    );
    assert!(
        text.stdout
            .replace('\n', " ")
            .contains("shards searched: 3 of 6 (2022, 2023, 2025)"),
        "{text}"
    );
}

#[test]
fn one_shard_builds_alone_and_takes_only_its_articles() {
    let env = TestEnv::new();
    env.add_fixtures("shards");
    let out = env.run_ok(&one_shard("2022"), 0);
    assert!(
        out.stderr.contains(
            "shard 2022: added 3, changed 0, removed 0 articles, 0 unchanged; 6 passages written"
        ) && out
            .stderr
            .contains("; 10 articles of other shards left out"),
        "{out}"
    );
    let list = env.run_ok(&["shards", "--index", "set"], 0);
    assert_eq!(
        list.stdout,
        "shard                    period                   articles  passages  complete\n\
         2022                     2022-01-01..2022-12-31          3         6  yes\n"
    );
    let found = search(
        &env,
        "set",
        "grain OR ceasefire OR sanctions",
        &["-n", "50"],
    );
    let mut dates: Vec<&str> = found
        .hits
        .iter()
        .map(|h| h["date"].as_str().unwrap())
        .collect();
    dates.dedup();
    assert!(dates.iter().all(|d| d.starts_with("2022")), "{dates:?}");
    // A plain index is not a set; --shard needs one.
    let plain = env.run_ok(&["index", "--shard", "2022", "--quiet"], 2);
    assert!(
        plain
            .stderr
            .contains("--shard builds one shard of a shard set, and index is not one"),
        "{plain}"
    );
    // The set keeps its partition.
    let other = env.run_ok(
        &["index", "corpus", "--index", "set", "--shard-by", "month"],
        2,
    );
    assert!(
        other
            .stderr
            .contains("the shard set is sharded by year, not month: pass --shard-by year"),
        "{other}"
    );
}

#[test]
fn a_shard_key_that_is_no_key_of_the_partition_is_refused_before_anything_is_written() {
    let env = TestEnv::new();
    env.add_fixtures("shards");
    env.run_ok(&["index", "corpus", "--index", "other", "--quiet"], 0);
    let other = || {
        let query = "grain OR ceasefire OR sanctions";
        env.run_ok(&["search", "--index", "other", "--count", query], 0)
            .stdout
    };
    let other_before = other();
    build_by_year(&env);
    let manifest = std::fs::read_to_string(env.path().join("set/shards.json")).unwrap();
    for key in [
        "../../other",
        "../other",
        "",
        "Reuters",
        "19",
        "2022-13",
        "2022/01",
    ] {
        let out = env.run_ok(&one_shard(key), 2);
        assert!(
            out.stderr.contains(&format!(
                "--shard '{key}': a shard of a set by year is named by its year, like --shard 1985"
            )),
            "{out}"
        );
    }
    // Nothing was written: not the set's manifest, not the other index, no folder outside.
    assert_eq!(
        std::fs::read_to_string(env.path().join("set/shards.json")).unwrap(),
        manifest
    );
    assert!(!env.path().join("escape").exists());
    env.run_ok(&["index", "--index", "set", "--quiet"], 0);
    assert_eq!(other(), other_before);
    // A month set takes months and years.
    env.run_ok(
        &[
            "index",
            "corpus",
            "--index",
            "months",
            "--shard-by",
            "month",
            "--shard",
            "2022-03",
            "--quiet",
        ],
        0,
    );
    let out = env.run_ok(
        &["index", "corpus", "--index", "months", "--shard", "2022-3"],
        2,
    );
    assert!(out.stderr.contains("like --shard 1985-09"), "{out}");
}

#[test]
fn a_shard_folder_that_is_gone_is_damage_not_a_smaller_set() {
    let env = TestEnv::new();
    env.add_fixtures("shards");
    build_by_year(&env);
    let all = search(
        &env,
        "set",
        "grain OR ceasefire OR sanctions",
        &["-n", "50"],
    );
    std::fs::rename(env.path().join("set/shards/2022"), env.path().join("away")).unwrap();
    for args in [
        &["search", "--index", "set", "grain"][..],
        &["stats", "--index", "set"],
        &["check", "--index", "set"],
    ] {
        let out = env.run_ok(args, 2);
        assert!(
            out.stderr.contains(
                "set: damaged index: shard 2022: set/shards/2022 holds no index (3 articles were \
                 built there): rebuild with `attache index --full`"
            ),
            "{out}"
        );
    }
    // The fix it names works, from the roots the other shards record.
    env.run_ok(&["index", "--index", "set", "--full", "--quiet"], 0);
    let again = search(
        &env,
        "set",
        "grain OR ceasefire OR sanctions",
        &["-n", "50"],
    );
    assert_eq!(again.locations(), all.locations());
}

#[test]
fn an_emptied_json_lines_file_keeps_its_articles_in_a_set_as_in_one_index() {
    let env = TestEnv::empty();
    let line = |id: &str, date: &str| {
        serde_json::json!({"id": id, "date": date, "body": "Herons on the treaty."}).to_string()
            + "\n"
    };
    env.write(
        "c/a.jsonl",
        line("a-1", "2021-03-01") + &line("a-2", "2021-04-01"),
    );
    env.write("c/b.jsonl", line("b-1", "2022-03-01"));
    let set = |extra: &[&str]| {
        let mut args = vec!["index", "c", "--index", "set", "--shard-by", "year"];
        args.extend_from_slice(extra);
        env.run(&args)
    };
    assert_eq!(set(&["--quiet"]).code, 0);
    env.write("c/a.jsonl", "");
    let out = set(&[]);
    assert_eq!(out.code, 0, "{out}");
    assert!(
        out.stderr
            .contains("warning: c/a.jsonl: holds no article now (the file is empty)"),
        "{out}"
    );
    let count = |query: &str| {
        env.run_ok(&["search", "--index", "set", "--count", query], 0)
            .stdout
    };
    assert!(count("herons").starts_with("3 passages in 3 articles"));
    let refused = set(&["--full"]);
    assert_eq!(refused.code, 2, "{refused}");
    assert!(count("herons").starts_with("3 passages in 3 articles"));
}

#[test]
fn readers_of_a_set_whose_build_was_interrupted_note_it() {
    let env = TestEnv::new();
    env.add_fixtures("shards");
    build_by_year(&env);
    // A shard left incomplete, as an interrupted build leaves it.
    let path = env.path().join("set/shards.json");
    let mut manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    manifest["shards"][0]["complete"] = false.into();
    let key = manifest["shards"][0]["key"].as_str().unwrap().to_owned();
    std::fs::write(&path, manifest.to_string()).unwrap();
    let out = env.run_ok(&["search", "--index", "set", "--count", "grain"], 0);
    assert!(
        out.stderr.contains(&format!(
            "note: the last build of shard set set was interrupted in shard {key}"
        )),
        "{out}"
    );
    env.run_ok(&["index", "--index", "set", "--quiet"], 0);
    let out = env.run_ok(&["search", "--index", "set", "--count", "grain"], 0);
    assert!(!out.stderr.contains("note:"), "{out}");
}

#[test]
fn a_shard_key_no_article_falls_in_is_not_kept_in_the_set() {
    let env = TestEnv::new();
    env.add_fixtures("shards");
    build_by_year(&env);
    let before = env.run_ok(&["shards", "--index", "set"], 0).stdout;
    let out = env.run_ok(&one_shard("2202"), 0);
    assert!(
        out.stderr.contains(
            "note: no article read falls in shard 2202: it is not kept in the set (`attache \
             shards` lists the keys it has)"
        ),
        "{out}"
    );
    assert_eq!(env.run_ok(&["shards", "--index", "set"], 0).stdout, before);
    assert!(!env.path().join("set/shards/2202").exists());
    // A shard the set has stays, even when it now holds nothing.
    let kept = env.run_ok(&one_shard("2022"), 0);
    assert!(!kept.stderr.contains("not kept"), "{kept}");
}

#[test]
fn a_damaged_shard_file_names_its_shard_and_the_fix_that_works() {
    let env = TestEnv::new();
    env.add_fixtures("shards");
    build_by_year(&env);
    let all = search(&env, "set", "grain OR ceasefire", &["-n", "50"]);
    let generation = std::fs::read_dir(env.path().join("set/shards/2022"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("gen-"))
        .unwrap();
    let idx = std::fs::read_dir(&generation)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "idx"))
        .unwrap();
    let name = idx.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&idx)
        .unwrap()
        .set_len(100)
        .unwrap();
    for args in [
        &["search", "--index", "set", "grain"][..],
        &["stats", "--index", "set"],
    ] {
        let out = env.run_ok(args, 2);
        assert!(
            out.stderr.contains(&format!(
                "set: damaged index: shard 2022: {name}: truncated or corrupt: rebuild with \
                 `attache index --full`"
            )),
            "{out}"
        );
    }
    env.run_ok(&["index", "--index", "set", "--full", "--quiet"], 0);
    let again = search(&env, "set", "grain OR ceasefire", &["-n", "50"]);
    assert_eq!(again.locations(), all.locations());
}

/// A set update that could not take a shard's lock (another program held it) failed as it
/// should, but left that shard `complete: false` in `shards.json` for good, though it never
/// touched it.
#[test]
fn a_shard_another_process_holds_is_left_as_recorded_by_the_failed_update() {
    let env = TestEnv::new();
    env.add_fixtures("shards");
    build_by_year(&env);
    let manifest = || std::fs::read_to_string(env.path().join("set/shards.json")).unwrap();
    let before = manifest();
    assert!(!before.contains("\"complete\": false"), "{before}");
    let lock = env.path().join("set/shards/2022/.lock");
    let mut holder = std::process::Command::new("flock")
        .arg(&lock)
        .args(["sleep", "30"])
        .spawn()
        .expect("flock (util-linux) runs");
    // flock holds the lock once it has created the file and started sleeping.
    let started = std::time::Instant::now();
    loop {
        let out = env.run(&by_year(&["--quiet"]));
        if out.code == 2 && out.stderr.contains("being written by another process") {
            break;
        }
        assert!(
            started.elapsed().as_secs() < 20,
            "the lock was never seen held\n{out}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    holder.kill().unwrap();
    holder.wait().unwrap();
    assert_eq!(manifest(), before);
}

/// `index ONE_FILE --prune` removed every other article from one index but nothing from a
/// set: each shard that read no article refused on its own, as if its input had failed.
#[test]
fn prune_removes_from_a_set_what_it_removes_from_one_index() {
    let env = TestEnv::empty();
    for year in ["2001", "2002", "2003"] {
        let line = format!(
            "{{\"id\":\"a{year}\",\"date\":\"{year}\",\"body\":\"The kangaroo report of {year}.\"}}\n"
        );
        env.write(&format!("c/y{year}.jsonl"), line);
    }
    for (index, by) in [("set", Some("year")), ("one", None)] {
        let mut args = vec!["index", "c", "--index", index, "--quiet"];
        if let Some(by) = by {
            args.extend(["--shard-by", by]);
        }
        env.run_ok(&args, 0);
    }
    for index in ["set", "one"] {
        let out = env.run_ok(&["index", "c/y2001.jsonl", "--index", index, "--prune"], 0);
        assert!(out.warnings().is_empty(), "{out}");
        let count = search(&env, index, "kangaroo", &[]);
        assert_eq!(count.articles(), ["a2001"], "{index}");
    }
    // An input that yields nothing still removes nothing, from a set as from one index.
    env.run_ok(&["index", "c", "--index", "set", "--quiet"], 0);
    env.write("empty.jsonl", "");
    let out = env.run_ok(&["index", "empty.jsonl", "--index", "set", "--prune"], 0);
    assert!(out.stderr.contains("--prune read no article"), "{out}");
    assert_eq!(search(&env, "set", "kangaroo", &[]).articles().len(), 3);
}

#[test]
fn a_set_whose_manifest_is_damaged_is_rebuilt_by_the_command_its_error_names() {
    // The set is built from `wire/`; the default `corpus/` is empty.
    let env = TestEnv::new();
    env.add_fixtures("shards");
    std::fs::rename(env.path().join("corpus"), env.path().join("wire")).unwrap();
    std::fs::create_dir(env.path().join("corpus")).unwrap();
    let build = [
        "index",
        "wire",
        "--index",
        "set",
        "--shard-by",
        "year",
        "--quiet",
    ];
    env.run_ok(&build, 0);
    let all = search(
        &env,
        "set",
        "grain OR ceasefire OR sanctions",
        &["-n", "50"],
    );
    assert!(!all.hits.is_empty());
    env.write(
        "set/shards.json",
        "{\"format\": 1, \"shard_by\": \"year\", \"shards\": [",
    );
    let refused = env.run_ok(&["search", "--index", "set", "grain"], 2);
    assert!(
        refused.stderr.contains(
            "the shards under set/shards are kept; rebuild the set with `attache index PATH... \
             --index set --full --shard-by year|month|source`"
        ),
        "{refused}"
    );
    // Without paths the shard folders' recorded roots are read.
    let rebuilt = env.run_ok(
        &["index", "--index", "set", "--full", "--shard-by", "year"],
        0,
    );
    assert!(
        rebuilt.stderr.contains("set aside as shards.json.damaged"),
        "{rebuilt}"
    );
    assert!(env.path().join("set/shards.json.damaged").is_file());
    let again = search(
        &env,
        "set",
        "grain OR ceasefire OR sanctions",
        &["-n", "50"],
    );
    assert_eq!(again.locations(), all.locations());
}

#[test]
fn a_bad_line_read_by_every_shard_is_told_once() {
    let env = TestEnv::new();
    env.add_fixtures("shards");
    env.write(
        "corpus/zz-bad.jsonl",
        "{\"id\":\"bad\",\"date\":\"19x6\",\"body\":\"one broken line\"}\n",
    );
    let out = env.run_ok(&by_year(&[]), 0);
    assert_eq!(
        out.stderr.matches("invalid date '19x6'").count(),
        1,
        "{out}"
    );
}

#[test]
fn two_shard_builds_at_once_both_land() {
    let env = TestEnv::new();
    env.add_fixtures("shards");
    let build = |key: &str| {
        let mut args = one_shard(key);
        args.push("--quiet");
        env.command(&args).spawn().unwrap()
    };
    let (mut a, mut b) = (build("2021"), build("2023"));
    assert!(a.wait().unwrap().success());
    assert!(b.wait().unwrap().success());
    let list = env.run_ok(&["shards", "--index", "set", "--json"], 0);
    let shards: Vec<Value> = list
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary: Vec<(&str, u64, bool)> = shards
        .iter()
        .map(|s| {
            (
                s["key"].as_str().unwrap(),
                s["articles"].as_u64().unwrap(),
                s["complete"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(summary, [("2021", 2, true), ("2023", 2, true)]);
    let stats = env.run_ok(&["stats", "--index", "set", "--json"], 0);
    let stats: Value = serde_json::from_str(&stats.stdout).unwrap();
    assert_eq!(stats["articles"], 4);
}

#[test]
fn an_interrupted_shard_build_leaves_the_set_searchable_and_the_next_run_completes_it() {
    let env = TestEnv::new();
    env.add_fixtures("shards");
    build_by_year(&env);
    let before = search(&env, "set", "grain", &["-n", "100", "--exact-count"]);
    // What a build of 2022 killed mid-run leaves: its entry marked incomplete, a build folder
    // of a dead process in the shard, the shard's index as of its last commit.
    let manifest = env.path().join("set/shards.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let mut value: Value = serde_json::from_str(&text).unwrap();
    for shard in value["shards"].as_array_mut().unwrap() {
        if shard["key"] == "2022" {
            shard["complete"] = false.into();
        }
    }
    std::fs::write(&manifest, serde_json::to_string_pretty(&value).unwrap()).unwrap();
    env.write("set/shards/2022/.attache-build-999999/meta.json", "{}");
    let during = search(&env, "set", "grain", &["-n", "100", "--exact-count"]);
    assert_same("with 2022 incomplete", &before, &during);
    let list = env.run_ok(&["shards", "--index", "set"], 0);
    assert!(
        list.stdout.contains("2022-12-31          3         6  no"),
        "{list}"
    );
    // The next run (no paths, no --shard-by: the set's own) completes it and changes nothing.
    let again = env.run_ok(&["index", "--index", "set", "--threads", "1"], 0);
    assert!(
        again
            .stderr
            .contains("shard 2022: added 0, changed 0, removed 0 articles, 3 unchanged"),
        "{again}"
    );
    let list = env.run_ok(&["shards", "--index", "set"], 0);
    assert!(!list.stdout.contains(" no\n"), "{list}");
    assert!(
        !env.path()
            .join("set/shards/2022/.attache-build-999999")
            .exists()
    );
    let after = search(&env, "set", "grain", &["-n", "100", "--exact-count"]);
    assert_same("after the next run", &before, &after);
}

#[test]
fn a_recorded_root_that_is_gone_keeps_its_articles_and_the_others_are_updated() {
    let env = TestEnv::empty();
    let article = |path: &str, date: &str, word: &str| {
        env.write(
            path,
            format!("date {date}\n\nA {word} passage that is long enough to stand alone here.\n"),
        );
    };
    article("corpus/a/x.txt", "2024-01-01", "kangaroo");
    article("corpus/b/y.txt", "2023-01-01", "wombat");
    let build = [
        "index",
        "corpus/a",
        "corpus/b",
        "--index",
        "set",
        "--shard-by",
        "year",
    ];
    env.run_ok(&build, 0);
    std::fs::remove_dir_all(env.path().join("corpus/b")).unwrap();
    article("corpus/a/k.txt", "2022-01-01", "koala");
    // The update reads the roots the set records: the gone one is reported and kept, in every
    // shard, and the other root's articles are neither dropped nor read twice.
    let update = ["index", "--index", "set", "--threads", "1"];
    let out = env.run_ok(&update, 0);
    assert_eq!(
        out.warnings().len(),
        1,
        "one warning, though two shards record the root (2023, 2024; 2022 is new)\n{out}"
    );
    assert!(
        out.stderr
            .contains("shard 2023: added 0, changed 0, removed 0 articles")
            && out.stderr.contains("kept 1 article not read this time"),
        "{out}"
    );
    assert!(
        out.warnings().iter().all(|w| w.ends_with(
            "corpus/b: no longer there: its articles are kept (index its \
                                 new place, or pass --prune to remove them)"
        )),
        "{out}"
    );
    assert!(
        out.stderr
            .contains("shard 2022: added 1, changed 0, removed 0 articles")
            && out
                .stderr
                .contains("shard 2023: added 0, changed 0, removed 0 articles")
            && out
                .stderr
                .contains("shard 2024: added 0, changed 0, removed 0 articles, 1 unchanged"),
        "{out}"
    );
    let count =
        |q: &str| search(&env, "set", q, &["--exact-count"]).summary["passages_matched"].clone();
    assert_eq!(count("kangaroo OR wombat OR koala"), 3);
    // From another working directory, the recorded roots are the same folders.
    let set = env.path().join("set");
    let args = ["index", "--index", set.to_str().unwrap(), "--threads", "1"];
    let out = env
        .command(&args)
        .current_dir(env.path().join("corpus/a"))
        .output();
    let out = crate::util::Output::of(&args, &out.unwrap());
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(out.warnings().len(), 1, "{out}");
    assert!(
        out.stderr
            .contains("shard 2024: added 0, changed 0, removed 0 articles, 1 unchanged"),
        "{out}"
    );
    assert_eq!(count("kangaroo OR wombat OR koala"), 3);
}

#[test]
fn an_article_whose_year_changes_moves_to_its_new_shard() {
    let env = TestEnv::new();
    env.add_fixtures("shards");
    build_by_year(&env);
    env.index();
    let coverage = std::fs::read_to_string(env.path().join("corpus/coverage.jsonl")).unwrap();
    let moved = coverage.replace(
        r#""id": "kp-2021-11", "date": "2021-11-20""#,
        r#""id": "kp-2021-11", "date": "2023-11-20""#,
    );
    assert_ne!(moved, coverage);
    env.write("corpus/coverage.jsonl", moved);
    let out = env.run_ok(&["index", "--index", "set", "--threads", "1"], 0);
    assert!(
        out.stderr
            .contains("shard 2021: added 0, changed 0, removed 1 article, 1 unchanged")
            && out
                .stderr
                .contains("shard 2023: added 1, changed 0, removed 0 articles, 2 unchanged"),
        "{out}"
    );
    env.index();
    for query in ["\"security guarantee\"", "troops border", "grain"] {
        let args = ["-n", "100", "--exact-count"];
        assert_same(
            query,
            &search(&env, "index", query, &args),
            &search(&env, "set", query, &args),
        );
    }
}

/// An article that moves to another year's shard leaves its old shard even when its file has a
/// bad line this time (the old shard kept it as an article of a file not wholly read, and the
/// set held it twice).
#[test]
fn an_article_that_moves_shard_leaves_its_old_one_while_its_file_has_a_bad_line() {
    let env = TestEnv::new();
    env.add_fixtures("shards");
    build_by_year(&env);
    let coverage = std::fs::read_to_string(env.path().join("corpus/coverage.jsonl")).unwrap();
    let moved = coverage.replace(
        r#""id": "kp-2021-11", "date": "2021-11-20""#,
        r#""id": "kp-2021-11", "date": "2023-11-20""#,
    );
    assert_ne!(moved, coverage);
    env.write(
        "corpus/coverage.jsonl",
        format!("{moved}{{\"id\": \"broken\", \"date\n"),
    );
    let out = env.run_ok(&["index", "--index", "set", "--threads", "1"], 0);
    assert!(
        out.stderr.contains("line 12: malformed JSON")
            && out
                .stderr
                .contains("shard 2021: added 0, changed 0, removed 1 article, 1 unchanged")
            && out
                .stderr
                .contains("shard 2023: added 1, changed 0, removed 0 articles, 2 unchanged"),
        "{out}"
    );
    let shown = env.run_ok(&["show", "kp-2021-11", "--index", "set", "--json"], 0);
    let lines: Vec<Value> = (shown.stdout.lines())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["date"], "2023-11-20", "{shown}");
    let numbers: Vec<u64> = lines[1..]
        .iter()
        .map(|l| l["passage"].as_u64().unwrap())
        .collect();
    let once: Vec<u64> = (0..numbers.len() as u64).collect();
    assert_eq!(numbers, once, "each passage once: {shown}");
    assert_eq!(lines[0]["passages"], numbers.len(), "{shown}");
}

/// The same when the article moves to a file of its own as well: the old shard does not read
/// the new file (a set's build reads each shard's files only), so the plan says where the run
/// read it.
#[test]
fn an_article_that_moves_file_and_shard_leaves_its_old_one_while_its_old_file_has_a_bad_line() {
    let env = TestEnv::empty();
    let row = |id: &str, date: &str| {
        format!(
            "{{\"id\": \"{id}\", \"date\": \"{date}\", \"body\": \"Article {id} on the \
             quince harvest, long enough for a passage of its own.\"}}\n"
        )
    };
    env.write(
        "corpus/w.jsonl",
        [
            row("a0", "2019-03-01"),
            row("a1", "2020-03-01"),
            row("a3", "2019-03-04"),
        ]
        .concat(),
    );
    build_by_year(&env);
    env.write(
        "corpus/w.jsonl",
        [
            row("a0", "2019-03-01"),
            row("a1", "2020-03-01"),
            "{\"id\": \"bad\", \"date\": \n".into(),
        ]
        .concat(),
    );
    env.write("corpus/x.jsonl", row("a3", "2021-03-04"));
    let out = env.run_ok(&["index", "--index", "set", "--threads", "1"], 0);
    assert!(
        out.stderr
            .contains("shard 2019: added 0, changed 0, removed 1 article, 1 unchanged"),
        "{out}"
    );
    let count = env.run_ok(&["search", "quince", "--index", "set", "--count"], 0);
    assert!(
        count.stdout.starts_with("3 passages in 3 articles"),
        "{count}"
    );
    let shown = env.run_ok(&["show", "a3", "--index", "set", "--json"], 0);
    assert!(shown.stdout.contains("\"date\":\"2021-03-04\""), "{shown}");
}

/// A shard's folder given as a plain index is refused with the set's command: built so, it
/// took every article of its paths, whatever its period, and date-bounded searches missed them.
#[test]
fn a_shard_folder_is_built_through_its_set_only() {
    let env = TestEnv::new();
    env.add_fixtures("shards");
    build_by_year(&env);
    let count = |env: &TestEnv| {
        env.run_ok(&["search", "--index", "set", "--count", "the"], 0)
            .stdout
    };
    let before = count(&env);
    let out = env.run(&["index", "corpus", "--index", "set/shards/2021", "--full"]);
    assert_eq!(
        crate::assert_one_line_error(&out),
        "attache: set/shards/2021: a shard of the set set: build it through the set (`attache \
         index PATHS --index set --shard 2021`, or the whole set: `attache index --index set`)"
    );
    assert_eq!(count(&env), before);
}

#[test]
fn shards_plans_a_corpus_without_writing() {
    let env = TestEnv::new();
    env.add_fixtures("shards");
    let out = env.run_ok(&["shards", "corpus", "--shard-by", "year", "--json"], 0);
    let lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6, "{out}");
    assert_eq!(
        lines[3],
        serde_json::json!({
            "key": "2022",
            "period": {"first": "2022-01-01", "last": "2022-12-31"},
            "files": ["corpus/coverage.jsonl"],
            "articles": 3
        })
    );
    assert_eq!(lines[5]["key"], "2025");
    assert_eq!(lines[5]["files"].as_array().unwrap().len(), 2);
    assert_eq!(
        out.stderr,
        "6 shards by year, 13 articles from 3 files; nothing written\n"
    );
    assert!(!env.path().join("index").exists());
    let by_source = env.run_ok(&["shards", "corpus", "--shard-by", "source"], 0);
    assert_eq!(
        by_source
            .stdout
            .lines()
            .nth(1)
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>(),
        [
            "(no",
            "source)",
            "-",
            "3",
            "3",
            "files,",
            "from",
            "corpus/000_f6c3cfa837515be5.txt"
        ]
    );
    let stdin = env.run_ok(&["index", "-", "--index", "set", "--shard-by", "year"], 2);
    assert!(stdin.stderr.contains("not `-` (standard input)"), "{stdin}");
}

#[test]
fn a_shard_set_suggests_as_one_index_does() {
    // The index has its word list ("did you mean" walks it); the set has none and walks its
    // shards' term dictionaries.
    let env = TestEnv::new();
    env.add_fixtures("shards");
    env.index();
    build_by_year(&env);
    let words = ["ceasfire", "sanctons graim", "Ushakof", "coridor"];
    for word in words {
        let one = env.search_json(word, &[]).summary["suggestions"].clone();
        let set = search(&env, "set", word, &[]).summary["suggestions"].clone();
        assert!(
            one.as_array().is_some_and(|s| !s.is_empty()),
            "{word}: {one}"
        );
        assert_eq!(set, one, "{word}");
    }
}

/// A set by source names the folder of a source in any script by its letters (`源 日本` was
/// `no-source-…`, `Côte d'Ivoire` `c-te-d-ivoire-…`), and `shards` lists such sources in
/// aligned columns.
#[test]
fn sources_in_any_script_get_readable_folders_and_aligned_rows() {
    let env = TestEnv::empty();
    let lines: Vec<String> = [("a", "源 日本"), ("b", "Côte d'Ivoire Today"), ("c", "Kyiv Post")]
        .iter()
        .map(|(id, source)| {
            serde_json::json!({"id": id, "date": "2024", "source": source, "body": "The talks went on."})
                .to_string()
        })
        .collect();
    env.write("corpus/sources.jsonl", lines.join("\n") + "\n");
    env.run_ok(
        &[
            "index",
            "corpus",
            "--shard-by",
            "source",
            "--threads",
            "1",
            "-q",
        ],
        0,
    );
    let mut folders: Vec<String> = std::fs::read_dir(env.path().join("index/shards"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .map(|name| name[..name.rfind('-').unwrap()].to_owned())
        .collect();
    folders.sort();
    assert_eq!(folders, ["cote-d-ivoire-today", "kyiv-post", "源-日本"]);
    assert_eq!(env.count("talks"), (3, 3));
    let out = env.run_ok(&["shards"], 0);
    let width =
        |s: &str| unicode_width::UnicodeWidthStr::width(s.trim_end_matches("yes").trim_end());
    let widths: Vec<usize> = out.stdout.lines().skip(1).map(width).collect();
    assert_eq!(widths.len(), 3, "{out}");
    assert!(widths.iter().all(|&w| w == widths[0]), "{widths:?}\n{out}");
}

/// `stats` of a shard set listed no last run: it is the shards' last runs together (what was
/// written summed, what was read once, as each shard reads the whole corpus).
#[test]
fn stats_of_a_shard_set_shows_its_shards_last_runs_together() {
    let env = TestEnv::new();
    env.add_fixtures("shards");
    build_by_year(&env);
    let shards = env.run_ok(&["shards", "--index", "set", "--json"], 0);
    let count = shards.stdout.lines().count();
    let stats: Value =
        serde_json::from_str(&env.run_ok(&["stats", "--index", "set", "--json"], 0).stdout)
            .unwrap();
    let run = &stats["last_run"];
    assert_eq!(run["complete"], true, "{stats}");
    assert_eq!(run["added"], stats["articles"], "{stats}");
    assert_eq!(run["passages"], stats["passages"], "{stats}");
    assert_eq!(run["articles"], stats["articles"], "{stats}");
    let text = env.run_ok(&["stats", "--index", "set"], 0);
    let line = text
        .stdout
        .lines()
        .find(|l| l.starts_with("last run"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.starts_with(&format!(
            "last run    update of {count} shards: {} added",
            stats["articles"]
        )),
        "{text}"
    );
}
