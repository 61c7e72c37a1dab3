//! Exporting an index for another engine: `attache export --format quickwit|opensearch DIR`.
//!
//! An export is the engine's index definition (a Quickwit index config, [`quickwit`]; an
//! OpenSearch or Elasticsearch mapping, [`opensearch`]) and one NDJSON document per passage
//! ([`PassageDoc`], whose fields `crate::corpus::exported` owns), written in article-id order,
//! each article's passages in order. Documents are streamed: one article is held at a time.
//!
//! The same NDJSON is an input of `attache index` (passages keep their boundaries), so an export
//! is also a portable copy of what the index holds. What the export carries and what it cannot
//! (attache's own ranking, sentence-bounded phrases, attribution) is told in docs/SCALE.md.

pub mod opensearch;
pub mod quickwit;
mod walk;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::{Map, Value};
use tantivy::TantivyDocument;

use crate::corpus::Date;
use crate::corpus::date::day_text;
use crate::corpus::exported::PassageDoc;
use crate::error::{Error, Result};
use crate::index::document::{Info, meta_key};
use crate::index::schema::Fields;
use crate::search::Searcher;
use crate::search::show::stored_passage;

/// The engines an index can be exported to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Quickwit 0.8+: `index-config.yaml` and `passages.ndjson`.
    Quickwit,
    /// OpenSearch (and Elasticsearch): `mapping.json` and `bulk-NNNN.ndjson` files of `_bulk`
    /// action and document lines, each within [`ExportRequest::bulk_bytes`] (an article is
    /// never split between two files; one larger than the bound gets a file of its own).
    OpenSearch,
}

impl Format {
    /// The format's name, as `--format` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Quickwit => "quickwit",
            Format::OpenSearch => "opensearch",
        }
    }
}

/// The default size bound of a bulk file: OpenSearch's documentation advises bulk requests of
/// 5 to 15 MB, and some hosted clusters take at most 10 MiB in one request.
pub const BULK_BYTES: u64 = 8 << 20;

/// The name the other engine's index gets unless told otherwise.
pub const DEFAULT_NAME: &str = "attache";

/// What to export, and where.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    /// The folder to write; it must be new or empty.
    pub dir: PathBuf,
    /// For which engine.
    pub format: Format,
    /// The other engine's index name (Quickwit's `index_id`).
    pub name: String,
    /// The most bytes of one bulk file (OpenSearch), [`BULK_BYTES`] by default.
    pub bulk_bytes: u64,
}

/// How far an export has gone, for progress.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Passages written.
    pub passages: u64,
    /// Passages in the index.
    pub total: u64,
    /// Articles written.
    pub articles: u64,
    /// Bytes written.
    pub bytes: u64,
}

/// What an export wrote.
#[derive(Debug, Clone)]
pub struct ExportSummary {
    /// The engine.
    pub format: Format,
    /// The folder.
    pub dir: PathBuf,
    /// The files written, definition first.
    pub files: Vec<PathBuf>,
    /// Passages written.
    pub passages: u64,
    /// Articles written.
    pub articles: u64,
    /// Bytes written, definition included.
    pub bytes: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Metadata keys renamed to be field names (`as written` → `as exported`).
    pub renamed: Vec<(String, String)>,
    /// The `.partial` folder a killed export had left, removed first.
    pub removed_partial: Option<PathBuf>,
}

/// Checks an index name for both engines: a lowercase letter, then lowercase letters, digits,
/// `-` and `_`, 3 to 255 in all (Quickwit's index id rule, and OpenSearch's lowercase one).
///
/// # Errors
/// A one-line reason naming the value.
pub fn check_name(name: &str) -> std::result::Result<(), String> {
    let ok = (3..=255).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    match ok {
        true => Ok(()),
        false => Err(format!(
            "index name '{}' must be 3 to 255 lowercase letters, digits, '-' or '_', starting \
             with a letter",
            crate::error::printable(name)
        )),
    }
}

