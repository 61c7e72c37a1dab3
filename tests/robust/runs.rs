//! Long runs without spaces (URLs, hashes, scripts written without spaces) in passages: every
//! search that matches a word beside or inside one shows a snippet, never an error.

use crate::util::TestEnv;

/// Passages with a run of 300+ bytes before, after or around a matched word, in ASCII and in
/// multi-byte characters, at the start, middle and end of the passage.
fn passages() -> Vec<String> {
    let url = format!("https://reliefweb.int/report/{}", "x".repeat(300));
    let dashes = format!("Source:{}", "-".repeat(70));
    let words = "Some words of the passage before it. ".repeat(4);
    let cyrillic = "Жъ".repeat(150);
    let emoji = "😀".repeat(90);
    vec![
        // The passage that made `attache search reliefweb` report a damaged index.
        format!("{words}{dashes}reliefweb {url} more words here"),
        format!("reliefweb {url}"),
        format!("{url} {words}reliefweb"),
        format!("{words}{url}"),
        format!("{words}{cyrillic}/reliefweb/{cyrillic} end"),
        format!("{emoji} reliefweb {emoji}"),
        format!("{words}{cyrillic} reliefweb"),
    ]
}

#[test]
fn a_long_unbroken_run_beside_a_matched_word_is_shown_not_reported_as_damage() {
    let env = TestEnv::empty();
    for (i, passage) in passages().iter().enumerate() {
        env.write(
            &format!("corpus/run-{i}.txt"),
            format!(" date 2025-11-24 {passage}\n"),
        );
    }
    env.index();
    let search = env.search_json(
        "reliefweb",
        &["--limit", "100", "--per-article", "0", "--no-collapse"],
    );
    assert_eq!(search.out.code, 0, "{}", search.out);
    assert_eq!(search.hits.len(), passages().len(), "{}", search.out);
    for hit in &search.hits {
        let snippet = hit["snippet"].as_str().unwrap();
        assert!(snippet.contains("reliefweb"), "{snippet}");
        assert!(snippet.len() <= 300, "{} bytes: {snippet}", snippet.len());
    }
    let text = env.run_ok(&["search", "reliefweb"], 0);
    assert!(text.stdout.contains("reliefweb"), "{text}");
    env.run_ok(&["check"], 0);
}
