//! The same text composed (NFC) and decomposed (NFD) is found by the same queries.

use crate::util::TestEnv;

/// The queries that must find the same sentence composed and decomposed.
const FOLDED_QUERIES: [&str; 12] = [
    "Kyiv",
    "kyiv",
    "Kyïv",
    "Kyi\u{308}v",
    "Turkiye",
    "Tu\u{308}rkiye",
    "\"Cote d'Ivoire\"",
    "\"Co\u{302}te d'Ivoire\"",
    "@turkey",
    "@Tu\u{308}rkiye",
    "@\"Cote d'Ivoire\"",
    "\"Kyïv and then\"",
];

#[test]
fn composed_and_decomposed_accents_are_found_by_the_same_queries() {
    let env = TestEnv::empty();
    env.add_fixtures("unicode-forms").index();
    let all = ["composed.txt", "decomposed-jsonl", "decomposed.txt"];
    for query in FOLDED_QUERIES {
        let search = env.search_json(query, &["--per-article", "0", "--no-collapse"]);
        assert_eq!(search.articles(), all, "{query}\n{}", search.out);
    }
    // Stored text is composed, so highlights are byte ranges of the composed spelling.
    let search = env.search_json("Kyi\u{308}v", &[]);
    for (hit, marks) in search.hits.iter().zip(search.highlighted()) {
        assert_eq!(marks, ["Kyïv"], "{hit}");
        let text = hit["text"].as_str().unwrap();
        assert!(text.contains("Kyïv") && !text.contains('\u{308}'), "{text}");
    }
    let speaker = env.search_json("speaker:Tu\u{308}rkiye", &[]);
    assert_eq!(speaker.articles(), ["decomposed-jsonl"], "{}", speaker.out);
    let out = env.run_ok(&["entity", "Co\u{302}te d'Ivoire"], 0);
    assert!(
        out.stdout
            .starts_with("Côte d'Ivoire (@cote-divoire, state)"),
        "{out}"
    );
}

/// Chinese, Japanese, Korean and Thai put no space between words (Korean puts its particles
/// on them): a word typed in them is found inside a longer run of text, as a phrase of its
/// letters, and no further: not across a full-width stop or comma.
#[test]
fn words_are_found_inside_text_written_without_spaces() {
    let env = TestEnv::empty();
    env.write(
        "corpus/cjk.txt",
        " date 2025-11-24 \n\
         中国外交部发言人表示，安全保障问题需要通过对话解决。习近平主席会见了来访的俄罗斯总统普京。\n\n\
         東京で日本の外務大臣が記者会見を行った。NATO峰会将在海牙举行。\n\n\
         대통령은 서울에서 기자회견을 열었다. รัฐบาลไทยประกาศนโยบายต่างประเทศใหม่\n",
    );
    env.write(
        "corpus/other.txt",
        " date 2025-11-25 \nThe talks in Geneva went on; no statement was issued.\n",
    );
    env.index();
    for (query, marked) in [
        ("习近平", "习近平"),
        ("普京", "普京"),
        ("安全保障", "安全保障"),
        ("外務大臣", "外務大臣"),
        ("\"主席会见\"", "主席会见"),
        ("NATO峰会", "NATO峰会"),
        ("서울", "서울"),
        ("นโยบาย", "นโยบาย"),
    ] {
        let search = env.search_json(query, &[]);
        assert_eq!(search.articles(), ["cjk.txt"], "{query}\n{}", search.out);
        assert_eq!(search.highlighted(), [[marked]], "{query}\n{}", search.out);
    }
    // Letters on either side of a full stop or a full-width comma are not a phrase.
    for query in ["解决习近平", "\"解决习近平\"", "表示安全", "行った NATO"] {
        let search = env.search_json(query, &[]);
        let phrase = query.contains('"') || !query.contains(' ');
        match phrase {
            true => assert!(search.hits.is_empty(), "{query}\n{}", search.out),
            false => assert_eq!(search.articles(), ["cjk.txt"], "{query}\n{}", search.out),
        }
    }
    // A sloppy phrase bridges a clause, not a sentence.
    assert_eq!(
        env.search_json("\"表示 安全\"~3", &[]).articles(),
        ["cjk.txt"]
    );
    assert!(env.search_json("\"解决 习近平\"~3", &[]).hits.is_empty());
}

