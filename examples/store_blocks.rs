//! What block size and zstd level would do to an index's document store:
//! `cargo run --release --example store_blocks -- INDEX [FIELD…]` reads every stored document's
//! raw values (only those of the FIELDs named, if any; in store order, as tantivy lays them out), cuts them into blocks the way tantivy's
//! store writer does (a block closes once it holds at least the block size), compresses each
//! block with zstd at several levels and reports the stored bytes, the compression speed (what
//! indexing pays) and the median and 99th percentile time to decompress one block (what a
//! fetched hit pays on a cache miss).

use std::time::Instant;

use attache::index::IndexDir;
use tantivy::TantivyDocument;
use tantivy::schema::{Document, Value};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "index".into());
    let only: Vec<String> = args.collect();
    let open = IndexDir::new(&path).open().expect("an attache index");
    let reader = open.index.reader().expect("a reader");
    let searcher = reader.searcher();
    let schema = open.index.schema();
    let mut docs: Vec<Vec<u8>> = Vec::new();
    for segment in searcher.segment_readers() {
        let store = segment.get_store_reader(1).expect("a store");
        for doc in store.iter::<TantivyDocument>(segment.alive_bitset()) {
            let doc = doc.expect("a stored document");
            let mut raw = Vec::new();
            for (field, value) in doc.iter_fields_and_values() {
                let name = schema.get_field_name(field);
                if !only.is_empty() && !only.iter().any(|o| o == name) {
                    continue;
                }
                match (value.as_str(), value.as_bytes(), value.as_u64()) {
                    (Some(s), _, _) => raw.extend_from_slice(s.as_bytes()),
                    (_, Some(b), _) => raw.extend_from_slice(b),
                    (_, _, Some(n)) => raw.extend_from_slice(&n.to_le_bytes()),
                    _ => {}
                }
            }
            docs.push(raw);
        }
    }
    let raw: usize = docs.iter().map(Vec::len).sum();
    println!("{} documents, {raw} raw bytes", docs.len());
    println!("block KB  level   stored MB  ratio  compress MB/s  decompress p50 µs  p99 µs");
    for block in [16usize << 10, 32 << 10, 64 << 10, 128 << 10] {
        let mut blocks: Vec<Vec<u8>> = vec![Vec::new()];
        for doc in &docs {
            if blocks.last().expect("a block").len() >= block {
                blocks.push(Vec::new());
            }
            blocks.last_mut().expect("a block").extend_from_slice(doc);
        }
        for level in [1, 3, 6, 9, 12] {
            let start = Instant::now();
            let compressed: Vec<Vec<u8>> = blocks
                .iter()
                .map(|b| zstd::bulk::compress(b, level).expect("compresses"))
                .collect();
            let compress_mbs = raw as f64 / 1e6 / start.elapsed().as_secs_f64();
            let stored: usize = compressed.iter().map(Vec::len).sum();
            let mut times: Vec<f64> = compressed
                .iter()
                .zip(&blocks)
                .step_by(7)
                .map(|(c, b)| {
                    let start = Instant::now();
                    let out = zstd::bulk::decompress(c, b.len()).expect("decompresses");
                    let took = start.elapsed().as_secs_f64() * 1e6;
                    assert_eq!(out.len(), b.len());
                    took
                })
                .collect();
            times.sort_by(f64::total_cmp);
            println!(
                "{:>8} {level:>6} {:>11.1} {:>6.2} {compress_mbs:>14.0} {:>18.1} {:>7.1}",
                block >> 10,
                stored as f64 / 1e6,
                raw as f64 / stored as f64,
                times[times.len() / 2],
                times[times.len() * 99 / 100],
            );
        }
    }
}
