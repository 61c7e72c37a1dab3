//! Shard sets: one ordinary attache index per partition of the corpus, under one folder.
//!
//! ```text
//! index/shards.json             the set's manifest: partition key, and per shard its key,
//!                               folder, period, counts and whether it is complete
//! index/.shards.lock            held (flock) for the moment a build rewrites shards.json
//! index/shards/1985/            an ordinary index (CURRENT, gen-…, .lock) of 1985's articles
//! ```
//!
//! Every shard is built, updated and checked on its own, under its own writer lock, so
//! different processes (or machines, copying the folders back) can build different shards of
//! one set at once. The manifest is rewritten whole (a temporary file renamed over it) under a
//! short lock of its own, re-read inside the lock, so concurrent shard builds each land their
//! entry. A shard whose build is under way is marked incomplete until it finishes; its index
//! keeps answering with its last commit meanwhile.
//!
//! Readers open the set as one index whose segments are those of every shard ([`union`]), so
//! ranking, counting and grouping see global statistics and equal one index over the same
//! articles; date-bounded searches skip the segments of shards outside their dates.

pub mod union;

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::IndexDir;
use crate::corpus::{Article, Date};
use crate::error::{Error, Result};

/// The set's manifest file, in the index folder.
pub const SET_MANIFEST: &str = "shards.json";
/// The folder holding the shards, in the index folder.
pub const SHARDS_FOLDER: &str = "shards";
/// Held while the manifest is rewritten.
const SET_LOCK: &str = ".shards.lock";
/// The manifest's format; bumped when its meaning changes.
pub const SET_FORMAT: u32 = 1;
/// The key of the articles that name no source, in a set sharded by source.
pub const NO_SOURCE: &str = "";

/// How a shard set partitions its articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShardBy {
    /// One shard per year of the article's date.
    Year,
    /// One shard per month; articles dated only by year go to their year's shard.
    Month,
    /// One shard per source (outlet); no period, so dates never prune them.
    Source,
}

impl ShardBy {
    /// `year`, `month` or `source`, as the command line names it.
    pub fn name(self) -> &'static str {
        match self {
            ShardBy::Year => "year",
            ShardBy::Month => "month",
            ShardBy::Source => "source",
        }
    }

    /// The key of the shard `article` belongs to: its year (`1985`), its month (`1985-09`, or
    /// the year for a date without a month) or its source ([`NO_SOURCE`] for none).
    pub fn key(self, article: &Article) -> String {
        use crate::corpus::date::Precision;
        match self {
            ShardBy::Year => format!("{:04}", article.date.year()),
            ShardBy::Month => match article.date.at(Precision::Month) {
                Some(month) => month.to_string(),
                None => format!("{:04}", article.date.year()),
            },
            ShardBy::Source => article.source.clone().unwrap_or_default(),
        }
    }

    /// The period a shard's key covers, when the partition is by date.
    pub fn period(self, key: &str) -> Option<Period> {
        match self {
            ShardBy::Source => None,
            _ => key.parse::<Date>().ok().map(|date| Period {
                first: Date::from_days(date.first_day(), date.first_day())
                    .map_or_else(String::new, |d| d.to_string()),
                last: Date::from_days(date.last_day(), date.last_day())
                    .map_or_else(String::new, |d| d.to_string()),
            }),
        }
    }

    /// The folder (under [`SHARDS_FOLDER`]) of the shard `key`: the key itself for dates; for
    /// sources, a readable slug of the name (lowercased, Latin letters without their accents,
    /// letters and digits of any script kept, `-` for the rest, at most 40 characters) and a
    /// hash that keeps distinct names apart: `Côte d'Ivoire` → `cote-d-ivoire-…`, `新华社` →
    /// `新华社-…`.
    pub fn folder(self, key: &str) -> String {
        match self {
            ShardBy::Source => {
                let mut slug = String::new();
                let mut chars = 0;
                for c in key.chars().map(unaccented).flat_map(char::to_lowercase) {
                    if chars == 40 {
                        break;
                    }
                    match c.is_alphanumeric() {
                        true => slug.push(c),
                        false if !slug.ends_with('-') && !slug.is_empty() => slug.push('-'),
                        false => continue,
                    }
                    chars += 1;
                }
                let slug = match slug.trim_end_matches('-') {
                    "" => "no-source",
                    slug => slug,
                };
                let hash = xxhash_rust::xxh3::xxh3_64(key.as_bytes()) as u32;
                format!("{slug}-{hash:08x}")
            }
            _ => key.to_owned(),
        }
    }
}

