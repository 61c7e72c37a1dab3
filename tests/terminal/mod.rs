//! Output that fits and output for programs: wrapping to `COLUMNS`/`--width`, the pager on a
//! terminal (through `script`, which gives the binary a pseudo-terminal), batches of queries,
//! "did you mean", one-line JSON from `entity`, `check` and `stats`, stats that leave deleted
//! passages out, and `bench` reports that say what they measured and refuse to compare apples
//! with oranges.

use serde_json::Value;

use crate::indexed_sample;
use crate::util::{Output, TestEnv, assert_no_panic};

/// Runs the binary in `dir` (under the environment's folder, created if missing) with `vars`.
fn run_in(env: &TestEnv, dir: &str, vars: &[(&str, &str)], args: &[&str]) -> Output {
    let cwd = env.path().join(dir);
    std::fs::create_dir_all(&cwd).unwrap();
    let mut command = env.command(args);
    command.current_dir(&cwd);
    for (k, v) in vars {
        command.env(k, v);
    }
    Output::of(args, &command.output().expect("run attache"))
}

/// The lines of `text`, each checked to fit `width` columns (no escape codes in them), but
/// for a single word longer than the line, which stands alone rather than being split.
fn assert_fits(text: &str, width: usize) {
    for line in text.lines() {
        assert!(
            line.chars().count() <= width || !line.trim_start().contains(' '),
            "a line of {} columns > {width}:\n{line}\nin:\n{text}",
            line.chars().count()
        );
    }
}

#[test]
fn a_narrow_dumb_terminal_without_colour_gets_wrapped_plain_text_from_the_configured_index() {
    let env = indexed_sample();
    let index = env.path().join("index").display().to_string();
    env.write(".config/attache/config.toml", "limit = 2\npager = \"\"\n");
    let vars = [
        ("NO_COLOR", "1"),
        ("TERM", "dumb"),
        ("COLUMNS", "40"),
        ("ATTACHE_INDEX", index.as_str()),
    ];
    let out = run_in(&env, "elsewhere", &vars, &["search", "security guarantee"]);
    assert_eq!(out.code, 0, "{out}");
    assert_no_panic(&out);
    assert!(!out.stdout.contains('\x1b'), "no colour codes\n{out}");
    assert_fits(&out.stdout, 40);
    // Two hits (the config file's limit), each starting a line of its own.
    let headers: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert_eq!(headers.len(), 2, "{out}");
    assert!(headers[0].starts_with("1. 2025-11-24  "), "{out}");
    // Every continuation line keeps the three-column hanging indent.
    for line in out.stdout.lines().filter(|l| !l.is_empty()) {
        assert!(
            line.starts_with(|c: char| c.is_ascii_digit()) || line.starts_with("   "),
            "{line:?} lost the indent\n{out}"
        );
    }
    // Wrapping only moved words to new lines: never split one.
    let unwrapped = run_in(
        &env,
        "elsewhere",
        &vars,
        &["search", "security guarantee", "--width", "0"],
    );
    assert!(
        unwrapped.stdout.lines().any(|l| l.chars().count() > 40),
        "{unwrapped}"
    );
    let words = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(words(&out.stdout), words(&unwrapped.stdout));

    // `--width` beats COLUMNS, and `attache config` shows where each setting came from.
    let wider = run_in(
        &env,
        "elsewhere",
        &vars,
        &["search", "security guarantee", "--width", "60"],
    );
    assert_fits(&wider.stdout, 60);
    assert!(
        wider.stdout.lines().any(|l| l.chars().count() > 40),
        "{wider}"
    );
    let config = run_in(&env, "elsewhere", &vars, &["config"]);
    assert!(
        config
            .stdout
            .contains(&format!("index   {index}  (environment ATTACHE_INDEX)")),
        "{config}"
    );
    assert!(config.stdout.contains("limit   2  (file "), "{config}");
    assert!(config.stdout.contains("pager     (file "), "{config}");

    // stats wraps its long lines at the value's column.
    let stats = run_in(&env, "elsewhere", &vars, &["stats"]);
    assert_fits(&stats.stdout, 40);
    let last_run: Vec<&str> = stats
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("last run"))
        .collect();
    assert!(last_run.len() > 1, "{stats}");
    assert!(last_run[1].starts_with("            "), "{stats}");
}