/// Exports the index `searcher` reads, as `request` says, reporting progress after each
/// article; `progress` answering [`ControlFlow::Break`] stops the export (Ctrl-C).
///
/// # Errors
/// A folder that is not empty or cannot be written (naming it), a bad index name, a failure
/// reading the index, or [`Error::Interrupted`] when `progress` stopped it. Nothing of a failed
/// or stopped export stays behind.
pub fn export(
    searcher: &Searcher,
    request: &ExportRequest,
    progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
) -> Result<ExportSummary> {
    let started = Instant::now();
    check_name(&request.name).map_err(Error::Invalid)?;
    let Prepared {
        staging,
        into_existing,
        removed_partial,
        made,
    } = prepare(&request.dir)?;
    let written = write_all(searcher, request, &staging, progress);
    let Written {
        files,
        state,
        definition,
        renamed,
    } = match written {
        Ok(written) => written,
        Err(e) => {
            // The folder is this run's own: nothing of a failed export stays behind, nor the
            // folders made to hold it (when still empty).
            let _ = std::fs::remove_dir_all(&staging);
            for folder in &made {
                if std::fs::remove_dir(folder).is_err() {
                    break;
                }
            }
            return Err(e);
        }
    };
    // Complete: the folder takes its name, or (an empty folder given) its files move into it.
    match into_existing {
        false => {
            let _ = std::fs::remove_file(staging.join(WRITER_FILE));
            if let Err(e) = std::fs::rename(&staging, &request.dir) {
                // A folder made there meanwhile, with files in it: it is not replaced.
                return Err(match request.dir.exists() {
                    true => appeared(&request.dir, None, &staging),
                    false => Error::io(&request.dir, e),
                });
            }
        }
        true => move_into(&staging, &request.dir, files.first())?,
    }
    let files = files
        .into_iter()
        .map(|f| match f.strip_prefix(&staging) {
            Ok(name) => request.dir.join(name),
            Err(_) => f,
        })
        .collect();
    Ok(ExportSummary {
        format: request.format,
        dir: request.dir.clone(),
        files,
        passages: state.passages,
        articles: state.articles,
        bytes: state.bytes + definition as u64,
        seconds: started.elapsed().as_secs_f64(),
        renamed,
        removed_partial,
    })
}

/// The file in `DIR.partial` that names the export writing it (its pid), so that the next
/// export can tell a killed one's leftovers from a running one's; removed before the rename.
const WRITER_FILE: &str = ".attache-export";

/// Whether `staging` was left by an export that is no longer running: it names its writer,
/// and that process is gone (or is no attache).
fn left_by_a_killed_export(staging: &Path) -> bool {
    std::fs::read_to_string(staging.join(WRITER_FILE))
        .ok()
        .and_then(|pid| pid.trim().parse().ok())
        .is_some_and(|pid| crate::index::lock::attache_process(pid).is_none())
}

/// What [`write_all`] wrote.
struct Written {
    /// The files, the definition first.
    files: Vec<PathBuf>,
    /// Passages, articles and bytes of documents written.
    state: Progress,
    /// The definition's size in bytes.
    definition: usize,
    /// Metadata keys exported under another name.
    renamed: Vec<(String, String)>,
}

/// Writes the export into `staging`.
fn write_all(
    searcher: &Searcher,
    request: &ExportRequest,
    staging: &Path,
    progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
) -> Result<Written> {
    let fields = searcher.index().fields;
    let tantivy = searcher.reader().searcher();
    let mut out = Output::new(request, staging);
    let mut state = Progress {
        total: tantivy.num_docs(),
        ..Progress::default()
    };
    let mut keys = MetaKeys::default();
    searcher.guard(|| {
        walk::articles(&tantivy, &fields, &mut |id, docs| {
            let docs = documents(id, &docs, &fields, &mut keys)?;
            out.article(&docs)?;
            state.passages += docs.len() as u64;
            state.articles += 1;
            state.bytes = out.bytes;
            match progress(state) {
                ControlFlow::Continue(()) => Ok(()),
                ControlFlow::Break(()) => Err(Error::Interrupted(format!(
                    "the export stopped after {} of {} passages; nothing was written to {}",
                    state.passages,
                    state.total,
                    crate::error::printable(&request.dir.display().to_string())
                ))),
            }
        })
    })?;
    let mut files = out.finish()?;
    let (name, definition) = match request.format {
        Format::Quickwit => (quickwit::CONFIG_FILE, quickwit::index_config(&request.name)),
        Format::OpenSearch => (
            opensearch::MAPPING_FILE,
            opensearch::mapping(&keys.exported()),
        ),
    };
    let path = staging.join(name);
    std::fs::write(&path, &definition).map_err(|e| Error::io(&path, e))?;
    files.insert(0, path);
    Ok(Written {
        files,
        state,
        definition: definition.len(),
        renamed: keys.renamed,
    })
}

