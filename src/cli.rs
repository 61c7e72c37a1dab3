//! The command line, declared with clap. Doc comments here are the `--help` text.

use std::fmt::Display;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use attache::corpus::Date;
use attache::entities::Kind;
use attache::index::build::defaults;
use attache::index::shards::ShardBy;
use attache::search::facets::{FacetBy, FacetSort};

/// The most hits `search` shows and `bench` fetches, and the most entities `entities` lists.
/// Results are fetched and snippeted one by one; past a few thousand a narrower query serves
/// better than a longer list.
pub const MAX_LIMIT: usize = 10_000;
/// The most threads `index` and `bench` start.
pub const MAX_THREADS: usize = attache::index::build::MAX_THREADS;
/// The writer's memory budget in MB, as tantivy 0.27 accepts it: each writer thread's arena
/// must hold at least 15,000,000 bytes (15 MB is 15,728,640) and less than 2^32 - 1,000,000
/// bytes (4095 MB is 4,293,918,720); a single writer thread may be given the whole budget.
pub const MEMORY_MB: (usize, usize) = (15, 4095);
/// The most megabytes between two checkpoints: 1 TB.
pub const MAX_CHECKPOINT_MB: u64 = 1 << 20;
/// The longest `--timeout` and `--checkpoint-secs`: a day.
pub const MAX_SECONDS: u64 = 86_400;
/// The most measured or warm-up runs per query in `bench`.
pub const MAX_RUNS: usize = 100_000;
/// The most articles `gen` writes in one run (about 3 TB).
pub const MAX_ARTICLES: u64 = 1_000_000_000;
/// The widest `--width`.
pub const MAX_WIDTH: usize = 10_000;

/// The query syntax in brief, after `attache search --help` (the README has the whole table).
const QUERY_SYNTAX: &str = "\
Query syntax:
  security guarantees         all the words (AND is the default); unquoted words are stemmed
  \"security guarantee\"        the exact words in order, within one clause, not stemmed
  \"security guarantee\"~3      the words within 3 positions of each other
  Rubio OR Witkoff            either word
  Crimea NOT Kyiv, Crimea -Kyiv   the first without the second
  negotiat*                   every word starting so (negotiate, negotiations…)
  (Iraq OR Kuwait) invasion   grouping; apartheid^2 boosts a clause
  title:geneva, source:reuters    words of the title or the source
  country:UKR, speaker:\"…\"    metadata fields of JSON Lines articles
  id:ungdc-78-UKR             one article by id
  date:2025-11, date:[1980 TO 1989-12], date:[1980 TO *]   the article's date
  @zelensky, @\"Volodymyr Zelensky\", entity:zelensky   an entity, under any spelling
  type:person Kremlin         passages that mention a person (person, state, org, place, unknown)

Exit status: 0 with hits, 1 with none, 2 on error (with --queries: 2 if a query failed).";

/// Full-text search over dated diplomatic coverage, ranked by passage.
#[derive(Debug, Parser)]
#[command(name = "attache", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the process's arguments as [`Parser::try_parse`] does. A search, the command run
    /// most and the one whose start-up shows, is parsed by its own subcommand alone, without
    /// building the others' (about a fifth of a search that finds nothing); anything that does
    /// not parse that way (help, version, a mistake) goes to the whole parser, so messages and
    /// help are the same.
    pub fn parse_args() -> Result<Cli, clap::Error> {
        use clap::FromArgMatches;
        let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        if args.get(1).is_some_and(|a| a == "search") {
            let search = SearchArgs::augment_args(clap::Command::new("search"));
            if let Ok(matches) = search.try_get_matches_from(&args[1..])
                && let Ok(search) = SearchArgs::from_arg_matches(&matches)
            {
                return Ok(Cli {
                    command: Command::Search(search),
                });
            }
        }
        Cli::try_parse_from(args)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index corpus files and folders (default: corpus/): adds new articles, replaces changed
    /// ones and removes those gone from the paths given; `--full` rebuilds from scratch.
    Index(IndexArgs),
    /// Plan a shard set from corpus files (nothing written), or list the shards of an index.
    Shards(ShardsArgs),
    /// Merge the index's segments into one and purge deleted passages.
    Optimize(OptimizeArgs),
    /// Search passages; exits 0 with hits, 1 with none, 2 on error.
    #[command(after_help = QUERY_SYNTAX)]
    Search(SearchArgs),
    /// Show what the index holds.
    Stats(StatsArgs),
    /// List the entities most mentioned in the passages matching QUERY (or in all passages).
    Entities(EntitiesArgs),
    /// Show what the index knows of one entity: names matched, first and last mention, where it
    /// speaks.
    Entity(EntityArgs),
    /// Count the passages matching QUERY (or all) per year, month, day, metadata field,
    /// source, entity or entity type, as a bar chart; `--svg` draws it for a report.
    Facets(FacetsArgs),
    /// Show an article, or a passage (`ID#N`, as search prints it) with its neighbours, with
    /// its metadata, entities and a query's matches marked.
    Show(ShowArgs),
    /// List who speaks in the passages matching QUERY (or in all passages), most passages first.
    Who(WhoArgs),
    /// Measure query latency and throughput on an index.
    Bench(BenchArgs),
    /// Write a synthetic corpus (JSON Lines) with a real corpus's term statistics.
    Gen(GenArgs),
    /// Verify the index: every segment file present and matching its checksum; exits 2 if not.
    Check(CheckArgs),
    /// Score the ranking against judged needs: nDCG@10, P@10, MRR and recall@100 per need.
    Eval(EvalArgs),
    /// Export the index for Quickwit or OpenSearch/Elasticsearch: the engine's index
    /// definition and one NDJSON document per passage, which `attache index DIR` reads back.
    Export(ExportArgs),
    /// Show each setting in force (index, corpus, limit, color) and where it came from: a
    /// flag, the environment, the config file or the default.
    Config(ConfigArgs),
    /// Print a shell completion script: `attache completions bash > ~/.local/share/bash-completion/completions/attache`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff): `attache man > ~/.local/share/man/man1/attache.1`.
    Man,
}

