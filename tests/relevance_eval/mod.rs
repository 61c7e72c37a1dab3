//! `attache eval` on the judged set of `tests/relevance/`: the sample-corpus needs (S…) on the
//! sample index, every run; the whole set on an index of the sample corpus and the UN General
//! Debate corpus, ignored by default:
//!
//! ```text
//! cargo test --release -- --ignored relevance
//! ```

use std::path::Path;

use serde_json::Value;

use crate::util::TestEnv;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn set_file(name: &str) -> String {
    Path::new(ROOT)
        .join("tests/relevance")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn relevance_eval_of_the_sample_needs_is_a_complete_deterministic_report() {
    let env = TestEnv::new();
    env.index();
    let (needs, qrels) = (set_file("needs.tsv"), set_file("qrels.txt"));
    let args = ["eval", &needs, &qrels, "--only", "S", "--json"];
    let first = env.run(&args);
    assert_eq!(first.code, 0, "{first}");
    assert_eq!(first.stdout.lines().count(), 1, "one line of JSON");
    let report: Value = serde_json::from_str(&first.stdout).expect("a JSON report");
    let rows = report["needs"].as_array().expect("needs");
    let ids: Vec<&str> = rows.iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08"]
    );
    for need in rows {
        for key in ["ndcg10", "p10", "mrr", "recall100"] {
            let x = need["scores"][key].as_f64();
            assert!(x.is_some_and(|x| (0.0..=1.0).contains(&x)), "{key}: {need}");
        }
        // The sample corpus is judged in full: nothing in the top 10 is unjudged.
        assert_eq!(need["unjudged10"], 0, "{need}");
        assert!(need["top"].as_array().unwrap().len() <= 10);
    }
    assert_eq!(report["overall"]["needs"], 8);
    assert_eq!(report["depth"], 100);
    assert_eq!(report["mrr_grade"], 2);
    let again = env.run(&args);
    assert_eq!(
        first.stdout, again.stdout,
        "the same index gives the same report"
    );

    // Compared with itself: no need moves, and neither test finds a difference.
    env.write("before.json", &first.stdout);
    let compared = env.run(&[
        "eval",
        &needs,
        &qrels,
        "--only",
        "S",
        "--compare",
        "before.json",
    ]);
    assert_eq!(compared.code, 0, "{compared}");
    let tests: Vec<&str> = compared
        .stdout
        .lines()
        .filter(|l| l.starts_with("nDCG@10 ") || l.starts_with("MRR "))
        .collect();
    assert_eq!(tests.len(), 2, "{compared}");
    for line in tests {
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            &fields[4..],
            ["+0.000", "0", "0", "8", "1.0000", "1.0000"],
            "{line}"
        );
    }
}

#[test]
fn relevance_eval_reads_past_a_byte_order_mark_and_refuses_judgements_of_an_unknown_need() {
    let env = TestEnv::new();
    env.index();
    let judged = "A 0 002_f7abc5a888bb3888.txt#8 2\n";
    // Byte-order marks in both files: the first ids are `A` all the same.
    env.write("needs.tsv", "\u{feff}A\t\"security guarantee\"\n");
    env.write("qrels.txt", format!("\u{feff}{judged}"));
    let out = env.run(&["eval", "needs.tsv", "qrels.txt", "--json"]);
    assert_eq!(out.code, 0, "{out}");
    let report: Value = serde_json::from_str(&out.stdout).expect("a JSON report");
    assert_eq!(report["needs"][0]["id"], "A", "{out}");
    assert_eq!(report["needs"][0]["judged"], 1, "{out}");
    // A passage judged relevant that the index lacks is a miss, and a note says so.
    env.write("qrels.txt", format!("{judged}A 0 elsewhere.txt#3 2\n"));
    let out = env.run(&["eval", "needs.tsv", "qrels.txt"]);
    assert_eq!(out.code, 0, "{out}");
    assert!(
        out.stderr.contains(
            "note: 1 of the 2 passages judged relevant are not in index (as elsewhere.txt#3): \
             they count as misses; is it the index they were judged on?"
        ),
        "{out}"
    );
    // A judged need the needs file lacks is an error, not a need left out of the means.
    env.write(
        "qrels.txt",
        format!("{judged}a 0 002_f7abc5a888bb3888.txt#9 1\n"),
    );
    let out = env.run(&["eval", "needs.tsv", "qrels.txt"]);
    assert_eq!(out.code, 2, "{out}");
    assert_eq!(
        out.stderr.trim(),
        "attache: qrels.txt: line 2: need 'a' is judged here but not in needs.tsv (ids must \
         match exactly)"
    );
}

#[test]
fn relevance_eval_reports_a_bad_qrels_line_with_its_file_and_line() {
    let env = TestEnv::new();
    env.index();
    env.write("needs.tsv", "A\t\"security guarantee\"\n");
    env.write(
        "qrels.txt",
        "A 0 002_f7abc5a888bb3888.txt#8 2\nA 0 002_f7abc5a888bb3888.txt#9 5\n",
    );
    let out = env.run(&["eval", "needs.tsv", "qrels.txt"]);
    assert_eq!(out.code, 2, "{out}");
    assert_eq!(
        out.stderr.trim(),
        "attache: qrels.txt: line 2: grade '5' is not 0, 1 or 2"
    );
}

#[test]
#[ignore = "indexes the UN General Debate corpus (~200 MB); run with `cargo test --release -- --ignored relevance`"]
fn relevance_eval_of_the_whole_set_on_the_ungdc() {
    let ungdc = Path::new(ROOT).join("../shared/corpora/ungdc");
    assert!(ungdc.is_dir(), "no corpus at {}", ungdc.display());
    let env = TestEnv::new();
    let out = env.run(&["index", "corpus", &ungdc.display().to_string(), "--quiet"]);
    assert_eq!(out.code, 0, "{out}");
    let (needs, qrels) = (set_file("needs.tsv"), set_file("qrels.txt"));
    let table = env.run(&[
        "eval",
        &needs,
        &qrels,
        "--compare",
        &set_file("baseline.json"),
    ]);
    assert_eq!(table.code, 0, "{table}");
    println!("{}", table.stdout);
    let json = env.run(&["eval", &needs, &qrels, "--json"]);
    let report: Value = serde_json::from_str(&json.stdout).expect("a JSON report");
    assert_eq!(report["needs"].as_array().unwrap().len(), 40);
    assert_eq!(report["overall"]["needs"], 40);
}
