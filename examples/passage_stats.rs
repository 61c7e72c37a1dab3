//! Passage counts and lengths of a JSON Lines corpus, as `split_passages` cuts it:
//! `cargo run --release --example passage_stats -- ../shared/corpora/ungdc [SHOW]` prints the
//! number of passages and the shortest, 1st percentile, 10th percentile and median lengths in
//! words and characters, and with `SHOW` the shortest passages.

use std::io::BufRead;

use attache::analysis::passages::split_passages;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = args
        .next()
        .unwrap_or_else(|| "../shared/corpora/ungdc".into());
    let show: usize = args.next().map_or(0, |n| n.parse().expect("a number"));
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .expect("a folder")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    let mut passages: Vec<(usize, usize, String)> = Vec::new();
    for file in files {
        let reader = std::io::BufReader::new(std::fs::File::open(&file).expect("readable"));
        for line in reader.lines() {
            let line = line.expect("a line");
            let Ok(value) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            let body = value["body"].as_str().unwrap_or("");
            let id = value["id"].as_str().unwrap_or("?");
            for (i, p) in split_passages(body).into_iter().enumerate() {
                let text = if show > 0 {
                    format!("{id}#{i}: {p}")
                } else {
                    String::new()
                };
                passages.push((p.split(' ').count(), p.chars().count(), text));
            }
        }
    }
    let n = passages.len();
    if n == 0 {
        println!("no passages");
        return;
    }
    let mut words: Vec<usize> = passages.iter().map(|p| p.0).collect();
    let mut chars: Vec<usize> = passages.iter().map(|p| p.1).collect();
    words.sort_unstable();
    chars.sort_unstable();
    let at = |v: &[usize], q: f64| v[((n - 1) as f64 * q) as usize];
    println!("passages {n}");
    for (name, v) in [("words", &words), ("chars", &chars)] {
        println!(
            "{name}: shortest {}, p1 {}, p10 {}, median {}, p99 {}, longest {}",
            v[0],
            at(v, 0.01),
            at(v, 0.10),
            at(v, 0.5),
            at(v, 0.99),
            v[n - 1]
        );
    }
    let under = |k: usize| words.iter().filter(|&&w| w < k).count();
    println!(
        "under 5 words {}, under 10 {}, under 20 {}",
        under(5),
        under(10),
        under(20)
    );
    if show > 0 {
        passages.sort_by_key(|p| (p.1, p.2.clone()));
        for p in passages.iter().take(show) {
            println!("{}", p.2);
        }
    }
}
