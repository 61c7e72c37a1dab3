//! Searching: query text → parsed query → tantivy query → ranked passages with snippets.

pub mod bounded;
pub(crate) mod collect;
pub mod entities;
mod excluded;
pub mod explain;
pub mod facets;
mod fuzzy;
mod gapped;
pub mod group;
mod grouped;
mod levenshtein;
pub(crate) mod logical;
pub mod parse;
pub mod plan;
pub mod shards;
pub mod show;
mod sloppy;
pub(crate) mod snippet;
pub mod speakers;
pub mod suggest;
pub(crate) mod topk;
pub(crate) mod values;

use std::collections::HashSet;
use std::ops::Range;
use std::time::{Duration, Instant};

use tantivy::query::{EnableScoring, Query};
use tantivy::{IndexReader, ReloadPolicy, SegmentReader, TantivyDocument};

use crate::analysis::Analyzer;
use crate::corpus::Date;
use crate::entities::attribution::Said;
use crate::entities::{Gazetteer, Mention};
use crate::error::{Error, Result};
use crate::index::document::Info;
use crate::index::schema::META_SEPARATOR;
use crate::index::{IndexDir, IndexState, OpenIndex, reading_index};
pub use collect::Collected;
use collect::{ColumnCache, Passages};
pub use group::Grouping;
use plan::{BUILTIN_FIELDS, Planner};
pub use snippet::Snippet;

/// How many of the best passages by BM25 the plan's bonuses re-rank: a passage below them
/// gains nothing and follows them in BM25's order, as with Elasticsearch's rescore window.
pub const RESCORE_WINDOW: usize = 200;
/// How many of the best passages by BM25 are weighed by length when there are no bonuses (those
/// below follow in BM25's order): the weight moves a score by less than BM25's spread over the
/// first few dozen passages.
pub const PRIOR_WINDOW: usize = 50;
/// The most ranked passages grouping looks at (see `grouped`).
pub const MAX_GROUPING_WINDOW: usize = grouped::MAX_WINDOW;

/// How many matches a ranked search counts (as Lucene's `totalHitsThreshold`): fewer matches
/// are counted exactly, more are reported as "at least" this many unless the request asks for
/// exact counts. Past them, or sooner when they are counted apart, the ranking skips the
/// passages that cannot reach the top.
pub const COUNT_UP_TO: u64 = 1000;

/// The fewest matches a query must be able to have for a ranked search to count them apart
/// from ranking them (see `Searcher::collect_ranked`): below, a pass of its own over the
/// segments costs more than scoring them all.
pub const COUNT_APART_FROM: u64 = 500;

/// `query` without the part at `span`, with the `+` or `AND` that joined it and a group it
/// leaves empty: `+peace war` without `peace` is `war`, `peace AND war` without `war` is
/// `peace`.
fn without_part(query: &str, span: &std::ops::Range<usize>) -> String {
    let start = match query[..span.start].ends_with('+') {
        true => span.start - 1,
        false => span.start,
    };
    let mut before: Vec<&str> = query[..start].split_whitespace().collect();
    let mut after: Vec<&str> = query[span.end..].split_whitespace().collect();
    if before.last() == Some(&"AND") {
        before.pop();
    } else if after.first() == Some(&"AND") {
        after.remove(0);
    }
    let text = before
        .into_iter()
        .chain(after)
        .collect::<Vec<_>>()
        .join(" ")
        .replace("( )", "")
        .replace("()", "");
    let text = text
        .trim()
        .trim_start_matches("AND ")
        .trim_end_matches(" AND");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A query with one of its parts left out, and what it matches (see
/// [`Searcher::without_each`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Relaxed {
    /// The part left out, as written.
    pub without: String,
    /// The query without it.
    pub query: String,
    /// Passages it matches (at least this many when not `exact`).
    pub passages: u64,
    /// Whether `passages` is exact.
    pub exact: bool,
}

/// A search to run.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// The query, in attache's query syntax.
    pub query: String,
    /// How many hits to return.
    pub limit: usize,
    /// Only articles whose date period ends on or after this date's start.
    pub since: Option<Date>,
    /// Only articles whose date period starts on or before this date's end.
    pub until: Option<Date>,
    /// Whether a plain word that is a known alias also finds its entity (`Kiev` → Kyiv).
    pub expand_aliases: bool,
    /// Give up with [`Error::Timeout`] when matching takes longer than this; `None` never does.
    pub timeout: Option<Duration>,
    /// How passages are ranked.
    pub ranking: Ranking,
    /// The order of the hits.
    pub sort: Sort,
    /// Hits to skip before the first one returned (paging).
    pub offset: usize,
    /// Count every match, even when ranking alone would skip most of them.
    pub exact_count: bool,
    /// Say how the query was read and take each hit's score apart.
    pub explain: bool,
    /// How the ranked passages are grouped into hits (passages per article, near-duplicates).
    pub group: Grouping,
}

/// The order of the hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best first.
    #[default]
    Relevance,
    /// Oldest first ("when was this first said?"); equal dates best first.
    Date,
    /// Newest first; equal dates best first.
    DateDesc,
}

