//! `attache check`: verify every file of the index; exit 0 when sound, 2 when damaged.

use std::io::Write;

use attache::check::check;
use attache::index::IndexDir;
use serde::Serialize;

use crate::cli::CheckArgs;
use crate::exit::Exit;

pub fn run(args: CheckArgs) -> anyhow::Result<Exit> {
    let (path, _) = args.location.resolve()?;
    let dir = IndexDir::new(path);
    let report = check(&dir)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let problems = report
            .problems
            .iter()
            .map(|p| ProblemJson {
                path: p.path.display().to_string(),
                what: &p.what,
            })
            .collect();
        let value = CheckJson {
            ok: report.problems.is_empty(),
            generation: report.generation.display().to_string(),
            segments: report.segments,
            files_verified: report.files_verified,
            passages: report.passages,
            problems,
        };
        serde_json::to_writer(&mut out, &value)?;
        writeln!(out)?;
        out.flush()?;
        return match report.error(&dir) {
            Some(error) => Err(error.into()),
            None => Ok(Exit::Success),
        };
    }
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

/// `attache check --json`, on one line.
#[derive(Serialize)]
struct CheckJson<'a> {
    ok: bool,
    generation: String,
    segments: usize,
    files_verified: usize,
    passages: u64,
    problems: Vec<ProblemJson<'a>>,
}

#[derive(Serialize)]
struct ProblemJson<'a> {
    path: String,
    what: &'a str,
}
