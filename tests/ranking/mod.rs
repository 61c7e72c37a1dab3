//! Ranking: what puts one passage above another beyond BM25.

mod explain;
mod prefix;
mod pruning;

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
fn words_stand_together_under_any_spelling_with_their_stem() {
    // `test` is its own stem and `tests` is not: the bonus reads both as the stem's words.
    let env = TestEnv::empty();
    env.write(
        "corpus/plural.txt",
        "date 1996-09-24

The treaty bans all nuclear tests, in every environment, for all          time, and sets up a network of stations to watch for them.
",
    );
    env.write(
        "corpus/apart.txt",
        "date 1996-09-24

A nuclear power must accept the test of verification.
",
    );
    for i in 0..30 {
        env.write(
            &format!("corpus/other-{i:02}.txt"),
            format!(
                "date 1996-09-25

Delegates met for round {i} of the talks on trade.
"
            ),
        );
    }
    env.run_ok(&["index", "--threads", "1", "--quiet"], 0);
    let bm25 = env.search_json("nuclear test", &["--ranking", "bm25"]);
    assert_eq!(bm25.locations()[0], "apart.txt#0", "{}", bm25.out);
    for query in ["nuclear test", "nuclear tests", "nuclear testing"] {
        let full = env.search_json(query, &[]);
        assert_eq!(
            full.locations(),
            ["plural.txt#0", "apart.txt#0"],
            "{query}\n{}",
            full.out
        );
    }
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

#[test]
fn a_word_naming_an_entity_stands_together_under_the_entitys_other_names() {
    let env = TestEnv::empty();
    // BM25 alone prefers the shortest passage, where the words are apart.
    env.write(
        "corpus/apart.txt",
        "date 2001-09-20\n\nRwanda asked the Assembly for help with refugees, and spoke \
         of genocide.\n",
    );
    env.write(
        "corpus/rwandan.txt",
        "date 2001-09-20\n\nSeven years after the Rwandan genocide, the survivors of the \
         massacres still wait for the trials of those who planned them, the delegate said.\n",
    );
    env.write(
        "corpus/written.txt",
        "date 2001-09-20\n\nThe delegates recalled that the tribunal for the Rwanda \
         genocide has tried only a few of those who planned the massacres of that year.\n",
    );
    // The name inside a longer one (*South Africa* is not *Africa*) keeps the words' reading.
    env.write(
        "corpus/sanctions.txt",
        "date 1985-10-01\n\nThe delegates called for sanctions until South Africa apartheid \
         laws are repealed, the state of emergency is lifted and the prisoners are released.\n",
    );
    env.write(
        "corpus/scattered.txt",
        "date 1985-10-01\n\nApartheid, said South Korea, must end; Africa asked for aid.\n",
    );
    for i in 0..30 {
        env.write(
            &format!("corpus/other-{i:02}.txt"),
            format!("date 2001-09-21\n\nDelegates met for round {i} of the talks on trade.\n"),
        );
    }
    env.run_ok(&["index", "--threads", "1", "--quiet"], 0);
    let bm25 = env.search_json("Rwanda genocide", &["--ranking", "bm25"]);
    assert_eq!(bm25.locations()[0], "apart.txt#0", "{}", bm25.out);
    let full = env.search_json("Rwanda genocide", &[]);
    let at = |location: &str| full.locations().iter().position(|l| l == location).unwrap();
    assert!(at("rwandan.txt#0") < at("apart.txt#0"), "{}", full.out);
    assert!(at("written.txt#0") < at("apart.txt#0"), "{}", full.out);
    // The match set is the words' (and the entity's), not the phrase's.
    assert_eq!(env.count("Rwanda genocide"), (3, 3));
    let explain = env
        .run_ok(
            &["search", "Rwanda genocide", "--explain", "--color", "never"],
            0,
        )
        .stdout;
    assert!(explain.contains("max(\"~rwanda ~genocid\" |"), "{explain}");
    assert!(explain.contains("\"@rwanda ~genocid\")"), "{explain}");
    let sanctions = env.search_json("South Africa apartheid", &[]);
    assert_eq!(
        sanctions.locations()[0],
        "sanctions.txt#0",
        "{}",
        sanctions.out
    );
}

#[test]
fn a_paragraph_about_a_person_outranks_a_one_line_mention() {
    let env = TestEnv::empty();
    env.write(
        "corpus/note.txt",
        "date 1990-09-25\n\nWe convey our warm greetings and our best wishes to President \
         Mikhail Gorbachev today.\n",
    );
    env.write(
        "corpus/speech.txt",
        "date 1990-09-26\n\nThe policy of new thinking pursued by President Mikhail Gorbachev \
         has changed the climate of international relations. His proposals on the reduction of \
         nuclear arsenals, the withdrawal of troops from Afghanistan and the peaceful settlement \
         of regional conflicts have opened a period of negotiation between East and West. The \
         treaty on intermediate-range missiles, signed in Washington, showed that disarmament \
         can be verified, and the talks that followed in Geneva and Vienna carried that work \
         further than anyone thought possible a few years ago.\n",
    );
    // Other passages of a speech's usual length (about 80 words).
    let filler = "The delegation reviewed the work of the committees on trade, on development \
                  and on the environment, and it noted the reports that the secretariat had \
                  prepared for the session. ";
    for i in 0..30 {
        env.write(
            &format!("corpus/other-{i:02}.txt"),
            format!("date 1990-09-27\n\nRound {i}. {}\n", filler.repeat(3)),
        );
    }
    env.run_ok(&["index", "--threads", "1", "--quiet"], 0);
    let full = env.search_json("@Gorbachev", &[]);
    assert_eq!(
        full.locations(),
        ["speech.txt#0", "note.txt#0"],
        "{}",
        full.out
    );
    // BM25 alone prefers the short note.
    let bm25 = env.search_json("@Gorbachev", &["--ranking", "bm25"]);
    assert_eq!(
        bm25.locations(),
        ["note.txt#0", "speech.txt#0"],
        "{}",
        bm25.out
    );
    // With more hits than the window, every shown hit is weighed alike.
    let many = env.search_json("@Gorbachev", &["--limit", "100"]);
    assert_eq!(many.locations(), full.locations(), "{}", many.out);
    // A plain word that names him finds his mentions, and weighs them the same way; a word
    // that names nobody keeps BM25's order.
    let plain = env.search_json("Gorbachev", &[]);
    assert_eq!(plain.locations(), full.locations(), "{}", plain.out);
    let explained = env.search_json("Gorbachev", &["--explain"]);
    assert_eq!(explained.summary["plan"]["length_prior"], true);
    let word = env.search_json("President", &["--explain"]);
    assert_eq!(word.summary["plan"]["length_prior"], false);
    assert_eq!(
        word.locations(),
        ["note.txt#0", "speech.txt#0"],
        "{}",
        word.out
    );
}

#[test]
fn passages_with_equal_scores_come_in_date_then_id_order_whatever_their_segments() {
    let env = TestEnv::empty();
    // Three runs, three segments; every passage scores the same for each query: a plain word,
    // a word naming an entity (re-ranked by length) and two words (re-ranked by the bonus for
    // words together), whose ties are put in order after re-ranking.
    for batch in 0..3 {
        for i in 0..12 {
            let n = batch + 3 * i;
            env.write(
                &format!("corpus/a{n:02}.txt"),
                format!(
                    "date 2024-05-{:02}\n\nThe okapi delegation spoke in Kyiv.\n",
                    1 + n % 2
                ),
            );
        }
        env.run_ok(&["index", "--threads", "1", "--quiet"], 0);
    }
    assert!(crate::stats_json(&env)["segments"].as_u64().unwrap() > 1);
    // Newest date first, then the article id.
    let mut expected: Vec<(u32, String)> = (0..36)
        .map(|n: u32| (1 + n % 2, format!("a{n:02}.txt#0")))
        .collect();
    expected.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let expected: Vec<String> = expected.into_iter().map(|(_, l)| l).collect();
    for query in ["okapi", "Kyiv", "okapi delegation"] {
        for limit in [1, 5, 7, 20, 36] {
            for ranking in ["full", "bm25"] {
                let search = env.search_json(
                    query,
                    &[
                        "--limit",
                        &limit.to_string(),
                        "--ranking",
                        ranking,
                        "--no-collapse",
                    ],
                );
                let found = search.locations();
                assert_eq!(found, expected[..limit], "{query} {limit} {ranking}");
            }
        }
    }
}

#[test]
fn hits_come_by_date_on_request_and_in_pages() {
    let env = TestEnv::empty();
    for (name, date, body) in [
        ("a.txt", "2010-01-01", "The okapi okapi okapi delegation."),
        (
            "b.txt",
            "1990-06-01",
            "An okapi spoke at length about the trade talks in Vienna.",
        ),
        ("c.txt", "2000", "The okapi okapi arrived for the talks."),
        (
            "d.txt",
            "2000-03-04",
            "A last okapi, with a long speech on the state of the trade talks.",
        ),
    ] {
        env.write(
            &format!("corpus/{name}"),
            format!("date {date}\n\n{body}\n"),
        );
    }
    env.run_ok(&["index", "--threads", "1", "--quiet"], 0);
    let ranked = env.search_json("okapi", &[]).locations();
    assert_eq!(ranked.len(), 4);
    let oldest = env.search_json("okapi", &["--sort", "date"]);
    assert_eq!(
        oldest.locations(),
        ["b.txt#0", "d.txt#0", "c.txt#0", "a.txt#0"],
        "{}",
        oldest.out
    );
    for newest in [
        env.search_json("okapi", &["--sort", "-date"]),
        env.search_json("okapi", &["--sort=-date"]),
    ] {
        assert_eq!(
            newest.locations(),
            ["a.txt#0", "c.txt#0", "d.txt#0", "b.txt#0"]
        );
    }
    // Pages of the ranked list, numbered from the offset.
    let page = env.search_json("okapi", &["--limit", "2", "--offset", "1"]);
    assert_eq!(page.locations(), ranked[1..3]);
    let ranks: Vec<u64> = page
        .hits
        .iter()
        .map(|h| h["rank"].as_u64().unwrap())
        .collect();
    assert_eq!(ranks, [2, 3]);
    assert_eq!(
        page.summary["passages_matched"], 4,
        "counts are of all matches"
    );
    let second_oldest = env.search_json("okapi", &["--sort", "date", "-n", "1", "--offset", "1"]);
    assert_eq!(second_oldest.locations(), ["d.txt#0"]);
    // A page past the last hit shows none: exit 1, where a loop paging through stops.
    let past = env.run_ok(&["search", "okapi", "--offset", "4"], 1);
    assert!(
        past.stderr.contains("0 hits shown of 4 matching passages"),
        "{past}"
    );
    env.run_ok(&["search", "okapi", "--offset", "3"], 0);
    env.run_ok(&["search", "okapi", "--offset", "4", "--count"], 0);
}

#[test]
fn bare_words_that_also_stand_as_a_phrase_are_hinted_to_be_quoted() {
    use attache::index::IndexDir;
    use attache::search::{SearchRequest, Searcher};
    let env = scattered_and_adjacent();
    let mut searcher = Searcher::open(&IndexDir::new(env.path().join("index"))).unwrap();
    let mut hint = |query: &str| {
        let request = SearchRequest::new(query, 10);
        let matched = searcher.search(&request).unwrap().passages_matched;
        searcher.phrase_hint(&request, matched).unwrap()
    };
    let (exact, words) = (
        env.count("\"security guarantee\""),
        env.count("security guarantee"),
    );
    assert_eq!((exact.0, words.0), (1, 3));
    assert_eq!(
        hint("security guarantee"),
        Some(("\"security guarantee\"".to_owned(), exact.0))
    );
    // Nothing to say for a quoted query, an alternative, one word, or a phrase no passage has.
    for query in [
        "\"security guarantee\"",
        "security OR guarantee",
        "security",
        "guarantee security",
        "title:security guarantee",
    ] {
        assert_eq!(hint(query), None, "{query}");
    }
}

#[test]
fn on_a_terminal_the_footer_suggests_quoting() {
    let env = scattered_and_adjacent();
    let Some(out) =
        crate::settings::run_on_a_terminal(&env, &[], &["search", "security", "guarantee"])
    else {
        return; // no `script` to give it a terminal
    };
    assert!(
        out.contains("1 passage has the exact phrase: quote it, \"security guarantee\""),
        "{out}"
    );
    // Not on a pipe: scripts get the results alone.
    let piped = env.run_ok(&["search", "security", "guarantee"], 0);
    assert!(!piped.stderr.contains("quote it"), "{piped}");
}

#[test]
fn a_metadata_filter_selects_articles_without_ranking_them_by_their_metadatas_length() {
    // Two speeches of one delegation name Taiwan once in passages of one length; 2007's
    // carries more metadata (the speaker's post). Scored by BM25, `country:CHN` gave 1958's
    // shorter metadata the higher score; as a filter it scores nothing, and the tie goes to
    // the newer speech.
    let env = TestEnv::empty();
    let speech = |id: &str, date: &str, post: Option<&str>, body: &str| {
        let mut line = serde_json::json!({"id": id, "date": date, "country": "CHN",
            "speaker": "Mr. Wang", "body": body});
        if let Some(post) = post {
            line["post"] = post.into();
        }
        line.to_string() + "\n"
    };
    let corpus = [
        speech(
            "chn-1958",
            "1958",
            None,
            "The farms on Taiwan were rebuilt after the war and the towns prosper.",
        ),
        speech(
            "chn-2007",
            "2007",
            Some("Minister for Foreign Affairs of the People's Republic"),
            "The ports on Taiwan were rebuilt after the war and the mills prosper.",
        ),
    ];
    env.write("corpus/speeches.jsonl", corpus.concat());
    env.index();
    let search = env.search_json("country:CHN Taiwan", &[]);
    let ranked: Vec<&str> = search
        .hits
        .iter()
        .map(|h| h["article_id"].as_str().unwrap())
        .collect();
    assert_eq!(ranked, ["chn-2007", "chn-1958"], "{}", search.out);
    // The filter still filters.
    assert!(env.search_json("country:USA Taiwan", &[]).hits.is_empty());
}
