//! The only code that prints: one file per command. Converts clap arguments into the library's
//! configs, draws progress, renders results, and decides exit codes.

mod bench;
mod check;
mod entities;
mod eval;
mod generate;
mod index;
mod optimize;
mod search;
mod stats;

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::{Cli, Command, IndexLocation};

/// The default index folder, relative to the working directory.
const DEFAULT_INDEX: &str = "index";
/// The default memory budget of the index writer, in MB.
pub const DEFAULT_MEMORY_MB: usize = 512;
/// The default corpus, relative to the working directory.
const DEFAULT_CORPUS: &str = "corpus";

/// Runs one command.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Index(args) => index::run(args),
        Command::Optimize(args) => optimize::run(args),
        Command::Search(args) => search::run(args),
        Command::Stats(args) => stats::run(args),
        Command::Entities(args) => entities::list(args),
        Command::Entity(args) => entities::profile(args),
        Command::Bench(args) => bench::run(args),
        Command::Gen(args) => generate::run(args),
        Command::Check(args) => check::run(args),
        Command::Eval(args) => eval::run(args),
    }
}

impl IndexLocation {
    /// The index folder and whether it is the default one.
    fn resolve(&self) -> (PathBuf, bool) {
        match &self.index {
            Some(dir) => (dir.clone(), false),
            None => (PathBuf::from(DEFAULT_INDEX), true),
        }
    }
}

/// The error as one line: its causes joined by `: `, each left out when the message before it
/// already says it (the library's errors include their source's text).
pub fn message(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if !line.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
    }
    line
}

/// Whether an error is a closed pipe (`attache search … | head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// A byte count for people: `812 B`, `5.5 kB`, `203.3 MB`, `1.2 GB`.
pub fn human_bytes(n: u64) -> String {
    let n = n as f64;
    match n {
        n if n < 1e3 => format!("{n} B"),
        n if n < 1e6 => format!("{:.1} kB", n / 1e3),
        n if n < 1e9 => format!("{:.1} MB", n / 1e6),
        n => format!("{:.2} GB", n / 1e9),
    }
}