/// A Latin letter without its accent (`ô` → `o`); any other character as it is.
fn unaccented(c: char) -> char {
    let mut base = None;
    unicode_normalization::char::decompose_canonical(c, |d| {
        base.get_or_insert(d);
    });
    match base {
        Some(b) if b.is_ascii_alphabetic() => b,
        _ => c,
    }
}

impl fmt::Display for ShardBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ShardBy {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<ShardBy, String> {
        match s {
            "year" => Ok(ShardBy::Year),
            "month" => Ok(ShardBy::Month),
            "source" => Ok(ShardBy::Source),
            _ => Err("shard by year, month or source".to_owned()),
        }
    }
}

/// The days a shard's articles fall in: first and last day, as `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// The first day.
    pub first: String,
    /// The last day.
    pub last: String,
}

impl Period {
    /// The first and last day as days since 1970-01-01, when both read as dates.
    pub fn days(&self) -> Option<(i64, i64)> {
        let first: Date = self.first.parse().ok()?;
        let last: Date = self.last.parse().ok()?;
        Some((first.first_day(), last.last_day()))
    }

    /// Whether the period shares a day with `first..=last` (either end open).
    pub fn overlaps(&self, first: Option<i64>, last: Option<i64>) -> bool {
        let Some((lo, hi)) = self.days() else {
            return true;
        };
        first.is_none_or(|first| hi >= first) && last.is_none_or(|last| lo <= last)
    }
}

/// One shard of a set, as the manifest records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardEntry {
    /// The partition's key: `1985`, `1985-09` or a source's name.
    pub key: String,
    /// Its index folder, relative to the set's folder (`shards/1985`).
    pub folder: String,
    /// The days its articles fall in; none for a set sharded by source.
    pub period: Option<Period>,
    /// Distinct articles in it.
    pub articles: u64,
    /// Passages in it.
    pub passages: u64,
    /// Whether its last build finished: false while one is under way or after one was
    /// interrupted (the shard then answers with its last commit).
    pub complete: bool,
}

/// A shard set's manifest, `shards.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetManifest {
    /// [`SET_FORMAT`] of the attache that wrote it.
    pub format: u32,
    /// How the set partitions its articles.
    pub shard_by: ShardBy,
    /// The shards, by key.
    pub shards: Vec<ShardEntry>,
}

impl SetManifest {
    /// The shard of `key` (or of the folder name `key`).
    pub fn shard(&self, key: &str) -> Option<&ShardEntry> {
        let folder = format!("{SHARDS_FOLDER}/{key}");
        self.shards
            .iter()
            .find(|s| s.key == key || s.folder == folder)
    }
}

/// Which articles a build of one shard takes, and which input files may hold them.
#[derive(Debug, Clone)]
pub struct ShardFilter {
    /// How the set partitions.
    pub by: ShardBy,
    /// The shard's key.
    pub key: String,
    /// The only input files that hold articles of the shard (or of which an article of the
    /// shard is a later duplicate, or that could not be wholly read), when a planning pass
    /// found them; `None` reads every input.
    pub files: Option<Arc<BTreeSet<PathBuf>>>,
    /// The articles the planning pass found in the whole run, when it ran: `--prune` removes a
    /// shard's unseen articles when the run read any, as one index would, even from a shard
    /// that read none itself.
    pub run_articles: Option<u64>,
    /// The shard key of every id the planning pass read (by its first read), when it ran: an
    /// article the shard holds that the run read for another shard leaves it, even from a
    /// file it could not wholly read (whose unseen articles it otherwise keeps).
    pub planned_keys: Option<Arc<std::collections::HashMap<String, Arc<str>>>>,
}

impl ShardFilter {
    /// Whether the planning pass read the article `id` for another shard.
    pub fn read_for_another(&self, id: &str) -> bool {
        (self.planned_keys.as_ref())
            .and_then(|keys| keys.get(id))
            .is_some_and(|key| **key != *self.key)
    }

    /// Whether `article` belongs to the shard.
    pub fn holds(&self, article: &Article) -> bool {
        self.by.key(article) == self.key
    }

    /// Whether the input file `path` must be read.
    pub fn reads(&self, path: &Path) -> bool {
        self.files.as_ref().is_none_or(|files| files.contains(path))
    }
}

