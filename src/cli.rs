//! The command line, declared with clap. Doc comments here are the `--help` text.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use attache::corpus::Date;
use attache::entities::Kind;

/// Full-text search over dated diplomatic coverage, ranked by passage.
#[derive(Debug, Parser)]
#[command(name = "attache", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index corpus files and folders (default: corpus/): adds new articles, replaces changed
    /// ones and removes those gone from the paths given; `--full` rebuilds from scratch.
    Index(IndexArgs),
    /// Merge the index's segments into one and purge deleted passages.
    Optimize(OptimizeArgs),
    /// Search passages; exits 0 with hits, 1 with none, 2 on error.
    Search(SearchArgs),
    /// Show what the index holds.
    Stats(StatsArgs),
    /// List the entities most mentioned in the passages matching QUERY (or in all passages).
    Entities(EntitiesArgs),
    /// Show what the index knows of one entity: spellings seen, first and last mention.
    Entity(EntityArgs),
    /// Measure query latency and throughput on an index.
    Bench(BenchArgs),
    /// Write a synthetic corpus (JSON Lines) with a real corpus's term statistics.
    Gen(GenArgs),
    /// Verify the index: every segment file present and matching its checksum; exits 2 if not.
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub location: IndexLocation,
}

#[derive(Debug, Args)]
pub struct GenArgs {
    /// Articles to write.
    #[arg(long, value_name = "N", required_unless_present = "learn")]
    pub articles: Option<u64>,
    /// Seed: the same seed, count and model give byte-identical output.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Write to FILE, or to DIR/gen-sS-nN.jsonl for a folder [default: standard output].
    #[arg(long, value_name = "FILE|DIR")]
    pub out: Option<PathBuf>,
    /// Sample from this model file instead of the built-in one (learned from the UNGDC).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Instead of articles, learn a model file from these corpus files and folders.
    #[arg(long, value_name = "PATH", num_args = 1.., conflicts_with_all = ["articles", "model"])]
    pub learn: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// Queries, one per line, `#` comments.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "../shared/queries/public.txt"
    )]
    pub queries: PathBuf,
    /// Measured runs per query.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub runs: usize,
    /// Unmeasured runs per query before measuring.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub warmup: usize,
    /// Threads for the concurrent throughput run [default: all cores].
    #[arg(long, value_name = "T")]
    pub threads: Option<usize>,
    /// Hits fetched and snippeted per query.
    #[arg(long, value_name = "K", default_value_t = 10)]
    pub limit: usize,
    /// Write the whole report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Compare with an earlier `--json` report: per-query ratios of median latency.
    #[arg(long, value_name = "PREVIOUS.json")]
    pub compare: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct EntitiesArgs {
    /// Only passages matching this query (same syntax as `search`).
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Only passages that mention this entity (`@ushakov`, `Zelenskyy`): who appears alongside it?
    #[arg(long, value_name = "ENTITY")]
    pub with: Option<String>,
    /// Only entities of this type: person, state, org, place, unknown.
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: Option<Kind>,
    /// Only articles dated on or after DATE.
    #[arg(long, value_name = "DATE")]
    pub since: Option<Date>,
    /// Only articles dated on or before DATE.
    #[arg(long, value_name = "DATE")]
    pub until: Option<Date>,
    /// Number of entities to list.
    #[arg(long, short = 'n', value_name = "N", default_value_t = 20)]
    pub limit: usize,
    /// Write JSON Lines, one object per entity.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct EntityArgs {
    /// The entity, by id or any spelling: `@zelensky`, `Zelenskyy`, `"Volodymyr Zelensky"`.
    #[arg(value_name = "ENTITY", required = true, num_args = 1..)]
    pub name: Vec<String>,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Write JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct IndexLocation {
    /// Index folder [default: index/].
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct OptimizeArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// Write the result as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Files and folders to index: *.txt articles; *.jsonl/*.ndjson JSON Lines, also
    /// gzip- or zstd-compressed (*.jsonl.gz, *.jsonl.zst); `-` reads JSON Lines from stdin
    /// [default: the folders and files the index was built from, or corpus/ for a new index].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Name the scope of the articles read from stdin (`-`): a later run with the same name
    /// replaces the scope, removing its articles that are not piped again (an empty stdin
    /// removes nothing). Without a name, stdin only adds and replaces articles.
    #[arg(long, value_name = "NAME", requires = "paths")]
    pub stdin_name: Option<String>,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Rebuild from scratch into a new index and swap it in when complete.
    #[arg(long)]
    pub full: bool,
    /// Print what would be added, changed and removed, and write nothing.
    #[arg(long, short = 'n', conflicts_with = "full")]
    pub dry_run: bool,
    /// Also remove indexed articles from outside the paths given that this run did not see;
    /// with --full (or a rebuild the index needs), rebuild from the paths given alone.
    #[arg(long)]
    pub prune: bool,
    /// Write the run summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Commit at least every MB megabytes of input (updates only).
    #[arg(long, value_name = "MB", default_value_t = 256)]
    pub checkpoint_mb: u64,
    /// Commit at least every SECONDS (updates only).
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub checkpoint_secs: u64,
    /// Also commit after every N articles read (updates only).
    #[arg(long, value_name = "N")]
    pub checkpoint_articles: Option<u64>,
    /// Threads for parsing and analysis [default: all cores].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Memory budget of the index writer, in MB.
    #[arg(long, value_name = "MB", default_value_t = crate::app::DEFAULT_MEMORY_MB)]
    pub memory: usize,
    /// Skip entity recognition (to measure its cost; `@entity` queries then find nothing).
    #[arg(long)]
    pub no_entities: bool,
    /// Exit with status 3 if any input was skipped.
    #[arg(long)]
    pub strict: bool,
    /// Print only warnings and the summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also report files ignored for their type.
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words (AND by default), "exact phrases", "phrase"~N, OR, NOT, -exclude,
    /// field:value, date:[2025-11-01 TO 2025-11-30], term^2. Several arguments are joined
    /// with spaces; put `--` before a query that starts with `-`.
    #[arg(value_name = "QUERY", required = true, num_args = 1..)]
    pub query: Vec<String>,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Number of passages to show.
    #[arg(long, short = 'n', value_name = "N", default_value_t = 10)]
    pub limit: usize,
    /// Only articles dated on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<Date>,
    /// Only articles dated on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub until: Option<Date>,
    /// Match words as spelled: a known alias (`Kiev`) does not also find its entity (Kyiv).
    #[arg(long)]
    pub strict_spelling: bool,
    /// Write JSON Lines: one object per hit, then a summary.
    #[arg(long, conflicts_with = "count")]
    pub json: bool,
    /// Print only the number of matching passages and articles.
    #[arg(long)]
    pub count: bool,
    /// When to colour the output.
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,
    /// Give up (exit 2) when matching takes longer than this many seconds; 0 waits forever.
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = seconds)]
    pub timeout: Duration,
}

/// Parses a number of seconds: `10`, `0.5`, `0`.
fn seconds(s: &str) -> Result<Duration, String> {
    s.parse::<f64>()
        .ok()
        .and_then(|n| Duration::try_from_secs_f64(n).ok())
        .ok_or_else(|| format!("'{s}' is not a number of seconds, like 10 or 0.5"))
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// Write JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
