//! The edit distance "did you mean" ranks by, computed bit-parallel: no automaton to build.
//!
//! The distance is the one tantivy's [`FuzzyTermQuery`](tantivy::query::FuzzyTermQuery)
//! matches with (`levenshtein_automata` with transpositions): insertions, deletions and
//! substitutions of characters, and swaps of two adjacent ones, each one edit, with no
//! character edited twice. That crate builds a deterministic automaton for each word, about
//! three million instructions at two edits, which was a quarter of a whole `attache search`
//! process that found nothing. [`Edits`] runs the same nondeterministic automaton the crate
//! starts from, one bit per query position and distance, so a step is a few shifts and masks.
//!
//! State `(offset, distance)` means: the characters read so far match the query's first
//! `offset` characters with `distance` edits. [`Nfa::r`] holds one bit set of offsets per
//! distance, and [`Nfa::t`] the states halfway through a swap (the next character must be the
//! query's `offset`th, after which two query characters are consumed). A set of states is
//! alive while any bit is set; its distance is the least `distance + (len - offset)`.

/// The most edits [`Edits`] computes with.
pub const MAX_EDITS: usize = 2;

/// The longest query (in characters) [`Edits`] takes: its offsets `0..=len` fit in a `u64`.
pub const MAX_CHARS: usize = 63;

/// A query word and an edit budget: the characteristic bit sets of its characters.
#[derive(Debug, Clone)]
pub struct Edits {
    budget: usize,
    len: u32,
    /// Offsets `0..=len`.
    offsets: u64,
    /// For each ASCII byte, the positions of the query where it stands.
    ascii: [u64; 128],
    /// The same for the query's other characters.
    others: Vec<(char, u64)>,
    /// The query's characters, to list what may follow a state with no edits left.
    chars: Vec<char>,
    /// The query in UTF-8, and where each of its characters starts in it (and its length).
    utf8: Vec<u8>,
    starts: Vec<usize>,
}

/// The states of the automaton after some characters: see the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Nfa {
    r: [u64; MAX_EDITS + 1],
    t: [u64; MAX_EDITS + 1],
}

impl Edits {
    /// The automaton for `query` within `budget` edits, or `None` when the query is longer than
    /// [`MAX_CHARS`] characters or the budget more than [`MAX_EDITS`].
    pub fn new(query: &str, budget: u8) -> Option<Self> {
        let chars: Vec<char> = query.chars().collect();
        let budget = usize::from(budget);
        if chars.len() > MAX_CHARS || budget > MAX_EDITS {
            return None;
        }
        let mut ascii = [0u64; 128];
        let mut others: Vec<(char, u64)> = Vec::new();
        for (i, &c) in chars.iter().enumerate() {
            let bit = 1u64 << i;
            if c.is_ascii() {
                ascii[c as usize] |= bit;
            } else if let Some(entry) = others.iter_mut().find(|(o, _)| *o == c) {
                entry.1 |= bit;
            } else {
                others.push((c, bit));
            }
        }
        let len = u32::try_from(chars.len()).ok()?;
        let mut starts: Vec<usize> = query.char_indices().map(|(i, _)| i).collect();
        starts.push(query.len());
        Some(Self {
            budget,
            len,
            offsets: (1u64 << (len + 1)) - 1,
            ascii,
            others,
            chars,
            utf8: query.as_bytes().to_vec(),
            starts,
        })
    }

    /// The states before any character.
    pub fn start(&self) -> Nfa {
        let mut nfa = Nfa::default();
        nfa.r[0] = 1;
        nfa
    }

    /// The positions of the query where `c` stands.
    #[inline]
    pub fn positions(&self, c: char) -> u64 {
        if c.is_ascii() {
            self.ascii[c as usize]
        } else {
            self.others
                .iter()
                .find(|(o, _)| *o == c)
                .map_or(0, |(_, bits)| *bits)
        }
    }

