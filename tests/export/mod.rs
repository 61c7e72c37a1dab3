//! `attache export`: the Quickwit config and OpenSearch mapping are well-formed, use only
//! options those products document, and map exactly the fields the NDJSON documents have; the
//! documents come in article and passage order; and `attache index` reads an export back into
//! an index that answers every kind of query as the original does.

mod opensearch;
mod quickwit;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::util::{Output, TestEnv, assert_no_panic, ungdc};
use crate::{READOUT, REMARKS, assert_one_line_error};

/// Speeches with a source, a url and metadata (one key that is no plain field name), beside
/// the sample articles, so every exported field occurs.
const SPEECHES: &str = concat!(
    r#"{"id": "ungdc-78-UKR", "date": "2023", "title": "Ukraine at the 78th session", "source": "UN General Debate", "url": "https://example.org/78/ukr", "country": "UKR", "Speaker Name": "Volodymyr Zelenskyy", "session": 78, "body": "We must prevent the use of any nuclear arsenal as blackmail. The grain corridor works, and Ukraine will keep it open for the world."}"#,
    "\n",
    r#"{"id": "ungdc-77-FRA", "date": "2022-09", "title": "France at the 77th session", "source": "UN General Debate", "country": "FRA", "session": 77, "body": "France stands for multilateral cooperation and the grain initiative. Zelenskyy spoke before us; we answer him with solidarity."}"#,
    "\n"
);

/// The sample corpus and the speeches, indexed.
fn indexed() -> TestEnv {
    let env = TestEnv::new();
    env.write("corpus/speeches.jsonl", SPEECHES);
    env.index();
    env
}

/// `attache export --format FORMAT DIR [extra…]`, which must succeed.
fn export(env: &TestEnv, format: &str, dir: &str, extra: &[&str]) -> Output {
    let mut args = vec!["export", "--format", format, dir];
    args.extend_from_slice(extra);
    env.run_ok(&args, 0)
}

/// The JSON documents of an NDJSON file, bulk action lines left out (and checked to precede
/// their document, naming it).
fn documents(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut docs = Vec::new();
    let mut action: Option<Value> = None;
    for line in text.lines() {
        let value: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        if value.get("index").is_some() {
            assert!(action.is_none(), "two action lines in a row: {line}");
            action = Some(value);
            continue;
        }
        if let Some(action) = action.take() {
            assert_eq!(action["index"]["_id"], value["passage_id"], "{line}");
        }
        docs.push(value);
    }
    assert!(action.is_none(), "an action line without its document");
    docs
}

/// The top-level keys over all documents.
fn keys(docs: &[Value]) -> BTreeSet<String> {
    docs.iter()
        .flat_map(|d| d.as_object().expect("an object").keys().cloned())
        .collect()
}

/// `N passages in M articles` from the index at `index`.
fn count_in(env: &TestEnv, index: &str, query: &str) -> String {
    let out = env.run(&["search", "--count", "--index", index, query]);
    assert!(out.code == 0 || out.code == 1, "search failed\n{out}");
    assert_no_panic(&out);
    out.stdout.trim().to_owned()
}

/// Every kind of query: words, stems, phrases, entities, types, speakers, quotes, metadata,
/// dates (a day, a month overlapping a month-dated speech, a year), booleans.
const QUERIES: [&str; 14] = [
    "Geneva",
    "guarantees",
    "\"security guarantee\"",
    "\"grain corridor\"",
    "@ushakov",
    "@zelensky",
    "type:person",
    "said:trump",
    "quote:believe",
    "country:UKR",
    "grain date:2022-09",
    "date:2025-11-24",
    "the date:[2022-01-01 TO 2023-12-31]",
    "Trump AND NOT Geneva",
];

