//! Grouping of hits: passages per article (`--per-article`), near-duplicates collapsed
//! (`--no-collapse`), and pages that line up after grouping (`--offset`, `--sort`).

use attache::index::IndexDir;
use attache::search::{Grouping, SearchRequest, Searcher};
use serde_json::Value;

use crate::util::{Search, TestEnv};

/// The flags that show every matching passage.
const EVERY_PASSAGE: [&str; 4] = ["--per-article", "0", "--no-collapse", "--limit=1000"];

/// The words of Trump's Truth Social post, which both sample articles carry.
const POST: &str = "\"something good just may be happening\"";

fn sample() -> TestEnv {
    let env = TestEnv::new();
    env.index();
    env
}

/// `article#passage` of each duplicate named by `hit`.
fn duplicates(hit: &Value) -> Vec<String> {
    hit["duplicates"]
        .as_array()
        .expect("duplicates is an array")
        .iter()
        .map(|d| format!("{}#{}", d["article_id"].as_str().unwrap(), d["passage"]))
        .collect()
}

fn more_in_article(search: &Search) -> Vec<u64> {
    search
        .hits
        .iter()
        .map(|h| h["more_in_article"].as_u64().expect("more_in_article"))
        .collect()
}

#[test]
fn the_truth_social_post_both_sample_articles_carry_collapses_into_one_hit() {
    let env = sample();
    let every = env.search_json(POST, &EVERY_PASSAGE);
    let mut both = every.locations();
    both.sort();
    assert_eq!(
        both,
        ["000_f6c3cfa837515be5.txt#1", "002_f7abc5a888bb3888.txt#1"],
        "{}",
        every.out
    );
    let grouped = env.search_json(POST, &[]);
    crate::assert_follows_schema(&grouped);
    assert_eq!(
        grouped.locations(),
        every.locations()[..1],
        "{}",
        grouped.out
    );
    assert_eq!(
        duplicates(&grouped.hits[0]),
        every.locations()[1..],
        "{}",
        grouped.out
    );
    let named = &grouped.hits[0]["duplicates"][0];
    assert_eq!(named["date"], "2025-11-24");
    assert!(
        named["title"].as_str().unwrap().starts_with(
            if named["article_id"] == "000_f6c3cfa837515be5.txt" {
                "President Donald Trump struck"
            } else {
                "US President Donald Trump on Monday"
            }
        ),
        "{}",
        grouped.out
    );
    assert_eq!(
        grouped.summary["passages_matched"], 2,
        "counts are of all matches"
    );
    assert_eq!(grouped.summary["hits"], 1);
    // --no-collapse shows both, each naming nothing.
    let apart = env.search_json(POST, &["--no-collapse"]);
    assert_eq!(apart.locations(), every.locations());
    assert!(apart.hits.iter().all(|h| duplicates(h).is_empty()));
    // The text says where else it is.
    let text = env.run_ok(&["search", POST, "--width", "0"], 0);
    let also = format!("   also in: {} (2025-11-24)\n", every.locations()[1]);
    assert!(text.stdout.contains(&also), "{text}");
    assert!(
        text.stderr.contains("1 hit shown of 2 matching passages"),
        "{text}"
    );
}

#[test]
fn the_rest_of_the_samples_passages_stand_apart() {
    // Every other pair of passages of the two articles differs: grouping without a cap
    // removes only the post's second copy.
    let env = sample();
    let every = env.search_json("date:2025-11-24", &EVERY_PASSAGE);
    let collapsed = env.search_json("date:2025-11-24", &["--per-article", "0", "-n", "1000"]);
    assert_eq!(every.hits.len(), 21, "{}", every.out);
    assert_eq!(collapsed.hits.len(), 20, "{}", collapsed.out);
    let named: Vec<Vec<String>> = collapsed.hits.iter().map(duplicates).collect();
    assert_eq!(named.iter().filter(|d| !d.is_empty()).count(), 1);
}

