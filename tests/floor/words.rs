//! The word list "did you mean" walks (`words.fst` in a generation): written with every
//! generation and after every update that changes the segments, left alone by one that does
//! not, and never needed: without it, or with one of other segments, the suggestions are the
//! same, from the term dictionaries.

use std::path::Path;

use crate::util::TestEnv;

/// Misspellings at one and two edits, a transposition, a word with no spelling near, several
/// words, Cyrillic, and a word too long for the bit-parallel automaton.
const MISSPELLED: [&str; 10] = [
    "Ushakof",
    "Genevva",
    "Kremlim negotiatons",
    "secuirty",
    "Kushnre",
    "zebar",
    "zzyzx",
    "Київа",
    "Trupm Rubbio",
    "supercalifragilisticexpialidociousandthensomemorelettersthanonewouldtype",
];

/// The suggestions for each of [`MISSPELLED`] in `index`.
fn suggestions(env: &TestEnv, index: &str) -> Vec<serde_json::Value> {
    MISSPELLED
        .iter()
        .map(|q| env.search_json(q, &["--index", index]).summary["suggestions"].clone())
        .collect()
}

/// The sample articles indexed, then one of them changed: two segments, the first holding
/// the changed article's old passages, deleted.
fn updated() -> TestEnv {
    let env = TestEnv::new();
    env.index();
    let first = "corpus/000_f6c3cfa837515be5.txt";
    let mut text = std::fs::read_to_string(env.path().join(first)).unwrap();
    text.push_str("\nA zebra walked past the negotiators in Geneva.\n");
    env.write(first, text);
    env.index();
    let meta = meta(&env.generation_dir());
    let segments = meta["segments"].as_array().unwrap();
    assert!(segments.len() >= 2, "{meta}");
    assert!(segments.iter().any(|s| !s["deletes"].is_null()), "{meta}");
    env
}

fn meta(generation: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(generation.join("meta.json")).unwrap()).unwrap()
}

/// The segment ids the list in `generation` names (its second line).
fn listed_segments(generation: &Path) -> Vec<String> {
    let bytes = std::fs::read(generation.join("words.fst")).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let mut ids: Vec<String> = text
        .lines()
        .nth(1)
        .unwrap()
        .split(' ')
        .map(String::from)
        .collect();
    ids.sort();
    ids
}

/// The length of a list's header: its first two lines.
fn header_len(list: &[u8]) -> usize {
    let newlines = list.iter().enumerate().filter(|(_, b)| **b == b'\n');
    newlines.map(|(i, _)| i + 1).nth(1).unwrap()
}

