//! The library's error type.
//!
//! Every variant renders as one lowercase line that names the file, line or value at fault and,
//! where a flag or command fixes it, says which. Bad *input* (a broken article or JSON line) is not
//! an error: it is a [`crate::corpus::Warning`], reported and skipped.

use std::borrow::Cow;
use std::path::PathBuf;

/// The system's words for an I/O error in a message line: lowercase when they start with a
/// capitalised word ("No space left on device"), as every message line is.
pub fn system_words(e: &std::io::Error) -> String {
    let text = e.to_string();
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            first.to_lowercase().chain(text.chars().skip(1)).collect()
        }
        _ => text,
    }
}

/// Everything that can make an attache operation fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {}", path.display(), system_words(source))]
    Io {
        /// The file or folder involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// There is no index at the given location yet.
    #[error("no index at {}: build one with `attache index`", path.display())]
    NoIndex {
        /// The index folder.
        path: PathBuf,
    },
    /// The index was written by an incompatible version of attache.
    #[error("{}: {why}: rebuild with `attache index --full`", path.display())]
    IncompatibleIndex {
        /// The index folder.
        path: PathBuf,
        /// What is incompatible.
        why: String,
    },
    /// Writing the index failed (disk full, permission denied, …).
    #[error("{}: cannot write the index: {why}; {kept}", path.display())]
    Write {
        /// The index folder.
        path: PathBuf,
        /// What failed.
        why: String,
        /// What is left of the index.
        kept: &'static str,
    },
    /// Another process holds the index's writer lock.
    #[error(
        "{}: index is being written by {}; wait for it to finish",
        path.display(),
        pid.map_or_else(
            || "another process (it holds the index's .lock)".to_owned(),
            |p| format!("another attache process (pid {p})")
        )
    )]
    Locked {
        /// The index folder.
        path: PathBuf,
        /// The attache process holding the lock, when it is known to be one.
        pid: Option<u32>,
    },
    /// The index's files are missing, truncated or corrupt.
    #[error("{}: damaged index: {why}: rebuild with `attache index --full`", path.display())]
    Damaged {
        /// The index folder.
        path: PathBuf,
        /// What is damaged, one line.
        why: String,
    },
    /// The query could not be understood.
    #[error("bad query: {}", printable(.0))]
    Query(String),
    /// A search ran longer than its timeout and was stopped.
    #[error(
        "query timed out after {}: narrow the query or raise `--timeout`",
        seconds(*timeout)
    )]
    Timeout {
        /// The allowance that ran out.
        timeout: std::time::Duration,
    },
    /// A value given on the command line or in a file is invalid.
    #[error("{0}")]
    Invalid(String),
    /// A corpus input was bad and `strict` indexing was asked for.
    #[error("{0}")]
    Strict(String),
    /// The search engine failed.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The user stopped the operation (Ctrl-C or SIGTERM) before it finished; what it kept.
    #[error("interrupted: {0}")]
    Interrupted(String),
    /// Attache itself went wrong (a panic, caught): not the index's fault nor the user's.
    #[error(
        "internal error: {}; this is a bug in attache, please report it",
        printable(.0)
    )]
    Internal(String),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

impl Error {
    /// The error for an index that tantivy could not read: which file and why, in one line.
    pub fn damaged(path: impl Into<PathBuf>, e: &tantivy::TantivyError) -> Error {
        use tantivy::TantivyError as T;
        use tantivy::directory::error::OpenReadError as R;
        let path = path.into();
        // Memory that cannot be mapped or allocated says nothing of the index's files.
        if let T::IoError(io) | T::OpenReadError(R::IoError { io_error: io, .. }) = e
            && (io.kind() == std::io::ErrorKind::OutOfMemory || io.raw_os_error() == Some(12))
        {
            return Error::Invalid(format!(
                "{}: not enough memory to open the index (cannot allocate memory); the index is \
                 not damaged: free memory or raise the process's limit (`ulimit -v`)",
                path.display()
            ));
        }
        let (file, what) = index_damage(e);
        Error::Damaged {
            path,
            why: match file {
                Some(file) => format!("{file}: {what}"),
                None => what,
            },
        }
    }
}