/// How passages are ranked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Ranking {
    /// BM25 and the bonuses on top (the words of an unquoted query standing together).
    #[default]
    Full,
    /// BM25 alone: the baseline that the bonuses are measured against.
    Bm25,
}

impl Ranking {
    /// `full` or `bm25`, as the command line names it.
    pub fn name(self) -> &'static str {
        match self {
            Ranking::Full => "full",
            Ranking::Bm25 => "bm25",
        }
    }
}

impl SearchRequest {
    /// A request for the top `limit` passages matching `query`, with alias expansion and no
    /// grouping: the ranking itself, as `attache eval` and `bench` measure it (`attache
    /// search` asks for [`Grouping::default`]).
    pub fn new(query: impl Into<String>, limit: usize) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            limit,
            since: None,
            until: None,
            expand_aliases: true,
            timeout: None,
            ranking: Ranking::Full,
            sort: Sort::Relevance,
            offset: 0,
            exact_count: false,
            explain: false,
            group: Grouping::NONE,
        }
    }
}

/// Which hits of a search to return, and in what order.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    /// How many hits.
    pub limit: usize,
    /// How many to skip first.
    pub offset: usize,
    /// In what order.
    pub sort: Sort,
    /// Whether every match must be counted (else counts past [`COUNT_UP_TO`] are lower
    /// bounds).
    pub exact_count: bool,
}

/// When a search gives up.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    /// The moment to stop.
    pub at: Instant,
    /// The allowance it was computed from, for the error message.
    pub timeout: Duration,
}

/// One ranked passage.
#[derive(Debug, Clone)]
pub struct Hit {
    /// 1-based rank.
    pub rank: usize,
    /// BM25 score.
    pub score: f32,
    /// The article id.
    pub article_id: String,
    /// The passage number within the article, from 0.
    pub passage: u64,
    /// Article-level values: date as written, title, source, url, metadata.
    pub info: Info,
    /// The whole passage.
    pub text: String,
    /// Byte ranges of `text` that matched.
    pub highlights: Vec<Range<usize>>,
    /// The best short window of `text`.
    pub snippet: Snippet,
    /// The entities mentioned in the passage, in text order.
    pub entities: Vec<Mention>,
    /// Where the passage is in the index.
    pub address: tantivy::DocAddress,
    /// What its score is made of, when the request asked (`explain`).
    pub explanation: Option<explain::Explanation>,
    /// Who speaks in the passage, in the order their words start.
    pub speakers: Vec<Said>,
    /// On the hit that shows the last passage its article may show (see
    /// [`Grouping::per_article`]), how many more of the article's passages match: all the
    /// matches of the article, counted exactly, less those it shows. 0 on other hits.
    pub more_in_article: u64,
    /// The passages that nearly repeat this one, collapsed into it: earliest first, then in
    /// rank order. Only those ranked within the window of passages grouped: 3 × (offset +
    /// limit), at least 30, grown when it leaves too few hits.
    pub duplicates: Vec<Duplicate>,
}

/// A passage collapsed into a hit that it nearly repeats.
#[derive(Debug, Clone)]
pub struct Duplicate {
    /// The article id.
    pub article_id: String,
    /// The passage number within the article.
    pub passage: u64,
    /// Article-level values: date as written, title, source, url, metadata.
    pub info: Info,
}

/// What a search found.
#[derive(Debug, Clone)]
pub struct SearchResults {
    /// The top hits, best first.
    pub hits: Vec<Hit>,
    /// The matching passages: all of them when `counts_exact`, else a lower bound.
    pub passages_matched: u64,
    /// Distinct articles among them (a lower bound unless `counts_exact`).
    pub articles_matched: u64,
    /// Whether the counts are exact. A ranked search stops counting after [`COUNT_UP_TO`]
    /// matches unless the request asks for exact counts.
    pub counts_exact: bool,
    /// How the query was read, when the request asked (`explain`).
    pub plan: Option<explain::PlanSummary>,
    /// Whether grouping stopped at its largest window of passages ([`MAX_GROUPING_WINDOW`])
    /// before the page was full: the hits past them (a deep page, or a date order where every
    /// article has many matches) are missing, and `--per-article 0 --no-collapse` pages through
    /// every match.
    pub grouping_stopped: bool,
    /// Time spent searching, fetching and snippeting.
    pub took: Duration,
}

/// An open index ready for queries. Cheap to clone: clones share the index and reader.
#[derive(Clone)]
pub struct Searcher {
    /// The index folder, for errors.
    path: std::path::PathBuf,
    /// The index's state when it was opened: a later failure to read it is a writer's doing
    /// when the state has changed since.
    state: IndexState,
    open: std::sync::Arc<OpenIndex>,
    reader: IndexReader,
    analyzer: Analyzer,
    columns: ColumnCache,
    values: values::ValueColumns,
    stores: crate::index::documents::Stores,
}

impl Searcher {
    /// Opens the live index of `dir`.
    ///
    /// # Errors
    /// When there is no index, it is incompatible, or it cannot be read.
    pub fn open(dir: &IndexDir) -> Result<Searcher> {
        // A writer may commit, merge (deleting the files of merged segments) or publish a new
        // generation (deleting the old one) while we open: open the new state then.
        dir.retrying(|| Searcher::open_once(dir), Result::is_err)
    }

