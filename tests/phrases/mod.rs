//! Phrases respect sentences and clauses: an exact phrase never matches across a comma, a
//! colon, a bracket, a dash or a full stop, a sloppy one may cross a clause but never a sentence,
//! and hyphens and apostrophes still join. Phrase counts are checked against an independent
//! count of the same rule over the passages' own text.

use crate::util::{Search, TestEnv};

/// Sentences of UN General Debate speeches (sessions 50, 75, 78 and the 1979 record).
const SPEECHES: &str = "\
date 2020-09-22 Those goals were to reduce poverty, maintain international peace and security, \
guarantee justice and human rights, promote social progress, while protecting the environment.

The Palestinian State should be viable, democratic and peaceful, and it should give credible \
undertakings as regards Israel’s security. Guarantees will be needed, yet the Palestinian State \
is not the problem; it is the solution for reasons based on history.

That country used to be a guarantor of Ukraine’s security under the Budapest Memorandum, whereby \
security guarantees were given in exchange for its nuclear arsenal, the third largest in the world.

The parties must resume direct negotiations leading to a fair and sustainable two-State solution \
in the Middle East, with both States living side by side in peace and security.
";

/// Every passage, ungrouped.
const EVERY: [&str; 4] = ["--per-article", "0", "--no-collapse", "--limit=1000"];

fn speeches() -> TestEnv {
    let env = TestEnv::empty();
    env.write("corpus/speeches.txt", SPEECHES);
    env.index();
    env
}

#[test]
fn security_guarantee_does_not_match_across_a_comma() {
    let env = speeches();
    // "peace and security, guarantee justice": the words are in two clauses.
    assert_eq!(env.count("\"security guarantee\""), (0, 0));
    assert_eq!(env.count("\"security guarantee justice\""), (0, 0));
    // Typed with its comma, the phrase is the text's own, and matches, marked whole.
    let typed = env.search_json("\"security, guarantee justice\"", &[]);
    assert_eq!(typed.locations(), ["speeches.txt#0"], "{}", typed.out);
    assert_eq!(typed.highlighted()[0], ["security, guarantee justice"]);
    // A sloppy phrase may cross a clause.
    let sloppy = env.search_json("\"security guarantee\"~5", &[]);
    assert_eq!(sloppy.locations(), ["speeches.txt#0"], "{}", sloppy.out);
    assert_eq!(sloppy.highlighted()[0], ["security", "guarantee"]);
}

#[test]
fn the_gap_of_a_phrase_typed_with_punctuation_holds_no_word() {
    let env = TestEnv::empty();
    env.write(
        "corpus/a.txt",
        "date 2020-09-22\n\nWe must maintain peace and security, guarantee justice and end war.\n",
    );
    env.write(
        "corpus/b.txt",
        "date 2020-09-23\n\nSecurity and guarantee are two words. Security will guarantee \
         nothing; peace and security guarantee the rest. The war. Then peace.\n",
    );
    env.index();
    // The comma's empty position is no slot for "and" or "will".
    let typed = env.search_json("\"security, guarantee\"", &EVERY);
    assert_eq!(typed.locations(), ["a.txt#0"], "{}", typed.out);
    assert_eq!(env.count("\"security, guarantee\""), (1, 1));
    assert_eq!(env.count("\"security; guarantee\""), (1, 1));
    assert_eq!(env.count("\"and; guarantee\""), (0, 0));
    // Within a larger query, as a filter, and with --exact-count, the same.
    assert_eq!(env.count("\"security, guarantee\" peace"), (1, 1));
    assert_eq!(env.count("\"security, guarantee\" -justice"), (0, 0));
    // A sentence end typed is one too: "war. Then", not "end war. Then" nor "war, Then".
    assert_eq!(env.count("\"war. Then\""), (1, 1));
    assert_eq!(env.count("\"end war. Then\""), (0, 0));
    assert_eq!(env.count("\"war, Then\""), (0, 0));
}

