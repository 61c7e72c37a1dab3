//! Planning a shard set: which partitions a corpus falls into, how many articles each holds
//! and which input files hold them, read without writing anything. `attache shards PATHS`
//! prints it for a driver that builds the shards elsewhere; a whole set's build uses it to read
//! only the files each shard needs.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64};

use serde::Serialize;

use crate::corpus::{self, Record, Warning};
use crate::error::{Error, Result};
use crate::index::shards::{Period, ShardBy};

/// One partition of a corpus.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedShard {
    /// The partition's key.
    pub key: String,
    /// The days its articles fall in; none when sharding by source.
    pub period: Option<Period>,
    /// The input files holding its articles, in walk order.
    pub files: Vec<PathBuf>,
    /// Its articles (duplicates of an id read earlier left out, as indexing leaves them).
    pub articles: u64,
}

/// How a corpus partitions.
#[derive(Debug, Clone, Default)]
pub struct ShardPlan {
    /// The partitions, by key.
    pub shards: Vec<PlannedShard>,
    /// Input files read.
    pub files: usize,
    /// Bad files and lines, skipped.
    pub warnings: Vec<Warning>,
    /// Files that could not be wholly read: every shard's build reads them, so that the
    /// articles it cannot see there are kept rather than removed.
    pub unclean: Vec<PathBuf>,
    /// Files a shard must read besides its own: those holding the first article of an id
    /// that the shard holds a later duplicate of, which indexing skips.
    extra: BTreeMap<String, BTreeSet<PathBuf>>,
    /// The key of every id read, by its first read: a shard holding an id the run read for
    /// another shard (in a file the shard does not read) lets it go.
    keys: Arc<HashMap<String, Arc<str>>>,
}

impl ShardPlan {
    /// The files a build of shard `key` must read (see [`crate::index::shards::ShardFilter`]).
    pub fn files_of(&self, key: &str) -> BTreeSet<PathBuf> {
        let mut files: BTreeSet<PathBuf> = self.unclean.iter().cloned().collect();
        if let Some(shard) = self.shards.iter().find(|s| s.key == key) {
            files.extend(shard.files.iter().cloned());
        }
        files.extend(self.extra.get(key).into_iter().flatten().cloned());
        files
    }

    /// The key of every id the run read (by its first read).
    pub fn keys(&self) -> Arc<HashMap<String, Arc<str>>> {
        self.keys.clone()
    }
}

/// Reads `paths` and partitions their articles `by`.
///
/// # Errors
/// A path that does not exist, or standard input (a set's build reads its inputs more than
/// once).
pub fn plan(paths: &[PathBuf], by: ShardBy) -> Result<ShardPlan> {
    if paths.iter().any(|p| p.as_os_str() == "-") {
        return Err(Error::Invalid(
            "a shard set reads its inputs once per shard: index files or folders, not `-` \
             (standard input)"
                .into(),
        ));
    }
    let inputs = corpus::walk(paths)?;
    let mut plan = ShardPlan {
        files: inputs.files.len(),
        warnings: inputs.warnings.clone(),
        ..ShardPlan::default()
    };
    let mut shards: BTreeMap<String, (Vec<PathBuf>, u64)> = BTreeMap::new();
    // Where each id was first read: file and shard.
    let mut first: HashMap<String, (usize, String)> = HashMap::new();
    let stop = Arc::new(AtomicBool::new(false));
    for (file_index, input) in inputs.files.iter().enumerate() {
        let mut unclean = false;
        let mut sink = |record: Record| match record {
            // Skipped by the build as well: an index cannot keep its values.
            Record::Article(article, line)
                if let Some(why) = crate::index::document::unindexable(&article) =>
            {
                unclean = true;
                plan.warnings.push(input.warning(line, why));
            }
            Record::Article(article, _) => {
                let key = by.key(&article);
                match first.get(&article.id) {
                    Some((at, earlier)) => {
                        if *earlier != key {
                            let file = inputs.files[*at].path.clone();
                            plan.extra.entry(key).or_default().insert(file);
                        }
                    }
                    None => {
                        first.insert(article.id, (file_index, key.clone()));
                        let (files, articles) = shards.entry(key).or_default();
                        if files.last() != Some(&input.path) {
                            files.push(input.path.clone());
                        }
                        *articles += 1;
                    }
                }
            }
            Record::Warning(warning) => {
                unclean = true;
                plan.warnings.push(warning);
            }
        };
        let read = corpus::read_until(input, Arc::new(AtomicU64::new(0)), stop.clone(), &mut sink);
        if let Err(e) = read {
            unclean = true;
            plan.warnings.push(input.warning_whole(e.to_string()));
        }
        if unclean {
            plan.unclean.push(input.path.clone());
        }
    }
    let mut names: HashMap<String, Arc<str>> = HashMap::new();
    let keys = first
        .into_iter()
        .map(|(id, (_, key))| {
            let key = names
                .entry(key)
                .or_insert_with_key(|k| Arc::from(k.as_str()));
            (id, key.clone())
        })
        .collect();
    plan.keys = Arc::new(keys);
    plan.shards = shards
        .into_iter()
        .map(|(key, (files, articles))| PlannedShard {
            period: by.period(&key),
            key,
            files,
            articles,
        })
        .collect();
    Ok(plan)
}
