//! Scores the entity recogniser on a labelled file in the format of
//! `tests/fixtures/entities/labelled.jsonl` (see its README), such as a held-out set kept
//! outside the repository: `cargo run --release --example entity_eval -- FILE`.
//! Prints precision, recall and every mistake (`+` recognised and not labelled, `-` missed).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: entity_eval LABELLED.jsonl")?;
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let scores = attache::entities::eval::evaluate(attache::entities::Gazetteer::builtin(), &text)
        .map_err(|e| format!("{path}: {e}"))?;
    for error in &scores.errors {
        println!("{error}");
    }
    println!(
        "{} passages, {} labelled, {} recognised, {} correct: precision {:.3}, recall {:.3}",
        scores.passages,
        scores.gold,
        scores.predicted,
        scores.correct,
        scores.precision(),
        scores.recall()
    );
    Ok(())
}
