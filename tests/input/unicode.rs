//! The same text composed (NFC) and decomposed (NFD) is found by the same queries.

use crate::util::TestEnv;

/// The queries that must find the same sentence composed and decomposed.
const FOLDED_QUERIES: [&str; 12] = [
    "Kyiv",
    "kyiv",
    "Kyïv",
    "Kyi\u{308}v",
    "Turkiye",
    "Tu\u{308}rkiye",
    "\"Cote d'Ivoire\"",
    "\"Co\u{302}te d'Ivoire\"",
    "@turkey",
    "@Tu\u{308}rkiye",
    "@\"Cote d'Ivoire\"",
    "\"Kyïv and then\"",
];

#[test]
fn composed_and_decomposed_accents_are_found_by_the_same_queries() {
    let env = TestEnv::empty();
    env.add_fixtures("unicode-forms").index();
    let all = ["composed.txt", "decomposed-jsonl", "decomposed.txt"];
    for query in FOLDED_QUERIES {
        let search = env.search_json(query, &["--per-article", "0", "--no-collapse"]);
        assert_eq!(search.articles(), all, "{query}\n{}", search.out);
    }
    // Stored text is composed, so highlights are byte ranges of the composed spelling.
    let search = env.search_json("Kyi\u{308}v", &[]);
    for (hit, marks) in search.hits.iter().zip(search.highlighted()) {
        assert_eq!(marks, ["Kyïv"], "{hit}");
        let text = hit["text"].as_str().unwrap();
        assert!(text.contains("Kyïv") && !text.contains('\u{308}'), "{text}");
    }
    let speaker = env.search_json("speaker:Tu\u{308}rkiye", &[]);
    assert_eq!(speaker.articles(), ["decomposed-jsonl"], "{}", speaker.out);
    let out = env.run_ok(&["entity", "Co\u{302}te d'Ivoire"], 0);
    assert!(
        out.stdout
            .starts_with("Côte d'Ivoire (@cote-divoire, state)"),
        "{out}"
    );
}