    /// [`Searcher::open`] without trying again when a writer changed the index meanwhile.
    ///
    /// # Errors
    /// As [`Searcher::open`].
    pub fn open_once(dir: &IndexDir) -> Result<Searcher> {
        let state = dir.state();
        let open = dir.open()?;
        let reader = manual_reader(dir.path(), &open)?;
        Ok(Searcher {
            path: dir.path().to_path_buf(),
            state,
            open: std::sync::Arc::new(open),
            reader,
            analyzer: Analyzer::new(),
            columns: ColumnCache::default(),
            values: values::ValueColumns::default(),
            stores: crate::index::documents::Stores::default(),
        })
    }

    /// Searches a shard set's segments on up to `threads` threads (a plain index is searched
    /// on the calling thread, as before). The hits and exact counts do not depend on it; counts
    /// that are lower bounds may, since segments then race to fill their top lists.
    ///
    /// # Errors
    /// When the threads cannot be started, or the index cannot be read again.
    pub fn set_threads(&mut self, threads: usize) -> Result<()> {
        if self.open.shards.is_empty() || threads <= 1 {
            return Ok(());
        }
        let mut index = self.open.index.clone();
        index.set_multithread_executor(threads)?;
        let open = OpenIndex {
            index,
            fields: self.open.fields,
            manifest: self.open.manifest.clone(),
            generation: self.open.generation.clone(),
            shards: self.open.shards.clone(),
        };
        self.reader = manual_reader(&self.path, &open)?;
        self.open = std::sync::Arc::new(open);
        Ok(())
    }

    /// Runs `read` on this index, explaining failures to read it as [`Error::Damaged`] (see
    /// [`reading_index`]).
    ///
    /// # Errors
    /// Those of `read`, with index failures explained.
    pub fn guard<T>(&self, read: impl FnOnce() -> Result<T>) -> Result<T> {
        reading_index(&self.path, read)
    }

    /// The first and last day the index's passages are dated (days since 1970-01-01, as
    /// [`crate::corpus::date::day_text`] writes them), `None` for an empty index: what a
    /// search that `--since` or `--until` left empty can say of the dates there are.
    ///
    /// # Errors
    /// When the index cannot be read.
    pub fn date_span(&self) -> Result<Option<(i64, i64)>> {
        use crate::index::schema::fast;
        self.guard(|| {
            let mut span: Option<(i64, i64)> = None;
            for segment in self.reader.searcher().segment_readers() {
                let fast_fields = segment.fast_fields();
                let (lo, hi) = (
                    fast_fields.i64(fast::DAY_LO)?,
                    fast_fields.i64(fast::DAY_HI)?,
                );
                let days = match segment.alive_bitset() {
                    // The columns' bounds: cheap, and exact while nothing is deleted.
                    None if segment.num_docs() > 0 => Some((lo.min_value(), hi.max_value())),
                    None => None,
                    Some(_) => segment.doc_ids_alive().fold(None, |acc, doc| {
                        let (Some(l), Some(h)) = (lo.first(doc), hi.first(doc)) else {
                            return acc;
                        };
                        Some(acc.map_or((l, h), |(a, b): (i64, i64)| (a.min(l), b.max(h))))
                    }),
                };
                if let Some((l, h)) = days {
                    span = Some(span.map_or((l, h), |(a, b)| (a.min(l), b.max(h))));
                }
            }
            Ok(span)
        })
    }

    /// How many passages match `query` (all when it is empty) within the dates, counted
    /// exactly.
    ///
    /// # Errors
    /// A malformed query, dates in the wrong order, or a failure reading the index.
    pub fn count_matching(
        &mut self,
        query: &str,
        since: Option<Date>,
        until: Option<Date>,
    ) -> Result<u64> {
        let query = entities::selection(self, query, since, until)?;
        let searcher = self.reader.searcher();
        self.guard(|| Ok(searcher.search(&query, &tantivy::collector::Count)? as u64))
    }

    /// The opened index.
    pub fn index(&self) -> &OpenIndex {
        &self.open
    }

    /// The index reader.
    pub fn reader(&self) -> &IndexReader {
        &self.reader
    }

    /// Plans `request` into a tantivy query and the words to highlight.
    ///
    /// # Errors
    /// [`Error::Query`] naming what is wrong and where.
    pub fn plan(&mut self, request: &SearchRequest) -> Result<plan::Plan> {
        let node = parse::parse(&request.query).map_err(|e| Error::Query(self.parse_error(e)))?;
        self.plan_node(&node, request)
    }

    /// A parse error as the analyst reads it: a field typed without a value (`peace: justice`,
    /// text pasted with a colon) that is no field of the index is named unknown, with the
    /// advice to quote it, rather than asked for a value it cannot take.
    fn parse_error(&self, e: parse::ParseError) -> String {
        let searcher = self.reader.searcher();
        let meta = self.open.fields.meta;
        let unknown = e.valueless.as_deref().filter(|name| {
            let key = name.strip_prefix(plan::META_PREFIX);
            let builtin = key.is_none() && BUILTIN_FIELDS.contains(name);
            let key = crate::index::document::meta_key(key.unwrap_or(name));
            !builtin && meta_keys(&searcher, meta, Some(&key)).is_ok_and(|k| k.is_empty())
        });
        match unknown {
            Some(name) => format!(
                "column {}: {}",
                e.column,
                plan::unknown_field(name, &known_fields(&searcher, meta))
            ),
            None => e.to_string(),
        }
    }

