//! `attache export`: the index as another engine's definition and NDJSON passages, with a
//! progress bar on a terminal and a summary.

use std::io::IsTerminal;
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};

use attache::error::printable;
use attache::export::{self, ExportRequest, ExportSummary, Format, opensearch, quickwit};

use super::{human_bytes, open_searcher};
use crate::cli::{ExportArgs, ExportFormat};
use crate::exit::Exit;

pub fn run(mut args: ExportArgs) -> anyhow::Result<Exit> {
    args.dir = super::config::home_expanded(&args.dir, "DIR")?;
    // An index's folders are its own: a rebuild removes an older generation with what it holds.
    if let Some(index) = super::written::inside_index(&args.dir.join("export")) {
        anyhow::bail!(
            "{}: inside the index at {}: export elsewhere",
            args.dir.display(),
            index.display()
        );
    }
    let searcher = open_searcher(&args.location)?;
    let request = ExportRequest {
        dir: args.dir.clone(),
        format: match args.format {
            ExportFormat::Quickwit => Format::Quickwit,
            ExportFormat::Opensearch => Format::OpenSearch,
        },
        name: args.name.clone(),
        bulk_bytes: args.bulk_mb << 20,
    };
    let bar = match !args.quiet && std::io::stderr().is_terminal() {
        true => {
            let bar = ProgressBar::new(0).with_style(
                ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} passages, {msg} written, {eta} left",
                )
                .expect("a valid template"),
            );
            bar.set_message(human_bytes(0));
            Some(bar)
        }
        false => None,
    };
    // Ctrl-C stops the export and removes what it wrote; a second one ends it at once.
    let interrupt = super::index::interrupt_flag()?;
    let summary = export::export(&searcher, &request, &mut |progress| {
        if let Some(bar) = &bar {
            bar.set_length(progress.total);
            bar.set_position(progress.passages);
            bar.set_message(human_bytes(progress.bytes));
        }
        match interrupt.load(std::sync::atomic::Ordering::Relaxed) {
            true => std::ops::ControlFlow::Break(()),
            false => std::ops::ControlFlow::Continue(()),
        }
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let summary = match summary {
        Err(e @ attache::error::Error::Interrupted(_)) => {
            eprintln!("attache: {e}");
            return Ok(Exit::Interrupted);
        }
        other => other?,
    };
    if let Some(partial) = &summary.removed_partial {
        eprintln!(
            "note: removed {}, which an export killed before it finished had left",
            printable(&partial.display().to_string())
        );
    }
    if args.json {
        println!("{}", serde_json::to_string(&json(&summary))?);
    }
    eprintln!("{}", line(&summary));
    for (from, to) in &summary.renamed {
        let (from, to) = (printable(from), printable(to));
        eprintln!("note: metadata key '{from}' is exported as '{to}'");
    }
    if !args.quiet {
        eprintln!("{}", load_hint(&summary, &args.name));
    }
    Ok(Exit::Success)
}

/// `exported 21 passages of 2 articles to out (14.2 kB in 0.0 s): index-config.yaml, …`.
fn line(summary: &ExportSummary) -> String {
    let names: Vec<String> = summary.files.iter().map(|f| file_name(f)).collect();
    let files = match names.len() {
        0..=4 => names.join(", "),
        n => format!("{}, … {} ({n} files)", names[..2].join(", "), names[n - 1]),
    };
    format!(
        "exported {} passages of {} articles to {} ({} in {:.1} s): {files}",
        summary.passages,
        summary.articles,
        attache::error::printable(&summary.dir.display().to_string()),
        human_bytes(summary.bytes),
        summary.seconds
    )
}

/// How to load the export into its engine.
fn load_hint(summary: &ExportSummary, name: &str) -> String {
    // `out/` given with its slash names `out/x`, not `out//x`.
    let shown = attache::error::printable(&summary.dir.display().to_string()).into_owned();
    let dir = match shown.trim_end_matches('/') {
        "" => "/",
        trimmed => trimmed,
    };
    match summary.format {
        Format::Quickwit => format!(
            "load it: quickwit index create --index-config {dir}/{} && quickwit index ingest \
             --index {name} --input-path {dir}/{}",
            quickwit::CONFIG_FILE,
            quickwit::DOCUMENTS_FILE
        ),
        Format::OpenSearch => format!(
            "load it: PUT /{name} with {dir}/{}, then POST each {dir}/bulk-NNNN.ndjson to \
             /{name}/_bulk (Content-Type: application/x-ndjson)",
            opensearch::MAPPING_FILE
        ),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy()
        .into_owned()
}

/// The summary as `--json` writes it.
fn json(summary: &ExportSummary) -> serde_json::Value {
    serde_json::json!({
        "format": summary.format.name(),
        "dir": summary.dir.display().to_string(),
        "files": summary.files.iter().map(|f| file_name(f)).collect::<Vec<_>>(),
        "passages": summary.passages,
        "articles": summary.articles,
        "bytes": summary.bytes,
        "seconds": summary.seconds,
        "renamed": summary.renamed.iter()
            .map(|(from, to)| serde_json::json!({"from": from, "to": to}))
            .collect::<Vec<_>>(),
        // An export of a partial index (a run building it, or the last one interrupted).
        "partial": super::index_partial(),
    })
}
