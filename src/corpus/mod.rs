//! Reading a corpus: walking files and folders and parsing them into [`Article`]s.
//!
//! Two formats are read (see `text` and `jsonl`); every other file is ignored. Inputs are
//! visited in sorted order so runs are reproducible. A broken file or line never stops a run:
//! it becomes a [`Warning`] (`path: line N: why`), and the articles around it are still read.

pub(crate) mod clean;
pub mod date;
pub mod exported;
pub(crate) mod jsonl;
pub(crate) mod text;

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

pub use date::Date;
/// Reads JSON Lines articles from any reader, as [`read`] does from a file; the fuzz targets
/// drive it from memory.
pub use jsonl::read_from as read_jsonl_from;
/// Parses one plain-text article from its bytes; the fuzz targets drive it from memory.
pub use text::parse as parse_text;
pub use text::utf16 as utf16_hint;

use crate::error::{Error, Result, printable};

/// The hidden folder `attache export` stages its files in inside an existing empty folder,
/// moving them up once complete: beside it, the folder's export files are a cut export.
pub const EXPORT_STAGING: &str = ".attache-export.partial";

/// The longest JSON line or article file read, in bytes: a longer one is reported and skipped
/// without being held in memory, so a corrupt or hostile input cannot exhaust it.
pub const MAX_RECORD_BYTES: usize = 16 << 20;

/// The warning for a record longer than `max` bytes: `longer than 16 MB, skipped`.
pub(crate) fn too_long(max: usize) -> String {
    let mb = max as f64 / (1u64 << 20) as f64;
    format!("longer than {mb} MB, skipped")
}

/// One dated article, speech or statement, before it is split into passages.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// Unique id: the path relative to the walked root, or the `id` field of a JSON line.
    pub id: String,
    /// Publication date, at the precision the source gives.
    pub date: Date,
    /// The given title, or the body's first sentence.
    pub title: String,
    /// Publication or outlet, when known.
    pub source: Option<String>,
    /// Where the article was published, when known.
    pub url: Option<String>,
    /// Other named values (`country`, `speaker`, …), in input order.
    pub meta: Vec<(String, String)>,
    /// The full text.
    pub body: String,
    /// The passages as given, in order, when the article was read back from an export
    /// (`attache export`): they are indexed as they are, keeping their boundaries, and `body`
    /// is them joined by blank lines. Empty for every other article, whose body is split.
    pub passages: Vec<String>,
}

/// A bad file or line that was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file at fault.
    pub path: PathBuf,
    /// The 1-based line at fault, when one line is.
    pub line: Option<usize>,
    /// What is wrong, lowercase.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", printable(&shown(&self.path)))?;
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        f.write_str(&printable(&self.message))
    }
}

/// The formats attache reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `*.txt`: `date YYYY-MM-DD`, optional headers, then the body.
    Text,
    /// `*.jsonl`, `*.ndjson`: one JSON object per line; also gzip- or zstd-compressed
    /// (`*.jsonl.gz`, `*.jsonl.zst`), and `-` for standard input.
    JsonLines,
}

impl Format {
    /// The format of a file, judged by its name; `None` for files attache does not read.
    pub fn of(path: &Path) -> Option<Format> {
        // Extensions in any case: exports from Windows write `.TXT`, `.JSONL`.
        let full = path.file_name()?.to_string_lossy().to_lowercase();
        let name = full
            .strip_suffix(".gz")
            .or_else(|| full.strip_suffix(".zst"))
            .unwrap_or(&full);
        // After the last dot, so that a file named only `.txt` is read as its hidden
        // neighbours are (`Path::extension` sees no extension there).
        match name.rsplit_once('.')?.1 {
            "txt" if name.len() < full.len() => None,
            "txt" => Some(Format::Text),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            _ => None,
        }
    }
}

/// The name standard input goes by in ids' origins and warnings.
pub const STDIN: &str = "<stdin>";

/// One file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The file.
    pub path: PathBuf,
    /// Its id prefix: the path relative to the walked root, with `/` separators.
    pub relative: String,
    /// How to read it.
    pub format: Format,
    /// Size in bytes, for progress (0 for standard input).
    pub size: u64,
    /// Whether this is standard input (`-`) rather than a file.
    pub stdin: bool,
    /// Where its articles come from, as kept in the index (a [`path_key`]): the root's canonical
    /// path joined with the file's path under it (so a file reached through a symlink still
    /// belongs to its root), or `<stdin>`.
    pub origin: String,
    /// The root its id is relative to, as a [`path_key`] (empty for standard input).
    pub anchor: String,
}

