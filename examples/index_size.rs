//! Where an index's bytes go: `cargo run --release --example index_size -- INDEX [TEXT_BYTES]`
//! prints the bytes of each segment file kind (`store`, `pos`, `idx`, …), tantivy's per-field
//! space usage (term dictionary, postings, positions, fast fields, field norms) and the raw
//! bytes of each stored field before compression (summed over every document; a fast,
//! decompression-free estimate of what the store holds), the passage text's postings and
//! positions split by token kind (exact words, `~` stems, `@` entities), and with `TEXT_BYTES`
//! (the bytes of the corpus text) the index size as a multiple of it. benches/index_size.sh runs it on a
//! fresh UNGDC build.

use std::collections::BTreeMap;

use attache::index::IndexDir;
use tantivy::TantivyDocument;
use tantivy::schema::{Document, Value};

const MB: f64 = 1e6;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "index".into());
    let text: Option<u64> = args
        .next()
        .map(|n| n.parse().expect("TEXT_BYTES is a number"));
    let open = IndexDir::new(&path).open().expect("an attache index");

    let mut kinds = BTreeMap::<String, u64>::new();
    for entry in std::fs::read_dir(&open.generation).expect("a generation folder") {
        let entry = entry.expect("an entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = match name.rsplit_once('.') {
            Some((_, ext)) if name.len() > 33 => ext.to_owned(),
            _ => "other".to_owned(),
        };
        *kinds.entry(kind).or_default() += entry.metadata().expect("metadata").len();
    }
    let total: u64 = kinds.values().sum();
    println!("file kind        bytes        MB");
    for (kind, bytes) in &kinds {
        println!("{kind:<10} {bytes:>12} {:>9.1}", *bytes as f64 / MB);
    }
    println!("{:<10} {total:>12} {:>9.1}", "total", total as f64 / MB);
    if let Some(text) = text {
        println!(
            "text       {text:>12} {:>9.1}\nindex/text {:>22.3}",
            text as f64 / MB,
            total as f64 / text as f64
        );
    }

    let reader = open.index.reader().expect("a reader");
    let searcher = reader.searcher();
    let usage = searcher.space_usage().expect("space usage");
    // field -> [terms, postings, positions, fast, fieldnorms]
    let mut per_field = BTreeMap::<String, [u64; 5]>::new();
    let (mut store_data, mut store_offsets) = (0u64, 0u64);
    for segment in usage.segments() {
        let parts = [
            segment.termdict(),
            segment.postings(),
            segment.positions(),
            segment.fast_fields(),
            segment.fieldnorms(),
        ];
        for (i, part) in parts.into_iter().enumerate() {
            for field in part.fields() {
                per_field.entry(field.field_name().to_owned()).or_default()[i] +=
                    field.total().get_bytes();
            }
        }
        store_data += segment.store().data_usage().get_bytes();
        store_offsets += segment.store().offsets_usage().get_bytes();
    }
    println!("\nfield               terms   postings  positions       fast  fieldnorm  (bytes)");
    for (name, b) in &per_field {
        println!(
            "{name:<14} {:>10} {:>10} {:>10} {:>10} {:>10}",
            b[0], b[1], b[2], b[3], b[4]
        );
    }

    // The text field's terms by kind: terms, postings bytes, positions bytes.
    let text = open.fields.text;
    let mut kinds = BTreeMap::<&str, [u64; 3]>::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(text).expect("the text field");
        let mut stream = inverted.terms().stream().expect("a term stream");
        while let Some((term, info)) = stream.next() {
            let kind = match term.first() {
                Some(b'~') => "stems (~)",
                Some(b'@') => "entities (@)",
                _ => "exact words",
            };
            let k = kinds.entry(kind).or_default();
            k[0] += 1;
            k[1] += info.postings_range.len() as u64;
            k[2] += info.positions_range.len() as u64;
        }
    }
    println!("\ntext tokens           terms   postings  positions  (bytes)");
    for (kind, k) in &kinds {
        println!("{kind:<14} {:>12} {:>10} {:>10}", k[0], k[1], k[2]);
    }

    let mut stored = BTreeMap::<String, (u64, u64)>::new();
    let schema = open.index.schema();
    for segment in searcher.segment_readers() {
        let store = segment.get_store_reader(1).expect("a store");
        for doc in store.iter::<TantivyDocument>(segment.alive_bitset()) {
            let doc = doc.expect("a stored document");
            for (field, value) in doc.iter_fields_and_values() {
                let bytes = match (value.as_str(), value.as_bytes()) {
                    (Some(s), _) => s.len(),
                    (_, Some(b)) => b.len(),
                    _ => 8,
                };
                let entry = stored
                    .entry(schema.get_field_name(field).to_owned())
                    .or_default();
                entry.0 += 1;
                entry.1 += bytes as u64;
            }
        }
    }
    let raw: u64 = stored.values().map(|v| v.1).sum();
    println!(
        "\nstore: {store_data} bytes of blocks, {store_offsets} of offsets; raw stored values {raw} bytes ({:.2}x compression)",
        raw as f64 / store_data as f64
    );
    println!("stored field        values    raw bytes   share");
    for (name, (values, bytes)) in &stored {
        println!(
            "{name:<14} {values:>11} {bytes:>12} {:>6.1}%",
            100.0 * *bytes as f64 / raw as f64
        );
    }
}