/// Arabic, Hebrew, Korean and Hindi punctuation breaks phrases as Latin punctuation does: the
/// Arabic comma and semicolon a clause, a full stop before a letter of a script without case
/// (or the Arabic question mark, the danda) a sentence; a Hebrew acronym's `"` (צה"ל) is part
/// of its word, and no quotation mark.
#[test]
fn punctuation_of_other_scripts_breaks_phrases_and_hebrew_acronyms_are_words() {
    let env = TestEnv::empty();
    env.write(
        "corpus/ar.txt",
        " date 2024-06-01\nقال الوزير إن السلام، الأمن مهمان للمنطقة. وأضاف أن حل الدولتين ضروري.\n",
    );
    env.write(
        "corpus/he.txt",
        " date 2024-06-02\nדובר צה\"ל אמר כי הכוחות פעלו בעזה. שגריר ארה״ב נפגש עם ראש הממשלה.\n",
    );
    env.write(
        "corpus/ko.txt",
        " date 2024-06-03\n정부는 도발을 규탄했다. 한국 정부는 대화를 제안했다.\n",
    );
    env.write(
        "corpus/hi.txt",
        " date 2024-06-04\nभारत शांति का समर्थन करता है। विदेश मंत्री ने कहा।\n",
    );
    env.write(
        "corpus/en.txt",
        " date 2024-06-05\nThe minister said that peace؛ security and peace؟ Security were discussed.\n",
    );
    env.index();
    for query in [
        "\"السلام الأمن\"",
        "\"peace security\"",
        "\"للمنطقة وأضاف\"~3",
        "\"בעזה שגריר\"~3",
        "\"규탄했다 한국\"~3",
        "\"है विदेश\"~3",
        "quote:הכוחות",
    ] {
        let search = env.search_json(query, &[]);
        assert!(search.hits.is_empty(), "{query}\n{}", search.out);
    }
    for (query, article) in [
        ("السلام الأمن", "ar.txt"),
        ("צה\"ל", "he.txt"),
        ("צה״ל", "he.txt"),
        ("ארה\"ב", "he.txt"),
        ("\"דובר צה\"ל אמר\"", "he.txt"),
        ("\"정부는 도발을\"", "ko.txt"),
    ] {
        let search = env.search_json(query, &[]);
        assert_eq!(search.articles(), [article], "{query}\n{}", search.out);
    }
    // A title is the first sentence.
    let he = env.search_json("צה\"ל", &[]);
    assert_eq!(he.hits[0]["title"], "דובר צה\"ל אמר כי הכוחות פעלו בעזה.");
    assert_eq!(he.highlighted(), [["צה\"ל"]]);
    let hi = env.search_json("विदेश", &[]);
    assert_eq!(hi.hits[0]["title"], "भारत शांति का समर्थन करता है।");
}

