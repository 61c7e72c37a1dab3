//! End-to-end tests of the `attache` binary: each test copies the sample corpus (and fixtures)
//! into its own temporary directory and runs the binary there, as a user would.
//!
//! The sample corpus is two real articles dated 2025-11-24: `000_f6c3cfa837515be5.txt` (the
//! White House readout of the Geneva talks) and `002_f7abc5a888bb3888.txt` (Trump's remarks,
//! Europe's counter-proposal, Ushakov's rejection). Fixtures live in `tests/fixtures/`.
//!
//! The test over the full UN General Debate Corpus (../shared/corpora/ungdc, 10,952 speeches) is
//! ignored by default because it indexes about 200 MB. Run it with a release build:
//!
//! ```text
//! cargo test --release -- --ignored ungdc
//! ```

mod attribution;
mod entities;
mod export;
mod facets;
mod floor;
mod grouping;
mod indexing;
mod input;
mod phrases;
mod ranking;
mod relevance_eval;
pub(crate) mod robust;
mod settings;
mod shards;
mod show;
mod terminal;
mod util;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use util::{Output, Search, TestEnv, assert_no_panic};

const READOUT: &str = "000_f6c3cfa837515be5.txt";
const REMARKS: &str = "002_f7abc5a888bb3888.txt";

/// A sample-corpus environment with its index built.
fn indexed_sample() -> TestEnv {
    let env = TestEnv::new();
    env.index();
    env
}

/// Asserts that `out` is a single-line error: exit 2, nothing on stdout, one stderr line.
fn assert_one_line_error(out: &Output) -> &str {
    assert_eq!(out.code, 2, "expected an error\n{out}");
    assert_no_panic(out);
    assert_eq!(out.stdout, "", "an error prints nothing on stdout\n{out}");
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "expected exactly one stderr line\n{out}");
    lines[0]
}

// ---------------------------------------------------------------------------------------------
// Searching the sample corpus
// ---------------------------------------------------------------------------------------------

#[test]
fn security_guarantee_phrase_finds_passages_in_both_articles() {
    let env = indexed_sample();
    let search = env.search_json("\"security guarantee\"", &[]);
    assert_eq!(search.articles(), [READOUT, REMARKS], "{}", search.out);
    for (hit, marks) in search.hits.iter().zip(search.highlighted()) {
        let text = hit["text"].as_str().unwrap();
        assert!(text.contains("security guarantee"), "{text}");
        // The readout also says "security guarantees", which the exact phrase does not match:
        // only the singular is marked (as one range or as two words).
        assert_eq!(
            marks.join(" "),
            "security guarantee",
            "the phrase must be highlighted, and only the phrase, in:\n{text}"
        );
    }
    assert_eq!(env.count("\"security guarantee\""), (2, 2));
}

#[test]
fn ushakov_is_in_exactly_one_passage_and_highlighted_byte_for_byte() {
    let env = indexed_sample();
    let search = env.search_json("Ushakov", &[]);
    assert_eq!(search.hits.len(), 1, "{}", search.out);
    assert_eq!(search.summary["passages_matched"], 1);
    assert_eq!(search.summary["articles_matched"], 1);
    let hit = &search.hits[0];
    assert_eq!(hit["article_id"], REMARKS);
    let text = hit["text"].as_str().unwrap();
    let start = text.find("Ushakov").expect("the passage names Ushakov");
    assert_eq!(
        hit["byte_highlights"],
        serde_json::json!([[start, start + "Ushakov".len()]]),
        "highlights must cover exactly the bytes of `Ushakov` in:\n{text}"
    );
    let first = text[..start].chars().count();
    assert_eq!(
        hit["highlights"],
        serde_json::json!([[first, first + "Ushakov".chars().count()]]),
        "and the characters, in:\n{text}"
    );
    assert!(
        hit["snippet_marked"]
            .as_str()
            .unwrap()
            .contains("«Ushakov»"),
        "{hit}"
    );
    assert!(
        text.contains("Kremlin aide Yuri Ushakov said in Moscow"),
        "{text}"
    );
    assert!(
        hit["snippet"].as_str().unwrap().contains("Ushakov"),
        "{hit}"
    );
}

#[test]
fn unquoted_words_are_stemmed_and_quoted_words_are_exact() {
    // The readout says "security guarantees" and "security guarantee"; the remarks only say
    // "a US security guarantee". So `guarantees` must reach the remarks through its stem, while
    // the quoted, unstemmed `"guarantees"` finds only the readout.
    let env = indexed_sample();
    let stemmed = env.search_json("guarantees", &[]);
    assert_eq!(stemmed.articles(), [READOUT, REMARKS], "{}", stemmed.out);
    let (remarks, marks) = stemmed
        .hits
        .iter()
        .zip(stemmed.highlighted())
        .find(|(h, _)| h["article_id"] == REMARKS)
        .unwrap();
    let text = remarks["text"].as_str().unwrap();
    assert!(
        text.contains("security guarantee") && !text.contains("guarantees"),
        "{text}"
    );
    assert_eq!(marks, ["guarantee"], "the stem match is highlighted");

    let exact = env.search_json("\"guarantees\"", &[]);
    assert_eq!(exact.articles(), [READOUT], "{}", exact.out);
    let (stemmed_passages, _) = env.count("guarantees");
    let (exact_passages, _) = env.count("\"guarantees\"");
    assert!(
        stemmed_passages > exact_passages,
        "stemming must widen the match: {stemmed_passages} vs {exact_passages}"
    );
    // Every passage saying "security guarantee" is among the stemmed matches (on this corpus
    // they are the same passages: each mention of a guarantee is a security guarantee).
    assert!(stemmed_passages >= env.count("\"security guarantee\"").0);
}

#[test]
fn a_quoted_phrase_is_exact_so_security_guarantees_skips_the_singular_only_passage() {
    let env = indexed_sample();
    let search = env.search_json("\"security guarantees\"", &[]);
    assert_eq!(search.articles(), [READOUT], "{}", search.out);
    for hit in &search.hits {
        assert!(
            hit["text"]
                .as_str()
                .unwrap()
                .contains("security guarantees"),
            "{hit}"
        );
    }
    for marks in search.highlighted() {
        assert_eq!(marks.join(" "), "security guarantees");
    }
}

#[test]
fn since_and_until_filter_by_article_date() {
    let env = indexed_sample();
    let before = env.run_ok(&["search", "Ushakov", "--until", "2025-11-23"], 1);
    assert_eq!(before.stdout, "", "{before}");
    let on = env.search_json("Ushakov", &["--since", "2025-11-24"]);
    assert_eq!(on.locations().len(), 1, "{}", on.out);
    let after = env.run_ok(&["search", "Ushakov", "--since", "2025-11-25"], 1);
    assert_eq!(after.stdout, "", "{after}");
    let month = env.search_json("Ushakov", &["--since", "2025-11", "--until", "2025-11"]);
    assert_eq!(month.hits.len(), 1, "{}", month.out);
    let year = env.search_json("Ushakov", &["--until", "2025"]);
    assert_eq!(year.hits.len(), 1, "{}", year.out);
}

/// A `[start, end]` byte range into `text`: non-empty, inside it, on character boundaries.
fn byte_range(range: &Value, text: &str) -> (usize, usize) {
    let pair = range.as_array().expect("a range is [start, end]");
    assert_eq!(pair.len(), 2, "{range}");
    let (start, end) = (
        pair[0].as_u64().expect("a byte offset") as usize,
        pair[1].as_u64().expect("a byte offset") as usize,
    );
    assert!(
        start < end && end <= text.len(),
        "range {start}..{end} is empty or outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "range {start}..{end} splits a character of {text:?}"
    );
    (start, end)
}

