//! Hostile queries: each gives results, or one error line naming its column; exit 2 for errors.

use super::{has_control, peak_kb};
use crate::util::TestEnv;
use crate::{assert_one_line_error, indexed_sample};

/// A query and what it must give: `Ok(exit code)` or `Err(start of the error line)`.
type Case = (String, Result<i32, &'static str>);

fn cases() -> Vec<Case> {
    let q = |s: &str| s.to_owned();
    let long = "security ".repeat(100_000 / 9); // 100 kB
    let deep = format!("{}Geneva{}", "(".repeat(1000), ")".repeat(1000));
    let deep_or = format!("{}Geneva{}", "(a OR ".repeat(1000), ")".repeat(1000));
    vec![
        (q(""), Err("bad query: column 1: empty query")),
        (q(" \t\n "), Err("bad query: column 1: empty query")),
        (
            long.clone(),
            Err("bad query: column 9217: too many terms: a query may hold at most 1024"),
        ),
        (
            format!("\"{long}\""),
            Err("bad query: column 1: phrase too long: 11111 words, at most 64"),
        ),
        // An unquoted run of Chinese is a phrase of its letters: the error says so.
        (
            "和平".repeat(50),
            Err(
                "bad query: column 1: phrase too long: 100 words, of which 100 are letters of \
                 a script written without spaces, each a word; a phrase has at most 64",
            ),
        ),
        ("和平".repeat(32), Ok(1)),
        ("guarantee ".repeat(1024), Ok(0)),
        (format!("\"{}\"", "the ".repeat(64)), Ok(1)),
        (
            "self-".repeat(20_000),
            Err("bad query: column 1: phrase too long: 20000 words"),
        ),
        (
            q("\"security guarantee"),
            Err("bad query: column 1: unbalanced quote"),
        ),
        (q("\"\"\""), Err("bad query: column 3: unbalanced quote")),
        (
            q("(Geneva"),
            Err("bad query: column 1: unbalanced parenthesis"),
        ),
        (
            q("Geneva))"),
            Err("bad query: column 7: unbalanced parenthesis"),
        ),
        (
            q("date:[2025 TO"),
            Err("bad query: column 6: malformed range"),
        ),
        (q("a ]"), Err("bad query: column 3: stray `]`")),
        (
            q("AND"),
            Err("bad query: column 1: dangling operator: `AND`"),
        ),
        (
            q("OR OR"),
            Err("bad query: column 1: dangling operator: `OR`"),
        ),
        (
            q("NOT"),
            Err("bad query: column 1: dangling operator: `NOT`"),
        ),
        (q("-"), Err("bad query: column 1: dangling operator: `-`")),
        (q("+"), Err("bad query: column 1: dangling operator: `+`")),
        (q("~"), Err("bad query: column 1: stray `~`")),
        (q("^"), Err("bad query: column 1: stray `^`")),
        (
            q("Geneva^1e9"),
            Err("bad query: column 7: bad boost `^1e9`"),
        ),
        (
            q("\"a b\"~99999999999"),
            Err("bad query: column 6: bad slop"),
        ),
        (
            q("nosuchfield:x"),
            Err("bad query: column 1: unknown field 'nosuchfield'"),
        ),
        (
            q("date:[x TO y]"),
            Err("bad query: column 7: invalid date 'x'"),
        ),
        (
            q("date:[2025-02-30 TO *]"),
            Err("bad query: column 7: invalid date '2025-02-30'"),
        ),
        // The bad bound's column, not the range's.
        (
            q("date:[2020 TO 2021-02-30]"),
            Err("bad query: column 15: invalid date '2021-02-30'"),
        ),
        (
            q("date:[2025-12 TO 2025-01]"),
            Err("bad query: column 6: the date range from 2025-12 to 2025-01 holds no day"),
        ),
        (deep, Err("bad query: column 33: too deeply nested")),
        (deep_or, Err("bad query: column 193: too deeply nested")),
        (
            q("\u{1}\u{7f}"),
            Err("bad query: column 1: control character \\u{1} in the query"),
        ),
        (
            q("\u{1b}]0;pwned\u{7}"),
            Err("bad query: column 1: control character \\u{1b} in the query"),
        ),
        (
            q("\u{1b}x:1"),
            Err("bad query: column 1: control character \\u{1b} in the query"),
        ),
        (
            q("😀"),
            Err("bad query: column 1: '😀' has no letters or digits"),
        ),
        // 100 kB of punctuation: the error shows its start, not all of it.
        (".".repeat(100_000), Err("bad query: column 1: '.....")),
        (q("\u{202e}Geneva"), Ok(0)),
        (
            q("\u{202e}"),
            Err("bad query: column 1: '\\u{202e}' has no letters"),
        ),
        (q("שלום עליכם"), Ok(1)),
        (q("\"סוף\" OR Geneva"), Ok(0)),
        (
            q("\u{feff}Geneva\u{7}"),
            Err("bad query: column 8: control character \\u{7} in the query"),
        ),
        (
            q("peace\u{1}war"),
            Err("bad query: column 6: control character \\u{1} in the query"),
        ),
        // A term in every passage of the sample.
        (q("the"), Ok(0)),
    ]
}

#[test]
fn hostile_queries_give_results_or_one_error_line_with_its_column() {
    let env = indexed_sample();
    for (query, want) in cases() {
        let out = env.run(&["search", "-n", "1", "--", &query]);
        let shown: String = query.chars().take(40).collect();
        match want {
            Ok(code) => {
                assert_eq!(out.code, code, "{shown:?}\n{out}");
                crate::util::assert_no_panic(&out);
            }
            Err(start) => {
                let line = assert_one_line_error(&out);
                assert!(
                    line.starts_with(&format!("attache: {start}")),
                    "{shown:?}: got {line:?}, want {start:?}…"
                );
                assert!(line.len() < 300, "{shown:?}: {} bytes", line.len());
                assert!(
                    !has_control(line),
                    "{shown:?}: unescaped control in {line:?}"
                );
            }
        }
    }
}

#[test]
fn a_search_past_its_timeout_stops_with_one_error_line() {
    let env = indexed_sample();
    for args in [
        &["--timeout", "0.000001"][..],
        &["--timeout", "0.000001", "--count"],
    ] {
        let mut all = vec!["search"];
        all.extend_from_slice(args);
        all.extend(["--", "security OR Geneva"]);
        let out = env.run(&all);
        assert_eq!(
            assert_one_line_error(&out),
            "attache: query timed out after 0.000001 s: narrow the query or raise `--timeout`"
        );
    }
    // The commands that count every match stop there too.
    for command in [&["who"][..], &["entities"], &["facets", "--by", "year"]] {
        let mut all = command.to_vec();
        all.extend(["--timeout", "0.000001", "--", "security OR Geneva"]);
        let out = env.run(&all);
        assert_eq!(
            assert_one_line_error(&out),
            "attache: query timed out after 0.000001 s: narrow the query or raise `--timeout`",
            "{command:?}"
        );
        let mut all = command.to_vec();
        all.extend(["--timeout", "0", "Geneva"]);
        env.run_ok(&all, 0);
    }
    // 0 waits as long as it takes.
    env.run_ok(&["search", "--timeout", "0", "Geneva"], 0);
    let out = env.run(&["search", "--timeout", "soon", "Geneva"]);
    assert_eq!(out.code, 2, "{out}");
    assert!(
        out.stderr.contains("'soon' is not a number of seconds"),
        "{out}"
    );
}

#[test]
fn entities_query_errors_name_the_column_of_the_query_as_typed() {
    let env = indexed_sample();
    let out = env.run(&["entities", "--", "Geneva \"open"]);
    assert_eq!(
        assert_one_line_error(&out),
        "attache: bad query: column 8: unbalanced quote: the phrase starting here is never closed"
    );
}

/// Tantivy's sloppy phrase matching multiplied candidate positions for every repeated word: on a
/// passage where every third word is "the", `"the the … the"~10` (16 words) took 1.7 GB.
#[test]
fn a_sloppy_phrase_of_repeated_words_stays_small_on_dense_text() {
    let env = TestEnv::empty();
    let filler = ["aa", "bb", "cc", "dd", "ee", "ff", "gg", "hh"];
    for i in 0..20 {
        let words: Vec<&str> = (0..290)
            .map(|j| match (i * 7 + j * 13) % 10 {
                0 | 3 | 6 => "the",
                k => filler[(j + k) % filler.len()],
            })
            .collect();
        env.write(
            &format!("corpus/{i}.txt"),
            format!("date 2024 {}.", words.join(" ")),
        );
    }
    env.index();
    let query = format!("\"{}\"~10", ["the"; 16].join(" "));
    let (out, peak) = peak_kb(&env, &["search", "--count", "--timeout", "0", &query]);
    assert_eq!(out.stdout, "20 passages in 20 articles\n", "{out}");
    assert!(peak < 100_000, "peak {peak} kB");
    let dense = format!("\"{}\"~32", filler.join(" "));
    let (out, peak) = peak_kb(&env, &["search", "--count", "--timeout", "0", &dense]);
    assert!(out.code == 0 || out.code == 1, "{out}");
    assert!(peak < 100_000, "peak {peak} kB");
}

#[test]
fn an_empty_date_range_is_an_error_not_zero_hits() {
    let env = indexed_sample();
    for (args, want) in [
        (
            &["search", "date:[2025 TO 2020]"][..],
            "attache: bad query: column 6: the date range from 2025 to 2020 holds no day: put \
             the earlier date first",
        ),
        (
            &["search", "date:{2020 TO 2021}"][..],
            "attache: bad query: column 6: the date range from 2020 to 2021 holds no day: `{…}` \
             leaves its dates out; `[…]` keeps them",
        ),
        (
            &["search", "Geneva", "--since", "2025", "--until", "2020"][..],
            "attache: --since 2025 is after --until 2020: no article can match",
        ),
    ] {
        let out = env.run(args);
        assert_eq!(out.code, 2, "{out}");
        assert_eq!(assert_one_line_error(&out), want);
    }
    // One-day and one-month ranges still work.
    assert_eq!(env.count("date:[2025-11-24 TO 2025-11-24]").1, 2);
}

#[test]
fn counts_read_in_the_singular_for_one_and_come_as_json_on_request() {
    let env = indexed_sample();
    let one = env.run_ok(&["search", "--count", "Ushakov"], 0);
    assert_eq!(one.stdout, "1 passage in 1 article\n");
    let json = env.run_ok(&["search", "--count", "--json", "Geneva"], 0);
    let summary: serde_json::Value = serde_json::from_str(json.stdout.trim()).unwrap();
    assert_eq!(summary["type"], "summary", "{json}");
    assert_eq!(summary["hits"], 0);
    assert_eq!(
        (
            summary["passages_matched"].as_u64(),
            summary["articles_matched"].as_u64()
        ),
        (Some(env.count("Geneva").0), Some(env.count("Geneva").1))
    );
}

#[test]
fn a_word_too_long_to_be_a_misspelling_gets_no_suggestion_and_costs_little() {
    let env = indexed_sample();
    // tantivy's edit automaton for a 400,000-letter word took 6.5 s and 4 GB.
    let word = "x".repeat(100_000); // an argument holds at most 128 kB
    let out = env.run(&["search", &word]);
    assert_eq!(out.code, 1, "{}", out.code);
    assert!(
        !out.stderr.contains("did you mean"),
        "{}",
        &out.stderr[..200.min(out.stderr.len())]
    );
    // A word within the automaton's reach still gets one.
    let out = env.run(&["search", "Genva"]);
    assert!(out.stderr.contains("did you mean geneva"), "{out}");
}

#[test]
fn a_query_nothing_matches_says_what_each_part_left_out_would_match() {
    let env = indexed_sample();
    let (pair, _) = env.count("Ukraine Geneva");
    let (geneva_alone, _) = env.count("Geneva");
    assert!(pair > 0 && geneva_alone > pair);
    let out = env.run(&["search", "Ukraine", "Geneva", "zebra"]);
    assert_eq!(out.code, 1, "{out}");
    let s = |n: u64| if n == 1 { "" } else { "s" };
    assert!(
        out.stderr.contains(&format!(
            "no passage has every part of the query; without `zebra`: {pair} \
             passage{} (Ukraine Geneva)",
            s(pair)
        )),
        "{out}"
    );
    // With --json, the summary carries them, the most first; parts that match nothing alone
    // with the rest are left out.
    let summary = env.search_json("Ukraine Geneva zebra", &[]).summary;
    let without = summary["without"].as_array().expect("a `without` list");
    assert_eq!(without[0]["without"], "zebra", "{summary}");
    assert_eq!(without[0]["query"], "Ukraine Geneva", "{summary}");
    assert_eq!(without[0]["passages"], pair, "{summary}");
    assert!(
        without.iter().all(|w| w["passages"].as_u64() > Some(0)),
        "{summary}"
    );
    // A query that matches, and one of one part, get nothing of the kind.
    let found = env.run_ok(&["search", "Ukraine", "Geneva"], 0);
    assert!(!found.stderr.contains("every part"), "{found}");
    let one = env.run(&["search", "zebra"]);
    assert!(!one.stderr.contains("every part"), "{one}");
    assert!(
        env.search_json("zebra", &[])
            .summary
            .get("without")
            .is_none(),
        "no list for one part"
    );
}

#[test]
fn a_word_only_removed_articles_held_is_no_suggestion() {
    let env = indexed_sample();
    env.write(
        "corpus/x.txt",
        " date 2024-01-01 \nThe xylophonist played for the delegates in Geneva.\n",
    );
    env.index();
    let out = env.run(&["search", "xylophonis"]);
    assert!(out.stderr.contains("did you mean xylophonist?"), "{out}");
    // Removed, its passages are deleted but still counted until a merge: not suggested.
    std::fs::remove_file(env.path().join("corpus/x.txt")).unwrap();
    env.index();
    let out = env.run(&["search", "xylophonis"]);
    assert_eq!(out.code, 1, "{out}");
    assert!(!out.stderr.contains("did you mean"), "{out}");
    // A word other live passages hold still is.
    let out = env.run(&["search", "Genva"]);
    assert!(out.stderr.contains("did you mean geneva"), "{out}");
}

#[test]
fn entities_and_who_say_what_is_wrong_instead_of_listing_nothing() {
    let env = indexed_sample();
    for command in ["entities", "who"] {
        let out = env.run(&[command, "--since", "2000", "--until", "1990"]);
        let line = assert_one_line_error(&out);
        assert!(line.contains("--since 2000 is after --until 1990"), "{out}");
    }
    for with in ["", "@", "\"\""] {
        let line = assert_one_line_error(&env.run(&["entities", "--with", with])).to_owned();
        assert!(line.contains("--with needs a name or an @id"), "{line}");
    }
    let line = assert_one_line_error(&env.run(&["entity", ""])).to_owned();
    assert!(
        line.contains("attache entity needs a name or an @id"),
        "{line}"
    );
    let out = env.run(&["entities", "--with", "@nosuchxyz"]);
    assert_eq!(out.code, 1, "{out}");
    assert_eq!(
        out.stderr.trim(),
        "no mention of '@nosuchxyz' in the index",
        "{out}"
    );
    env.run_ok(&["entities", "--with", "@zelensky"], 0);
    // A name holding a line break or an escape is shown escaped, on one line.
    let out = env.run(&["entity", "foo\nbar\u{1b}[31m"]);
    assert_eq!(out.code, 1, "{out}");
    assert_eq!(
        out.stderr, "no mention of 'foo\\u{a}bar\\u{1b}[31m' in the index, and it speaks nowhere\n",
        "{out}"
    );
}

#[test]
fn an_entity_inside_a_field_group_keeps_the_field() {
    let env = TestEnv::new();
    env.index();
    // `said:(@trump)` is `said:@trump`, not a search for Trump's mentions.
    assert_eq!(env.count("said:(@trump)"), env.count("said:@trump"));
    assert_ne!(env.count("said:(@trump)"), env.count("@trump"));
    assert_eq!(
        env.count("said:(@trump OR @zelensky)"),
        env.count("said:@trump OR said:@zelensky")
    );
    assert_eq!(env.count("quote:(@trump)"), env.count("quote:@trump"));
}

/// Other engines' operators and a word holding `:` are errors that say what to type (`!talks`
/// was searched as `talks`, the opposite of what was meant; `10:30` named no fix).
#[test]
fn other_engines_operators_and_colons_in_words_say_what_to_type() {
    let env = indexed_sample();
    for (query, want) in [
        (
            "peace !talks",
            "attache: bad query: column 7: `!` is not an operator: to exclude a word, write \
             -talks or NOT talks",
        ),
        (
            "peace && talks",
            "attache: bad query: column 7: `&&` is not an operator: write AND",
        ),
        (
            "10:30",
            "to search a word that holds `:` as written, quote it (\"10:…\")",
        ),
        (
            "peace^1e3",
            "bad boost `^1e3`: write the number without an exponent, like a^1000",
        ),
    ] {
        let out = env.run(&["search", query]);
        let line = assert_one_line_error(&out);
        assert!(line.contains(want), "{query}: {line}");
    }
    // Quoted, each is searched as written.
    env.run_ok(&["search", "\"10:30\"", "--count"], 1);
}

/// `@` alone or doubled inside a phrase names no entity, as outside one: it said "'' has no
/// letters or digits", and `"@@trump peace"~3` searched for @trump.
#[test]
fn an_empty_entity_in_a_phrase_is_named_as_one() {
    let env = indexed_sample();
    for (query, chunk) in [
        ("\"peace @ talks\"", "@"),
        ("\"@@trump peace\"~3", "@@trump"),
    ] {
        let out = env.run(&["search", query]);
        let line = assert_one_line_error(&out);
        assert_eq!(
            line,
            format!(
                "attache: bad query: column 1: empty entity in the phrase: `@` must be attached \
                 to a name, like \"@zelensky security\"~5 (not '{chunk}')"
            )
        );
    }
}

/// Boosts around one another multiply: `(a^1e21)^1e21` made every score infinite, and the
/// search found nothing while `--count` found the matches. Their product is held to a bound;
/// within it, scores are numbers and the matches those of the query without boosts.
#[test]
fn boosts_that_multiply_past_their_bound_are_refused_and_those_within_it_score() {
    let env = indexed_sample();
    let out = env.run(&["search", "(security^1000000000000000000000)^1000000 Geneva"]);
    let line = assert_one_line_error(&out);
    assert!(line.contains("column 10: bad boost"), "{out}");
    let out = env.run(&["search", "(security^1000)^1001 Geneva"]);
    let line = assert_one_line_error(&out);
    assert!(
        line.contains("column 16: bad boost `^1001`: the boosts around a word multiply"),
        "{out}"
    );
    let plain = env.count("security Geneva");
    assert_eq!(env.count("(security^1000)^1000 Geneva^1000000"), plain);
    let boosted = env.search_json("(security^1000)^1000 Geneva^1000000", &[]);
    assert_eq!(
        boosted.hits.len() as u64,
        plain.0.min(10),
        "{}",
        boosted.out
    );
    for hit in &boosted.hits {
        assert!(hit["score"].as_f64().is_some_and(f64::is_finite), "{hit}");
    }
}
