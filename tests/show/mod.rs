//! Reading in context: `attache show` (a whole article, a passage with its neighbours, a query's
//! matches marked) and `attache search --context`, on the sample articles; the UNGDC (ignored).

use serde_json::Value;

use crate::util::{Output, TestEnv, assert_no_panic};
use crate::{READOUT, REMARKS, assert_one_line_error, indexed_sample, painted, strip_sgr};

/// `attache show --json ARGS`: the article line and the passage lines.
fn show_json(env: &TestEnv, args: &[&str]) -> (Value, Vec<Value>, Output) {
    let mut all = vec!["show", "--json"];
    all.extend_from_slice(args);
    let out = env.run_ok(&all, 0);
    let mut lines = out.stdout.lines().map(|l| {
        serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}\n{out}"))
    });
    let article = lines.next().unwrap_or_else(|| panic!("no output\n{out}"));
    assert_eq!(article["type"], "article", "{out}");
    let passages: Vec<Value> = lines.collect();
    for p in &passages {
        assert_eq!(
            (&p["schema"], &p["type"]),
            (&1.into(), &"passage".into()),
            "{out}"
        );
    }
    (article, passages, out)
}

/// The passage numbers of `show --json` passage lines.
fn numbers(passages: &[Value]) -> Vec<u64> {
    passages
        .iter()
        .map(|p| p["passage"].as_u64().unwrap())
        .collect()
}

#[test]
fn show_a_whole_article_prints_every_passage_in_order() {
    let env = indexed_sample();
    let (article, passages, out) = show_json(&env, &[REMARKS]);
    assert_eq!(article["article_id"], REMARKS);
    assert_eq!(article["date"], "2025-11-24");
    assert_eq!(article["passages"], 14, "{out}");
    assert_eq!(article["focus"], Value::Null);
    assert_eq!(numbers(&passages), (0..14).collect::<Vec<u64>>(), "{out}");
    // The passages are the article's body, in its order.
    let body = std::fs::read_to_string(env.path().join("corpus").join(REMARKS)).unwrap();
    let mut at = 0;
    for p in &passages {
        let text = p["text"].as_str().unwrap();
        let first_words: String = text
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ");
        let found = body[at..].find(&first_words).unwrap_or_else(|| {
            panic!(
                "passage {} ({first_words:?}) is not next in the body",
                p["passage"]
            )
        });
        at += found + first_words.len();
        assert_eq!(p["focus"], false);
    }
    assert_eq!(show_json(&env, &[READOUT]).1.len(), 7);
}

/// An id holding `#` (`report#0`, from JSON Lines) was read as passage 0 of the article
/// `report`: `show` printed another article, exit 0.
#[test]
fn an_id_holding_a_hash_names_its_article_before_a_passage_of_a_shorter_id() {
    let env = TestEnv::empty();
    env.write(
        "corpus/x.jsonl",
        "{\"id\":\"report#0\",\"date\":\"2021\",\"body\":\"The annex on uranium.\"}\n\
         {\"id\":\"report\",\"date\":\"2020\",\"body\":\"The public report on trade.\"}\n",
    );
    env.index();
    let (article, passages, out) = show_json(&env, &["report#0"]);
    assert_eq!(article["article_id"], "report#0", "{out}");
    // Search prints passage 0 of `report` as `report#0` too: the other reading is named.
    assert_eq!(
        out.stderr,
        "note: 'report#0' is an article's id; passage 0 of the article 'report' is in `attache \
         show 'report'`\n"
    );
    assert_eq!(article["focus"], Value::Null, "{out}");
    assert!(passages[0]["text"].as_str().unwrap().contains("uranium"));
    // Its passage as search prints it, and the shorter id's passage through its article.
    let (article, _, out) = show_json(&env, &["report#0#0"]);
    assert_eq!(
        (&article["article_id"], &article["focus"]),
        (&"report#0".into(), &0.into()),
        "{out}"
    );
    let (article, passages, out) = show_json(&env, &["report"]);
    assert_eq!(article["article_id"], "report", "{out}");
    assert!(passages[0]["text"].as_str().unwrap().contains("trade"));
    // `report#` names what does reach `report`'s first passage (`report#0` is the other
    // article): it named `report#0`.
    let out = env.run(&["show", "report#"]);
    assert_eq!(
        crate::assert_one_line_error(&out),
        "attache: '' is not a passage number: article report has only passage 0 (report#00 is \
         the first; report#0 is another article)"
    );
    let (article, _, out) = show_json(&env, &["report#00"]);
    assert_eq!(
        (&article["article_id"], &article["focus"]),
        (&"report".into(), &0.into()),
        "{out}"
    );
}

