//! Where a command's text goes: wrapped to a width (`--width`, else `COLUMNS`, else the
//! terminal's, else 80), and, for long result lists on a terminal, through a pager as git
//! does it: never when standard output is not a terminal, and straight to standard output when
//! the pager cannot be started.

use std::io::{self, IsTerminal, Write};
use std::process::{Command, Stdio};

use attache::render::wrap::Wrap;

use super::config::Settings;
use crate::cli::PagerChoice;

/// The width to wrap at when nothing else tells.
const DEFAULT_WIDTH: usize = 80;

/// The width text output wraps at: `--width` (0: no wrapping), else `COLUMNS` when it is a
/// positive number, else the terminal's width when standard output is one, else 80.
pub fn width(flag: Option<usize>) -> usize {
    if let Some(width) = flag {
        return width;
    }
    let columns = std::env::var("COLUMNS").ok();
    width_from(columns.as_deref(), || {
        console::Term::stdout()
            .size_checked()
            .map(|(_, cols)| usize::from(cols))
    })
}

/// [`width`] from `COLUMNS` as set and the terminal's width as asked.
fn width_from(columns: Option<&str>, terminal: impl FnOnce() -> Option<usize>) -> usize {
    columns
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
        .or_else(|| terminal().filter(|&c| c > 0))
        .unwrap_or(DEFAULT_WIDTH)
}

/// The pager to run, if any: none with `--pager never`, when standard output is not a
/// terminal, or when the command is empty or `cat` (git's conventions).
pub fn pager(choice: PagerChoice, settings: &Settings) -> Option<String> {
    pager_for(
        choice,
        std::io::stdout().is_terminal(),
        &settings.pager.value,
    )
}

fn pager_for(choice: PagerChoice, terminal: bool, command: &str) -> Option<String> {
    let command = command.trim();
    match choice {
        PagerChoice::Never => None,
        PagerChoice::Auto if !terminal || command.is_empty() || command == "cat" => None,
        PagerChoice::Auto => Some(command.to_owned()),
    }
}

/// Writes `render`'s text wrapped at `width`, through `pager` when there is one.
///
/// The text is made first, then handed to the pager, so that a pager that fails to start, or
/// exits at once saying it cannot run (status 126 or 127 from the shell), leaves the text to
/// standard output instead. A pager the reader quits early is no error.
///
/// # Errors
/// When writing to standard output fails.
pub fn show(
    width: usize,
    pager: Option<&str>,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> anyhow::Result<()> {
    let Some(command) = pager else {
        // Without a pager the text goes out as it is written: memory does not grow with it.
        let mut out = Wrap::new(io::BufWriter::new(io::stdout().lock()), width);
        render(&mut out)?;
        out.flush()?;
        return Ok(());
    };
    // A pager that cannot be run falls back to standard output, so its text is kept until then.
    let mut text = Wrap::new(Vec::new(), width);
    render(&mut text)?;
    text.flush()?;
    let text = text.into_inner();
    if page(command, &text) {
        return Ok(());
    }
    let mut out = io::stdout().lock();
    out.write_all(&text)?;
    out.flush()?;
    Ok(())
}

/// Shows `text` in the pager `command`: whether the pager took it.
fn page(command: &str, text: &[u8]) -> bool {
    let mut cmd = pager_command(command);
    // As git does: a `less` without options of its own still quits on one screen and shows
    // colour.
    if std::env::var_os("LESS").is_none() {
        cmd.env("LESS", "FRX");
    }
    let Ok(mut child) = cmd.stdin(Stdio::piped()).spawn() else {
        return false;
    };
    let written = child
        .stdin
        .take()
        .map(|mut stdin| stdin.write_all(text).and_then(|()| stdin.flush()));
    let status = child.wait();
    match (written, status) {
        // The shell could not find or run the pager: nothing was shown.
        (_, Ok(status)) if matches!(status.code(), Some(126 | 127)) => false,
        _ => true,
    }
}

/// The pager's command: run directly when it is words only, through `sh -c` when it uses the
/// shell's syntax (quotes, pipes, variables).
fn pager_command(command: &str) -> Command {
    if command.contains(|c: char| "|&;<>()$`\\\"'*?[#~=%".contains(c)) {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(command);
        cmd
    } else {
        let mut words = command.split_whitespace();
        let mut cmd = Command::new(words.next().unwrap_or("less"));
        cmd.args(words);
        cmd
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_width_is_columns_then_the_terminal_then_80() {
        assert_eq!(width_from(Some("100"), || Some(120)), 100);
        assert_eq!(width_from(Some("0"), || Some(120)), 120);
        assert_eq!(width_from(Some("wide"), || None), 80);
        assert_eq!(width_from(None, || Some(132)), 132);
        assert_eq!(width_from(None, || None), 80);
    }

    #[test]
    fn the_pager_runs_only_on_a_terminal_and_only_when_there_is_one() {
        use PagerChoice::{Auto, Never};
        assert_eq!(
            pager_for(Auto, true, "less -FRX").as_deref(),
            Some("less -FRX")
        );
        assert_eq!(pager_for(Auto, false, "less -FRX"), None);
        assert_eq!(pager_for(Never, true, "less -FRX"), None);
        assert_eq!(pager_for(Auto, true, ""), None);
        assert_eq!(pager_for(Auto, true, " cat "), None);
    }

    #[test]
    fn a_pager_that_cannot_start_leaves_the_text_to_standard_output() {
        assert!(!page("/nonexistent/attache-pager", b"text"));
        assert!(!page("LESS=R /nonexistent/attache-pager", b"text"));
        assert!(page("true", b"text"));
    }
}
