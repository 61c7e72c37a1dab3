//! The metrics against hand-computed values, the files' parsers and their errors, and the
//! significance tests on cases whose p-values are known.

use std::collections::BTreeMap;
use std::path::Path;

use super::*;

fn judged(pairs: &[(&str, u8)]) -> BTreeMap<String, u8> {
    pairs.iter().map(|(d, g)| (d.to_string(), *g)).collect()
}

fn ranking(docs: &[&str]) -> Vec<String> {
    docs.iter().map(|d| d.to_string()).collect()
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-12)
}

#[test]
fn graded_ranking_scores_as_computed_by_hand() {
    // Ranked: b (1), x (unjudged, so 0), a (2), c (0). Judged: a 2, b 1, c 0, d 2.
    let j = judged(&[("a#0", 2), ("b#0", 1), ("c#0", 0), ("d#0", 2)]);
    let s = score(&ranking(&["b#0", "x#0", "a#0", "c#0"]), &j, 2);
    // DCG = 1/log2(2) + 2/log2(4) = 2; ideal 2, 2, 1, 0: 2 + 2/log2(3) + 1/2.
    let ideal = 2.0 + 2.0 / 3f64.log2() + 0.5;
    assert!(close(s.ndcg10, 2.0 / ideal), "{s:?}");
    assert!(close(s.ndcg10, 0.531_651_965_258_791_7), "{s:?}");
    assert!(close(s.p10, 0.2), "{s:?}");
    assert!(close(s.mrr, 1.0 / 3.0), "first grade 2 at rank 3: {s:?}");
    assert!(close(s.recall100, 2.0 / 3.0), "a and b of a, b, d: {s:?}");
    // With grade 1 enough for MRR, b at rank 1 counts.
    assert!(close(
        score(&ranking(&["b#0", "x#0", "a#0"]), &j, 1).mrr,
        1.0
    ));
}

#[test]
fn tied_grades_in_any_order_are_ideal() {
    let j = judged(&[("a#0", 1), ("b#0", 1), ("c#0", 0)]);
    for order in [["a#0", "b#0"], ["b#0", "a#0"]] {
        let s = score(&ranking(&order), &j, 1);
        assert!(close(s.ndcg10, 1.0), "{order:?}: {s:?}");
        assert!(close(s.recall100, 1.0));
        assert!(close(s.mrr, 1.0));
    }
    // A 0-graded passage between the two ties costs the second one a rank.
    let s = score(&ranking(&["a#0", "c#0", "b#0"]), &j, 1);
    let want = (1.0 + 1.0 / 4f64.log2()) / (1.0 + 1.0 / 3f64.log2());
    assert!(close(s.ndcg10, want), "{s:?}");
}

#[test]
fn a_need_with_no_relevant_passage_has_undefined_scores() {
    let j = judged(&[("a#0", 0), ("b#0", 0)]);
    let s = score(&ranking(&["a#0", "b#0"]), &j, 2);
    assert_eq!(s, Scores::default());
    assert_eq!(
        score(&ranking(&["a#0"]), &BTreeMap::new(), 2),
        Scores::default()
    );
    // Relevant passages but none answering: MRR alone is undefined; nothing found scores 0.
    let j = judged(&[("a#0", 1)]);
    let s = score(&ranking(&["z#0"]), &j, 2);
    assert_eq!(s.mrr, None);
    assert!(close(s.ndcg10, 0.0) && close(s.p10, 0.0) && close(s.recall100, 0.0));
    assert!(close(score(&ranking(&["z#0"]), &j, 1).mrr, 0.0));
}

#[test]
fn only_the_top_ten_count_for_ndcg_and_precision_and_the_top_hundred_for_recall() {
    let mut docs: Vec<String> = (0..120).map(|i| format!("d#{i}")).collect();
    let j = judged(&[("d#10", 2), ("d#99", 1), ("d#100", 1)]);
    let s = score(&docs, &j, 2);
    assert!(close(s.ndcg10, 0.0) && close(s.p10, 0.0), "{s:?}");
    assert!(close(s.mrr, 1.0 / 11.0), "{s:?}");
    assert!(close(s.recall100, 2.0 / 3.0), "d#100 is rank 101: {s:?}");
    docs.truncate(5);
    assert!(close(score(&docs, &j, 2).recall100, 0.0));
}

#[test]
fn means_leave_out_undefined_scores() {
    let report = |id: &str, ndcg: Option<f64>, mrr: Option<f64>, unjudged10| NeedReport {
        id: id.into(),
        query: "q".into(),
        matched: 0,
        judged: 0,
        relevant: 0,
        unjudged10,
        scores: Scores {
            ndcg10: ndcg,
            p10: ndcg,
            mrr,
            recall100: ndcg,
        },
        top: Vec::new(),
    };
    let m = means(&[
        report("a", Some(0.5), Some(1.0), 2),
        report("b", Some(1.0), None, 0),
        report("c", None, None, 4),
    ]);
    assert!(close(m.scores.ndcg10, 0.75) && close(m.scores.mrr, 1.0));
    assert_eq!((m.needs, m.mrr_needs), (2, 1));
    assert!((m.unjudged10 - 2.0).abs() < 1e-12);
}