impl IndexDir {
    /// The set (as this folder was named: `S` for `S/shards/1988`, else in full) and the key
    /// of which this folder is a shard, if its set's manifest lists it.
    pub fn set_of_shard(&self) -> Option<(PathBuf, String)> {
        let absolute = std::path::absolute(&self.path).ok()?;
        let parent = absolute.parent()?;
        if parent.file_name()? != SHARDS_FOLDER {
            return None;
        }
        let set = parent.parent()?;
        let manifest = IndexDir::new(set).shard_set().ok()??;
        let folder = absolute.strip_prefix(set).ok()?;
        let entry = (manifest.shards.iter()).find(|e| Path::new(&e.folder) == folder)?;
        let named = self.path.parent().and_then(Path::parent);
        let set = named.filter(|p| !p.as_os_str().is_empty()).unwrap_or(set);
        Some((set.to_path_buf(), entry.key.clone()))
    }

    /// The command that rebuilds this index from corpus paths: a shard's goes through its set
    /// (built alone as a plain index, it would take every article of the paths).
    pub fn rebuild_command(&self) -> String {
        let shown = |p: &Path| crate::error::printable(&p.display().to_string()).into_owned();
        match self.set_of_shard() {
            Some((set, key)) => format!(
                "attache index PATH... --index {} --shard {key} --full",
                shown(&set)
            ),
            None => format!("attache index PATH... --index {} --full", shown(&self.path)),
        }
    }