/// `attache ARGS` on a terminal (see [`crate::settings::run_on_a_terminal`]).
fn on_terminal(env: &TestEnv, vars: &[(&str, &str)], args: &str) -> Option<String> {
    let args: Vec<&str> = args.split(' ').collect();
    let out = crate::settings::run_on_a_terminal(env, vars, &args)?;
    Some(out.replace("\r\n", "\n"))
}

#[test]
fn long_lists_go_through_the_pager_on_a_terminal_only_and_a_broken_pager_falls_back() {
    let env = indexed_sample();
    env.write(
        "pager.sh",
        "#!/bin/sh\nwhile IFS= read -r line; do printf 'PAGED %s\\n' \"$line\"; done\n",
    );
    let pager = env.path().join("pager.sh");
    std::fs::set_permissions(&pager, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let pager = pager.display().to_string();
    let vars = [("ATTACHE_PAGER", pager.as_str()), ("NO_COLOR", "1")];
    let Some(paged) = on_terminal(&env, &vars, "search Ushakov") else {
        return;
    };
    assert!(paged.contains("PAGED 1. 2025-11-24"), "{paged}");
    // Not through the pager: --pager never, an empty pager, or standard output not a terminal.
    let never = on_terminal(&env, &vars, "search Ushakov --pager never").unwrap();
    assert!(
        never.contains("\n1. 2025-11-24") || never.starts_with("1. 2025-11-24"),
        "{never}"
    );
    assert!(!never.contains("PAGED"), "{never}");
    let piped = run_in(&env, "", &vars, &["search", "Ushakov"]);
    assert!(piped.stdout.starts_with("1. 2025-11-24"), "{piped}");
    // A pager that cannot start leaves the text to standard output.
    let broken = [("ATTACHE_PAGER", "/nonexistent/pager"), ("NO_COLOR", "1")];
    let fallback = on_terminal(&env, &broken, "search Ushakov").unwrap();
    assert!(fallback.contains("1. 2025-11-24"), "{fallback}");
    assert!(fallback.contains("Kremlin aide Yuri"), "{fallback}");
}

/// A closed standard error (`attache search … 2>&1 | head -1`) is no failure: the summary
/// line written there panicked (exit 101) once the reader had gone.
#[test]
fn a_closed_standard_error_changes_no_exit_status() {
    use std::process::Stdio;
    let env = indexed_sample();
    for (args, code) in [
        (&["search", "nosuchwordzz"][..], 1),
        (&["search", "Geneva"][..], 0),
        (&["facets", "--by", "year"][..], 0),
        (&["search", "Geneva", "--since", "2030"][..], 1),
    ] {
        let mut child = env
            .command(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(code), "{args:?}");
    }
}

/// A closed standard output (`attache entities --json | head -1`) ends a command with exit 0,
/// as for `search`: the JSON commands said `attache: Broken pipe (os error 32)`, exit 2.
#[test]
fn a_closed_standard_output_ends_json_commands_quietly() {
    use std::process::Stdio;
    let env = indexed_sample();
    for args in [
        &["entities", "--json"][..],
        &["who", "peace", "--json"][..],
        &["stats", "--json"][..],
        &["search", "Geneva", "--json"][..],
        &["index", "--dry-run", "--json"][..],
    ] {
        let mut child = env
            .command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
    }
}

/// A reader that stops reading (`attache search --queries FILE | head`) ends the run, and a
/// line that failed before it did still fails the run: it exited 0 once the pipe closed.
#[test]
fn a_queries_file_piped_into_a_reader_that_stops_still_fails_on_its_bad_lines() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let env = indexed_sample();
    // A bad line, then far more output than a pipe holds.
    let queries = format!("\"unclosed\n{}", "Ushakov OR Geneva OR peace\n".repeat(400));
    env.write("queries.txt", &queries);
    let mut child = env
        .command(&["search", "--queries", "queries.txt", "-n", "100"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("\"type\":\"error\""), "{first}");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("line 1: bad query"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_queries_file_runs_each_line_into_tagged_json_lines_and_reports_bad_lines() {
    let env = indexed_sample();
    env.write(
        "queries.txt",
        "# needs\nUshakov\n\n\"unclosed\n  \"security guarantee\"  \nUshakof\n",
    );
    let out = env.run(&["search", "--queries", "queries.txt", "-n", "1"]);
    assert_eq!(out.code, 2, "a query failed\n{out}");
    assert_no_panic(&out);
    assert_eq!(
        out.stderr,
        "attache: queries.txt: line 4: bad query: column 1: unbalanced quote: the phrase \
         starting here is never closed\n",
        "{out}"
    );
    let lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let tagged: Vec<(String, u64, String)> = lines
        .iter()
        .map(|l| {
            (
                l["type"].as_str().unwrap().to_owned(),
                l["line"].as_u64().unwrap(),
                l["query"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want = [
        ("hit", 2, "Ushakov"),
        ("summary", 2, "Ushakov"),
        ("error", 4, "\"unclosed"),
        ("hit", 5, "\"security guarantee\""),
        ("summary", 5, "\"security guarantee\""),
        ("summary", 6, "Ushakof"),
    ];
    let want: Vec<(String, u64, String)> = want
        .iter()
        .map(|(t, n, q)| (t.to_string(), *n, q.to_string()))
        .collect();
    assert_eq!(tagged, want, "{out}");
    assert_eq!(lines[4]["passages_matched"], 2);
    assert_eq!(
        lines[5]["suggestions"],
        serde_json::json!([{"word": "Ushakof", "terms": ["ushakov"]}])
    );

    // From standard input, every query fine: exit 0; none matching: exit 1.
    let piped = env.run_with_stdin(
        &["search", "--queries", "-", "--count"],
        b"Ushakov\nKremlin\n",
    );
    assert_eq!(piped.code, 0, "{piped}");
    assert_eq!(piped.stdout.lines().count(), 2, "{piped}");
    let none = env.run_with_stdin(&["search", "--queries", "-"], b"zzyzx\n");
    assert_eq!(none.code, 1, "{none}");
    let both = env.run(&["search", "Ushakov", "--queries", "queries.txt"]);
    assert_eq!(both.code, 2, "{both}");
}

#[test]
fn a_queries_file_with_a_byte_order_mark_or_none_at_all_is_read_or_named() {
    let env = indexed_sample();
    env.write("bom.txt", "\u{feff}Ushakov\n");
    let out = env.run_ok(&["search", "--queries", "bom.txt", "--count"], 0);
    let first: Value = serde_json::from_str(out.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["query"], "Ushakov", "{out}");
    // A line that is not UTF-8 is an error of its own, not a garbled query; the rest run.
    env.write("latin1.txt", b"\xe9t\xe9\nUshakov\n".as_slice());
    let out = env.run_ok(&["search", "--queries", "latin1.txt", "--count"], 2);
    let lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["type"], "error", "{out}");
    assert_eq!(lines[0]["line"], 1, "{out}");
    assert_eq!(lines[1]["query"], "Ushakov", "{out}");
    assert_eq!(
        out.stderr,
        "attache: latin1.txt: line 1: not UTF-8 (byte 1 of the line): save the queries file as \
         UTF-8\n"
    );
    // A UTF-16 file is named as one, with the conversion.
    env.write("utf16.txt", b"\xff\xfeU\x00s\x00\n\x00".as_slice());
    let out = env.run_ok(&["search", "--queries", "utf16.txt"], 2);
    assert!(
        out.stderr
            .starts_with("attache: utf16.txt: UTF-16 text (byte-order mark FF FE)"),
        "{out}"
    );
    let missing = env.run_ok(&["search", "--queries", "nosuch.txt"], 2);
    assert_eq!(
        missing.stderr,
        "attache: cannot read queries from nosuch.txt: no such file or directory (os error 2)\n"
    );
    for command in ["search", "bench"] {
        let folder = env.run_ok(&[command, "--queries", "corpus"], 2);
        assert!(
            folder.stderr.starts_with(
                "attache: cannot read queries from corpus: it is a folder; give a file"
            ),
            "{folder}"
        );
    }
}

/// A misspelt entity gets the mentioned entities spelled nearly so, by their ids or the
/// gazetteer's spellings: `@gorbachevv` found nothing, without a word.
#[test]
fn a_misspelt_entity_gets_the_closest_mentioned_one() {
    let env = indexed_sample();
    for (typed, offered) in [
        ("@ushakof", "did you mean @ushakov?"),
        ("@\"Yuri Ushakof\" Geneva", "did you mean @ushakov Geneva?"),
        ("@zelenskyyy", "did you mean @zelensky?"),
    ] {
        let out = env.run(&["search", typed]);
        assert_eq!(out.code, 1, "{out}");
        assert!(out.stderr.contains(offered), "{typed}: {out}");
    }
    // A name the index mentions as typed gets none.
    let out = env.run(&["search", "@ushakov", "-n", "1"]);
    assert!(!out.stderr.contains("did you mean"), "{out}");
}

#[test]
fn a_word_the_index_never_saw_gets_the_closest_frequent_spelling() {
    let env = indexed_sample();
    let out = env.run(&["search", "Ushakof"]);
    assert_eq!(out.code, 1, "{out}");
    assert!(out.stderr.contains("\ndid you mean ushakov?\n"), "{out}");
    // Only the unknown word is replaced; a known word that is merely absent alongside is kept.
    let two = env.run(&["search", "Kremlim", "negotiations"]);
    assert!(
        two.stderr.contains("did you mean kremlin negotiations?"),
        "{two}"
    );
    let json = env.search_json("Ushakof Genevva", &[]);
    assert_eq!(
        json.summary["suggestions"],
        serde_json::json!([
            {"word": "Ushakof", "terms": ["ushakov"]},
            {"word": "Genevva", "terms": ["geneva"]}
        ]),
        "{}",
        json.out
    );
    // No suggestion for phrases, fields, known words, or when something matched.
    for query in ["\"Ushakof said\"", "title:Ushakof", "Ushakov"] {
        let out = env.run(&["search", "--json", query]);
        assert!(!out.stdout.contains("suggestions"), "{out}");
        assert!(!out.stderr.contains("did you mean"), "{out}");
    }
}

#[test]
fn search_help_summarises_the_query_syntax() {
    let env = TestEnv::empty();
    let help = env.run_ok(&["search", "--help"], 0);
    for needle in [
        "Query syntax:",
        "\"security guarantee\"~3",
        "Rubio OR Witkoff",
        "title:geneva",
        "date:[1980 TO 1989-12]",
        "@zelensky",
        "type:person",
        "--queries <FILE>",
        "--width <N>",
        "--pager <WHEN>",
    ] {
        assert!(help.stdout.contains(needle), "{needle} missing\n{help}");
    }
}

/// `attache search` is parsed by its own subcommand alone; whatever that parser would not take
/// goes to the whole command line's, so help and mistakes read as for every other command.
#[test]
fn a_search_is_parsed_as_the_whole_command_line_would_be() {
    let env = TestEnv::empty();
    let help = env.run_ok(&["search", "--help"], 0);
    assert!(
        help.stdout
            .contains("Usage: attache search [OPTIONS] [QUERY]..."),
        "{help}"
    );
    assert!(help.stdout.contains("Query syntax:"), "{help}");
    let version = env.run_ok(&["search", "--version"], 0);
    assert!(version.stdout.starts_with("attache-search "), "{version}");
    let bad = env.run_ok(&["search", "--limit", "0", "peace"], 2);
    assert_eq!(
        bad.stderr.trim(),
        "attache: invalid value '0' for '--limit <N>': 0 is not in 1..=10000",
        "{bad}"
    );
    // Mistakes are one line too, with clap's tip and the usage that shows the fix.
    let unknown = env.run_ok(&["search", "--bogus", "peace"], 2);
    assert_eq!(
        unknown.stderr,
        "attache: unexpected argument '--bogus' found (to pass '--bogus' as a value, use \
         '-- --bogus'); usage: attache search [OPTIONS] [QUERY]... (more with --help)\n",
        "{unknown}"
    );
    let missing = env.run_ok(&["search"], 2);
    assert_eq!(
        missing.stderr,
        "attache: the following required arguments were not provided: <QUERY>...; usage: \
         attache search <QUERY>... (more with --help)\n",
        "{missing}"
    );
    let command = env.run_ok(&["serch", "peace"], 2);
    assert_eq!(command.stderr.lines().count(), 1, "{command}");
    assert!(command.stderr.contains("'search'"), "{command}");
    // `attache` alone shows its commands.
    let bare = env.run_ok(&[], 2);
    assert!(bare.stderr.contains("Commands:"), "{bare}");
    // An exclusion typed unquoted reads to clap as short options (`-w -a -r`): one line says
    // how to type it, for each command that takes a query.
    for command in ["search", "entities", "facets", "who"] {
        let out = env.run_ok(&[command, "peace", "-war"], 2);
        assert_eq!(
            out.stderr,
            "attache: '-war' is not an option: to exclude a word, quote the whole query \
             ('… -war') or put -- before the query\n",
            "{out}"
        );
    }
    // So does one that starts with a digit, `@`, a quote, or is one letter long.
    for word in ["-1990", "-@gromyko", "-\"cold war\"", "-x"] {
        let out = env.run_ok(&["search", "peace", word], 2);
        assert_eq!(
            out.stderr,
            format!(
                "attache: '{word}' is not an option: to exclude a word, quote the whole query \
                 ('… {word}') or put -- before the query\n"
            ),
            "{out}"
        );
    }
    // A whole query quoted that starts with an exclusion is quoted already: `--` is the fix.
    let out = env.run_ok(&["search", "-apartheid Namibia"], 2);
    assert_eq!(
        out.stderr,
        "attache: '-apartheid Namibia' is not an option: a query that starts with `-` goes \
         last, after `--`, with every option before it (… -- '-apartheid Namibia')\n",
        "{out}"
    );
    // An option after `--` is a query word: said so, not as a doubled operator.
    for args in [
        &["search", "--", "-apartheid Namibia", "--count"][..],
        &["entities", "--", "-apartheid Namibia", "--count"],
        &[
            "facets",
            "--by",
            "year",
            "--",
            "-apartheid Namibia",
            "--count",
        ],
        &["who", "--", "-apartheid Namibia", "--count"],
    ] {
        let out = env.run_ok(args, 2);
        assert_eq!(
            out.stderr,
            "attache: '--count' is in the query: after `--` every argument is a query word; \
             put the options before `--`\n",
            "{out}"
        );
    }
    // After an option's value of two characters (`-n 20`), the word is still an exclusion:
    // `20` was once read as a short option taking `-war` as its value.
    for args in [
        &["search", "-n", "20", "-war"][..],
        &["search", "--width", "80", "-war"],
    ] {
        let out = env.run_ok(args, 2);
        assert!(
            out.stderr.starts_with("attache: '-war' is not an option: "),
            "{out}"
        );
    }
    // A value that starts with a dash, after an option that takes one, is that option's.
    for (flag, value) in [("--since", "-5"), ("--until", "-2020")] {
        let out = env.run_ok(&["search", "peace", flag, value], 2);
        assert_eq!(
            out.stderr,
            format!(
                "attache: '{value}' is not a value for {flag}: a value that starts with `-` is \
                 written {flag}={value}\n"
            ),
            "{out}"
        );
    }
    // A mistyped option keeps clap's suggestion.
    let typo = env.run_ok(&["search", "--jsn", "peace"], 2);
    assert!(
        typo.stderr.contains("a similar argument exists: '--json'"),
        "{typo}"
    );
}

#[test]
fn entity_check_and_stats_write_one_json_object_on_one_line() {
    let env = indexed_sample();
    for args in [
        &["entity", "Ushakov", "--json"][..],
        &["check", "--json"],
        &["stats", "--json"],
    ] {
        let out = env.run_ok(args, 0);
        assert_eq!(out.stdout.lines().count(), 1, "{out}");
        let value: Value = serde_json::from_str(&out.stdout).unwrap();
        assert!(value.is_object(), "{out}");
    }
    let check: Value = serde_json::from_str(&env.run_ok(&["check", "--json"], 0).stdout).unwrap();
    assert_eq!(check["ok"], true);
    assert_eq!(check["passages"], 21);
    assert_eq!(check["problems"], serde_json::json!([]));
}

#[test]
fn stats_counts_leave_out_the_passages_an_update_deleted() {
    let env = TestEnv::empty();
    let article = |id: &str, source: &str, body: &str| {
        serde_json::json!({"id": id, "date": "2025-11-24", "source": source, "body": body})
            .to_string()
    };
    let first = [
        article(
            "a",
            "Reuters",
            "Talks in Geneva.\n\nA second paragraph on Kyiv.",
        ),
        article("b", "TASS", "Ushakov spoke in Moscow."),
    ];
    env.write("corpus/wire.jsonl", first.join("\n") + "\n");
    env.index();
    let before = crate::stats_json(&env);
    let old_a = before["passages"].as_u64().unwrap() - 1;
    // Replace article a with a one-passage version: its old passages are deleted (still on
    // disk until a merge) and one is added.
    let second = [
        article("a", "Reuters", "Talks in Geneva ended."),
        article("b", "TASS", "Ushakov spoke in Moscow."),
    ];
    env.write("corpus/wire.jsonl", second.join("\n") + "\n");
    env.index();
    let after = crate::stats_json(&env);
    assert_eq!(after["articles"], 2, "{after:#}");
    assert_eq!(after["passages"], 2, "{after:#}");
    assert_eq!(after["deleted_passages"], old_a, "{after:#}");
    assert_eq!(
        after["sources"],
        serde_json::json!([
            {"source": "Reuters", "passages": 1},
            {"source": "TASS", "passages": 1}
        ]),
        "{after:#}"
    );
    let (passages, _) = env.count("Geneva OR Ushakov OR Kyiv");
    assert_eq!(passages, 2);
}

#[test]
fn bench_reports_what_it_measured_and_refuses_to_compare_different_indexes() {
    let env = indexed_sample();
    // A short measurement: 3 to 6 runs a query, no warm-up, one thread.
    let quick = |extra: &[&'static str]| {
        let mut args = vec![
            "bench",
            "--runs",
            "3",
            "--max-runs",
            "6",
            "--warmup",
            "0",
            "--threads",
            "1",
        ];
        args.extend_from_slice(extra);
        args
    };
    let out = env.run_ok(&quick(&["--json"]), 0);
    // One line, as every other `--json` report is.
    assert_eq!(out.stdout.lines().count(), 1, "{out}");
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["build"]["version"], env!("CARGO_PKG_VERSION"));
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    assert_eq!(report["build"]["profile"], profile);
    assert_eq!(report["index"]["articles"], 2);
    assert_eq!(report["index"]["meta_hash"].as_str().unwrap().len(), 16);
    assert_eq!(
        report["machine"]["load_before"].as_array().unwrap().len(),
        3
    );
    let builtin = attache::bench::parse_queries(attache::bench::BUILTIN_QUERIES);
    let queries = report["queries"].as_array().unwrap();
    assert_eq!(
        queries.len(),
        builtin.len(),
        "the built-in queries by default"
    );
    for q in queries {
        let runs = q["runs"].as_u64().unwrap();
        assert!((3..=6).contains(&runs), "{q}");
        assert_eq!(q["samples"].as_array().unwrap().len() as u64, runs);
        let ci = q["median_ci"].as_array().unwrap();
        let p50 = q["total"]["p50"].as_f64().unwrap();
        assert!(
            ci[0].as_f64().unwrap() <= p50 && p50 <= ci[1].as_f64().unwrap(),
            "{q}"
        );
    }
    env.write("before.json", &out.stdout);

    let compared = env.run_ok(&quick(&["--compare", "before.json"]), 0);
    assert!(compared.stdout.contains("overall  "), "{compared}");
    assert!(
        compared.stdout.contains("queries changed significantly"),
        "{compared}"
    );

    // Another index: refused in one line, unless told to go ahead (then loudly).
    env.write("corpus/more.txt", "date 2025-11-25 Geneva talks resumed.");
    env.index();
    let refused = env.run(&["bench", "--runs", "1", "--compare", "before.json"]);
    let line = crate::assert_one_line_error(&refused);
    assert!(line.contains("different indexes: 2 articles"), "{refused}");
    assert!(line.contains("--allow-mismatch"), "{refused}");
    let forced = env.run_ok(
        &[
            "bench",
            "--runs",
            "1",
            "--compare",
            "before.json",
            "--allow-mismatch",
        ],
        0,
    );
    assert!(
        forced
            .stderr
            .contains("WARNING: comparing reports that differ: different indexes"),
        "{forced}"
    );
}

#[test]
fn entity_and_speaker_lists_wrap_long_rows_to_the_width() {
    let env = TestEnv::new();
    env.index();
    for args in [&["entities", "-n", "5"][..], &["who", "-n", "3"]] {
        let out = run_in(&env, ".", &[("COLUMNS", "40")], args);
        assert_eq!(out.code, 0, "{out}");
        assert_fits(&out.stdout, 40);
        // The id of a wrapped row goes on the next line, indented.
        assert!(out.stdout.contains("\n                    (@"), "{out}");
        let wide = run_in(&env, ".", &[("COLUMNS", "200")], args);
        assert!(
            wide.stdout
                .lines()
                .all(|l| !l.starts_with("   ") || l.contains("(@")),
            "{wide}"
        );
    }
}

/// A query's median converges only on enough runs to bound it: `--runs 1` reported every query
/// converged, with the one sample as its interval.
#[test]
fn bench_converges_only_on_enough_runs_to_bound_a_median() {
    let env = indexed_sample();
    env.write("q.txt", "peace\nGeneva\n");
    let report = |args: &[&str]| -> Value {
        let mut all = vec!["bench", "--queries", "q.txt", "--json", "--warmup", "0"];
        all.extend_from_slice(args);
        let out = env.run_ok(&all, 0);
        serde_json::from_str(&out.stdout).unwrap()
    };
    let few = report(&["--runs", "1", "--max-runs", "5"]);
    for query in few["queries"].as_array().unwrap() {
        assert_eq!(query["converged"], false, "{query}");
        assert_eq!(query["runs"], 5, "{query}");
    }
    let more = report(&["--runs", "1", "--max-seconds", "5"]);
    for query in more["queries"].as_array().unwrap() {
        let runs = query["runs"].as_u64().unwrap();
        assert!(query["converged"] == false || runs >= 6, "{query}");
    }
}

/// `bench` shows a count it stopped at as a lower bound (`≥1000`), as the search footer does;
/// it showed `1000` for 1,200 matches.
#[test]
fn bench_shows_a_count_it_stopped_at_as_at_least() {
    let env = TestEnv::empty();
    let lines: String = (0..1200)
        .map(|i| {
            format!("{{\"id\": \"q{i}\", \"date\": \"2001\", \"body\": \"Quince harvest {i}.\"}}\n")
        })
        .collect();
    env.write("corpus/q.jsonl", lines);
    env.write("queries.txt", "quince\nharvest 7\n");
    env.index();
    let args = [
        "bench",
        "--queries",
        "queries.txt",
        "--runs",
        "1",
        "--max-runs",
        "6",
        "--warmup",
        "0",
        "--threads",
        "1",
    ];
    let mut json = args.to_vec();
    json.push("--json");
    let report: Value = serde_json::from_str(&env.run_ok(&json, 0).stdout).unwrap();
    let queries = report["queries"].as_array().unwrap();
    assert_eq!(
        (&queries[0]["hits"], &queries[0]["hits_exact"]),
        (&1000.into(), &false.into())
    );
    assert_eq!(
        (&queries[1]["hits"], &queries[1]["hits_exact"]),
        (&1.into(), &true.into())
    );
    let table = env.run_ok(&args, 0);
    assert!(table.stdout.contains("   ≥1000 "), "{table}");
}