/// What a tantivy error says is wrong with an index: the file at fault, when it names one, and
/// what is wrong with it, as one short lowercase line.
pub fn index_damage(e: &tantivy::TantivyError) -> (Option<String>, String) {
    use tantivy::TantivyError as T;
    use tantivy::directory::error::OpenReadError as R;
    let name = |p: &std::path::Path| {
        let name = p.file_name().map_or_else(
            || p.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        Some(printable(&name).into_owned())
    };
    let (file, what) = match e {
        T::OpenReadError(R::FileDoesNotExist(p)) => (name(p), "missing".to_owned()),
        T::OpenReadError(R::IoError { io_error, filepath })
            if matches!(
                io_error.kind(),
                std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof
            ) =>
        {
            (name(filepath), "truncated or corrupt".to_owned())
        }
        T::OpenReadError(R::IoError { io_error, filepath }) => {
            (name(filepath), format!("cannot read: {io_error}"))
        }
        T::DataCorruption(d) => {
            // The debug text ends with the whole file's content, which may be anything.
            let text = format!("{d:?}");
            let text = text.split(". Content:").next().unwrap_or_default();
            (None, format!("corrupt data: {}", shorten(text, 200)))
        }
        T::IoError(io) => (None, format!("corrupt data: {io}")),
        other => (None, shorten(&other.to_string(), 200)),
    };
    (file, printable(&what.to_lowercase()).into_owned())
}

/// Why writing an index failed, as one lowercase line: the I/O error behind a tantivy error
/// (`no space left on device`), without tantivy's debug text.
pub fn write_reason(e: &tantivy::TantivyError) -> String {
    use tantivy::TantivyError as T;
    use tantivy::directory::error::{LockError, OpenReadError, OpenWriteError};
    let why = match e {
        T::IoError(io)
        | T::OpenWriteError(OpenWriteError::IoError { io_error: io, .. })
        | T::OpenReadError(OpenReadError::IoError { io_error: io, .. })
        | T::LockFailure(LockError::IoError(io), _) => io.to_string(),
        // Tantivy's threads report I/O failures as `Internal error: 'why': …` or
        // `An error occurred in a thread: 'why'`.
        T::InternalError(why) | T::ErrorInThread(why) => why
            .trim_start_matches("An error occurred in a thread: ")
            .trim_matches('\'')
            .split('\'')
            .next()
            .unwrap_or_default()
            .to_owned(),
        other => other.to_string(),
    };
    printable(&shorten(&why.to_lowercase(), 200)).into_owned()
}

thread_local! {
    /// Whether this thread is inside [`catch_panic`].
    static READING_INDEX: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Where the last panic on this thread happened, when the panic hook said.
    static PANICKED_AT: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Runs `read`, catching a panic: `Err` holds the panic's message (and where it happened, when
/// the binary's panic hook passed it to [`remember_panic`]). Tantivy trusts its files once their
/// footers check out, and corrupt bytes inside can make it panic (an overflowing offset); so
/// can a bug. [`crate::index::reading_index`] tells the two apart.
pub fn catch_panic<T>(read: impl FnOnce() -> T) -> std::result::Result<T, String> {
    let outer = READING_INDEX.with(|r| r.replace(true));
    PANICKED_AT.with(|p| p.borrow_mut().take());
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read));
    READING_INDEX.with(|r| r.set(outer));
    outcome.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        let message = shorten(message.lines().next().unwrap_or_default(), 300);
        match PANICKED_AT.with(|p| p.borrow_mut().take()) {
            Some(at) => format!("{message} at {at}"),
            None => message,
        }
    })
}

/// Whether the current thread is inside [`catch_panic`], whose panics become errors: a panic
/// hook can stay quiet about those.
pub fn is_reading_index() -> bool {
    READING_INDEX.with(|r| r.get())
}

/// Notes where a panic happened, for the error [`catch_panic`] makes of it; the binary's panic
/// hook calls it.
pub fn remember_panic(info: &std::panic::PanicHookInfo<'_>) {
    if let Some(at) = info.location() {
        let at = format!("{}:{}:{}", at.file(), at.line(), at.column());
        PANICKED_AT.with(|p| *p.borrow_mut() = Some(at));
    }
}

