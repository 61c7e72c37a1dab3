//! Hostile corpora: every bad input is reported with its path (and line), counted and skipped,
//! and the good articles around it are still indexed.

use std::fs;
use std::io::Write;

use attache::corpus::{self, Record};

use crate::util::TestEnv;

/// A good JSON line whose body is `body`.
fn article(id: &str, body: &str) -> String {
    format!("{{\"id\": \"{id}\", \"date\": \"2024-05-01\", \"body\": \"{body}\"}}\n")
}

/// Indexes the environment's corpus: the run's warnings, then the search counts of `word`.
fn index_and_count(env: &TestEnv, word: &str) -> (Vec<String>, (u64, u64)) {
    let out = env.run_ok(&["index", "--threads", "1"], 0);
    let warnings = out.warnings().iter().map(|w| w.to_string()).collect();
    (warnings, env.count(word))
}

/// 50,000 bad lines printed 50,000 warnings: a file's first 20 are printed, then one line
/// counts the rest; the run still counts every one it skipped.
#[test]
fn a_file_of_many_bad_lines_prints_twenty_warnings_and_counts_the_rest() {
    let env = TestEnv::empty();
    let mut lines = "{bad\n".repeat(500);
    lines.push_str(&article("good", "wombat here"));
    env.write("corpus/bad.jsonl", lines);
    env.write("corpus/other.jsonl", "{bad\n");
    let out = env.run_ok(&["index", "--threads", "1"], 0);
    let warnings = out.warnings();
    assert_eq!(warnings.len(), 22, "{out}");
    assert!(
        warnings[19].starts_with("warning: corpus/bad.jsonl: line 20: "),
        "{out}"
    );
    assert_eq!(
        warnings[20],
        "warning: corpus/other.jsonl: line 1: malformed JSON: key must be a string at column 2"
    );
    assert_eq!(
        warnings[21],
        "warning: corpus/bad.jsonl: 480 more warnings not shown"
    );
    assert!(
        out.stderr.contains("skipped 501 (see warnings above)"),
        "{out}"
    );
    assert_eq!(env.count("wombat"), (1, 1));
}

#[test]
fn a_json_line_nested_10000_deep_is_reported_and_skipped() {
    let env = TestEnv::empty();
    let deep = format!("{}1{}\n", "{\"a\": ".repeat(10_000), "}".repeat(10_000));
    let arrays = format!("{}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let lines = [
        article("before", "wombat before"),
        deep,
        arrays,
        article("after", "wombat after"),
    ];
    env.write("corpus/deep.jsonl", lines.concat());
    let (warnings, count) = index_and_count(&env, "wombat");
    assert_eq!(
        warnings,
        [
            "warning: corpus/deep.jsonl: line 2: malformed JSON: recursion limit exceeded at column 763",
            // An array is no article, however deep: told at its first byte.
            "warning: corpus/deep.jsonl: line 3: expected a JSON object",
        ]
    );
    assert_eq!(count, (2, 2));
}

#[test]
fn a_json_line_over_16_mb_is_skipped_without_losing_its_neighbours() {
    let env = TestEnv::empty();
    let huge = article("huge", &"wombat ".repeat(2_500_000));
    assert!(huge.len() > 16 << 20);
    let lines = [article("a", "wombat one"), huge, article("b", "wombat two")];
    env.write("corpus/big.jsonl", lines.concat());
    let (warnings, count) = index_and_count(&env, "wombat");
    assert_eq!(
        warnings,
        ["warning: corpus/big.jsonl: line 2: longer than 16 MB, skipped"]
    );
    assert_eq!(count, (2, 2));
}

