//! `attache facets`: counts per period, metadata value, source, entity and type on the sample
//! articles, the speeches fixture and hand-written dated articles; the bar chart, JSON Lines and
//! SVG outputs; and the UNGDC timeline (ignored).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::util::{Output, TestEnv, assert_no_panic};
use crate::{assert_one_line_error, strip_sgr};
use attache::entities::Gazetteer;

/// The sample articles (2025-11-24) and the three speeches of `tests/fixtures/meta` (year-only
/// dates, 2022 and 2023), indexed.
fn sample_and_speeches() -> TestEnv {
    let env = TestEnv::new();
    env.add_fixtures("meta");
    env.index();
    env
}

/// `attache facets --json ARGS`: the value rows and the summary.
fn facets_json(env: &TestEnv, args: &[&str]) -> (Vec<Value>, Value, Output) {
    let mut all = vec!["facets", "--json"];
    all.extend_from_slice(args);
    let out = env.run(&all);
    assert!(out.code == 0 || out.code == 1, "facets failed\n{out}");
    assert_no_panic(&out);
    let mut lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}\n{out}")))
        .collect();
    let summary = lines.pop().unwrap_or_else(|| panic!("no output\n{out}"));
    assert_eq!(summary["type"], "summary", "{out}");
    assert_eq!(summary["schema"], 1, "{out}");
    for row in &lines {
        assert_eq!(row["type"], "value", "{out}");
        assert_eq!(row["schema"], 1, "{out}");
    }
    (lines, summary, out)
}

