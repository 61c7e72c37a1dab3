//! A passage's entity mentions and speakers as stored: a compact binary form, one value per
//! passage (the `marks` field), read back when a hit is shown.
//!
//! JSON spelled every key and every id, name and alias of every mention in full (113 MB of the
//! UNGDC's stored values for mentions, 39 MB for speakers); this form writes each distinct
//! string once per passage and refers to it by number, and numbers as LEB128 varints:
//!
//! ```text
//! marks    := strings mentions speakers
//! strings  := n (len utf8-bytes){n}          ids, names and aliases, in order of first use
//! mentions := n (start len kind id name alias){n}     byte span; kind: index in Kind::ALL;
//!                                                      id, name, alias: string numbers
//! speakers := n (id kind name m (start len){m}){n}     the byte spans each says
//! ```
//!
//! A mention's word positions are not stored (they serve indexing only). Decoding checks every
//! number against what it indexes, so a damaged or foreign value reads as `None`, never as a
//! panic.

use std::ops::Range;
use std::sync::Arc;

use crate::entities::attribution::{Said, Speaker};
use crate::entities::{Kind, Mention};

/// Encodes a passage's mentions and speakers; empty when it has neither.
pub fn encode(mentions: &[Mention], speakers: &[Said]) -> Vec<u8> {
    if mentions.is_empty() && speakers.is_empty() {
        return Vec::new();
    }
    let mut strings: Vec<&str> = Vec::new();
    let mut body = Vec::new();
    put(&mut body, mentions.len());
    for m in mentions {
        put(&mut body, m.span.start);
        put(&mut body, m.span.len());
        body.push(kind_number(m.kind));
        put(&mut body, number(&mut strings, &m.id));
        put(&mut body, number(&mut strings, &m.name));
        put(&mut body, number(&mut strings, &m.alias));
    }
    put(&mut body, speakers.len());
    for s in speakers {
        put(&mut body, number(&mut strings, &s.speaker.id));
        body.push(kind_number(s.speaker.kind));
        put(&mut body, number(&mut strings, &s.speaker.name));
        put(&mut body, s.spans.len());
        for span in &s.spans {
            put(&mut body, span.start);
            put(&mut body, span.len());
        }
    }
    let mut out =
        Vec::with_capacity(body.len() + strings.iter().map(|s| s.len() + 1).sum::<usize>());
    put(&mut out, strings.len());
    for s in &strings {
        put(&mut out, s.len());
        out.extend_from_slice(s.as_bytes());
    }
    out.extend_from_slice(&body);
    out
}

/// Decodes what [`encode`] wrote: the mentions and the speakers; `None` for bytes it did not
/// write. Empty bytes are a passage with neither.
pub fn decode(bytes: &[u8]) -> Option<(Vec<Mention>, Vec<Said>)> {
    if bytes.is_empty() {
        return Some((Vec::new(), Vec::new()));
    }
    let mut r = Reader { bytes };
    let n = r.count()?;
    let mut strings: Vec<Arc<str>> = Vec::with_capacity(n);
    for _ in 0..n {
        let len = r.count()?;
        let raw = r.take(len)?;
        strings.push(Arc::from(std::str::from_utf8(raw).ok()?));
    }
    let string = |n: usize| strings.get(n).cloned();
    let n = r.count()?;
    let mut mentions = Vec::with_capacity(n);
    for _ in 0..n {
        let span = r.span()?;
        let kind = r.kind()?;
        mentions.push(Mention {
            span,
            kind,
            id: string(r.number()?)?,
            name: string(r.number()?)?,
            alias: string(r.number()?)?,
            words: 0..0,
        });
    }
    let n = r.count()?;
    let mut speakers = Vec::with_capacity(n);
    for _ in 0..n {
        let id = string(r.number()?)?;
        let kind = r.kind()?;
        let name = string(r.number()?)?;
        let m = r.count()?;
        let spans = (0..m).map(|_| r.span()).collect::<Option<Vec<_>>>()?;
        speakers.push(Said {
            speaker: Speaker { id, kind, name },
            spans,
        });
    }
    r.bytes.is_empty().then_some((mentions, speakers))
}

/// The number of string `s`, added to `strings` if new.
fn number<'a>(strings: &mut Vec<&'a str>, s: &'a str) -> usize {
    match strings.iter().position(|known| *known == s) {
        Some(n) => n,
        None => {
            strings.push(s);
            strings.len() - 1
        }
    }
}