impl Input {
    /// A warning about line `line` of this input.
    pub fn warning(&self, line: usize, message: String) -> Warning {
        Warning {
            path: self.path.clone(),
            line: Some(line),
            message,
        }
    }

    /// A warning about this input as a whole.
    pub fn warning_whole(&self, message: String) -> Warning {
        Warning {
            path: self.path.clone(),
            line: None,
            message,
        }
    }

    /// Standard input, read as JSON Lines.
    pub fn stdin() -> Input {
        Input {
            path: PathBuf::from(STDIN),
            relative: STDIN.to_owned(),
            format: Format::JsonLines,
            size: 0,
            stdin: true,
            origin: STDIN.to_owned(),
            anchor: String::new(),
        }
    }

    /// Opens the input for reading, decompressing gzip and zstd streams (recognised by their
    /// first bytes, whatever the name). Every byte taken from the underlying file or pipe is
    /// added to `consumed`, for progress.
    ///
    /// # Errors
    /// When the file cannot be opened or its first bytes cannot be read.
    pub fn open(&self, consumed: Arc<AtomicU64>) -> Result<Box<dyn BufRead>> {
        self.open_until(consumed, None)
    }

    /// [`Input::open`], reading nothing more (an early end of input) once `stop` is set.
    ///
    /// # Errors
    /// As [`Input::open`].
    fn open_until(
        &self,
        consumed: Arc<AtomicU64>,
        stop: Option<Arc<AtomicBool>>,
    ) -> Result<Box<dyn BufRead>> {
        let raw: Box<dyn Read> = if self.stdin {
            Box::new(std::io::stdin().lock())
        } else {
            Box::new(std::fs::File::open(&self.path).map_err(|e| Error::io(&self.path, e))?)
        };
        let mut reader = BufReader::with_capacity(
            1 << 16,
            Counting {
                inner: raw,
                consumed,
                stop,
            },
        );
        let magic = reader.fill_buf().map_err(|e| Error::io(&self.path, e))?;
        Ok(if magic.starts_with(&[0x1f, 0x8b]) {
            Box::new(BufReader::with_capacity(
                1 << 16,
                flate2::bufread::MultiGzDecoder::new(reader),
            ))
        } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            let decoder =
                zstd::Decoder::with_buffer(reader).map_err(|e| Error::io(&self.path, e))?;
            Box::new(BufReader::with_capacity(1 << 16, decoder))
        } else {
            Box::new(reader)
        })
    }
}

/// Counts the bytes read through it; ends early once `stop` is set.
struct Counting<R> {
    inner: R,
    consumed: Arc<AtomicU64>,
    stop: Option<Arc<AtomicBool>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self
            .stop
            .as_ref()
            .is_some_and(|s| s.load(Ordering::Relaxed))
        {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        self.consumed.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// What walking the corpus roots found.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Readable files, sorted within each root, roots in the order given.
    pub files: Vec<Input>,
    /// Files skipped because attache does not read their type.
    pub ignored: usize,
    /// Folders or files that could not be walked.
    pub warnings: Vec<Warning>,
    /// The origins (see [`Input::origin`]) of what could not be walked: articles indexed from
    /// there earlier are kept rather than judged removed.
    pub unreadable: Vec<String>,
    /// The roots walked, as [`path_key`]s of their canonical paths, in the order given, without
    /// those inside another (standard input is not among them).
    pub roots: Vec<String>,
    /// Roots (of [`Inputs::roots`]) that are the very folder or file of a root walked before
    /// them (`lc -> c` beside `c`): read once, under that root, and not empty for it.
    pub aliases: Vec<String>,
    /// Folders and files a root given reached that are a recorded root's this run does not
    /// read (`c/s` for the root `ls -> c/s`, when `c` alone is given), each with that root (a
    /// [`path_key`]): passed by, and their articles left as that root indexed them.
    pub passed_by: Vec<(PathBuf, String)>,
}

impl Inputs {
    /// Total bytes of the readable files.
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }
}

/// Walks `roots` (files or folders) in sorted order; ids are relative to each root.
///
/// # Errors
/// A root that does not exist is an error: nothing would be indexed from it.
pub fn walk(roots: &[PathBuf]) -> Result<Inputs> {
    walk_anchored(roots, &[])
}

