//! What an index holds, article by article: the content hash and origin of every article, read
//! back from the fast fields of its first passage. An incremental run compares each article it
//! reads with this catalog to decide whether to add, replace or leave it, and removes the
//! articles of its roots that it did not see.

use std::collections::HashMap;

use tantivy::Searcher;
use xxhash_rust::xxh3::Xxh3;

use super::roots::{Moved, moved_origin, within};
use super::schema::fast;
use crate::corpus::Article;
use crate::error::Result;

/// A 64-bit hash of everything indexed from an article: id, date, title, source, url,
/// metadata and body. Stable across runs and platforms (XXH3), because it is kept in the index.
pub fn content_hash(article: &Article) -> u64 {
    let mut h = Xxh3::new();
    let mut field = |bytes: &[u8]| {
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field(article.id.as_bytes());
    field(article.date.to_string().as_bytes());
    field(article.title.as_bytes());
    field(article.source.as_deref().unwrap_or("\u{0}").as_bytes());
    field(article.url.as_deref().unwrap_or("\u{0}").as_bytes());
    for (key, value) in &article.meta {
        field(key.as_bytes());
        field(value.as_bytes());
    }
    field(b"body");
    field(article.body.as_bytes());
    // Passages given by an export are indexed as given; the same words split by attache are
    // another article.
    if !article.passages.is_empty() {
        field(b"passages");
        for passage in &article.passages {
            field(passage.as_bytes());
        }
    }
    h.digest()
}

/// One indexed article.
#[derive(Debug, Clone)]
struct Entry {
    hash: u64,
    origin: u32,
    seen: bool,
    /// Read in this run for another shard of the set: it leaves this one whatever else happens.
    left: bool,
}

/// The articles of an index, by id.
#[derive(Debug, Default)]
pub struct Catalog {
    entries: HashMap<String, Entry>,
    /// Distinct origins; many articles share one file.
    origins: Vec<String>,
}

/// How an article read in this run compares with the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Not in the index.
    New,
    /// In the index with the same content and origin.
    Unchanged,
    /// In the index with other content, or read from another file of the roots given.
    Changed,
    /// In the index from a file outside the roots given: this run may not replace it.
    Foreign,
}

impl Catalog {
    /// Reads the catalog of the index `searcher` sees (deleted passages excluded), with the
    /// origins of roots that `moved` at their new place.
    ///
    /// # Errors
    /// When a fast field cannot be read.
    pub fn load(searcher: &Searcher, moved: &[Moved]) -> Result<Catalog> {
        let mut catalog = Catalog::default();
        let mut origin_ids: HashMap<String, u32> = HashMap::new();
        let (mut id, mut origin) = (String::new(), String::new());
        for segment in searcher.segment_readers() {
            let ff = segment.fast_fields();
            let passage = ff.u64(fast::PASSAGE)?;
            let hash = ff.u64(fast::ARTICLE_HASH)?;
            let (Some(ids), Some(origins)) = (ff.str(fast::ARTICLE_ID)?, ff.str(fast::ORIGIN)?)
            else {
                continue;
            };
            for doc in segment.doc_ids_alive() {
                if passage.first(doc) != Some(0) {
                    continue;
                }
                let (Some(id_ord), Some(origin_ord)) =
                    (ids.term_ords(doc).next(), origins.term_ords(doc).next())
                else {
                    continue;
                };
                id.clear();
                origin.clear();
                ids.ord_to_str(id_ord, &mut id)
                    .map_err(tantivy::TantivyError::from)?;
                origins
                    .ord_to_str(origin_ord, &mut origin)
                    .map_err(tantivy::TantivyError::from)?;
                let next = catalog.origins.len() as u32;
                let origin = *origin_ids.entry(origin.clone()).or_insert_with(|| {
                    catalog.origins.push(origin.clone());
                    next
                });
                let entry = Entry {
                    hash: hash.first(doc).unwrap_or(0),
                    origin,
                    seen: false,
                    left: false,
                };
                catalog.entries.insert(id.clone(), entry);
            }
        }
        for m in moved {
            catalog.relocate(&m.from, &m.to);
        }
        Ok(catalog)
    }

