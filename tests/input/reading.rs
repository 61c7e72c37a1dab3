//! Reading JSON Lines and text articles: ids too long to index, a byte-order mark, ids holding
//! quotes and backslashes.

use std::io::Write;

use super::{counts, index_json, jsonl};
use crate::util::TestEnv;

#[test]
fn an_id_longer_than_1024_bytes_is_skipped_so_reruns_never_duplicate_it() {
    let env = TestEnv::empty();
    let long = "x".repeat(70_000);
    env.write(
        "corpus/long.jsonl",
        jsonl(&[
            (&long, "A pangolin crossed the border."),
            ("short-1", "Another pangolin crossed the river."),
        ]),
    );
    let warning =
        "warning: corpus/long.jsonl: line 1: id is 70000 bytes, longer than 1024; skipped";
    let (first, warnings) = index_json(&env);
    assert_eq!(warnings, [warning]);
    assert_eq!(counts(&first), [1, 0, 0, 0], "{first}");
    assert_eq!(first["skipped"], 1, "{first}");
    let (second, warnings) = index_json(&env);
    assert_eq!(warnings, [warning]);
    assert_eq!(counts(&second), [0, 0, 0, 1], "{second}");
    assert_eq!(env.count("pangolin"), (1, 1));
    assert_eq!(env.search_json("pangolin", &[]).articles(), ["short-1"]);
}

#[test]
fn a_text_file_whose_path_is_over_1024_bytes_is_skipped_with_a_warning() {
    let env = TestEnv::empty();
    let deep = format!("{}/deep.txt", vec!["d".repeat(200); 6].join("/"));
    env.write(&format!("corpus/{deep}"), "date 2025 A lone okapi.");
    env.write("corpus/near.txt", "date 2025 A second okapi.");
    let (summary, warnings) = index_json(&env);
    assert_eq!(
        warnings,
        [format!(
            "warning: corpus/{deep}: id is {} bytes, longer than 1024; skipped: the id is the \
             file's path from the folder given, so index a folder nearer the file",
            deep.len()
        )]
    );
    assert_eq!(counts(&summary), [1, 0, 0, 0], "{summary}");
    assert_eq!(env.count("okapi"), (1, 1));
}

#[test]
fn a_leading_byte_order_mark_is_skipped_in_every_input() {
    let env = TestEnv::empty();
    let bom = "\u{feff}";
    env.write(
        "corpus/a.jsonl",
        format!("{bom}{}", jsonl(&[("bom-jsonl", "An axolotl.")])),
    );
    env.write("corpus/b.txt", format!("{bom}date 2025 A wombat."));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    write!(gz, "{bom}{}", jsonl(&[("bom-gz", "A dugong.")])).unwrap();
    env.write("corpus/c.jsonl.gz", gz.finish().unwrap());
    let zst = zstd::encode_all(
        format!("{bom}{}", jsonl(&[("bom-zst", "A narwhal.")])).as_bytes(),
        3,
    )
    .unwrap();
    env.write("corpus/d.jsonl.zst", zst);
    let (summary, warnings) = index_json(&env);
    assert_eq!(warnings, Vec::<String>::new());
    assert_eq!(counts(&summary), [4, 0, 0, 0], "{summary}");
    for (word, id) in [
        ("axolotl", "bom-jsonl"),
        ("wombat", "b.txt"),
        ("dugong", "bom-gz"),
        ("narwhal", "bom-zst"),
    ] {
        assert_eq!(env.search_json(word, &[]).articles(), [id], "{word}");
    }
    let piped = format!("{bom}{}", jsonl(&[("bom-stdin", "A gharial.")]));
    let out = env.run_with_stdin(&["index", "-", "--threads", "1"], piped.as_bytes());
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(out.warnings(), Vec::<&str>::new(), "{out}");
    assert_eq!(env.search_json("gharial", &[]).articles(), ["bom-stdin"]);
}