#[test]
fn a_phrase_typed_with_punctuation_scores_and_marks_only_its_own_occurrences() {
    let env = TestEnv::empty();
    // `a` says "security, guarantee" once and "security and guarantee" three times; `b` says
    // the phrase twice. Counted at the words' distance, `a` had four occurrences.
    env.write(
        "corpus/a.txt",
        "date 2020-09-22\n\nFor security, guarantee. Security and guarantee; security and \
         guarantee; security and guarantee, we said.\n",
    );
    env.write(
        "corpus/b.txt",
        "date 2020-09-22\n\nFor security, guarantee. We said it: security, guarantee, and \
         justice for all the states here.\n",
    );
    for i in 0..10 {
        env.write(
            &format!("corpus/other{i}.txt"),
            format!("date 2020-09-22\n\nSecurity matters to state {i}; a guarantee too.\n"),
        );
    }
    env.index();
    let typed = env.search_json("\"security, guarantee\"", &["--explain"]);
    assert_eq!(typed.articles(), ["a.txt", "b.txt"], "{}", typed.out);
    assert_eq!(typed.hits[0]["article_id"], "b.txt", "{}", typed.out);
    // Only the occurrences with nothing in the gap are marked.
    let a = typed
        .hits
        .iter()
        .position(|h| h["article_id"] == "a.txt")
        .unwrap();
    assert_eq!(typed.highlighted()[a], ["security, guarantee"]);
    assert_eq!(typed.highlighted()[1 - a].len(), 2, "{}", typed.out);
    // The score's parts add up.
    for hit in &typed.hits {
        let parts: f64 = hit["explain"]["bm25"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["score"].as_f64().unwrap())
            .sum();
        let score = hit["score"].as_f64().unwrap();
        assert!((parts - score).abs() < 1e-4, "{parts} vs {score}: {hit}");
    }
}

#[test]
fn a_phrase_does_not_match_across_a_sentence_end_even_with_slop() {
    let env = speeches();
    // "as regards Israel’s security.\nGuarantees will be needed"
    assert_eq!(env.count("\"security guarantees\""), (1, 1));
    let exact = env.search_json("\"security guarantees\"", &[]);
    let text = exact.hits[0]["text"].as_str().unwrap();
    assert!(text.contains("whereby security guarantees"), "{text}");
    // The sentence end lies inside one passage, so only the positions keep the words apart.
    let both = env.search_json("Israel guarantees", &[]);
    let text = both.hits[0]["text"].as_str().unwrap();
    assert!(text.contains("security. Guarantees"), "{text}");
    for slop in [1, 5, 32] {
        let query = format!("\"israel's security guarantees\"~{slop}");
        assert_eq!(env.count(&query), (0, 0), "{query}");
        let query = format!("\"israel's guarantees\"~{slop}");
        assert_eq!(env.count(&query), (0, 0), "{query}");
        // Only the passage saying "security guarantees" has the two words in one sentence.
        let query = format!("\"security guarantees\"~{slop}");
        let sloppy = env.search_json(&query, &[]);
        assert_eq!(sloppy.locations(), exact.locations(), "{query}");
    }
    // Within one sentence the same slop finds the words.
    assert_eq!(env.count("\"guarantor security\"~5"), (1, 1));
}

/// A dash after a sentence's end leaves it one (UNGDC: `a true peace.- The evils`): the phrase
/// matched across it, and slop crossed `. - `.
#[test]
fn a_dash_after_a_sentence_end_keeps_a_phrase_apart() {
    let env = TestEnv::empty();
    let ends = [".- ", ". - ", ".— ", ". -- ", "!- ", ".”- ", ".) - "];
    for (i, end) in ends.iter().enumerate() {
        env.write(
            &format!("corpus/a{i}.txt"),
            format!(
                "date 2020-01-0{}\n\nWe want a lasting quince{end}The evils remain.\n",
                i + 1
            ),
        );
    }
    env.write(
        "corpus/b.txt",
        "date 2020-02-01\n\nThe quince - the evils of a spaced hyphen join as hyphens do.\n",
    );
    env.index();
    assert_eq!(env.count("\"quince the evils\""), (1, 1));
    for slop in [1, 3, 10] {
        assert_eq!(env.count(&format!("\"lasting evils\"~{slop}")), (0, 0));
    }
    assert_eq!(env.count("quince evils"), (8, 8));
}