/// Walks `roots` (files or folders) in sorted order, each file once. An article file's id is its
/// path relative to the outermost of `anchors` (the roots an index already records, as
/// [`path_key`]s) and `roots` that holds it, so it does not depend on which folder or file is
/// named: `c/sub/a.txt` is `sub/a.txt` whether `c` or `c/sub` is walked, once `c` is a root. A
/// root inside another root given is walked with it, not again.
///
/// # Errors
/// A root that does not exist is an error: nothing would be indexed from it.
pub fn walk_anchored(roots: &[PathBuf], anchors: &[String]) -> Result<Inputs> {
    walk_until(roots, anchors, &[], &mut || false)
}

/// [`walk_anchored`], walking no further once `stop` says so (a cancelled run): the inputs
/// found by then are returned, and the run must not take them for the whole corpus. The
/// folders and files of `claimed` (recorded roots that keep their articles in this run, as
/// [`path_key`]s) are theirs: a root given that reaches one (through a link) passes it by.
///
/// # Errors
/// As [`walk_anchored`].
pub fn walk_until(
    roots: &[PathBuf],
    anchors: &[String],
    claimed: &[String],
    stop: &mut dyn FnMut() -> bool,
) -> Result<Inputs> {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    // A folder's or file's device and inode, links followed.
    let identity = |path: &Path| std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()));
    let mut inputs = Inputs::default();
    let mut given: Vec<(&PathBuf, PathBuf)> = Vec::new();
    for root in roots {
        if root.as_os_str() == "-" {
            if !inputs.files.iter().any(|f| f.stdin) {
                inputs.files.push(Input::stdin());
            }
            continue;
        }
        if !root.exists() {
            // A deleted file's articles go when a run reads the root that held it.
            let hint = " (to remove the articles indexed from a deleted file, run `attache \
                        index` with no paths: a run of the index's roots removes what was \
                        deleted from them)";
            return Err(Error::Invalid(format!(
                "corpus path '{}' does not exist{hint}",
                printable(&shown(root))
            )));
        }
        let canonical = root_path(root).map_err(|e| Error::io(root, e))?;
        // An index built before roots were recorded by their links knows this one by its
        // target: it keeps that name, so that its articles are not taken for another root's.
        let anchored = |path: &Path| anchors.iter().any(|a| path.starts_with(path_of_key(a)));
        let canonical = match root.canonicalize() {
            Ok(target) if target != canonical && !anchored(&canonical) && anchored(&target) => {
                target
            }
            _ => canonical,
        };
        // A root given by another path to the very folder or file of a recorded root (`c/s`
        // for the recorded link `ls -> c/s`) is read as that root: its articles keep their ids.
        let recorded = |path: &Path| anchors.iter().any(|a| path_of_key(a) == path);
        let canonical = match identity(root) {
            Some(id) if !recorded(&canonical) => (anchors.iter())
                .map(|a| path_of_key(a))
                .find(|a| identity(a) == Some(id))
                .unwrap_or(canonical),
            _ => canonical,
        };
        given.push((root, canonical));
    }
    // A root inside another (or named twice) is read with the outer one.
    let outer: Vec<bool> = given
        .iter()
        .enumerate()
        .map(|(i, (_, path))| {
            !given
                .iter()
                .enumerate()
                .any(|(j, (_, other))| path.starts_with(other) && (path != other || j < i))
        })
        .collect();
    let anchors: Vec<PathBuf> = anchors
        .iter()
        .map(|a| path_of_key(a))
        .chain(given.iter().map(|(_, c)| c.clone()))
        .collect();
    let mut seen = std::collections::HashSet::new();
    // Files by device and inode: one reached again through a link (`alias.txt -> a.txt`) is
    // read once.
    let mut files = std::collections::HashSet::new();
    // Folders by device and inode: one reached again through links that rejoin (`a/x` and
    // `a/y` both linking to `b`, and so on down) is walked once, not once per path (2^depth).
    let mut folders = std::collections::HashSet::new();
    // A folder that is itself a root given (through a link: `ls -> c/s` beside `c`) is read as
    // that root wherever else it is reached, so that its files keep one origin whatever the
    // order of the roots (a run of the recorded roots, sorted, read `c/s/b.txt` beside `ls/b.txt`).
    // So is a folder or file of a recorded root that keeps its articles outside the roots
    // given (the link `ls -> c/s`, when `c` alone is given, not `--prune`): it is that root's,
    // which this run does not read.
    let outer_paths: Vec<&PathBuf> = (given.iter().zip(&outer))
        .filter(|(_, outer)| **outer)
        .map(|((_, canonical), _)| canonical)
        .collect();
    let unread: std::collections::HashMap<(u64, u64), &String> = claimed
        .iter()
        .filter(|c| !outer_paths.iter().any(|g| path_of_key(c).starts_with(g)))
        .filter_map(|c| identity(&path_of_key(c)).map(|id| (id, c)))
        .collect();
    let mut root_folders: std::collections::HashSet<(u64, u64)> = (given.iter().zip(&outer))
        .filter(|(_, outer)| **outer)
        .filter_map(|((root, _), _)| identity(root))
        .collect();
    root_folders.extend(unread.keys());
    let mut passed_by: Vec<(PathBuf, String)> = Vec::new();
    for ((root, canonical), _) in given.iter().zip(&outer).filter(|(_, outer)| **outer) {
        inputs.roots.push(path_key(canonical));
        // The very folder or file of a root walked before it: read there, once.
        if let Ok(meta) = std::fs::metadata(root) {
            let id = (meta.dev(), meta.ino());
            let walked = match meta.is_dir() {
                true => folders.contains(&id),
                false => files.contains(&id),
            };
            if walked {
                inputs.aliases.push(path_key(canonical));
                continue;
            }
        }
        // The outermost root holding this one: ids are relative to it.
        let anchor = anchors
            .iter()
            .filter(|a| canonical.starts_with(a))
            .min_by_key(|a| a.components().count())
            .unwrap_or(canonical);
        let anchor_key = path_key(anchor);
        let origin_of = |path: &Path| match path.strip_prefix(root) {
            Ok(rest) if !rest.as_os_str().is_empty() => canonical.join(rest),
            _ => canonical.clone(),
        };
        // A folder named `*.partial` is an interrupted run's output (`attache export` writes
        // into `DIR.partial` and renames it once complete): its last file may be cut. It is
        // not read, and said so; what the index holds from it is kept, as from a folder that
        // cannot be read.
        let mut partial: Vec<PathBuf> = Vec::new();
        // A folder an export was moving its files into when it was killed: the files there
        // are a cut export, the whole one in its staging folder (see `EXPORT_STAGING`).
        let mut interrupted: Vec<PathBuf> = Vec::new();
        let walker = walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if !e.file_type().is_dir() {
                    return true;
                }
                let skip = e.depth() > 0 && e.file_name().to_string_lossy().ends_with(".partial");
                if skip {
                    partial.push(e.path().to_path_buf());
                }
                !skip
                    && e.metadata().map_or(true, |m| {
                        let folder = (m.dev(), m.ino());
                        if e.depth() > 0
                            && let Some(root) = unread.get(&folder)
                        {
                            passed_by.push((e.path().to_path_buf(), (*root).clone()));
                        }
                        (e.depth() == 0 || !root_folders.contains(&folder))
                            && folders.insert(folder)
                    })
            });
        for entry in walker {
            if stop() {
                return Ok(inputs);
            }
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    let path = err.path().unwrap_or(root).to_path_buf();
                    let message = match (err.loop_ancestor(), err.io_error()) {
                        (Some(ancestor), _) => format!(
                            "symlink loop: points back to {}, skipped",
                            ancestor.display()
                        ),
                        (None, Some(e)) => e.to_string().to_lowercase(),
                        (None, None) => err.to_string().to_lowercase(),
                    };
                    inputs.unreadable.push(path_key(&origin_of(&path)));
                    inputs.warnings.push(Warning {
                        path,
                        line: None,
                        message,
                    });
                    continue;
                }
            };
            let kind = entry.file_type();
            if kind.is_dir() {
                // A folder comes before what it holds.
                if entry.path().join(EXPORT_STAGING).is_dir() {
                    interrupted.push(entry.path().to_path_buf());
                }
                continue;
            }
            if !kind.is_file() {
                // A FIFO would block the read for ever, a device never end: an article file
                // that is neither is reported, and what the index holds of it is kept.
                if Format::of(entry.path()).is_some() || entry.depth() == 0 {
                    let path = entry.path().to_path_buf();
                    inputs.unreadable.push(path_key(&origin_of(&path)));
                    inputs.warnings.push(Warning {
                        path,
                        line: None,
                        message: match entry.depth() == 0 && kind.is_fifo() {
                            // `attache index <(zcat dump.jsonl.gz)`: the stream is read as
                            // standard input.
                            true => "a named pipe (FIFO), not a regular file: skipped; to index \
                                     a stream, pipe it into `attache index -`"
                                .to_owned(),
                            false => {
                                format!("{}, not a regular file: skipped", special_kind(&kind))
                            }
                        },
                    });
                } else {
                    inputs.ignored += 1;
                }
                continue;
            }
            let path = entry.path();
            if path
                .parent()
                .is_some_and(|p| interrupted.iter().any(|f| f == p))
                && Format::of(path).is_some()
            {
                inputs.unreadable.push(path_key(&origin_of(path)));
                continue;
            }
            let Some(format) = Format::of(path) else {
                // A file named on the command line is meant to be read: say why it is not. A
                // root that held articles (a folder replaced by such a file) keeps them.
                if entry.depth() == 0 {
                    inputs.unreadable.push(path_key(&origin_of(path)));
                    inputs.warnings.push(Warning {
                        path: path.to_path_buf(),
                        line: None,
                        message: "not a file attache reads, skipped: articles are *.txt, JSON \
                                  Lines *.jsonl or *.ndjson (also .gz or .zst)"
                            .to_owned(),
                    });
                } else {
                    inputs.ignored += 1;
                }
                continue;
            };
            let origin = origin_of(path);
            if !seen.insert(origin.clone()) {
                continue; // reached twice through symlinks
            }
            // The same file by another name (a link, a hard link), or another root's own file.
            let meta = entry.metadata().ok();
            if let Some(meta) = &meta {
                let id = (meta.dev(), meta.ino());
                if entry.depth() > 0 && root_folders.contains(&id) || !files.insert(id) {
                    if entry.depth() > 0
                        && let Some(root) = unread.get(&id)
                    {
                        inputs.passed_by.push((path.to_path_buf(), (*root).clone()));
                    }
                    continue;
                }
            }
            let relative = match origin.strip_prefix(anchor) {
                Ok(rest) if !rest.as_os_str().is_empty() => id_text(rest),
                _ => id_text(Path::new(path.file_name().unwrap_or_default())),
            };
            inputs.files.push(Input {
                path: path.to_path_buf(),
                relative,
                format,
                size: meta.map_or(0, |m| m.len()),
                stdin: false,
                origin: path_key(&origin),
                anchor: anchor_key.clone(),
            });
        }
        for folder in interrupted {
            let staging = folder.join(EXPORT_STAGING);
            partial.retain(|p| *p != staging);
            inputs.unreadable.push(path_key(&origin_of(&staging)));
            inputs.warnings.push(Warning {
                path: folder,
                line: None,
                message: format!(
                    "holds an export killed while it moved its files in (the whole export is in \
                     {EXPORT_STAGING}): its files are not read, and what the index holds from \
                     them is kept; export again"
                ),
            });
        }
        for path in partial {
            inputs.unreadable.push(path_key(&origin_of(&path)));
            inputs.warnings.push(Warning {
                path,
                line: None,
                message: "a folder named *.partial (an interrupted run's output?): not read, \
                          and what the index holds from it is kept; rename it to index it"
                    .to_owned(),
            });
        }
    }
    inputs.passed_by.append(&mut passed_by);
    inputs.passed_by.sort();
    inputs.passed_by.dedup();
    normalise_ids(&mut inputs.files);
    Ok(inputs)
}