#[test]
fn show_a_passage_with_n_neighbours_marks_the_one_asked_for() {
    let env = indexed_sample();
    let search = env.search_json("Ushakov", &[]);
    assert_eq!(search.locations(), [format!("{REMARKS}#9")]);
    let location = format!("{REMARKS}#9");
    let (article, passages, out) = show_json(&env, &[&location, "-C", "1"]);
    assert_eq!(article["focus"], 9);
    assert_eq!(numbers(&passages), [8, 9, 10], "{out}");
    assert_eq!(passages[1]["text"], search.hits[0]["text"], "{out}");
    assert_eq!(passages[1]["entities"], search.hits[0]["entities"], "{out}");
    let focus: Vec<bool> = passages
        .iter()
        .map(|p| p["focus"].as_bool().unwrap())
        .collect();
    assert_eq!(focus, [false, true, false]);

    // The default is two each way; at the ends of the article there are fewer.
    assert_eq!(numbers(&show_json(&env, &[&location]).1), [7, 8, 9, 10, 11]);
    let first = format!("{REMARKS}#0");
    assert_eq!(
        numbers(&show_json(&env, &[&first, "-C", "3"]).1),
        [0, 1, 2, 3]
    );
    let last = format!("{REMARKS}#13");
    assert_eq!(numbers(&show_json(&env, &[&last, "-C", "1"]).1), [12, 13]);
    assert_eq!(numbers(&show_json(&env, &[&last, "-C", "0"]).1), [13]);

    let text = env.run_ok(&["show", &location, "-C", "1", "--width", "0"], 0);
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert!(
        lines[0].starts_with("2025-11-24  US President Donald Trump on Monday"),
        "{text}"
    );
    assert_eq!(
        lines[1],
        format!("{REMARKS}  passages 8–10 of 14"),
        "{text}"
    );
    // Each passage: the focus mark or a space and its number on a line, then its text, its
    // entities and its speakers, indented.
    let numbered: Vec<&str> = lines
        .iter()
        .filter(|l| l.starts_with("  #") || l.starts_with("▶ #"))
        .copied()
        .collect();
    assert_eq!(numbered, ["  #8", "▶ #9", "  #10"], "{text}");
    // Wrapped (as search is), a passage's text keeps its indent on every line.
    let wrapped = env.run_ok(&["show", &location, "-C", "1", "--width", "40"], 0);
    let passages = wrapped.stdout.lines().skip_while(|l| !l.starts_with("  #"));
    for line in passages {
        assert!(line.chars().count() <= 40, "{line:?}\n{wrapped}");
        assert!(
            line.is_empty()
                || line.starts_with("    ")
                || line.starts_with("  #")
                || line.starts_with("▶ #"),
            "{line:?}\n{wrapped}"
        );
    }
    assert!(
        text.stdout.contains(
            "\n▶ #9\n    “The European plan, at first glance... is completely unconstructive \
             and does not work for us,” Kremlin aide Yuri Ushakov said in Moscow.\n    \
             entities: Europe, Kremlin, Yuri Ushakov, Moscow\n    said by: Yuri Ushakov\n"
        ),
        "{text}"
    );
}