impl Command {
    /// Where the command looks for the index, if it uses one.
    pub fn location(&self) -> Option<&IndexLocation> {
        match self {
            Command::Index(a) => Some(&a.location),
            Command::Optimize(a) => Some(&a.location),
            Command::Shards(a) => Some(&a.location),
            Command::Search(a) => Some(&a.location),
            Command::Stats(a) => Some(&a.location),
            Command::Entities(a) => Some(&a.location),
            Command::Entity(a) => Some(&a.location),
            Command::Facets(a) => Some(&a.location),
            Command::Show(a) => Some(&a.location),
            Command::Who(a) => Some(&a.location),
            Command::Bench(a) => Some(&a.location),
            Command::Check(a) => Some(&a.location),
            Command::Eval(a) => Some(&a.location),
            Command::Export(a) => Some(&a.location),
            Command::Config(a) => Some(&a.location),
            Command::Gen(_) | Command::Completions(_) | Command::Man => None,
        }
    }
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// Write JSON: each setting's `value`, `source` and `from` (the flag, variable or file).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Information needs, one per line: `ID<TAB>QUERY`, further tab-separated columns (a
    /// description) ignored, `#` comments.
    #[arg(value_name = "QUERIES")]
    pub queries: PathBuf,
    /// Judgements in TREC qrels format: `ID 0 ARTICLE_ID#PASSAGE GRADE`, grades 0, 1 or 2.
    #[arg(value_name = "QRELS")]
    pub qrels: PathBuf,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Only the needs whose id starts with PREFIX (a part of the set).
    #[arg(long, value_name = "PREFIX")]
    pub only: Option<String>,
    /// The grade MRR looks for: 2 (a passage that answers the need) or 1 (any relevant one).
    #[arg(long, value_name = "GRADE", default_value_t = 2, allow_negative_numbers = true, value_parser = whole(1u8, 2u8))]
    pub mrr_grade: u8,
    /// Write the whole report as JSON (it is what `--compare` reads).
    #[arg(long)]
    pub json: bool,
    /// Compare with an earlier `--json` report: per-need deltas, a paired randomisation test
    /// and a sign test on nDCG@10 and MRR.
    #[arg(long, value_name = "BEFORE.json")]
    pub compare: Option<PathBuf>,
    /// The ranking to evaluate: `full` (BM25 and the words-together bonus) or `bm25` alone.
    #[arg(long, value_name = "RANKING", default_value = "full")]
    pub ranking: RankingChoice,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// Write the report as one JSON object: `ok`, `generation`, `segments`, `files_verified`,
    /// `passages` and `problems` (`{"path", "what"}`).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct GenArgs {
    /// Articles to write, 1 to 1000000000.
    #[arg(
        long,
        value_name = "N",
        required_unless_present = "learn",
        allow_negative_numbers = true, value_parser = whole(1, MAX_ARTICLES)
    )]
    pub articles: Option<u64>,
    /// Seed: the same seed, count and model give byte-identical output.
    #[arg(long, value_name = "S", default_value_t = 1, allow_negative_numbers = true, value_parser = whole(0, u64::MAX))]
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
    /// Queries, one per line, `#` comments [default: the built-in list, benches/queries.txt].
    #[arg(long, value_name = "FILE")]
    pub queries: Option<PathBuf>,
    /// The fewest measured runs per query, 1 to 100000.
    #[arg(long, value_name = "N", default_value_t = 20, allow_negative_numbers = true, value_parser = whole(1, MAX_RUNS))]
    pub runs: usize,
    /// The most measured runs per query, 1 to 100000: more runs narrow the median's interval.
    #[arg(long, value_name = "N", default_value_t = 2000, allow_negative_numbers = true, value_parser = whole(1, MAX_RUNS))]
    pub max_runs: usize,
    /// Stop measuring a query after this many seconds (once it has --runs runs), up to 86400;
    /// a facet of the commonest word stops there after one run.
    #[arg(long, value_name = "SECS", default_value = "3", allow_negative_numbers = true, value_parser = seconds)]
    pub max_seconds: Duration,
    /// Run each query until the 95% confidence interval of its median is within this share
    /// of the median (0.03: ±3%), 0 to 1; 0 runs until --max-runs or --max-seconds.
    #[arg(long, value_name = "SHARE", default_value = "0.03", allow_negative_numbers = true, value_parser = share)]
    pub precision: f64,
    /// Unmeasured runs per query before measuring, 0 to 100000.
    #[arg(long, value_name = "N", default_value_t = 3, allow_negative_numbers = true, value_parser = whole(0, MAX_RUNS))]
    pub warmup: usize,
    /// Threads for the concurrent throughput run, 1 to 1024 [default: all cores].
    #[arg(long, value_name = "T", allow_negative_numbers = true, value_parser = whole(1, MAX_THREADS))]
    pub threads: Option<usize>,
    /// Hits fetched and snippeted per query, 1 to 10000.
    #[arg(
        long,
        short = 'n',
        value_name = "K",
        default_value_t = 10,
        allow_negative_numbers = true, value_parser = whole(1, MAX_LIMIT)
    )]
    pub limit: usize,
    /// Write the whole report as JSON.
    #[arg(long)]
    pub json: bool,
    /// The ranking to measure: `full` (BM25 and the words-together bonus) or `bm25` alone.
    #[arg(long, value_name = "RANKING", default_value = "full")]
    pub ranking: RankingChoice,
    /// Compare with an earlier `--json` report: per-query ratios of median latency, whether
    /// each is significant, and the whole run's; refused when the two measured different
    /// indexes, build profiles, top-K or rankings.
    #[arg(long, value_name = "PREVIOUS.json")]
    pub compare: Option<PathBuf>,
    /// Compare even when the reports measured different things, with a warning.
    #[arg(long, requires = "compare")]
    pub allow_mismatch: bool,
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
    #[command(flatten)]
    pub dates: DateRange,
    /// Number of entities to list, 1 to 10000.
    #[arg(
        long,
        short = 'n',
        value_name = "N",
        default_value_t = 20,
        allow_negative_numbers = true, value_parser = whole(1, MAX_LIMIT)
    )]
    pub limit: usize,
    /// Write JSON Lines, one object per entity.
    #[arg(long)]
    pub json: bool,
    /// Give up (exit 2) when matching takes longer than this many seconds, up to 86400;
    /// 0 waits forever.
    #[arg(long, value_name = "SECS", default_value = "10", allow_negative_numbers = true, value_parser = seconds)]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct WhoArgs {
    /// Only passages matching this query (same syntax as `search`).
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    #[command(flatten)]
    pub location: IndexLocation,
    #[command(flatten)]
    pub dates: DateRange,
    /// Number of speakers to list, 1 to 10000.
    #[arg(
        long,
        short = 'n',
        value_name = "N",
        default_value_t = 20,
        allow_negative_numbers = true, value_parser = whole(1, MAX_LIMIT)
    )]
    pub limit: usize,
    /// Write JSON Lines, one object per speaker.
    #[arg(long)]
    pub json: bool,
    /// Give up (exit 2) when matching takes longer than this many seconds, up to 86400;
    /// 0 waits forever.
    #[arg(long, value_name = "SECS", default_value = "10", allow_negative_numbers = true, value_parser = seconds)]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct EntityArgs {
    /// The entity, by id or any spelling: `@zelensky`, `Zelenskyy`, `"Volodymyr Zelensky"`.
    #[arg(value_name = "ENTITY", required = true, num_args = 1..)]
    pub name: Vec<String>,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Write JSON, one object on one line.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub view: ViewArgs,
}

