//! `attache optimize`: merge segments and purge deleted passages.

use std::io::Write;

use attache::index::{IndexDir, optimize};

use super::human_bytes;
use crate::cli::OptimizeArgs;
use crate::exit::Exit;

pub fn run(args: OptimizeArgs) -> anyhow::Result<Exit> {
    let (path, _) = args.location.resolve()?;
    // Ctrl-C abandons the merge, the index as it was; a second one ends the process at once.
    let interrupt = super::index::interrupt_flag()?;
    let stop = || interrupt.load(std::sync::atomic::Ordering::Relaxed);
    let report = match optimize::optimize(&IndexDir::new(path), &stop) {
        Err(e @ attache::error::Error::Interrupted(_)) => {
            eprintln!("attache: {e}");
            return Ok(Exit::Interrupted);
        }
        other => other?,
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &report)?;
        writeln!(out)?;
        return Ok(Exit::Success);
    }
    writeln!(
        out,
        "optimized in {:.1} s: {} segment{} → {}, {} deleted passage{} purged, {} → {}",
        report.seconds,
        report.segments_before,
        if report.segments_before == 1 { "" } else { "s" },
        report.segments_after,
        report.deleted_purged,
        if report.deleted_purged == 1 { "" } else { "s" },
        human_bytes(report.bytes_before),
        human_bytes(report.bytes_after)
    )?;
    Ok(Exit::Success)
}