/// Checks one `--json` output against the documented schema.
fn assert_follows_schema(search: &Search) {
    let out = &search.out;
    let hit_keys = [
        "article_id",
        "byte_highlights",
        "date",
        "duplicates",
        "entities",
        "highlights",
        "meta",
        "more_in_article",
        "passage",
        "rank",
        "schema",
        "score",
        "snippet",
        "snippet_marked",
        "source",
        "speakers",
        "text",
        "title",
        "type",
        "url",
    ];
    let mut last_score = f64::INFINITY;
    for (i, hit) in search.hits.iter().enumerate() {
        let object = hit.as_object().unwrap_or_else(|| panic!("{hit}\n{out}"));
        let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, hit_keys, "hit keys\n{out}");
        assert_eq!(hit["type"], "hit");
        assert_eq!(hit["schema"], 1);
        assert_eq!(
            hit["rank"].as_u64(),
            Some(i as u64 + 1),
            "ranks are 1..n\n{out}"
        );
        let score = hit["score"].as_f64().expect("score is a number");
        assert!(
            score <= last_score,
            "hits are best first: {score} after {last_score}\n{out}"
        );
        last_score = score;
        assert!(!hit["article_id"].as_str().unwrap().is_empty());
        assert!(hit["passage"].is_u64(), "passage is a number: {hit}");
        let date = hit["date"].as_str().expect("date is a string");
        assert!(
            [4, 7, 10].contains(&date.len()) && date[..4].bytes().all(|b| b.is_ascii_digit()),
            "date as written: {date}"
        );
        assert!(hit["title"].is_string(), "{hit}");
        assert!(
            hit["source"].is_string() || hit["source"].is_null(),
            "{hit}"
        );
        assert!(hit["url"].is_string() || hit["url"].is_null(), "{hit}");
        let meta = hit["meta"].as_object().expect("meta is an object");
        assert!(meta.values().all(Value::is_string), "{hit}");
        assert!(hit["more_in_article"].is_u64(), "{hit}");
        for duplicate in hit["duplicates"]
            .as_array()
            .expect("duplicates is an array")
        {
            let mut keys: Vec<&str> = duplicate
                .as_object()
                .expect("a duplicate is an object")
                .keys()
                .map(String::as_str)
                .collect();
            keys.sort();
            assert_eq!(keys, ["article_id", "date", "passage", "source", "title"]);
            assert!(duplicate["passage"].is_u64(), "{hit}");
        }
        let text = hit["text"].as_str().expect("text is a string");
        let snippet = hit["snippet"].as_str().expect("snippet is a string");
        assert!(!snippet.trim().is_empty(), "empty snippet: {hit}");
        let highlights = hit["byte_highlights"]
            .as_array()
            .expect("byte_highlights is an array");
        let mut previous_end = 0;
        for range in highlights {
            let (start, end) = byte_range(range, text);
            assert!(
                previous_end <= start,
                "highlights overlap or are out of order: {hit}"
            );
            previous_end = end;
        }
        // The same ranges in characters: slicing by characters gives the same words.
        let chars: Vec<char> = text.chars().collect();
        let by_chars: Vec<String> = hit["highlights"]
            .as_array()
            .expect("highlights is an array")
            .iter()
            .map(|r| {
                let (a, b) = (
                    r[0].as_u64().unwrap() as usize,
                    r[1].as_u64().unwrap() as usize,
                );
                chars[a..b].iter().collect()
            })
            .collect();
        let by_bytes: Vec<&str> = highlights
            .iter()
            .map(|r| &text[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize])
            .collect();
        assert_eq!(by_chars, by_bytes, "{hit}");
        let marked = hit["snippet_marked"]
            .as_str()
            .expect("snippet_marked is a string");
        assert_eq!(
            marked.replace(['«', '»'], ""),
            snippet.replace(['«', '»'], ""),
            "{hit}"
        );
        let entities = hit["entities"].as_array().expect("entities is an array");
        let mut previous_start = 0;
        for entity in entities {
            let object = entity.as_object().expect("an entity is an object");
            let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
            keys.sort();
            assert_eq!(
                keys,
                ["alias", "byte_span", "id", "name", "span", "type"],
                "{entity}"
            );
            for key in ["alias", "id", "name"] {
                assert!(
                    !entity[key].as_str().expect("a string").is_empty(),
                    "{entity}"
                );
            }
            assert!(
                ["person", "state", "org", "place", "unknown"]
                    .contains(&entity["type"].as_str().unwrap()),
                "{entity}"
            );
            let (start, _) = byte_range(&entity["byte_span"], text);
            assert!(previous_start <= start, "entities in text order: {hit}");
            previous_start = start;
        }
    }
    let summary = search.summary.as_object().expect("summary is an object");
    let mut keys: Vec<&str> = summary.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "articles_matched",
            "counts_exact",
            "hits",
            "passages_matched",
            "schema",
            "took_ms",
            "type"
        ],
        "summary keys\n{out}"
    );
    let hits = summary["hits"].as_u64().expect("hits is a number");
    let passages = summary["passages_matched"].as_u64().unwrap();
    let articles = summary["articles_matched"].as_u64().unwrap();
    assert_eq!(hits, search.hits.len() as u64, "{out}");
    assert!(hits <= passages && articles <= passages, "{out}");
    assert_eq!(articles == 0, passages == 0, "{out}");
    assert!(summary["took_ms"].as_f64().unwrap() >= 0.0, "{out}");
}

#[test]
fn json_output_follows_the_schema_line_by_line() {
    let env = indexed_sample();
    let all = env.search_json(
        "Ukraine",
        &["--limit", "100", "--per-article", "0", "--no-collapse"],
    );
    assert_follows_schema(&all);
    assert!(all.hits.len() > 3, "{}", all.out);
    assert_eq!(
        all.summary["passages_matched"].as_u64(),
        Some(all.hits.len() as u64),
        "with a large limit every matching passage is shown"
    );
    assert_eq!(all.summary["articles_matched"], 2);
    for (hit, marks) in all.hits.iter().zip(all.highlighted()) {
        assert_eq!(hit["date"], "2025-11-24");
        assert_eq!(hit["source"], Value::Null);
        assert_eq!(hit["url"], Value::Null);
        assert_eq!(hit["meta"], serde_json::json!({}));
        assert!(!marks.is_empty(), "nothing highlighted in {hit}");
        for mark in marks {
            assert!(mark.to_lowercase().starts_with("ukrain"), "{mark:?}");
        }
    }

    let limited = env.search_json("Ukraine", &["--limit", "3"]);
    assert_follows_schema(&limited);
    assert_eq!(limited.hits.len(), 3);
    assert_eq!(
        limited.summary["passages_matched"],
        all.summary["passages_matched"]
    );
    assert_eq!(limited.locations(), all.locations()[..3]);

    assert_follows_schema(&env.search_json("\"security guarantee\"", &[]));
    let none = env.search_json("zanzibar", &[]);
    assert_follows_schema(&none);
    assert_eq!(none.out.code, 1);
    assert_eq!(none.hits.len(), 0);
}

#[test]
fn exit_codes_are_0_with_hits_1_without_and_2_on_error() {
    let env = indexed_sample();
    let hits = env.run_ok(&["search", "Geneva"], 0);
    assert!(hits.stdout.contains("Geneva"), "{hits}");
    let none = env.run_ok(&["search", "zanzibar"], 1);
    assert_eq!(none.stdout, "", "{none}");
    assert_one_line_error(&env.run(&["search", "\"unbalanced"]));
}

#[test]
fn each_bad_query_is_one_error_line_naming_its_column() {
    let env = indexed_sample();
    let cases = [
        (
            "\"unbalanced",
            "attache: bad query: column 1: unbalanced quote",
        ),
        (
            "Ushakov \"unbalanced",
            "attache: bad query: column 9: unbalanced quote",
        ),
        (
            "nosuchfield:x",
            "attache: bad query: column 1: unknown field 'nosuchfield'",
        ),
        (
            "Ushakov nosuchfield:x",
            "attache: bad query: column 9: unknown field 'nosuchfield'",
        ),
        // Text pasted with a colon: the field is unknown, not missing a value it cannot take.
        (
            "We need peace: now",
            "attache: bad query: column 9: unknown field 'peace'",
        ),
        (
            "title: peace",
            "attache: bad query: column 1: missing value: `title:` must be attached",
        ),
        (
            "date:2025-13-45",
            "attache: bad query: column 6: invalid date '2025-13-45'",
        ),
        (
            "Kyïv date:2025-13-45",
            "attache: bad query: column 11: invalid date '2025-13-45'",
        ),
    ];
    for (query, want) in cases {
        let out = env.run(&["search", query]);
        let line = assert_one_line_error(&out);
        assert!(
            line.starts_with(want),
            "{query:?}: got {line:?}, want {want:?}…"
        );
    }
}