/// Puts the article files' ids in Unicode form C, as queries and the other readers' ids are. Of
/// two names that differ only in their normalisation (`café` composed and decomposed, as two
/// file systems write it), the composed one takes the id and the other keeps its name as it is,
/// so that neither article is lost.
fn normalise_ids(files: &mut [Input]) {
    let forms: Vec<String> = files
        .iter()
        .map(|f| clean::nfc(&f.relative).into_owned())
        .collect();
    let mut names_of_form: std::collections::HashMap<&str, usize> =
        std::collections::HashMap::new();
    for form in &forms {
        *names_of_form.entry(form).or_default() += 1;
    }
    let shared: Vec<bool> = forms
        .iter()
        .map(|f| names_of_form[f.as_str()] > 1)
        .collect();
    for ((file, form), shared) in files.iter_mut().zip(forms).zip(shared) {
        if file.format == Format::Text && !(shared && file.relative != form) {
            file.relative = form;
        }
    }
}

/// What a file that is neither a regular file nor a folder is, for its warning.
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
    }
    let _ = kind;
    "a special file"
}

/// A root as the index records it: its absolute path with every link resolved but the root's
/// own. A root that is itself a link (`current -> v1`, a common deployment layout) is recorded
/// by the link's name, so that pointing the link elsewhere (`current -> v2`) is an update of
/// the same articles, not a second root beside the first.
///
/// # Errors
/// The root or its folder cannot be resolved.
pub fn root_path(root: &Path) -> std::io::Result<PathBuf> {
    let absolute = std::path::absolute(root)?;
    if std::fs::symlink_metadata(&absolute)?
        .file_type()
        .is_symlink()
        && let (Some(parent), Some(name)) = (absolute.parent(), absolute.file_name())
    {
        return Ok(parent.canonicalize()?.join(name));
    }
    absolute.canonicalize()
}

