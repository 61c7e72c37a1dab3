//! Grouping ranked passages into hits: at most a few passages per article, and one hit for a
//! passage that several articles carry.
//!
//! A [`Grouper`] is fed the ranked passages in order and places each: **kept** as a hit,
//! **collapsed** into an earlier hit it nearly repeats, or **capped** because its article has
//! shown [`Grouping::per_article`] passages already. A passage's fate depends only on the
//! passages ranked before it, so the hits of a longer ranked list begin with those of a
//! shorter one: grouping more candidates never moves a hit, and pages line up.
//!
//! **Near-duplicates** are told by the words they share. A passage's words (lowercased,
//! diacritics folded, as [`crate::analysis`] normalises them) are cut into overlapping runs of
//! [`SHINGLE`] words; two passages are near-duplicates when the shorter has at least
//! [`MIN_SHINGLES`] runs and at least 80% of them ([`OVERLAP`]) are also the longer's, or,
//! shorter than that, when both have the same runs. The share is of the shorter passage (the
//! overlap coefficient, not Jaccard's), because an outlet carrying a quote frames it in its own
//! words: the two sample articles carry Trump's Truth Social post, one with "GOD BLESS
//! AMERICA!" and "he wrote", the other with "Trump wrote on Truth Social" (0.88 of the shorter's
//! runs shared, Jaccard 0.62). On the UN General Debate Corpus, the top 200 passages of 25
//! common queries hold 10 pairs at or above 0.8, all the same words: a text two delegations
//! quote (1954, India and Ecuador), Mandela's 1994 words quoted by South Africa in 2012,
//! paragraphs a transcript prints twice, San Marino's opening repeated from year to year. The
//! closest pairs below are other speeches' formulae ("allow me to congratulate … on his
//! election as President of the General Assembly", 0.62 at most) and paragraphs a delegation
//! reworded from one year to the next (0.76, 0.77): these stay apart.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasherDefault, Hasher};

use crate::analysis::{Analyzer, word_spans};

/// Passages per article that `attache search` shows by default. Two show that an article dwells
/// on the subject without letting it fill the page (a page of 10 spans at least five
/// articles); on the UN General Debate Corpus the top 10 of common queries never hold more than
/// two passages of one speech, so the cap changes nothing there and bites where one article
/// holds most of the matches.
pub const DEFAULT_PER_ARTICLE: usize = 2;

/// Words per shingle: three words make runs rare enough that sharing most of them is no
/// coincidence, and short enough that a changed word spoils only three of them.
pub const SHINGLE: usize = 3;

/// Below this many shingles (a passage of under ten words), a passage collapses only into one
/// with the very same words: a short formula ("I thank you, Mr. President") inside a longer
/// passage does not make it a repeat.
pub const MIN_SHINGLES: usize = 8;

/// The share of the shorter passage's shingles the longer must hold: 4/5.
pub const OVERLAP: (usize, usize) = (4, 5);

/// How hits are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grouping {
    /// Passages kept per article; 0 keeps them all.
    pub per_article: usize,
    /// Whether near-duplicate passages collapse into one hit.
    pub collapse: bool,
}

impl Grouping {
    /// No grouping: every ranked passage is a hit (what `attache eval` and `bench` measure).
    pub const NONE: Grouping = Grouping {
        per_article: 0,
        collapse: false,
    };

    /// Whether this groups nothing.
    pub fn is_none(self) -> bool {
        self == Grouping::NONE
    }
}

impl Default for Grouping {
    /// `attache search`'s: [`DEFAULT_PER_ARTICLE`] passages per article, near-duplicates
    /// collapsed.
    fn default() -> Grouping {
        Grouping {
            per_article: DEFAULT_PER_ARTICLE,
            collapse: true,
        }
    }
}

/// A passage's shingles, hashed, sorted and without repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fingerprint(Vec<u64>);