#[test]
fn an_article_shows_its_best_two_passages_and_counts_the_rest() {
    let env = TestEnv::empty();
    env.add_fixtures("grouping").index();
    let every = env.search_json("okapi", &EVERY_PASSAGE);
    assert_eq!(every.hits.len(), 7, "{}", every.out);
    let talks: Vec<String> = every
        .locations()
        .into_iter()
        .filter(|l| l.starts_with("okapi-talks.txt#"))
        .collect();
    assert_eq!(talks.len(), 6);

    let grouped = env.search_json("okapi", &[]);
    let expected: Vec<String> = every
        .locations()
        .into_iter()
        .filter(|l| !l.starts_with("okapi-talks.txt#") || talks[..2].contains(l))
        .collect();
    assert_eq!(grouped.locations(), expected, "{}", grouped.out);
    // The talks' second passage shown says that four more match; the others say nothing.
    let more: Vec<u64> = grouped
        .hits
        .iter()
        .map(|h| {
            match h["article_id"] == "okapi-talks.txt"
                && talks[1].ends_with(&format!("#{}", h["passage"]))
            {
                true => 4,
                false => 0,
            }
        })
        .collect();
    assert_eq!(more_in_article(&grouped), more, "{}", grouped.out);
    assert_eq!(grouped.summary["passages_matched"], 7);
    assert_eq!(grouped.summary["articles_matched"], 2);

    let three = env.search_json("okapi", &["--per-article", "3"]);
    assert_eq!(three.hits.len(), 4, "{}", three.out);
    assert_eq!(
        more_in_article(&three).iter().sum::<u64>(),
        3,
        "{}",
        three.out
    );
    let one = env.search_json("okapi", &["--per-article", "1"]);
    assert_eq!(one.articles(), ["okapi-brief.txt", "okapi-talks.txt"]);
    assert_eq!(more_in_article(&one).iter().sum::<u64>(), 5, "{}", one.out);
    let all = env.search_json("okapi", &["--per-article", "0"]);
    assert_eq!(all.locations(), every.locations());
    assert!(more_in_article(&all).iter().all(|&n| n == 0));

    // The count is exact, and of the query's matches only.
    let narrow = env.search_json("okapi Thursday", &["--per-article", "1"]);
    assert_eq!(more_in_article(&narrow), [1], "{}", narrow.out);

    let text = env.run_ok(&["search", "okapi", "--width", "0"], 0);
    assert!(
        text.stdout
            .contains("\n   +4 more passages in this article\n"),
        "{text}"
    );
    assert!(
        text.stderr
            .contains("3 hits shown of 7 matching passages in 2 articles")
    );
    let singular = env.run_ok(&["search", "okapi Thursday", "--per-article", "1"], 0);
    assert!(
        singular
            .stdout
            .contains("   +1 more passage in this article\n"),
        "{singular}"
    );
}

#[test]
fn per_article_is_checked_like_every_number() {
    let env = TestEnv::empty();
    let out = env.run(&["search", "okapi", "--per-article", "10001"]);
    assert_eq!(out.code, 2, "{out}");
    assert!(
        out.stderr
            .contains("invalid value '10001' for '--per-article <N>': 10001 is not in 0..=10000"),
        "{out}"
    );
    let out = env.run(&["search", "okapi", "--per-article", "-1"]);
    assert_eq!(out.code, 2, "{out}");
}

/// A corpus where one article's 40 passages outrank everything else: `big.txt` says okapi
/// three times in each passage, `small-N.txt` once.
fn crowded() -> TestEnv {
    let env = TestEnv::empty();
    let words = [
        "river", "forest", "ranger", "survey", "patrol", "camera", "village", "chief", "fund",
        "audit", "border", "road", "mine", "treaty", "donor", "season", "rain", "track", "map",
        "permit", "guard", "census", "herd", "valley", "bridge", "clinic", "school", "market",
        "ferry", "harbour", "tower", "radio", "ledger", "charter", "summit", "quota", "tariff",
        "vaccine", "drought", "harvest", "pasture",
    ];
    let mut body = String::from("date 2024-06-01\n\n");
    for i in 0..40 {
        // Each passage names its own words, so no two repeat each other.
        let own: Vec<&str> = (0..8).map(|k| words[(i + k * 5) % words.len()]).collect();
        body.push_str(&format!(
            "Report {i} on the okapi: the okapi {} and the okapi {}.\n\n",
            own[..4].join(" "),
            own[4..].join(" ")
        ));
    }
    env.write("corpus/big.txt", body);
    for n in 0..6 {
        env.write(
            &format!("corpus/small-{n}.txt"),
            format!(
                "date 2024-0{}-15\n\nA note from the {} office mentions an okapi seen near the {} \
                 in passing, among many other animals of the reserve and its neighbouring lands.\n",
                n + 1,
                words[n],
                words[n + 20]
            ),
        );
    }
    env.index();
    env
}