/// A path as the index keeps it (an article's origin, a root): its text, with each byte that is
/// not UTF-8 written `\xNN` and a backslash written `\\`, so that paths differing only in such
/// bytes stay distinct and [`path_of_key`] gives the path back.
pub fn path_key(path: &Path) -> String {
    escape_bytes(path.as_os_str().as_encoded_bytes(), true)
}

/// A path as attache shows it: its text, with each byte that is not UTF-8 written `\xNN`, so
/// that two paths differing only in such bytes never look the same.
pub fn shown(path: &Path) -> String {
    escape_bytes(path.as_os_str().as_encoded_bytes(), false)
}

/// The path a [`path_key`] stands for.
pub fn path_of_key(key: &str) -> PathBuf {
    if !key.contains('\\') {
        return PathBuf::from(key);
    }
    let mut bytes = Vec::with_capacity(key.len());
    let mut rest = key.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        rest = tail;
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match rest {
            [b'x', hi, lo, tail @ ..] => {
                let hex = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
                bytes.push(hex(*hi) << 4 | hex(*lo));
                rest = tail;
            }
            [next, tail @ ..] => {
                bytes.push(*next);
                rest = tail;
            }
            [] => bytes.push(b),
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        PathBuf::from(std::ffi::OsString::from_vec(bytes))
    }
    #[cfg(not(unix))]
    PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
}