    /// Plans a parsed query (whose spans point into `request.query`) with the request's
    /// options: dates, ranking, alias expansion.
    fn plan_node(&mut self, node: &parse::Node, request: &SearchRequest) -> Result<plan::Plan> {
        let fields = self.open.fields;
        let searcher = self.reader.searcher();
        let has_meta_key =
            |key: &str| meta_keys(&searcher, fields.meta, Some(key)).is_ok_and(|k| !k.is_empty());
        let known_fields = || known_fields(&searcher, fields.meta);
        // The words all of a query's prefixes start, bounded in all as each prefix's are: a
        // thousand broad prefixes (25,000 words) made one ranked query of half a minute.
        let expanded = std::cell::Cell::new(0_usize);
        let prefixes = |field: &plan::FieldName, prefix: &str| {
            let expansion = prefix_words(&searcher, field, prefix)?;
            if let plan::Expansion::Words(words) = &expansion {
                let total = expanded.get() + words.len();
                if total > plan::MAX_QUERY_PREFIX_WORDS {
                    return Err(format!(
                        "the query's prefixes start more than {} words in all (by here, \
                         {total}): give fewer prefixes, or more letters before each `*`",
                        plan::MAX_QUERY_PREFIX_WORDS
                    ));
                }
                expanded.set(total);
            }
            Ok(expansion)
        };
        let mut planner = Planner {
            fields: &fields,
            analyzer: &mut self.analyzer,
            has_meta_key: &has_meta_key,
            known_fields: &known_fields,
            gazetteer: Gazetteer::builtin,
            expand_aliases: request.expand_aliases,
            prefixes: &prefixes,
            passages: searcher.num_docs(),
            indexed: &|field: &plan::FieldName, token: &str| {
                let term = tantivy::Term::from_field_text(field.field, token);
                searcher.doc_freq(&term).is_ok_and(|n| n > 0)
            },
        };
        let mut plan = planner.plan(node).map_err(|e| {
            let column = request.query[..e.span.start].chars().count() + 1;
            Error::Query(format!("column {column}: {}", e.message))
        })?;
        check_dates(request.since, request.until)?;
        if request.since.is_some() || request.until.is_some() {
            plan = plan.narrowed(planner.date_filter(request.since, request.until));
        }
        if request.ranking == Ranking::Bm25 {
            plan.bonuses.clear();
            plan.length_prior = false;
        }
        Ok(plan)
    }

    /// Runs a search: the top `limit` passages with snippets, and exact counts.
    ///
    /// # Errors
    /// A malformed query ([`Error::Query`]), a search slower than the request's timeout
    /// ([`Error::Timeout`]) or a failure reading the index.
    pub fn search(&mut self, request: &SearchRequest) -> Result<SearchResults> {
        let path = self.path.clone();
        let searched = reading_index(&path, || self.search_unexplained(request));
        // Files are opened as a query needs them: a writer may have removed them since the
        // index was opened (a merge, a new generation). Then the new state is searched.
        let dir = IndexDir::new(&path);
        match searched {
            Err(Error::Damaged { .. }) if dir.state() != self.state => {
                *self = Searcher::open(&dir)?;
                reading_index(&path, || self.search_unexplained(request))
            }
            searched => searched,
        }
    }

    fn search_unexplained(&mut self, request: &SearchRequest) -> Result<SearchResults> {
        let started = Instant::now();
        let plan = self.plan(request)?;
        let deadline = request.timeout.map(|timeout| Deadline {
            at: started + timeout,
            timeout,
        });
        let page = Page {
            limit: request.limit,
            offset: request.offset,
            sort: request.sort,
            exact_count: request.exact_count,
        };
        // The exact phrases checked against their stored text look at the deadline too.
        let at = deadline.map(|d| d.at);
        let (searched, stopped) = gapped::deadline_scope(at, || {
            if request.group.is_none() || request.limit == 0 {
                let collected = self.collect_page(&plan, page, deadline)?;
                let counts = counts_of(&collected);
                let mut hits = self.hits(&plan, collected)?;
                for hit in &mut hits {
                    hit.rank += request.offset;
                }
                Ok::<_, Error>((hits, counts, false))
            } else {
                self.grouped(&plan, request.group, page, deadline)
            }
        });
        let (hits, collected, grouping_stopped) = match (deadline, stopped) {
            (Some(Deadline { timeout, .. }), true) => return Err(Error::Timeout { timeout }),
            _ => searched?,
        };
        let passages_matched = collected.passages;
        let articles_matched = collected.articles;
        let counts_exact = collected.exact;
        let mut hits = hits;
        let summary = match request.explain {
            true => {
                self.explain_hits(&plan, &mut hits)?;
                let mut summary = explain::PlanSummary::of(&plan);
                summary.shards = shards::pruning(&self.open, &plan.logical).map(|(_, s)| s);
                // A date order reads and scores every match: nothing is skipped.
                summary.pruned &= request.sort == Sort::Relevance;
                Some(summary)
            }
            false => None,
        };
        Ok(SearchResults {
            hits,
            passages_matched,
            articles_matched,
            counts_exact,
            plan: summary,
            grouping_stopped,
            took: started.elapsed(),
        })
    }