#[test]
fn a_quickwit_export_maps_exactly_the_fields_its_documents_have() {
    let env = indexed();
    let out = export(&env, "quickwit", "qw", &[]);
    assert!(
        out.stderr
            .starts_with("exported 23 passages of 4 articles to qw ("),
        "{out}"
    );
    assert!(
        out.stderr.contains("index-config.yaml, passages.ndjson"),
        "{out}"
    );
    assert!(
        out.stderr
            .contains("note: metadata key 'Speaker Name' is exported as 'speaker_name'"),
        "{out}"
    );
    // A folder named with its slash is named once in the hint.
    let slashed = export(&env, "quickwit", "qw2/", &[]);
    assert!(
        slashed
            .stderr
            .contains("--index-config qw2/index-config.yaml && "),
        "{slashed}"
    );
    let config: Value = serde_norway::from_str(
        &std::fs::read_to_string(env.path().join("qw/index-config.yaml")).unwrap(),
    )
    .expect("well-formed YAML");
    let docs = documents(&env.path().join("qw/passages.ndjson"));
    quickwit::check_config(&config);
    let mapped: BTreeSet<String> = config["doc_mapping"]["field_mappings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(mapped, keys(&docs), "mapped fields against document fields");
    assert_eq!(
        mapped,
        attache::corpus::exported::FIELDS
            .iter()
            .map(|s| s.to_string())
            .collect(),
        "the fields the reader knows"
    );
    let speech = docs
        .iter()
        .find(|d| d["article_id"] == "ungdc-78-UKR")
        .unwrap();
    assert_eq!(speech["date_start"], "2023-01-01T00:00:00Z");
    assert_eq!(speech["date_end"], "2023-12-31T00:00:00Z");
    assert_eq!(speech["meta"]["country"], "UKR");
    assert_eq!(speech["meta"]["session"], "78");
    assert_eq!(speech["meta"]["speaker_name"], "Volodymyr Zelenskyy");
    assert_eq!(speech["url"], "https://example.org/78/ukr");
    // A country's speech is said by the country.
    for list in ["entities", "speakers"] {
        let ids = speech[list].as_array().expect("a list");
        assert!(ids.contains(&"ukraine".into()), "{list}: {speech}");
    }
}

#[test]
fn an_opensearch_export_maps_exactly_the_fields_and_metadata_keys_its_documents_have() {
    let env = indexed();
    let out = export(&env, "opensearch", "os", &["--json", "--quiet"]);
    let summary: Value = serde_json::from_str(&out.stdout).expect("a JSON summary");
    assert_eq!(summary["format"], "opensearch");
    assert_eq!(
        summary["files"],
        serde_json::json!(["mapping.json", "bulk-0001.ndjson"])
    );
    assert_eq!(summary["passages"], 23);
    assert_eq!(summary["articles"], 4);
    let on_disk: u64 = ["mapping.json", "bulk-0001.ndjson"]
        .iter()
        .map(|f| {
            std::fs::metadata(env.path().join("os").join(f))
                .unwrap()
                .len()
        })
        .sum();
    assert_eq!(summary["bytes"], on_disk);
    assert_eq!(
        summary["renamed"],
        serde_json::json!([{"from": "Speaker Name", "to": "speaker_name"}])
    );
    let mapping: Value =
        serde_json::from_str(&std::fs::read_to_string(env.path().join("os/mapping.json")).unwrap())
            .expect("well-formed JSON");
    opensearch::check_mapping(&mapping);
    let docs = documents(&env.path().join("os/bulk-0001.ndjson"));
    let properties = mapping["mappings"]["properties"].as_object().unwrap();
    let mapped: BTreeSet<String> = properties.keys().cloned().collect();
    assert_eq!(mapped, keys(&docs), "mapped fields against document fields");
    let meta_mapped: BTreeSet<String> = properties["meta"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let meta_seen: BTreeSet<String> = docs
        .iter()
        .flat_map(|d| d["meta"].as_object().unwrap().keys().cloned())
        .collect();
    assert_eq!(meta_mapped, meta_seen);
    assert_eq!(
        meta_seen,
        ["country", "session", "speaker_name"]
            .map(String::from)
            .into()
    );
}

#[test]
fn passages_come_in_article_id_order_each_article_numbered_from_zero() {
    let env = indexed();
    export(&env, "quickwit", "qw", &["-q"]);
    let docs = documents(&env.path().join("qw/passages.ndjson"));
    let order: Vec<(String, u64)> = docs
        .iter()
        .map(|d| {
            (
                d["article_id"].as_str().unwrap().to_owned(),
                d["passage"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    let articles: Vec<&str> = docs
        .iter()
        .map(|d| d["article_id"].as_str().unwrap())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(articles, [READOUT, REMARKS, "ungdc-77-FRA", "ungdc-78-UKR"]);
    for window in order.windows(2) {
        let ((a, n), (b, m)) = (&window[0], &window[1]);
        assert!(a != b && *m == 0 || a == b && *m == n + 1, "{window:?}");
    }
    // The text is the passage as attache shows it.
    let ushakov = env.search_json("Ushakov", &[]);
    let hit = &ushakov.hits[0];
    let doc = docs
        .iter()
        .find(|d| d["article_id"] == hit["article_id"] && d["passage"] == hit["passage"])
        .unwrap();
    assert_eq!(doc["text"], hit["text"]);
    assert_eq!(
        doc["passage_id"],
        format!("{}#{}", hit["article_id"].as_str().unwrap(), hit["passage"])
    );
    // The same index exports byte for byte the same.
    export(&env, "quickwit", "again", &["--quiet"]);
    for file in ["index-config.yaml", "passages.ndjson"] {
        assert_eq!(
            std::fs::read(env.path().join("qw").join(file)).unwrap(),
            std::fs::read(env.path().join("again").join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn an_export_indexed_again_answers_every_query_as_the_original() {
    let env = indexed();
    export(&env, "quickwit", "qw", &["--quiet"]);
    export(&env, "opensearch", "os", &["--quiet"]);
    for (dir, index) in [("qw", "from-qw"), ("os", "from-os")] {
        let built = env.run_ok(&["index", dir, "--index", index, "--threads", "1"], 0);
        assert!(
            built
                .stderr
                .contains("added 4, changed 0, removed 0 articles"),
            "{built}"
        );
        assert!(built.warnings().is_empty(), "{built}");
        assert_eq!(
            stats(&env, index)["passages"],
            stats(&env, "index")["passages"]
        );
        assert_eq!(stats(&env, index)["articles"], 4);
        for query in QUERIES {
            let want = count_in(&env, "index", query);
            assert_ne!(want, "0 passages in 0 articles", "{query} finds nothing");
            assert_eq!(count_in(&env, index, query), want, "{query} from {dir}");
        }
        // The export's passages are the original's, boundaries and all.
        let a = env.run_ok(&["show", REMARKS, "--json"], 0).stdout;
        let b = env
            .run_ok(&["show", REMARKS, "--json", "--index", index], 0)
            .stdout;
        assert_eq!(a, b);
        // Read again, nothing changed.
        let again = env.run_ok(&["index", dir, "--index", index, "--threads", "1"], 0);
        assert!(
            again.stderr.contains("added 0, changed 0, removed 0"),
            "{again}"
        );
    }
}

fn stats(env: &TestEnv, index: &str) -> Value {
    let out = env.run_ok(&["stats", "--json", "--index", index], 0);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e})\n{out}"))
}

#[test]
fn bulk_files_stay_within_their_bound_and_never_split_an_article() {
    let env = TestEnv::empty();
    let corpus = env.run_ok(&["gen", "--articles", "400", "--seed", "5"], 0);
    env.write("corpus/gen.jsonl", &corpus.stdout);
    env.index();
    let out = export(
        &env,
        "opensearch",
        "os",
        &["--bulk-mb", "1", "--json", "--quiet"],
    );
    let summary: Value = serde_json::from_str(&out.stdout).unwrap();
    let files: Vec<&str> = summary["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(files.len() >= 3, "{files:?}");
    assert_eq!(files[1], "bulk-0001.ndjson");
    let mut seen = BTreeSet::new();
    let mut passages = 0;
    for file in &files[1..] {
        let path = env.path().join("os").join(file);
        assert!(std::fs::metadata(&path).unwrap().len() <= 1 << 20, "{file}");
        let docs = documents(&path);
        let here: BTreeSet<String> = docs
            .iter()
            .map(|d| d["article_id"].as_str().unwrap().to_owned())
            .collect();
        assert!(seen.is_disjoint(&here), "an article in two files: {file}");
        seen.extend(here);
        passages += docs.len() as u64;
    }
    assert_eq!(seen.len(), 400);
    assert_eq!(summary["passages"], passages);
    // The folder reads back whole, file after file.
    env.run_ok(
        &[
            "index",
            "os",
            "--index",
            "back",
            "--threads",
            "1",
            "--quiet",
        ],
        0,
    );
    assert_eq!(stats(&env, "back")["passages"], passages);
    for query in [
        "\"human rights\"",
        "@un",
        "the date:[1980-01-01 TO 1989-12-31]",
    ] {
        assert_eq!(
            count_in(&env, "back", query),
            count_in(&env, "index", query),
            "{query}"
        );
    }
}

#[test]
fn an_export_is_written_beside_its_folder_and_named_once_complete() {
    let env = indexed();
    // Never inside an index: a rebuild removes an older generation with what it holds.
    for dir in ["index", "index/export", "index/gen-000001/export"] {
        let out = env.run(&["export", "--format", "quickwit", dir]);
        assert_eq!(
            assert_one_line_error(&out),
            format!(
                "attache: {dir}: inside the index at {}: export elsewhere",
                env.path().join("index").display()
            )
        );
    }
    // A failed export (here a full disk) leaves neither the folder nor its `.partial`.
    let out = crate::robust::leftovers::run_with_file_limit(
        &env,
        2,
        &["export", "--format", "quickwit", "x"],
    );
    let line = assert_one_line_error(&out);
    assert!(line.ends_with(": file too large (os error 27)"), "{line}");
    assert_eq!(
        line.to_lowercase().matches("file too large").count(),
        1,
        "{line}"
    );
    assert!(!env.path().join("x").exists(), "{out}");
    assert!(!env.path().join("x.partial").exists(), "{out}");
    // A `.partial` that names no export that was killed is named, not written through.
    env.write("y.partial/passages.ndjson", "{\"cut");
    let out = env.run(&["export", "--format", "quickwit", "y"]);
    assert_eq!(
        assert_one_line_error(&out),
        format!(
            "attache: {}: exists (an interrupted export, or one still running?): remove it \
             first",
            env.path().join("y.partial").display()
        )
    );
    assert!(!env.path().join("y").exists());
    // One a killed export left (its writer's pid names no live attache) is replaced, and said.
    env.write("k.partial/passages.ndjson", "{\"cut");
    env.write("k.partial/.attache-export", "4194304");
    let out = env.run_ok(&["export", "--format", "quickwit", "k"], 0);
    assert!(
        out.stderr.contains(
            "note: removed k.partial, which an export killed before it finished had left"
        ),
        "{out}"
    );
    assert!(!env.path().join("k.partial").exists());
    assert!(!env.path().join("k/.attache-export").exists());
    assert!(env.path().join("k/passages.ndjson").is_file());
    // Indexing a folder that holds it reads nothing of it: its last article may be cut.
    env.write("y.partial/passages.ndjson", "");
    env.write(
        "exports/x.partial/notes.txt",
        "date 2024-01-01\n\nA cut xylophone.\n",
    );
    env.write(
        "exports/kept.txt",
        "date 2024-01-01\n\nA whole xylophone.\n",
    );
    let read = env.run_ok(
        &["index", "exports", "--index", "from-exports", "--json"],
        0,
    );
    assert!(read.stdout.contains("\"added\":1,"), "{read}");
    assert!(
        read.stderr.contains(
            "x.partial: a folder named *.partial (an interrupted run's output?): not read, and \
             what the index holds from it is kept; rename it to index it"
        ),
        "{read}"
    );
    // Articles indexed from such a folder (given as a root of its own) are kept, not removed
    // as unseen, when a run of the folder around it passes it by.
    env.run_ok(
        &["index", "exports/x.partial", "--index", "both", "--quiet"],
        0,
    );
    env.run_ok(&["index", "exports", "--index", "both", "--quiet"], 0);
    let kept = env.run_ok(&["search", "xylophone", "--index", "both", "--count"], 0);
    assert!(
        kept.stdout.starts_with("2 passages in 2 articles"),
        "{kept}"
    );
    // An empty folder given stays itself (the folder a link names, `.`): the export's files
    // move into it once complete, never written there before.
    std::fs::create_dir(env.path().join("real")).unwrap();
    std::os::unix::fs::symlink(env.path().join("real"), env.path().join("link")).unwrap();
    env.run_ok(&["export", "--format", "quickwit", "link"], 0);
    assert!(env.path().join("link").is_symlink());
    assert!(env.path().join("real/passages.ndjson").is_file());
    assert!(!env.path().join("link.partial").exists());
    std::fs::create_dir(env.path().join("here")).unwrap();
    let index = env.path().join("index").display().to_string();
    let here = env
        .command(&["export", "--format", "quickwit", ".", "--index", &index])
        .current_dir(env.path().join("here"))
        .output()
        .unwrap();
    assert_eq!(here.status.code(), Some(0), "{here:?}");
    let mut names: Vec<String> = std::fs::read_dir(env.path().join("here"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["index-config.yaml", "passages.ndjson"]);
    // What a killed export left inside an empty folder is replaced, and said; one that names no
    // killed export is named, not written through.
    env.write("e/.attache-export.partial/.attache-export", "4194304");
    env.write("e/.attache-export.partial/passages.ndjson", "{\"cut");
    let out = env.run_ok(&["export", "--format", "quickwit", "e"], 0);
    assert!(
        out.stderr.contains(
            "note: removed e/.attache-export.partial, which an export killed before it \
             finished had left"
        ),
        "{out}"
    );
    assert!(!env.path().join("e/.attache-export.partial").exists());
    env.write("f/.attache-export.partial/passages.ndjson", "{\"cut");
    let out = env.run(&["export", "--format", "quickwit", "f"]);
    let line = assert_one_line_error(&out);
    assert!(line.contains("exists (an interrupted export"), "{line}");
    // Beside files a stopped move left, it is named too.
    env.write("f/passages.ndjson", "{\"cut");
    let out = env.run(&["export", "--format", "quickwit", "f"]);
    let line = assert_one_line_error(&out);
    assert!(
        line.contains("holds other files beside an earlier export's"),
        "{line}"
    );
    assert_eq!(
        std::fs::read_dir(env.path())
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".partial"))
            .count(),
        1,
        "only y.partial, left by the test above"
    );
    // A complete export takes its name, or fills an empty folder that keeps its own (its
    // inode, its permissions), and leaves no `.partial`.
    std::fs::create_dir(env.path().join("z")).unwrap();
    let inode =
        || std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(env.path().join("z")).unwrap());
    let before = inode();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let private = std::fs::Permissions::from_mode(0o700);
        std::fs::set_permissions(env.path().join("z"), private).unwrap();
    }
    env.run_ok(&["export", "--format", "quickwit", "z"], 0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.path().join("z"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o700,
            "the folder given keeps its permissions"
        );
    }
    assert_eq!(inode(), before, "the folder given is the one written into");
    assert!(env.path().join("z/passages.ndjson").is_file());
    assert!(!env.path().join("z.partial").exists());
    assert!(!env.path().join("z/.attache-export.partial").exists());
}

/// An export killed while it moved its files into an existing folder left some of them there
/// beside its staging folder: indexing that folder takes none of them (it read the cut export,
/// exit 0, a third of the articles), says why, and keeps what the index held from them.
#[test]
fn files_beside_an_interrupted_exports_staging_are_not_read() {
    let env = indexed();
    env.run_ok(&["export", "--format", "opensearch", "whole"], 0);
    let whole = env.path().join("whole");
    let files: Vec<_> = std::fs::read_dir(&whole)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    // As a kill half-way through the move leaves it: the export whole in the staging folder,
    // one of its data files already moved up, no definition.
    let cut = env.path().join("cut");
    std::fs::create_dir_all(cut.join(".attache-export.partial")).unwrap();
    for name in &files {
        std::fs::copy(
            whole.join(name),
            cut.join(".attache-export.partial").join(name),
        )
        .unwrap();
    }
    let data = files
        .iter()
        .find(|n| n.to_string_lossy().starts_with("bulk"))
        .expect("a bulk file");
    std::fs::copy(whole.join(data), cut.join(data)).unwrap();
    let out = env.run(&["index", "cut", "--index", "back"]);
    assert!(
        out.stderr
            .contains("holds an export killed while it moved its files in"),
        "{out}"
    );
    assert!(!out.stderr.contains("a folder named *.partial"), "{out}");
    assert!(out.stderr.contains("added 0,"), "{out}");
}

#[test]
fn a_tilde_in_an_output_path_is_the_home_folder() {
    let env = indexed();
    let home = env.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let index = env.path().join("index").display().to_string();
    for args in [
        &["export", "--format", "quickwit", "~/exp", "--index", &index][..],
        &["gen", "--articles", "3", "--out=~/gen.jsonl"],
        &[
            "facets",
            "--by",
            "year",
            "--svg=~/chart.svg",
            "--index",
            &index,
        ],
    ] {
        let out = env.command(args).env("HOME", &home).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
    }
    assert!(home.join("exp/passages.ndjson").is_file());
    assert!(home.join("gen.jsonl").is_file());
    assert!(home.join("chart.svg").is_file());
    assert!(!env.path().join("~").exists(), "no folder named ~");
}

#[test]
fn export_refuses_a_folder_that_is_not_empty_and_a_bad_name() {
    let env = indexed();
    env.write("full/notes.txt", "mine");
    let out = env.run(&["export", "--format", "quickwit", "full"]);
    assert_eq!(
        assert_one_line_error(&out),
        "attache: full: export folder is not empty: name a new or empty folder"
    );
    assert_eq!(
        std::fs::read_to_string(env.path().join("full/notes.txt")).unwrap(),
        "mine"
    );
    let out = env.run(&["export", "--format", "quickwit", "full/notes.txt"]);
    assert!(
        assert_one_line_error(&out).contains("full/notes.txt: not a folder"),
        "{out}"
    );
    let out = env.run(&[
        "export",
        "--format",
        "opensearch",
        "x",
        "--name",
        "My Index",
    ]);
    assert!(
        assert_one_line_error(&out).contains(
            "index name 'My Index' must be 3 to 255 lowercase letters, digits, '-' or '_'"
        ),
        "{out}"
    );
    let out = env.run(&["export", "--format", "quickwit", "x", "--index", "nowhere"]);
    assert!(
        assert_one_line_error(&out).starts_with("attache: no index at nowhere"),
        "{out}"
    );
    assert!(!env.path().join("x").exists(), "nothing written on failure");
}

#[test]
fn a_terminal_sees_a_progress_bar_and_a_pipe_only_the_summary() {
    let env = indexed();
    let Some(screen) =
        crate::settings::run_on_a_terminal(&env, &[], &["export", "--format", "quickwit", "qw"])
    else {
        return; // no `script` to give the binary a terminal
    };
    assert!(screen.contains("/23 passages, "), "{screen}");
    assert!(
        screen.contains("exported 23 passages of 4 articles"),
        "{screen}"
    );
    let piped = export(&env, "opensearch", "os", &[]);
    assert!(!piped.stderr.contains("/23 passages"), "{piped}");
    assert_eq!(piped.stderr.lines().count(), 3, "{piped}");
    let quiet = export(&env, "opensearch", "os2", &["--quiet"]);
    assert_eq!(quiet.stderr.lines().count(), 2, "{quiet}");
}

#[test]
fn the_name_given_is_the_quickwit_index_id() {
    let env = indexed();
    export(
        &env,
        "quickwit",
        "qw",
        &["--name", "ungdc-speeches", "--quiet"],
    );
    let config: Value = serde_norway::from_str(
        &std::fs::read_to_string(env.path().join("qw/index-config.yaml")).unwrap(),
    )
    .unwrap();
    assert_eq!(config["index_id"], "ungdc-speeches");
}

/// The whole UNGDC exported for both engines and indexed back: the same articles, passages
/// and counts. `cargo test --release -- --ignored export_ungdc`
#[test]
#[ignore]
fn export_ungdc_round_trip() {
    let Some(corpus) = ungdc() else { return };
    let env = TestEnv::empty();
    let corpus = corpus.to_str().unwrap();
    env.run_ok(&["index", corpus, "--quiet"], 0);
    let original = stats(&env, "index");
    let queries = [
        "\"nuclear disarmament\"",
        "sovereignty",
        "@ussr",
        "said:gorbachev",
        "type:person apartheid",
        "\"human rights\" date:[1980-01-01 TO 1989-12-31]",
        "country:UKR",
        "terrorism AND NOT afghanistan",
    ];
    for format in ["quickwit", "opensearch"] {
        let out = export(&env, format, format, &["--json", "--quiet"]);
        let summary: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(summary["passages"], original["passages"]);
        assert_eq!(summary["articles"], original["articles"]);
        eprintln!("{}", out.stderr.trim());
        let index = format!("from-{format}");
        let built = env.run_ok(&["index", format, "--index", &index, "--quiet"], 0);
        eprintln!("{}", built.stderr.trim());
        let back = stats(&env, &index);
        assert_eq!(back["articles"], original["articles"]);
        assert_eq!(back["passages"], original["passages"]);
        for query in queries {
            let want = count_in(&env, "index", query);
            assert_ne!(want, "0 passages in 0 articles", "{query} finds nothing");
            assert_eq!(count_in(&env, &index, query), want, "{query}");
        }
    }
}

#[test]
fn passages_read_back_keep_their_boundaries_where_attache_would_join_them() {
    let env = TestEnv::empty();
    // Two passages of a few words: split from one body, attache would make them one.
    env.write(
        "corpus/short.ndjson",
        concat!(
            r#"{"article_id": "s", "passage": 0, "date": "2024-05", "text": "Talks resumed."}"#,
            "\n",
            r#"{"article_id": "s", "passage": 1, "date": "2024-05", "text": "Nothing was agreed."}"#,
            "\n"
        ),
    );
    env.index();
    let out = env.run_ok(&["show", "s", "--json"], 0);
    let lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON lines"))
        .collect();
    let texts: Vec<&str> = lines
        .iter()
        .filter(|l| l["type"] == "passage")
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["Talks resumed.", "Nothing was agreed."], "{out}");
    let shown = &lines[0];
    assert_eq!(shown["title"], "Talks resumed.");
}
