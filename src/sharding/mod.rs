//! Building shard sets: a whole set in one run, or one shard of it (see
//! [`crate::index::shards`] for the layout).
//!
//! Each shard is an ordinary index built by [`build::build`], taking from the inputs only the
//! articles of its partition, so it has the guarantees of any incremental run: content hashes
//! decide what is rewritten, the roots are recorded, a killed build resumes from its last
//! commit, and the articles that left the partition (or the corpus) are removed from it. A
//! whole set's build first plans the corpus ([`plan::plan`]) and has each shard read only the
//! files that hold its articles.

pub mod plan;

use std::path::PathBuf;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::index::IndexDir;
use crate::index::build::{self, BuildOptions, Progress, RunSummary};
use crate::index::shards::{SHARDS_FOLDER, SetManifest, ShardBy, ShardEntry, ShardFilter};
use crate::search::Searcher;

/// One shard's run.
#[derive(Debug, Clone)]
pub struct ShardRun {
    /// The shard's key.
    pub key: String,
    /// What its run did.
    pub summary: RunSummary,
    /// A shard named by `--shard` that the set did not have and that no article read falls
    /// in (a mistyped key): not kept in the set.
    pub dropped: bool,
}

/// Builds or updates the shard set in `dir`, partitioned `by`: every shard the inputs hold and
/// every shard the set has, or only the shard `only`. `options.roots` are read (for a set that
/// exists and no roots given, the roots its shards record). Stops at the first shard whose run
/// fails or is interrupted: the runs so far are returned, the rest keep their last state.
///
/// # Errors
/// When `dir` holds a plain index, the set is partitioned otherwise, standard input is among
/// the roots, or a shard's run fails (its entry stays marked incomplete).
pub fn build_set(
    dir: &IndexDir,
    options: &BuildOptions,
    by: ShardBy,
    only: Option<&str>,
    progress: &mut dyn Progress,
) -> Result<Vec<ShardRun>> {
    let existing = dir.shard_set()?;
    if existing.is_none() && dir.current()?.is_some() {
        return Err(Error::Invalid(format!(
            "{} holds a plain index, not a shard set: build the set in another --index",
            dir.path().display()
        )));
    }
    if let Some(set) = &existing
        && set.shard_by != by
    {
        return Err(Error::Invalid(format!(
            "{}: the shard set is sharded by {}, not {by}: pass --shard-by {} or another --index",
            dir.path().display(),
            set.shard_by,
            set.shard_by
        )));
    }
    // Without paths given, each shard reads the roots it records, as an index does: a root
    // that is gone is then reported and its articles kept, shard by shard. The set's roots
    // that are still there are what a shard recording none (a new one) reads.
    let recorded = options.roots.is_empty();
    let roots = match recorded {
        true => recorded_roots(dir, existing.as_ref(), &options.fallback_roots)
            .into_iter()
            .filter(|root| root.exists())
            .collect(),
        false => options.roots.clone(),
    };
    if roots.iter().any(|p| p.as_os_str() == "-") {
        return Err(Error::Invalid(
            "a shard set reads its inputs once per shard: index files or folders, not `-` \
             (standard input)"
                .into(),
        ));
    }
    // One shard reads every input; a whole set plans first, so each shard reads only its files.
    let (keys, planned) = match only {
        Some(key) => (vec![only_key(existing.as_ref(), by, key)?], None),
        None => {
            let planned = plan::plan(&roots, by)?;
            let mut keys: Vec<String> = planned.shards.iter().map(|s| s.key.clone()).collect();
            keys.extend(
                existing
                    .iter()
                    .flat_map(|s| s.shards.iter().map(|e| e.key.clone())),
            );
            keys.sort();
            keys.dedup();
            (keys, Some(planned))
        }
    };
    let mut runs = Vec::new();
    for key in keys {
        let entry = entry_of(existing.as_ref(), by, &key);
        let shard_dir = dir.shard_dir(&entry);
        if !options.dry_run {
            dir.record_shard(
                by,
                ShardEntry {
                    complete: false,
                    ..entry.clone()
                },
            )?;
        }
        let filter = ShardFilter {
            by,
            key: key.clone(),
            files: planned.as_ref().map(|p| Arc::new(p.files_of(&key))),
            run_articles: planned
                .as_ref()
                .map(|p| p.shards.iter().map(|s| s.articles).sum()),
            planned_keys: planned.as_ref().map(plan::ShardPlan::keys),
        };
        let shard_options = match recorded {
            true => BuildOptions {
                roots: Vec::new(),
                fallback_roots: roots.clone(),
                shard: Some(filter),
                ..options.clone()
            },
            false => BuildOptions {
                roots: roots.clone(),
                shard: Some(filter),
                ..options.clone()
            },
        };
        progress.shard(&key);
        let summary = match build::build(&shard_dir, &shard_options, progress) {
            Ok(summary) => summary,
            // Another process holds the shard: this run never touched it, so it is left as
            // recorded, not marked incomplete for good.
            Err(e @ Error::Locked { .. }) => {
                if !options.dry_run {
                    dir.record_shard(by, entry)?;
                }
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        let new = existing
            .as_ref()
            .is_none_or(|set| set.shard(&key).is_none());
        let (articles, passages) = counts(&shard_dir).unwrap_or((entry.articles, 0));
        if !options.dry_run && only.is_some() && new && summary.complete && articles == 0 {
            // A key no article falls in (`--shard 2201` for 2021) would stay in the set for
            // good, empty, searched by every query.
            dir.update_shard_set(by, |manifest| manifest.shards.retain(|s| s.key != key))?;
            let folder = shard_dir.path();
            std::fs::remove_dir_all(folder).map_err(|e| Error::io(folder, e))?;
            runs.push(ShardRun {
                key,
                summary,
                dropped: true,
            });
            break;
        }
        if !options.dry_run {
            dir.record_shard(
                by,
                ShardEntry {
                    articles,
                    passages,
                    complete: summary.complete,
                    ..entry
                },
            )?;
        }
        let complete = summary.complete;
        runs.push(ShardRun {
            key,
            summary,
            dropped: false,
        });
        if !complete {
            break;
        }
    }
    Ok(runs)
}

/// The key `--shard` names: a key of the set, or the folder name of one.
/// The key `--shard KEY` names: a shard of the set, or a key of its partition (a year `1985`,
/// a month `1985-09`, or a source). Anything else is refused before anything is written: a
/// date key is also the shard's folder name, so `../other` would reach outside the set.
fn only_key(existing: Option<&SetManifest>, by: ShardBy, key: &str) -> Result<String> {
    if let Some(entry) = existing.and_then(|set| set.shard(key)) {
        return Ok(entry.key.clone());
    }
    let digits = |s: &str| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit());
    let valid = match by {
        ShardBy::Year => digits(key),
        ShardBy::Month => match key.split_once('-') {
            None => digits(key),
            Some((year, month)) => {
                digits(year)
                    && month.len() == 2
                    && month.parse::<u8>().is_ok_and(|m| (1..=12).contains(&m))
            }
        },
        ShardBy::Source => true,
    };
    match valid {
        true => Ok(key.to_owned()),
        false => Err(Error::Invalid(format!(
            "--shard '{}': a shard of a set by {by} is named by its {}, like --shard {}",
            crate::error::printable(key),
            by.name(),
            match by {
                ShardBy::Month => "1985-09",
                _ => "1985",
            }
        ))),
    }
}

/// The manifest's entry of `key`, or a new one.
fn entry_of(existing: Option<&SetManifest>, by: ShardBy, key: &str) -> ShardEntry {
    if let Some(entry) = existing.and_then(|set| set.shards.iter().find(|s| s.key == key)) {
        return entry.clone();
    }
    ShardEntry {
        key: key.to_owned(),
        folder: format!("{SHARDS_FOLDER}/{}", by.folder(key)),
        period: by.period(key),
        articles: 0,
        passages: 0,
        complete: false,
    }
}

/// The roots the set's shards record, or `fallback` for a set that records none.
fn recorded_roots(
    dir: &IndexDir,
    existing: Option<&SetManifest>,
    fallback: &[PathBuf],
) -> Vec<PathBuf> {
    let mut roots: Vec<String> = match existing {
        Some(set) => (set.shards.iter())
            .filter_map(|entry| dir.shard_dir(entry).recorded_roots())
            .flat_map(|r| r.paths)
            .collect(),
        // A set without its manifest (set aside, damaged): the shard folders still record
        // the roots they were built from.
        None => std::fs::read_dir(dir.path().join(SHARDS_FOLDER))
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.ok())
            .filter_map(|entry| IndexDir::new(entry.path()).recorded_roots())
            .flat_map(|r| r.paths)
            .collect(),
    };
    roots.sort();
    roots.dedup();
    // As a shard's own run walks them (relative to the working directory when under it), so
    // that the plan's files are the paths that run reads.
    match roots.is_empty() {
        true => fallback.to_vec(),
        false => roots
            .iter()
            .map(|r| crate::index::build::shown(r))
            .collect(),
    }
}

/// A shard's articles and passages, as its index holds them now.
fn counts(shard: &IndexDir) -> Result<(u64, u64)> {
    let stats = crate::stats::stats(&Searcher::open(shard)?)?;
    Ok((stats.articles, stats.passages))
}
