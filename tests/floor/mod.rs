//! What a search does before and around its query, kept cheap (`benches/floor.sh`): "did you
//! mean" over several segments, the writer check, and the binary's link.

mod words;

use crate::util::TestEnv;

/// The sample corpus indexed in two runs, one article each: an index of two segments.
fn two_segments() -> TestEnv {
    let env = TestEnv::new();
    let second = "corpus/002_f7abc5a888bb3888.txt";
    let text = std::fs::read(env.path().join(second)).unwrap();
    env.remove(second);
    env.index();
    env.write(second, text);
    env.index();
    let meta = std::fs::read_to_string(env.generation_dir().join("meta.json")).unwrap();
    let meta: serde_json::Value = serde_json::from_str(&meta).unwrap();
    assert_eq!(meta["segments"].as_array().unwrap().len(), 2, "{meta}");
    env
}

#[test]
fn did_you_mean_reads_every_segment_as_one_index_does() {
    let env = two_segments();
    let queries = [
        "Ushakof",
        "Genevva",
        "Kremlim negotiatons",
        "Trupm",
        "zzyzx",
        "Київа",
    ];
    let suggestions = |env: &TestEnv| -> Vec<serde_json::Value> {
        queries
            .iter()
            .map(|q| env.search_json(q, &[]).summary["suggestions"].clone())
            .collect()
    };
    let split = suggestions(&env);
    assert_eq!(
        split[..2],
        [
            serde_json::json!([{"word": "Ushakof", "terms": ["ushakov"]}]),
            serde_json::json!([{"word": "Genevva", "terms": ["geneva"]}]),
        ],
        "{split:?}"
    );
    env.run_ok(&["optimize"], 0);
    assert_eq!(suggestions(&env), split);
}

#[test]
fn a_lock_file_naming_no_live_attache_means_nobody_writes() {
    let env = TestEnv::new();
    env.index();
    // A finished writer's pid, one that cannot be a process (above Linux's pid_max), nothing,
    // and text: no note, and the search runs as usual.
    for pid in ["4194999", "", "not a pid"] {
        env.write("index/.lock", pid);
        let out = env.run(&["search", "Ushakov"]);
        assert_eq!(out.code, 0, "{out}");
        assert!(!out.stderr.contains("note:"), "{pid:?}: {out}");
        assert!(out.stdout.contains("Ushakov"), "{out}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn the_binary_is_linked_position_dependent() {
    // ELF's e_type (bytes 16-17): 2 is an executable at a fixed address, 3 a position-
    // independent one, which the loader relocates on every start.
    let bytes = std::fs::read(env!("CARGO_BIN_EXE_attache")).unwrap();
    assert_eq!(&bytes[..4], b"\x7fELF");
    assert_eq!(u16::from_le_bytes([bytes[16], bytes[17]]), 2);
}

/// An article of the test corpus with `body`.
fn article(env: &TestEnv, name: &str, body: &str) {
    let text = format!(
        "date 2025-11-24\ntitle {name}\nsource Agence Test\nurl https://example.test/{name}\n\n{body}\n"
    );
    env.write(&format!("corpus/{name}.txt"), text);
}

#[test]
fn a_one_edit_spelling_in_a_later_segment_outranks_two_edit_ones_in_an_earlier() {
    let env = TestEnv::empty();
    // The first segment has only two-edit spellings of "kangaro", and has them often.
    article(
        &env,
        "a",
        "Kangaroos grazed by the road.\n\nThe kangaroos left at dawn.\n\nMore kangaroos came.",
    );
    env.index();
    let long = "supercalifragilisticexpialidocious".repeat(2);
    article(
        &env,
        "b",
        &format!("One kangaroo stayed behind.\n\nThe word {long} is long."),
    );
    env.index();
    let meta = std::fs::read_to_string(env.generation_dir().join("meta.json")).unwrap();
    let meta: serde_json::Value = serde_json::from_str(&meta).unwrap();
    assert_eq!(meta["segments"].as_array().unwrap().len(), 2, "{meta}");
    let suggestions = |query: &str| env.search_json(query, &[]).summary["suggestions"].clone();
    assert_eq!(
        suggestions("kangaro"),
        serde_json::json!([{"word": "kangaro", "terms": ["kangaroo"]}])
    );
    // Without the one-edit word, the two-edit ones.
    assert_eq!(
        suggestions("kangaroosss"),
        serde_json::json!([{"word": "kangaroosss", "terms": ["kangaroos"]}])
    );
    // A word longer than the bit-parallel automaton takes (63 characters) is looked up with
    // tantivy's.
    let typo = format!("{}z", &long[..long.len() - 1]);
    assert_eq!(
        suggestions(&typo),
        serde_json::json!([{"word": typo, "terms": [long]}])
    );
}