    /// Takes the articles indexed from under the root `from` as read from under `to`.
    pub fn relocate(&mut self, from: &str, to: &str) {
        for origin in &mut self.origins {
            if let Some(moved) = moved_origin(origin, from, to) {
                *origin = moved;
            }
        }
    }

    /// The distinct origins of the articles indexed from under `root`.
    pub fn origins_within<'a>(&'a self, root: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.origins
            .iter()
            .map(String::as_str)
            .filter(move |o| within(o, root))
    }

    /// Every origin articles are indexed from.
    pub fn origin_names(&self) -> impl Iterator<Item = &str> {
        self.origins.iter().map(String::as_str)
    }

    /// Where the article `id` was indexed from, if it is indexed.
    pub fn origin_of(&self, id: &str) -> Option<&str> {
        let entry = self.entries.get(id)?;
        Some(&self.origins[entry.origin as usize])
    }

    /// The content hash the article `id` was indexed with, if it is indexed.
    pub fn hash_of(&self, id: &str) -> Option<u64> {
        self.entries.get(id).map(|entry| entry.hash)
    }

    /// The roots the articles were read from, for an index that did not record them: an article
    /// file's origin less its id (the id is its path under the root), else the file itself.
    pub fn inferred_roots(&self) -> Vec<String> {
        let mut roots: Vec<String> = self
            .entries
            .iter()
            .map(|(id, entry)| {
                let origin = &self.origins[entry.origin as usize];
                match origin.strip_suffix(id.as_str()) {
                    Some(root) if root.ends_with('/') && root.len() > 1 => {
                        root[..root.len() - 1].to_owned()
                    }
                    _ => origin.clone(),
                }
            })
            .filter(|origin| !origin.starts_with('<'))
            .collect();
        roots.sort_unstable();
        roots.dedup();
        roots
    }

    /// The articles whose origin lies outside `scope`, counted by origin root (the root of
    /// `roots` holding it, else the origin itself), sorted by root.
    pub fn outside(&self, scope: &Scope, roots: &super::roots::Roots) -> Vec<(String, u64)> {
        let mut counts: HashMap<&str, u64> = HashMap::new();
        for entry in self.entries.values() {
            let origin = &self.origins[entry.origin as usize];
            if !scope.contains(origin) {
                *counts
                    .entry(roots.holding(origin).unwrap_or(origin))
                    .or_default() += 1;
            }
        }
        let mut counts: Vec<(String, u64)> =
            counts.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        counts.sort();
        counts
    }

    /// Articles in the catalog.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the catalog is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Compares an article read from `origin` with the index, and marks it seen unless it is
    /// [`Status::Foreign`]. Returns the status and, for a foreign article, where it came from.
    pub fn check(&mut self, id: &str, hash: u64, origin: &str, scope: &Scope) -> (Status, &str) {
        let Some(entry) = self.entries.get_mut(id) else {
            return (Status::New, "");
        };
        let indexed_from = &self.origins[entry.origin as usize];
        if indexed_from != origin && !scope.contains(indexed_from) {
            return (Status::Foreign, indexed_from);
        }
        entry.seen = true;
        if entry.hash == hash && indexed_from == origin {
            (Status::Unchanged, "")
        } else {
            (Status::Changed, "")
        }
    }

    /// Marks an article this run read for another shard of the set as leaving this one, if this
    /// one holds it from `origin` or from within `scope` (a foreign copy stays, as in
    /// [`Catalog::check`]).
    pub fn leaves(&mut self, id: &str, origin: &str, scope: &Scope) {
        if let Some(entry) = self.entries.get_mut(id) {
            let indexed_from = &self.origins[entry.origin as usize];
            entry.left = indexed_from == origin || scope.contains(indexed_from);
        }
    }

    /// Marks the articles this run did not see, indexed from within `scope`, that `elsewhere`
    /// says the run read for another shard, as leaving (see [`Catalog::leaves`]).
    pub fn leave_where(&mut self, scope: &Scope, elsewhere: impl Fn(&str) -> bool) {
        for (id, entry) in self.entries.iter_mut().filter(|(_, e)| !e.seen && !e.left) {
            if scope.contains(&self.origins[entry.origin as usize]) && elsewhere(id) {
                entry.left = true;
            }
        }
    }

    /// The articles within `scope` that this run did not see: the ids to remove, sorted, and how
    /// many are kept because their origin is `unreadable` (a folder, file or line that could not
    /// be read this time). An article that left for another shard is removed even from a file
    /// that was not wholly read: the run read it.
    pub fn unseen(&self, scope: &Scope, unreadable: &Scope) -> (Vec<String>, u64) {
        // Per origin: None outside the scope, else whether its unseen articles are removed.
        let fate: Vec<Option<bool>> = self
            .origins
            .iter()
            .map(|o| scope.contains(o).then(|| !unreadable.contains(o)))
            .collect();
        let mut ids = Vec::new();
        let mut kept = 0;
        for (id, entry) in self.entries.iter().filter(|(_, e)| !e.seen) {
            match fate[entry.origin as usize] {
                Some(true) => ids.push(id.clone()),
                Some(false) if entry.left => ids.push(id.clone()),
                Some(false) => kept += 1,
                None => {}
            }
        }
        ids.sort_unstable();
        (ids, kept)
    }
}

