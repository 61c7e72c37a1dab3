//! Ranking: what puts one passage above another beyond BM25.

use crate::util::TestEnv;

/// Three articles with both words once, at about the same length: together, near each other,
/// and apart (which BM25 alone ranks first: it is the shortest).
fn scattered_and_adjacent() -> TestEnv {
    let env = TestEnv::empty();
    env.write(
        "corpus/scattered.txt",
        "date 2024-05-01\n\nSecurity was the first worry of the delegates, they said after \
         the talks in Geneva on Monday; nobody could guarantee a ceasefire.\n",
    );
    env.write(
        "corpus/adjacent.txt",
        "date 2024-05-01\n\nThe draft would give Ukraine a security guarantee similar to the \
         protection that members of the alliance receive under its founding treaty, the \
         delegates said after the talks in Geneva on Monday.\n",
    );
    env.write(
        "corpus/near.txt",
        "date 2024-05-01\n\nThe draft offers security and a firm guarantee of support to the \
         country, together with a schedule of talks in Geneva that the delegates agreed on \
         after a long night of negotiation.\n",
    );
    // Other articles, so that the words are rare as in a real corpus.
    for i in 0..30 {
        env.write(
            &format!("corpus/other-{i:02}.txt"),
            format!("date 2024-05-02\n\nDelegates met for round {i} of the talks on trade.\n"),
        );
    }
    env.run_ok(&["index", "--threads", "1", "--quiet"], 0);
    env
}

#[test]
fn unquoted_words_standing_together_rank_above_scattered_ones_with_the_same_matches() {
    let env = scattered_and_adjacent();
    for query in [
        "security guarantee",
        "security guarantees",
        "Security Guarantee",
    ] {
        let search = env.search_json(query, &[]);
        assert_eq!(
            search.locations(),
            ["adjacent.txt#0", "near.txt#0", "scattered.txt#0"],
            "{query}\n{}",
            search.out
        );
    }
    // BM25 alone prefers the shortest passage.
    let bm25 = env.search_json("security guarantee", &["--ranking", "bm25"]);
    assert_eq!(bm25.locations()[0], "scattered.txt#0", "{}", bm25.out);
    // The match set is the words', not the phrase's.
    assert_eq!(env.count("security guarantee"), (3, 3));
    assert_eq!(env.count("\"security guarantee\""), (1, 1));
    // The bonus for standing together holds for the query's order only.
    let score = |query: &str| {
        let search = env.search_json(query, &[]);
        let hit = search
            .hits
            .iter()
            .find(|h| h["article_id"] == "adjacent.txt");
        hit.expect("adjacent.txt matches")["score"]
            .as_f64()
            .unwrap()
    };
    assert!(score("security guarantee") > score("guarantee security"));
}