/// The most passages `show` and `search --context` print around a passage, each way.
pub const MAX_CONTEXT: usize = 1000;

#[derive(Debug, Args)]
pub struct FacetsArgs {
    /// Only passages matching this query (same syntax as `search`) [default: all passages].
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    #[command(flatten)]
    pub location: IndexLocation,
    /// What to count by: year, month, day, source, entity, type, or a metadata field of the
    /// index (country, speaker, session…). Dates count only as precisely as written: a
    /// year-only date counts by year, not by month or day.
    #[arg(long, value_name = "BY", required = true)]
    pub by: FacetBy,
    /// Order: `count` (most passages first) or `value` (periods oldest first, with empty
    /// periods as zero rows) [default: value for year, month and day, else count].
    #[arg(long, value_name = "ORDER")]
    pub sort: Option<FacetSortChoice>,
    /// Show the first N values in that order, 1 to 10000 [default: every period; 20 values
    /// of other facets].
    #[arg(long, short = 'n', value_name = "N", allow_negative_numbers = true, value_parser = whole(1, MAX_LIMIT))]
    pub limit: Option<usize>,
    #[command(flatten)]
    pub dates: DateRange,
    /// Write JSON Lines: one object per value, then a summary.
    #[arg(long)]
    pub json: bool,
    /// Also draw the chart as an SVG file, with the query as its title.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// When to colour the output: auto, always or never (as for `search`).
    #[arg(long, value_name = "WHEN")]
    pub color: Option<ColorChoice>,
    /// Draw the chart N columns wide, 0 to 10000 [default: COLUMNS, else the terminal's
    /// width, else 80; 0 as the default].
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = whole(0, MAX_WIDTH))]
    pub width: Option<usize>,
    /// Give up (exit 2) when matching takes longer than this many seconds, up to 86400;
    /// 0 waits forever.
    #[arg(long, value_name = "SECS", default_value = "10", allow_negative_numbers = true, value_parser = seconds)]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The article id, or `ID#PASSAGE` for one passage, as search hits print them.
    #[arg(value_name = "ID[#PASSAGE]")]
    pub id: String,
    #[command(flatten)]
    pub location: IndexLocation,
    /// With a passage, show N passages before and after it, 0 to 1000.
    #[arg(
        long,
        short = 'C',
        value_name = "N",
        default_value_t = 2,
        allow_negative_numbers = true, value_parser = whole(0, MAX_CONTEXT)
    )]
    pub context: usize,
    /// Highlight this query's matches (same syntax as `search`).
    #[arg(long, short = 'q', value_name = "QUERY")]
    pub query: Option<String>,
    /// Write JSON Lines: the article, then one object per passage shown.
    #[arg(long)]
    pub json: bool,
    /// When to colour the output: auto, always or never (as for `search`).
    #[arg(long, value_name = "WHEN")]
    pub color: Option<ColorChoice>,
    #[command(flatten)]
    pub view: ViewArgs,
    /// Show the text through a pager when standard output is a terminal (auto), or never
    /// (as for `search`).
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    pub pager: PagerChoice,
}