#[test]
fn show_query_highlights_the_matches_as_search_does_and_colours_entities() {
    let env = indexed_sample();
    let location = format!("{REMARKS}#9");
    for query in ["Ushakov", "@kremlin", "\"European plan\""] {
        let search = env.search_json(query, &[]);
        let hit = search
            .hits
            .iter()
            .find(|h| h["passage"] == 9 && h["article_id"] == REMARKS)
            .unwrap_or_else(|| panic!("{query}: no hit on #9\n{}", search.out));
        let (_, passages, out) = show_json(&env, &[&location, "-C", "1", "--query", query]);
        assert_eq!(
            passages[1]["highlights"], hit["highlights"],
            "{query}\n{out}"
        );
        assert_eq!(
            passages[1]["byte_highlights"], hit["byte_highlights"],
            "{query}\n{out}"
        );
    }
    let (_, passages, _) = show_json(&env, &[&location, "-C", "1"]);
    assert_eq!(
        passages[1]["highlights"],
        serde_json::json!([]),
        "no query, no highlights"
    );

    let plain = env.run_ok(
        &[
            "show", &location, "-q", "Ushakov", "--width", "0", "--color", "never",
        ],
        0,
    );
    let colored = env.run_ok(
        &[
            "show", &location, "-q", "Ushakov", "--width", "0", "--color", "always",
        ],
        0,
    );
    assert_eq!(strip_sgr(&colored.stdout), plain.stdout);
    let lines: Vec<&str> = colored.stdout.lines().collect();
    let at = lines.iter().position(|l| l.starts_with("▶")).unwrap();
    let focus = lines[at + 1];
    assert!(painted(focus, "Ushakov"), "{focus:?}");
    assert!(
        focus.contains("\x1b[1m\x1b[31mUshakov") || focus.contains("\x1b[1;31mUshakov"),
        "{focus:?}"
    );
    assert!(
        focus.contains("\x1b[4mKremlin\x1b[0m"),
        "entities are underlined: {focus:?}"
    );
}

#[test]
fn show_errors_name_what_exists() {
    let env = indexed_sample();
    // An id that starts with `-` is read as an option: the error says where it goes, and the
    // order it names works.
    env.write(
        "corpus/-rf.txt",
        " date 2024-01-01 \nA dashed file about Geneva.\n",
    );
    env.index();
    let out = env.run(&["show", "-rf.txt"]);
    assert_eq!(
        assert_one_line_error(&out),
        "attache: '-rf.txt' is not an option: a name that starts with `-` goes last, after \
         `--`, with every option before it (attache show [OPTIONS] -- -rf.txt)"
    );
    let shown = env.run_ok(&["show", "--index", "index", "--", "-rf.txt"], 0);
    assert!(
        shown.stdout.contains("A dashed file about Geneva."),
        "{shown}"
    );
    let out = env.run(&["show", &format!("{REMARKS}#14")]);
    assert_eq!(
        assert_one_line_error(&out),
        format!("attache: article {REMARKS} has passages 0–13, not 14")
    );
    let out = env.run(&["show", &format!("{REMARKS}#99999999999999999999999")]);
    assert_eq!(
        assert_one_line_error(&out),
        format!("attache: article {REMARKS} has passages 0–13, not 99999999999999999999999")
    );
    let out = env.run(&["show", "002"]);
    assert_eq!(
        assert_one_line_error(&out),
        format!("attache: no article '002' in the index: did you mean {REMARKS}?")
    );
    let out = env.run(&["show", "00#3"]);
    assert_eq!(
        assert_one_line_error(&out),
        format!(
            "attache: no article '00#3' in the index: did you mean {READOUT}#3 or {REMARKS}#3?"
        )
    );
    // Ids are matched as written; one in other capitals is named.
    let out = env.run(&["show", &REMARKS.to_uppercase()]);
    assert_eq!(
        assert_one_line_error(&out),
        format!(
            "attache: no article '{}' in the index: did you mean {REMARKS}?",
            REMARKS.to_uppercase()
        )
    );
    // So is one typed after `id:` in a search that finds nothing.
    let upper = REMARKS.to_uppercase();
    let out = env.run(&["search", &format!("id:{upper}")]);
    assert_eq!(out.code, 1, "{out}");
    assert!(
        out.stderr.contains(&format!("did you mean id:{REMARKS}?")),
        "{out}"
    );
    // And a prefix (`id:002_F7ABC*` found nothing, with no hint).
    let out = env.run(&["search", &format!("id:{}*", &upper[..9])]);
    assert_eq!(out.code, 1, "{out}");
    assert!(
        out.stderr
            .contains(&format!("did you mean id:{}*?", &REMARKS[..9])),
        "{out}"
    );
    let out = env.run(&["show", "memo.txt"]);
    assert_eq!(
        assert_one_line_error(&out),
        "attache: no article 'memo.txt' in the index: give an id as search prints it, like \
         ID#PASSAGE"
    );
    for empty in ["", "#3"] {
        let out = env.run(&["show", empty]);
        assert_eq!(
            assert_one_line_error(&out),
            format!(
                "attache: '{empty}' names no article (the id is empty): give an id as search \
                 prints it, like ID#PASSAGE"
            )
        );
    }
    let out = env.run(&["show", REMARKS, "-C", "1001"]);
    assert_eq!(
        assert_one_line_error(&out),
        "attache: invalid value '1001' for '--context <N>': 1001 is not in 0..=1000"
    );

    // An id that holds `#` and digits is still shown whole.
    let env = TestEnv::empty();
    env.write(
        "corpus/a.jsonl",
        serde_json::json!({"id": "memo#2", "date": "2020", "body": "A single passage of the memo that stands alone here."}).to_string() + "\n",
    );
    env.index();
    let (article, passages, out) = show_json(&env, &["memo#2"]);
    assert_eq!(
        (&article["article_id"], passages.len()),
        (&"memo#2".into(), 1),
        "{out}"
    );
    let (_, passages, _) = show_json(&env, &["memo#2#0"]);
    assert_eq!(numbers(&passages), [0]);
    assert_no_panic(&out);

    // An id holding a control character is shown escaped (`a\u{9}b.txt`): that form is
    // found too, whole and with a passage number.
    env.write(
        "corpus/a\tb.txt",
        "date 2020 The okapi of the escaped name.",
    );
    env.index();
    let listed = env.run_ok(&["search", "okapi"], 0);
    assert!(listed.stdout.contains("a\\u{9}b.txt#0"), "{listed}");
    for location in ["a\\u{9}b.txt", "a\\u{9}b.txt#0", "a\tb.txt"] {
        let (article, _, out) = show_json(&env, &[location]);
        assert_eq!(article["article_id"], "a\tb.txt", "{out}");
    }
    let out = env.run(&["show", "a\\u{9}c.txt"]);
    assert!(
        assert_one_line_error(&out).starts_with("attache: no article 'a\\u{9}c.txt'"),
        "{out}"
    );

    // The ids offered are the first three of the whole index, whichever segments hold them.
    let line = |id: &str| {
        serde_json::json!({"id": id, "date": "2020", "body": "A passage that stands alone here."})
            .to_string()
            + "\n"
    };
    env.write(
        "corpus/c.jsonl",
        ["memo-c1", "memo-c2", "memo-c3"].map(line).concat(),
    );
    env.index();
    env.write("corpus/b.jsonl", line("memo-b1"));
    env.index();
    let out = env.run(&["show", "memo-"]);
    assert_eq!(
        assert_one_line_error(&out),
        "attache: no article 'memo-' in the index: did you mean memo-b1 or memo-c1 or memo-c2?"
    );
}