/// The folder an export is written to first, and what making it did.
struct Prepared {
    /// `DIR.partial` beside a new folder, `DIR/.attache-export.partial` inside an empty one.
    staging: PathBuf,
    /// Whether `DIR` is an existing empty folder, that the export's files move into once
    /// complete (it keeps its owner, permissions and place: a link, a mount point, `.`).
    into_existing: bool,
    /// The `.partial` folder a killed export had left, removed first.
    removed_partial: Option<PathBuf>,
    /// The folders above it that did not exist and were made, the innermost first: removed
    /// again when the export fails or is interrupted.
    made: Vec<PathBuf>,
}

/// The staging folder's name inside an existing empty export folder.
const INSIDE_STAGING: &str = crate::corpus::EXPORT_STAGING;

/// Checks the export folder (missing, or an empty folder: an export never mixes with older
/// files) and creates the folder the export is written to first: `DIR.partial` beside a new
/// folder, renamed to `DIR` once complete; inside an existing empty one, a hidden
/// `.attache-export.partial` whose files move up once complete. Either way an interrupted
/// export never stands as a complete one, and a folder that cannot be written is refused
/// before any work.
fn prepare(dir: &Path) -> Result<Prepared> {
    // `-` reads as standard output elsewhere; an export is a folder of files.
    if dir.as_os_str() == "-" {
        return Err(Error::Invalid(
            "'-': an export is a folder of files, not written to standard output: name a new \
             or empty folder"
                .into(),
        ));
    }
    let mut removed_partial = None;
    let existing = match std::fs::read_dir(dir) {
        Ok(entries) => {
            let names: Vec<std::ffi::OsString> = entries
                .filter_map(|e| e.ok().map(|e| e.file_name()))
                .collect();
            // What a killed export left inside is its own to replace; anything else is not.
            let inside = dir.join(INSIDE_STAGING);
            if names == [INSIDE_STAGING] && left_by_a_killed_export(&inside) {
                std::fs::remove_dir_all(&inside).map_err(|e| Error::io(&inside, e))?;
                removed_partial = Some(inside);
            } else if names == [INSIDE_STAGING] {
                return Err(Error::Invalid(format!(
                    "{}: exists (an interrupted export, or one still running?): remove it \
                     first",
                    inside.display()
                )));
            } else if names.iter().any(|n| n == INSIDE_STAGING) {
                return Err(Error::Invalid(format!(
                    "{}: export folder holds other files beside an earlier export's {} (one \
                     killed, or refused as files appeared): name a new folder, or remove that \
                     one and move the other files aside",
                    dir.display(),
                    inside.display()
                )));
            } else if !names.is_empty() {
                return Err(Error::Invalid(format!(
                    "{}: export folder is not empty: name a new or empty folder",
                    dir.display()
                )));
            }
            true
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(Error::Invalid(format!(
                "{}: not a folder: name a new or empty folder to export to",
                dir.display()
            )));
        }
        Err(e) => return Err(Error::io(dir, e)),
    };
    let (staging, made) = match existing {
        true => (dir.join(INSIDE_STAGING), Vec::new()),
        false => {
            let absolute = std::path::absolute(dir).map_err(|e| Error::io(dir, e))?;
            let (Some(parent), Some(name)) = (absolute.parent(), absolute.file_name()) else {
                return Err(Error::Invalid(format!(
                    "{}: name a new or empty folder to export to",
                    dir.display()
                )));
            };
            let made: Vec<PathBuf> = parent
                .ancestors()
                .take_while(|folder| std::fs::symlink_metadata(folder).is_err())
                .map(Path::to_path_buf)
                .collect();
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            let mut staging_name = name.to_os_string();
            staging_name.push(".partial");
            let staging = parent.join(staging_name);
            // A killed export's folder is this export's to replace; another's is not touched.
            if left_by_a_killed_export(&staging) {
                std::fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
                // Named as the folder was (`k.partial`, not its absolute path).
                let mut shown = dir.components().collect::<PathBuf>().into_os_string();
                shown.push(".partial");
                removed_partial = Some(PathBuf::from(shown));
            }
            (staging, made)
        }
    };
    match std::fs::create_dir(&staging) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Error::Invalid(format!(
                "{}: exists (an interrupted export, or one still running?): remove it first",
                staging.display()
            )));
        }
        Err(e) if existing && e.kind() == std::io::ErrorKind::PermissionDenied => {
            return Err(Error::Invalid(format!(
                "{}: export folder cannot be written (permission denied): name a folder you \
                 can write to",
                dir.display()
            )));
        }
        Err(e) => return Err(Error::io(&staging, e)),
    }
    std::fs::write(staging.join(WRITER_FILE), std::process::id().to_string())
        .map_err(|e| Error::io(&staging, e))?;
    Ok(Prepared {
        staging,
        into_existing: existing,
        removed_partial,
        made,
    })
}