    /// The manifest of the shard set here, if this folder holds one.
    ///
    /// # Errors
    /// When `shards.json` exists but cannot be read or parsed, or is of another format.
    pub fn shard_set(&self) -> Result<Option<SetManifest>> {
        let path = self.path.join(SET_MANIFEST);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) if self.path.is_file() || e.kind() == std::io::ErrorKind::NotADirectory => {
                return Err(self.not_a_folder());
            }
            Err(e) => return Err(Error::io(path, e)),
        };
        let manifest: SetManifest = serde_json::from_slice(&bytes).map_err(|e| {
            Error::Invalid(format!(
                "{0}: unreadable {SET_MANIFEST} ({e}): the shards under {0}/{SHARDS_FOLDER} are \
                 kept; rebuild the set with `attache index PATH... --index {0} --full --shard-by \
                 year|month|source`",
                self.path.display()
            ))
        })?;
        if manifest.format != SET_FORMAT {
            return Err(Error::IncompatibleIndex {
                path: self.path.clone(),
                why: format!(
                    "{SET_MANIFEST} is of format {}, this attache reads format {SET_FORMAT}",
                    manifest.format
                ),
            });
        }
        Ok(Some(manifest))
    }

    /// Sets an unreadable manifest aside (as `shards.json.damaged`), so that a full rebuild
    /// can build the set anew: whether there was one.
    ///
    /// # Errors
    /// When the file cannot be renamed.
    pub fn set_aside_damaged_manifest(&self) -> Result<bool> {
        let path = self.path.join(SET_MANIFEST);
        let readable = match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice::<SetManifest>(&bytes).is_ok(),
            Err(_) => return Ok(false),
        };
        if readable {
            return Ok(false);
        }
        let aside = self.path.join(format!("{SET_MANIFEST}.damaged"));
        fs::rename(&path, &aside).map_err(|e| Error::io(&path, e))?;
        Ok(true)
    }

    /// Whether this folder holds a shard set.
    pub fn is_shard_set(&self) -> bool {
        self.path.join(SET_MANIFEST).is_file()
    }

    /// The index folder of a shard of the set here.
    pub fn shard_dir(&self, entry: &ShardEntry) -> IndexDir {
        IndexDir::new(self.path.join(&entry.folder))
    }

    /// Changes the set's manifest under its lock: reads it again (another process may have
    /// changed it since), applies `change`, and writes it whole through a temporary file
    /// renamed over it. A set that does not exist yet is created partitioned `by`.
    ///
    /// # Errors
    /// When the set is partitioned otherwise than `by`, or the manifest cannot be written.
    pub fn update_shard_set(
        &self,
        by: ShardBy,
        change: impl FnOnce(&mut SetManifest),
    ) -> Result<SetManifest> {
        fs::create_dir_all(&self.path).map_err(|e| Error::io(&self.path, e))?;
        let lock_path = self.path.join(SET_LOCK);
        let lock = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .map_err(|e| Error::io(&lock_path, e))?;
        lock.lock().map_err(|e| Error::io(&lock_path, e))?;
        let mut manifest = match self.shard_set()? {
            Some(m) if m.shard_by != by => {
                return Err(Error::Invalid(format!(
                    "{}: the shard set is sharded by {}, not {by}: pass --shard-by {} or \
                     another --index",
                    self.path.display(),
                    m.shard_by,
                    m.shard_by
                )));
            }
            Some(m) => m,
            None => SetManifest {
                format: SET_FORMAT,
                shard_by: by,
                shards: Vec::new(),
            },
        };
        change(&mut manifest);
        manifest.shards.sort_by(|a, b| a.key.cmp(&b.key));
        let json = serde_json::to_vec_pretty(&manifest).expect("manifest serializes");
        let path = self.path.join(SET_MANIFEST);
        super::directory::atomic_write(&path, &json).map_err(|e| Error::io(&path, e))?;
        super::sync_dir(&self.path);
        drop(lock);
        Ok(manifest)
    }

    /// Records the shard `key` of a set partitioned `by` in its manifest, replacing its entry.
    ///
    /// # Errors
    /// As [`IndexDir::update_shard_set`].
    pub fn record_shard(&self, by: ShardBy, entry: ShardEntry) -> Result<SetManifest> {
        self.update_shard_set(by, |manifest| {
            manifest.shards.retain(|s| s.key != entry.key);
            manifest.shards.push(entry);
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(date: &str, source: Option<&str>) -> Article {
        Article {
            id: "a".into(),
            date: date.parse().unwrap(),
            title: String::new(),
            source: source.map(str::to_owned),
            url: None,
            meta: Vec::new(),
            body: String::new(),
            passages: Vec::new(),
        }
    }

    #[test]
    fn keys_follow_the_partition() {
        let cases = [
            (ShardBy::Year, "1985-09-23", Some("UN"), "1985"),
            (ShardBy::Year, "1985", None, "1985"),
            (ShardBy::Month, "1985-09-23", None, "1985-09"),
            (ShardBy::Month, "1985", None, "1985"),
            (ShardBy::Source, "1985", Some("Kyiv Post"), "Kyiv Post"),
            (ShardBy::Source, "1985", None, NO_SOURCE),
        ];
        for (by, date, source, key) in cases {
            assert_eq!(
                by.key(&article(date, source)),
                key,
                "{by} {date} {source:?}"
            );
        }
    }

    #[test]
    fn periods_cover_the_key() {
        let year = ShardBy::Year.period("1985").unwrap();
        assert_eq!(
            (year.first.as_str(), year.last.as_str()),
            ("1985-01-01", "1985-12-31")
        );
        let month = ShardBy::Month.period("2024-02").unwrap();
        assert_eq!(month.last, "2024-02-29");
        assert_eq!(ShardBy::Source.period("1985"), None);
        let day = |s: &str| s.parse::<Date>().unwrap().first_day();
        assert!(year.overlaps(Some(day("1980")), Some(day("1985-03"))));
        assert!(!year.overlaps(Some(day("1986")), None));
        assert!(!year.overlaps(None, Some(day("1984-12-31"))));
    }

    #[test]
    fn source_folders_are_safe_and_distinct() {
        let a = ShardBy::Source.folder("Kyiv Post");
        assert!(a.starts_with("kyiv-post-"), "{a}");
        assert_ne!(a, ShardBy::Source.folder("Kyiv post"));
        assert!(ShardBy::Source.folder("../..").starts_with("no-source-"));
        assert!(ShardBy::Source.folder(NO_SOURCE).starts_with("no-source-"));
        assert_eq!(ShardBy::Year.folder("1985"), "1985");
        // Accents dropped from Latin letters, other scripts kept, at most 40 characters.
        let slug = |key: &str| {
            let folder = ShardBy::Source.folder(key);
            folder[..folder.rfind('-').unwrap()].to_owned()
        };
        assert_eq!(slug("Côte d'Ivoire Today"), "cote-d-ivoire-today");
        assert_eq!(slug("源 日本"), "源-日本");
        assert_eq!(slug("Новая газета"), "новая-газета");
        assert_eq!(slug("한국일보"), "한국일보");
        assert_eq!(slug(&"新".repeat(50)), "新".repeat(40));
    }

    #[test]
    fn bad_partitions_name_the_choices() {
        assert_eq!(
            "week".parse::<ShardBy>().unwrap_err(),
            "shard by year, month or source"
        );
    }
}
