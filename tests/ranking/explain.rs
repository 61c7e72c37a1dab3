//! `--explain`: the logical plan a query is read as, and each hit's score taken apart.

use crate::util::TestEnv;

/// How queries are read, as `--explain` prints the plan: `+` required, `-` excluded, a word's
/// index terms (`~` a stem, `@` an entity) with their weights, phrases with `_` at a clause
/// break, constant-scoring filters.
const PLANS: &[(&str, &str)] = &[
    ("Ushakov", "@ushakov ~ushakov^0.05"),
    ("\"security guarantee\"", "\"security guarantee\""),
    ("peace -war", "+(~peac peace^0.25) -~war"),
    (
        "Kiev OR Moscow",
        "(@kyiv ~kiev^0.05) (@moscow ~moscow^0.05)",
    ),
    (
        "\"security guarantee\" date:2025-11",
        "+\"security guarantee\" +date:[2025-11 TO 2025-11]",
    ),
    ("@zelensky Crimea", "+@zelensky +(@crimea ~crimea^0.05)"),
    ("said:@ushakov", "const(said:ushakov, 1)"),
    ("title:Trump", "title:(trump ~trump)"),
    ("self-determination", "\"self determination\""),
    ("\"Zelensky, Putin\"", "\"zelensky _ putin\""),
    ("security^2 plan", "+(~secur security^0.25)^2 +~plan"),
    ("\"peace plan\"~3", "\"peace plan\"~3"),
    ("type:person", "const(type:person, 0)"),
    // A name spelled out word by word is plain words: Sudan, Sahara and Africa inside it are
    // no entities of their own (a lone Sudan still is).
    (
        "South Sudan independence",
        "+~south +~sudan +(~independ independence^0.25)",
    ),
    (
        "Western Sahara Sudan",
        "+~western +~sahara +(@sudan ~sudan^0.05)",
    ),
    (
        "sanctions South Africa",
        "+(~sanction sanctions^0.25) +~south +~africa",
    ),
    // A word that names the same entity alone keeps it.
    ("Soviet Union", "+(@ussr ~soviet^0.05) +~union"),
    // The words that start so, each weighing as all of them together.
    (
        "refine*",
        "(refine^0.5909214 refined^0.7297224 refinement^0.5909214)",
    ),
];

#[test]
fn explain_prints_the_logical_plan_each_query_is_read_as() {
    let env = TestEnv::new();
    env.index();
    for (query, plan) in PLANS {
        let search = env.search_json(query, &["--explain"]);
        assert_eq!(search.summary["plan"]["logical"], *plan, "{query}");
    }
    // Only the conjunctions of words and phrases are pruned.
    let pruned = |q: &str| env.search_json(q, &["--explain"]).summary["plan"]["pruned"].clone();
    assert_eq!(pruned("security guarantee"), true);
    assert_eq!(pruned("\"peace plan\"~3"), false);
    // A date order scores every match, and says so.
    for sort in ["date", "-date"] {
        let summary = env
            .search_json("security guarantee", &["--explain", "--sort", sort])
            .summary;
        assert_eq!(summary["plan"]["pruned"], false, "--sort {sort}");
    }
    // Unquoted words get the bonus for standing together; an entity, the length weight.
    let summary = env
        .search_json("security guarantee", &["--explain"])
        .summary;
    assert_eq!(
        summary["plan"]["bonuses"],
        serde_json::json!(["\"~secur ~guarante\"^1", "\"~secur ~guarante\"~3^0.5"])
    );
    assert_eq!(
        env.search_json("@zelensky", &["--explain"]).summary["plan"]["length_prior"],
        true
    );
    // Words of a spelled-out name do not ask for an entity's mentions.
    assert_eq!(
        env.search_json("South Sudan", &["--explain"]).summary["plan"]["length_prior"],
        false
    );
}

#[test]
fn below_the_re_ranked_window_a_hit_is_explained_by_its_bm25_alone() {
    let env = TestEnv::empty();
    // 60 passages naming Zelensky three times, and 20 one-line mentions that BM25 ranks below
    // them: below the 50 best that the length weight re-ranks, where it is not applied.
    for i in 0..60 {
        env.write(
            &format!("corpus/a{i:02}.txt"),
            format!(
                "date 2025-11-24\n\nPresident Zelensky spoke on day {i}. Zelensky said the \
                 talks went on. Zelensky thanked the hosts of the meeting in the capital.\n"
            ),
        );
    }
    for i in 0..20 {
        env.write(
            &format!("corpus/b{i:02}.txt"),
            format!("date 2025-11-24\n\nZelensky spoke on day {i}.\n"),
        );
    }
    env.index();
    let search = env.search_json(
        "@zelensky",
        &[
            "--explain",
            "-n",
            "80",
            "--per-article",
            "0",
            "--no-collapse",
        ],
    );
    assert_eq!(search.hits.len(), 80, "{}", search.out);
    let mut unweighted = Vec::new();
    for hit in &search.hits {
        let e = &hit["explain"];
        let bm25: f64 = e["bm25"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["score"].as_f64().unwrap())
            .sum();
        let weight = e["length_weight"].as_f64().unwrap_or(1.0);
        let score = hit["score"].as_f64().unwrap();
        assert!(
            (bm25 * weight - score).abs() <= 1e-3 * score,
            "{bm25} × {weight} vs {score}: {e}"
        );
        if e["length_weight"].is_null() {
            unweighted.push(hit["article_id"].as_str().unwrap().to_owned());
        }
    }
    let short: Vec<String> = (0..20).map(|i| format!("b{i:02}.txt")).collect();
    assert_eq!(unweighted, short, "{}", search.out);
}

