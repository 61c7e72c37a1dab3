//! Entities in their time, `@` lookups in any case, and what the name heuristic proposes:
//! small hand-written corpora driven through the binary.

use serde_json::Value;

use crate::util::TestEnv;

/// One JSON Lines article, UN General Debate style.
fn speech(id: &str, date: &str, country: &str, body: &str) -> String {
    serde_json::json!({"id": id, "date": date, "country": country, "body": body}).to_string() + "\n"
}

/// The ids of the articles a query finds, sorted.
fn articles(env: &TestEnv, query: &str) -> Vec<String> {
    let mut ids = env.search_json(query, &["--limit", "100"]).articles();
    ids.sort();
    ids.dedup();
    ids
}

/// A corpus where the same names meant other entities in other years.
fn dated_corpus() -> TestEnv {
    let env = TestEnv::empty();
    let corpus = [
        speech(
            "chn-1960",
            "1960",
            "CHN",
            "The delegation of the Republic of China has always upheld the Charter.",
        ),
        speech(
            "chn-1975",
            "1975",
            "CHN",
            "The so-called Republic of China on the island is no State Member.",
        ),
        speech(
            "usa-1958",
            "1958",
            "USA",
            "We have sought agreement with the Russians on disarmament.",
        ),
        speech(
            "usa-2015",
            "2015",
            "USA",
            "We have sought agreement with the Russians on Syria.",
        ),
        speech(
            "tha-1982",
            "1982",
            "THA",
            "Foreign forces must leave Democratic Kampuchea so that the Kampuchean people decide.",
        ),
        speech(
            "lka-1965",
            "1965",
            "LKA",
            "Ceylon welcomes the independence of the Congo and of Zaire's neighbours.",
        ),
        speech(
            "bih-1995",
            "1995",
            "BIH",
            "The army of Yugoslavia crossed the Drina; the former Yugoslavia is at war.",
        ),
    ];
    env.write("corpus/speeches.jsonl", corpus.concat());
    env.index();
    env
}