#[test]
fn hyphens_and_apostrophes_still_join_the_words_of_a_phrase() {
    let env = speeches();
    for query in [
        "\"two-State solution\"",
        "\"two State solution\"",
        "\"sustainable two-State\"",
        "\"Ukraine’s security\"",
        "\"Ukraine's security under the Budapest Memorandum\"",
    ] {
        let search = env.search_json(query, &[]);
        assert_eq!(search.hits.len(), 1, "{query}\n{}", search.out);
        assert!(!search.highlighted()[0].is_empty(), "{query}");
    }
    // The possessive is one word: its `s` does not start a phrase.
    assert_eq!(env.count("\"s security\""), (0, 0));
    // A comma inside a phrase found from the text still matches; without it, it does not.
    assert_eq!(
        env.count("\"its nuclear arsenal, the third largest\""),
        (1, 1)
    );
    assert_eq!(env.count("\"arsenal the third\""), (0, 0));
    assert_eq!(env.count("\"arsenal the third\"~1"), (1, 1));
}

/// The words of `text` as the README defines them (letters and digits, an apostrophe between two
/// of them inside the word), lowercased, each with the text between it and the word before.
fn words_with_gaps(text: &str) -> Vec<(String, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let (mut gap, mut i) = (String::new(), 0);
    while i < chars.len() {
        if !chars[i].is_alphanumeric() {
            gap.push(chars[i]);
            i += 1;
            continue;
        }
        let mut word = String::new();
        while i < chars.len() {
            let c = chars[i];
            let joins = matches!(c, '\'' | '’')
                && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric())
                && !word.is_empty();
            if !c.is_alphanumeric() && !joins {
                break;
            }
            word.extend(c.to_lowercase());
            i += 1;
        }
        out.push((word.replace('’', "'"), std::mem::take(&mut gap)));
    }
    out
}

/// Whether `text` holds `phrase` (lowercase words) as the README's rule for exact phrases has it:
/// the words in order, with no clause or sentence punctuation between two of them
/// (`, ; : ( ) [ ] { }`, dashes, `. ! ? …`), only spaces, line breaks, hyphens or quotes. Written
/// apart from the library's analysis, for phrases of ordinary words (no abbreviation or number,
/// whose periods the library reads apart).
fn holds_phrase(text: &str, phrase: &[&str]) -> bool {
    const STOPS: &str = ",;:()[]{}–—‒―.!?…";
    let words = words_with_gaps(text);
    words.windows(phrase.len()).any(|window| {
        window.iter().zip(phrase).all(|((w, _), p)| w == p)
            && window[1..]
                .iter()
                .all(|(_, gap)| !gap.chars().any(|c| STOPS.contains(c)))
    })
}

/// Checks that `attache search --count "PHRASE"` equals the number of passages holding the
/// phrase by [`holds_phrase`], among the passages `candidates` finds (all fetched): a query
/// of one word of the phrase, or of its words unquoted, so every passage holding it.
pub fn assert_phrase_count_is_independent(env: &TestEnv, phrase: &str, candidates: &str) {
    let words: Vec<&str> = phrase.split(' ').collect();
    let candidates: Search = env.search_json(
        candidates,
        &["--limit", "10000", "--per-article", "0", "--no-collapse"],
    );
    let total = candidates.summary["passages_matched"].as_u64().unwrap();
    assert!(
        total <= 10_000,
        "{phrase}: {total} candidates, too many to fetch"
    );
    assert_eq!(candidates.hits.len() as u64, total);
    let mut passages = 0;
    let mut articles = std::collections::BTreeSet::new();
    for hit in &candidates.hits {
        if holds_phrase(hit["text"].as_str().unwrap(), &words) {
            passages += 1;
            articles.insert(hit["article_id"].as_str().unwrap().to_owned());
        }
    }
    let counted = env.count(&format!("\"{phrase}\""));
    assert_eq!(
        counted,
        (passages, articles.len() as u64),
        "\"{phrase}\": the index counts {counted:?}, the text holds it in {passages} passages"
    );
}