    /// Runs a planned query: the top `limit` passages (not yet fetched) and their counts
    /// (exact up to [`COUNT_UP_TO`]).
    ///
    /// # Errors
    /// A failure reading the index.
    pub fn collect(&self, plan: &plan::Plan, limit: usize) -> Result<Collected> {
        self.collect_counting(plan, limit, COUNT_UP_TO)
    }

    /// Like [`Searcher::collect`], counting the first `count_up_to` matches exactly before
    /// skipping those that cannot reach the top (`u64::MAX` counts all). The top passages do
    /// not depend on it.
    ///
    /// # Errors
    /// A failure reading the index.
    pub fn collect_counting(
        &self,
        plan: &plan::Plan,
        limit: usize,
        count_up_to: u64,
    ) -> Result<Collected> {
        self.collect_ranked(plan, limit, true, count_up_to, None)
    }

    /// Like [`Searcher::collect`], for one page of hits in the given order, giving up at
    /// `deadline`. Sorting by date collects every match (ordered by date, then score), so it
    /// costs more than the ranked order, which keeps only the best.
    ///
    /// # Errors
    /// [`Error::Timeout`] when the deadline passes first; a failure reading the index.
    pub fn collect_page(
        &self,
        plan: &plan::Plan,
        page: Page,
        deadline: Option<Deadline>,
    ) -> Result<Collected> {
        let Page {
            limit,
            offset,
            sort,
            exact_count,
        } = page;
        if sort != Sort::Relevance && limit > 0 {
            let mut collected = self.collect_by_date(plan, sort, deadline)?;
            collected.top.drain(..offset.min(collected.top.len()));
            collected.top.truncate(limit);
            return Ok(collected);
        }
        let wanted = match limit {
            0 => 0,
            _ => limit.saturating_add(offset),
        };
        let count_up_to = match exact_count {
            true => u64::MAX,
            false => COUNT_UP_TO,
        };
        let mut collected = self.collect_ranked(plan, wanted, true, count_up_to, deadline)?;
        collected.top.drain(..offset.min(collected.top.len()));
        Ok(collected)
    }

    /// Every match, in the order of `sort` (by date): equal dates keep the ranked order (score,
    /// then article id and passage), re-ranked as a relevance order is, so that a passage has
    /// the same score in both.
    fn collect_by_date(
        &self,
        plan: &plan::Plan,
        sort: Sort,
        deadline: Option<Deadline>,
    ) -> Result<Collected> {
        let mut collected = self.collect_ranked(plan, usize::MAX, true, u64::MAX, deadline)?;
        match sort {
            Sort::Date => collected.top.sort_by_key(|c| c.day),
            _ => collected.top.sort_by_key(|c| std::cmp::Reverse(c.day)),
        }
        Ok(collected)
    }