/// The articles' dates a command keeps.
#[derive(Debug, Clone, Args)]
pub struct DateRange {
    /// Only articles dated on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<Date>,
    /// Only articles dated on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub until: Option<Date>,
}

#[derive(Debug, Clone, Args)]
pub struct IndexLocation {
    /// Index folder [default: $ATTACHE_INDEX, else `index` in the config file, else index/].
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
    /// Print what would be added, changed and removed, and write nothing (with --full, what
    /// a rebuild would hold).
    #[arg(long)]
    pub dry_run: bool,
    /// Also remove indexed articles from outside the paths given that this run did not see;
    /// with --full (or a rebuild the index needs), rebuild from the paths given alone.
    #[arg(long)]
    pub prune: bool,
    /// Write the run summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Commit at least every MB megabytes of input (updates only), 1 to 1048576.
    #[arg(
        long,
        value_name = "MB",
        default_value_t = defaults::CHECKPOINT_MB,
        allow_negative_numbers = true, value_parser = whole(1, MAX_CHECKPOINT_MB)
    )]
    pub checkpoint_mb: u64,
    /// Commit at least every SECONDS (updates only), 1 to 86400.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = defaults::CHECKPOINT_SECS,
        allow_negative_numbers = true, value_parser = whole(1, MAX_SECONDS)
    )]
    pub checkpoint_secs: u64,
    /// Also commit after every N articles read (updates only), 1 to 1000000000.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = whole(1, MAX_ARTICLES))]
    pub checkpoint_articles: Option<u64>,
    /// Threads for parsing and analysis, 1 to 1024 [default: all cores].
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = whole(1, MAX_THREADS))]
    pub threads: Option<usize>,
    /// Memory budget of the index writer, in MB, 15 to 4095 (tantivy's bounds).
    #[arg(
        long,
        value_name = "MB",
        default_value_t = defaults::MEMORY_MB,
        allow_negative_numbers = true, value_parser = whole(MEMORY_MB.0, MEMORY_MB.1)
    )]
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
    /// Also count the files in the folders given that are ignored for their type.
    #[arg(long, short)]
    pub verbose: bool,
    /// Write a shard set: one index per year, month or source under the index folder, with a
    /// manifest (shards.json); searched as one index. Needed only for a set's first build.
    #[arg(long, value_name = "KEY")]
    pub shard_by: Option<ShardBy>,
    /// Build or update only this shard of the set (`1985`, `1985-09`, a source), taking from
    /// the paths only its articles: shards built by different processes land side by side.
    #[arg(long, value_name = "KEY")]
    pub shard: Option<String>,
}