#[test]
fn a_symlink_loop_and_a_dangling_link_are_reported_and_the_walk_goes_on() {
    let env = TestEnv::empty();
    env.write("corpus/a/one.txt", "date 2024 The wombat spoke.");
    let corpus = env.path().join("corpus");
    std::os::unix::fs::symlink(&corpus, corpus.join("a/loop")).unwrap();
    std::os::unix::fs::symlink(corpus.join("gone.txt"), corpus.join("b.txt")).unwrap();
    let (warnings, count) = index_and_count(&env, "wombat");
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0] == "warning: corpus/a/loop: symlink loop: points back to corpus, skipped",
        "{warnings:?}"
    );
    assert!(
        warnings[1].starts_with("warning: corpus/b.txt: ") && warnings[1].contains("no such file"),
        "{warnings:?}"
    );
    assert_eq!(count, (1, 1));
}

#[test]
fn folders_reached_again_through_links_that_rejoin_are_walked_once() {
    // d0 links to d1 twice, d1 to d2 twice, …: 2^20 paths to d20 without a loop. Each folder
    // is walked once, each file indexed once, in well under a second.
    let env = TestEnv::empty();
    let corpus = env.path().join("corpus");
    for i in 0..=20 {
        std::fs::create_dir_all(corpus.join(format!("d{i}"))).unwrap();
    }
    for i in 0..20 {
        for link in ["x", "y"] {
            let to = format!("../d{}", i + 1);
            std::os::unix::fs::symlink(to, corpus.join(format!("d{i}/{link}"))).unwrap();
        }
    }
    env.write("corpus/d0/top.txt", "date 2024 The wombat spoke.");
    env.write("corpus/d20/deep.txt", "date 2024 A wombat below.");
    let out = env.run_ok(&["index", "corpus/d0", "--threads", "1"], 0);
    assert!(out.warnings().is_empty(), "{out}");
    assert_eq!(env.count("wombat"), (2, 2));
}

#[test]
fn an_unreadable_file_is_reported_and_skipped() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::empty();
    env.write("corpus/a.txt", "date 2024 The wombat spoke.");
    env.write("corpus/b.txt", "date 2024 The wombat left.");
    let locked = env.path().join("corpus/b.txt");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&locked).is_ok() {
        // Running as root, which reads anything: the file cannot be made unreadable.
        eprintln!("skipped: permissions are not enforced for this user");
        return;
    }
    let (warnings, count) = index_and_count(&env, "wombat");
    assert_eq!(
        warnings,
        ["warning: corpus/b.txt: permission denied (os error 13)"]
    );
    assert_eq!(count, (1, 1));
}

#[test]
fn a_named_pipe_or_socket_named_as_an_article_is_reported_and_keeps_what_was_indexed() {
    let env = TestEnv::empty();
    env.write("corpus/a.txt", "date 2024 The wombat spoke.");
    env.write("corpus/b.txt", "date 2024 The wombat left.");
    assert_eq!(index_and_count(&env, "wombat").1, (2, 2));
    // b.txt becomes a named pipe (reading it would wait for ever), and a socket and a pipe
    // without an article's extension appear beside it.
    let fifo = |name: &str| {
        let path = env.path().join(name);
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        assert!(made.unwrap().success(), "mkfifo {}", path.display());
    };
    fs::remove_file(env.path().join("corpus/b.txt")).unwrap();
    fifo("corpus/b.txt");
    fifo("corpus/notes");
    let _socket =
        std::os::unix::net::UnixListener::bind(env.path().join("corpus/c.jsonl")).unwrap();
    let (warnings, count) = index_and_count(&env, "wombat");
    assert_eq!(
        warnings,
        [
            "warning: corpus/b.txt: a named pipe (FIFO), not a regular file: skipped",
            "warning: corpus/c.jsonl: a socket, not a regular file: skipped",
        ]
    );
    // What the index held of b.txt stays until the file can be read again.
    assert_eq!(count, (2, 2));
    // A pipe given as the path (`attache index <(zcat dump.jsonl.gz)`) says how to read a
    // stream.
    fifo("stream.jsonl");
    let out = env.run_ok(&["index", "stream.jsonl", "--index", "other"], 0);
    assert_eq!(
        out.warnings(),
        [
            "warning: stream.jsonl: a named pipe (FIFO), not a regular file: skipped; to index a \
          stream, pipe it into `attache index -`"
        ],
        "{out}"
    );
}