#[test]
fn search_context_prints_the_neighbours_under_each_hit() {
    let env = indexed_sample();
    // Unwrapped (`--width 0`), each passage is one line: the neighbours around the hit's own.
    let text = env.run_ok(&["search", "Ushakov", "--context", "1", "--width", "0"], 0);
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert_eq!(lines[1], format!("   {REMARKS}#9"), "{text}");
    let at = lines
        .iter()
        .position(|l| l.starts_with("   #8 "))
        .unwrap_or_else(|| panic!("no #8\n{text}"));
    assert!(
        lines[at].starts_with("   #8 Kyiv’s European allies quickly drafted"),
        "{text}"
    );
    assert!(
        lines[at + 1].starts_with("   #9 “The European plan"),
        "{text}"
    );
    assert!(
        lines[at + 2].starts_with("   #10 Turmoil in Kyiv"),
        "{text}"
    );
    assert_eq!(lines[at + 3], "", "{text}");
    let without = env.run_ok(&["search", "Ushakov", "--width", "0"], 0);
    assert!(!without.stdout.contains("#8"), "{without}");
    let colored = env.run_ok(
        &[
            "search", "Ushakov", "-C", "1", "--width", "0", "--color", "always",
        ],
        0,
    );
    assert_eq!(strip_sgr(&colored.stdout), text.stdout);
    let before = colored.stdout.lines().nth(at).unwrap();
    assert!(
        before.starts_with("   \x1b[2m#8 Kyiv"),
        "neighbours are dimmed: {before:?}"
    );

    // JSON: a `context` array of the neighbours' numbers and texts, as `show` has them.
    let search = env.search_json("\"security guarantee\"", &["--context", "2"]);
    assert_eq!(search.hits.len(), 2, "{}", search.out);
    for hit in &search.hits {
        let location = format!("{}#{}", hit["article_id"].as_str().unwrap(), hit["passage"]);
        let (_, shown, _) = show_json(&env, &[&location, "-C", "2"]);
        let expected: Vec<Value> = shown
            .iter()
            .filter(|p| p["focus"] == false)
            .map(|p| serde_json::json!({"passage": p["passage"], "text": p["text"]}))
            .collect();
        assert_eq!(hit["context"], Value::Array(expected), "{}", search.out);
    }
    let plain = env.search_json("\"security guarantee\"", &[]);
    assert!(plain.hits.iter().all(|h| h.get("context").is_none()));
}