#[derive(Debug, Args)]
pub struct ShardsArgs {
    /// Plan a shard set from these files and folders without writing anything: one line per
    /// partition with its period, input files and articles. Without paths, list the shards
    /// of --index.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub location: IndexLocation,
    /// How the paths partition (with PATH).
    #[arg(long, value_name = "KEY", default_value = "year")]
    pub shard_by: ShardBy,
    /// Write JSON Lines.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words (AND by default), "exact phrases", "phrase"~N, OR, NOT, -exclude,
    /// field:value, date:[2025-11-01 TO 2025-11-30], term^2. Several arguments are joined
    /// with spaces; put `--` before a query that starts with `-`.
    #[arg(value_name = "QUERY", required_unless_present = "queries", num_args = 1..)]
    pub query: Vec<String>,
    /// Run one query per line of FILE (`-`: standard input; blank lines and `#` comments
    /// skipped) and write JSON Lines, each object tagged with its `query` and `line`; a bad
    /// query is reported with its line number and the rest still run (exit 2).
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    pub queries: Option<PathBuf>,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Number of passages to show, 1 to 10000 [default: `limit` in the config file, else 10].
    #[arg(long, short = 'n', value_name = "N", allow_negative_numbers = true, value_parser = whole(1, MAX_LIMIT))]
    pub limit: Option<usize>,
    #[command(flatten)]
    pub dates: DateRange,
    /// Match words as spelled: a known alias (`Kiev`) does not also find its entity (Kyiv).
    #[arg(long)]
    pub strict_spelling: bool,
    /// How to rank: `full` (BM25 and the bonus for an unquoted query's words standing
    /// together) or `bm25` alone.
    #[arg(long, value_name = "RANKING", default_value = "full")]
    pub ranking: RankingChoice,
    /// Order of the hits: `relevance`, `date` (oldest first: when was it first said?) or
    /// `-date` (newest first); equal dates keep the relevance order.
    #[arg(
        long,
        value_name = "ORDER",
        default_value = "relevance",
        allow_hyphen_values = true
    )]
    pub sort: SortChoice,
    /// Skip this many hits first (paging), 0 to 10000.
    #[arg(long, value_name = "N", default_value_t = 0, allow_negative_numbers = true, value_parser = whole(0, MAX_LIMIT))]
    pub offset: usize,
    /// Show at most N passages of one article, 0 to 10000; 0 shows them all. The last one
    /// shown says how many more of the article's passages match.
    #[arg(
        long,
        value_name = "N",
        default_value_t = attache::search::group::DEFAULT_PER_ARTICLE,
        allow_negative_numbers = true, value_parser = whole(0, MAX_LIMIT)
    )]
    pub per_article: usize,
    /// Show every passage, even one that nearly repeats a better-ranked hit (by default such
    /// passages, a quote several outlets carry, collapse into that hit, which names them).
    #[arg(long)]
    pub no_collapse: bool,
    /// Write JSON Lines: one object per hit, then a summary (with --count, the summary alone).
    #[arg(long)]
    pub json: bool,
    /// Print only the number of matching passages and articles (always counted exactly).
    #[arg(long)]
    pub count: bool,
    /// Count every match. Without it, a ranked search stops counting after 1000 matches and
    /// skips those that cannot reach the top, reporting "≥ 1000".
    #[arg(long)]
    pub exact_count: bool,
    /// Search a shard set's shards on up to N threads (a plain index uses one). Hits and exact
    /// counts do not change; "at least" counts may, as the shards race.
    #[arg(long, value_name = "N", default_value_t = 1, allow_negative_numbers = true, value_parser = whole(1, MAX_THREADS))]
    pub threads: usize,
    /// Print how the query was read (the logical plan: `+` required, `-` excluded, a word's
    /// index terms with their weights) and, under each hit, what its score is made of (BM25
    /// per term and phrase, the bonus for words standing together, the length weight).
    #[arg(long)]
    pub explain: bool,
    /// When to colour the output: auto (on a terminal, unless NO_COLOR is set or TERM=dumb;
    /// CLICOLOR_FORCE=1 forces it), always or never [default: `color` in the config file,
    /// else auto].
    #[arg(long, value_name = "WHEN")]
    pub color: Option<ColorChoice>,
    /// Give up (exit 2) when matching takes longer than this many seconds, up to 86400;
    /// 0 waits forever.
    #[arg(long, value_name = "SECS", default_value = "10", allow_negative_numbers = true, value_parser = seconds)]
    pub timeout: Duration,
    /// Under each hit, print N passages before and after it (in JSON, a `context` array),
    /// 0 to 1000.
    #[arg(
        long,
        short = 'C',
        value_name = "N",
        default_value_t = 0,
        allow_negative_numbers = true, value_parser = whole(0, MAX_CONTEXT)
    )]
    pub context: usize,
    #[command(flatten)]
    pub view: ViewArgs,
    /// Show text results through a pager when standard output is a terminal (auto), or never
    /// [pager: ATTACHE_PAGER, the config file's `pager`, PAGER, else `less -FRX`].
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    pub pager: PagerChoice,
}