#[test]
fn since_with_an_impossible_date_is_rejected_with_the_reason() {
    let env = indexed_sample();
    for flag in ["--since", "--until"] {
        let out = env.run(&["search", "Ushakov", flag, "2025-13-45"]);
        assert_eq!(out.code, 2, "{out}");
        assert_no_panic(&out);
        assert_eq!(out.stdout, "", "{out}");
        assert!(
            out.stderr
                .contains("invalid date '2025-13-45': month 13 does not exist"),
            "{out}"
        );
        assert!(
            out.stderr.contains(flag),
            "the message names the flag\n{out}"
        );
    }
}

#[test]
fn query_operators_or_not_fields_ranges_and_boosts() {
    let env = indexed_sample();
    let (ushakov, _) = env.count("Ushakov");
    let (zelensky, _) = env.count("Zelensky");
    let (either, _) = env.count("Ushakov OR Zelensky");
    assert!(ushakov >= 1 && zelensky >= 1, "{ushakov} {zelensky}");
    assert!(either >= ushakov.max(zelensky), "OR widens: {either}");
    // Inclusion–exclusion: |A or B| + |A and B| = |A| + |B|.
    assert_eq!(either + env.count("Ushakov Zelensky").0, ushakov + zelensky);
    assert_eq!(
        either + env.count("Ushakov AND Zelensky").0,
        ushakov + zelensky
    );

    for query in ["Kyiv NOT Moscow", "Kyiv -Moscow"] {
        let search = env.search_json(query, &["--limit", "100"]);
        assert!(!search.hits.is_empty(), "{}", search.out);
        for hit in &search.hits {
            let text = hit["text"].as_str().unwrap();
            assert!(
                text.contains("Kyiv") && !text.contains("Moscow"),
                "{query}: {text}"
            );
        }
    }
    let (kyiv, _) = env.count("Kyiv");
    let (kyiv_moscow, _) = env.count("Kyiv Moscow");
    assert_eq!(env.count("Kyiv -Moscow").0, kyiv - kyiv_moscow);

    let by_id = env.search_json(&format!("id:{READOUT}"), &["--limit", "100"]);
    assert_eq!(by_id.articles(), [READOUT], "{}", by_id.out);
    let all = env.count("date:[2025-11-01 TO 2025-11-30]");
    assert_eq!(all.1, 2);
    assert_eq!(env.count("date:2025-11"), all);
    assert_eq!(env.count("date:2025-11-24"), all);
    // A range inside `date:(…)` takes the group's field.
    assert_eq!(env.count("date:(1990 OR [2025-11-20 TO 2025-11-30])"), all);
    env.run_ok(&["search", "date:(1990 OR [2025-11-25 TO *])"], 1);
    env.run_ok(&["search", "date:[2025-12-01 TO *]"], 1);
    assert_eq!(env.count("\"European partners\"").1, 2);

    let plain = env.search_json("Kyiv Ukraine", &["--limit", "100"]);
    let boosted = env.search_json("Kyiv^2 Ukraine", &["--limit", "100"]);
    let mut a = plain.locations();
    let mut b = boosted.locations();
    a.sort();
    b.sort();
    assert_eq!(a, b, "a boost changes scores, not matches");
}

#[test]
fn text_output_shows_rank_date_title_location_metadata_and_snippet() {
    let env = TestEnv::empty();
    env.add_fixtures("meta").index();
    let out = env.run_ok(
        &[
            "search",
            "country:UKR \"nuclear arsenal\"",
            "--color",
            "never",
            "--width",
            "0",
        ],
        0,
    );
    assert_eq!(
        out.stdout,
        "\
1. 2023  Ukraine at the 78th session · UN General Debate
   ungdc-78-UKR#0  country=UKR  session=78  speaker=Volodymyr Zelenskyy
   said by: Volodymyr Zelensky
   We must prevent the use of any nuclear arsenal as blackmail. The grain corridor works.

",
        "\n{out}"
    );
    assert!(
        out.stderr
            .starts_with("1 hit shown of 1 matching passage in 1 article ("),
        "{out}"
    );
}

#[test]
fn the_same_search_gives_identical_output_every_time() {
    let env = indexed_sample();
    let args = ["search", "Ukraine", "--limit", "50", "--color", "never"];
    let first = env.run_ok(&args, 0);
    assert!(first.stdout.lines().count() > 10, "{first}");
    let second = env.run_ok(&args, 0);
    assert_eq!(first.stdout, second.stdout);
    env.run_ok(&["index", "--threads", "2", "--quiet"], 0);
    let rebuilt = env.run_ok(&args, 0);
    assert_eq!(
        first.stdout, rebuilt.stdout,
        "a rebuilt index ranks the same"
    );
}

/// `text` without its SGR escapes (`ESC [ digits/semicolons m`).
fn strip_sgr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\x1b[") {
        out.push_str(&rest[..at]);
        let code = &rest[at + 2..];
        let len = code
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .expect("an SGR sequence is terminated");
        assert_eq!(&code[len..len + 1], "m", "not an SGR sequence: {rest:?}");
        rest = &code[len + 1..];
    }
    out.push_str(rest);
    out
}

/// Whether `line` shows `word` directly between an SGR colour code and a reset.
fn painted(line: &str, word: &str) -> bool {
    line.match_indices(&format!("{word}\x1b[0m"))
        .any(|(at, _)| {
            let before = &line[..at];
            before.ends_with('m')
                && before.rfind("\x1b[").is_some_and(|escape| {
                    before[escape + 2..before.len() - 1]
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b == b';')
                })
        })
}

#[test]
fn color_always_marks_the_highlighted_word_and_piped_output_has_none() {
    let env = indexed_sample();
    let plain = env.run_ok(&["search", "Ushakov", "--color", "never"], 0);
    let colored = env.run_ok(&["search", "Ushakov", "--color", "always"], 0);
    assert!(colored.stdout.contains('\x1b'), "{colored}");
    assert_eq!(
        strip_sgr(&colored.stdout),
        plain.stdout,
        "colour adds escapes and nothing else"
    );
    let snippet = colored
        .stdout
        .lines()
        .find(|l| strip_sgr(l).contains("said in Moscow"))
        .unwrap_or_else(|| panic!("no snippet line\n{colored}"));
    let search = env.search_json("Ushakov", &[]);
    let marks = &search.highlighted()[0];
    assert!(!marks.is_empty(), "{}", search.out);
    for mark in marks {
        assert!(
            painted(snippet, mark),
            "the highlighted {mark:?} is not between a colour code and a reset: {snippet:?}"
        );
    }

    for args in [
        &["search", "Ushakov"][..],
        &["search", "Ushakov", "--color", "auto"],
    ] {
        let piped = env.run_ok(args, 0);
        assert_eq!(piped.stdout, plain.stdout, "piped output is not coloured");
        assert!(!piped.stdout.contains('\x1b'), "{piped}");
    }
    assert!(
        plain.stdout.contains("Kremlin aide Yuri Ushakov said"),
        "{plain}"
    );
}

#[test]
fn search_with_a_missing_index_folder_names_it() {
    let env = TestEnv::new();
    let out = env.run(&["search", "x", "--index", "/nonexistent"]);
    let line = assert_one_line_error(&out);
    assert!(line.contains("/nonexistent"), "{out}");
    assert!(
        !env.path().join("index").exists(),
        "an explicit --index is never built implicitly"
    );
    assert!(!Path::new("/nonexistent").exists());
}

// ---------------------------------------------------------------------------------------------
// Analysis: case and diacritic folding
// ---------------------------------------------------------------------------------------------

#[test]
fn diacritics_and_case_fold_in_words_and_phrases() {
    let env = TestEnv::empty();
    env.add_fixtures("folding").index();
    let cases = [
        ("Kyiv", "Kyïv"),
        ("kyiv", "Kyïv"),
        ("Kyïv", "Kyïv"),
        ("KYÏV", "Kyïv"),
        ("turkiye", "Türkiye"),
        ("TÜRKIYE", "Türkiye"),
        ("\"cote d'ivoire\"", "Côte d'Ivoire"),
        ("\"CÔTE D'IVOIRE\"", "Côte d'Ivoire"),
        ("elysee", "ÉLYSÉE"),
    ];
    for (query, marked) in cases {
        let search = env.search_json(query, &[]);
        assert_eq!(
            search.articles(),
            ["black_sea.txt"],
            "{query}\n{}",
            search.out
        );
        let marks: Vec<String> = search.highlighted().iter().map(|m| m.join(" ")).collect();
        assert_eq!(marks, [marked], "{query}");
    }
    env.run_ok(&["search", "\"cote divoire\""], 1);
}