    /// The states after reading a character that stands at `positions` in the query.
    #[inline]
    pub fn step(&self, nfa: &Nfa, positions: u64) -> Nfa {
        let chi = positions;
        let mut next = Nfa::default();
        for d in 0..=self.budget {
            // A match; the second half of a swap.
            let mut r = ((nfa.r[d] & chi) << 1) | ((nfa.t[d] & chi) << 2);
            if d >= 1 {
                let below = nfa.r[d - 1];
                // An insertion, a substitution, a deletion then a match.
                r |= below | (below << 1) | ((below & (chi >> 1)) << 2);
                // The first half of a swap: the query's next character but one.
                next.t[d] = below & (chi >> 1);
            }
            if d >= 2 {
                // Two deletions, then a match.
                r |= (nfa.r[d - 2] & (chi >> 2)) << 3;
            }
            next.r[d] = r & self.offsets;
        }
        next
    }

    /// Whether any state is left: some continuation is within the budget.
    #[inline]
    pub fn alive(&self, nfa: &Nfa) -> bool {
        nfa.r[..=self.budget].iter().any(|&r| r != 0)
    }

    /// Whether the characters read are within the budget of the query.
    #[inline]
    pub fn matches(&self, nfa: &Nfa) -> bool {
        (0..=self.budget).any(|d| {
            let r = nfa.r[d];
            // The highest offset is the closest to the query's end.
            r != 0 && d as u32 + (self.len - (63 - r.leading_zeros())) <= self.budget as u32
        })
    }

    /// The edit distance of the characters read, when it is within the budget.
    pub fn distance(&self, nfa: &Nfa) -> Option<u8> {
        let mut best = None;
        for d in 0..=self.budget {
            let r = nfa.r[d];
            if r != 0 {
                // The highest offset is the closest to the query's end.
                let offset = 63 - r.leading_zeros();
                let total = d as u32 + (self.len - offset);
                if total <= self.budget as u32 && best.is_none_or(|b| total < u32::from(b)) {
                    best = u8::try_from(total).ok();
                }
            }
        }
        best
    }