    /// The best `limit` passages, re-ranked by the plan's corrections when `rerank`, and
    /// counts, exact up to `count_up_to` matches.
    fn collect_ranked(
        &self,
        plan: &plan::Plan,
        limit: usize,
        rerank: bool,
        count_up_to: u64,
        deadline: Option<Deadline>,
    ) -> Result<Collected> {
        let searcher = self.reader.searcher();
        // With bonuses to add or lengths to weigh, a window of the best passages by BM25 is
        // collected and re-ranked.
        let rerank = rerank && (plan.length_prior || !plan.bonuses.is_empty());
        // The corrections re-rank a fixed number of the best passages by BM25 and those below
        // keep BM25's order, so the ranking's first passages do not depend on how many are
        // asked for: `-n 10` is the first ten of `-n 500`, and pages line up.
        let rescored = match (rerank, plan.bonuses.is_empty()) {
            (false, _) => 0,
            (true, false) => RESCORE_WINDOW,
            (true, true) => PRIOR_WINDOW,
        };
        let window = match limit {
            0 => 0,
            _ => limit.max(rescored),
        };
        let pruner = match &plan.leaves {
            Some(leaves) if window > 0 => Some(topk::Pruner::new(leaves, &searcher)?),
            _ => None,
        };
        let skip = match shards::pruning(&self.open, &plan.logical) {
            Some((skip, _)) => skip,
            None => HashSet::new(),
        };
        let timed_out = |collector: &Passages| match deadline {
            Some(Deadline { timeout, .. }) if collector.timed_out() => {
                Err(Error::Timeout { timeout })
            }
            _ => Ok(()),
        };
        // Counting the first matches on their own, reading which passages match and not how
        // well, lets the ranking walk skip from its first full top list on instead of scoring
        // every match it counts. It pays when that list is much shorter than the count (or the
        // count is exact) and than the matches can be, and what matches is cheap to read: the
        // leaves' own postings, or one word's terms. A window of 200 to re-rank leaves little
        // to skip; an intersection of several words' unions costs more to walk twice, and a
        // phrase's positions more to read twice: those are counted as they are collected.
        let separately = match &pruner {
            Some(pruner) if window != usize::MAX => {
                let window = window as u64;
                pruner.counts_cheaply()
                    && pruner.most_matches() > window.saturating_mul(4).max(COUNT_APART_FROM)
                    && (count_up_to == u64::MAX || window.saturating_mul(10) <= count_up_to)
            }
            _ => false,
        };
        let counts = match &pruner {
            Some(pruner) if separately => {
                let counter = Passages::new(0, &self.columns, deadline.map(|d| d.at));
                let whole;
                let weight = match (pruner.matches(), plan.check) {
                    (Some(weight), false) => weight,
                    _ => {
                        let scoring = EnableScoring::disabled_from_searcher(&searcher);
                        whole = plan.query.weight(scoring)?;
                        whole.as_ref()
                    }
                };
                let searched = |reader: &SegmentReader| -> tantivy::Result<bool> {
                    Ok(!skip.contains(&reader.segment_id()) && pruner.may_match(reader)?)
                };
                let counts = counter.count_first(&searcher, weight, count_up_to, searched)?;
                timed_out(&counter)?;
                Some(counts)
            }
            _ => None,
        };
        let mut collector = Passages::new(window, &self.columns, deadline.map(|d| d.at))
            .reranked(if limit > 0 && rerank { rescored } else { 0 });
        // Re-ranked by length alone, the window keeps its best `limit`: passages that cannot
        // be among them are skipped as the walk goes (see `Passages::weighed`).
        let prior = match rerank && plan.length_prior {
            true => Some(collect::LengthPrior::of(&searcher, self.open.fields.text)?),
            false => None,
        };
        if let Some(prior) = prior
            && plan.bonuses.is_empty()
        {
            collector = collector.weighed(prior, limit);
        }
        if let Some(pruner) = &pruner {
            let count_up_to = match counts {
                Some(_) => 0,
                None => count_up_to,
            };
            collector = collector.pruned(pruner, plan.check, count_up_to);
        }
        // The pruned walk reads the leaves' own postings, and the whole query's weight only to
        // check filters and exclusions: without them, its statistics are not worth reading.
        let query = match (&pruner, plan.check) {
            (Some(_), false) => &tantivy::query::EmptyQuery as &dyn Query,
            _ => plan.query.as_ref() as &dyn Query,
        };
        let mut collected = match skip.is_empty() {
            false => {
                let within = shards::Within {
                    inner: &collector,
                    skip: &skip,
                };
                searcher.search(query, &within)?
            }
            true => searcher.search(query, &collector)?,
        };
        timed_out(&collector)?;
        if let Some(counts) = counts {
            collected.passages = counts.passages;
            collected.articles = counts.articles;
            collected.exact = counts.exact;
        }
        if limit > 0 && rerank {
            let below = collected.top.split_off(rescored.min(collected.top.len()));
            collect::rescore(
                &searcher,
                &self.columns,
                &plan.bonus_queries(),
                prior,
                &mut collected.top,
                limit,
            )?;
            collected.top.extend(below);
            collected.top.truncate(limit);
        }
        Ok(collected)
    }

    /// Takes each hit's score apart (see [`explain`]).
    ///
    /// # Errors
    /// A failure reading the index.
    pub fn explain_hits(&self, plan: &plan::Plan, hits: &mut [Hit]) -> Result<()> {
        let searcher = self.reader.searcher();
        let fields = &self.open.fields;
        let prior = match plan.length_prior {
            true => Some(collect::LengthPrior::of(&searcher, fields.text)?),
            false => None,
        };
        let days = plan::DayFields::of(fields);
        for hit in hits {
            hit.explanation = Some(explain::explain(
                &searcher,
                plan,
                days,
                prior,
                hit.address,
                hit.score,
            )?);
        }
        Ok(())
    }

    /// For a query of bare words only (`security guarantee`), the same words as an exact phrase
    /// and how many passages hold it, when some do and fewer than the words match: the hint
    /// that quoting the query would narrow it. `matched` is what the query itself matched (its
    /// results' `passages_matched`). `None` for any other query.
    ///
    /// # Errors
    /// A failure reading the index.
    pub fn phrase_hint(
        &mut self,
        request: &SearchRequest,
        matched: u64,
    ) -> Result<Option<(String, u64)>> {
        let Ok(parse::Node::Bool(clauses)) = parse::parse(&request.query) else {
            return Ok(None);
        };
        let mut words = Vec::with_capacity(clauses.len());
        for (occur, node) in &clauses {
            match (occur, node) {
                (
                    parse::Occur::Must,
                    parse::Node::Term {
                        field: None, text, ..
                    },
                ) if !text.starts_with(crate::entities::ENTITY_PREFIX) => words.push(text.as_str()),
                _ => return Ok(None),
            }
        }
        if words.len() < 2 {
            return Ok(None);
        }
        // The same words as one phrase, planned directly with the request's options.
        let phrase = parse::Node::Phrase {
            field: None,
            text: words.join(" "),
            slop: 0,
            span: 0..request.query.len(),
        };
        let plan = self.plan_node(&phrase, request)?;
        let page = Page {
            limit: 0,
            offset: 0,
            sort: Sort::Relevance,
            exact_count: true,
        };
        let exact = self
            .guard(|| self.collect_page(&plan, page, None))?
            .passages;
        if exact == 0 || exact >= matched {
            return Ok(None);
        }
        Ok(Some((format!("\"{}\"", words.join(" ")), exact)))
    }