#[test]
fn text_file_headers_give_title_source_and_url() {
    let env = TestEnv::empty();
    env.add_fixtures("folding").index();
    let search = env.search_json("Ankara", &[]);
    assert_eq!(search.hits.len(), 1, "{}", search.out);
    let hit = &search.hits[0];
    assert_eq!(hit["date"], "2025-11-22");
    assert_eq!(hit["title"], "Black Sea talks");
    assert_eq!(hit["source"], "Agence Test");
    assert_eq!(hit["url"], "https://example.test/black-sea");
    assert!(
        hit["text"]
            .as_str()
            .unwrap()
            .starts_with("Envoys met in Kyïv")
    );
    assert_eq!(env.count("title:\"black sea\""), (1, 1));
    assert_eq!(env.count("source:agence"), (1, 1));
}

// ---------------------------------------------------------------------------------------------
// Indexing
// ---------------------------------------------------------------------------------------------

#[test]
fn first_search_builds_the_missing_index_and_the_second_reuses_it() {
    let env = TestEnv::new();
    assert!(!env.path().join("index").exists());
    let first = env.run_ok(&["search", "Ushakov"], 0);
    assert!(
        first
            .stderr
            .contains("no index at index/ yet: building it from corpus/ first"),
        "{first}"
    );
    assert!(first.stdout.contains("Ushakov"), "{first}");
    let generation = env.current_generation();

    let second = env.run_ok(&["search", "Ushakov"], 0);
    assert!(
        !second.stderr.contains("no index") && !second.stderr.contains("indexed"),
        "the second search must not rebuild\n{second}"
    );
    assert_eq!(second.stdout, first.stdout);
    assert_eq!(env.current_generation(), generation);
    assert_eq!(
        env.index_entries(),
        [".lock", "CURRENT", generation.as_str()]
    );
}

/// The sample corpus plus `tests/fixtures/bad/` and two files written as bytes.
fn corpus_with_bad_inputs() -> TestEnv {
    let env = TestEnv::new();
    env.add_fixtures("bad");
    env.write(
        "corpus/bad_utf8.txt",
        b"date 2025-11-20 A valid first line.\nThen \xff\xfe broken bytes about a wombat.\n",
    );
    env.write(
        "corpus/binary.txt",
        b"date 2025-11-20 \x00\x01\x02\x03\x89PNG binary",
    );
    env
}

#[test]
fn bad_inputs_are_warned_counted_and_skipped_while_good_articles_are_indexed() {
    let env = corpus_with_bad_inputs();
    let out = env.run_ok(&["index", "--threads", "1"], 0);
    let warnings = out.warnings();
    let expected = [
        ("corpus/bad_date.txt: line 1: ", "invalid date '2025-13-45'"),
        ("corpus/bad_utf8.txt: line 2: ", "invalid UTF-8"),
        ("corpus/binary.txt: ", "binary file"),
        ("corpus/empty_body.txt: line 1: ", "empty body"),
        ("corpus/mixed.jsonl: line 2: ", "malformed JSON"),
        ("corpus/mixed.jsonl: line 4: ", "missing field `date`"),
        (
            "corpus/mixed.jsonl: line 5: ",
            "duplicate article id 'good-1'",
        ),
        ("corpus/no_date.txt: line 1: ", "no date"),
    ];
    for (prefix, why) in expected {
        let prefix = format!("warning: {prefix}");
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with(&prefix) && w[prefix.len()..].contains(why)),
            "no warning `{prefix}…{why}…`\n{out}"
        );
    }
    assert_eq!(
        warnings.len(),
        expected.len(),
        "one warning per bad input\n{out}"
    );
    let binary = warnings.iter().find(|w| w.contains("binary.txt")).unwrap();
    assert!(
        !binary.contains("line"),
        "a whole-file problem has no line: {binary}"
    );
    assert!(
        !out.stderr.contains("notes.md") && !out.stderr.contains("table.csv"),
        "ignored file types are not warned about\n{out}"
    );
    let summary = out.stderr.lines().last().unwrap();
    assert!(
        summary.starts_with("added 6, changed 0, removed 0 articles, 0 unchanged; ")
            && summary.ends_with("; skipped 8 (see warnings above)"),
        "{out}"
    );

    // The good articles, including the good lines around the bad ones in mixed.jsonl.
    for (word, id) in [
        ("okapi", "good-1"),
        ("narwhal", "good-2"),
        ("capybara", "good-3"),
        ("marmoset", "good.txt"),
        ("Ushakov", REMARKS),
    ] {
        let search = env.search_json(word, &[]);
        assert_eq!(search.articles(), [id], "{word}\n{}", search.out);
    }
    // Nothing from the skipped inputs (the duplicate good-1 included).
    for word in [
        "tapir", "axolotl", "pangolin", "wombat", "quokka", "zanzibar",
    ] {
        env.run_ok(&["search", word], 1);
    }
    let stats = stats_json(&env);
    assert_eq!(stats["articles"], 6);
    assert_eq!(stats["last_run"]["skipped"], 8);
}

#[test]
fn strict_indexing_exits_3_when_something_was_skipped() {
    let env = corpus_with_bad_inputs();
    let out = env.run(&["index", "--threads", "1", "--strict"]);
    assert_eq!(out.code, 3, "{out}");
    assert_no_panic(&out);
    assert_eq!(out.warnings().len(), 8, "{out}");
    assert!(out.stderr.contains("skipped 8"), "{out}");

    let clean = TestEnv::new();
    clean.add_fixtures("folding");
    clean.write("corpus/notes.md", "# ignored\n");
    let out = clean.run_ok(&["index", "--threads", "1", "--strict"], 0);
    assert_eq!(out.warnings(), Vec::<&str>::new(), "{out}");
}

#[test]
fn verbose_indexing_reports_ignored_file_types() {
    let env = corpus_with_bad_inputs();
    let quiet = env.run_ok(&["index", "--threads", "1"], 0);
    assert!(!quiet.stderr.contains("ignored"), "{quiet}");
    let verbose = env.run_ok(&["index", "--threads", "1", "--verbose"], 0);
    assert!(verbose.stderr.contains("ignored 2 file"), "{verbose}");
}

/// Regression: the newline ending a JSON line was parsed with it, so an unterminated string
/// was reported as `line 4: malformed JSON: … at line 2 column 0`, naming a second, wrong line.
#[test]
fn a_malformed_jsonl_line_names_only_its_own_line_number() {
    let env = TestEnv::empty();
    env.write(
        "corpus/speeches.jsonl",
        concat!(
            r#"{"id": "a", "date": "2025", "body": "first"}"#,
            "\n",
            r#"{"id": "b", "date": "2025", "body": "second"}"#,
            "\n",
            r#"{"id": "c", "date": 2025-11-02, "body": "third"}"#,
            "\n",
            r#"{"id": "d", "date": "2025", "body": "unterminated"#,
            "\n",
            r#"{"id": "e", "date": "2025", "body": "fifth"}"#,
            "\n",
        ),
    );
    let out = env.run_ok(&["index", "--threads", "1"], 0);
    let warnings = out.warnings();
    assert_eq!(warnings.len(), 2, "{out}");
    assert!(
        warnings[0].starts_with("warning: corpus/speeches.jsonl: line 3: malformed JSON: "),
        "{out}"
    );
    assert!(
        warnings[1].starts_with("warning: corpus/speeches.jsonl: line 4: malformed JSON: "),
        "{out}"
    );
    for warning in warnings {
        let why = warning.split_once(": malformed JSON: ").unwrap().1;
        assert!(
            !why.contains("line "),
            "the message must not name another line: {warning}"
        );
    }
    assert_eq!(env.count("fifth"), (1, 1));
}