#[test]
#[ignore = "indexes ~200 MB; run with `cargo test --release -- --ignored ungdc`"]
fn ungdc_show_reads_a_speech_and_search_context_its_neighbours() {
    let Some(env) = crate::ungdc_index() else {
        return;
    };
    let (article, passages, out) = show_json(&env, &["ungdc-78-UKR"]);
    assert_eq!(article["meta"]["speaker"], "Volodymyr Zelenskyy", "{out}");
    let total = article["passages"].as_u64().unwrap();
    assert_eq!(passages.len() as u64, total);
    let search = env.search_json(
        "country:UKR \"nuclear arsenal\"",
        &["--context", "1", "-n", "50"],
    );
    let hit = search
        .hits
        .iter()
        .find(|h| h["article_id"] == "ungdc-78-UKR")
        .unwrap_or_else(|| panic!("{}", search.out));
    let n = hit["passage"].as_u64().unwrap();
    let context: Vec<u64> = hit["context"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["passage"].as_u64().unwrap())
        .collect();
    let expected: Vec<u64> = [n.checked_sub(1), Some(n + 1).filter(|&m| m < total)]
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(context, expected);
    let shown = show_json(
        &env,
        &[
            &format!("ungdc-78-UKR#{n}"),
            "-C",
            "1",
            "-q",
            "\"nuclear arsenal\"",
        ],
    )
    .1;
    let focus = shown.iter().find(|p| p["focus"] == true).unwrap();
    assert_eq!(focus["text"], hit["text"]);
    assert_eq!(focus["highlights"], hit["highlights"]);
}

/// A passage number that is no number (`#-1`, `#+1`, `#`, `##3`, `#3#`) is said to be one, with
/// the numbers the article has: it was reported as an article the index lacks (and `ID##3`
/// as "did you mean ID##3?", itself).
#[test]
fn a_passage_number_that_is_no_number_names_the_passages_there_are() {
    let env = indexed_sample();
    for number in ["-1", "+1", "", "#3", "3#", "3#4"] {
        let out = env.run(&["show", &format!("{READOUT}#{number}")]);
        let line = assert_one_line_error(&out);
        assert_eq!(
            line,
            format!(
                "attache: '{number}' is not a passage number: article {READOUT} has passages \
                 0–6 ({READOUT}#0 is the first)"
            )
        );
    }
}

/// An article removed since the last merge was offered as "did you mean" itself: its id is
/// still in the dictionary, with only deleted passages.
#[test]
fn a_removed_article_is_not_suggested() {
    let env = TestEnv::empty();
    env.write(
        "corpus/keep.txt",
        "date 2025-11-24\n\nTalks in Geneva went on.\n",
    );
    env.write(
        "corpus/gone.txt",
        "date 2025-11-24\n\nTalks in Bern went on.\n",
    );
    env.write(
        "corpus/wire.jsonl",
        "{\"id\": \"wire-1\", \"date\": \"2025\", \"body\": \"A note.\"}\n\
         {\"id\": \"wire-2\", \"date\": \"2025\", \"body\": \"Another note.\"}\n",
    );
    env.index();
    std::fs::remove_file(env.path().join("corpus/gone.txt")).unwrap();
    env.write(
        "corpus/wire.jsonl",
        "{\"id\": \"wire-1\", \"date\": \"2025\", \"body\": \"A note.\"}\n",
    );
    env.index();
    let out = env.run(&["show", "gone.txt"]);
    assert_eq!(
        assert_one_line_error(&out),
        "attache: no article 'gone.txt' in the index: give an id as search prints it, like \
         ID#PASSAGE"
    );
    let out = env.run(&["show", "wire-"]);
    assert_eq!(
        assert_one_line_error(&out),
        "attache: no article 'wire-' in the index: did you mean wire-1?"
    );
    let out = env.run(&["search", "id:WIRE-2"]);
    assert!(!out.stderr.contains("did you mean"), "{out}");
    let out = env.run(&["search", "id:WIRE-1"]);
    assert!(out.stderr.contains("did you mean id:wire-1?"), "{out}");
}