impl Catalog {
    /// The articles this run did not see whose origin is within `scope`, with that origin.
    fn unseen_within<'a>(&'a self, scope: &'a Scope) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.entries
            .iter()
            .filter(|(_, e)| !e.seen && !e.left)
            .map(|(id, e)| (id.as_str(), self.origins[e.origin as usize].as_str()))
            .filter(|(_, origin)| scope.contains(origin))
    }

    /// The ids of the articles this run did not see whose origin is `unreadable`.
    pub fn unseen_ids_in(&self, unreadable: &Scope) -> Vec<String> {
        self.unseen_within(unreadable)
            .map(|(id, _)| id.to_owned())
            .collect()
    }

    /// The articles this run did not see whose origin is `unreadable`, counted by origin,
    /// sorted: what a rebuild would drop.
    pub fn unseen_in(&self, unreadable: &Scope) -> Vec<(String, u64)> {
        let mut counts: HashMap<&str, u64> = HashMap::new();
        for (_, origin) in self.unseen_within(unreadable) {
            *counts.entry(origin).or_default() += 1;
        }
        let mut counts: Vec<(String, u64)> =
            counts.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        counts.sort();
        counts
    }
}

/// The origins a run is responsible for: everything under its roots, or everything (`--prune`).
#[derive(Debug, Clone, Default)]
pub struct Scope {
    everything: bool,
    roots: Vec<String>,
}

impl Scope {
    /// Everything under these origins (absolute paths, or `<stdin…>`).
    pub fn roots(roots: impl IntoIterator<Item = String>) -> Scope {
        Scope {
            everything: false,
            roots: roots.into_iter().collect(),
        }
    }

    /// Every origin.
    pub fn everything() -> Scope {
        Scope {
            everything: true,
            roots: Vec::new(),
        }
    }

    /// Whether `origin` lies within the scope.
    pub fn contains(&self, origin: &str) -> bool {
        self.everything || self.roots.iter().any(|root| within(origin, root))
    }

    /// Adds an origin to the scope.
    pub fn add(&mut self, root: String) {
        self.roots.push(root);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::STDIN;

    #[test]
    fn scopes_hold_what_lies_under_their_roots() {
        let scope = Scope::roots(["/data/corpus".to_owned(), STDIN.to_owned()]);
        assert!(scope.contains("/data/corpus/a.txt"));
        assert!(scope.contains("/data/corpus"));
        assert!(scope.contains(STDIN));
        assert!(!scope.contains("/data/corpus2/a.txt"));
        assert!(!scope.contains("/data/other/a.txt"));
        assert!(!scope.contains("<stdin:wire>"));
        assert!(Scope::everything().contains("/anywhere"));
        assert!(!Scope::default().contains("/anywhere"));
    }

    #[test]
    fn content_hashes_see_every_field() {
        let article =
            crate::corpus::text::parse("a.txt", b"date 2025-11-24\n\nBody text.").expect("parses");
        let base = content_hash(&article);
        assert_eq!(base, content_hash(&article.clone()));
        let mut other = article.clone();
        other.body.push('!');
        assert_ne!(base, content_hash(&other));
        let mut other = article.clone();
        other.meta.push(("country".into(), "UKR".into()));
        assert_ne!(base, content_hash(&other));
        let mut other = article;
        other.source = Some(String::new());
        assert_ne!(base, content_hash(&other));
    }
}