#[test]
fn metadata_fields_are_searchable_as_name_value() {
    let env = TestEnv::new();
    env.add_fixtures("meta").index();
    let ukraine = env.search_json("country:UKR", &[]);
    assert_eq!(
        ukraine.articles(),
        ["ungdc-77-UKR", "ungdc-78-UKR"],
        "{}",
        ukraine.out
    );
    assert_eq!(ukraine.hits[0]["meta"]["country"], "UKR");
    assert_eq!(ukraine.hits[0]["meta"]["speaker"], "Volodymyr Zelenskyy");
    assert_eq!(ukraine.hits[0]["source"], "UN General Debate");
    assert_eq!(env.count("country:ukr"), (2, 2));

    let speaker = env.search_json("speaker:\"Volodymyr Zelenskyy\"", &[]);
    assert_eq!(
        speaker.articles(),
        ["ungdc-77-UKR", "ungdc-78-UKR"],
        "{}",
        speaker.out
    );
    let session = env.search_json("session:78", &[]);
    assert_eq!(
        session.articles(),
        ["ungdc-78-FRA", "ungdc-78-UKR"],
        "{}",
        session.out
    );
    assert_eq!(session.hits[0]["meta"]["session"], "78");

    let both = env.search_json("country:UKR \"nuclear arsenal\"", &[]);
    assert_eq!(both.articles(), ["ungdc-78-UKR"], "{}", both.out);
    assert_eq!(both.highlighted()[0].join(" "), "nuclear arsenal");
    env.run_ok(&["search", "country:FRA Ushakov"], 1);
    assert_eq!(env.count("country:UKR date:2022"), (1, 1));
}

#[test]
fn metadata_named_like_a_query_field_is_searched_as_meta_key() {
    let env = TestEnv::empty();
    env.write(
        "corpus/a.jsonl",
        "{\"id\":\"n1\",\"date\":\"2020-01-01\",\"type\":\"interview\",\"said\":\"minister\",\
         \"text\":\"draft\",\"desk\":\"foreign\",\"body\":\"The minister spoke of peace.\"}\n\
         {\"id\":\"n2\",\"date\":\"2020-01-02\",\"type\":\"editorial\",\"said\":\"editor\",\
         \"text\":\"final\",\"desk\":\"home\",\"body\":\"An editorial on peace.\"}\n",
    );
    env.run_ok(&["index", "--quiet"], 0);
    for (query, id) in [
        ("meta.type:interview", "n1"),
        ("meta.said:editor", "n2"),
        ("meta.text:draft", "n1"),
        ("meta.desk:home", "n2"),
        ("desk:home", "n2"),
    ] {
        let found = env.search_json(query, &[]);
        assert_eq!(found.articles(), [id], "{query}: {}", found.out);
    }
    // `type:` stays the entities' type, and the error names where the metadata went.
    let out = env.run(&["search", "nosuch:x"]);
    let line = assert_one_line_error(&out);
    assert!(
        line.contains("desk, meta.said, meta.text, meta.type)"),
        "{line}"
    );
    let stats = env.run_ok(&["stats"], 0);
    assert!(
        stats
            .stdout
            .contains("metadata    desk, meta.said, meta.text, meta.type"),
        "{stats}"
    );
    let facets = env.run_ok(&["facets", "--by", "meta.type"], 0);
    assert!(facets.stdout.contains("interview"), "{facets}");
}

/// Metadata keys lost their letters outside ASCII: `país` was `pas:`, `año` merged with `ao`,
/// a key of no ASCII letter (`国`) could not be searched, and the export dropped it.
#[test]
fn metadata_keys_keep_their_letters_in_any_script() {
    let env = TestEnv::empty();
    env.write(
        "corpus/a.jsonl",
        "{\"id\":\"k1\",\"date\":\"2020\",\"año\":\"dos mil\",\"ao\":\"otro\",\
         \"País\":\"España\",\"İl\":\"Ankara\",\"body\":\"The minister spoke of peace.\"}\n\
         {\"id\":\"k2\",\"date\":\"2020\",\"国\":\"中国\",\"Speaker Name\":\"Ann Lee\",\
         \"body\":\"An editorial on war.\"}\n",
    );
    env.run_ok(&["index", "--quiet"], 0);
    for (query, ids) in [
        ("país:España", &["k1"][..]),
        ("País:españa", &["k1"]),
        ("PAÍS:España", &["k1"]),
        ("İL:Ankara", &["k1"]),
        ("il:ankara", &["k1"]),
        ("año:dos", &["k1"]),
        ("ao:dos", &[]),
        ("ao:otro", &["k1"]),
        ("国:中国", &["k2"]),
        ("speaker_name:\"Ann Lee\"", &["k2"]),
    ] {
        let found = env.search_json(query, &[]);
        assert_eq!(found.articles(), ids, "{query}: {}", found.out);
    }
    let stats = env.run_ok(&["stats"], 0);
    assert!(
        stats
            .stdout
            .contains("metadata    ao, año, il, país, speaker_name, 国"),
        "{stats}"
    );
    let facets = env.run_ok(&["facets", "--by", "país"], 0);
    assert!(facets.stdout.contains("España"), "{facets}");
    // The export names every key in ASCII, and says so: nothing is left out.
    let out = env.run_ok(&["export", "--format", "opensearch", "os", "--quiet"], 0);
    assert!(
        out.stderr
            .contains("note: metadata key '国' is exported as 'm_u56fd'"),
        "{out}"
    );
    env.run_ok(&["index", "os", "--index", "again", "--quiet"], 0);
    let again = env.run_ok(
        &["search", "--index", "again", "--count", "m_u56fd:中国"],
        0,
    );
    assert_eq!(again.stdout, "1 passage in 1 article\n", "{again}");
}

#[test]
fn an_unknown_field_error_lists_the_metadata_fields() {
    let env = TestEnv::new();
    env.add_fixtures("meta").index();
    let out = env.run(&["search", "nosuchfield:x"]);
    let line = assert_one_line_error(&out);
    assert!(line.contains("unknown field 'nosuchfield'"), "{out}");
    for field in [
        "title", "source", "date", "id", "country", "session", "speaker",
    ] {
        assert!(line.contains(field), "`{field}` is not listed: {line}");
    }
}

#[test]
fn reindexing_after_deleting_a_file_removes_its_passages() {
    let env = indexed_sample();
    let first = env.current_generation();
    assert_eq!(env.count("Ushakov"), (1, 1));
    env.remove(&format!("corpus/{REMARKS}"));
    let out = env.run_ok(&["index", "--threads", "1"], 0);
    assert!(
        out.stderr
            .contains("added 0, changed 0, removed 1 article, 1 unchanged; 0 passages written"),
        "{out}"
    );
    env.run_ok(&["search", "Ushakov"], 1);
    let all = env.search_json("date:2025-11-24", &["--limit", "100"]);
    assert_eq!(all.articles(), [READOUT], "{}", all.out);
    assert_eq!(env.current_generation(), first, "an update works in place");

    env.run_ok(&["index", "--full", "--threads", "1", "--quiet"], 0);
    let second = env.current_generation();
    assert_ne!(first, second, "a full rebuild builds a new generation");
    assert_eq!(
        env.index_entries(),
        [".lock", "CURRENT", second.as_str()],
        "old generation removed"
    );
    let rebuilt = env.search_json("date:2025-11-24", &["--limit", "100"]);
    assert_eq!(rebuilt.locations(), all.locations());
}

/// Writes `bulk/bulk.jsonl`: `articles` one-passage articles of 300 words, ~2.6 kB each, so
/// that 8,000 take seconds to index even in a release build.
fn write_bulk_corpus(env: &TestEnv, articles: usize) {
    let words = [
        "delegation",
        "envoy",
        "summit",
        "treaty",
        "ceasefire",
        "sanctions",
        "corridor",
        "grain",
        "reactor",
        "inspection",
        "mandate",
        "protocol",
        "accord",
        "ministers",
        "council",
        "resolution",
        "observer",
    ];
    let mut jsonl = String::new();
    for i in 0..articles {
        let body: Vec<&str> = (0..300)
            .map(|j| words[(i * 7 + j * 3) % words.len()])
            .collect();
        let line = serde_json::json!({
            "id": format!("bulk-{i}"),
            "date": "2024-01-01",
            "body": body.join(" "),
        });
        jsonl.push_str(&line.to_string());
        jsonl.push('\n');
    }
    env.write("bulk/bulk.jsonl", jsonl);
}