#[test]
fn a_json_array_named_jsonl_is_one_warning_with_the_conversion() {
    let env = TestEnv::empty();
    let array = "[\n  {\"id\": \"a\", \"date\": \"2024\", \"body\": \"A wombat.\"},\n  {\"id\": \"b\", \
                 \"date\": \"2024\", \"body\": \"A wombat.\"}\n]\n";
    env.write("corpus/dump.jsonl", array);
    env.write("corpus/one.jsonl", array.replace('\n', ""));
    env.write(
        "corpus/good.jsonl",
        article("good-1", "A wombat at the summit."),
    );
    let (warnings, count) = index_and_count(&env, "wombat");
    let why = "a JSON array, not JSON Lines (one object per line): skipped; convert it with \
               `jq -c '.[]' FILE > FILE.jsonl`";
    assert_eq!(
        warnings,
        [
            format!("warning: corpus/dump.jsonl: {why}"),
            format!("warning: corpus/one.jsonl: {why}"),
        ]
    );
    assert_eq!(count, (1, 1));
}

#[test]
fn a_file_name_that_is_not_utf8_is_indexed_under_a_readable_id() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let env = TestEnv::empty();
    let name = OsStr::from_bytes(b"caf\xe9 \x1b[31m.txt");
    fs::write(
        env.path().join("corpus").join(name),
        "date 2024 The wombat spoke.",
    )
    .unwrap();
    env.write("corpus/bad.jsonl", "{oops\n");
    let moved = env
        .path()
        .join("corpus")
        .join(OsStr::from_bytes(b"caf\xe9.jsonl"));
    fs::rename(env.path().join("corpus/bad.jsonl"), moved).unwrap();
    let (warnings, count) = index_and_count(&env, "wombat");
    // The id and the warning are printable: the bad byte is written `\xe9`, as in the id.
    assert_eq!(
        warnings,
        [
            "warning: corpus/caf\\xe9.jsonl: line 1: malformed JSON: key must be a string at column 2"
        ]
    );
    assert_eq!(count, (1, 1));
    // The id keeps the bad byte as `\xe9`, so names differing only there stay apart.
    let search = env.search_json("wombat", &[]);
    assert_eq!(search.articles(), ["caf\\xe9 \u{1b}[31m.txt"]);
    let text = env.run_ok(&["search", "wombat"], 0);
    assert!(text.stdout.contains("caf\\xe9 \\u{1b}[31m.txt#0"), "{text}");
    // A name that spells `\xe9` in UTF-8 is another file with another id: its backslash is
    // doubled (both articles were one id, and one of them was skipped as a duplicate).
    env.write(
        "corpus/caf\\xe9 \u{1b}[31m.txt",
        "date 2024 The wombat left.",
    );
    let (warnings, count) = index_and_count(&env, "wombat");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(count, (2, 2));
    let search = env.search_json("wombat", &[]);
    assert_eq!(
        search.articles(),
        ["caf\\\\xe9 \u{1b}[31m.txt", "caf\\xe9 \u{1b}[31m.txt"]
    );
}