/// How text output fits the screen.
#[derive(Debug, Clone, Args)]
pub struct ViewArgs {
    /// Wrap text output at N columns, 0 to 10000; 0 does not wrap [default: COLUMNS, else the
    /// terminal's width, else 80].
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = whole(0, MAX_WIDTH))]
    pub width: Option<usize>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// The engine: quickwit (index-config.yaml, passages.ndjson) or opensearch (mapping.json,
    /// bulk-NNNN.ndjson files of _bulk lines; Elasticsearch takes them too).
    #[arg(long, value_enum, value_name = "ENGINE")]
    pub format: ExportFormat,
    /// The folder to write: new, or empty.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The other engine's index name: 3 to 255 lowercase letters, digits, '-' or '_',
    /// starting with a letter.
    #[arg(long, value_name = "NAME", default_value = attache::export::DEFAULT_NAME,
          value_parser = export_name)]
    pub name: String,
    /// With opensearch, the most MiB of one bulk file (one bulk request), 1 to 1024.
    #[arg(long, value_name = "MB", default_value_t = attache::export::BULK_BYTES >> 20,
          allow_negative_numbers = true, value_parser = whole(1u64, 1024))]
    pub bulk_mb: u64,
    /// Write the summary as one JSON object on standard output.
    #[arg(long)]
    pub json: bool,
    /// No progress bar and no hints: only the summary.
    #[arg(long, short)]
    pub quiet: bool,
}

/// The engines `attache export` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Quickwit 0.8 or later.
    Quickwit,
    /// OpenSearch, or Elasticsearch.
    Opensearch,
}

/// `--name`, checked for both engines.
fn export_name(name: &str) -> Result<String, String> {
    attache::export::check_name(name).map(|()| name.to_owned())
}

/// Whether to page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PagerChoice {
    /// Through the pager when standard output is a terminal.
    Auto,
    /// Never.
    Never,
}

/// A parser of whole numbers in `lo..=hi`, for clap. Its error, after clap's `invalid value
/// 'V' for '--flag <N>': `, names the range: `0 is not in 1..=10000`.
fn whole<T>(lo: T, hi: T) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static
where
    T: FromStr + PartialOrd + Display + Copy + Send + Sync + 'static,
{
    move |s: &str| match s.parse::<T>() {
        Ok(n) if lo <= n && n <= hi => Ok(n),
        // Digits only, or a minus and digits: out of range, however many there are.
        _ if !s.trim_start_matches('-').is_empty()
            && s.trim_start_matches('-')
                .bytes()
                .all(|b| b.is_ascii_digit())
            && s.len() - s.trim_start_matches('-').len() <= 1 =>
        {
            Err(format!("{s} is not in {lo}..={hi}"))
        }
        _ => Err(format!("'{s}' is not a whole number in {lo}..={hi}")),
    }
}

/// Parses a share from 0 to 1: `0.03`.
fn share(s: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|n| (0.0..=1.0).contains(n))
        .ok_or_else(|| format!("'{s}' is not a share in 0..=1, like 0.03"))
}

/// Parses a number of seconds from 0 to [`MAX_SECONDS`]: `10`, `0.5`, `0`.
fn seconds(s: &str) -> Result<Duration, String> {
    s.parse::<f64>()
        .ok()
        .filter(|n| (0.0..=MAX_SECONDS as f64).contains(n))
        .and_then(|n| Duration::try_from_secs_f64(n).ok())
        .ok_or_else(|| {
            format!("'{s}' is not a number of seconds in 0..={MAX_SECONDS}, like 10 or 0.5")
        })
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// Write JSON, one object on one line.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub view: ViewArgs,
}

