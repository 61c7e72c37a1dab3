//! The builtin gazetteer's aliases as a lookup table, for queries.
//!
//! A plain query word may be an alias (`Kiev` also finds Kyiv), and all a query needs to know
//! is which entity, if any, has that alias. Parsing the gazetteer for that (folding and
//! stemming every alias) would be most of a short query's time, so `data/alias_keys.tsv` holds,
//! per alias, its matching key (see [`gazetteer::key`]), its entity's id and the case an
//! acronym must be written in (`*` for any), in the gazetteer's order. It is generated from
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
    // Every row follows a line break; keys have no tabs, so this finds whole keys.
    let pattern = format!("\n{key}\t");
    TABLE.match_indices(&pattern).find_map(|(at, _)| {
        let row = &TABLE[at + pattern.len()..];
        let row = row.split('\n').next().unwrap_or_default();
        let (id, case) = row.split_once('\t')?;
        (case == ANY_CASE || case == written).then_some(id)
    })
}

/// The table's text for a gazetteer.
#[cfg(test)]
fn table(gazetteer: &gazetteer::Gazetteer) -> String {
    let mut out = String::from(
        "# Generated from data/entities.tsv by the test alias_table_is_current (see src/entities/aliases.rs): key\tid\tcase\n",
    );
    for (key, id, case) in gazetteer.alias_rows() {
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
}