/// The ids of the segments `meta.json` in `generation` lists, as the list spells them.
fn live_segments(generation: &Path) -> Vec<String> {
    let mut ids: Vec<String> = meta(generation)["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["segment_id"].as_str().unwrap().replace('-', ""))
        .collect();
    ids.sort();
    ids
}

#[test]
fn suggestions_from_the_word_list_are_those_from_the_term_dictionaries() {
    let env = updated();
    let generation = env.generation_dir();
    assert_eq!(listed_segments(&generation), live_segments(&generation));
    let listed = suggestions(&env, "index");
    assert_eq!(
        listed[..5],
        [
            serde_json::json!([{"word": "Ushakof", "terms": ["ushakov"]}]),
            serde_json::json!([{"word": "Genevva", "terms": ["geneva"]}]),
            serde_json::json!([
                {"word": "Kremlim", "terms": ["kremlin"]},
                {"word": "negotiatons", "terms": ["negotiations", "negotiators"]}
            ]),
            serde_json::json!([{"word": "secuirty", "terms": ["security"]}]),
            serde_json::json!([{"word": "Kushnre", "terms": ["kushner"]}]),
        ],
        "{listed:?}"
    );
    let list = generation.join("words.fst");
    let bytes = std::fs::read(&list).unwrap();
    // Without the list (an index of an older build), and with one that is not an FST, the
    // term dictionaries answer, the same.
    std::fs::remove_file(&list).unwrap();
    assert_eq!(suggestions(&env, "index"), listed);
    let header_len = header_len(&bytes);
    let mut damaged = bytes[..header_len].to_vec();
    damaged.extend_from_slice(b"\x01\x02 not an fst");
    std::fs::write(&list, &damaged).unwrap();
    assert_eq!(suggestions(&env, "index"), listed);
}

#[test]
fn the_search_reads_the_list_of_its_segments_and_no_other() {
    let env = updated();
    // Merged, the index has no deleted passages: a word the list holds is offered as counted
    // (with deleted ones, each is first looked for among live passages).
    env.run_ok(&["optimize"], 0);
    let generation = env.generation_dir();
    let list = generation.join("words.fst");
    let bytes = std::fs::read(&list).unwrap();
    let header_len = header_len(&bytes);
    // A list of these segments that holds a word the index does not, and holds it often: the
    // search offers it, so it read the list.
    let mut map = tantivy_fst::MapBuilder::memory();
    map.insert("ushakov", 1).unwrap();
    map.insert("ushakow", 1000).unwrap();
    let mut forged = bytes[..header_len].to_vec();
    let fst = map.into_inner().unwrap();
    forged.extend_from_slice(&fst);
    // The list ends with its FST's CRC-32: one without it is not read.
    std::fs::write(&list, &forged).unwrap();
    let unsigned = env.search_json("ushakof", &[]).summary["suggestions"].clone();
    assert_eq!(
        unsigned,
        serde_json::json!([{"word": "ushakof", "terms": ["ushakov"]}])
    );
    forged.extend_from_slice(&crc32fast::hash(&fst).to_le_bytes());
    std::fs::write(&list, &forged).unwrap();
    let offered = |env: &TestEnv| env.search_json("ushakof", &[]).summary["suggestions"].clone();
    assert_eq!(
        offered(&env),
        serde_json::json!([{"word": "ushakof", "terms": ["ushakow", "ushakov"]}])
    );
    // The same list naming other segments is not read.
    let header = String::from_utf8(bytes[..header_len].to_vec()).unwrap();
    let other = header.replacen(&live_segments(&generation)[0], &"0".repeat(32), 1);
    assert_ne!(other, header);
    let mut stale = other.into_bytes();
    stale.extend_from_slice(&forged[header_len..]);
    std::fs::write(&list, &stale).unwrap();
    assert_eq!(
        offered(&env),
        serde_json::json!([{"word": "ushakof", "terms": ["ushakov"]}])
    );
}

#[cfg(unix)]
#[test]
fn the_list_is_rewritten_when_the_segments_change_and_only_then() {
    use std::os::unix::fs::MetadataExt;
    let env = updated();
    let generation = env.generation_dir();
    let inode = || {
        std::fs::metadata(generation.join("words.fst"))
            .unwrap()
            .ino()
    };
    let before = inode();
    // An update that changes nothing leaves the list as it was.
    env.index();
    assert_eq!(env.generation_dir(), generation);
    assert_eq!(inode(), before);
    // One that adds an article writes it again, for the segments it leaves.
    env.write(
        "corpus/okapi.txt",
        "date 2025-11-25\ntitle Okapi\n\nAn okapi was seen near the talks.\n",
    );
    env.index();
    assert_ne!(inode(), before);
    assert_eq!(listed_segments(&generation), live_segments(&generation));
    let updated = suggestions(&env, "index");
    assert_eq!(
        env.search_json("okapu", &[]).summary["suggestions"],
        serde_json::json!([{"word": "okapu", "terms": ["okapi"]}])
    );
    // `attache optimize` merges the segments into one, and writes the list of that one.
    env.run_ok(&["optimize"], 0);
    assert_eq!(listed_segments(&generation).len(), 1);
    assert_eq!(listed_segments(&generation), live_segments(&generation));
    assert_eq!(suggestions(&env, "index"), updated);
    // A full rebuild publishes a new generation with its list already in it.
    env.run_ok(&["index", "--full", "--threads", "1", "--quiet"], 0);
    let rebuilt = env.generation_dir();
    assert_ne!(rebuilt, generation);
    assert_eq!(listed_segments(&rebuilt), live_segments(&rebuilt));
    assert_eq!(suggestions(&env, "index"), updated);
}