/// The order of search hits.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SortChoice {
    /// Best first.
    Relevance,
    /// Oldest first.
    Date,
    /// Newest first.
    #[value(name = "-date")]
    DateDesc,
}

impl From<SortChoice> for attache::search::Sort {
    fn from(choice: SortChoice) -> Self {
        match choice {
            SortChoice::Relevance => attache::search::Sort::Relevance,
            SortChoice::Date => attache::search::Sort::Date,
            SortChoice::DateDesc => attache::search::Sort::DateDesc,
        }
    }
}

/// The order of facet values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FacetSortChoice {
    /// Most passages first.
    Count,
    /// By value: periods oldest first.
    Value,
}

impl From<FacetSortChoice> for FacetSort {
    fn from(choice: FacetSortChoice) -> Self {
        match choice {
            FacetSortChoice::Count => FacetSort::Count,
            FacetSortChoice::Value => FacetSort::Value,
        }
    }
}

/// How to rank passages.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RankingChoice {
    /// BM25 and the bonuses on top.
    Full,
    /// BM25 alone.
    Bm25,
}

impl From<RankingChoice> for attache::search::Ranking {
    fn from(choice: RankingChoice) -> Self {
        match choice {
            RankingChoice::Full => attache::search::Ranking::Full,
            RankingChoice::Bm25 => attache::search::Ranking::Bm25,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// The first line of clap's error for `args`, or `ok`.
    fn first_line(args: &[&str]) -> String {
        match Cli::try_parse_from(std::iter::once("attache").chain(args.iter().copied())) {
            Ok(_) => "ok".to_owned(),
            Err(e) => e.to_string().lines().next().unwrap_or("").to_owned(),
        }
    }

    #[test]
    fn every_numeric_option_is_bounded_with_an_error_naming_the_range() {
        let cases: &[(&[&str], &str)] = &[
            (&["search", "x", "--limit", "10000"], "ok"),
            (
                &["search", "x", "--limit", "0"],
                "error: invalid value '0' for '--limit <N>': 0 is not in 1..=10000",
            ),
            (
                &["search", "x", "-n", "1000000000"],
                "error: invalid value '1000000000' for '--limit <N>': 1000000000 is not in 1..=10000",
            ),
            (
                &["search", "x", "--limit", "9223372036854775807"],
                "error: invalid value '9223372036854775807' for '--limit <N>': \
                 9223372036854775807 is not in 1..=10000",
            ),
            (
                &["search", "x", "--limit", "99999999999999999999999"],
                "error: invalid value '99999999999999999999999' for '--limit <N>': \
                 99999999999999999999999 is not in 1..=10000",
            ),
            (
                &["search", "x", "--limit", "ten"],
                "error: invalid value 'ten' for '--limit <N>': 'ten' is not a whole number in 1..=10000",
            ),
            (&["search", "x", "--timeout", "86400"], "ok"),
            (&["search", "x", "--timeout", "0"], "ok"),
            (&["search", "x", "--timeout", "0.5"], "ok"),
            (
                &["search", "x", "--timeout", "1e19"],
                "error: invalid value '1e19' for '--timeout <SECS>': '1e19' is not a number of \
                 seconds in 0..=86400, like 10 or 0.5",
            ),
            (
                &["search", "x", "--timeout", "86400.5"],
                "error: invalid value '86400.5' for '--timeout <SECS>': '86400.5' is not a number \
                 of seconds in 0..=86400, like 10 or 0.5",
            ),
            (
                &["search", "x", "--timeout", "NaN"],
                "error: invalid value 'NaN' for '--timeout <SECS>': 'NaN' is not a number of \
                 seconds in 0..=86400, like 10 or 0.5",
            ),
            (
                &["search", "x", "--timeout=-1"],
                "error: invalid value '-1' for '--timeout <SECS>': '-1' is not a number of \
                 seconds in 0..=86400, like 10 or 0.5",
            ),
            (&["facets", "--by", "year", "--limit", "10000"], "ok"),
            (
                &["facets", "--by", "year", "-n", "0"],
                "error: invalid value '0' for '--limit <N>': 0 is not in 1..=10000",
            ),
            (&["show", "a.txt#3", "-C", "1000"], "ok"),
            (
                &["show", "a.txt#3", "-C", "1001"],
                "error: invalid value '1001' for '--context <N>': 1001 is not in 0..=1000",
            ),
            (&["search", "x", "--context", "0"], "ok"),
            (
                &["search", "x", "--context", "many"],
                "error: invalid value 'many' for '--context <N>': 'many' is not a whole number \
                 in 0..=1000",
            ),
            (&["entities", "--limit", "10000"], "ok"),
            (
                &["entities", "--limit", "0"],
                "error: invalid value '0' for '--limit <N>': 0 is not in 1..=10000",
            ),
            (
                &["bench", "--runs", "1", "--warmup", "0", "--threads", "1024"],
                "ok",
            ),
            (
                &["bench", "--runs", "0"],
                "error: invalid value '0' for '--runs <N>': 0 is not in 1..=100000",
            ),
            (
                &["bench", "--warmup", "100001"],
                "error: invalid value '100001' for '--warmup <N>': 100001 is not in 0..=100000",
            ),
            (
                &["bench", "--threads", "0"],
                "error: invalid value '0' for '--threads <T>': 0 is not in 1..=1024",
            ),
            (
                &["bench", "--limit", "10001"],
                "error: invalid value '10001' for '--limit <K>': 10001 is not in 1..=10000",
            ),
            (
                &[
                    "index",
                    "--threads",
                    "1024",
                    "--memory",
                    "15",
                    "--checkpoint-mb",
                    "1048576",
                ],
                "ok",
            ),
            (
                &["index", "--memory", "4095", "--checkpoint-secs", "86400"],
                "ok",
            ),
            (
                &["index", "--threads", "100000"],
                "error: invalid value '100000' for '--threads <N>': 100000 is not in 1..=1024",
            ),
            (
                &["index", "--threads", "0"],
                "error: invalid value '0' for '--threads <N>': 0 is not in 1..=1024",
            ),
            (
                &["index", "--memory", "10000"],
                "error: invalid value '10000' for '--memory <MB>': 10000 is not in 15..=4095",
            ),
            (
                &["index", "--memory", "17592186044416"],
                "error: invalid value '17592186044416' for '--memory <MB>': 17592186044416 is not \
                 in 15..=4095",
            ),
            (
                &["index", "--memory", "14"],
                "error: invalid value '14' for '--memory <MB>': 14 is not in 15..=4095",
            ),
            (
                &["index", "--checkpoint-mb", "0"],
                "error: invalid value '0' for '--checkpoint-mb <MB>': 0 is not in 1..=1048576",
            ),
            (
                &["index", "--checkpoint-mb", "17592186044416"],
                "error: invalid value '17592186044416' for '--checkpoint-mb <MB>': \
                 17592186044416 is not in 1..=1048576",
            ),
            (
                &["index", "--checkpoint-secs", "0"],
                "error: invalid value '0' for '--checkpoint-secs <SECONDS>': 0 is not in 1..=86400",
            ),
            (&["index", "--checkpoint-articles", "1"], "ok"),
            (
                &["index", "--checkpoint-articles", "0"],
                "error: invalid value '0' for '--checkpoint-articles <N>': 0 is not in \
                 1..=1000000000",
            ),
            (&["gen", "--articles", "1000000000"], "ok"),
            (
                &["gen", "--articles", "1", "--seed", "18446744073709551615"],
                "ok",
            ),
            (
                &["gen", "--articles", "1", "--seed", "18446744073709551616"],
                "error: invalid value '18446744073709551616' for '--seed <S>': \
                 18446744073709551616 is not in 0..=18446744073709551615",
            ),
            (&["eval", "n.tsv", "q.txt", "--mrr-grade", "1"], "ok"),
            (
                &["eval", "n.tsv", "q.txt", "--mrr-grade", "3"],
                "error: invalid value '3' for '--mrr-grade <GRADE>': 3 is not in 1..=2",
            ),
            (
                &["gen", "--articles", "0"],
                "error: invalid value '0' for '--articles <N>': 0 is not in 1..=1000000000",
            ),
        ];
        for (args, want) in cases {
            assert_eq!(first_line(args), *want, "attache {}", args.join(" "));
        }
    }

    #[test]
    fn short_n_is_limit_in_every_subcommand() {
        use clap::CommandFactory;
        let mut with_n = Vec::new();
        for sub in Cli::command().get_subcommands() {
            for arg in sub.get_arguments() {
                if arg.get_short() == Some('n') {
                    assert_eq!(arg.get_long(), Some("limit"), "attache {}", sub.get_name());
                    with_n.push(sub.get_name().to_owned());
                }
            }
        }
        assert_eq!(with_n, ["search", "entities", "facets", "who", "bench"]);
    }

    #[test]
    fn the_memory_bounds_fit_tantivys_arena_per_thread() {
        // tantivy 0.27: MEMORY_BUDGET_NUM_BYTES_MIN and MEMORY_BUDGET_NUM_BYTES_MAX.
        let (min, max) = (15_000_000, u32::MAX as usize - 1_000_000);
        assert!(MEMORY_MB.0 << 20 >= min && (MEMORY_MB.0 - 1) << 20 < min);
        assert!(MEMORY_MB.1 << 20 < max && (MEMORY_MB.1 + 1) << 20 >= max);
    }
}