/// Moves a complete export's files from `staging` into the empty folder `dir`, the
/// definition (`last`, what a load reads first) last, then removes `staging`: the folder itself
/// is never replaced, nor a file that appeared in it while the export ran (the export is then
/// left whole in `staging`). Each file is linked in first (a link never replaces a file), and
/// `staging` removed once all are: a run killed half-way leaves no definition in `dir` and
/// `staging` beside it, so the export cannot pass for complete.
fn move_into(staging: &Path, dir: &Path, last: Option<&PathBuf>) -> Result<()> {
    let names = |folder: &Path| -> Result<Vec<std::ffi::OsString>> {
        std::fs::read_dir(folder)
            .map_err(|e| Error::io(folder, e))?
            .map(|e| e.map(|e| e.file_name()))
            .collect::<std::io::Result<_>>()
            .map_err(|e| Error::io(folder, e))
    };
    if let Some(other) = names(dir)?.into_iter().find(|n| n != INSIDE_STAGING) {
        return Err(appeared(dir, Some(&other), staging));
    }
    let last = last.and_then(|f| f.file_name());
    let mut files = names(staging)?;
    files.retain(|n| n != WRITER_FILE);
    files.sort_by_key(|n| (Some(n.as_os_str()) == last, n.clone()));
    // The files placed so far, and whether each was renamed (not linked).
    let mut placed: Vec<(PathBuf, PathBuf, bool)> = Vec::new();
    for name in &files {
        let (from, to) = (staging.join(name), dir.join(name));
        let outcome = match std::fs::hard_link(&from, &to) {
            Ok(()) => Ok(false),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Err(appeared(dir, Some(name), staging))
            }
            // A file system without hard links: renamed, once it is sure no file is there.
            Err(_) if !to.exists() => {
                (std::fs::rename(&from, &to).map(|()| true)).map_err(|e| Error::io(&to, e))
            }
            Err(_) => Err(appeared(dir, Some(name), staging)),
        };
        match outcome {
            Ok(renamed) => placed.push((from, to, renamed)),
            Err(e) => {
                // What was placed goes back: the export stays whole in `staging`.
                for (from, to, renamed) in &placed {
                    let _ = match renamed {
                        true => std::fs::rename(to, from),
                        false => std::fs::remove_file(to),
                    };
                }
                return Err(e);
            }
        }
    }
    std::fs::remove_dir_all(staging).map_err(|e| Error::io(staging, e))
}

/// The refusal of a complete export whose folder received other files while it ran: `name` (or
/// the folder itself) appeared, and the export is left whole in `staging`.
fn appeared(dir: &Path, name: Option<&std::ffi::OsStr>, staging: &Path) -> Error {
    let what = match name {
        Some(name) => dir.join(name).display().to_string(),
        None => dir.display().to_string(),
    };
    Error::Invalid(format!(
        "{what}: appeared while the export ran, and is not replaced: the complete export is \
         left in {}; move its files into place yourself",
        staging.display()
    ))
}