impl Fingerprint {
    /// The fingerprint of a passage's normalised words. A passage shorter than a shingle is one
    /// shingle of all its words; one without words has none, and repeats nothing.
    pub fn of<S: AsRef<str>>(words: &[S]) -> Fingerprint {
        Fingerprint::of_hashes(
            words
                .iter()
                .map(|w| word_hash(w.as_ref().bytes()))
                .collect(),
        )
    }

    /// The fingerprint of a passage's text: its words normalised by `analyzer`, as
    /// [`Fingerprint::of`] its [`Analyzer::exact_words`], without a string per word.
    pub fn of_text(analyzer: &mut Analyzer, text: &str) -> Fingerprint {
        let hashes = word_spans(text)
            .map(|span| {
                let word = &text[span];
                match word.is_ascii() {
                    true => word_hash(word.bytes().map(|b| b.to_ascii_lowercase())),
                    false => analyzer
                        .exact_words(word)
                        .iter()
                        .fold(0, |_, folded| word_hash(folded.bytes())),
                }
            })
            .collect();
        Fingerprint::of_hashes(hashes)
    }

    /// The fingerprint of a passage whose words hash to `hashes`, in order.
    fn of_hashes(hashes: Vec<u64>) -> Fingerprint {
        // A shingle mixes its words' hashes, each turned by its place.
        let shingle = |run: &[u64]| {
            let mixed = run
                .iter()
                .enumerate()
                .fold(0u64, |acc, (i, h)| acc ^ h.rotate_left(21 * i as u32));
            finish(mixed)
        };
        let mut shingles: Vec<u64> = match hashes.len() {
            0 => Vec::new(),
            n if n < SHINGLE => vec![shingle(&hashes)],
            _ => hashes.windows(SHINGLE).map(shingle).collect(),
        };
        shingles.sort_unstable();
        shingles.dedup();
        Fingerprint(shingles)
    }

    /// How many shingles.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the two passages nearly repeat each other (see the module's docs).
    pub fn near_duplicate(&self, other: &Fingerprint) -> bool {
        let (mut a, mut b, mut shared) = (0, 0, 0);
        while a < self.0.len() && b < other.0.len() {
            match self.0[a].cmp(&other.0[b]) {
                std::cmp::Ordering::Less => a += 1,
                std::cmp::Ordering::Greater => b += 1,
                std::cmp::Ordering::Equal => (a, b, shared) = (a + 1, b + 1, shared + 1),
            }
        }
        repeats(self.len(), other.len(), shared)
    }
}