    /// For a query of several required parts that no passage matches whole: how many passages
    /// each query with one part left out matches (`Kosovo NATO bombing`: without `bombing`, 51),
    /// most first, those matching none left out. Empty for a query of fewer than two such parts
    /// (words, phrases, entities), or of other shapes (`OR` at the top).
    ///
    /// # Errors
    /// A failure reading the index.
    pub fn without_each(&mut self, request: &SearchRequest) -> Result<Vec<Relaxed>> {
        let Ok(parse::Node::Bool(clauses)) = parse::parse(&request.query) else {
            return Ok(Vec::new());
        };
        if clauses
            .iter()
            .any(|(occur, _)| *occur == parse::Occur::Should)
        {
            return Ok(Vec::new());
        }
        let part = |node: &parse::Node| match node {
            parse::Node::Term {
                field: None, span, ..
            }
            | parse::Node::Phrase {
                field: None, span, ..
            }
            | parse::Node::Entity { span, .. } => Some(span.clone()),
            _ => None,
        };
        let parts: Vec<(usize, parse::Span)> = clauses
            .iter()
            .enumerate()
            .filter(|(_, (occur, _))| *occur == parse::Occur::Must)
            .filter_map(|(i, (_, node))| part(node).map(|span| (i, span)))
            .collect();
        if parts.len() < 2 {
            return Ok(Vec::new());
        }
        let page = Page {
            limit: 0,
            offset: 0,
            sort: Sort::Relevance,
            exact_count: false,
        };
        let mut relaxed = Vec::with_capacity(parts.len());
        for (i, span) in parts {
            let mut rest = clauses.clone();
            rest.remove(i);
            let plan = self.plan_node(&parse::Node::Bool(rest), request)?;
            let counted = self.guard(|| self.collect_page(&plan, page, None))?;
            if counted.passages == 0 {
                continue;
            }
            relaxed.push(Relaxed {
                query: without_part(&request.query, &span),
                without: request.query[span].to_owned(),
                passages: counted.passages,
                exact: counted.exact,
            });
        }
        relaxed.sort_by(|a, b| b.passages.cmp(&a.passages).then(a.without.cmp(&b.without)));
        Ok(relaxed)
    }

    /// The date, as written, of the article a stored passage belongs to.
    ///
    /// # Errors
    /// A failure reading the document store.
    pub fn stored_date(&self, address: tantivy::DocAddress) -> Result<Option<String>> {
        Ok(self.info_at(address).map(|info| info.date))
    }

    /// Fetches collected passages and builds their snippets.
    ///
    /// # Errors
    /// A failure reading the index, or stored values this version cannot read.
    pub fn hits(&mut self, plan: &plan::Plan, collected: Collected) -> Result<Vec<Hit>> {
        let searcher = self.reader.searcher();
        let mut hits = Vec::with_capacity(collected.top.len());
        for (i, candidate) in collected.top.into_iter().enumerate() {
            let doc = self.stores.document(&searcher, candidate.address)?;
            hits.push(self.hit(plan, &candidate, &doc, i + 1)?);
        }
        Ok(hits)
    }

    /// The hit of a collected passage, from its stored document: its values, highlights and
    /// snippet, no grouping.
    fn hit(
        &mut self,
        plan: &plan::Plan,
        candidate: &collect::Candidate,
        doc: &TantivyDocument,
        rank: usize,
    ) -> Result<Hit> {
        let fields = self.open.fields;
        let (article_id, info) = match self.article_at(candidate.address) {
            Some((id, info)) => (id, Some(info)),
            None => (self.stored_id(candidate.address), None),
        };
        let show::Stored {
            text,
            info,
            entities,
            speakers,
        } = show::stored_passage(doc, info, &fields, &article_id, candidate.passage)?;
        let highlights = snippet::highlights(&mut self.analyzer, &text, &plan.highlight, &entities);
        // Each highlight keyed by its words' stems: the forms of one query word are one word.
        let keys: Vec<String> = highlights
            .iter()
            .map(|r| {
                let words = self.analyzer.words(&text[r.clone()]);
                let stems = words.into_iter().map(|(exact, stem)| stem.unwrap_or(exact));
                stems.collect::<Vec<_>>().join(" ")
            })
            .collect();
        let snippet = snippet::snippet_keyed(&text, &highlights, &keys);
        Ok(Hit {
            rank,
            score: candidate.score,
            article_id,
            passage: candidate.passage,
            info,
            text,
            highlights,
            snippet,
            entities,
            speakers,
            address: candidate.address,
            explanation: None,
            more_in_article: 0,
            duplicates: Vec::new(),
        })
    }

    /// A stored passage's article id and article-level values.
    ///
    /// # Errors
    /// Stored values this version cannot read.
    fn stored_article(&self, candidate: &collect::Candidate) -> Result<(String, Info)> {
        match self.article_at(candidate.address) {
            Some(found) => Ok(found),
            None => Err(unreadable(
                &self.stored_id(candidate.address),
                candidate,
                "info",
            )),
        }
    }