#[test]
fn needs_files_parse_with_descriptions_and_comments() {
    let text = "# id, query, description\nS01\t\"security guarantee\"\tWhat guarantee?\n\n\
                U01\t@Gorbachev perestroika\n";
    let needs = parse_needs(Path::new("needs.tsv"), text).unwrap();
    assert_eq!(needs.len(), 2);
    assert_eq!(needs[0].query, "\"security guarantee\"");
    assert_eq!((needs[1].id.as_str(), needs[1].line), ("U01", 4));
}

#[test]
fn bad_needs_and_qrels_lines_name_the_file_line_and_fix() {
    let needs = |text: &str| {
        parse_needs(Path::new("n.tsv"), text)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        needs("A\tx\nB x\n"),
        "n.tsv: line 2: expected `ID<TAB>QUERY`, found no tab"
    );
    assert_eq!(
        needs("A\t \n"),
        "n.tsv: line 1: need 'A' has an empty query"
    );
    assert_eq!(
        needs("A\tx\nA\ty\n"),
        "n.tsv: line 2: need 'A' is already given on line 1"
    );
    assert_eq!(
        needs("# nothing\n"),
        "n.tsv: no needs: expected `ID<TAB>QUERY` lines"
    );
    let qrels = |text: &str| {
        parse_qrels(Path::new("q.txt"), text)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        qrels("A 0 a.txt#1 2\nA 0 a.txt#2\n"),
        "q.txt: line 2: expected 4 fields `ID 0 ARTICLE#PASSAGE GRADE`, found 3"
    );
    assert_eq!(
        qrels("A 0 a.txt 2\n"),
        "q.txt: line 1: 'a.txt' is not a passage: write it as `article_id#passage`, as \
         `attache search` shows it"
    );
    assert_eq!(
        qrels("A 0 a#1 3\n"),
        "q.txt: line 1: grade '3' is not 0, 1 or 2"
    );
    assert_eq!(
        qrels("A 0 a#1 -1\n"),
        "q.txt: line 1: grade '-1' is not 0, 1 or 2"
    );
    assert_eq!(
        qrels("A 0 a#1 2\n# again\nA 0 a#1 0\n"),
        "q.txt: line 3: A a#1 is graded 0 here and 2 above"
    );
    let ok = parse_qrels(
        Path::new("q.txt"),
        "A 0 a#1 2\nA 0 a#1 2\nB 0 ungdc-1-X#0 0\n",
    );
    let ok = ok.unwrap();
    assert_eq!(ok["A"]["a#1"], 2);
    assert_eq!(ok["B"].len(), 1);
}

#[test]
fn the_randomisation_test_is_exact_on_small_sets_and_seeded_on_large_ones() {
    // Five needs, all up by the same amount: 2 of the 32 sign patterns are as extreme.
    let before = [0.0; 5];
    let now = [0.5; 5];
    assert_eq!(randomisation_test(&before, &now, 10_000, 1), 0.0625);
    // |2 ± 1 ± 1| >= 4 in 2 of 8 patterns (the observed one and its mirror).
    assert_eq!(
        randomisation_test(&[0.0; 3], &[2.0, 1.0, 1.0], 10_000, 1),
        0.25
    );
    // No difference, or none to compare.
    assert_eq!(randomisation_test(&[0.3, 0.7], &[0.3, 0.7], 10_000, 1), 1.0);
    assert_eq!(randomisation_test(&[0.0, 1.0], &[1.0, 0.0], 10_000, 1), 1.0);
    assert_eq!(randomisation_test(&[], &[], 10_000, 1), 1.0);
    // Twelve needs: drawn at random (4,095 < 2^12) it agrees with the exact value.
    let a: Vec<f64> = (0..12).map(|i| f64::from(i) / 12.0).collect();
    let b: Vec<f64> = (0..12)
        .map(|i| f64::from(i) / 12.0 + [0.3, -0.1, 0.2, 0.05][i as usize % 4])
        .collect();
    let exact = randomisation_test(&a, &b, 10_000, 1);
    let drawn = randomisation_test(&a, &b, 4_095, SEED);
    assert!((exact - drawn).abs() < 0.02, "exact {exact}, drawn {drawn}");
    assert_eq!(
        drawn,
        randomisation_test(&a, &b, 4_095, SEED),
        "deterministic"
    );
    // Twenty needs all up: hardly any draw is as extreme, and p is never 0.
    let p = randomisation_test(&[0.0; 20], &[1.0; 20], 10_000, SEED);
    assert!(p > 0.0 && p < 0.001, "{p}");
}

#[test]
fn the_sign_test_is_the_two_sided_binomial_without_ties() {
    assert!((sign_test(5, 0) - 0.0625).abs() < 1e-12);
    assert!((sign_test(0, 5) - 0.0625).abs() < 1e-12);
    assert!((sign_test(9, 1) - 22.0 / 1024.0).abs() < 1e-12);
    assert_eq!(sign_test(3, 3), 1.0);
    assert_eq!(sign_test(0, 0), 1.0);
    assert!(sign_test(400, 600) < 1e-9);
}
