//! Files a command writes at a path the user names (`facets --svg FILE`, `gen --out FILE`):
//! never inside an index, never over a file of another kind (a corpus file, the model a run
//! learns from), and never left half written under the final name. Each is written to
//! `FILE.partial` beside it, created anew, and renamed over `FILE` once complete: an interrupted
//! run leaves the `.partial` file (which no corpus walk reads) and the previous `FILE` as it
//! was, and the next run names that `.partial` and asks for it to be removed rather than write
//! through it.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;

use attache::index::IndexDir;

/// What a command writes, to tell a file it may replace (its own earlier output) from one it
/// must not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An SVG chart (`facets --svg`).
    Chart,
    /// A generated corpus (`gen --out`): JSON Lines whose first id starts `gen-`.
    Generated,
    /// A generator model (`gen --learn --out`).
    Model,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Chart => "an SVG chart",
            Kind::Generated => "a corpus made by `attache gen`",
            Kind::Model => "a model made by `attache gen --learn`",
        }
    }

    /// Whether a file starting with `head` is of this kind.
    fn is(self, head: &[u8]) -> bool {
        let text = String::from_utf8_lossy(head);
        let text = text.trim_start_matches('\u{feff}').trim_start();
        match self {
            Kind::Chart => text.starts_with("<svg") || text.starts_with("<?xml") || text.is_empty(),
            Kind::Generated => text.starts_with("{\"id\":\"gen-") || text.is_empty(),
            Kind::Model => text.starts_with("# attache gen model") || text.is_empty(),
        }
    }
}

/// Checks that `path` may be written as `kind`: it is not inside an index folder or shard set,
/// and it is missing, empty or already of `kind`.
///
/// # Errors
/// One line naming the path and why, with what to do.
pub fn check(path: &Path, kind: Kind) -> anyhow::Result<()> {
    if let Some(index) = inside_index(path) {
        anyhow::bail!(
            "{}: inside the index at {}: write {} elsewhere",
            path.display(),
            index.display(),
            kind.name()
        );
    }
    let partial = partial_of(path);
    refuse_existing(&partial)?;
    let mut head = Vec::new();
    match std::fs::File::open(path) {
        Ok(file) if path.is_file() => {
            file.take(256)
                .read_to_end(&mut head)
                .with_context(|| format!("cannot read {}", path.display()))?;
        }
        Ok(_) => anyhow::bail!("{} is a folder: name a file", path.display()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
    if !kind.is(&head) {
        anyhow::bail!(
            "{} exists and is not {}: remove it first or name another file",
            path.display(),
            kind.name()
        );
    }
    Ok(())
}

/// Writes `path` through `write`, which is given the `.partial` path to write, then renames it
/// into place; on failure the `.partial` file is removed and `path` is untouched.
///
/// # Errors
/// `write`'s error, or the rename's.
pub fn atomically<T>(
    path: &Path,
    write: impl FnOnce(&Path) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let partial = partial_of(path);
    // Never written through: a `.partial` already there is named, not followed or replaced,
    // and the file is created anew, so that nothing else can stand in its place.
    refuse_existing(&partial)?;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&partial)
        .map_err(|e| {
            let why = e.to_string().to_lowercase();
            anyhow::anyhow!("{}: cannot write it there: {why}", path.display())
        })?;
    match write(&partial) {
        Ok(value) => {
            std::fs::rename(&partial, path).with_context(|| {
                format!("cannot rename {} to {}", partial.display(), path.display())
            })?;
            Ok(value)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

/// An error when `partial` exists in any form (a link to an index's `CURRENT`, a user's own
/// file, an interrupted run's output): it is never followed or replaced.
fn refuse_existing(partial: &Path) -> anyhow::Result<()> {
    if std::fs::symlink_metadata(partial).is_ok() {
        anyhow::bail!(
            "{} exists (an interrupted run's output?): remove it first",
            partial.display()
        );
    }
    Ok(())
}

/// `FILE.partial`, beside `FILE`.
pub fn partial_of(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

/// The index folder or shard set `path` would be written into, if any: the nearest existing
/// ancestor folder holding an index's `CURRENT` or a set's `shards.json`, or that ancestor's.
pub(super) fn inside_index(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut folder = absolute.parent();
    while let Some(dir) = folder {
        if dir.is_dir() {
            let index = IndexDir::new(dir);
            if matches!(index.current(), Ok(Some(_))) || index.is_shard_set() {
                return Some(dir.to_path_buf());
            }
        }
        folder = dir.parent();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_knows_its_own_files() {
        assert!(Kind::Chart.is(b"<svg width=\"960\""));
        assert!(Kind::Chart.is(b"<?xml version=\"1.0\"?>\n<svg"));
        assert!(!Kind::Chart.is(b"{\"id\":\"a\",\"date\":\"2020\"}"));
        assert!(Kind::Generated.is(b"{\"id\":\"gen-1-00000000\",\"date\":\"1990\"}"));
        assert!(!Kind::Generated.is(b"{\"id\":\"p\",\"date\":\"2020\",\"body\":\"my only copy\"}"));
        assert!(!Kind::Generated.is(b"date 2020\nA speech."));
        assert!(Kind::Model.is(b"# attache gen model, learned by"));
        assert!(!Kind::Model.is(b"{\"id\":\"p\"}"));
        // An empty file holds nothing to lose.
        assert!(Kind::Generated.is(b""));
    }

    #[test]
    fn the_partial_file_sits_beside_the_file() {
        assert_eq!(
            partial_of(Path::new("out/gen-s1-n10.jsonl")),
            Path::new("out/gen-s1-n10.jsonl.partial")
        );
    }
}
