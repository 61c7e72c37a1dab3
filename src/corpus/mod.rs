//! Reading a corpus: walking files and folders and parsing them into [`Article`]s.
//!
//! Two formats are read (see [`text`] and [`jsonl`]); every other file is ignored. Inputs are
//! visited in sorted order so runs are reproducible. A broken file or line never stops a run:
//! it becomes a [`Warning`] (`path: line N: why`), and the articles around it are still read.

pub mod clean;
pub mod date;
pub mod jsonl;
pub mod text;

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub use date::Date;

use crate::error::{Error, Result, printable};

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
        let path = self.path.display().to_string();
        write!(f, "{}: ", printable(&path))?;
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
        let full = path.file_name()?.to_string_lossy();
        let name = full
            .strip_suffix(".gz")
            .or_else(|| full.strip_suffix(".zst"))
            .unwrap_or(&full);
        match Path::new(name).extension()?.to_str()? {
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
    /// Where its articles come from, as kept in the index: the root's canonical path joined with
    /// `relative` (so a file reached through a symlink still belongs to its root), or `<stdin>`.
    pub origin: String,
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
        }
    }

    /// Opens the input for reading, decompressing gzip and zstd streams (recognised by their
    /// first bytes, whatever the name). Every byte taken from the underlying file or pipe is
    /// added to `consumed`, for progress.
    ///
    /// # Errors
    /// When the file cannot be opened or its first bytes cannot be read.
    pub fn open(&self, consumed: Arc<AtomicU64>) -> Result<Box<dyn BufRead>> {
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

/// Counts the bytes read through it.
struct Counting<R> {
    inner: R,
    consumed: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
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
}

impl Inputs {
    /// Total bytes of the readable files.
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }
}

/// Walks `roots` (files or folders) in sorted order.
///
/// # Errors
/// A root that does not exist is an error: nothing would be indexed from it.
pub fn walk(roots: &[PathBuf]) -> Result<Inputs> {
    let mut inputs = Inputs::default();
    for root in roots {
        if root.as_os_str() == "-" {
            inputs.files.push(Input::stdin());
            continue;
        }
        if !root.exists() {
            return Err(Error::Invalid(format!(
                "corpus path '{}' does not exist",
                root.display()
            )));
        }
        let canonical = root
            .canonicalize()
            .map_err(|e| Error::io(root, e))?
            .to_string_lossy()
            .into_owned();
        let origin_of = |path: &Path| match path.strip_prefix(root) {
            Ok(rest) if !rest.as_os_str().is_empty() => Path::new(&canonical)
                .join(rest)
                .to_string_lossy()
                .into_owned(),
            _ => canonical.clone(),
        };
        let walker = walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name();
        for entry in walker {
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
                    inputs.unreadable.push(origin_of(&path));
                    inputs.warnings.push(Warning {
                        path,
                        line: None,
                        message,
                    });
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let path = entry.path();
            let Some(format) = Format::of(path) else {
                inputs.ignored += 1;
                continue;
            };
            let relative = if entry.depth() == 0 {
                path.file_name().unwrap_or_default().to_string_lossy()
            } else {
                path.strip_prefix(root).unwrap_or(path).to_string_lossy()
            };
            inputs.files.push(Input {
                path: path.to_path_buf(),
                relative: relative.replace('\\', "/"),
                format,
                size: entry.metadata().map_or(0, |m| m.len()),
                stdin: false,
                origin: origin_of(path),
            });
        }
    }
    Ok(inputs)
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
    read_counted(input, Arc::default(), sink)
}

/// [`read`], adding every byte taken from the file or pipe to `consumed`, for progress.
///
/// # Errors
/// As [`read`].
pub fn read_counted(
    input: &Input,
    consumed: Arc<AtomicU64>,
    sink: &mut dyn FnMut(Record),
) -> Result<()> {
    let reader = input.open(consumed)?;
    match input.format {
        Format::Text => text::read_from(reader, input, sink),
        Format::JsonLines => jsonl::read_from(reader, input, sink),
    }
}

/// A title from the body: its first sentence, cut at a word boundary to about 120 characters.
pub fn title_from_body(body: &str) -> String {
    const MAX: usize = 120;
    let first = body.trim_start().lines().next().unwrap_or("");
    let sentence_end = first
        .match_indices(['.', '!', '?'])
        .map(|(i, _)| i + 1)
        .find(|&end| ends_sentence(first, end))
        .unwrap_or(first.len());
    let sentence = first[..sentence_end].trim();
    if sentence.chars().count() <= MAX {
        return sentence.to_owned();
    }
    let cut = sentence
        .char_indices()
        .nth(MAX)
        .map_or(sentence.len(), |(i, _)| i);
    let cut = sentence[..cut].rfind(' ').unwrap_or(cut);
    format!(
        "{}…",
        sentence[..cut].trim_end_matches([',', ';', ':', ' '])
    )
}

/// Whether the terminal punctuation just before byte `end` of `line` closes a sentence: it is
/// followed by a space and a capital, and does not close an abbreviation (`U.S.`, `Mr.`).
fn ends_sentence(line: &str, end: usize) -> bool {
    let mut rest = line[end..].chars();
    if !rest.next().is_some_and(char::is_whitespace) {
        return false;
    }
    if !rest
        .next()
        .is_some_and(|c| c.is_uppercase() || "\"“‘(".contains(c))
    {
        return false;
    }
    let word = line[..end - 1].rsplit(' ').next().unwrap_or("");
    !(word.contains('.') || matches!(word, "Mr" | "Mrs" | "Ms" | "Dr" | "St" | "No"))
        && word.chars().count() > 1
}

/// The 1-based line of byte `offset` in `bytes`.
pub(crate) fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
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
        // A name that is not UTF-8 is still judged by its extension.
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.jsonl");
        assert_eq!(Format::of(Path::new(name)), Some(Format::JsonLines));
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