#[test]
fn files_whose_names_differ_only_in_their_unicode_normalisation_stay_apart() {
    let env = TestEnv::empty();
    // `café` composed (as Linux keeps what it is given) and decomposed (as macOS writes it).
    env.write(
        "corpus/caf\u{e9}.txt",
        "date 2020-01-01 The marmots dig burrows.",
    );
    env.write(
        "corpus/cafe\u{301}.txt",
        "date 2020-01-02 The zebras run fast.",
    );
    let out = env.run_ok(&["index", "--threads", "1"], 0);
    assert!(out.warnings().is_empty(), "{out}");
    assert_eq!(env.count("marmots OR zebras"), (2, 2));
    // The composed name takes the id queries are written in; the other keeps its own name.
    assert_eq!(
        env.search_json("marmots", &[]).articles(),
        ["caf\u{e9}.txt"]
    );
    assert_eq!(
        env.search_json("zebras", &[]).articles(),
        ["cafe\u{301}.txt"]
    );
    // `id:` reaches each twin by its id as written, and the quoted form too.
    for (typed, word) in [("caf\u{e9}.txt", "marmots"), ("cafe\u{301}.txt", "zebras")] {
        for query in [format!("id:{typed}"), format!("id:\"{typed}\"")] {
            let found = env.search_json(&query, &[]);
            assert_eq!(found.articles(), [typed], "{query}: {}", found.out);
            assert!(found.out.stdout.contains(word), "{query}: {}", found.out);
        }
    }
    let again = env.run_ok(&["index", "--threads", "1"], 0);
    assert!(
        again
            .stderr
            .contains("added 0, changed 0, removed 0 articles, 2 unchanged"),
        "{again}"
    );
    // Alone, a decomposed name is found by its composed id.
    env.remove("corpus/caf\u{e9}.txt");
    env.run_ok(&["index", "--threads", "1"], 0);
    assert_eq!(env.search_json("zebras", &[]).articles(), ["caf\u{e9}.txt"]);
    assert_eq!(env.count("marmots OR zebras"), (1, 1));
    for typed in ["caf\u{e9}.txt", "cafe\u{301}.txt"] {
        let found = env.search_json(&format!("id:{typed}"), &[]);
        assert_eq!(
            found.articles(),
            ["caf\u{e9}.txt"],
            "{typed}: {}",
            found.out
        );
    }
    // `show` finds it by either spelling, as `id:` does.
    for typed in ["caf\u{e9}.txt", "cafe\u{301}.txt"] {
        let shown = env.run_ok(&["show", typed], 0);
        assert!(shown.stdout.contains("zebras"), "{shown}");
    }
}

#[test]
fn folders_whose_names_differ_only_in_bytes_that_are_not_utf8_stay_apart() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let env = TestEnv::empty();
    for (folder, word) in [(&b"d\xe9"[..], "okapi"), (&b"d\xe8"[..], "narwhal")] {
        let dir = env.path().join("corpus").join(OsStr::from_bytes(folder));
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("a.txt"), format!("date 2024 The {word} spoke.")).unwrap();
    }
    let out = env.run_ok(&["index", "--threads", "1"], 0);
    assert!(out.warnings().is_empty(), "{out}");
    assert_eq!(env.count("okapi OR narwhal"), (2, 2));
    assert_eq!(env.search_json("okapi", &[]).articles(), ["d\\xe9/a.txt"]);
    assert_eq!(env.search_json("narwhal", &[]).articles(), ["d\\xe8/a.txt"]);
    // Unchanged on the next run: each origin is told apart from the other.
    let again = env.run_ok(&["index", "--threads", "1"], 0);
    assert!(
        again
            .stderr
            .contains("added 0, changed 0, removed 0 articles, 2 unchanged"),
        "{again}"
    );
    // Warnings tell the two folders apart too.
    for folder in [&b"d\xe9"[..], &b"d\xe8"[..]] {
        let dir = env.path().join("corpus").join(OsStr::from_bytes(folder));
        fs::write(dir.join("bad.jsonl"), "{oops\n").unwrap();
    }
    let out = env.run_ok(&["index", "--threads", "1"], 0);
    let bad = ": line 1: malformed JSON: key must be a string at column 2";
    assert_eq!(
        out.warnings(),
        [
            format!("warning: corpus/d\\xe8/bad.jsonl{bad}"),
            format!("warning: corpus/d\\xe9/bad.jsonl{bad}")
        ],
        "{out}"
    );
}

