//! `attache check`: verify every file of the index; exit 0 when sound, 2 when damaged.

use std::io::Write;

use attache::check::check;
use attache::index::IndexDir;

use crate::cli::CheckArgs;
use crate::exit::Exit;

pub fn run(args: CheckArgs) -> anyhow::Result<Exit> {
    let (path, _) = args.location.resolve()?;
    let dir = IndexDir::new(path);
    let report = check(&dir)?;
    let mut out = std::io::stdout().lock();
    for problem in &report.problems {
        writeln!(out, "{}: {}", problem.path.display(), problem.what)?;
    }
    if let Some(error) = report.error(&dir) {
        return Err(error.into());
    }
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    writeln!(
        out,
        "{}: ok: {}, {}, {} passages; every checksum matches",
        report.generation.display(),
        plural(report.segments, "segment"),
        plural(report.files_verified, "file"),
        report.passages
    )?;
    Ok(Exit::Success)
}
