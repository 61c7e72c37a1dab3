//! The corpus roots an index answers for, kept with every commit (in its payload, beside the run
//! summary), so that a later run knows what the index was built from: a full rebuild re-reads
//! every root, a run over a folder inside a root keeps the root's ids, and a corpus that moved is
//! recognised at its new place instead of being indexed twice.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::run::RunSummary;

/// The roots of an index: canonical folders and files, as [`crate::corpus::path_key`]s.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roots {
    /// Sorted; none lies inside another.
    pub paths: Vec<String>,
    /// Roots that moved: the articles indexed from under `from` are read from under `to` now
    /// (their passages still name `from`, until they are rewritten).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub moved: Vec<Moved>,
    /// Folders that are no longer roots but whose roots inside them keep their ids relative to
    /// them (`c/` after `attache index c/sub --prune`: `c/sub/b.txt` stays `sub/b.txt`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub anchors: Vec<String>,
}

/// A root that moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    /// Where it was.
    pub from: String,
    /// Where it is.
    pub to: String,
}

/// What a commit carries: the run so far and the roots.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Payload {
    /// The run that made the commit.
    #[serde(flatten)]
    pub run: RunSummary,
    /// The index's roots (absent in indexes built before they were recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corpus_roots: Option<Roots>,
    /// The roots (origin keys) of interrupted runs that no complete run has read since: their
    /// articles may be missing, whatever later runs of other roots did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unfinished: Vec<String>,
    /// How the run that made the commit was asked for, while it has not finished (its
    /// checkpoints, and its commit when interrupted): what finishing it means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<Resume>,
}

/// An unfinished update as it was asked for: its paths, whether it prunes, and the name of its
/// standard input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resume {
    /// The paths given (as [`crate::corpus::path_key`]s; standard input is not among them).
    pub paths: Vec<String>,
    /// Whether the run was to remove the articles of every path not given.
    #[serde(default)]
    pub prune: bool,
    /// Whether it read standard input, and under which `--stdin-name` (empty for none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdin: Option<String>,
}

impl Resume {
    /// Whether finishing the run needs more than `attache index` with no paths, which reads
    /// the recorded roots: the run pruned (a plain run would read every root, and keep both
    /// copies of what the run was to replace), or it read standard input.
    pub fn needs_its_command(&self) -> bool {
        self.prune || self.stdin.is_some()
    }

    /// The command that finishes the run, for advice: `attache index PATHS --prune`, or for
    /// standard input `… | attache index - --stdin-name NAME`.
    pub fn command(&self) -> String {
        let mut words: Vec<String> = vec!["attache index".to_owned()];
        words.extend(self.paths.iter().map(|p| quoted(p)));
        if let Some(name) = &self.stdin {
            words.push("-".to_owned());
            if !name.is_empty() {
                words.push(format!("--stdin-name {}", quoted(name)));
            }
        }
        if self.prune {
            words.push("--prune".to_owned());
        }
        let command = words.join(" ");
        match self.stdin {
            Some(_) => format!("… | {command}"),
            None => command,
        }
    }
}

/// `text` as a shell word: quoted when it holds anything but plain path characters.
fn quoted(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || "/._-+,:@%".contains(c));
    match plain {
        true => text.to_owned(),
        false => format!("'{}'", text.replace('\'', "'\\''")),
    }
}

impl Roots {
    /// These paths, sorted, without duplicates or paths inside another.
    pub fn of(paths: impl IntoIterator<Item = String>) -> Roots {
        let mut paths: Vec<String> = paths.into_iter().collect();
        paths.sort();
        paths.dedup();
        let outer: Vec<String> = paths
            .iter()
            .filter(|p| !paths.iter().any(|o| o != *p && within(p, o)))
            .cloned()
            .collect();
        Roots {
            paths: outer,
            moved: Vec::new(),
            anchors: Vec::new(),
        }
    }

    /// These roots and `more`, with the moves and anchors recorded so far.
    pub fn with(&self, more: &[String]) -> Roots {
        let mut roots = Roots::of(self.paths.iter().chain(more).cloned());
        roots.moved = self.moved.clone();
        roots.anchoring_as(self)
    }

    /// What ids are relative to: the roots and the anchors, each root's outermost.
    pub fn anchoring(&self) -> Vec<String> {
        self.paths.iter().chain(&self.anchors).cloned().collect()
    }

