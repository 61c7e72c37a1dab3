//! A search whose hits are grouped (see [`super::group`]): a window of the ranked passages is
//! fetched and grouped, and grown when it holds too few hits to fill the page.
//!
//! The window starts at [`WINDOW_FACTOR`] times the hits the page needs (its offset and limit),
//! at least [`MIN_WINDOW`]. When grouping leaves fewer hits than that and more passages match,
//! the window grows fourfold and is grouped again (fetched passages are kept), up to
//! [`MAX_WINDOW`]: past it, a page holds the hits found so far. The ranked order does not
//! depend on the window (the corrections re-rank a fixed number of the best passages), and
//! grouping keeps or drops a passage by those ranked before it only, so page 2 begins where
//! page 1 ended whatever windows the two needed. Sorted by date, every match is collected, and
//! only the window is fetched.
//!
//! Duplicates are named when ranked within the window grouped. A hit's `more_in_article` is
//! counted exactly: the query's matches within the article, by one count per article shown.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, Occur, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, TantivyDocument, Term};

use super::collect::{CHECK_EVERY, Candidate};
use super::group::{Fingerprint, Grouper};
use super::{
    COUNT_UP_TO, Collected, Deadline, Duplicate, Grouping, Hit, Page, Searcher, Sort, counts_of,
    plan,
};
use crate::error::{Error, Result};

/// The first window is this many times the hits a page needs.
pub const WINDOW_FACTOR: usize = 3;
/// The smallest window.
pub const MIN_WINDOW: usize = 30;
/// The largest window: grouping looks at most at this many ranked passages.
pub const MAX_WINDOW: usize = 1 << 16;

/// A ranked passage as grouping sees it.
struct Fetched {
    doc: TantivyDocument,
    article_id: String,
    print: Fingerprint,
}

impl Searcher {
    /// The page of grouped hits, the counts of all matches, and whether grouping stopped at
    /// [`MAX_WINDOW`] passages before the page was full. When the counts are lower bounds, the
    /// articles count at least the articles of the passages grouped.
    ///
    /// # Errors
    /// [`Error::Timeout`] when the deadline passes first; a failure reading the index.
    pub(super) fn grouped(
        &mut self,
        plan: &plan::Plan,
        grouping: Grouping,
        page: Page,
        deadline: Option<Deadline>,
    ) -> Result<(Vec<Hit>, Collected, bool)> {
        let wanted = page.offset.saturating_add(page.limit);
        let mut window = wanted
            .saturating_mul(WINDOW_FACTOR)
            .clamp(MIN_WINDOW, MAX_WINDOW);
        let by_date = match page.sort {
            Sort::Relevance => None,
            sort => Some(self.collect_by_date(plan, sort, deadline)?),
        };
        let count_up_to = if page.exact_count {
            u64::MAX
        } else {
            COUNT_UP_TO
        };
        let mut fetched: HashMap<DocAddress, Fetched> = HashMap::new();
        loop {
            let ranked;
            let collected = match &by_date {
                Some(all) => all,
                None => {
                    ranked = self.collect_ranked(plan, window, true, count_up_to, deadline)?;
                    &ranked
                }
            };
            let end = window.min(collected.top.len());
            let mut grouper = Grouper::new(grouping);
            for (at, candidate) in collected.top[..end].iter().enumerate() {
                if at % CHECK_EVERY == CHECK_EVERY - 1 {
                    check(deadline)?;
                }
                let passage = match fetched.entry(candidate.address) {
                    Entry::Occupied(known) => known.into_mut(),
                    Entry::Vacant(new) => new.insert(self.fetch(candidate, grouping.collapse)?),
                };
                grouper.place(at, &passage.article_id, &passage.print);
            }
            let more = end < collected.top.len() || (by_date.is_none() && end == window);
            if grouper.groups().len() < wanted && more && window < MAX_WINDOW {
                window = window.saturating_mul(4).min(MAX_WINDOW);
                continue;
            }
            let mut hits = Vec::new();
            let groups = grouper.into_groups();
            let top = &collected.top;
            // An article's passages named as another hit's duplicates, up to this page's end,
            // have been shown: they are no "more" of it.
            let mut named: HashMap<&str, u64> = HashMap::new();
            for group in groups.iter().take(wanted) {
                for &at in &group.duplicates {
                    *named
                        .entry(fetched[&top[at].address].article_id.as_str())
                        .or_default() += 1;
                }
            }
            for (i, group) in groups.iter().enumerate().take(wanted).skip(page.offset) {
                let passage = &fetched[&top[group.at].address];
                let mut hit = self.hit(plan, &top[group.at], &passage.doc, i + 1)?;
                if group.fills_cap {
                    let all = self.article_matches(plan, &hit.article_id)?;
                    let shown = grouping.per_article as u64
                        + named.get(hit.article_id.as_str()).copied().unwrap_or(0);
                    hit.more_in_article = all.saturating_sub(shown);
                }
                let mut duplicates: Vec<(i64, usize, Duplicate)> = Vec::new();
                for &at in &group.duplicates {
                    let (article_id, info) = self.stored_article(&top[at])?;
                    let duplicate = Duplicate {
                        article_id,
                        passage: top[at].passage,
                        info,
                    };
                    duplicates.push((top[at].day, at, duplicate));
                }
                duplicates.sort_by_key(|&(day, at, _)| (day, at));
                hit.duplicates = duplicates.into_iter().map(|(_, _, d)| d).collect();
                hits.push(hit);
            }
            let mut counts = counts_of(collected);
            if !counts.exact {
                // The first matches counted may hold fewer articles than the passages grouped.
                let articles: std::collections::HashSet<&str> = collected.top[..end]
                    .iter()
                    .filter_map(|c| fetched.get(&c.address))
                    .map(|f| f.article_id.as_str())
                    .collect();
                counts.articles = counts.articles.max(articles.len() as u64);
                counts.passages = counts.passages.max(end as u64);
            }
            let stopped = groups.len() < wanted && more;
            return Ok((hits, counts, stopped));
        }
    }

    /// A ranked passage's stored document, article id and, when `collapse`, fingerprint.
    fn fetch(&mut self, candidate: &Candidate, collapse: bool) -> Result<Fetched> {
        let doc = self
            .stores
            .document(&self.reader.searcher(), candidate.address)?;
        let fields = self.open.fields;
        let stored = |field| doc.get_first(field).and_then(|v| v.as_str());
        let article_id = self.stored_id(candidate.address);
        let print = match collapse {
            true => {
                Fingerprint::of_text(&mut self.analyzer, stored(fields.body).unwrap_or_default())
            }
            false => Fingerprint::default(),
        };
        Ok(Fetched {
            doc,
            article_id,
            print,
        })
    }

    /// How many passages of the article `article_id` the plan's query matches.
    fn article_matches(&self, plan: &plan::Plan, article_id: &str) -> Result<u64> {
        let term = Term::from_field_text(self.open.fields.article_id, article_id);
        let query = BooleanQuery::new(vec![
            (Occur::Must, plan.query.box_clone()),
            (
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ),
        ]);
        Ok(self.reader.searcher().search(&query, &Count)? as u64)
    }
}

/// [`Error::Timeout`] once the deadline has passed.
fn check(deadline: Option<Deadline>) -> Result<()> {
    match deadline {
        Some(Deadline { at, timeout }) if std::time::Instant::now() >= at => {
            Err(Error::Timeout { timeout })
        }
        _ => Ok(()),
    }
}
