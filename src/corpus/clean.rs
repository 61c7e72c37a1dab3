//! What every reader does to what it reads, before anything else sees it: a leading byte-order
//! mark is skipped, text is put in Unicode normalisation form C, and ids are bounded.
//!
//! * **NFC.** The same sentence may come precomposed (`Kyïv` with `ï`, as nearly all text is)
//!   or decomposed (`i` then a combining diaeresis, as some exports and macOS file names are).
//!   A word is a run of letters and digits, and a combining mark is neither, so decomposed text
//!   would split `Kyïv` into `Kyi` and `v`. Articles are normalised when they are read, so the
//!   stored text, its highlights and every byte offset agree with what was analysed; queries and
//!   entity names are normalised the same way ([`nfc`]), so both sides meet.
//! * **Byte-order mark.** Some editors start UTF-8 files with `U+FEFF`; it is not text.
//! * **Ids** longer than [`MAX_ID_BYTES`] are refused: tantivy silently drops terms over about
//!   65 kB, and an article whose id term is dropped could never be replaced or removed.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// The longest article id, in bytes. Ids are matched as one index term; tantivy drops a term
/// longer than about 65 kB, and no real id comes near this bound.
pub const MAX_ID_BYTES: usize = 1024;

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = "\u{feff}".as_bytes();

/// `bytes` without a leading byte-order mark.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// `text` in Unicode normalisation form C, borrowed when it already is (ASCII text is checked
/// a word at a time, other text with the quick check; only text that needs it is rebuilt).
pub fn nfc(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// A JSON number as a metadata value: an integer as written, a number written with an
/// exponent or a zero fraction that is a whole number as that integer (`1e2` and `78.0` are
/// `100` and `78`, where serde_json, reading them as floats, gives `100.0` and `78.0`), any
/// other as its shortest decimal (`0.5`).
pub fn number_text(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(f) if !n.is_u64() && !n.is_i64() && f.fract() == 0.0 && f.abs() < 9.0e15 => {
            format!("{}", f as i64)
        }
        _ => n.to_string(),
    }
}

/// [`nfc`] for an owned string: returned as is when it is already in form C.
pub fn nfc_owned(text: String) -> String {
    match nfc(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(normalised) => normalised,
    }
}

/// Checks an id's length; the error is its length in bytes.
pub fn check_id(id: &str) -> Result<(), usize> {
    match id.len() {
        0..=MAX_ID_BYTES => Ok(()),
        n => Err(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_text_is_composed_and_composed_text_is_borrowed() {
        let decomposed = "Kyi\u{308}v, Tu\u{308}rkiye, Co\u{302}te d'Ivoire";
        assert_eq!(nfc(decomposed), "Kyïv, Türkiye, Côte d'Ivoire");
        assert!(matches!(nfc("Kyïv, Türkiye"), Cow::Borrowed(_)));
        assert!(matches!(nfc("plain ascii"), Cow::Borrowed(_)));
        assert!(matches!(nfc("Зеленський"), Cow::Borrowed(_)));
        assert_eq!(
            nfc_owned(decomposed.to_owned()),
            "Kyïv, Türkiye, Côte d'Ivoire"
        );
    }

    #[test]
    fn a_leading_bom_is_skipped_and_only_a_leading_one() {
        assert_eq!(strip_bom(b"\xef\xbb\xbf{\"id\"}"), b"{\"id\"}");
        assert_eq!(strip_bom(b"x\xef\xbb\xbf"), b"x\xef\xbb\xbf");
        assert_eq!(strip_bom(b""), b"");
    }

    #[test]
    fn ids_are_bounded_at_1024_bytes() {
        assert_eq!(check_id(&"a".repeat(MAX_ID_BYTES)), Ok(()));
        assert_eq!(check_id(&"a".repeat(MAX_ID_BYTES + 1)), Err(1025));
        // Bytes, not chars: 513 two-byte letters are 1026 bytes.
        assert_eq!(check_id(&"é".repeat(513)), Err(1026));
    }
}
