//! What the index keeps and how small it is: each article's values once per segment, mentions
//! and speakers in their compact stored form, an index of the previous format refused, and
//! (ignored, UNGDC-scale) the size against the text.

use std::collections::{BTreeMap, BTreeSet};

use attache::index::schema::{FORMAT_VERSION, fast};
use attache::index::{IndexDir, OpenIndex};
use tantivy::TantivyDocument;
use tantivy::schema::{Document, Value};

use crate::util::TestEnv;
use crate::{assert_one_line_error, indexed_sample};

/// The attribution fixtures (mentions, speakers, articles of several passages), indexed by one
/// thread, and the index opened.
fn attribution_index() -> (TestEnv, OpenIndex) {
    let env = TestEnv::new();
    env.add_fixtures("attribution");
    env.run_ok(&["index", "--threads", "1", "--quiet"], 0);
    let open = IndexDir::new(env.path().join("index")).open().unwrap();
    (env, open)
}

#[test]
fn each_article_s_values_are_kept_once_per_segment_and_no_passage_stores_them() {
    let (_env, open) = attribution_index();
    let reader = open.index.reader().unwrap();
    let searcher = reader.searcher();
    let schema = open.index.schema();
    let mut passages = 0;
    for segment in searcher.segment_readers() {
        let info = segment.fast_fields().str(fast::INFO).unwrap().unwrap();
        let ids = segment
            .fast_fields()
            .str(fast::ARTICLE_ID)
            .unwrap()
            .unwrap();
        // One dictionary entry per article of the segment, however many passages it has.
        let mut per_article: BTreeMap<u64, BTreeSet<u64>> = BTreeMap::new();
        for doc in 0..segment.max_doc() {
            let id = ids.ords().first(doc).unwrap();
            per_article
                .entry(id)
                .or_default()
                .insert(info.ords().first(doc).unwrap());
        }
        assert_eq!(info.num_terms(), per_article.len());
        assert!(per_article.values().all(|ords| ords.len() == 1));
        assert!(
            (segment.max_doc() as usize) > per_article.len(),
            "the fixtures have articles of several passages"
        );
        // The store holds the text and the marks, nothing an article repeats.
        let store = segment.get_store_reader(1).unwrap();
        for doc in store.iter::<TantivyDocument>(None) {
            let doc = doc.unwrap();
            let names: BTreeSet<&str> = doc
                .iter_fields_and_values()
                .map(|(f, _)| schema.get_field_name(f))
                .collect();
            assert!(names.contains("body"), "{names:?}");
            assert!(
                names.is_subset(&BTreeSet::from(["body", "marks"])),
                "{names:?}"
            );
            passages += 1;
        }
    }
    assert!(passages > 0);
}

#[test]
fn mentions_and_speakers_read_back_from_the_store_as_recognised() {
    let (_env, open) = attribution_index();
    let reader = open.index.reader().unwrap();
    let searcher = reader.searcher();
    let (mut mentions, mut speakers) = (0, 0);
    for segment in searcher.segment_readers() {
        let store = segment.get_store_reader(1).unwrap();
        for doc in store.iter::<TantivyDocument>(None) {
            let doc = doc.unwrap();
            let text = doc.get_first(open.fields.body).unwrap().as_str().unwrap();
            let Some(marks) = doc.get_first(open.fields.marks) else {
                continue;
            };
            let (m, s) = attache::index::stored::decode(marks.as_bytes().unwrap()).unwrap();
            // Every span lies in the passage, on character boundaries.
            for span in m
                .iter()
                .map(|m| &m.span)
                .chain(s.iter().flat_map(|s| &s.spans))
            {
                assert!(text.get(span.clone()).is_some(), "{span:?} in {text:?}");
            }
            mentions += m.len();
            speakers += s.len();
        }
    }
    assert!(mentions > 0 && speakers > 0, "{mentions} {speakers}");
}

#[test]
fn an_index_of_the_previous_format_is_refused_with_the_rebuild_line() {
    let env = indexed_sample();
    let stamp = env.generation_dir().join("attache.json");
    let text = std::fs::read_to_string(&stamp).unwrap();
    let mut manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(manifest["format"], FORMAT_VERSION);
    manifest["format"] = serde_json::json!(FORMAT_VERSION - 1);
    std::fs::write(&stamp, manifest.to_string()).unwrap();
    for args in [&["search", "security"][..], &["show", "x"], &["stats"]] {
        let out = env.run(args);
        let line = assert_one_line_error(&out);
        let said = format!(
            "index format {} was written by attache {}, this attache reads format {FORMAT_VERSION}",
            FORMAT_VERSION - 1,
            env!("CARGO_PKG_VERSION"),
        );
        assert!(line.contains(&said), "{line}");
        assert!(line.contains("attache index --full"), "{line}");
    }
}

/// A guard against growth, not issue 15's target (1.0×): the index was 1.230× its text when the
/// guard was set at 1.25×; index format 12 (every word's stem in a field of its own) took it to
/// 1.245× and later recognition to 1.253× (249.3 MB of 199.0 MB, measured 2026-12-01), so the
/// guard is 1.26×.
#[test]
#[ignore = "indexes the UN General Debate corpus (~200 MB); run with `cargo test --release -- --ignored ungdc_index_size`"]
fn ungdc_index_size_is_at_most_1_26_times_its_text() {
    let Some(corpus) = crate::util::ungdc() else {
        return;
    };
    let mut text = 0u64;
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "jsonl") {
            continue;
        }
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            let record: serde_json::Value = serde_json::from_str(line).unwrap();
            text += record["body"].as_str().map_or(0, |b| b.len() as u64);
        }
    }
    let env = TestEnv::empty();
    env.run_ok(&["index", &corpus.display().to_string(), "--quiet"], 0);
    let size = attache::index::dir_size(&env.generation_dir());
    let ratio = size as f64 / text as f64;
    println!("index {size} bytes, text {text} bytes: {ratio:.3}×");
    assert!(ratio <= 1.26, "{ratio:.3}× the text");
}