    /// When every state has used the whole budget, the characters that can come next (the
    /// query's characters at the states' offsets), in ascending order, written into `out`;
    /// `None` when some state may still spend an edit, so that any character can come next.
    pub fn only_next<'a>(&self, nfa: &Nfa, out: &'a mut [char; 64]) -> Option<&'a [char]> {
        if nfa.r[..self.budget].iter().any(|&r| r != 0) {
            return None;
        }
        let mut bits = nfa.r[self.budget] & !(1u64 << self.len);
        let mut n = 0;
        while bits != 0 {
            let offset = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            out[n] = self.chars[offset];
            n += 1;
        }
        let next = &mut out[..n];
        next.sort_unstable();
        let mut kept = 0;
        for i in 0..n {
            if kept == 0 || next[kept - 1] != next[i] {
                next[kept] = next[i];
                kept += 1;
            }
        }
        Some(&out[..kept])
    }

    /// When the only way on is the rest of the query as it stands (every state has used the
    /// whole budget, one offset is left and no swap is half done), that rest, in UTF-8: a term
    /// read so far continues within the budget exactly when it continues with these bytes and
    /// ends there.
    #[inline]
    pub fn only_rest(&self, nfa: &Nfa) -> Option<&[u8]> {
        let last = nfa.r[self.budget];
        if nfa.r[..self.budget].iter().any(|&r| r != 0)
            || nfa.t[self.budget] != 0
            || last.count_ones() != 1
        {
            return None;
        }
        Some(&self.utf8[self.starts[last.trailing_zeros() as usize]..])
    }

    /// The edit distance between the query and `word`, when it is within the budget.
    pub fn distance_to(&self, word: &str) -> Option<u8> {
        let mut nfa = self.start();
        for c in word.chars() {
            nfa = self.step(&nfa, self.positions(c));
            if !self.alive(&nfa) {
                return None;
            }
        }
        self.distance(&nfa)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::Term;
    use tantivy::query::FuzzyTermQuery;
    use tantivy::schema::{STRING, Schema};
    use tantivy_fst::Automaton;

    use super::*;

    /// tantivy's automaton for `query` within `budget` edits.
    fn tantivys(query: &str, budget: u8) -> impl Automaton<State = u32> {
        let mut schema = Schema::builder();
        let field = schema.add_text_field("text", STRING);
        let _ = schema.build();
        FuzzyTermQuery::new(Term::from_field_text(field, query), budget, true)
            .automaton()
            .unwrap()
    }

    fn accepts(automaton: &impl Automaton<State = u32>, word: &str) -> bool {
        let mut state = automaton.start();
        for &b in word.as_bytes() {
            state = automaton.accept(&state, b);
        }
        automaton.is_match(&state)
    }

    /// Every word of up to `len` characters over `alphabet`.
    fn all_words(alphabet: &[char], len: usize) -> Vec<String> {
        let mut words = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..len {
            let mut next = Vec::new();
            for w in &last {
                for &c in alphabet {
                    next.push(format!("{w}{c}"));
                }
            }
            words.extend(next.iter().cloned());
            last = next;
        }
        words
    }

    #[test]
    fn the_distance_is_the_one_tantivys_automaton_accepts_within() {
        // Small alphabets make every kind of overlap: repeats, swaps next to repeats, a
        // character of two bytes and one of three.
        let queries = ["abcab", "aab", "abba", "éaé", "ab€ba", "giraffe", "a", ""];
        let words = all_words(&['a', 'b', 'c', 'é', '€'], 5);
        for query in queries {
            let automata = [tantivys(query, 0), tantivys(query, 1), tantivys(query, 2)];
            for budget in [1u8, 2] {
                let edits = Edits::new(query, budget).unwrap();
                for word in &words {
                    let ours = edits.distance_to(word);
                    let within = |d: u8| accepts(&automata[usize::from(d)], word);
                    assert_eq!(
                        ours.is_some(),
                        within(budget),
                        "{query:?} {word:?} at {budget}"
                    );
                    if let Some(d) = ours {
                        // The distance is the least budget tantivy accepts the word within.
                        assert!(within(d), "{query:?} {word:?}: {d}");
                        assert!(d == 0 || !within(d - 1), "{query:?} {word:?}: {d}");
                    }
                }
            }
        }
    }

    #[test]
    fn swaps_count_once_and_no_character_is_edited_twice() {
        let edits = Edits::new("giraffe", 2).unwrap();
        assert_eq!(edits.distance_to("giraffe"), Some(0));
        assert_eq!(edits.distance_to("igraffe"), Some(1));
        assert_eq!(edits.distance_to("gaffe"), Some(2));
        assert_eq!(edits.distance_to("giraffes"), Some(1));
        assert_eq!(edits.distance_to("graiffe"), Some(2));
        assert_eq!(edits.distance_to("zebra"), None);
        // "ca" to "abc" is three edits when a swapped pair is not edited again.
        assert_eq!(Edits::new("ca", 2).unwrap().distance_to("abc"), None);
    }

    #[test]
    fn with_no_edits_left_only_the_querys_next_characters_can_follow() {
        let edits = Edits::new("abcab", 1).unwrap();
        let mut nfa = edits.start();
        for c in "xa".chars() {
            nfa = edits.step(&nfa, edits.positions(c));
        }
        let mut out = ['\0'; 64];
        assert_eq!(edits.only_next(&nfa, &mut out), Some(&['b'][..]));
        let nfa = edits.step(&edits.start(), edits.positions('a'));
        assert_eq!(edits.only_next(&nfa, &mut out), None);
        assert!(Edits::new(&"a".repeat(MAX_CHARS + 1), 1).is_none());
    }

    #[test]
    fn with_one_state_and_no_edits_left_only_the_rest_of_the_query_can_follow() {
        let edits = Edits::new("kyïvan", 1).unwrap();
        let read = |word: &str| {
            let mut nfa = edits.start();
            for c in word.chars() {
                nfa = edits.step(&nfa, edits.positions(c));
            }
            nfa
        };
        // "kxy" spent the edit on an inserted x: only "ïvan" follows.
        assert_eq!(edits.only_rest(&read("kxy")), Some("ïvan".as_bytes()));
        assert_eq!(edits.only_rest(&read("kxyïvan")), Some(&b""[..]));
        // "k" may still spend it; "kx" spent it two ways (x inserted, or for y), so "yïvan"
        // and "ïvan" follow; "yk" is halfway through a swap.
        assert_eq!(edits.only_rest(&read("k")), None);
        assert_eq!(edits.only_rest(&read("kx")), None);
        assert_eq!(edits.only_rest(&read("yk")), None);
        assert!(Edits::new("abc", 3).is_none());
    }
}