#[test]
fn an_interrupted_full_rebuild_keeps_the_old_index_and_the_next_run_cleans_up() {
    let env = indexed_sample();
    let generation = env.current_generation();
    let before = env.search_json("Ushakov OR Geneva", &["--limit", "100"]);
    assert!(before.hits.len() > 1, "{}", before.out);
    write_bulk_corpus(&env, 8000);

    let mut child = env.spawn(&["index", "bulk", "--full", "--threads", "2", "--quiet"]);
    let started = Instant::now();
    while !env
        .index_entries()
        .iter()
        .any(|n| n.starts_with(".attache-build-"))
    {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the index run ended ({status}) before its build folder was seen");
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no build folder appeared"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(100));
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the index run finished before it was killed; write a bigger bulk corpus"
    );
    assert!(
        env.index_entries()
            .iter()
            .any(|n| n.starts_with(".attache-build-")),
        "the killed run leaves its build folder: {:?}",
        env.index_entries()
    );

    assert_eq!(env.current_generation(), generation);
    let after = env.search_json("Ushakov OR Geneva", &["--limit", "100"]);
    assert_eq!(after.locations(), before.locations(), "{}", after.out);
    assert_eq!(after.hits, before.hits);
    env.run_ok(&["search", "ceasefire"], 1);
    assert_eq!(stats_json(&env)["articles"], 2);

    // The next run, even an update, removes the leftovers.
    env.index();
    let entries = env.index_entries();
    assert!(
        !entries.iter().any(|n| n.starts_with(".attache-build-")),
        "the next run removes the leftovers: {entries:?}"
    );
    assert_eq!(env.current_generation(), generation);
    assert_eq!(
        entries,
        [".lock", "CURRENT", env.current_generation().as_str()]
    );
    let rebuilt = env.search_json("Ushakov OR Geneva", &["--limit", "100"]);
    assert_eq!(rebuilt.locations(), before.locations());
}

#[test]
fn an_index_run_on_a_missing_path_fails_up_front_and_keeps_the_old_index() {
    let env = indexed_sample();
    let entries = env.index_entries();
    let before = env.search_json("Ushakov", &[]);
    let out = env.run(&["index", "no-such-corpus", "--threads", "1"]);
    let line = assert_one_line_error(&out);
    assert!(
        line.contains("'no-such-corpus'") && line.contains("does not exist"),
        "{out}"
    );
    assert_eq!(env.index_entries(), entries, "nothing written");
    let after = env.search_json("Ushakov", &[]);
    assert_eq!(after.hits, before.hits);
}

// ---------------------------------------------------------------------------------------------
// Stats
// ---------------------------------------------------------------------------------------------

fn stats_json(env: &TestEnv) -> Value {
    let out = env.run_ok(&["stats", "--json"], 0);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e})\n{out}"))
}

#[test]
fn stats_json_reports_articles_passages_dates_and_size() {
    let env = TestEnv::new();
    let built = env.index();
    let passages = env.count("date:2025-11-24").0;
    assert!(
        built.stderr.contains(&format!(
            "added 2, changed 0, removed 0 articles, 0 unchanged; {passages} passages written"
        )),
        "{built}"
    );
    let stats = stats_json(&env);
    assert_eq!(stats["articles"], 2, "{stats:#}");
    assert_eq!(stats["passages"].as_u64(), Some(passages), "{stats:#}");
    assert_eq!(stats["first_date"], "2025-11-24");
    assert_eq!(stats["last_date"], "2025-11-24");
    assert!(stats["size_bytes"].as_u64().unwrap() > 0, "{stats:#}");
    assert_eq!(stats["last_run"]["articles"], 2);
    assert_eq!(stats["last_run"]["added"], 2);
    assert_eq!(stats["last_run"]["complete"], true);
    assert_eq!(stats["last_run"]["skipped"], 0);
    assert_eq!(stats["segments"].as_u64().map(|n| n >= 1), Some(true));
    assert_eq!(stats["deleted_passages"], 0);
}

/// Passages without a source had no row: the sources listed did not add up to the passages.
#[test]
fn stats_sources_add_up_to_the_passages() {
    let env = TestEnv::new();
    env.write(
        "corpus/wire.jsonl",
        "{\"id\": \"w1\", \"date\": \"2025\", \"source\": \"Wire\", \"body\": \"A note on Geneva.\"}\n",
    );
    env.index();
    let stats = stats_json(&env);
    let listed: u64 = stats["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["passages"].as_u64().unwrap())
        .sum();
    let none = stats["no_source_passages"].as_u64().unwrap();
    assert!(none > 0, "{stats:#}");
    assert_eq!(
        listed + none,
        stats["passages"].as_u64().unwrap(),
        "{stats:#}"
    );
    let out = env.run_ok(&["stats"], 0);
    assert!(
        out.stdout
            .contains(&format!("  {none:>8} passages  (no source)")),
        "{out}"
    );
}

#[test]
fn stats_text_reports_articles_passages_dates_and_a_nonzero_size() {
    let env = indexed_sample();
    let passages = env.count("date:2025-11-24").0.to_string();
    let out = env.run_ok(&["stats"], 0);
    let lines: Vec<Vec<&str>> = out
        .stdout
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    let line = |key: &str| {
        lines
            .iter()
            .find(|words| words.first() == Some(&key))
            .unwrap_or_else(|| panic!("no `{key}` line\n{out}"))
            .clone()
    };
    assert_eq!(line("articles"), ["articles", "2"], "{out}");
    assert_eq!(line("passages"), ["passages", passages.as_str()], "{out}");
    assert_eq!(
        line("dates"),
        ["dates", "2025-11-24", "to", "2025-11-24"],
        "{out}"
    );
    let size = line("size");
    let number: f64 = size[1]
        .parse()
        .unwrap_or_else(|_| panic!("size is not a number\n{out}"));
    assert!(
        number > 0.0,
        "a {}-byte index must not be reported as `{}`\n{out}",
        stats_json(&env)["size_bytes"],
        size[1..].join(" ")
    );
}

// ---------------------------------------------------------------------------------------------
// The full UN General Debate Corpus (ignored: run with `cargo test --release -- --ignored ungdc`)
// ---------------------------------------------------------------------------------------------

/// An environment whose index holds the whole UNGDC, or `None` (saying so) without the corpus.
fn ungdc_index() -> Option<TestEnv> {
    let corpus = util::ungdc()?;
    let env = TestEnv::empty();
    env.run_ok(&["index", corpus.to_str().unwrap(), "--quiet"], 0);
    Some(env)
}

#[test]
#[ignore = "indexes ~200 MB; run with `cargo test --release -- --ignored ungdc`"]
fn ungdc_full_corpus_has_10952_speeches_and_finds_ukraine_2023() {
    let Some(corpus) = util::ungdc() else {
        return;
    };
    let env = TestEnv::empty();
    let built = env.run_ok(&["index", corpus.to_str().unwrap(), "--quiet"], 0);
    assert_eq!(built.warnings(), Vec::<&str>::new(), "{built}");
    assert!(
        built
            .stderr
            .contains("added 10952, changed 0, removed 0 articles, 0 unchanged; 387345 passages"),
        "{built}"
    );
    let again = env.run_ok(&["index", corpus.to_str().unwrap(), "--json"], 0);
    let again: Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(
        [
            &again["added"],
            &again["changed"],
            &again["removed"],
            &again["unchanged"]
        ],
        [0, 0, 0, 10_952],
        "{again}"
    );
    let stats = stats_json(&env);
    assert_eq!(stats["articles"], 10_952, "{stats:#}");
    assert_eq!(stats["first_date"], "1946");
    assert_eq!(stats["last_date"], "2024");

    let search = env.search_json("country:UKR \"nuclear arsenal\"", &["--limit", "100"]);
    assert!(
        search.articles().iter().any(|id| id == "ungdc-78-UKR"),
        "the 2023 speech is missing from {:?}\n{}",
        search.articles(),
        search.out
    );
    for hit in &search.hits {
        assert_eq!(hit["meta"]["country"], "UKR", "{hit}");
    }
    assert_follows_schema(&search);

    // Exact phrases stop at clause and sentence breaks: their counts equal an independent count
    // of the same rule over the passages' text.
    for (phrase, candidates) in [
        ("security guarantee", "\"guarantee\""),
        ("security guarantees", "\"guarantees\""),
        ("nuclear arsenal", "\"arsenal\""),
        ("two state solution", "two state solution"),
        ("ukraine's security", "\"ukraine's\""),
        ("peaceful coexistence", "\"coexistence\""),
        ("human rights violations", "\"violations\""),
        ("the arms race", "\"race\""),
        ("immediate cessation", "\"cessation\""),
    ] {
        phrases::assert_phrase_count_is_independent(&env, phrase, candidates);
    }
    // "maintain international peace and security, guarantee justice" is not the phrase.
    let search = env.search_json("\"security guarantee\"", &["--limit", "100"]);
    assert_eq!(search.hits.len(), 6, "{}", search.out);
}

// ---------------------------------------------------------------------------------------------
// Entities
// ---------------------------------------------------------------------------------------------

/// The `id`s of a hit's entity mentions, and the text each mention covers.
fn mentions(hit: &Value) -> Vec<(String, String)> {
    let text = hit["text"].as_str().unwrap();
    hit["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let span = m["byte_span"].as_array().unwrap();
            let (start, end) = (span[0].as_u64().unwrap(), span[1].as_u64().unwrap());
            (
                m["id"].as_str().unwrap().to_owned(),
                text[start as usize..end as usize].to_owned(),
            )
        })
        .collect()
}