#[test]
fn explain_takes_each_score_apart_into_parts_that_add_up() {
    let env = TestEnv::new();
    env.index();
    for query in [
        "security guarantee",
        "@trump peace",
        "Kiev OR Moscow",
        "\"peace plan\"",
    ] {
        let search = env.search_json(query, &["--explain", "-n", "5"]);
        assert!(!search.hits.is_empty(), "{query}");
        for hit in &search.hits {
            let e = &hit["explain"];
            let sum = |key: &str| -> f64 {
                e[key]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p["score"].as_f64().unwrap())
                    .sum()
            };
            let weight = e["length_weight"].as_f64().unwrap_or(1.0);
            let total = (sum("bm25") + sum("bonuses")) * weight;
            let score = hit["score"].as_f64().unwrap();
            assert!(
                (total - score).abs() <= 1e-3 * score,
                "{query}: {total} vs {score}: {e}"
            );
            assert_eq!(e["score"], hit["score"]);
        }
    }
    // On the terminal, one line under each hit.
    let out = env.run_ok(
        &[
            "search",
            "security guarantee",
            "--explain",
            "-n",
            "1",
            "--width",
            "0",
        ],
        0,
    );
    assert!(
        out.stdout
            .starts_with("plan: +(~secur security^0.25) +(~guarante guarantee^0.25)\n"),
        "{out}"
    );
    assert!(out.stdout.contains("\n   score "), "{out}");
    assert!(
        out.stdout.contains(" = bm25 ") && out.stdout.contains(" + together "),
        "{out}"
    );
    // Without --explain, nothing of it.
    let plain = env.search_json("security guarantee", &[]);
    assert!(plain.summary.get("plan").is_none());
    assert!(plain.hits[0].get("explain").is_none());
}

#[test]
fn explaining_a_term_missing_from_a_hit_that_comes_first_in_the_index_does_not_fail() {
    // The exact spelling's bonus (`guarantees^0.25`) is scored alone at each hit; the first
    // passage of the index lacks it. Its explanation once sought tantivy's scorer backwards.
    let env = TestEnv::empty();
    env.write(
        "corpus/a.txt",
        "date 2024-01-01\n\nThe treaty gives one guarantee of security to the region.\n",
    );
    env.write(
        "corpus/b.txt",
        "date 2024-01-02\n\nThe treaty gives guarantees of security to the region.\n",
    );
    env.run_ok(&["index", "--threads", "1", "--quiet"], 0);
    let search = env.search_json("guarantees", &["--explain"]);
    assert_eq!(search.locations(), ["b.txt#0", "a.txt#0"], "{}", search.out);
    let parts = |i: usize| search.hits[i]["explain"]["bm25"].to_string();
    assert!(parts(0).contains("guarantees^0.25"), "{}", parts(0));
    assert!(!parts(1).contains("guarantees^0.25"), "{}", parts(1));
}

#[test]
fn explaining_the_together_bonus_at_a_hit_before_its_first_match_does_not_fail() {
    // The words stand together only in the second passage of the index, which ranks first;
    // explaining the first passage's bonus once sought tantivy's phrase scorer backwards (an
    // internal error in a debug build).
    let env = TestEnv::empty();
    env.write(
        "corpus/a.txt",
        "date 2024-01-01\n\nThe treaty was signed after many long years of talks about the region.\n",
    );
    env.write(
        "corpus/b.txt",
        "date 2024-01-02\n\nThe treaty region has been calm for many long years since the talks.\n",
    );
    env.run_ok(&["index", "--threads", "1", "--quiet"], 0);
    let search = env.search_json("treaty region", &["--explain"]);
    assert_eq!(search.locations(), ["b.txt#0", "a.txt#0"], "{}", search.out);
    let bonuses = |i: usize| -> Vec<String> {
        let parts = search.hits[i]["explain"]["bonuses"].as_array().unwrap();
        parts
            .iter()
            .map(|p| p["part"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(bonuses(0)[0], "\"~treati ~region\"^1", "{}", search.out);
    assert!(bonuses(1).is_empty(), "{}", search.out);
}