    /// The article id of the passage at `address`.
    fn stored_id(&self, address: tantivy::DocAddress) -> String {
        self.article_id_at(address).unwrap_or_default()
    }
}

/// A reader of `open` (at `path`) that sees new commits only when the searcher is opened again.
fn manual_reader(path: &std::path::Path, open: &OpenIndex) -> Result<IndexReader> {
    reading_index(path, || {
        Ok(open
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?)
    })
}

/// The counts of a collection, without its passages.
fn counts_of(collected: &Collected) -> Collected {
    Collected {
        top: Vec::new(),
        passages: collected.passages,
        articles: collected.articles,
        exact: collected.exact,
        scored: collected.scored,
    }
}

/// The error of a stored passage whose `what` this version cannot read.
fn unreadable(id: &str, candidate: &collect::Candidate, what: &str) -> Error {
    Error::Invalid(format!(
        "index document for {id}#{} has unreadable {what}: rebuild with `attache index --full`",
        candidate.passage
    ))
}

/// Refuses a date range that holds no day.
///
/// # Errors
/// [`Error::Invalid`] naming both dates when `since` is after `until`.
pub fn check_dates(since: Option<Date>, until: Option<Date>) -> Result<()> {
    match (since, until) {
        (Some(since), Some(until)) if since.first_day() > until.last_day() => Err(Error::Invalid(
            format!("--since {since} is after --until {until}: no article can match"),
        )),
        _ => Ok(()),
    }
}

/// The fields a query may name: the built-in ones, then the index's metadata keys (one named
/// like a built-in field as `meta.KEY`).
fn known_fields(searcher: &tantivy::Searcher, meta: tantivy::schema::Field) -> Vec<String> {
    let mut names: Vec<String> = BUILTIN_FIELDS.iter().map(|s| s.to_string()).collect();
    let keys = meta_keys(searcher, meta, None).unwrap_or_default();
    names.extend(
        keys.into_iter()
            .map(|key| match BUILTIN_FIELDS.contains(&&*key) {
                true => format!("{}{key}", plan::META_PREFIX),
                false => key,
            }),
    );
    names
}

/// Metadata keys present in the index: all of them, or just `only` if it is present.
pub fn meta_keys(
    searcher: &tantivy::Searcher,
    field: tantivy::schema::Field,
    only: Option<&str>,
) -> Result<Vec<String>> {
    let mut keys = std::collections::BTreeSet::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let terms = inverted.terms();
        let mut stream = match only {
            Some(key) => {
                let lo = format!("{key}{META_SEPARATOR}");
                let hi = format!("{key}{}", char::from(META_SEPARATOR as u8 + 1));
                terms.range().ge(lo).lt(hi).into_stream()
            }
            None => terms.range().into_stream(),
        }
        .map_err(|e| Error::io("index", e))?;
        while let Some((term, _)) = stream.next() {
            let term = String::from_utf8_lossy(term);
            if let Some((key, _)) = term.split_once(META_SEPARATOR) {
                keys.insert(key.to_owned());
                if only.is_some() {
                    break;
                }
            }
        }
    }
    Ok(keys.into_iter().collect())
}

/// The indexed words of `field` that start with `prefix`, with their passages summed over the
/// segments (for `word*`): at most [`plan::MAX_PREFIX_WORDS`] are read before the answer is
/// that there are too many.
fn prefix_words(
    searcher: &tantivy::Searcher,
    field: &plan::FieldName,
    prefix: &str,
) -> std::result::Result<plan::Expansion, String> {
    let failed = |e: &dyn std::fmt::Display| format!("reading the words of `{}:`: {e}", field.name);
    let mut words: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    let ids = (searcher.schema())
        .get_field(crate::index::schema::fast::ARTICLE_ID)
        .is_ok_and(|id| id == field.field);
    for segment in searcher.segment_readers() {
        let inverted = segment
            .inverted_index(field.field)
            .map_err(|e| failed(&e))?;
        let mut stream = inverted
            .terms()
            .range()
            .ge(prefix.as_bytes())
            .into_stream()
            .map_err(|e| failed(&e))?;
        while let Some((term, info)) = stream.next() {
            if !term.starts_with(prefix.as_bytes()) {
                break;
            }
            let Ok(word) = std::str::from_utf8(term) else {
                continue;
            };
            // Ids are kept whole, whatever letters they hold.
            if !ids && !crate::index::words::is_word(word) {
                continue;
            }
            *words.entry(word.to_owned()).or_default() += u64::from(info.doc_freq);
            if words.len() > plan::MAX_PREFIX_WORDS {
                return Ok(plan::Expansion::TooMany);
            }
        }
    }
    Ok(plan::Expansion::Words(words.into_iter().collect()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_part_left_out_takes_its_operator_along() {
        let cases = [
            ("Kosovo NATO bombing", "bombing", "Kosovo NATO"),
            ("+peace war", "peace", "war"),
            ("peace AND war", "war", "peace"),
            ("peace AND war", "peace", "war"),
            ("peace (war) treaty", "war", "peace treaty"),
        ];
        for (query, part, expected) in cases {
            let start = query.find(part).unwrap();
            assert_eq!(
                super::without_part(query, &(start..start + part.len())),
                expected,
                "{query} without {part}"
            );
        }
    }
}