/// The first `max` chars of `text`, with `…` when cut.
pub fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// `text` safe to print on one terminal line: control characters (including line breaks and
/// escape sequences) and the invisible marks that reorder right-to-left text are written as
/// escapes (`\u{1b}`), so a hostile query or file name cannot break or forge a message line.
pub fn printable(text: &str) -> Cow<'_, str> {
    let hostile = |c: char| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.contains(hostile) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hostile(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` as [`printable`] wrote it, read back: each `\u{HEX}` it holds for a character that
/// [`printable`] escapes is that character again (`a\u{9}b.txt` → `a`, tab, `b.txt`). `None`
/// when it holds none.
pub fn unprintable(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut any = false;
    while let Some(at) = rest.find("\\u{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        let decoded = after.find('}').and_then(|end| {
            let c = char::from_u32(u32::from_str_radix(&after[..end], 16).ok()?)?;
            (printable(c.encode_utf8(&mut [0; 4])) != c.to_string()).then_some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
                any = true;
            }
            None => {
                out.push_str("\\u{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    any.then_some(out)
}

/// A duration for error messages: `10 s`, `0.5 s`.
fn seconds(d: std::time::Duration) -> String {
    format!("{} s", d.as_secs_f64())
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    #[test]
    fn memory_that_cannot_be_mapped_is_no_damage() {
        let enomem = std::io::Error::from_raw_os_error(12);
        let e = tantivy::TantivyError::IoError(std::sync::Arc::new(enomem));
        let message = Error::damaged("idx", &e).to_string();
        assert_eq!(
            message,
            "idx: not enough memory to open the index (cannot allocate memory); the index is not \
             damaged: free memory or raise the process's limit (`ulimit -v`)"
        );
        let eof = std::io::Error::from(std::io::ErrorKind::UnexpectedEof);
        let e = tantivy::TantivyError::IoError(std::sync::Arc::new(eof));
        assert!(
            Error::damaged("idx", &e)
                .to_string()
                .contains("damaged index")
        );
    }

    use super::*;

    #[test]
    fn unprintable_reads_back_what_printable_escaped() {
        for raw in ["a\tb.txt", "x\u{1b}[31m\u{202e}y", "line\nbreak"] {
            let shown = printable(raw);
            assert_eq!(unprintable(&shown).as_deref(), Some(raw), "{shown}");
        }
        // Nothing escaped, or escapes printable never writes (a letter, a bad number): none.
        assert_eq!(unprintable("plain.txt"), None);
        assert_eq!(unprintable("\\u{41}"), None);
        assert_eq!(unprintable("\\u{zz} \\u{9"), None);
    }

    #[test]
    fn printable_escapes_control_and_bidi_characters_only() {
        assert_eq!(printable("Зеленський 😀 שלום"), "Зеленський 😀 שלום");
        assert_eq!(
            printable("a\x1b[31mb\nc\u{202e}d"),
            "a\\u{1b}[31mb\\u{a}c\\u{202e}d"
        );
        let e = Error::Query("column 1: '\u{1}' has no letters".into());
        assert_eq!(
            e.to_string(),
            "bad query: column 1: '\\u{1}' has no letters"
        );
    }

    #[test]
    fn a_panic_is_an_internal_error_with_its_message_and_the_plea() {
        let message = catch_panic(|| -> u32 { panic!("byte index 7 is out of bounds") });
        let message = message.unwrap_err();
        assert!(
            message.starts_with("byte index 7 is out of bounds"),
            "{message}"
        );
        assert_eq!(
            Error::Internal(message.clone()).to_string(),
            format!("internal error: {message}; this is a bug in attache, please report it")
        );
        assert_eq!(catch_panic(|| 42), Ok(42));
        assert!(!is_reading_index());
        let e = Error::Internal("a\nb".into());
        assert_eq!(e.to_string().lines().count(), 1);
    }

    #[test]
    fn a_lock_names_the_pid_only_of_an_attache_process() {
        let e = Error::Locked {
            path: "index".into(),
            pid: Some(42),
        };
        assert_eq!(
            e.to_string(),
            "index: index is being written by another attache process (pid 42); wait for it to finish"
        );
        let e = Error::Locked {
            path: "index".into(),
            pid: None,
        };
        assert_eq!(
            e.to_string(),
            "index: index is being written by another process (it holds the index's .lock); \
             wait for it to finish"
        );
    }

    #[test]
    fn write_failures_read_as_the_io_error_not_debug_text() {
        use std::sync::Arc;
        use tantivy::directory::error::OpenWriteError;
        let full = || std::io::Error::from(std::io::ErrorKind::StorageFull);
        let open = tantivy::TantivyError::OpenWriteError(OpenWriteError::IoError {
            io_error: Arc::new(full()),
            filepath: "abc.idx".into(),
        });
        assert_eq!(write_reason(&open), "no storage space");
        let io = tantivy::TantivyError::IoError(Arc::new(full()));
        assert_eq!(write_reason(&io), "no storage space");
        let thread = tantivy::TantivyError::InternalError(
            "'No space left on device (os error 28)': while merging".into(),
        );
        assert_eq!(
            write_reason(&thread),
            "no space left on device (os error 28)"
        );
    }
}