#[test]
fn a_historic_name_is_recognised_as_what_it_meant_in_the_articles_year() {
    let env = dated_corpus();
    // 1960: the Republic of China held China's seat; 1975: it is Taiwan.
    assert_eq!(articles(&env, "country:CHN @taiwan"), ["chn-1975"]);
    assert_eq!(articles(&env, "country:CHN @china"), ["chn-1960"]);
    // "the Russians" of 1958 are the Soviet Union; of 2015, Russia.
    assert_eq!(articles(&env, "@ussr"), ["usa-1958"]);
    assert_eq!(articles(&env, "@russia"), ["usa-2015"]);
    // "Yugoslavia" in 1995 is the FRY, whose seat Serbia continues; "the former Yugoslavia" is
    // the federation that was.
    assert_eq!(articles(&env, "@serbia"), ["bih-1995"]);
    assert_eq!(articles(&env, "@yugoslavia"), ["bih-1995"]);
    let hit = &env.search_json("@serbia", &[]).hits[0];
    let ids: Vec<&str> = hit["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["serbia", "drina", "yugoslavia"], "{hit}");
}

#[test]
fn an_entity_is_found_under_its_old_name() {
    let env = dated_corpus();
    for query in [
        "@Cambodia",
        "@cambodia",
        "@Kampuchea",
        "Kampuchea",
        "Cambodia",
    ] {
        assert_eq!(articles(&env, query), ["tha-1982"], "{query}");
    }
    for query in ["@sri-lanka", "@Ceylon", "@\"Sri Lanka\""] {
        assert_eq!(articles(&env, query), ["lka-1965"], "{query}");
    }
    // "Congo" in 1965 is the former Belgian Congo, later Zaire: the DRC.
    assert_eq!(articles(&env, "@zaire"), ["lka-1965"]);
    // `@` with a date-bound alias names what it names today.
    assert_eq!(articles(&env, "@\"Republic of China\""), ["chn-1975"]);
    assert_eq!(articles(&env, "@\"Soviet Union\""), ["usa-1958"]);
}

#[test]
fn at_lookups_ignore_case_but_text_acronyms_do_not() {
    let env = TestEnv::empty();
    env.write(
        "corpus/a.txt",
        "date 2020-01-01\n\nThe USA and NATO met. Tell us what the usa of the poem means.\n",
    );
    env.index();
    for query in ["@usa", "@Usa", "@USA", "@U.S.A.", "@us", "@united-states"] {
        let search = env.search_json(query, &[]);
        assert_eq!(search.hits.len(), 1, "{query}\n{}", search.out);
        let spans: Vec<&Value> = search.hits[0]["entities"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["id"] == "united-states")
            .collect();
        // Only the acronym as written in the text is a mention.
        assert_eq!(spans.len(), 1, "{query}\n{}", search.out);
        assert_eq!(spans[0]["alias"], "USA");
    }
    for query in ["@nato", "@Nato"] {
        assert_eq!(env.search_json(query, &[]).hits.len(), 1, "{query}");
    }
    let profile = env.run_ok(&["entity", "usa", "--json"], 0);
    assert!(profile.stdout.contains("\"united-states\""), "{profile}");
    let with = env.run_ok(&["entities", "--with", "@usa", "--json"], 0);
    assert!(with.stdout.contains("\"nato\""), "{with}");
}

#[test]
fn a_word_naming_an_entity_ranks_its_name_of_the_time_by_its_mentions_not_its_spelling() {
    // Two speeches of one length on ASEAN and the Cambodian conflict: 1983 names the country
    // twice, as it was then called; 1995 once, as it is called now. The plain word `Cambodia`
    // stands for the entity: its mentions rank, and today's spelling only breaks ties.
    let env = TestEnv::empty();
    let corpus = [
        speech(
            "sgp-1983",
            "1983",
            "SGP",
            "The ASEAN countries ask that foreign troops leave Kampuchea and that the people of \
             Kampuchea choose their government in free elections under international supervision.",
        ),
        speech(
            "nzl-1995",
            "1995",
            "NZL",
            "The ASEAN countries have welcomed Cambodia as an observer and we look forward to \
             stronger ties of trade and investment with the region in the years to come.",
        ),
    ];
    env.write("corpus/speeches.jsonl", corpus.concat());
    env.index();
    for query in ["@ASEAN Cambodia", "@ASEAN @Cambodia"] {
        let search = env.search_json(query, &[]);
        let ranked: Vec<&str> = search
            .hits
            .iter()
            .map(|h| h["article_id"].as_str().unwrap())
            .collect();
        assert_eq!(ranked, ["sgp-1983", "nzl-1995"], "{query}\n{}", search.out);
    }
}

/// A name a title made a person in one passage and nothing typed in another is one person, in
/// `entity`, `entities` and `entities --type`.
#[test]
fn an_entity_recognised_with_two_types_is_listed_with_the_known_one() {
    let env = TestEnv::empty();
    env.write(
        "corpus/a.txt",
        "date 2024-05-01\n\nPresident Joseph Garba spoke at the opening of the session today.\n",
    );
    env.write(
        "corpus/b.txt",
        "date 2024-05-02\n\nAfter the talks Joseph Garba left the capital early in the morning.\n",
    );
    env.index();
    let profile = env.run_ok(&["entity", "Joseph Garba"], 0);
    assert!(
        profile
            .stdout
            .starts_with("Joseph Garba (@joseph-garba, person)"),
        "{profile}"
    );
    let people = env.run_ok(&["entities", "--type", "person", "--json"], 0);
    let row: Value = serde_json::from_str(people.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(
        (&row["id"], &row["type"], &row["passages"]),
        (&"joseph-garba".into(), &"person".into(), &2.into()),
        "{people}"
    );
    env.run_ok(&["entities", "--type", "unknown"], 1);
}

/// A passage naming an entity under two types counts once, and `facets --by entity` has one
/// row for it, as `@id` matches it (it was counted once per type, and listed in two rows).
#[test]
fn a_passage_naming_an_entity_under_two_types_counts_once() {
    let env = TestEnv::empty();
    env.write(
        "corpus/a.txt",
        "date 1970-09-20\n\nMr. Ian Smith spoke in Salisbury about the future of the \
         territory, and the Ian Smith regime answered for him later that same week.\n\n\
         The illegal Ian Smith regime held on through the winter, and its ministers travelled \
         abroad to plead their case before the governments of the region.\n",
    );
    env.index();
    assert_eq!(env.count("@ian-smith"), (2, 1));
    let listed = env.run_ok(&["entities", "--json"], 0);
    let row: Value = serde_json::from_str(listed.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(
        (&row["id"], &row["type"], &row["passages"]),
        (&"ian-smith".into(), &"person".into(), &2.into()),
        "{listed}"
    );
    let profile = env.run_ok(&["entity", "ian-smith"], 0);
    assert!(
        profile.stdout.contains("in 2 passages of 1 article"),
        "{profile}"
    );
    let facets = env.run_ok(&["facets", "--by", "entity", "--json"], 0);
    let rows: Vec<Value> = facets
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|r: &Value| r["value"] == "ian-smith")
        .collect();
    assert_eq!(rows.len(), 1, "{facets}");
    assert_eq!(rows[0]["passages"], 2, "{facets}");
    // The passage is about a person and about a name of no known type.
    assert_eq!(env.count("type:person"), (1, 1));
    assert_eq!(env.count("type:unknown"), (2, 1));
}

/// A delegate the speeches name as their speaker, whom no text mentions, is known to `entity`
/// as `who` and `said:` know it: where it speaks, and when (it said "no mention" before).
#[test]
fn entity_of_a_speaker_no_text_mentions_says_where_it_speaks() {
    let env = TestEnv::new();
    env.add_fixtures("meta");
    env.index();
    let out = env.run_ok(&["entity", "Catherine Colonna"], 0);
    assert_eq!(
        out.stdout,
        "Catherine Colonna (@catherine-colonna, person)\n\
         mentions    none\n\
         speaks      in 1 passage of 1 article, 2023 / 2023 (said:@catherine-colonna)\n",
        "{out}"
    );
    let json: serde_json::Value = serde_json::from_str(
        &env.run_ok(&["entity", "@catherine-colonna", "--json"], 0)
            .stdout,
    )
    .unwrap();
    assert_eq!(json["mentions"], 0);
    assert_eq!(
        json["said"],
        serde_json::json!({"passages": 1, "articles": 1, "first_date": "2023", "last_date": "2023"})
    );
    // A mentioned entity that also speaks has both lines; one that does neither, neither.
    let out = env.run_ok(&["entity", "@zelensky"], 0);
    assert!(out.stdout.contains("\nmentions    "), "{out}");
    assert!(out.stdout.contains("\nspeaks      in "), "{out}");
    let out = env.run_ok(&["entity", "@nosuchxyz"], 1);
    assert_eq!(
        out.stderr,
        "no mention of '@nosuchxyz' in the index, and it speaks nowhere\n"
    );
}

/// `Mr . MBON IMPA`, as the UNGDC records some speakers: the period went into the name
/// (`. Mbon Impa`), and `entity` called the delegate, named in capitals, of no type.
#[test]
fn a_speaker_recorded_with_a_period_apart_is_named_without_it() {
    let env = TestEnv::empty();
    let line = serde_json::json!({
        "id": "ungdc-44-BDI", "date": "1989", "country": "BDI", "speaker": "Mr . MBON IMPA",
        "body": "Mr. MBON IMPA (Burundi) (interpretation from French): I congratulate you on \
                 your election. Burundi supports the efforts of the Secretary-General for peace.",
    });
    env.write("corpus/s.jsonl", format!("{line}\n"));
    env.index();
    let hit = &env.search_json("Burundi", &[]).hits[0];
    assert_eq!(hit["speakers"][0]["name"], "Mbon Impa", "{hit}");
    let out = env.run_ok(&["entity", "Mbon Impa"], 0);
    assert!(
        out.stdout.starts_with("Mbon Impa (@mbon-impa, person)\n"),
        "{out}"
    );
}

/// An id typed as the index holds it finds that entity, also where its words spell another
/// entity's name: `@mao-tsetung` (a name recognised on its own) found only @mao's passages.
#[test]
fn an_id_typed_as_indexed_finds_that_entity_too() {
    let env = TestEnv::empty();
    env.write(
        "corpus/a.txt",
        "date 1974-09-20\n\nThe teachings of Chairman Mao Tsetung guide the people of the \
         whole country in their daily work, as the delegation said again this year.\n\n\
         Mao Zedong wrote at length about the countryside and about the long struggle that \
         the peasants waged against the landlords of the old order.\n",
    );
    env.index();
    // Whatever the recognizer makes of "Chairman Mao Tsetung", `@mao-tsetung` finds it.
    let found = env.search_json("@mao-tsetung", &[]);
    assert!(
        found
            .hits
            .iter()
            .any(|h| h["text"].as_str().unwrap().contains("Tsetung")),
        "{}",
        found.out
    );
    // `@` with the words of a name, not an id, is that name's entity only.
    assert_eq!(env.count("@\"Mao Zedong\""), env.count("@mao"));
}