#[test]
fn a_file_that_vanishes_after_the_walk_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "date 2024 Here.").unwrap();
    let inputs = corpus::walk(&[dir.path().to_path_buf()]).unwrap();
    fs::remove_file(dir.path().join("a.txt")).unwrap();
    let err = corpus::read(&inputs.files[0], &mut |_| panic!("nothing to read")).unwrap_err();
    let path = dir.path().join("a.txt");
    assert_eq!(
        err.to_string(),
        format!("{}: no such file or directory (os error 2)", path.display())
    );
}

#[test]
fn a_file_that_grows_after_the_walk_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.txt");
    fs::write(&path, "date 2024 Here.").unwrap();
    let inputs = corpus::walk(&[dir.path().to_path_buf()]).unwrap();
    let mut file = fs::OpenOptions::new().append(true).open(&path).unwrap();
    file.write_all(b" And more after the walk.").unwrap();
    let mut bodies = Vec::new();
    corpus::read(&inputs.files[0], &mut |r| match r {
        Record::Article(a, _) => bodies.push(a.body),
        Record::Warning(w) => panic!("{w}"),
    })
    .unwrap();
    assert_eq!(bodies, ["Here. And more after the walk."]);
}

#[test]
#[ignore = "writes 2 GB; run with --ignored hostile"]
fn hostile_a_1_gb_single_line_is_skipped_in_bounded_memory() {
    let env = TestEnv::empty();
    let chunk = "x".repeat(1 << 20);
    for name in ["corpus/huge.jsonl", "corpus/huge.txt"] {
        let path = env.path().join(name);
        let mut file = std::io::BufWriter::new(fs::File::create(&path).unwrap());
        if name.ends_with(".txt") {
            file.write_all(b"date 2024 ").unwrap();
        }
        for _ in 0..1024 {
            file.write_all(chunk.as_bytes()).unwrap();
        }
        if name.ends_with(".jsonl") {
            file.write_all(b"\n").unwrap();
            file.write_all(article("after", "wombat after").as_bytes())
                .unwrap();
        }
    }
    env.write("corpus/small.txt", "date 2024 The wombat spoke.");
    let (out, peak) = super::peak_kb(&env, &["index", "--threads", "2"]);
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(
        out.warnings(),
        [
            "warning: corpus/huge.jsonl: line 1: longer than 16 MB, skipped",
            "warning: corpus/huge.txt: file longer than 16 MB, skipped",
        ]
    );
    eprintln!("peak memory indexing two 1 GB lines: {peak} kB");
    assert!(peak < 400_000, "peak {peak} kB");
    assert_eq!(env.count("wombat"), (2, 2));
}

#[test]
#[ignore = "writes 100,000 files; run with --ignored hostile"]
fn hostile_a_corpus_of_100000_tiny_files_indexes_in_bounded_memory() {
    let env = TestEnv::empty();
    for i in 0..100_000 {
        let dir = env.path().join(format!("corpus/{:03}", i / 1000));
        if i % 1000 == 0 {
            fs::create_dir_all(&dir).unwrap();
        }
        let text = format!("date 2024 Note {i} about the wombat.");
        fs::write(dir.join(format!("{i:06}.txt")), text).unwrap();
    }
    let (out, peak) = super::peak_kb(&env, &["index", "--threads", "2", "--quiet"]);
    assert_eq!(out.code, 0, "{out}");
    eprintln!("peak memory indexing 100,000 tiny files: {peak} kB");
    assert!(peak < 600_000, "peak {peak} kB");
    assert_eq!(env.count("wombat"), (100_000, 100_000));
}

#[test]
fn binary_data_named_jsonl_is_one_warning_not_one_per_line() {
    let env = TestEnv::empty();
    // An xz archive's header holds NUL bytes; its "lines" are not JSON.
    let mut bytes = b"\xfd7zXZ\x00\x00\x04".to_vec();
    for i in 0..20_000u32 {
        bytes.extend_from_slice(&i.to_le_bytes());
        if i % 97 == 0 {
            bytes.push(b'\n');
        }
    }
    env.write("corpus/archive.jsonl", bytes);
    env.write(
        "corpus/good.jsonl",
        article("good-1", "A heron at the summit."),
    );
    let (warnings, counts) = index_and_count(&env, "heron");
    assert_eq!(
        warnings,
        [
            "warning: corpus/archive.jsonl: binary file (contains NUL bytes), not JSON Lines; skipped"
        ]
    );
    assert_eq!(counts, (1, 1));
}

