//! `attache gen`: write a synthetic corpus, or learn the model it samples from.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use attache::generate::learn::{self, Limits};
use attache::generate::{Generator, Model};

use super::human_bytes;
use super::written::{self, Kind};
use crate::cli::GenArgs;
use crate::exit::Exit;

pub fn run(mut args: GenArgs) -> anyhow::Result<Exit> {
    args.out = super::config::home_expanded_option(args.out.take(), "--out")?;
    if !args.learn.is_empty() {
        return learn_model(&args.learn, args.out.as_deref());
    }
    let count = args.articles.context("--articles N is required")?;
    let model = match &args.model {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read model {}", path.display()))?;
            Model::parse(&text).with_context(|| path.display().to_string())?
        }
        None => Model::builtin(),
    };
    let generator = Generator::new(&model, args.seed);
    let Some(out) = &args.out else {
        let mut stdout = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        generator.write(count, &mut stdout, &mut |_| {})?;
        return Ok(Exit::Success);
    };
    let path = output_file(out, args.seed, count)?;
    written::check(&path, Kind::Generated)?;
    let started = Instant::now();
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(count).with_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} articles, {eta} left")
                .expect("a valid template"),
        )
    } else {
        ProgressBar::hidden()
    };
    // Written as FILE.partial, renamed when complete: an interrupted run leaves no file that
    // looks whole.
    let bytes = written::atomically(&path, |partial| {
        let mut file = BufWriter::with_capacity(1 << 20, create(partial)?);
        let bytes = generator.write(count, &mut file, &mut |n| bar.set_position(n))?;
        file.into_inner()
            .map_err(|e| e.into_error())
            .and_then(|f| f.sync_all())
            .with_context(|| format!("cannot write {}", partial.display()))?;
        Ok(bytes)
    })?;
    bar.finish_and_clear();
    eprintln!(
        "wrote {count} articles ({}) to {} in {:.1} s",
        human_bytes(bytes),
        path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(Exit::Success)
}

/// `--out FILE` as given; `--out DIR` (an existing folder, or a path ending in `/`) names the
/// file after the seed and count.
fn output_file(out: &Path, seed: u64, count: u64) -> anyhow::Result<PathBuf> {
    let is_dir = out.is_dir() || out.as_os_str().to_string_lossy().ends_with('/');
    if !is_dir {
        return Ok(out.to_path_buf());
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    Ok(out.join(format!("gen-s{seed}-n{count}.jsonl")))
}

fn create(path: &Path) -> anyhow::Result<File> {
    File::create(path).with_context(|| format!("cannot write {}", path.display()))
}

fn learn_model(roots: &[PathBuf], out: Option<&Path>) -> anyhow::Result<Exit> {
    // Checked before reading: `--out` naming one of the corpus files is refused, not written
    // over what was just read.
    if let Some(path) = out {
        written::check(path, Kind::Model)?;
    }
    let started = Instant::now();
    let (model, read) = learn::learn(roots, &Limits::default())?;
    // A model of nothing could not generate anything: no file is written.
    if read.articles == 0 || model.words.is_empty() {
        let sources: Vec<String> = roots.iter().map(|r| r.display().to_string()).collect();
        anyhow::bail!(
            "gen --learn read no article with words in {}: give the folders or files of a corpus",
            sources.join(", ")
        );
    }
    let sources: Vec<String> = roots.iter().map(|r| r.display().to_string()).collect();
    let header = format!(
        "attache gen model, learned by `attache gen --learn {}`\n\
         from {} articles: {} words and {} entity mentions",
        sources.join(" "),
        read.articles,
        read.words,
        read.mentions
    );
    let text = model.to_text(&header);
    match out {
        Some(path) => written::atomically(path, |partial| {
            create(partial)?
                .write_all(text.as_bytes())
                .with_context(|| format!("cannot write {}", partial.display()))
        })?,
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    eprintln!(
        "learned {} words, {} word pairs, {} entity spellings from {} articles{} in {:.1} s ({})",
        model.words.len(),
        model.successors.iter().map(|s| s.next.len()).sum::<usize>(),
        model.entities.len(),
        read.articles,
        match read.skipped {
            0 => String::new(),
            n => format!(" ({n} bad inputs skipped)"),
        },
        started.elapsed().as_secs_f64(),
        human_bytes(text.len() as u64)
    );
    Ok(Exit::Success)
}