/// A relative path as part of an article id: `/` separators, each byte that is not UTF-8 written
/// `\xNN` (so two names differing only there stay two ids).
fn id_text(relative: &Path) -> String {
    // A backslash of the name is doubled, so that no name written in UTF-8 (`caf\xe9.txt`,
    // with a backslash) takes the id of one that is not (`caf`, byte 0xE9, `.txt`).
    if cfg!(windows) {
        escape_bytes(relative.as_os_str().as_encoded_bytes(), false).replace('\\', "/")
    } else {
        escape_bytes(relative.as_os_str().as_encoded_bytes(), true)
    }
}

/// `bytes` as text: UTF-8 kept, other bytes as `\xNN`, and with `backslash` a `\` doubled.
fn escape_bytes(bytes: &[u8], backslash: bool) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        match backslash {
            true => out.push_str(&chunk.valid().replace('\\', "\\\\")),
            false => out.push_str(chunk.valid()),
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// What reading an input yields, in file order.
#[derive(Debug)]
pub enum Record {
    /// A good article; `line` is where it starts (1 for text files).
    Article(Article, usize),
    /// A bad line or file that was skipped.
    Warning(Warning),
}

/// Reads one input, streaming its records to `sink`.
///
/// # Errors
/// Only when the file cannot be opened or read at all; bad content becomes warnings.
pub fn read(input: &Input, sink: &mut dyn FnMut(Record)) -> Result<()> {
    read_until(input, Arc::default(), Arc::default(), sink)
}

/// [`read`], adding every byte taken from the file or pipe to `consumed`, for progress, and
/// reading no further once `stop` is set (a cancelled run): what follows is neither read nor
/// reported.
///
/// # Errors
/// As [`read`].
pub fn read_until(
    input: &Input,
    consumed: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    sink: &mut dyn FnMut(Record),
) -> Result<()> {
    let reader = input.open_until(consumed, Some(stop))?;
    match input.format {
        Format::Text => text::read_from(reader, input, sink),
        Format::JsonLines => jsonl::read_from(reader, input, sink),
    }
}

/// A title from the body: its first sentence, cut at a word boundary to about 120 characters.
pub fn title_from_body(body: &str) -> String {
    const MAX: usize = 120;
    // A lone `\r` ends a line too (a JSON Lines body from a classic Mac OS file).
    let first = body.trim_start().split(['\n', '\r']).next().unwrap_or("");
    let sentence = crate::analysis::sentences::sentences(first)
        .next()
        .map_or("", |r| &first[r]);
    if sentence.chars().count() <= MAX {
        return sentence.to_owned();
    }
    let cut = sentence
        .char_indices()
        .nth(MAX)
        .map_or(sentence.len(), |(i, _)| i);
    let cut = match sentence[..cut].rfind(' ') {
        Some(space) => space,
        // No space to cut at (Chinese, Japanese): not inside a character's cluster either.
        None => cluster_start(sentence, cut),
    };
    format!(
        "{}…",
        sentence[..cut].trim_end_matches([',', ';', ':', ' '])
    )
}

/// `at` (a char boundary of `text`), moved back to the start of the grapheme cluster it falls
/// in: before a combining mark (a Thai or Myanmar vowel sign, a tone mark), a variation
/// selector or a skin tone, and after a zero-width joiner or a virama (the Khmer coeng, the
/// Myanmar and Devanagari viramas, which join the next letter below or into a conjunct), a cut
/// would split a letter from its marks or an emoji sequence.
pub(crate) fn cluster_start(text: &str, mut at: usize) -> usize {
    use unicode_normalization::char::{canonical_combining_class, is_combining_mark};
    let extends = |c: char| {
        is_combining_mark(c)
            || c == '\u{200d}'
            || ('\u{fe00}'..='\u{fe0f}').contains(&c)
            || ('\u{1f3fb}'..='\u{1f3ff}').contains(&c)
    };
    let joins_next = |c: char| c == '\u{200d}' || canonical_combining_class(c) == 9;
    while at > 0
        && (text[at..].chars().next().is_some_and(extends)
            || text[..at].chars().next_back().is_some_and(joins_next))
    {
        at -= text[..at].chars().next_back().map_or(1, char::len_utf8);
    }
    at
}

/// The lines of `text`, as [`str::lines`] reads them but with a lone `\r` (a classic Mac OS
/// file) ending a line too, as it does in [`line_of`]: for the files of queries, needs and
/// judgements, whose line numbers errors name.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let t = rest.filter(|t| !t.is_empty())?;
        match t.find(['\n', '\r']) {
            None => {
                rest = None;
                Some(t)
            }
            Some(i) => {
                let end = if t[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&t[i + end..]);
                Some(&t[..i])
            }
        }
    })
}

