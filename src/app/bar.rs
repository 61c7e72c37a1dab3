//! Where indexing progress is drawn: standard error, with the bar's last line two columns short.
//!
//! indicatif pads each line of a bar with spaces to the terminal's width, which leaves the
//! cursor past the last column. A Ctrl-C makes the terminal echo `^C` there before attache can
//! react: the echo wraps, the cursor ends a line lower than indicatif knows, and clearing the
//! bar then leaves its first line on the screen. Written through [`ShortLastLine`], the last
//! line's padding stops [`SPARE_COLUMNS`] short, so the echo lands on the bar's own line and
//! clearing the bar removes it with the rest.

use std::io;
use std::sync::Mutex;

use console::Term;
use indicatif::{ProgressDrawTarget, TermLike};

/// Columns left free at the end of the bar's last line: room for an echoed `^C`.
pub const SPARE_COLUMNS: usize = 2;

/// How often the bar is redrawn, at most (indicatif's default for standard error).
const REFRESH_HZ: u8 = 20;

/// Standard error, through [`ShortLastLine`].
pub fn target() -> ProgressDrawTarget {
    let term = ShortLastLine::new(Term::buffered_stderr());
    ProgressDrawTarget::term_like_with_hz(Box::new(term), REFRESH_HZ)
}

/// A terminal that holds back a run of padding until something follows it, and writes the last
/// one before a flush [`SPARE_COLUMNS`] short. indicatif writes each line, then its padding as
/// a write of spaces alone, then flushes once the bar is drawn.
#[derive(Debug)]
pub struct ShortLastLine<T> {
    term: T,
    /// Spaces written but not yet passed on.
    padding: Mutex<usize>,
}

impl<T: TermLike> ShortLastLine<T> {
    pub fn new(term: T) -> Self {
        ShortLastLine {
            term,
            padding: Mutex::new(0),
        }
    }

    /// Passes on the padding held back, less `spare` columns.
    fn release(&self, spare: usize) -> io::Result<()> {
        let mut padding = self.padding.lock().expect("padding lock");
        let n = std::mem::take(&mut *padding).saturating_sub(spare);
        if n > 0 {
            self.term.write_str(&" ".repeat(n))?;
        }
        Ok(())
    }
}

impl<T: TermLike> TermLike for ShortLastLine<T> {
    fn width(&self) -> u16 {
        self.term.width()
    }

    fn height(&self) -> u16 {
        self.term.height()
    }

    fn move_cursor_up(&self, n: usize) -> io::Result<()> {
        self.release(0)?;
        self.term.move_cursor_up(n)
    }

    fn move_cursor_down(&self, n: usize) -> io::Result<()> {
        self.release(0)?;
        self.term.move_cursor_down(n)
    }

    fn move_cursor_right(&self, n: usize) -> io::Result<()> {
        self.release(0)?;
        self.term.move_cursor_right(n)
    }

    fn move_cursor_left(&self, n: usize) -> io::Result<()> {
        self.release(0)?;
        self.term.move_cursor_left(n)
    }

    fn write_line(&self, s: &str) -> io::Result<()> {
        self.release(0)?;
        self.term.write_line(s)
    }

    fn write_str(&self, s: &str) -> io::Result<()> {
        if !s.is_empty() && s.bytes().all(|b| b == b' ') {
            self.release(0)?;
            *self.padding.lock().expect("padding lock") = s.len();
            return Ok(());
        }
        self.release(0)?;
        self.term.write_str(s)
    }

    fn clear_line(&self) -> io::Result<()> {
        self.release(0)?;
        self.term.clear_line()
    }

    fn flush(&self) -> io::Result<()> {
        self.release(SPARE_COLUMNS)?;
        self.term.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records what is written, as text with the cursor moves and clears named.
    #[derive(Debug, Default)]
    struct Recorder(Mutex<String>);

    impl Recorder {
        fn push(&self, s: &str) -> io::Result<()> {
            self.0.lock().unwrap().push_str(s);
            Ok(())
        }
    }

    impl TermLike for Recorder {
        fn width(&self) -> u16 {
            10
        }
        fn move_cursor_up(&self, n: usize) -> io::Result<()> {
            self.push(&format!("<up {n}>"))
        }
        fn move_cursor_down(&self, n: usize) -> io::Result<()> {
            self.push(&format!("<down {n}>"))
        }
        fn move_cursor_right(&self, n: usize) -> io::Result<()> {
            self.push(&format!("<right {n}>"))
        }
        fn move_cursor_left(&self, n: usize) -> io::Result<()> {
            self.push(&format!("<left {n}>"))
        }
        fn write_line(&self, s: &str) -> io::Result<()> {
            self.push(&format!("{s}\n"))
        }
        fn write_str(&self, s: &str) -> io::Result<()> {
            self.push(s)
        }
        fn clear_line(&self) -> io::Result<()> {
            self.push("<clear>")
        }
        fn flush(&self) -> io::Result<()> {
            self.push("<flush>")
        }
    }

    #[test]
    fn only_the_padding_before_a_flush_stops_short() {
        let term = ShortLastLine::new(Recorder::default());
        for s in ["bar", "       ", "file.txt", "  "] {
            term.write_str(s).unwrap();
        }
        term.flush().unwrap();
        term.move_cursor_up(1).unwrap();
        term.clear_line().unwrap();
        term.write_str("x").unwrap();
        term.write_str("         ").unwrap();
        term.clear_line().unwrap();
        assert_eq!(
            *term.term.0.lock().unwrap(),
            "bar       file.txt<flush><up 1><clear>x         <clear>"
        );
    }
}
