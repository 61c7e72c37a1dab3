//! Words ending in `*`: every indexed word that starts with the letters before it.

use crate::assert_one_line_error;
use crate::util::TestEnv;

/// The distinct lowercase words of the sample corpus's files that start with `prefix`, read
/// from the files themselves (letters, digits and the apostrophes inside a word).
fn words_in_corpus(env: &TestEnv, prefix: &str) -> Vec<String> {
    let mut words = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(env.path().join("corpus")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for word in text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')) {
            let word = word.trim_matches(|c| c == '\'' || c == '’').to_lowercase();
            if word.starts_with(prefix) {
                words.insert(word.replace('’', "'"));
            }
        }
    }
    words.into_iter().collect()
}

#[test]
fn a_word_ending_in_a_star_finds_every_word_that_starts_so_and_marks_each() {
    let env = TestEnv::new();
    env.index();
    // `refine`, `refined`, `refinement`; `ukraine`, `ukraine's` (written with a typographic
    // apostrophe), `ukrainian`.
    for prefix in ["refine", "ukrain"] {
        let words = words_in_corpus(&env, prefix);
        assert!(words.len() >= 3, "{words:?}");
        // The same passages as each of those words quoted (exact) and joined by OR.
        let any: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
        let count = env.count(&format!("{prefix}*"));
        assert!(count.0 >= 2, "{count:?}");
        assert_eq!(count, env.count(&any.join(" OR ")), "{words:?}");
        // Each marked word is one of them, and each of them is marked somewhere.
        let search = env.search_json(&format!("{}*", prefix.to_uppercase()), &["-n", "50"]);
        let mut marked: Vec<String> = search
            .highlighted()
            .into_iter()
            .flatten()
            .map(|w| w.to_lowercase().replace('’', "'"))
            .collect();
        marked.sort();
        marked.dedup();
        assert_eq!(marked, words);
    }
    // A star needs no capital letter and works on the other analysed fields.
    assert_eq!(env.count("title:Trum*"), env.count("title:Trump"));
    assert!(env.count("title:Trum*").0 > 0);
    // Beside other words, it is one of the words that must all occur.
    let both = env.count("ukrain* Geneva");
    assert!(both.0 > 0 && both.0 < env.count("ukrain*").0, "{both:?}");
}

#[test]
fn the_rare_spelling_of_a_prefix_does_not_outrank_passages_naming_it_more_often() {
    let env = TestEnv::empty();
    let article = |name: &str, body: &str| {
        env.write(
            &format!("corpus/{name}.txt"),
            format!("date 2024-05-01\n\n{body}\n"),
        );
    };
    // Many passages say "ceasefire", one says the rare "ceasefires" once, and one says
    // "ceasefire" three times: summed as separate words, the rare one's weight would win.
    for i in 0..20 {
        article(
            &format!("common{i:02}"),
            &format!("The ceasefire of day {i} was discussed by the envoys at some length today."),
        );
    }
    article(
        "rare",
        "The envoys said ceasefires were discussed by the envoys at some length today.",
    );
    article(
        "often",
        "The ceasefire held; the ceasefire was checked; a ceasefire is all the envoys want.",
    );
    env.index();
    let search = env.search_json("ceasefir*", &["-n", "3"]);
    assert_eq!(search.summary["passages_matched"], 22, "{}", search.out);
    assert_eq!(search.hits[0]["article_id"], "often.txt", "{}", search.out);
}

#[test]
fn a_star_anywhere_but_a_words_end_or_standing_for_too_many_words_is_a_clear_error() {
    let env = TestEnv::empty();
    let many: Vec<String> = (0..1100).map(|i| format!("zork{i:04}")).collect();
    env.write(
        "corpus/many.txt",
        format!("date 2024-05-01\n\nA list: {}.\n", many.join(" ")),
    );
    // Five prefixes of 1,000 words each: within the bound one by one, beyond it together.
    let more: Vec<String> = ["qa", "qb", "qc", "qd", "qe"]
        .iter()
        .flat_map(|p| (0..1000).map(move |i| format!("{p}{i:04}")))
        .collect();
    env.write(
        "corpus/more.txt",
        format!("date 2024-05-01\n\nA longer list: {}.\n", more.join(" ")),
    );
    env.index();
    env.run_ok(&["search", "--count", "qa* OR qb* OR qc* OR qd*"], 0);
    for (query, start) in [
        (
            "*stan",
            "bad query: column 1: '*stan': one `*` stands at the end of a word only",
        ),
        (
            "list Gor*bach",
            "bad query: column 6: 'Gor*bach': one `*` stands at the end of a word only",
        ),
        (
            "zork00**",
            "bad query: column 1: 'zork00**': one `*` stands at the end of a word only",
        ),
        (
            "*",
            "bad query: column 1: '*' has no letters before its `*`",
        ),
        (
            "self-determin*",
            "bad query: column 1: 'self-determin*' is 2 words: `*` ends a single word, like \
             determin*",
        ),
        (
            "list zork*",
            "bad query: column 6: more than 1024 words start with 'zork': give more letters",
        ),
        (
            "qa* OR qb* OR qc* OR qd* OR qe*",
            "bad query: column 29: the query's prefixes start more than 4096 words in all (by \
             here, 5000): give fewer prefixes, or more letters before each `*`",
        ),
        // Where no word is looked up by its start, a star is refused, not dropped.
        (
            "\"zork0* list\"",
            "bad query: column 1: 'zork0* list': a `*` ends a word of the text, title, source \
             or quote (like negotiat*), not a phrase",
        ),
        ("@zork*", "bad query: column 1: 'zork*': a `*` ends a word"),
        (
            "said:zork*",
            "bad query: column 6: 'zork*': a `*` ends a word",
        ),
        (
            "type:pers*",
            "bad query: column 6: 'pers*': a `*` ends a word",
        ),
    ] {
        let out = env.run(&["search", query]);
        let line = assert_one_line_error(&out);
        assert!(
            line.starts_with(&format!("attache: {start}")),
            "{query}: {line}"
        );
    }
    // Fewer letters' worth of words is fine, and a star that finds nothing suggests nothing.
    assert_eq!(env.count("zork00*"), (1, 1));
    assert_eq!(env.count("zork1*"), (1, 1));
    let out = env.run(&["search", "zorq*"]);
    assert_eq!(out.code, 1, "{out}");
    assert!(!out.stderr.contains("did you mean"), "{out}");
}

#[test]
fn an_id_ending_with_a_star_finds_the_articles_whose_id_starts_so() {
    let env = TestEnv::new();
    env.index();
    let all = env.count("id:000*");
    assert_eq!(all.1, 1, "{all:?}");
    assert_eq!(all, env.count("id:000_f6c3cfa837515be5.txt"));
    assert_eq!(env.count("id:0*").1, 2);
    assert_eq!(env.count("id:(000* OR 002*)").1, 2);
    assert_eq!(env.count("id:zz*"), (0, 0));
    for (query, start) in [
        (
            "id:*",
            "bad query: column 4: '*': one `*` ends an id's first letters",
        ),
        (
            "id:0*1",
            "bad query: column 4: '0*1': one `*` ends an id's first letters",
        ),
    ] {
        let out = env.run(&["search", query]);
        let line = assert_one_line_error(&out);
        assert!(
            line.starts_with(&format!("attache: {start}")),
            "{query}: {line}"
        );
    }
}