/// The 1-based line of byte `offset` in `bytes`, where `\n`, `\r\n` and a lone `\r` (a
/// classic Mac OS file) end a line.
pub fn line_of(bytes: &[u8], offset: usize) -> usize {
    let before = &bytes[..offset.min(bytes.len())];
    let ends = before.iter().enumerate().filter(|&(i, &b)| {
        b == b'\n' || (b == b'\r' && bytes.get(i + 1).is_some_and(|&next| next != b'\n'))
    });
    ends.count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_the_first_sentence_cut_near_120_chars() {
        assert_eq!(
            title_from_body("Moscow rejected the European version outright. More text."),
            "Moscow rejected the European version outright."
        );
        let long = "President Donald Trump struck a cautious yet optimistic tone on Russia-Ukraine \
                    peace talks on Monday morning, following a meeting between his top \
                    representatives and Ukrainian officials in Geneva on Sunday.";
        let title = title_from_body(long);
        assert!(title.chars().count() <= 121, "{title}");
        assert_eq!(
            title,
            "President Donald Trump struck a cautious yet optimistic tone on Russia-Ukraine peace \
             talks on Monday morning, following…"
        );
        assert_eq!(
            title_from_body("U.S. plan sparks pushback"),
            "U.S. plan sparks pushback"
        );
        // No space to cut at: the cut keeps a letter with its accent, an emoji sequence whole.
        let accents = format!("x{}", "e\u{301}".repeat(70));
        let title = title_from_body(&accents);
        assert_eq!(title, format!("x{}…", "e\u{301}".repeat(59)));
        let family = format!("x{}", "👩\u{200d}👩\u{200d}👧".repeat(30));
        let title = title_from_body(&family);
        assert_eq!(title, format!("x{}…", "👩\u{200d}👩\u{200d}👧".repeat(23)));
        let title = title_from_body(&"习近平会见普京".repeat(30));
        assert_eq!(title.chars().count(), 121);
    }

    #[test]
    fn lines_end_at_a_lone_carriage_return_too() {
        fn all(t: &str) -> Vec<&str> {
            lines(t).collect()
        }
        assert_eq!(all("a\nb\r\nc\rd"), ["a", "b", "c", "d"]);
        assert_eq!(all("a\n\nb\n"), ["a", "", "b"]);
        assert_eq!(all("a\r\r"), ["a", ""]);
        assert!(all("").is_empty());
        // As `str::lines` reads a file without lone CRs.
        let text = "x\r\n\ny \n z";
        assert_eq!(all(text), text.lines().collect::<Vec<_>>());
        assert_eq!(line_of(b"a\rb\rc", 4), 3);
    }

    #[test]
    fn formats_are_judged_by_name_compressed_json_lines_included() {
        use std::os::unix::ffi::OsStrExt;
        let of = |name: &str| Format::of(Path::new(name));
        assert_eq!(of("a.txt"), Some(Format::Text));
        assert_eq!(of("dir/a.jsonl"), Some(Format::JsonLines));
        assert_eq!(of("a.ndjson.gz"), Some(Format::JsonLines));
        assert_eq!(of("a.jsonl.zst"), Some(Format::JsonLines));
        assert_eq!(of("a.txt.gz"), None, "compressed articles are not read");
        assert_eq!(of("notes.gz"), None);
        assert_eq!(of("a.md"), None);
        // A file named only by its extension is read like any hidden file.
        assert_eq!(of("dir/.txt"), Some(Format::Text));
        assert_eq!(of(".jsonl.gz"), Some(Format::JsonLines));
        assert_eq!(of("UP.TXT"), Some(Format::Text));
        assert_eq!(of("dump.JSONL.GZ"), Some(Format::JsonLines));
        assert_eq!(of("notes.md"), None);
        assert_eq!(of(".gz"), None);
        assert_eq!(of(".bashrc"), None);
        assert_eq!(of("README"), None);
        // A name that is not UTF-8 is still judged by its extension.
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.jsonl");
        assert_eq!(Format::of(Path::new(name)), Some(Format::JsonLines));
    }

    #[test]
    fn path_keys_keep_every_byte_and_give_the_path_back() {
        use std::os::unix::ffi::OsStrExt;
        let raw = |b: &[u8]| PathBuf::from(std::ffi::OsStr::from_bytes(b));
        let cases = [
            raw(b"/data/corpus/a.txt"),
            raw(b"/data/caf\xe9/a.txt"),
            raw(b"/data/caf\xe8/a.txt"),
            raw(b"/data/back\\slash/x\\x41.txt"),
            raw("/data/Київ/ü.txt".as_bytes()),
        ];
        let keys: Vec<String> = cases.iter().map(|p| path_key(p)).collect();
        assert_eq!(keys[0], "/data/corpus/a.txt");
        assert_eq!(keys[1], "/data/caf\\xe9/a.txt");
        assert_ne!(keys[1], keys[2]);
        assert_eq!(keys[3], "/data/back\\\\slash/x\\\\x41.txt");
        assert_eq!(keys[4], "/data/Київ/ü.txt");
        for (path, key) in cases.iter().zip(&keys) {
            assert_eq!(&path_of_key(key), path, "{key}");
        }
    }

    #[test]
    fn ids_do_not_depend_on_which_folder_or_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path().join("c");
        std::fs::create_dir_all(c.join("sub")).unwrap();
        for name in ["a.txt", "sub/a.txt", "sub/b.txt"] {
            std::fs::write(c.join(name), "date 2024 Text.").unwrap();
        }
        let ids = |inputs: &Inputs| -> Vec<String> {
            inputs.files.iter().map(|f| f.relative.clone()).collect()
        };
        let whole = walk(std::slice::from_ref(&c)).unwrap();
        assert_eq!(ids(&whole), ["a.txt", "sub/a.txt", "sub/b.txt"]);
        let anchors = whole.roots.clone();
        // The sub-folder, once its parent is a root, keeps the parent's ids.
        let sub = walk_anchored(&[c.join("sub")], &anchors).unwrap();
        assert_eq!(ids(&sub), ["sub/a.txt", "sub/b.txt"]);
        let file = walk_anchored(&[c.join("sub/b.txt")], &anchors).unwrap();
        assert_eq!(ids(&file), ["sub/b.txt"]);
        // Without a record, a lone folder or file is its own root.
        assert_eq!(ids(&walk(&[c.join("sub")]).unwrap()), ["a.txt", "b.txt"]);
        // Overlapping paths read a file once, relative to the outer one.
        let both = walk(&[c.join("sub/b.txt"), c.clone(), c.join("sub")]).unwrap();
        assert_eq!(ids(&both), ["a.txt", "sub/a.txt", "sub/b.txt"]);
        assert_eq!(both.roots, [path_key(&c.canonicalize().unwrap())]);
    }

    #[test]
    fn warnings_read_path_line_why() {
        let w = Warning {
            path: "corpus/a.jsonl".into(),
            line: Some(3),
            message: "malformed JSON".into(),
        };
        assert_eq!(w.to_string(), "corpus/a.jsonl: line 3: malformed JSON");
    }
}