#[test]
fn an_entity_is_found_under_any_spelling_of_the_query() {
    let env = indexed_sample();
    let expected = env.search_json("@zelensky", &[]).locations();
    assert_eq!(expected.len(), 2, "{expected:?}");
    for query in [
        "@Zelenskyy",
        "@Zelenskiy",
        "@Зеленський",
        "@\"Volodymyr Zelensky\"",
        "entity:zelensky",
    ] {
        assert_eq!(env.search_json(query, &[]).locations(), expected, "{query}");
    }
    // A plain word that is an alias finds the entity's mentions too, unless told not to.
    assert_eq!(env.search_json("Zelenskyy", &[]).locations(), expected);
    let strict = env.search_json("Zelenskyy", &["--strict-spelling"]);
    assert!(strict.hits.is_empty(), "{}", strict.out);
}

#[test]
fn at_ushakov_finds_exactly_the_passage_quoting_him() {
    let env = indexed_sample();
    let search = env.search_json("@ushakov", &[]);
    assert_eq!(search.hits.len(), 1, "{}", search.out);
    let hit = &search.hits[0];
    assert_eq!(hit["article_id"], REMARKS);
    assert!(
        hit["text"]
            .as_str()
            .unwrap()
            .contains("Kremlin aide Yuri Ushakov said")
    );
    // An entity query marks the whole mention.
    assert_eq!(search.highlighted()[0], ["Yuri Ushakov"]);
    let entity = hit["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "ushakov")
        .expect("the Ushakov mention");
    assert_eq!(entity["type"], "person");
    assert_eq!(entity["name"], "Yuri Ushakov");
}

#[test]
fn the_pronoun_us_is_not_the_united_states_but_a_us_guarantee_is() {
    let env = indexed_sample();
    let ushakov = env.search_json("\"does not work for us\"", &[]);
    assert_eq!(ushakov.hits.len(), 1, "{}", ushakov.out);
    let ids: Vec<String> = mentions(&ushakov.hits[0])
        .into_iter()
        .map(|m| m.0)
        .collect();
    assert!(!ids.contains(&"united-states".to_owned()), "{ids:?}");

    let guarantee = env.search_json("\"a US security guarantee\"", &[]);
    assert_eq!(guarantee.hits.len(), 1, "{}", guarantee.out);
    assert!(
        mentions(&guarantee.hits[0]).contains(&("united-states".into(), "US".into())),
        "{}",
        guarantee.out
    );

    // Searching `US` ranks every passage with a recognised mention above the pronoun.
    let us = env.search_json(
        "US",
        &["--limit", "50", "--per-article", "0", "--no-collapse"],
    );
    let last = us.hits.last().expect("hits");
    assert!(
        last["text"]
            .as_str()
            .unwrap()
            .contains("does not work for us"),
        "{}",
        us.out
    );
    for hit in &us.hits[..us.hits.len() - 1] {
        assert!(
            mentions(hit).iter().any(|m| m.0 == "united-states"),
            "{hit}"
        );
    }
}

#[test]
fn entity_tokens_work_inside_phrases_across_spellings() {
    let env = TestEnv::empty();
    env.write(
        "corpus/a.txt",
        "date 2025-11-20 Zelenskyy spoke at length about security with European leaders.",
    );
    env.write(
        "corpus/b.txt",
        "date 2025-11-21 Security was not what Zelensky raised first.",
    );
    env.write(
        "corpus/c.txt",
        "date 2025-11-22 Zelenskiy thanked the partners who had stood with Ukraine through a long \
         and difficult winter, and only then turned to security.",
    );
    env.index();
    // Within five positions, in either order (slop, as in Lucene), whatever the spelling.
    let near = env.search_json("\"@zelensky security\"~5", &[]);
    assert_eq!(near.articles(), ["a.txt", "b.txt"], "{}", near.out);
    let exact = env.search_json("\"@zelensky spoke\"", &[]);
    assert_eq!(exact.articles(), ["a.txt"], "{}", exact.out);
    let far = env.search_json("\"@zelensky security\"~25", &[]);
    assert_eq!(far.articles(), ["a.txt", "b.txt", "c.txt"], "{}", far.out);
}

#[test]
fn a_known_alias_finds_its_entity_and_the_exact_spelling_ranks_first() {
    let env = TestEnv::new();
    // A paragraph about the city, as long as the sample's and naming it as often as they do
    // (twice): a one-line mention would rank below them, as the passages of a query naming an
    // entity are weighed by length, and the spelling weighs less than a second mention.
    env.write(
        "corpus/kiev.txt",
        "date 2025-11-20 Talks in Kiev ended without a deal. The delegations that had come to \
         Kiev for the second round left the capital on Thursday evening, and the officials who \
         stayed behind said that the city's air defences had been the main subject of the last \
         meeting, before the ministers returned to their capitals to report.",
    );
    env.index();
    let search = env.search_json("Kiev", &["--limit", "50"]);
    assert_eq!(search.hits[0]["article_id"], "kiev.txt", "{}", search.out);
    // The sample articles say Kyiv, never Kiev: they are found through the entity.
    assert!(
        search.articles().contains(&REMARKS.to_owned()),
        "{}",
        search.out
    );
    let strict = env.search_json("Kiev", &["--strict-spelling"]);
    assert_eq!(strict.articles(), ["kiev.txt"], "{}", strict.out);
}

#[test]
fn type_filters_keep_passages_with_an_entity_of_that_type() {
    let env = indexed_sample();
    let people = env.search_json("Moscow type:person", &[]);
    assert!(!people.hits.is_empty(), "{}", people.out);
    for hit in &people.hits {
        let types: Vec<&Value> = hit["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| &m["type"])
            .collect();
        assert!(types.iter().any(|t| *t == "person"), "{hit}");
    }
    let bad = env.run(&["search", "type:city"]);
    assert!(
        assert_one_line_error(&bad).contains("unknown entity type 'city'"),
        "{bad}"
    );
}

#[test]
fn entities_with_ushakov_lists_the_kremlin() {
    let env = indexed_sample();
    let out = env.run_ok(&["entities", "--with", "@ushakov", "--json"], 0);
    let ids: Vec<String> = out
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert!(ids.contains(&"kremlin".to_owned()), "{out}");
    assert!(
        !ids.contains(&"ushakov".to_owned()),
        "the entity itself is left out\n{out}"
    );
}

#[test]
fn entities_lists_the_most_mentioned_with_counts() {
    let env = indexed_sample();
    let out = env.run_ok(&["entities", "--json", "--limit", "3"], 0);
    let rows: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3, "{out}");
    assert_eq!(rows[0]["id"], "ukraine", "{out}");
    assert_eq!(rows[0]["type"], "state");
    assert_eq!(rows[0]["articles"], 2);
    for pair in rows.windows(2) {
        assert!(
            pair[0]["passages"].as_u64() >= pair[1]["passages"].as_u64(),
            "{out}"
        );
    }
    let people = env.run_ok(&["entities", "--type", "person", "--json"], 0);
    for line in people.stdout.lines() {
        assert_eq!(
            serde_json::from_str::<Value>(line).unwrap()["type"],
            "person",
            "{people}"
        );
    }
}

#[test]
fn entity_shows_spellings_and_mention_dates() {
    let env = TestEnv::new();
    env.write("corpus/early.txt", "date 2025-03 Zelenskyy met the envoys.");
    env.index();
    let out = env.run_ok(&["entity", "Зеленський", "--json"], 0);
    let profile: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(profile["id"], "zelensky");
    assert_eq!(profile["first_date"], "2025-03");
    assert_eq!(profile["last_date"], "2025-11-24");
    assert_eq!(profile["mentions"], 3);
    let spellings: Vec<&str> = profile["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a[0].as_str().unwrap())
        .collect();
    assert!(spellings.contains(&"Zelenskyy"), "{out}");
    assert!(spellings.contains(&"Zelensky"), "{out}");
    let missing = env.run(&["entity", "@nobody-at-all"]);
    assert_eq!(missing.code, 1, "{missing}");
}

/// Recognition quality on the hand-labelled passages of `tests/fixtures/entities/` (see its
/// README for the labelling rules): the README reports the figures this prints.
#[test]
fn entity_recognition_meets_its_precision_and_recall_floor() {
    let labelled = util::fixture("entities/labelled.jsonl");
    let scores =
        attache::entities::eval::evaluate(attache::entities::Gazetteer::builtin(), &labelled)
            .expect("a well-formed labelled set");
    util::assert_quality("entity recognition", "passages", &scores, 40, (0.95, 0.93));
}

// ---------------------------------------------------------------------------------------------
// Synthetic corpora: attache gen
// ---------------------------------------------------------------------------------------------

#[test]
fn gen_with_the_same_seed_writes_byte_identical_articles() {
    let env = TestEnv::empty();
    let first = env.run_ok(&["gen", "--articles", "40", "--seed", "7"], 0);
    let again = env.run_ok(&["gen", "--articles", "40", "--seed", "7"], 0);
    assert_eq!(first.stdout, again.stdout);
    assert_eq!(first.stdout.lines().count(), 40);
    let other = env.run_ok(&["gen", "--articles", "40", "--seed", "8"], 0);
    assert_ne!(first.stdout, other.stdout);

    // A shorter run is a prefix of a longer one; a folder gets a file named after the run.
    let shorter = env.run_ok(&["gen", "--articles", "15", "--seed", "7"], 0);
    assert!(first.stdout.starts_with(&shorter.stdout));
    let written = env.run_ok(
        &["gen", "--articles", "40", "--seed", "7", "--out", "out/"],
        0,
    );
    assert!(written.stderr.starts_with("wrote 40 articles"), "{written}");
    let file = std::fs::read_to_string(env.path().join("out/gen-s7-n40.jsonl")).unwrap();
    assert_eq!(file, first.stdout);

    for line in first.stdout.lines() {
        let article: Value = serde_json::from_str(line).unwrap();
        let year: u32 = article["date"].as_str().unwrap()[..4].parse().unwrap();
        assert!((1946..=2025).contains(&year), "{article}");
        assert!(article["id"].as_str().unwrap().starts_with("gen-7-"));
        assert!(article["body"].as_str().unwrap().len() > 800, "{article}");
    }
}

/// `gen --out` wrote over any file (`gen --learn mine.jsonl --out mine.jsonl` replaced the corpus
/// it had just read by the model), and an interrupted run left a cut file under the full name.
#[test]
fn gen_writes_over_its_own_output_only_and_through_a_partial_file() {
    let env = TestEnv::empty();
    let mine = "{\"id\":\"p\",\"date\":\"2020\",\"body\":\"My only copy of a speech on peace.\"}\n";
    env.write("mine.jsonl", mine);
    let out = env.run(&["gen", "--articles", "2", "--out", "mine.jsonl"]);
    assert_eq!(
        assert_one_line_error(&out),
        "attache: mine.jsonl exists and is not a corpus made by `attache gen`: remove it first \
         or name another file"
    );
    let out = env.run(&["gen", "--learn", "mine.jsonl", "--out", "mine.jsonl"]);
    assert_eq!(
        assert_one_line_error(&out),
        "attache: mine.jsonl exists and is not a model made by `attache gen --learn`: remove it \
         first or name another file"
    );
    assert_eq!(
        std::fs::read_to_string(env.path().join("mine.jsonl")).unwrap(),
        mine
    );

    // Its own output is written again, as a whole, renamed from `FILE.partial`.
    env.run_ok(
        &["gen", "--articles", "3", "--seed", "1", "--out", "g.jsonl"],
        0,
    );
    env.run_ok(
        &["gen", "--articles", "5", "--seed", "1", "--out", "g.jsonl"],
        0,
    );
    let written = std::fs::read_to_string(env.path().join("g.jsonl")).unwrap();
    assert_eq!(written.lines().count(), 5);
    assert!(!env.path().join("g.jsonl.partial").exists());
    env.run_ok(&["gen", "--learn", "g.jsonl", "--out", "model.tsv"], 0);
    env.run_ok(&["gen", "--learn", "g.jsonl", "--out", "model.tsv"], 0);
    let model = std::fs::read_to_string(env.path().join("model.tsv")).unwrap();
    assert!(model.starts_with("# attache gen model"), "{model}");
}

#[test]
fn a_generated_corpus_indexes_and_answers_word_phrase_entity_and_date_queries() {
    let env = TestEnv::empty();
    let out = env.run_ok(&["gen", "--articles", "300", "--seed", "3"], 0);
    env.write("corpus/generated.jsonl", &out.stdout);
    env.index();
    assert_eq!(stats_json(&env)["articles"], 300);

    let (passages, articles) = env.count("\"human rights\"");
    assert!(passages > 10 && articles > 10, "{passages} in {articles}");
    let (_, in_un) = env.count("@un");
    assert!(
        in_un > 100,
        "United Nations mentioned in only {in_un} articles"
    );
    let (_, all) = env.count("the");
    let (_, recent) = env.count("the date:[2000-01-01 TO 2025-12-31]");
    assert!(0 < recent && recent < all, "{recent} of {all}");

    let search = env.search_json("\"human rights\"", &["--limit", "3"]);
    assert_eq!(search.hits.len(), 3);
    for id in search.articles() {
        assert!(out.stdout.contains(&format!("\"id\":\"{id}\"")), "{id}");
    }
}

#[test]
fn gen_learns_nothing_from_a_folder_without_articles_and_writes_no_model() {
    let env = TestEnv::empty();
    std::fs::create_dir(env.path().join("empty")).unwrap();
    let out = env.run_ok(&["gen", "--learn", "empty", "--out", "model.tsv"], 2);
    assert_eq!(
        out.stderr,
        "attache: gen --learn read no article with words in empty: give the folders or files \
         of a corpus\n"
    );
    assert!(!env.path().join("model.tsv").exists());
}

#[test]
fn gen_learns_a_model_from_a_corpus_and_samples_only_its_words() {
    let env = TestEnv::new();
    let learned = env.run_ok(&["gen", "--learn", "corpus", "--out", "model.tsv"], 0);
    assert!(learned.stderr.contains("from 2 articles"), "{learned}");
    let model = std::fs::read_to_string(env.path().join("model.tsv")).unwrap();
    assert!(model.contains("\nword\tthe\t"), "{model}");

    let out = env.run_ok(&["gen", "--articles", "5", "--model", "model.tsv"], 0);
    // Every word written is a listed word or a word of a listed entity spelling (the sample's
    // few words are all listed, so no rare word is invented), capitalised at most.
    let mut known = std::collections::HashSet::new();
    for line in model.lines() {
        if let Some(rest) = line
            .strip_prefix("word\t")
            .or(line.strip_prefix("entity\t"))
        {
            known.extend(rest.split('\t').next().unwrap().split(' '));
        }
    }
    assert!(model.contains("rate\ttail\t0.000000"), "{model}");
    let mut checked = 0;
    for line in out.stdout.lines() {
        let article: Value = serde_json::from_str(line).unwrap();
        for word in article["body"]
            .as_str()
            .unwrap()
            .split([' ', ',', '.', '\n'])
        {
            if word.is_empty() {
                continue;
            }
            let mut chars = word.chars();
            let lower: String = chars.next().unwrap().to_lowercase().chain(chars).collect();
            assert!(
                known.contains(word) || known.contains(lower.as_str()),
                "{word} is not in the model"
            );
            checked += 1;
        }
    }
    assert!(checked > 500, "{checked} words");
}

#[test]
fn a_bad_model_file_is_one_error_line_naming_its_line() {
    let env = TestEnv::empty();
    env.write("bad.tsv", "format\t1\nword\tthe\tmany\n");
    let out = env.run(&["gen", "--articles", "1", "--model", "bad.tsv"]);
    assert_eq!(
        assert_one_line_error(&out),
        "attache: bad.tsv: model line 2: 'many' is not a whole number"
    );
}