fn kind_number(kind: Kind) -> u8 {
    Kind::ALL
        .iter()
        .position(|k| *k == kind)
        .expect("every kind is in Kind::ALL") as u8
}

/// Appends `n` as an LEB128 varint.
fn put(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn number(&mut self) -> Option<usize> {
        let mut n: usize = 0;
        for shift in (0..64).step_by(7) {
            let (&b, rest) = self.bytes.split_first()?;
            self.bytes = rest;
            n |= usize::from(b & 0x7f).checked_shl(shift)?;
            if b < 0x80 {
                return Some(n);
            }
        }
        None
    }

    /// A count of items that each take at least one byte: never more than the bytes left, so a
    /// damaged count cannot ask for a huge allocation.
    fn count(&mut self) -> Option<usize> {
        self.number().filter(|&n| n <= self.bytes.len())
    }

    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let (taken, rest) = self.bytes.split_at_checked(len)?;
        self.bytes = rest;
        Some(taken)
    }

    fn span(&mut self) -> Option<Range<usize>> {
        let start = self.number()?;
        Some(start..start.checked_add(self.number()?)?)
    }

    fn kind(&mut self) -> Option<Kind> {
        let (&b, rest) = self.bytes.split_first()?;
        self.bytes = rest;
        Kind::ALL.get(usize::from(b)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mention(id: &str, kind: Kind, name: &str, alias: &str, span: Range<usize>) -> Mention {
        Mention {
            id: id.into(),
            kind,
            name: name.into(),
            alias: alias.into(),
            span,
            words: 0..0,
        }
    }

    fn sample() -> (Vec<Mention>, Vec<Said>) {
        let text = "Since I have mentioned Mikhail Gorbachev, I must send condolences to Raisa \
                    Gorbachev, said the President of Georgia.";
        let mentions = vec![
            mention(
                "gorbachev",
                Kind::Person,
                "Mikhail Gorbachev",
                "Mikhail Gorbachev",
                23..40,
            ),
            mention(
                "gorbachev",
                Kind::Person,
                "Mikhail Gorbachev",
                "Gorbachev",
                69..84,
            ),
            mention("georgia", Kind::State, "Georgia", "Georgia", 107..114),
        ];
        let speakers = vec![Said {
            speaker: Speaker {
                id: "shevardnadze".into(),
                kind: Kind::Person,
                name: "Eduard Shevardnadze".into(),
            },
            spans: vec![0..84, 300..text.len() + 400],
        }];
        (mentions, speakers)
    }

    #[test]
    fn mentions_and_speakers_read_back_as_written() {
        let (mentions, speakers) = sample();
        let bytes = encode(&mentions, &speakers);
        assert_eq!(decode(&bytes), Some((mentions.clone(), speakers.clone())));
        // Each string once: far smaller than the JSON it replaces.
        let json =
            serde_json::to_string(&mentions).unwrap() + &serde_json::to_string(&speakers).unwrap();
        assert!(
            bytes.len() * 3 < json.len(),
            "{} vs {}",
            bytes.len(),
            json.len()
        );
        assert_eq!(bytes.windows(9).filter(|w| w == b"gorbachev").count(), 1);
    }

    #[test]
    fn a_passage_with_neither_stores_nothing() {
        assert!(encode(&[], &[]).is_empty());
        assert_eq!(decode(&[]), Some((Vec::new(), Vec::new())));
        let (mentions, _) = sample();
        let bytes = encode(&mentions, &[]);
        assert_eq!(decode(&bytes), Some((mentions, Vec::new())));
    }

    #[test]
    fn damaged_bytes_read_as_none_not_as_a_panic() {
        let (mentions, speakers) = sample();
        let bytes = encode(&mentions, &speakers);
        // Every truncation, and every single-byte change, either fails or decodes to values
        // whose numbers stayed in range; none panics.
        for end in 0..bytes.len() {
            assert_eq!(
                decode(&bytes[..end]).filter(|_| end > 0),
                None,
                "cut at {end}"
            );
        }
        for at in 0..bytes.len() {
            for b in [0x00, 0x7f, 0x80, 0xff] {
                let mut damaged = bytes.clone();
                damaged[at] = b;
                let _ = decode(&damaged);
            }
        }
        let mut extra = bytes.clone();
        extra.push(0);
        assert_eq!(decode(&extra), None, "trailing bytes");
        assert_eq!(decode(&[0xff; 12]), None, "a varint longer than 64 bits");
    }
}