/// `(value, passages, articles)` of each row.
fn table(rows: &[Value]) -> Vec<(String, u64, u64)> {
    rows.iter()
        .map(|r| {
            (
                r["value"].as_str().unwrap().to_owned(),
                r["passages"].as_u64().unwrap(),
                r["articles"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn row(value: &str, passages: u64, articles: u64) -> (String, u64, u64) {
    (value.to_owned(), passages, articles)
}

#[test]
fn facets_by_year_count_every_passage_with_empty_years_as_zero_rows() {
    let env = sample_and_speeches();
    let (rows, summary, out) = facets_json(&env, &["--by", "year"]);
    // The two sample articles have 21 passages (7 + 14); each speech is one passage.
    assert_eq!(
        table(&rows),
        [
            row("2022", 1, 1),
            row("2023", 2, 2),
            row("2024", 0, 0),
            row("2025", 21, 2)
        ],
        "{out}"
    );
    assert_eq!(summary["passages_matched"], 24);
    assert_eq!(summary["articles_matched"], 5);
    assert_eq!(summary["values"], 3);
    assert_eq!(summary["missing"], json!({"passages": 0, "articles": 0}));
    // A query's timeline spans the index's years: the years before and after its matches are
    // zero rows too.
    let (rows, _, out) = facets_json(&env, &["--by", "year", "Ushakov"]);
    assert_eq!(
        table(&rows),
        [
            row("2022", 0, 0),
            row("2023", 0, 0),
            row("2024", 0, 0),
            row("2025", 1, 1)
        ],
        "{out}"
    );
    // Within --since and --until, from the first year an article of the index has.
    let (rows, _, out) = facets_json(&env, &["--by", "year", "Ushakov", "--since", "2023"]);
    assert_eq!(
        table(&rows),
        [row("2023", 0, 0), row("2024", 0, 0), row("2025", 1, 1)],
        "{out}"
    );
    let (rows, _, out) = facets_json(&env, &["--by", "year", "Ushakov", "--sort", "count"]);
    assert_eq!(table(&rows), [row("2025", 1, 1)], "{out}");
    // A query that matches nothing lines up with the others: all zero rows.
    let (rows, summary, out) = facets_json(&env, &["--by", "year", "zzyzx"]);
    assert_eq!(
        table(&rows),
        [
            row("2022", 0, 0),
            row("2023", 0, 0),
            row("2024", 0, 0),
            row("2025", 0, 0)
        ],
        "{out}"
    );
    assert_eq!(summary["passages_matched"], 0);
    // A limit that cuts the timeline says so.
    let (rows, summary, out) = facets_json(&env, &["--by", "year", "Ushakov", "-n", "2"]);
    assert_eq!(
        table(&rows),
        [row("2022", 0, 0), row("2023", 0, 0)],
        "{out}"
    );
    assert_eq!(
        (&summary["rows"], &summary["rows_before_limit"]),
        (&json!(2), &json!(4))
    );
    let out = env.run_ok(&["facets", "--by", "year", "Ushakov", "-n", "2"], 0);
    assert!(
        out.stderr.contains("; 2 of 4 rows shown (--limit)"),
        "{out}"
    );
    // A query's facet adds up to what search counts for it.
    for query in [
        "Ukraine",
        "\"security guarantee\"",
        "grain",
        "Ushakov OR Zelenskyy",
    ] {
        let (rows, summary, out) = facets_json(&env, &["--by", "year", query]);
        let total: u64 = rows.iter().map(|r| r["passages"].as_u64().unwrap()).sum();
        let (passages, articles) = env.count(query);
        assert_eq!(total, passages, "{query}\n{out}");
        assert_eq!(summary["passages_matched"], passages, "{query}\n{out}");
        assert_eq!(summary["articles_matched"], articles, "{query}\n{out}");
    }
}

#[test]
fn facets_by_month_and_day_never_invent_a_period_and_say_what_they_left_out() {
    let env = TestEnv::empty();
    let line = |id: &str, date: &str| {
        json!({"id": id, "date": date, "body": format!("The grain corridor was discussed again in the talks of {date}, said the delegation.")})
            .to_string()
            + "\n"
    };
    let corpus: String = [
        ("a", "2025-11-24"),
        ("b", "2025-11-26"),
        ("c", "2025-12-01"),
        ("d", "2025-12"),
        ("e", "2025"),
    ]
    .iter()
    .map(|(id, date)| line(id, date))
    .collect();
    env.write("corpus/dated.jsonl", corpus);
    env.index();

    let (rows, summary, out) = facets_json(&env, &["--by", "day", "grain"]);
    let days: Vec<(String, u64, u64)> = table(&rows);
    assert_eq!(
        days,
        [
            row("2025-11-24", 1, 1),
            row("2025-11-25", 0, 0),
            row("2025-11-26", 1, 1),
            row("2025-11-27", 0, 0),
            row("2025-11-28", 0, 0),
            row("2025-11-29", 0, 0),
            row("2025-11-30", 0, 0),
            row("2025-12-01", 1, 1),
        ],
        "{out}"
    );
    assert_eq!(summary["missing"], json!({"passages": 2, "articles": 2}));

    let (rows, summary, out) = facets_json(&env, &["--by", "month", "grain"]);
    assert_eq!(
        table(&rows),
        [row("2025-11", 2, 2), row("2025-12", 2, 2)],
        "the month-only article counts in its month, the year-only one in none\n{out}"
    );
    assert_eq!(summary["missing"], json!({"passages": 1, "articles": 1}));
    let text = env.run_ok(&["facets", "--by", "month", "grain"], 0);
    assert!(
        text.stderr
            .contains("1 passage in 1 article is dated only to the year: not counted by month"),
        "{text}"
    );
    let text = env.run_ok(&["facets", "--by", "day", "grain"], 0);
    assert!(
        text.stderr.contains(
            "2 passages in 2 articles are dated only to the month or year: not counted by day"
        ),
        "{text}"
    );
    let (rows, _, out) = facets_json(&env, &["--by", "year", "grain"]);
    assert_eq!(table(&rows), [row("2025", 5, 5)], "{out}");

    // A stray date two thousand years back: by day, 739,000 zero rows. The periods with
    // matches are listed alone, and the summary says why.
    env.write("corpus/stray.jsonl", line("f", "0001-01-01"));
    env.index();
    let (rows, summary, out) = facets_json(&env, &["--by", "day", "grain"]);
    assert_eq!(rows.len(), 4, "{out}");
    assert_eq!(rows[0]["value"], "0001-01-01", "{out}");
    assert_eq!(summary["zeros_left_out"], true, "{out}");
    let text = env.run_ok(&["facets", "--by", "day", "grain"], 0);
    assert!(
        text.stderr.contains(
            "; periods without matches left out (the timeline would hold more than 100000 rows)"
        ),
        "{text}"
    );
    // By year it spans 2,025 rows: filled.
    let (rows, summary, _) = facets_json(&env, &["--by", "year", "grain"]);
    assert_eq!(
        (rows.len(), &summary["zeros_left_out"]),
        (2025, &json!(false))
    );
}

#[test]
fn facets_by_metadata_and_source_count_each_value_as_written() {
    let env = sample_and_speeches();
    let (rows, summary, out) = facets_json(&env, &["--by", "speaker"]);
    assert_eq!(
        table(&rows),
        [
            row("Volodymyr Zelenskyy", 2, 2),
            row("Catherine Colonna", 1, 1)
        ],
        "{out}"
    );
    assert_eq!(summary["missing"], json!({"passages": 21, "articles": 2}));
    let (rows, _, out) = facets_json(&env, &["--by", "country", "--sort", "value"]);
    assert_eq!(table(&rows), [row("FRA", 1, 1), row("UKR", 2, 2)], "{out}");
    let (rows, _, out) = facets_json(&env, &["--by", "session", "grain"]);
    assert_eq!(table(&rows), [row("78", 2, 2)], "{out}");
    let (rows, _, out) = facets_json(&env, &["--by", "source"]);
    assert_eq!(table(&rows), [row("UN General Debate", 3, 3)], "{out}");

    // Two speakers of one speech, written `A; B` as the UNGDC does, count once each.
    let env = TestEnv::empty();
    env.write(
        "corpus/two.jsonl",
        json!({"id": "x", "date": "1990", "speaker": "Mr. Ali; Mr. Baker", "body": "Both delegates spoke of the grain corridor at length today."}).to_string() + "\n",
    );
    env.index();
    let (rows, _, out) = facets_json(&env, &["--by", "speaker", "--sort", "value"]);
    assert_eq!(
        table(&rows),
        [row("Mr. Ali", 1, 1), row("Mr. Baker", 1, 1)],
        "{out}"
    );
}

#[test]
fn facets_by_entity_and_type_agree_with_attache_entities() {
    let env = sample_and_speeches();
    let listed = env.run_ok(&["entities", "Ukraine", "--json", "-n", "100"], 0);
    let mut expected: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    // Per type, the most passages any one entity of it has.
    let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
    for line in listed.stdout.lines() {
        let e: Value = serde_json::from_str(line).unwrap();
        let counts = (
            e["passages"].as_u64().unwrap(),
            e["articles"].as_u64().unwrap(),
        );
        expected.insert(e["id"].as_str().unwrap().to_owned(), counts);
        names.insert(
            e["id"].as_str().unwrap().to_owned(),
            e["name"].as_str().unwrap().to_owned(),
        );
        let most = by_type
            .entry(e["type"].as_str().unwrap().to_owned())
            .or_default();
        *most = (*most).max(counts.0);
    }
    assert!(expected.len() > 5, "{listed}");
    let (rows, _, out) = facets_json(&env, &["--by", "entity", "Ukraine", "-n", "100"]);
    let got: BTreeMap<String, (u64, u64)> = table(&rows)
        .into_iter()
        .map(|(v, p, a)| (v, (p, a)))
        .collect();
    assert_eq!(got, expected, "{out}");
    let usa = rows.iter().find(|r| r["value"] == "united-states").unwrap();
    assert_eq!(usa["name"], "United States", "{out}");
    // Every entity is named as `entities` names it, those the gazetteer lacks included.
    let got: BTreeMap<String, String> = rows
        .iter()
        .map(|r| {
            let field = |k: &str| r[k].as_str().unwrap().to_owned();
            (field("value"), field("name"))
        })
        .collect();
    assert_eq!(got, names, "{out}");
    // A name the gazetteer lacks too: by its fullest spelling, not its id.
    let env2 = TestEnv::empty();
    env2.write(
        "corpus/a.txt",
        "date 2024-05-01\n\nThe envoy Joseph Garba spoke first. Later Garba spoke again.\n",
    );
    env2.index();
    let (rows, _, out) = facets_json(&env2, &["--by", "entity", "envoy"]);
    let garba = rows.iter().find(|r| r["value"] == "joseph-garba");
    assert_eq!(
        garba.map(|r| &r["name"]),
        Some(&json!("Joseph Garba")),
        "{out}"
    );
    assert!(Gazetteer::builtin().by_id("joseph-garba").is_none());
    // Many such rows are named in one pass over the index (one profile each took 6 s for
    // 10,000 rows), as each entity's own profile names it.
    let given = [
        "Amadou", "Brigitte", "Cosimo", "Dagny", "Emeka", "Farida", "Gunnar", "Halima", "Ivo",
        "Jurgita", "Kwame", "Lucinda", "Matteo", "Nadia", "Oskar", "Priya", "Rasmus", "Soraya",
        "Tobias", "Ulla",
    ];
    let text: String = given
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let family = format!("Veltrani{}", (b'a' + i as u8) as char);
            format!("The envoy {g} {family} spoke at the talks. Later {family} spoke again.\n\n")
        })
        .collect();
    env2.write("corpus/b.txt", format!("date 2024-05-02\n\n{text}"));
    env2.index();
    let (rows, _, out) = facets_json(&env2, &["--by", "entity", "talks", "-n", "100"]);
    let proposed: Vec<&Value> = rows
        .iter()
        .filter(|r| {
            Gazetteer::builtin()
                .by_id(r["value"].as_str().unwrap())
                .is_none()
        })
        .collect();
    assert!(proposed.len() > 16, "{out}");
    for row in proposed {
        let id = row["value"].as_str().unwrap();
        let entity = env2.run_ok(&["entity", id, "--json"], 0);
        let entity: Value = serde_json::from_str(&entity.stdout).unwrap();
        assert_eq!(row["name"], entity["name"], "{id}: {out}");
        assert!(row["name"].as_str().unwrap().contains("Veltrani"), "{out}");
    }

    // Per type, a passage counts once however many entities of the type it mentions: no more
    // than the passages matched, no fewer than its most mentioned entity of that type.
    let (rows, summary, out) = facets_json(&env, &["--by", "type", "Ukraine"]);
    let matched = summary["passages_matched"].as_u64().unwrap();
    let types: BTreeMap<String, u64> = table(&rows).into_iter().map(|(v, p, _)| (v, p)).collect();
    assert_eq!(
        types.keys().collect::<Vec<_>>(),
        by_type.keys().collect::<Vec<_>>(),
        "{out}"
    );
    for (kind, passages) in &types {
        assert!(
            by_type[kind] <= *passages && *passages <= matched,
            "{kind}: {passages}\n{out}"
        );
    }
}

#[test]
fn the_bar_chart_fits_the_width_scales_to_the_largest_count_and_colours_on_request() {
    let env = sample_and_speeches();
    let mut command = env.command(&["facets", "--by", "year"]);
    let out = command.env("COLUMNS", "60").output().unwrap();
    let out = Output::of(&["facets", "--by", "year"], &out);
    assert_eq!(out.code, 0, "{out}");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 5, "a header and four years\n{out}");
    assert_eq!(lines[0], "year passages articles", "{out}");
    for line in &lines {
        assert!(line.chars().count() <= 60, "wider than COLUMNS: {line:?}");
    }
    // 2025 has the most passages: its bar runs to the last column; 2024 has none.
    assert_eq!(lines[4].chars().count(), 60, "{out}");
    assert!(lines[4].starts_with("2025       21        2 █"), "{out}");
    assert_eq!(lines[3], "2024        0        0", "{out}");
    // 2023's 2 passages against 2025's 21, on 37 cells: 3.5 cells, in eighths.
    assert!(lines[2].ends_with(" ███▌"), "{out}");
    assert!(
        out.stderr
            .contains("3 years with matches; 24 passages in 5 articles matched"),
        "{out}"
    );

    let plain = env.run_ok(&["facets", "--by", "year", "--color", "never"], 0);
    let colored = env.run_ok(&["facets", "--by", "year", "--color", "always"], 0);
    assert!(
        colored.stdout.contains("\x1b[36m█"),
        "bars are cyan\n{colored}"
    );
    assert_eq!(strip_sgr(&colored.stdout), plain.stdout);
    let mut command = env.command(&["facets", "--by", "year", "--color", "auto"]);
    let out = command
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

#[test]
fn svg_writes_the_chart_with_the_query_as_title_and_labelled_axes() {
    let env = sample_and_speeches();
    let svg = env.path().join("years.svg");
    let out = env.run_ok(
        &[
            "facets",
            "Ukraine",
            "--by",
            "year",
            "--svg",
            svg.to_str().unwrap(),
        ],
        0,
    );
    assert!(out.stdout.starts_with("year passages articles"), "{out}");
    let picture = std::fs::read_to_string(&svg).unwrap();
    assert!(picture.starts_with("<svg"), "{picture}");
    for text in ["Ukraine by year", "passages", "year", "2022", "2025"] {
        assert!(
            picture.contains(&format!("\n{text}\n</text>")),
            "no text {text:?} in\n{picture}"
        );
    }
    // One filled bar per year with matches.
    let (rows, _, _) = facets_json(&env, &["--by", "year", "Ukraine"]);
    let years = rows.iter().filter(|r| r["passages"] != 0).count();
    assert!(years >= 2, "{rows:?}");
    assert_eq!(
        picture.matches("fill=\"#0080A0\"").count(),
        years,
        "{picture}"
    );
    // One slot a row, labelled: the axis had an empty slot after the last.
    let labels: Vec<&str> = picture
        .split("</text>")
        .filter(|t| t.contains("<text"))
        .filter_map(|t| t.rsplit_once('>').map(|(_, text)| text.trim()))
        .collect();
    assert!(!labels.contains(&""), "an empty label in {labels:?}");
    // A control character in a query is refused (it was written escaped in the title), and
    // no chart is drawn.
    let svg = env.path().join("ctl.svg");
    let out = env.run(&[
        "facets",
        "Ukraine\u{1}",
        "--by",
        "year",
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert!(
        assert_one_line_error(&out).contains("control character \\u{1} in the query"),
        "{out}"
    );
    assert!(!svg.exists());

    let out = env.run(&["facets", "--by", "year", "--svg", "no/such/folder/x.svg"]);
    let line = assert_one_line_error(&out);
    assert!(
        line.starts_with("attache: no/such/folder/x.svg: cannot write it there: no such file"),
        "{line}"
    );
}

/// `--svg` naming a file of the index (its `CURRENT`) or a corpus file used to write the chart
/// over it: the index became unreadable, the article file an SVG, with exit 0.
#[test]
fn svg_never_writes_into_the_index_or_over_a_file_that_is_not_a_chart() {
    let env = sample_and_speeches();
    let current = std::fs::read(env.path().join("index/CURRENT")).unwrap();
    let out = env.run(&["facets", "--by", "year", "--svg", "index/CURRENT"]);
    let line = assert_one_line_error(&out);
    assert!(
        line.starts_with("attache: index/CURRENT: inside the index at "),
        "{line}"
    );
    assert!(line.ends_with(": write an SVG chart elsewhere"), "{line}");
    assert_eq!(
        std::fs::read(env.path().join("index/CURRENT")).unwrap(),
        current
    );
    assert!(env.count("Ukraine").0 > 0);

    let article = std::fs::read(env.path().join("corpus/000_f6c3cfa837515be5.txt")).unwrap();
    let out = env.run(&[
        "facets",
        "--by",
        "year",
        "--svg",
        "corpus/000_f6c3cfa837515be5.txt",
    ]);
    assert_eq!(
        assert_one_line_error(&out),
        "attache: corpus/000_f6c3cfa837515be5.txt exists and is not an SVG chart: remove it \
         first or name another file"
    );
    assert_eq!(
        std::fs::read(env.path().join("corpus/000_f6c3cfa837515be5.txt")).unwrap(),
        article
    );

    // A chart is drawn again over the previous one, and no `.partial` file stays.
    env.run_ok(&["facets", "--by", "year", "--svg", "chart.svg"], 0);
    env.run_ok(&["facets", "--by", "source", "--svg", "chart.svg"], 0);
    assert!(env.path().join("chart.svg").exists());
    assert!(!env.path().join("chart.svg.partial").exists());

    // A `.partial` already there, even a link to the index's `CURRENT`, is never written
    // through: it was followed, and the chart written over `CURRENT`.
    std::os::unix::fs::symlink(
        env.path().join("index/CURRENT"),
        env.path().join("again.svg.partial"),
    )
    .unwrap();
    let out = env.run(&["facets", "--by", "year", "--svg", "again.svg"]);
    assert_eq!(
        assert_one_line_error(&out),
        "attache: again.svg.partial exists (an interrupted run's output?): remove it first"
    );
    assert_eq!(
        std::fs::read(env.path().join("index/CURRENT")).unwrap(),
        current
    );
    assert!(!env.path().join("again.svg").exists());
}

/// The chart takes `--width` as `search` and `show` do (it was refused).
#[test]
fn the_chart_is_as_wide_as_asked() {
    let env = sample_and_speeches();
    for width in [40, 100] {
        let w = width.to_string();
        let out = env.run_ok(
            &["facets", "--by", "year", "--width", &w, "--color", "never"],
            0,
        );
        let widest = out.stdout.lines().map(|l| l.chars().count()).max().unwrap();
        assert!(widest <= width && widest + 10 >= width, "{width}: {out}");
    }
}

/// Numeric values in order by value: sessions 8, 9, 10, not 10, 8, 9 (they sorted as text).
#[test]
fn numeric_values_sort_as_numbers() {
    let env = TestEnv::empty();
    let lines: String = [10, 8, 9, 100]
        .iter()
        .map(|n| {
            format!(
                "{{\"id\": \"s{n}\", \"date\": \"2000\", \"session\": {n}, \"body\": \"Speech \
                 on the quince harvest.\"}}\n"
            )
        })
        .collect();
    env.write("corpus/s.jsonl", lines);
    env.index();
    let (rows, _, out) = facets_json(&env, &["--by", "session", "--sort", "value"]);
    let values: Vec<&str> = rows.iter().map(|r| r["value"].as_str().unwrap()).collect();
    assert_eq!(values, ["8", "9", "10", "100"], "{out}");
}

#[test]
fn facet_errors_are_one_line_naming_what_is_allowed() {
    let env = sample_and_speeches();
    let out = env.run(&["facets", "--by", "colour"]);
    assert_eq!(
        assert_one_line_error(&out),
        "attache: no article has a 'colour' field: --by takes year, month, day, source, \
         entity, type, country, session, speaker"
    );
    let out = env.run(&["facets", "--by", "Year!"]);
    assert_eq!(
        assert_one_line_error(&out),
        "attache: invalid value 'Year!' for '--by <BY>': 'Year!' is not a facet: use year, \
         month, day, source, entity, type or a metadata field such as country or speaker"
    );
    // A value's control characters are escaped, not dropped: clap's rendering showed
    // `ye\x01ar` as 'year' ("'year' is not a facet") and an escape sequence as ''.
    for (typed, shown) in [("ye\u{1}ar", "ye\\u{1}ar"), ("\u{1b}[31m", "\\u{1b}[31m")] {
        let out = env.run(&["facets", "--by", typed]);
        assert_eq!(
            assert_one_line_error(&out),
            format!(
                "attache: invalid value '{shown}' for '--by <BY>': '{shown}' is not a facet: \
                 use year, month, day, source, entity, type or a metadata field such as \
                 country or speaker"
            )
        );
    }
    let out = env.run(&[
        "facets", "--by", "year", "--since", "2025", "--until", "2024",
    ]);
    assert_eq!(
        assert_one_line_error(&out),
        "attache: --since 2025 is after --until 2024: no article can match"
    );
    let out = env.run(&["facets", "--by", "year", "\"unclosed"]);
    assert!(
        assert_one_line_error(&out).starts_with("attache: bad query: "),
        "{out}"
    );
    // A query that matches nothing has the timeline's zero rows, as any other query.
    let none = env.run_ok(&["facets", "--by", "year", "zzyzx"], 1);
    assert!(
        none.stdout
            .starts_with("year passages articles\n2022        0        0"),
        "{none}"
    );
}

#[test]
#[ignore = "indexes ~200 MB; run with `cargo test --release -- --ignored ungdc`"]
fn ungdc_nuclear_disarmament_by_year_is_the_1946_to_2024_curve() {
    let Some(env) = crate::ungdc_index() else {
        return;
    };
    let query = "\"nuclear disarmament\"";
    let (rows, summary, out) = facets_json(&env, &["--by", "year", query]);
    let years: Vec<i64> = rows
        .iter()
        .map(|r| r["value"].as_str().unwrap().parse().unwrap())
        .collect();
    // One row per year, none skipped, from the first speech naming it to the last.
    assert!(years.windows(2).all(|w| w[1] == w[0] + 1), "{out}");
    assert!(
        years[0] <= 1960 && *years.last().unwrap() == 2024,
        "{years:?}"
    );
    let (passages, articles) = env.count(query);
    let total: u64 = rows.iter().map(|r| r["passages"].as_u64().unwrap()).sum();
    assert_eq!(
        (total, summary["articles_matched"].as_u64().unwrap()),
        (passages, articles)
    );
    // Every speech is dated to the year only: by month, nothing is counted, and it says so.
    let (rows, summary, _) = facets_json(&env, &["--by", "month", query]);
    assert!(rows.is_empty());
    assert_eq!(summary["missing"]["passages"], passages);
    // Every speech has one country: the articles per country add up to the articles matched.
    let (rows, _, out) = facets_json(&env, &["--by", "country", query, "-n", "10000"]);
    let per_country: u64 = rows.iter().map(|r| r["articles"].as_u64().unwrap()).sum();
    assert_eq!(per_country, articles, "{out}");
    eprintln!(
        "{}",
        env.run_ok(&["facets", "--by", "year", query], 0).stdout
    );
}

#[test]
fn bench_times_facets_over_a_common_word_by_collector_and_by_tantivy_aggregation() {
    let env = sample_and_speeches();
    env.write("queries.txt", "Ushakov\n");
    let out = env.run_ok(
        &[
            "bench",
            "--queries",
            "queries.txt",
            "--runs",
            "2",
            "--warmup",
            "0",
            "--json",
        ],
        0,
    );
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    let facets = report["facets"].as_array().unwrap();
    let rows: Vec<(&str, &str)> = facets
        .iter()
        .map(|f| (f["by"].as_str().unwrap(), f["method"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rows,
        [
            ("year", "collector"),
            ("country", "collector"),
            ("entity", "collector"),
            ("country", "tantivy_aggregation")
        ],
        "{out}"
    );
    let (passages, _) = env.count("the");
    for f in facets {
        assert_eq!(f["query"], "the");
        assert_eq!(f["passages"], passages, "{out}");
        assert!(f["latency"]["p50"].as_f64().unwrap() > 0.0, "{out}");
    }
    // Both ways count the same countries: the two speeches' FRA and UKR.
    assert_eq!(
        (&facets[1]["values"], &facets[3]["values"]),
        (&2.into(), &2.into())
    );
    let (rows, _, _) = facets_json(&env, &["--by", "year", "the"]);
    let years = rows.iter().filter(|r| r["passages"] != 0).count();
    assert_eq!(facets[0]["values"], years, "{out}");
    let text = env.run_ok(
        &[
            "bench",
            "--queries",
            "queries.txt",
            "--runs",
            "1",
            "--warmup",
            "0",
        ],
        0,
    );
    assert!(text.stdout.contains("  the --by year\n"), "{text}");
    assert!(
        text.stdout
            .contains("  the --by country (tantivy terms aggregation, estimated articles)\n"),
        "{text}"
    );
}

/// A value in Chinese or Japanese takes two columns a character: the counts stand in one column
/// whatever the values' scripts (they were pushed right a column per wide character).
#[test]
fn facet_rows_align_by_display_columns() {
    let env = TestEnv::empty();
    let lines: Vec<String> = [("a", "中华人民共和国"), ("b", "Ukraine"), ("c", "上川陽子 Kamikawa")]
        .iter()
        .map(|(id, country)| {
            json!({"id": id, "date": "2024", "country": country, "body": "The delegates spoke of the grain corridor at length today."})
                .to_string()
        })
        .collect();
    env.write("corpus/wide.jsonl", lines.join("\n") + "\n");
    env.index();
    let out = env.run_ok(&["facets", "--by", "country", "grain"], 0);
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let ends: Vec<usize> = out
        .stdout
        .lines()
        .map(|line| {
            // The end of the articles column: the line up to its bar.
            let counts = line.trim_end_matches(|c: char| c == ' ' || "█▏▎▍▌▋▊▉".contains(c));
            width(counts)
        })
        .collect();
    assert_eq!(ends.len(), 4, "{out}");
    assert!(ends.iter().all(|&e| e == ends[0]), "{ends:?}\n{out}");
}

/// A value written in other capitals or spacing (`Mr. GROMYKO`, `Mr.  Gromyko`) is one row,
/// named by its most frequent spelling, and counts what `speaker:"…"` finds.
#[test]
fn facet_values_differing_in_case_are_one_row() {
    let env = TestEnv::empty();
    let lines: Vec<String> = [
        ("a", "Mr. Gromyko", "TASS"),
        ("b", "Mr. GROMYKO", "Tass"),
        ("c", "Mr.  Gromyko", "TASS"),
        ("d", "GROMYKO", "TASS"),
        ("e", "Mr. Ali", "Reuters"),
        // Punctuation and spaces fold too (`Mr.Facio`, `王 毅`).
        ("f", "Mr.Gromyko", "TASS"),
        ("g", "王毅", "Xinhua"),
        ("h", "王 毅", "Xinhua"),
        ("i", "王毅", "Xinhua"),
        // Other letters stay apart (they were one row with only letters compared).
        ("j", "Li-Wei", "Reuters"),
        ("k", "LIWEI", "Reuters"),
    ]
    .iter()
    .map(|(id, speaker, source)| {
        json!({"id": id, "date": "1960", "speaker": speaker, "source": source, "body": "The delegates spoke of the grain corridor at length today."})
            .to_string()
    })
    .collect();
    env.write("corpus/speakers.jsonl", lines.join("\n") + "\n");
    env.index();
    let (rows, summary, out) = facets_json(&env, &["--by", "speaker", "grain"]);
    assert_eq!(
        table(&rows),
        [
            row("Mr. Gromyko", 4, 4),
            row("王毅", 3, 3),
            row("GROMYKO", 1, 1),
            row("LIWEI", 1, 1),
            row("Li-Wei", 1, 1),
            row("Mr. Ali", 1, 1)
        ],
        "{out}"
    );
    assert_eq!(summary["values"], 6, "{out}");
    assert_eq!(env.count("grain speaker:\"Mr. Gromyko\""), (4, 4));
    assert_eq!(env.count("grain speaker:王毅"), (3, 3));
    let (rows, _, out) = facets_json(&env, &["--by", "source", "grain"]);
    assert_eq!(
        table(&rows),
        [row("TASS", 5, 5), row("Reuters", 3, 3), row("Xinhua", 3, 3)],
        "{out}"
    );
}