#[test]
fn a_stray_nul_in_the_first_line_of_json_lines_skips_that_line_only() {
    let env = TestEnv::empty();
    let mut lines = String::from(
        "{\"id\": \"a0\", \"date\": \"2023\", \"body\": \"bad \u{0} nul, a heron.\"}\n",
    );
    for i in 1..4 {
        lines.push_str(&article(&format!("a{i}"), "A heron at the summit."));
    }
    env.write("corpus/big.jsonl", lines);
    let (warnings, counts) = index_and_count(&env, "heron");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("warning: corpus/big.jsonl: line 1: "),
        "{warnings:?}"
    );
    assert_eq!(counts, (3, 3));
}

#[test]
fn control_characters_of_a_corpus_never_reach_the_terminal_raw() {
    let env = TestEnv::empty();
    let hostile = "\u{1b}]0;pwned\u{7}\u{1b}[2J";
    let line = serde_json::json!({
        "id": format!("doc{hostile}"),
        "date": "2020",
        "source": format!("Wire{hostile}"),
        format!("k{hostile}"): "v",
        "body": "Peace talks resumed on Monday in Geneva with both delegations.",
    });
    env.write("corpus/a.jsonl", format!("{line}\n"));
    env.run_ok(&["index", "--quiet"], 0);
    let stats = env.run_ok(&["stats"], 0);
    let show = env.run_ok(&["show", "doc"], 2);
    let export = env.run_ok(&["export", "--format", "quickwit", "out"], 0);
    for out in [&stats, &show, &export] {
        let all = format!("{}{}", out.stdout, out.stderr);
        assert!(!all.contains('\u{1b}') && !all.contains('\u{7}'), "{out}");
    }
    assert!(stats.stdout.contains("Wire\\u{1b}]0;pwned"), "{stats}");
    assert!(
        show.stderr.contains("did you mean doc\\u{1b}]0;pwned"),
        "{show}"
    );
    assert!(
        export
            .stderr
            .contains("note: metadata key 'k\\u{1b}]0;pwned"),
        "{export}"
    );
}

#[test]
fn a_utf16_file_is_named_as_such_with_the_command_that_converts_it() {
    let env = TestEnv::empty();
    let utf16 = |text: &str, big: bool| -> Vec<u8> {
        let mut bytes = if big {
            vec![0xfe, 0xff]
        } else {
            vec![0xff, 0xfe]
        };
        for unit in text.encode_utf16() {
            bytes.extend(if big {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        bytes
    };
    env.write(
        "corpus/a.txt",
        utf16("date 2025-01-02\n\nA quokka.\n", false),
    );
    env.write(
        "corpus/b.jsonl",
        utf16(
            "{\"id\":\"b\",\"date\":\"2020\",\"body\":\"A quokka.\"}\n",
            true,
        ),
    );
    env.write("corpus/c.txt", "date 2025-01-03\n\nA quokka too.\n");
    let out = env.run_ok(&["index"], 0);
    assert!(
        out.stderr.contains(
            "corpus/a.txt: UTF-16 text (byte-order mark FF FE), skipped: attache reads UTF-8; \
             convert it, `iconv -f UTF-16LE -t UTF-8 FILE > FILE.utf8`"
        ) && out.stderr.contains(
            "corpus/b.jsonl: UTF-16 text (byte-order mark FE FF), skipped: attache reads UTF-8; \
             convert it, `iconv -f UTF-16BE -t UTF-8 FILE > FILE.utf8`"
        ),
        "{out}"
    );
    assert_eq!(env.count("quokka"), (1, 1));
}
