//! The builtin gazetteer's aliases as a lookup table, for queries.
//!
//! A plain query word may be an alias (`Kiev` also finds Kyiv), and all a query needs to know
//! is which entity, if any, has that alias. Parsing the gazetteer for that (folding and
//! stemming every alias) would be most of a short query's time, so `data/alias_keys.tsv` holds,
//! per alias, its matching key (see [`gazetteer::key`]), its entity's id and the case an
//! acronym must be written in (`*` for any), sorted by key (a key's aliases in the gazetteer's
//! order), so a lookup is a binary search over the embedded text. It is generated from
//! `data/entities.tsv`; a test checks that the two agree, and rewrites the table when run as
//! `ATTACHE_WRITE_ALIAS_TABLE=1 cargo test alias_table`.

use super::gazetteer;
use crate::analysis::Analyzer;

/// The table, after a header line: `key<TAB>id<TAB>case` rows.
const TABLE: &str = include_str!("../../data/alias_keys.tsv");

/// What a row's case column holds for an alias matched in any case.
const ANY_CASE: &str = "*";

/// The id of the builtin entity one of whose aliases is `text` (acronyms in their written
/// case): what [`gazetteer::Gazetteer::lookup_alias`] finds in the builtin gazetteer, without
/// loading it.
pub fn builtin_alias_id(analyzer: &mut Analyzer, text: &str) -> Option<&'static str> {
    let key = gazetteer::key(analyzer, text);
    if key.is_empty() {
        return None;
    }
    let written = text.trim_end_matches('.');
    let rows = TABLE.split_once('\n').map_or("", |(_header, rows)| rows);
    rows[first_row(rows, &key)..]
        .lines()
        .map_while(|row| {
            let (row_key, rest) = row.split_once('\t')?;
            (row_key == key).then_some(rest)
        })
        .find_map(|rest| {
            let (id, case) = rest.split_once('\t')?;
            (case == ANY_CASE || case == written).then_some(id)
        })
}

/// The start of the first of `rows` (sorted lines `key<TAB>…`) whose key is not below `key`.
fn first_row(rows: &str, key: &str) -> usize {
    // Bytes, as the middle of the range may fall inside a character; keys compare as bytes.
    let (rows, key) = (rows.as_bytes(), key.as_bytes());
    // Line starts: every row before `lo` has a smaller key, every row from `hi` on does not.
    let (mut lo, mut hi) = (0, rows.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        let start = rows[lo..mid]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(lo, |i| lo + i + 1);
        let end = rows[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rows.len(), |i| start + i);
        let row = &rows[start..end];
        let row_key = row.split(|&b| b == b'\t').next().unwrap_or_default();
        if row_key < key {
            lo = end + 1;
        } else {
            hi = start;
        }
    }
    lo.min(rows.len())
}

/// The table's text for a gazetteer.
#[cfg(test)]
fn table(gazetteer: &gazetteer::Gazetteer) -> String {
    let mut out = String::from(
        "# Generated from data/entities.tsv by the test alias_table_is_current (see src/entities/aliases.rs): key\tid\tcase\n",
    );
    let mut rows: Vec<_> = gazetteer.alias_rows().collect();
    // Stable: a key's aliases stay in the gazetteer's order.
    rows.sort_by_key(|(key, _, _)| *key);
    for (key, id, case) in rows {
        out.push_str(&format!("{key}\t{id}\t{}\n", case.unwrap_or(ANY_CASE)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::Gazetteer;

    #[test]
    fn alias_table_is_current() {
        let current = table(Gazetteer::builtin());
        if std::env::var_os("ATTACHE_WRITE_ALIAS_TABLE").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/alias_keys.tsv");
            std::fs::write(path, &current).expect("write data/alias_keys.tsv");
            return;
        }
        assert!(
            TABLE == current,
            "data/alias_keys.tsv does not match data/entities.tsv: \
             rewrite it with `ATTACHE_WRITE_ALIAS_TABLE=1 cargo test alias_table`"
        );
    }

    #[test]
    fn the_table_finds_what_the_gazetteer_finds() {
        let gazetteer = Gazetteer::builtin();
        let mut analyzer = Analyzer::new();
        let mut check = |text: &str| {
            let want = gazetteer.lookup_alias(&mut analyzer, text).map(|e| &*e.id);
            assert_eq!(builtin_alias_id(&mut analyzer, text), want, "{text:?}");
            want.is_some()
        };
        let (mut aliases, mut found) = (0, 0);
        for (i, entity) in gazetteer.entities().iter().enumerate() {
            for alias in &entity.aliases {
                aliases += 1;
                // "The Hague" is keyed without its article: a query says "Hague".
                found += usize::from(check(alias));
                // Other spellings of every tenth entity's aliases: case, a trailing dot.
                if i % 10 == 0 {
                    check(&alias.to_lowercase());
                    check(&alias.to_uppercase());
                    check(&format!("{alias}."));
                }
            }
        }
        assert!(found * 10 > aliases * 9, "{found} of {aliases}");
        for text in [
            "Kiev",
            "KYIV",
            "us",
            "US",
            "U.S.",
            "Kyïv's",
            "peace",
            "",
            "—",
            "Зеленського",
        ] {
            check(text);
        }
        assert_eq!(builtin_alias_id(&mut analyzer, "Kiev"), Some("kyiv"));
        assert_eq!(builtin_alias_id(&mut analyzer, "us"), None);
        assert_eq!(builtin_alias_id(&mut analyzer, "peace"), None);
    }

    #[test]
    fn the_binary_search_lands_on_the_first_row_of_a_key() {
        let rows = " a \tx\t*\n b \ty\t*\n b \tz\t*\n дом \tw\t*\n";
        let at = |key| &rows[first_row(rows, key)..];
        assert!(at(" b ").starts_with(" b \ty"));
        assert!(at(" a ").starts_with(" a "));
        assert!(at(" ").starts_with(" a "));
        assert!(at(" c ").starts_with(" дом "));
        assert_eq!(at(" я "), "");
        assert_eq!(first_row("", " a "), 0);
    }
}