#[test]
fn the_independent_phrase_rule_reads_punctuation_as_the_readme_says() {
    let phrase = ["security", "guarantee"];
    for (text, holds) in [
        ("a US security guarantee similar to NATO", true),
        ("peace and security, guarantee justice", false),
        ("Israel’s security.\nGuarantee", false),
        ("security (guarantee)", false),
        ("security — guarantee", false),
        ("security-guarantee", true),
        ("security\nguarantee", true),
        ("security “guarantee”", true),
        ("securityguarantee", false),
    ] {
        assert_eq!(holds_phrase(text, &phrase), holds, "{text}");
    }
    assert!(holds_phrase(
        "Ukraine’s security",
        &["ukraine's", "security"]
    ));
    assert!(!holds_phrase("Ukraine’s security", &["s", "security"]));
}

#[test]
fn phrase_counts_equal_an_independent_count_on_the_sample_and_the_speeches() {
    let env = TestEnv::new();
    env.write("corpus/speeches.txt", SPEECHES);
    env.index();
    for (phrase, candidates) in [
        ("security guarantee", "\"guarantee\""),
        ("security guarantees", "\"guarantees\""),
        ("european partners", "\"partners\""),
        ("peace talks", "\"talks\""),
        ("peace and security", "\"peace\""),
        ("the united states", "\"united\""),
        ("two state solution", "two state solution"),
        ("nuclear arsenal", "\"arsenal\""),
        ("the talks", "\"talks\""),
        ("ukraine's security", "\"ukraine's\""),
        ("security guarantee justice", "\"justice\""),
    ] {
        assert_phrase_count_is_independent(&env, phrase, candidates);
    }
}

#[test]
fn a_sloppy_phrase_of_three_words_counts_what_it_finds_whatever_the_words_rarity() {
    // tantivy reads a sloppy phrase's words rarest first and carries the slop spent in that
    // order, so with three words the count and the hits disagreed, and the same passage
    // matched in one segment and not in another. A match is one occurrence of each word within
    // the slop of where the exact phrase would put it, in any order.
    let env = TestEnv::empty();
    let mut texts = vec![
        (
            "a",
            "The Iraq invasion of Kuwait was condemned by the Council.".to_owned(),
        ),
        (
            "b",
            "The invasion of Kuwait by Iraq was condemned by the Council.".to_owned(),
        ),
        (
            "c",
            "Kuwait suffered an invasion, and Iraq was condemned by the Council.".to_owned(),
        ),
        (
            "d",
            "Iraq and Kuwait signed a treaty on the invasion of nobody at all.".to_owned(),
        ),
        (
            "e",
            "Kuwait invasion Iraq in a row, as a headline would put it today.".to_owned(),
        ),
    ];
    // Kuwait is common and invasion rarer: the words' rarity differs from the phrase's order.
    for i in 0..30 {
        texts.push((
            "k",
            format!("Kuwait welcomed delegation number {i} to the talks."),
        ));
    }
    for i in 0..12 {
        texts.push((
            "v",
            format!("An invasion of privacy was reported in case {i}."),
        ));
    }
    for (i, (name, text)) in texts.iter().enumerate() {
        env.write(
            &format!("corpus/{name}{i:02}.txt"),
            format!("date 2024-01-01\n\n{text}\n"),
        );
    }
    env.index();
    for (query, expected) in [
        ("\"iraq kuwait invasion\"~3", vec!["a00.txt", "e04.txt"]),
        ("\"kuwait iraq invasion\"~3", vec!["e04.txt"]),
        ("\"invasion kuwait iraq\"~2", vec!["b01.txt", "e04.txt"]),
        ("\"iraq invasion kuwait\"~2", vec!["a00.txt"]),
        ("\"iraq invasion kuwait\"~1", vec!["a00.txt"]),
        ("\"iraq kuwait invasion\"~2", vec![]),
    ] {
        let search = env.search_json(query, &["--no-collapse"]);
        assert_eq!(search.articles(), expected, "{query}\n{}", search.out);
        assert_eq!(
            env.count(query),
            (expected.len() as u64, expected.len() as u64),
            "{query}"
        );
    }
}