/// FNV-1a of a word's bytes.
fn word_hash(bytes: impl Iterator<Item = u8>) -> u64 {
    bytes.fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// SplitMix64's finaliser: every bit of `x` moves about half of the result's.
fn finish(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Hashes a shingle, already a well-mixed hash, as itself.
#[derive(Default)]
struct AsIs(u64);

impl Hasher for AsIs {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Whether passages of `a` and `b` shingles, `shared` of them in common, nearly repeat each
/// other.
fn repeats(a: usize, b: usize, shared: usize) -> bool {
    let shorter = a.min(b);
    if shorter == 0 {
        return false;
    }
    if shorter < MIN_SHINGLES {
        return shared == a && shared == b;
    }
    shared * OVERLAP.1 >= shorter * OVERLAP.0
}

/// What became of a passage fed to a [`Grouper`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    /// It is a hit: the index of its group.
    Kept(usize),
    /// It nearly repeats the hit of this group, and is named there.
    Collapsed(usize),
    /// Its article has shown its passages already.
    Capped,
}

/// One hit and the passages collapsed into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The hit: its place in the ranked list.
    pub at: usize,
    /// The places of the passages that nearly repeat it, in rank order.
    pub duplicates: Vec<usize>,
    /// Whether this hit is the last its article may show (the `per_article`-th): the one that
    /// says how many more of its passages match.
    pub fills_cap: bool,
}

/// Places ranked passages, fed in rank order, into groups.
#[derive(Debug)]
pub struct Grouper {
    grouping: Grouping,
    groups: Vec<Group>,
    shown: HashMap<String, usize>,
    /// The fingerprint of each group's hit, when collapsing.
    prints: Vec<Fingerprint>,
    /// The first group whose hit holds each shingle: a passage is compared only with the hits
    /// it shares a shingle with.
    first: ShingleMap<u32>,
    /// The other groups holding a shingle, when there are others (few shingles recur across
    /// hits, so most have no list to allocate).
    others: ShingleMap<Vec<u32>>,
}

/// A map keyed by shingle.
type ShingleMap<V> = HashMap<u64, V, BuildHasherDefault<AsIs>>;

impl Grouper {
    /// A grouper for `grouping`.
    pub fn new(grouping: Grouping) -> Grouper {
        Grouper {
            grouping,
            groups: Vec::new(),
            shown: HashMap::new(),
            prints: Vec::new(),
            first: ShingleMap::default(),
            others: ShingleMap::default(),
        }
    }

    /// Places the passage ranked at `at`, of `article`, with its fingerprint (only looked at
    /// when collapsing).
    pub fn place(&mut self, at: usize, article: &str, print: &Fingerprint) -> Placed {
        let grouping = self.grouping;
        if grouping.collapse
            && let Some(group) = self.repeated(print)
        {
            self.groups[group].duplicates.push(at);
            return Placed::Collapsed(group);
        }
        let shown = self.shown.entry(article.to_owned()).or_default();
        if grouping.per_article > 0 && *shown >= grouping.per_article {
            return Placed::Capped;
        }
        *shown += 1;
        let group = self.groups.len();
        self.groups.push(Group {
            at,
            duplicates: Vec::new(),
            fills_cap: *shown == grouping.per_article,
        });
        if grouping.collapse {
            self.first.reserve(print.len());
            for &shingle in &print.0 {
                match self.first.entry(shingle) {
                    Entry::Vacant(new) => {
                        new.insert(group as u32);
                    }
                    Entry::Occupied(_) => {
                        self.others.entry(shingle).or_default().push(group as u32)
                    }
                }
            }
            self.prints.push(print.clone());
        }
        Placed::Kept(group)
    }

    /// The best-ranked hit that `print` nearly repeats.
    fn repeated(&self, print: &Fingerprint) -> Option<usize> {
        // Every hit sharing a shingle, once per shingle shared: sorted, a hit's run is its count.
        let mut sharing: Vec<u32> = Vec::new();
        for shingle in &print.0 {
            if let Some(&group) = self.first.get(shingle) {
                sharing.push(group);
                sharing.extend(self.others.get(shingle).into_iter().flatten());
            }
        }
        sharing.sort_unstable();
        sharing
            .chunk_by(|a, b| a == b)
            .map(|run| (run[0] as usize, run.len()))
            .find(|&(group, n)| repeats(print.len(), self.prints[group].len(), n))
            .map(|(group, _)| group)
    }

    /// The groups so far, in rank order of their hits.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The groups, in rank order of their hits.
    pub fn into_groups(self) -> Vec<Group> {
        self.groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn print(text: &str) -> Fingerprint {
        Fingerprint::of_text(&mut Analyzer::new(), text)
    }

    /// The Truth Social post as the two sample articles carry it.
    const POST_A: &str = "Trump shared his thoughts in a post on Truth Social: “Is it really \
        possible that big progress is being made in Peace Talks between Russia and Ukraine??? \
        Don’t believe it until you see it, but something good just may be happening. GOD BLESS \
        AMERICA!” he wrote.";
    const POST_B: &str = "“Is it really possible that big progress is being made in Peace \
        Talks between Russia and Ukraine??? Don’t believe it until you see it, but something \
        good just may be happening,” Trump wrote on Truth Social.";

    #[test]
    fn a_quote_two_outlets_frame_differently_is_a_repeat() {
        assert!(print(POST_A).near_duplicate(&print(POST_B)));
        assert!(print(POST_B).near_duplicate(&print(POST_A)));
    }

    #[test]
    fn other_speeches_formulae_are_not_repeats() {
        // Singapore's and Kyrgyzstan's openings of 2011: the formula shares 0.62 of the
        // shorter's shingles.
        let sgp = "Allow me to congratulate Ambassador Nassir Abdulaziz Al-Nasser on his \
            election as President of the General Assembly at its sixty-sixth session. I would \
            also like to congratulate Secretary-General Ban Ki-moon on his unanimous \
            reappointment to a second term.";
        let kgz = "At the outset, allow me to congratulate Secretary-General Ban Ki-moon on his \
            well-deserved reappointment and to wish him continued success in his high and \
            responsible mission. It also gives me great pleasure to congratulate Mr. Nassir \
            Abdulaziz Al-Nasser on his election as President of the General Assembly at its \
            sixty-sixth session.";
        assert!(!print(sgp).near_duplicate(&print(kgz)));
    }

    #[test]
    fn a_texts_fingerprint_is_that_of_its_normalised_words() {
        let mut analyzer = Analyzer::new();
        for text in [
            POST_A,
            POST_B,
            "Kyïv’s CÔTE d'Ivoire, Зеленський said",
            "one two",
            "",
        ] {
            let words = analyzer.exact_words(text);
            assert_eq!(
                Fingerprint::of_text(&mut analyzer, text),
                Fingerprint::of(&words)
            );
        }
    }

    #[test]
    fn case_and_accents_do_not_matter_but_words_do() {
        let a = print("The delegation of Côte d'Ivoire supports the proposal of the committee");
        let b = print("the DELEGATION of cote d’Ivoire supports the proposal of the Committee.");
        assert!(a.near_duplicate(&b));
        let c = print("The delegation of Ghana rejects the proposal of the committee outright");
        assert!(!a.near_duplicate(&c));
    }

    #[test]
    fn short_passages_repeat_only_word_for_word() {
        assert!(
            print("Thank you, Mr. President.").near_duplicate(&print("thank you mr president"))
        );
        assert!(!print("Thank you.").near_duplicate(&print("Thank you, Mr. President.")));
        let long = "I thank you, Mr. President, and I wish the Assembly every success in its work.";
        assert!(!print("I thank you, Mr. President.").near_duplicate(&print(long)));
        assert!(!print("").near_duplicate(&print("")));
    }

    #[test]
    fn the_cap_keeps_an_articles_best_passages() {
        let mut grouper = Grouper::new(Grouping {
            per_article: 2,
            collapse: false,
        });
        let placed: Vec<Placed> = ["a", "a", "b", "a", "a", "b", "b"]
            .iter()
            .enumerate()
            .map(|(at, article)| grouper.place(at, article, &Fingerprint::default()))
            .collect();
        use Placed::*;
        assert_eq!(
            placed,
            [Kept(0), Kept(1), Kept(2), Capped, Capped, Kept(3), Capped]
        );
        let fills: Vec<bool> = grouper.groups().iter().map(|g| g.fills_cap).collect();
        assert_eq!(fills, [false, true, false, true]);
    }

    #[test]
    fn repeats_collapse_into_the_best_ranked_hit_before_the_cap_counts() {
        let mut grouper = Grouper::new(Grouping {
            per_article: 1,
            collapse: true,
        });
        let other = "Moscow rejected the European version of the plan outright on Monday.";
        assert_eq!(grouper.place(0, "a", &print(POST_A)), Placed::Kept(0));
        assert_eq!(grouper.place(1, "a", &print(other)), Placed::Capped);
        assert_eq!(grouper.place(2, "b", &print(POST_B)), Placed::Collapsed(0));
        assert_eq!(grouper.place(3, "b", &print(other)), Placed::Kept(1));
        assert_eq!(grouper.groups()[0].duplicates, [2]);
    }

    #[test]
    fn no_grouping_keeps_everything() {
        let mut grouper = Grouper::new(Grouping::NONE);
        for at in 0..4 {
            assert_eq!(grouper.place(at, "a", &print(POST_A)), Placed::Kept(at));
        }
        assert!(grouper.groups().iter().all(|g| !g.fills_cap));
    }
}