    /// These roots, with the folders of `before` (roots or anchors) that hold one of them
    /// without being one kept as anchors, so that a run over fewer roots (`--prune` over a
    /// sub-folder) changes no id.
    pub fn anchoring_as(mut self, before: &Roots) -> Roots {
        let mut anchors: Vec<String> = before
            .anchoring()
            .into_iter()
            .filter(|a| {
                !self.paths.iter().any(|p| within(a, p)) && self.paths.iter().any(|p| within(p, a))
            })
            .collect();
        anchors.sort();
        anchors.dedup();
        self.anchors = anchors;
        self
    }

    /// Records that the root `from` is now at `to`.
    pub fn relocate(&mut self, from: &str, to: &str) {
        for moved in &mut self.moved {
            if moved.to == from {
                moved.to = to.to_owned();
            }
        }
        self.moved.push(Moved {
            from: from.to_owned(),
            to: to.to_owned(),
        });
        let paths = self.paths.iter().filter(|p| *p != from).cloned();
        let moved = std::mem::take(&mut self.moved);
        let anchors = std::mem::take(&mut self.anchors);
        *self = Roots::of(paths.chain([to.to_owned()]));
        self.moved = moved;
        self.anchors = anchors;
    }

    /// The root holding `origin`, if any.
    pub fn holding(&self, origin: &str) -> Option<&str> {
        self.paths
            .iter()
            .find(|root| within(origin, root))
            .map(String::as_str)
    }
}

/// Whether the origin `path` is `root` or lies under it (component-wise, so `/a/bc` is not
/// under `/a/b`). `<stdin…>` origins are only within themselves.
pub fn within(path: &str, root: &str) -> bool {
    if path.starts_with('<') || root.starts_with('<') {
        return path == root;
    }
    Path::new(path).starts_with(root)
}

/// `origin` with the root `from` replaced by `to`, when it lies under `from`.
pub fn moved_origin(origin: &str, from: &str, to: &str) -> Option<String> {
    if !within(origin, from) {
        return None;
    }
    Some(format!("{to}{}", &origin[from.len()..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_are_sorted_and_hold_no_root_inside_another() {
        let roots = Roots::of(
            ["/c/sub", "/b", "/c", "/c", "/cd", "/b/x.jsonl"]
                .into_iter()
                .map(String::from),
        );
        assert_eq!(roots.paths, ["/b", "/c", "/cd"]);
        assert_eq!(roots.holding("/c/sub/a.txt"), Some("/c"));
        assert_eq!(roots.holding("/cd/a.txt"), Some("/cd"));
        assert_eq!(roots.holding("/e/a.txt"), None);
        assert_eq!(roots.holding("<stdin>"), None);
    }

    #[test]
    fn a_move_replaces_the_root_and_chains_earlier_moves() {
        let mut roots = Roots::of(["/old/c".to_owned(), "/b".to_owned()]);
        roots.relocate("/old/c", "/new/c");
        assert_eq!(roots.paths, ["/b", "/new/c"]);
        roots.relocate("/new/c", "/newer/c");
        assert_eq!(roots.paths, ["/b", "/newer/c"]);
        assert_eq!(
            roots.moved,
            [
                Moved {
                    from: "/old/c".into(),
                    to: "/newer/c".into()
                },
                Moved {
                    from: "/new/c".into(),
                    to: "/newer/c".into()
                }
            ]
        );
        assert_eq!(
            moved_origin("/old/c/sub/a.txt", "/old/c", "/new/c").as_deref(),
            Some("/new/c/sub/a.txt")
        );
        assert_eq!(moved_origin("/old/cd/a.txt", "/old/c", "/new/c"), None);
    }

    #[test]
    fn payloads_without_roots_still_read_as_run_summaries() {
        let old = r#"{"mode":"update","complete":true,"added":2,"roots":["corpus"]}"#;
        let payload: Payload = serde_json::from_str(old).unwrap();
        assert_eq!(payload.run.added, 2);
        assert_eq!(payload.corpus_roots, None);
        let new = serde_json::to_string(&Payload {
            run: payload.run.clone(),
            corpus_roots: Some(Roots::of(["/c".to_owned()])),
            unfinished: Vec::new(),
            resume: None,
        })
        .unwrap();
        let run: RunSummary = serde_json::from_str(&new).unwrap();
        assert_eq!(run, payload.run);
        let back: Payload = serde_json::from_str(&new).unwrap();
        assert_eq!(back.corpus_roots.unwrap().paths, ["/c"]);
    }
}