/// Marks written on letters, vowel points and invisible joiners: a word is found however it
/// was typed (Thai tone marks tell words apart and stay; Arabic harakat, Hebrew points, the
/// Armenian question mark inside a word, the Persian zero-width non-joiner and half-width kana
/// fold away); a Latin period against Chinese letters ends a sentence (a title, a phrase); a
/// `*` after letters of a script without spaces finds them in a run; `「…」` is a quotation.
#[test]
fn marks_points_and_joiners_fold_and_other_scripts_end_sentences_and_quote() {
    let env = TestEnv::empty();
    env.write(
        "corpus/th.txt",
        " date 2025-11-20 \nรัฐบาลจะปกป้องป่าทั้งหมดในวันนี้\n",
    );
    env.write("corpus/th2.txt", " date 2025-11-21 \nป้าของเขาไม่เห็นด้วย\n");
    env.write(
        "corpus/ar.txt",
        " date 2025-11-22 \nقال الوزير: السَّلَامُ عَلَيْكُمْ في القـــدس.\n",
    );
    env.write(
        "corpus/he.txt",
        " date 2025-11-22 \nהשגריר אמר שָׁלוֹם בִּירוּשָׁלַיִם.\n",
    );
    env.write(
        "corpus/hy.txt",
        " date 2025-11-22 \nԻնչո՞ւ է նախարարը մեկնել:\n",
    );
    env.write(
        "corpus/fa.txt",
        " date 2025-11-22 \nوزیر گفت که می\u{200c}خواهیم صلح کنیم.\n",
    );
    env.write(
        "corpus/ja.txt",
        " date 2025-11-23 \nﾌﾟｰﾁﾝ大統領が会談した。\n",
    );
    env.write(
        "corpus/ko.txt",
        " date 2025-11-23 \n서울에서 정상회담이 열렸다.\n",
    );
    // Letters of a typed word scrambled: no sloppy phrase of the words finds them.
    env.write(
        "corpus/scrambled.txt",
        " date 2025-11-23 \n平和问题很重要。울서 부산 협력한다.\n",
    );
    env.write(
        "corpus/zh.txt",
        " date 2025-11-24 \n会谈结束.普京表示满意。王毅表示：「和平谈判是唯一出路。」\n",
    );
    env.index();
    for (query, article, marked) in [
        ("ป่า", "th.txt", "ป่า"),
        ("ป้า", "th2.txt", "ป้า"),
        ("ป่*", "th.txt", "ป่"),
        ("السلام عليكم", "ar.txt", "السَّلَامُ"),
        ("القدس", "ar.txt", "القـــدس"),
        ("שלום", "he.txt", "שָׁלוֹם"),
        ("ինչու", "hy.txt", "Ինչո՞ւ"),
        ("میخواهیم", "fa.txt", "می\u{200c}خواهیم"),
        ("プーチン", "ja.txt", "ﾌﾟｰﾁﾝ"),
        ("서울*", "ko.txt", "서울"),
        ("会議*", "", ""),
        ("普京*", "zh.txt", "普京"),
        ("quote:和平", "zh.txt", "和平"),
    ] {
        let search = env.search_json(query, &[]);
        if article.is_empty() {
            assert!(search.hits.is_empty(), "{query}\n{}", search.out);
            assert_eq!(search.out.code, 1, "{query}\n{}", search.out);
            continue;
        }
        assert_eq!(search.articles(), [article], "{query}\n{}", search.out);
        assert_eq!(
            search.highlighted()[0][0],
            marked,
            "{query}\n{}",
            search.out
        );
    }
    // A sloppy phrase of words in such scripts finds them whole.
    assert_eq!(
        env.search_json("\"和平 唯一\"~3", &[]).articles(),
        ["zh.txt"]
    );
    // One letter and a star: every word it starts, with its marks or without.
    assert_eq!(env.search_json("ป*", &[]).articles(), ["th.txt", "th2.txt"]);
    // The Latin period between Chinese letters ends the first sentence: the title, and no
    // phrase bridges it. Outside the quotation, no quote.
    let zh = env.search_json("普京", &[]);
    assert_eq!(zh.hits[0]["title"], "会谈结束.", "{}", zh.out);
    for query in [
        "结束普京",
        "\"束 普\"~5",
        "quote:王毅",
        "\"和平 问题\"~3",
        "\"서울 부산\"~3",
    ] {
        let search = env.search_json(query, &[]);
        assert!(search.hits.is_empty(), "{query}\n{}", search.out);
    }
}
