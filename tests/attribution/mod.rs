//! Who said it: speakers and quotes on the sample articles, `said:`, `quote:`, `attache who`,
//! speeches, and the attribution quality floor on the hand-labelled set.

use serde_json::{Value, json};

use crate::util::TestEnv;

const READOUT: &str = "000_f6c3cfa837515be5.txt";
const REMARKS: &str = "002_f7abc5a888bb3888.txt";

/// The (passage, speaker ids) of an article's passages that have speakers, in passage order.
fn speakers_of(env: &TestEnv, article: &str) -> Vec<(u64, Vec<String>)> {
    let search = env.search_json(
        &format!("id:{article}"),
        &["--limit", "100", "--per-article", "0", "--no-collapse"],
    );
    let mut out: Vec<(u64, Vec<String>)> = search
        .hits
        .iter()
        .map(|hit| {
            let ids = hit["speakers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["id"].as_str().unwrap().to_owned())
                .collect();
            (hit["passage"].as_u64().unwrap(), ids)
        })
        .filter(|(_, ids): &(u64, Vec<String>)| !ids.is_empty())
        .collect();
    out.sort();
    out
}

/// `article#passage` of every hit, sorted.
fn locations(env: &TestEnv, query: &str) -> Vec<String> {
    let mut found = env
        .search_json(
            query,
            &["--limit", "100", "--per-article", "0", "--no-collapse"],
        )
        .locations();
    found.sort();
    found
}

fn owned(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

#[test]
fn each_passage_of_the_remarks_article_has_the_speakers_it_quotes() {
    let env = TestEnv::new();
    env.index();
    // Read off the article: Trump cautions (#0) and writes (#1); US and Ukrainian officials
    // say they agreed (#4); Zelensky says, then "he said" (#6, #11); Ushakov (#9); Rubio,
    // "saying" (#12); the US and Ukraine describe the talks (#13). Nobody speaks in #2
    // ("neither Washington nor Kyiv commented") nor in the passages that only mention people.
    assert_eq!(
        speakers_of(&env, REMARKS),
        [
            (0, owned(&["trump"])),
            (1, owned(&["trump"])),
            (4, owned(&["united-states", "ukraine"])),
            (6, owned(&["zelensky"])),
            (9, owned(&["ushakov"])),
            (11, owned(&["zelensky"])),
            (12, owned(&["rubio"])),
            (13, owned(&["united-states", "ukraine"])),
        ]
    );
    let hit = &env.search_json("said:@ushakov", &[]).hits[0];
    let text = hit["text"].as_str().unwrap();
    let speaker = &hit["speakers"][0];
    assert_eq!(speaker["name"], "Yuri Ushakov");
    assert_eq!(speaker["type"], "person");
    // The whole sentence, quote included, in characters and bytes.
    assert_eq!(speaker["spans"][0], json!([0, text.chars().count()]));
    assert_eq!(speaker["byte_spans"][0], json!([0, text.len()]));
}

#[test]
fn said_finds_the_passages_where_someone_speaks_not_those_that_mention_them() {
    let env = TestEnv::new();
    env.index();
    let ushakov = [format!("{REMARKS}#9")];
    for query in [
        "said:@ushakov",
        "said:ushakov",
        "said:\"Yuri Ushakov\"",
        "said:@\"Yury Ushakov\"",
    ] {
        assert_eq!(locations(&env, query), ushakov, "{query}");
    }
    // Trump is mentioned in eight passages and speaks in three.
    assert_eq!(env.count("@trump").0, 8);
    assert_eq!(
        locations(&env, "said:@trump"),
        [
            format!("{READOUT}#1"),
            format!("{REMARKS}#0"),
            format!("{REMARKS}#1")
        ]
    );
    assert_eq!(
        locations(&env, "said:@zelensky \"Negotiations are ongoing\""),
        [format!("{REMARKS}#6")]
    );
    assert_eq!(
        locations(&env, "said:@rubio -said:@ushakov"),
        [format!("{READOUT}#3"), format!("{REMARKS}#12")]
    );
    // A query naming a speaker marks their name in the snippet.
    let search = env.search_json("said:@ushakov", &[]);
    assert_eq!(search.highlighted(), [vec!["Yuri Ushakov".to_owned()]]);
    // Text output says who speaks.
    let text = env.run_ok(&["search", "said:@ushakov", "--color", "never"], 0);
    assert!(
        text.stdout.contains("\n   said by: Yuri Ushakov\n"),
        "{text}"
    );
    let none = env.run_ok(&["search", "said:@guterres"], 1);
    assert!(none.stdout.is_empty(), "{none}");
}

#[test]
fn quote_matches_only_words_inside_quotation_marks() {
    let env = TestEnv::new();
    env.index();
    // "productive" is quoted in the readout's #2 and the remarks' #11, and unquoted in #13.
    assert_eq!(env.count("productive").0, 3);
    assert_eq!(
        locations(&env, "quote:productive"),
        [format!("{READOUT}#2"), format!("{REMARKS}#11")]
    );
    assert_eq!(
        locations(&env, "quote:\"does not work for us\""),
        [format!("{REMARKS}#9")]
    );
    // The words are there, but outside the quotation marks.
    assert_eq!(env.count("\"Kremlin aide Yuri Ushakov\"").0, 1);
    assert_eq!(env.count("quote:\"Kremlin aide\"").0, 0);
    // A quote spanning sentences is quoted throughout; phrases still stop at sentence ends.
    assert_eq!(
        locations(&env, "quote:\"GOD BLESS AMERICA\""),
        [format!("{READOUT}#1")]
    );
    assert_eq!(env.count("quote:\"happening GOD\"").0, 0);
    let search = env.search_json("quote:\"more time is needed\"", &[]);
    assert_eq!(
        search.highlighted(),
        [vec!["more time is needed".to_owned()]]
    );
    // A passage that holds the word quoted and unquoted is marked inside the quotation marks
    // only; an unquoted word of the query is marked anywhere.
    let env = TestEnv::empty();
    env.write(
        "corpus/a.txt",
        "date 2025-11-24\n\nThe minister called the talks “productive” and said that productive \
         work on the productive plan would go on in Geneva.\n",
    );
    env.index();
    let search = env.search_json("quote:productive", &[]);
    let hit = &search.hits[0];
    let text = hit["text"].as_str().unwrap();
    let marked: Vec<usize> = hit["byte_highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_u64().unwrap() as usize)
        .collect();
    assert_eq!(marked, [text.find("productive").unwrap()], "{}", search.out);
    let both = env.search_json("quote:productive Geneva", &[]);
    assert_eq!(
        both.highlighted(),
        [vec!["productive".to_owned(), "Geneva".to_owned()]]
    );
}

#[test]
fn who_lists_the_speakers_of_the_matching_passages_most_first() {
    let env = TestEnv::new();
    env.index();
    let who = env.run_ok(&["who"], 0);
    assert_eq!(
        who.stdout,
        "passages articles  type     speaker\n\
         \x20      3        2  person   Donald Trump (@trump)\n\
         \x20      3        2  state    Ukraine (@ukraine)\n\
         \x20      2        2  person   Marco Rubio (@rubio)\n\
         \x20      2        1  state    United States (@united-states)\n\
         \x20      2        1  person   Volodymyr Zelensky (@zelensky)\n\
         \x20      1        1  org      White House (@white-house)\n\
         \x20      1        1  person   Yuri Ushakov (@ushakov)\n",
        "{who}"
    );
    // Geneva: the remarks' #4 (US, Ukraine), #11 (Zelensky) and #12 (Rubio); ties by name.
    let json = env.run_ok(&["who", "Geneva", "--json", "-n", "2"], 0);
    let rows: Vec<Value> = json
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        rows,
        [
            json!({"id": "rubio", "type": "person", "name": "Marco Rubio", "passages": 1, "articles": 1}),
            json!({"id": "ukraine", "type": "state", "name": "Ukraine", "passages": 1, "articles": 1}),
        ]
    );
    // Matches without a speaker, and no match at all, are told apart.
    let none = env.run_ok(&["who", "counter-proposal"], 1);
    assert_eq!(
        none.stderr,
        "no speakers: no passage that matches has one\n"
    );
    let none = env.run_ok(&["who", "said:@guterres"], 1);
    assert_eq!(none.stderr, "no speakers: no passage matches\n");
    let none = env.run_ok(&["entities", "xqzv"], 1);
    assert_eq!(none.stderr, "no entities: no passage matches\n");
    // Dates that leave nothing say which dates there are (it said a match lacked a speaker).
    let dated = "the index's passages are all dated 2025-11-24";
    let none = env.run_ok(&["who", "--since", "2030"], 1);
    let want = format!("no speakers: no passage matches within the dates ({dated})\n");
    assert_eq!(none.stderr, want);
    let none = env.run_ok(&["entities", "Geneva", "--until", "2020"], 1);
    let want = format!("no entities: no passage matches within the dates ({dated})\n");
    assert_eq!(none.stderr, want);
    let none = env.run_ok(&["search", "Geneva", "--since", "2030", "--count"], 1);
    let want = format!("no passage matches within the dates; without them: 4 passages ({dated})\n");
    assert_eq!(none.stderr, want);
    let none = env.run_ok(&["facets", "--by", "year", "--since", "2026-01"], 1);
    let want = format!("no passage matches within the dates; without them: 21 passages ({dated})");
    assert!(none.stderr.contains(&want), "{none}");
    // `--with` leaves its entity out of the list, not out of the passages.
    let none = env.run_ok(
        &["entities", "--with", "trump", "--type", "person", "peace"],
        1,
    );
    assert_eq!(
        none.stderr,
        "no entities of type person: no passage that matches mentions one besides 'trump'\n"
    );
    // A queries file with classic Mac OS line ends runs a query a line (it ran one query).
    env.write("mac.txt", "peace\rGeneva\r\r# c\rzzzz\r");
    let out = env.run_ok(&["search", "--queries", "mac.txt", "--count"], 0);
    let lines: Vec<(String, u64)> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|v| {
            (
                v["query"].as_str().unwrap().to_owned(),
                v["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let want = [("peace", 1), ("Geneva", 2), ("zzzz", 5)].map(|(q, n)| (q.to_owned(), n));
    assert_eq!(lines, want, "{out}");
    // A queries file of comments says it holds none.
    env.write("comments.txt", "# only\n\n");
    let none = env.run_ok(&["search", "--queries", "comments.txt"], 1);
    assert_eq!(
        none.stderr,
        "no queries in comments.txt: every line is blank or a # comment\n"
    );
    // So do dates written in the query.
    let none = env.run_ok(&["search", "Geneva date:[2030 TO *]", "--count"], 1);
    let want = format!("no passage matches within the dates; without them: 4 passages ({dated})\n");
    assert_eq!(none.stderr, want);
    // A query that matches nothing anywhere gets no such line.
    let none = env.run_ok(&["search", "xqzv", "--since", "2030", "--count"], 1);
    assert!(!none.stderr.contains("within the dates"), "{none}");
    let bad = env.run_ok(&["who", "said:"], 2);
    assert!(bad.stderr.contains("missing value"), "{bad}");
}

#[test]
fn a_speech_is_said_by_its_speaker_or_its_country_except_the_quotes_of_others() {
    let env = TestEnv::empty();
    let speech = |id: &str, meta: Value, body: &str| {
        let mut line = json!({"id": id, "date": "2023", "body": body});
        for (k, v) in meta.as_object().unwrap() {
            line[k] = v.clone();
        }
        line.to_string() + "\n"
    };
    let corpus = [
        speech(
            "ukr",
            json!({"country": "UKR", "speaker": "Volodymyr Zelenskyy"}),
            "We must restore a just peace and the security of every nation in our region now. \
             As Secretary-General Guterres said, “the world cannot afford another frozen conflict \
             anywhere on this planet.”",
        ),
        speech(
            "nga",
            json!({"country": "NGA", "speaker": "Joseph Garba"}),
            "Nigeria stands ready to cooperate with all delegations in the work of this Assembly.",
        ),
        speech(
            "fra",
            json!({"country": "FRA", "speaker": null}),
            "France will support every effort of the Organization for peace and security in Africa.",
        ),
    ];
    env.write("corpus/speeches.jsonl", corpus.concat());
    env.index();
    assert_eq!(env.search_json("said:@zelensky", &[]).articles(), ["ukr"]);
    assert_eq!(
        env.search_json("said:\"Joseph Garba\"", &[]).articles(),
        ["nga"]
    );
    assert_eq!(env.search_json("said:@france", &[]).articles(), ["fra"]);
    // The quote is Guterres's, the rest Zelensky's.
    let hit = &env.search_json("said:@guterres", &[]).hits[0];
    let text = hit["text"].as_str().unwrap();
    let mut spans: Vec<(String, String)> = Vec::new();
    for s in hit["speakers"].as_array().unwrap() {
        for r in s["byte_spans"].as_array().unwrap() {
            let (a, b) = (r[0].as_u64().unwrap(), r[1].as_u64().unwrap());
            let said = text[a as usize..b as usize].to_owned();
            spans.push((s["id"].as_str().unwrap().to_owned(), said));
        }
    }
    assert_eq!(spans[0].0, "zelensky");
    assert!(spans[0].1.ends_with("Guterres said,"), "{spans:?}");
    assert_eq!(spans[1].0, "guterres");
    assert!(spans[1].1.starts_with("As Secretary-General"), "{spans:?}");
    let who = env.run_ok(&["who", "--json"], 0);
    let garba =
        r#"{"id":"joseph-garba","type":"person","name":"Joseph Garba","passages":1,"articles":1}"#;
    assert!(who.stdout.contains(garba), "{who}");
}

#[test]
fn a_speakers_honorific_and_capitals_do_not_make_another_person() {
    let env = TestEnv::empty();
    let speech = |id: &str, speaker: &str| {
        json!({"id": id, "date": "1957", "country": "XXX", "speaker": speaker,
            "body": "The delegation will support every effort of the Organization for peace."})
        .to_string()
            + "\n"
    };
    // As the UN General Debate records them: the same people, with and without honorifics.
    let corpus = [
        speech("a", "Andrei Gromyko"),
        speech("b", "Mr. GROMYKO"),
        speech("c", "MR. Gromyko"),
        speech("d", "Mr. Krishna MENON"),
        speech("e", "Krishna Menon"),
        speech("f", "H.E. Mr. BOUTROS-GHALI"),
        speech("g", "Mrs. Vijaya Lakshmi PANDIT"),
        speech("h", "King Mswati III"),
        speech("i", "Mswati III"),
    ];
    env.write("corpus/speeches.jsonl", corpus.concat());
    env.index();
    let said = |query: &str| {
        env.search_json(query, &["-n", "50", "--no-collapse"])
            .articles()
    };
    assert_eq!(said("said:@gromyko"), ["a", "b", "c"]);
    assert_eq!(said("said:\"Mr. GROMYKO\""), ["a", "b", "c"]);
    assert_eq!(said("said:\"Krishna Menon\""), ["d", "e"]);
    assert_eq!(said("said:\"Mr. Krishna MENON\""), ["d", "e"]);
    assert_eq!(said("said:@boutros-ghali"), ["f"]);
    // A title is left out as an honorific is, as the text's mentions leave it out.
    assert_eq!(said("said:\"Mswati III\""), ["h", "i"]);
    assert_eq!(said("said:\"King Mswati III\""), ["h", "i"]);
    // Each person is listed once, under a name without the honorific and in its words' case.
    let who = env.run_ok(&["who", "--json"], 0);
    let people: Vec<(String, String, u64)> = who
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|v| {
            let field = |k: &str| v[k].as_str().unwrap().to_owned();
            (field("id"), field("name"), v["articles"].as_u64().unwrap())
        })
        .collect();
    let person = |id: &str| people.iter().find(|p| p.0 == id).cloned();
    assert_eq!(
        person("gromyko"),
        Some(("gromyko".into(), "Andrei Gromyko".into(), 3)),
        "{who}"
    );
    assert_eq!(
        person("krishna-menon"),
        Some(("krishna-menon".into(), "Krishna Menon".into(), 2)),
        "{who}"
    );
    assert_eq!(
        person("vijaya-lakshmi-pandit").map(|p| p.1),
        Some("Vijaya Lakshmi Pandit".into()),
        "{who}"
    );
    assert!(!who.stdout.contains("\"mr-"), "{who}");
}

#[test]
fn attribution_meets_its_precision_and_recall_floor() {
    let labelled = crate::util::fixture("attribution/labelled.jsonl");
    let gazetteer = attache::entities::Gazetteer::builtin();
    let scores = attache::entities::attribution::eval::evaluate(gazetteer, &labelled)
        .expect("a well-formed labelled set");
    crate::util::assert_quality("attribution", "sentences", &scores, 80, (0.9, 0.8));
}

#[test]
#[ignore = "indexes ~200 MB; run with `cargo test --release -- --ignored ungdc_said`"]
fn ungdc_said_finds_a_speaker_by_the_speech_metadata() {
    let Some(corpus) = crate::util::ungdc() else {
        return;
    };
    let env = TestEnv::empty();
    env.run_ok(&["index", corpus.to_str().unwrap(), "--quiet"], 0);
    // Zelensky speaks in Ukraine's speeches of 2019 to 2024, by their metadata; in other
    // speeches only where they quote or report him, so there he is named.
    let search = env.search_json("said:@zelensky", &["--limit", "10000"]);
    let mut articles = search.articles();
    articles.sort();
    articles.dedup();
    assert!(
        articles.contains(&"ungdc-78-UKR".to_owned()),
        "{articles:?}"
    );
    for hit in &search.hits {
        if hit["meta"]["country"] != "UKR" {
            let named = hit["entities"].as_array().unwrap();
            assert!(named.iter().any(|m| m["id"] == "zelensky"), "{hit}");
        }
    }
    let (speech, _) = env.count("id:ungdc-78-UKR");
    assert_eq!(env.count("id:ungdc-78-UKR said:@zelensky").0, speech);
    // Who speaks in Ukraine's 2023 speech: Zelensky first, in every passage.
    let who = env.run_ok(&["who", "country:UKR date:2023", "--json"], 0);
    let first: Value = serde_json::from_str(who.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["id"], "zelensky", "{who}");
    assert_eq!(first["passages"], speech, "{who}");
    // A speech without a speaker's name (Ukraine's of 1963) is its country's, throughout.
    let (speech, _) = env.count("id:ungdc-18-UKR");
    assert!(speech > 0);
    assert_eq!(env.count("id:ungdc-18-UKR said:@ukraine").0, speech);
}