#[test]
fn an_id_holding_quotes_and_a_backslash_is_found_with_an_escaped_id_query() {
    let env = TestEnv::empty();
    let id = r#"memo "B" \ annex"#;
    env.write(
        "corpus/a.jsonl",
        jsonl(&[(id, "A tapir."), ("memo B annex", "A tapir again.")]),
    );
    env.index();
    let search = env.search_json(r#"id:"memo \"B\" \\ annex""#, &[]);
    assert_eq!(search.articles(), [id], "{}", search.out);
    // A backslash before any other character is itself.
    env.write("corpus/b.jsonl", jsonl(&[(r"C:\drafts", "A quokka.")]));
    env.index();
    let search = env.search_json(r#"id:"C:\drafts""#, &[]);
    assert_eq!(search.articles(), [r"C:\drafts"], "{}", search.out);
}

#[test]
fn an_article_whose_values_an_index_cannot_keep_is_skipped_and_its_old_version_kept() {
    let env = TestEnv::empty();
    let line = |html: &str| {
        serde_json::json!({"id": "w7", "date": "2024", "html": html, "body": "A pangolin spoke."})
            .to_string()
    };
    let others = jsonl(&[("w1", "Another pangolin."), ("w2", "A third pangolin.")]);
    env.write(
        "corpus/wire.jsonl",
        format!("{}\n{others}", line("<p>short</p>")),
    );
    let (first, _) = index_json(&env);
    assert_eq!(counts(&first), [3, 0, 0, 0], "{first}");
    // The extra field grows past what a fast field keeps (65,535 bytes): the line is skipped
    // with a warning, the version indexed before stays, and every search still reads.
    let html = format!("<p>{}</p>", "Story text ".repeat(7000));
    env.write("corpus/wire.jsonl", format!("{}\n{others}", line(&html)));
    let (second, warnings) = index_json(&env);
    assert_eq!(
        warnings,
        [
            "warning: corpus/wire.jsonl: line 1: the article's id, title, source, url and metadata \
          take 77074 bytes, more than the 65535 an index keeps (the longest is 'html'), skipped: \
          shorten it, or move long text into the body"
        ]
    );
    assert_eq!(counts(&second), [0, 0, 0, 2], "{second}");
    assert_eq!(second["skipped"], 1, "{second}");
    let search = env.search_json("pangolin", &["--limit", "5"]);
    assert_eq!(search.articles().len(), 3, "{}", search.out);
    // A text file's long title header: skipped on a first build, the others indexed.
    let env = TestEnv::empty();
    let title = "Long title words ".repeat(5000);
    env.write(
        "corpus/a.txt",
        format!("date 2025-11-24\ntitle {title}\nsource Reuters\n\nA pangolin.\n"),
    );
    env.write("corpus/b.txt", "date 2025-11-24\n\nA second pangolin.\n");
    let (summary, warnings) = index_json(&env);
    assert_eq!(counts(&summary), [1, 0, 0, 0], "{summary}");
    assert!(
        warnings[0].starts_with("warning: corpus/a.txt: line 1: "),
        "{warnings:?}"
    );
    assert_eq!(env.search_json("pangolin", &[]).articles(), ["b.txt"]);
}

/// Two metadata keys that name one field (`Country` and `country`) make the line ambiguous, as
/// a key written twice does: it was indexed with both values, counted twice by `facets`.
#[test]
fn metadata_keys_that_name_one_field_skip_the_line_with_a_warning() {
    let env = TestEnv::empty();
    let line = |id: &str, extra: serde_json::Value| {
        let mut object = serde_json::json!({"id": id, "date": "2024", "body": "A pangolin."});
        object
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        object.to_string() + "\n"
    };
    env.write(
        "corpus/wire.jsonl",
        [
            line("k1", serde_json::json!({"country": "UKR"})),
            line(
                "k2",
                serde_json::json!({"Country": "UKR", "country": "RUS"}),
            ),
            line(
                "k3",
                serde_json::json!({"Speaker Name": "A", "speaker_name": "B"}),
            ),
        ]
        .concat(),
    );
    let (summary, warnings) = index_json(&env);
    assert_eq!(counts(&summary), [1, 0, 0, 0], "{summary}");
    assert_eq!(
        warnings,
        [
            "warning: corpus/wire.jsonl: line 2: keys `Country` and `country` name one field, \
             `country`: keep one",
            "warning: corpus/wire.jsonl: line 3: keys `Speaker Name` and `speaker_name` name one \
             field, `speaker_name`: keep one"
        ]
    );
}

/// Extensions in capitals (exports from Windows) are read, and a file named on the command line
/// that attache does not read says so: `index notes.md` ended with exit 0 and nothing said.
#[test]
fn capital_extensions_are_read_and_a_named_file_of_another_kind_is_a_warning() {
    let env = TestEnv::empty();
    env.write("c/UP.TXT", "date 2024-01-02\n\nA pangolin in capitals.\n");
    env.write(
        "c/DUMP.JSONL",
        jsonl(&[("j1", "A second pangolin."), ("j2", "A third pangolin.")]),
    );
    env.write("c/notes.md", "date 2024-01-02\n\nNot an article.\n");
    let out = env.run_ok(&["index", "c", "--json"], 0);
    let summary: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(counts(&summary), [3, 0, 0, 0], "{out}");
    assert!(out.warnings().is_empty(), "{out}");
    let out = env.run_ok(&["index", "c/notes.md", "--index", "other"], 0);
    assert_eq!(
        out.warnings()
            .iter()
            .map(|w| w.to_string())
            .collect::<Vec<_>>(),
        [
            "warning: c/notes.md: not a file attache reads, skipped: articles are *.txt, JSON \
             Lines *.jsonl or *.ndjson (also .gz or .zst)"
        ],
        "{out}"
    );
}