/// The documents of one article's passages.
fn documents(
    id: &str,
    docs: &[(u64, TantivyDocument, Option<Info>)],
    fields: &Fields,
    keys: &mut MetaKeys,
) -> Result<Vec<PassageDoc>> {
    let mut out = Vec::with_capacity(docs.len());
    for (number, doc, info) in docs {
        let stored = stored_passage(doc, info.clone(), fields, id, *number)?;
        let info = stored.info;
        let date: Date = info.date.parse().map_err(|why| {
            Error::Invalid(format!(
                "index document for {id}#{number} has {why}: rebuild with `attache index --full`"
            ))
        })?;
        let mut meta = Map::new();
        for (key, value) in &info.meta {
            let Some(name) = keys.name(key) else { continue };
            let value = Value::String(value.clone());
            match meta.get_mut(&name) {
                None => {
                    meta.insert(name, value);
                }
                Some(Value::Array(values)) => values.push(value),
                Some(first) => *first = Value::Array(vec![first.take(), value]),
            }
        }
        let mut entities: Vec<String> = Vec::new();
        let mut types: Vec<String> = Vec::new();
        for mention in &stored.entities {
            push_new(&mut entities, &mention.id);
            push_new(&mut types, mention.kind.as_str());
        }
        let mut speakers: Vec<String> = Vec::new();
        for said in &stored.speakers {
            push_new(&mut speakers, &said.speaker.id);
        }
        out.push(PassageDoc {
            passage_id: format!("{id}#{number}"),
            article_id: id.to_owned(),
            passage: *number,
            date: info.date,
            date_start: format!("{}T00:00:00Z", day_text(date.first_day())),
            date_end: format!("{}T00:00:00Z", day_text(date.last_day())),
            title: info.title,
            source: info.source,
            url: info.url,
            meta,
            text: stored.text,
            entities,
            entity_types: types,
            speakers,
        });
    }
    Ok(out)
}

fn push_new(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|v| v == value) {
        list.push(value.to_owned());
    }
}

/// The metadata keys met, and the field name each is exported under.
#[derive(Default)]
struct MetaKeys {
    /// `(as written, as exported)`, in the order met; `None` when the key cannot be named.
    seen: Vec<(String, Option<String>)>,
    renamed: Vec<(String, String)>,
}

impl MetaKeys {
    /// The field name of metadata key `key`: the key itself when it is a plain name (a letter
    /// or `_`, then letters, digits, `_` and `-`, as both engines take without escaping), else
    /// its query form ([`meta_key`]: `Speaker Name` → `speaker_name`), its accents
    /// dropped (`país` → `pais`), other letters outside ASCII as code points and `m_` first
    /// (`国` → `m_u56fd`), as when it starts with a digit; `None` for a key with no letter or digit.
    fn name(&mut self, key: &str) -> Option<String> {
        if let Some((_, name)) = self.seen.iter().find(|(k, _)| k == key) {
            return name.clone();
        }
        let name = if plain(key) {
            Some(key.to_owned())
        } else {
            // The engines take ASCII names: a key's accents are dropped (`país` → `pais`) and
            // its other letters written as their code points (`国` → `m_u56fd`), so no key is
            // left out.
            use unicode_normalization::UnicodeNormalization;
            use unicode_normalization::char::is_combining_mark;
            let mut query = String::new();
            let mut coded = false;
            for c in meta_key(key).nfd().filter(|c| !is_combining_mark(*c)) {
                match c.is_ascii() {
                    true => query.push(c),
                    false => {
                        query.push_str(&format!("u{:x}", c as u32));
                        coded = true;
                    }
                }
            }
            match query.chars().next() {
                None => None,
                Some(c) if c.is_ascii_digit() || coded => Some(format!("m_{query}")),
                Some(_) => Some(query),
            }
        };
        // Two keys never share a name (`país` and `pais`, `بلد` and `بَلَد`): a later one that
        // would takes `_2`, `_3`… after it.
        let taken = |n: &str, seen: &[(String, Option<String>)]| {
            seen.iter().any(|(_, other)| other.as_deref() == Some(n))
        };
        let name = name.map(|name| {
            let mut unique = name.clone();
            let mut n = 2;
            while taken(&unique, &self.seen) {
                unique = format!("{name}_{n}");
                n += 1;
            }
            unique
        });
        if let Some(name) = name.as_ref().filter(|n| *n != key) {
            self.renamed.push((key.to_owned(), name.clone()));
        }
        self.seen.push((key.to_owned(), name.clone()));
        name
    }

    /// The exported field names, sorted and distinct.
    fn exported(&self) -> Vec<String> {
        let mut names: Vec<String> = self.seen.iter().filter_map(|(_, n)| n.clone()).collect();
        names.sort();
        names.dedup();
        names
    }
}