#[test]
fn the_window_grows_until_the_page_is_full() {
    let env = crowded();
    let every = env.search_json("okapi", &EVERY_PASSAGE);
    assert_eq!(every.hits.len(), 46, "{}", every.out);
    assert!(
        every.locations()[..40]
            .iter()
            .all(|l| l.starts_with("big.txt#")),
        "the big article's passages come first\n{}",
        every.out
    );
    // Past the first window of 30 passages, all of the big article's.
    let page = env.search_json("okapi", &["-n", "5"]);
    assert_eq!(
        page.locations(),
        [&every.locations()[..2], &every.locations()[40..43]].concat(),
        "{}",
        page.out
    );
    assert_eq!(more_in_article(&page), [0, 38, 0, 0, 0]);
}

#[test]
fn pages_line_up_after_grouping_in_every_order() {
    let env = crowded();
    for sort in ["relevance", "date", "-date"] {
        let whole = env.search_json("okapi", &["--sort", sort, "-n", "100"]);
        assert_eq!(
            whole.hits.len(),
            8,
            "2 of big.txt and 6 notes\n{}",
            whole.out
        );
        let mut paged = Vec::new();
        let mut ranks = Vec::new();
        for offset in (0..10).step_by(3) {
            let offset = offset.to_string();
            let page = env.search_json("okapi", &["--sort", sort, "-n", "3", "--offset", &offset]);
            paged.extend(page.locations());
            ranks.extend(page.hits.iter().map(|h| h["rank"].as_u64().unwrap()));
            assert_eq!(page.summary["passages_matched"], 46);
        }
        assert_eq!(paged, whole.locations(), "{sort}");
        assert_eq!(ranks, (1..=8).collect::<Vec<u64>>(), "{sort}");
        let more: Vec<u64> = more_in_article(&whole);
        assert_eq!(more.iter().sum::<u64>(), 38, "{sort}: {more:?}");
    }
    // Oldest first: the notes of January to June, then the big article of June 1st falls
    // between May's and June's notes.
    let oldest = env.search_json("okapi", &["--sort", "date", "-n", "100"]);
    let articles: Vec<&str> = oldest
        .hits
        .iter()
        .map(|h| h["article_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        articles,
        [
            "small-0.txt",
            "small-1.txt",
            "small-2.txt",
            "small-3.txt",
            "small-4.txt",
            "big.txt",
            "big.txt",
            "small-5.txt"
        ]
    );
}

#[test]
fn pages_of_the_sample_line_up_with_the_post_collapsed() {
    let env = sample();
    let whole = env.search_json("Trump OR Ukraine", &["-n", "100", "--per-article", "4"]);
    let mut paged = Vec::new();
    for offset in [0, 2, 4, 6, 8] {
        let offset = offset.to_string();
        let page = env.search_json(
            "Trump OR Ukraine",
            &["-n", "2", "--offset", &offset, "--per-article", "4"],
        );
        paged.extend(page.locations());
    }
    assert_eq!(paged, whole.locations());
    assert_eq!(whole.hits.len(), 8, "{}", whole.out);
}

#[test]
fn the_library_ranks_without_grouping_unless_asked() {
    // `attache eval` and `attache bench` search with `SearchRequest::new`: every passage, as
    // the command line's --per-article 0 --no-collapse.
    let env = sample();
    let mut searcher = Searcher::open(&IndexDir::new(env.path().join("index"))).expect("open");
    let request = SearchRequest::new(POST.trim_matches('"'), 10);
    assert_eq!(request.group, Grouping::NONE);
    let ranked = searcher.search(&request).expect("search");
    let every = env.search_json(POST.trim_matches('"'), &EVERY_PASSAGE);
    let locations: Vec<String> = ranked
        .hits
        .iter()
        .map(|h| format!("{}#{}", h.article_id, h.passage))
        .collect();
    assert_eq!(locations, every.locations());
    assert!(
        ranked
            .hits
            .iter()
            .all(|h| h.duplicates.is_empty() && h.more_in_article == 0)
    );
    let grouped = searcher
        .search(&SearchRequest {
            group: Grouping::default(),
            ..request
        })
        .expect("search");
    assert!(grouped.hits.len() < ranked.hits.len());
}

/// The longest run of the same consecutive words in `a` and `b`.
fn longest_common_run(a: &[String], b: &[String]) -> usize {
    let mut best = 0;
    let mut previous = vec![0; b.len() + 1];
    for x in a {
        let mut current = vec![0; b.len() + 1];
        for (j, y) in b.iter().enumerate() {
            if x == y {
                current[j + 1] = previous[j] + 1;
                best = best.max(current[j + 1]);
            }
        }
        previous = current;
    }
    best
}

#[test]
#[ignore = "indexes the UN General Debate corpus (~200 MB); run with `cargo test --release -- --ignored ungdc_grouping`"]
fn ungdc_grouping_collapses_only_repeated_text_in_the_top_50_of_common_queries() {
    let Some(corpus) = crate::util::ungdc() else {
        return;
    };
    let env = TestEnv::empty();
    env.run_ok(&["index", &corpus.display().to_string(), "--quiet"], 0);
    let mut searcher = Searcher::open(&IndexDir::new(env.path().join("index"))).expect("open");
    let mut analyzer = attache::analysis::Analyzer::new();
    let mut words_of = |searcher: &mut Searcher, article: &str, passage: u64| -> Vec<String> {
        let all = searcher
            .search(&SearchRequest::new(format!("id:\"{article}\""), 10_000))
            .expect("search by id");
        let hit = all
            .hits
            .iter()
            .find(|h| h.passage == passage)
            .unwrap_or_else(|| panic!("no {article}#{passage}"));
        analyzer.exact_words(&hit.text)
    };
    // The delegation of a speech: `ungdc-9-IND` is India's.
    let delegation = |id: &str| id.rsplit('-').next().unwrap_or_default().to_owned();
    let queries = [
        "Mr. President",
        "congratulate election",
        "human rights",
        "nuclear disarmament",
        "sovereignty",
        "thank you",
        "economic",
        "security council",
    ];
    let mut total = 0;
    for query in queries {
        let request = SearchRequest {
            group: Grouping::default(),
            ..SearchRequest::new(query, 50)
        };
        let results = searcher.search(&request).expect("search");
        assert_eq!(results.hits.len(), 50, "{query}");
        let mut collapsed = 0;
        for hit in &results.hits {
            let own = words_of(&mut searcher, &hit.article_id, hit.passage);
            for duplicate in &hit.duplicates {
                let other = words_of(&mut searcher, &duplicate.article_id, duplicate.passage);
                let run = longest_common_run(&own, &other);
                println!(
                    "{query}: {}#{} with {}#{} ({}): {run} words in a row of {} and {}",
                    hit.article_id,
                    hit.passage,
                    duplicate.article_id,
                    duplicate.passage,
                    duplicate.info.date,
                    own.len(),
                    other.len()
                );
                // A repeat is the same delegation's words again, or a text two delegations
                // both quote: other speeches' formulae share runs of 18 words at most.
                assert!(
                    delegation(&hit.article_id) == delegation(&duplicate.article_id) || run >= 20,
                    "{query}: {}#{} is no repeat of {}#{}",
                    duplicate.article_id,
                    duplicate.passage,
                    hit.article_id,
                    hit.passage
                );
                collapsed += 1;
            }
        }
        println!("{query}: {collapsed} collapsed into the top 50");
        total += collapsed;
        if query == "congratulate election" {
            assert_eq!(collapsed, 0, "openings of different speeches stay apart");
        }
        if query == "sovereignty" {
            // India and Ecuador quote the same words in 1954.
            let india = results
                .hits
                .iter()
                .find(|h| h.article_id == "ungdc-9-IND" && h.passage == 95)
                .expect("India's passage in the top 50");
            let named: Vec<(&str, u64)> = india
                .duplicates
                .iter()
                .map(|d| (d.article_id.as_str(), d.passage))
                .collect();
            assert_eq!(named, [("ungdc-9-ECU", 14)]);
        }
    }
    println!("{total} collapsed over {} queries", queries.len());
    // India and Ecuador's quotation, Mandela's words, Algeria's doubled paragraph (San Marino's
    // closing, a fourth at index format 11, ranks below the top 50 since a word reads one stem
    // posting list).
    assert!(total >= 3, "the repeats the README names are found");

    // Sorted by date, every speech matches `the` some 35 times: grouping two per speech stops
    // at its largest window of passages, and says so instead of returning a silently short page.
    let deep = SearchRequest {
        group: Grouping::default(),
        sort: attache::search::Sort::Date,
        offset: 5000,
        ..SearchRequest::new("the", 5)
    };
    let results = searcher.search(&deep).expect("search");
    assert!(results.hits.is_empty() && results.grouping_stopped);
    let every = SearchRequest {
        group: Grouping::NONE,
        ..deep.clone()
    };
    let results = searcher.search(&every).expect("search");
    assert_eq!(results.hits.len(), 5);
    assert!(!results.grouping_stopped);

    // A count that stopped early still counts at least the articles of the hits shown.
    let many = SearchRequest {
        group: Grouping::default(),
        ..SearchRequest::new("the", 3000)
    };
    let results = searcher.search(&many).expect("search");
    assert!(!results.counts_exact);
    let shown: std::collections::HashSet<&str> =
        results.hits.iter().map(|h| h.article_id.as_str()).collect();
    assert!(
        results.articles_matched >= shown.len() as u64,
        "{} articles counted, {} shown",
        results.articles_matched,
        shown.len()
    );
}

#[test]
fn equal_dates_keep_the_relevance_order_and_its_scores() {
    // Every sample passage is of 2025-11-24: sorted by date, they keep the relevance order.
    // `Ukraine` names an entity, whose passages are weighed by length in that order; a date
    // order used to break its ties by BM25 alone, with other scores.
    let env = sample();
    let scored = |search: &Search| -> Vec<(String, String)> {
        search
            .hits
            .iter()
            .map(|h| {
                (
                    h["article_id"].to_string() + &h["passage"].to_string(),
                    h["score"].to_string(),
                )
            })
            .collect()
    };
    let relevance = env.search_json("Ukraine", &EVERY_PASSAGE);
    assert!(relevance.hits.len() > 10, "{}", relevance.out);
    for sort in ["date", "-date"] {
        let by_date = env.search_json("Ukraine", &[&EVERY_PASSAGE[..], &["--sort", sort]].concat());
        assert_eq!(scored(&by_date), scored(&relevance), "--sort {sort}");
    }
}

/// Every matching passage is accounted for once in a full listing: as a hit, as a duplicate
/// named by one, or among the "more in this article" of its article's last hit. A passage
/// shown as another article's duplicate is no "more" of its own article: `a.txt` shows two
/// passages, its third is named under `b.txt`'s longer copy, and `a.txt` said "+1 more".
#[test]
fn a_passage_named_as_a_duplicate_is_no_more_of_its_article() {
    let env = TestEnv::empty();
    let copied = "The okapi survey of the northern reserve counted forty animals near the river \
                  camps and asked donors for two more ranger posts before the rains.";
    env.write(
        "corpus/a.txt",
        format!(
            "date 2024-03-01\n\nThe okapi, the okapi and the okapi again: the forest giraffe \
             of the Ituri was the subject of the whole meeting, which heard three reports.\n\n\
             An okapi was filmed at dawn, and another okapi at dusk, by the cameras the park \
             installed along the streams last year.\n\n{copied}\n"
        ),
    );
    env.write(
        "corpus/b.txt",
        format!("date 2024-02-01\n\n{copied} Another okapi was seen there.\n"),
    );
    env.index();
    for per_article in ["1", "2", "0"] {
        let search = env.search_json("okapi", &["--per-article", per_article, "-n", "100"]);
        let accounted: u64 = search
            .hits
            .iter()
            .map(|h| 1 + h["more_in_article"].as_u64().unwrap() + duplicates(h).len() as u64)
            .sum();
        assert_eq!(
            accounted,
            search.summary["passages_matched"].as_u64().unwrap(),
            "--per-article {per_article}\n{}",
            search.out
        );
    }
    let search = env.search_json("okapi", &[]);
    assert_eq!(
        search.locations(),
        ["a.txt#0", "a.txt#1", "b.txt#0"],
        "{}",
        search.out
    );
    assert_eq!(duplicates(&search.hits[2]), ["a.txt#2"]);
    assert_eq!(more_in_article(&search), [0, 0, 0], "{}", search.out);
}
