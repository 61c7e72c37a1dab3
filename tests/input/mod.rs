//! Inputs that used to lose or duplicate data quietly: over-long ids, decomposed accents, a
//! byte-order mark, ids holding quotes, numeric options out of range and generator models that
//! cannot be sampled.

mod options;
mod reading;
mod unicode;

use serde_json::{Value, json};

use crate::util::TestEnv;

/// One JSON line per `(id, body)`, dated 2023.
pub fn jsonl(articles: &[(&str, &str)]) -> String {
    articles
        .iter()
        .map(|(id, body)| json!({"id": id, "date": "2023", "body": body}).to_string() + "\n")
        .collect()
}

/// `attache index --threads 1 --json`, which must succeed: its summary.
pub fn index_json(env: &TestEnv) -> (Value, Vec<String>) {
    let out = env.run_ok(&["index", "--threads", "1", "--json"], 0);
    let summary = serde_json::from_str(out.stdout.trim()).expect("a JSON summary");
    let warnings = out.warnings().iter().map(|w| w.to_string()).collect();
    (summary, warnings)
}

pub fn counts(summary: &Value) -> [u64; 4] {
    ["added", "changed", "removed", "unchanged"].map(|k| summary[k].as_u64().unwrap())
}