/// Whether `key` is a field name both engines take as it is.
fn plain(key: &str) -> bool {
    key.len() <= 255
        && key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The NDJSON files being written.
struct Output {
    dir: PathBuf,
    format: Format,
    file: Option<(PathBuf, BufWriter<File>, u64)>,
    files: Vec<PathBuf>,
    bytes: u64,
    bulk_bytes: u64,
    /// The article's lines, serialized before they are written.
    lines: Vec<u8>,
}

impl Output {
    fn new(request: &ExportRequest, dir: &Path) -> Output {
        Output {
            dir: dir.to_path_buf(),
            format: request.format,
            file: None,
            files: Vec::new(),
            bytes: 0,
            bulk_bytes: request.bulk_bytes,
            lines: Vec::new(),
        }
    }

    /// Writes one article's documents (after their bulk action lines, for OpenSearch), in a
    /// new bulk file when they would not fit in the current one.
    fn article(&mut self, docs: &[PassageDoc]) -> Result<()> {
        self.lines.clear();
        for doc in docs {
            if self.format == Format::OpenSearch {
                opensearch::action_line(&doc.passage_id, &mut self.lines);
            }
            serde_json::to_writer(&mut self.lines, doc).expect("documents serialize");
            self.lines.push(b'\n');
        }
        let size = self.lines.len() as u64;
        let full = self.file.as_ref().is_some_and(|(_, _, n)| {
            self.format == Format::OpenSearch && *n > 0 && n + size > self.bulk_bytes
        });
        if full || self.file.is_none() {
            self.close()?;
            let name = match self.format {
                Format::Quickwit => quickwit::DOCUMENTS_FILE.to_owned(),
                Format::OpenSearch => opensearch::bulk_file(self.files.len() + 1),
            };
            let path = self.dir.join(name);
            let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
            self.file = Some((path, BufWriter::with_capacity(1 << 20, file), 0));
        }
        let (path, file, written) = self.file.as_mut().expect("opened above");
        file.write_all(&self.lines)
            .map_err(|e| Error::io(path.as_path(), e))?;
        *written += size;
        self.bytes += size;
        Ok(())
    }

    fn close(&mut self) -> Result<()> {
        if let Some((path, mut file, _)) = self.file.take() {
            file.flush().map_err(|e| Error::io(&path, e))?;
            self.files.push(path);
        }
        Ok(())
    }

    /// Closes the last file; an index without passages still gets an (empty) documents file.
    fn finish(mut self) -> Result<Vec<PathBuf>> {
        if self.file.is_none() && self.files.is_empty() {
            self.article(&[])?;
        }
        self.close()?;
        Ok(self.files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file that appears in an existing export folder while the export runs is never
    /// replaced: the complete export stays whole in its staging folder, the user's file as it was.
    #[test]
    fn moving_into_a_folder_never_replaces_a_file_that_appeared_there() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let staging = dir.join(INSIDE_STAGING);
        std::fs::create_dir_all(&staging).unwrap();
        for name in ["bulk-0001.ndjson", "bulk-0002.ndjson", "mapping.json"] {
            std::fs::write(staging.join(name), name).unwrap();
        }
        let definition = staging.join("mapping.json");
        // Made by the user while the export ran: by name or beside it.
        for mine in ["bulk-0002.ndjson", "notes.txt"] {
            std::fs::write(dir.join(mine), "my notes").unwrap();
            let e = move_into(&staging, &dir, Some(&definition)).unwrap_err();
            assert!(
                e.to_string().contains("appeared while the export ran"),
                "{e}"
            );
            assert_eq!(std::fs::read_to_string(dir.join(mine)).unwrap(), "my notes");
            let mut left: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            left.sort();
            assert_eq!(left, [INSIDE_STAGING, mine], "nothing placed beside it");
            assert_eq!(
                std::fs::read_dir(&staging).unwrap().count(),
                3,
                "the export whole"
            );
            std::fs::remove_file(dir.join(mine)).unwrap();
        }
        move_into(&staging, &dir, Some(&definition)).unwrap();
        assert!(!staging.exists());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 3);
    }

    #[test]
    fn a_stopped_export_leaves_nothing_behind() {
        let (tmp, dir) = crate::index::build::testing::sample_index();
        let searcher = Searcher::open(&dir).unwrap();
        let out = tmp.path().join("out");
        let request = ExportRequest {
            dir: out.clone(),
            format: Format::Quickwit,
            name: "attache".into(),
            bulk_bytes: BULK_BYTES,
        };
        let mut seen = 0;
        let e = export(&searcher, &request, &mut |_| {
            seen += 1;
            ControlFlow::Break(())
        })
        .unwrap_err();
        assert_eq!(seen, 1);
        assert!(matches!(e, Error::Interrupted(_)), "{e:?}");
        assert!(e.to_string().contains("nothing was written to"), "{e}");
        assert!(!out.exists() && !tmp.path().join("out.partial").exists());
        // The next export is not refused over a leftover folder.
        export(&searcher, &request, &mut |_| ControlFlow::Continue(())).unwrap();
        assert!(out.join(quickwit::DOCUMENTS_FILE).is_file());
        // `-` names no folder.
        let dash = ExportRequest {
            dir: "-".into(),
            ..request.clone()
        };
        let e = export(&searcher, &dash, &mut |_| ControlFlow::Continue(())).unwrap_err();
        assert!(
            e.to_string().contains("not written to standard output"),
            "{e}"
        );
        assert!(!std::path::Path::new("-").exists());
        // Folders made to hold a stopped export go too (they stayed); those there before
        // stay, and so does one that something else wrote into meanwhile.
        let deep = ExportRequest {
            dir: tmp.path().join("a/b/c/out"),
            ..request.clone()
        };
        export(&searcher, &deep, &mut |_| ControlFlow::Break(())).unwrap_err();
        assert!(!tmp.path().join("a").exists());
        assert!(tmp.path().is_dir());
        std::fs::create_dir_all(tmp.path().join("a")).unwrap();
        std::fs::write(tmp.path().join("a/keep.txt"), "x").unwrap();
        export(&searcher, &deep, &mut |_| ControlFlow::Break(())).unwrap_err();
        assert!(!tmp.path().join("a/b").exists());
        assert!(tmp.path().join("a/keep.txt").is_file());
    }

    #[test]
    fn metadata_keys_keep_plain_names_and_rename_the_rest() {
        let mut keys = MetaKeys::default();
        assert_eq!(keys.name("country").as_deref(), Some("country"));
        assert_eq!(keys.name("Speaker Name").as_deref(), Some("speaker_name"));
        assert_eq!(keys.name("a.b").as_deref(), Some("a_b"));
        assert_eq!(keys.name("2nd").as_deref(), Some("m_2nd"));
        assert_eq!(keys.name("…"), None);
        assert_eq!(keys.name("Speaker Name").as_deref(), Some("speaker_name"));
        // Letters of other scripts are kept, as code points: no key is left out.
        assert_eq!(keys.name("国").as_deref(), Some("m_u56fd"));
        assert_eq!(keys.name("país").as_deref(), Some("pais"));
        // A key that would share a name takes the next free one.
        assert_eq!(keys.name("pais").as_deref(), Some("pais_2"));
        assert_eq!(keys.name("pais").as_deref(), Some("pais_2"));
        assert_eq!(
            keys.renamed,
            [
                ("Speaker Name".to_owned(), "speaker_name".to_owned()),
                ("a.b".to_owned(), "a_b".to_owned()),
                ("2nd".to_owned(), "m_2nd".to_owned()),
                ("国".to_owned(), "m_u56fd".to_owned()),
                ("país".to_owned(), "pais".to_owned()),
                ("pais".to_owned(), "pais_2".to_owned())
            ]
        );
        assert_eq!(
            keys.exported(),
            [
                "a_b",
                "country",
                "m_2nd",
                "m_u56fd",
                "pais",
                "pais_2",
                "speaker_name"
            ]
        );
    }

    #[test]
    fn index_names_follow_both_engines_rules() {
        for good in ["attache", "ungdc-2025", "a_b"] {
            assert_eq!(check_name(good), Ok(()), "{good}");
        }
        for bad in ["ab", "Attache", "1abc", "-abc", "a b c", "attaché"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        assert_eq!(
            check_name("My Index").unwrap_err(),
            "index name 'My Index' must be 3 to 255 lowercase letters, digits, '-' or '_', \
             starting with a letter"
        );
    }
}
