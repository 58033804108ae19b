//! The SQL behind `GET /jobs`, `/jobs/export` and webhook matching.
//!
//! Every query walks jobs in an index order and stops after `limit` rows:
//! posted-on sorts walk the rowid (`seq`, which encodes posted_on) or, with
//! `q`, the FTS index in rowid order; the other sorts walk their column's
//! partial index. Filters become `WHERE` terms with bound parameters; nothing
//! a user typed is ever spliced into SQL text.

use crate::error::Result;
use crate::query::{Cursor, JobFilter, JobListRequest, Sort};
use crate::store::jobs::seq_floor;
use rusqlite::Connection;
use rusqlite::types::Value;

/// A page of jobs: the wire bytes plus the sort key of the last row.
#[derive(Debug, Clone, Default)]
pub struct JobPage {
    pub docs: Vec<String>,
    /// (sort value, seq) of the last row, for the next cursor.
    pub last_key: Option<(f64, i64)>,
    /// More rows may follow.
    pub has_more: bool,
    pub total: Option<i64>,
    /// Relevance only: the highest seq this walk may return (see
    /// `Cursor::Offset`), for the next cursor.
    pub ceiling: Option<i64>,
}

/// WHERE terms and their parameters.
#[derive(Default)]
struct Conditions {
    terms: Vec<String>,
    values: Vec<Value>,
    /// No term reads a column of the `jobs` row: a `q` query can then find
    /// and count its candidates in the FTS index alone (see `visibility`).
    text_only: bool,
}

impl Conditions {
    fn push(&mut self, term: &str, values: impl IntoIterator<Item = Value>) {
        let mut term = term.to_string();
        for value in values {
            self.values.push(value);
            term = term.replacen("{}", &format!("?{}", self.values.len()), 1);
        }
        self.terms.push(term);
    }

    fn push_list(&mut self, template: &str, items: &[String]) {
        let placeholders: Vec<String> = items
            .iter()
            .map(|item| {
                self.values.push(Value::Text(item.clone()));
                format!("?{}", self.values.len())
            })
            .collect();
        self.terms.push(template.replace("{list}", &placeholders.join(", ")));
    }

    fn sql(&self) -> String {
        self.terms.join(" AND ")
    }

    /// Adds the "visible jobs only" term, last, once every filter is in.
    /// When the filters read nothing but the FTS index and seq, a job's
    /// visibility is a probe of the small `jobs_hidden` index (hidden jobs
    /// are ~2 %) rather than a read of its row: ranking the newest 20,000
    /// matches of two common words at 1M jobs takes 42 ms instead of
    /// 119 ms, the row reads being random page reads of a 4 GB table.
    fn visibility(&mut self, filter: &JobFilter, seq_column: &str) {
        self.text_only = filter.q.is_some() && !self.terms.iter().any(|term| term.contains("j."));
        if self.text_only {
            self.push(
                &format!(
                    "NOT EXISTS (SELECT 1 FROM jobs hidden INDEXED BY jobs_hidden \
                     WHERE hidden.seq = {seq_column} AND hidden.visible = 0)"
                ),
                [],
            );
        } else {
            self.push("j.visible = 1", []);
        }
    }

    /// The FROM clause that finds the matching seqs: the FTS index alone
    /// when the terms allow it, else `rows` (which joins the jobs table).
    fn candidates_from<'a>(&self, rows: &'a str) -> &'a str {
        if self.text_only { "jobs_fts" } else { rows }
    }
}

/// The column a sort orders by (besides seq), and whether it ascends.
fn sort_key(sort: Sort, seq_column: &str) -> (String, bool) {
    match sort {
        Sort::PostedOnDesc | Sort::Relevance => (seq_column.to_string(), false),
        Sort::PostedOnAsc => (seq_column.to_string(), true),
        Sort::LastVisitedDesc => ("j.last_visited_at".into(), false),
        Sort::LastVisitedAsc => ("j.last_visited_at".into(), true),
        Sort::BudgetDesc => ("j.budget_sort".into(), false),
        Sort::BudgetAsc => ("j.budget_sort".into(), true),
        Sort::ApplicantsAsc => ("j.total_applicants".into(), true),
    }
}

/// Builds the conditions every variant of the query shares: visibility,
/// the plan window and the filters.
fn filter_conditions(filter: &JobFilter, min_seq: i64, now: i64, seq_column: &str) -> Conditions {
    let mut conditions = Conditions::default();
    let mut lowest_seq = min_seq;
    if let Some(after) = filter.posted_after {
        lowest_seq = lowest_seq.max(seq_floor(after));
    }
    if let Some(window) = filter.since_seconds {
        lowest_seq = lowest_seq.max(seq_floor(now - window));
    }
    conditions.push(&format!("{seq_column} >= {{}}"), [Value::Integer(lowest_seq)]);
    if let Some(before) = filter.posted_before {
        conditions.push(&format!("{seq_column} < {{}}"), [Value::Integer(seq_floor(before + 1))]);
    }
    if let Some(query) = &filter.q {
        conditions.push("jobs_fts MATCH {}", [Value::Text(query.to_match_expression())]);
    }
    if let Some(job_type) = filter.job_type {
        conditions.push("j.job_type = {}", [Value::Integer(job_type)]);
    }
    if let Some(status) = filter.status {
        conditions.push("j.status = {}", [Value::Integer(status)]);
    }
    if !filter.contractor_tiers.is_empty() {
        let tiers: Vec<String> = filter.contractor_tiers.iter().map(i64::to_string).collect();
        // Tiers are integers we produced, safe to inline.
        conditions.push(&format!("j.contractor_tier IN ({})", tiers.join(", ")), []);
    }
    let real = |conditions: &mut Conditions, term: &str, value: Option<f64>| {
        if let Some(value) = value {
            conditions.push(term, [Value::Real(value)]);
        }
    };
    let integer = |conditions: &mut Conditions, term: &str, value: Option<i64>| {
        if let Some(value) = value {
            conditions.push(term, [Value::Integer(value)]);
        }
    };
    real(&mut conditions, "j.fixed_amount >= {}", filter.budget_min);
    real(&mut conditions, "j.fixed_amount <= {}", filter.budget_max);
    real(&mut conditions, "j.hourly_max >= {}", filter.hourly_min);
    real(&mut conditions, "j.hourly_min <= {}", filter.hourly_max);
    if let Some(verified) = filter.payment_verified {
        conditions.push("j.payment_verified = {}", [Value::Integer(verified as i64)]);
    }
    if !filter.countries.is_empty() {
        conditions.push_list("j.buyer_country IN ({list})", &filter.countries);
    }
    if !filter.exclude_countries.is_empty() {
        conditions.push_list("j.buyer_country NOT IN ({list})", &filter.exclude_countries);
    }
    if let Some(timezone) = &filter.timezone {
        conditions.push("j.location_timezone = {}", [Value::Text(timezone.clone())]);
    }
    if !filter.categories.is_empty() {
        conditions.push_list("j.category_slug IN ({list})", &filter.categories);
    }
    if !filter.category_groups.is_empty() {
        conditions.push_list("j.category_group_slug IN ({list})", &filter.category_groups);
    }
    for term in &filter.all_terms {
        conditions.push(
            "EXISTS (SELECT 1 FROM job_terms t WHERE t.seq = j.seq AND t.term = {})",
            [Value::Text(term.clone())],
        );
    }
    if !filter.any_terms.is_empty() {
        conditions.push_list(
            "EXISTS (SELECT 1 FROM job_terms t WHERE t.seq = j.seq AND t.term IN ({list}))",
            &filter.any_terms,
        );
    }
    if !filter.exclude_terms.is_empty() {
        conditions.push_list(
            "NOT EXISTS (SELECT 1 FROM job_terms t WHERE t.seq = j.seq AND t.term IN ({list}))",
            &filter.exclude_terms,
        );
    }
    integer(&mut conditions, "j.last_visited_at >= {}", filter.last_visited_after);
    real(&mut conditions, "j.buyer_total_spent >= {}", filter.buyer_total_spent_min);
    real(&mut conditions, "j.buyer_total_spent <= {}", filter.buyer_total_spent_max);
    integer(&mut conditions, "j.buyer_total_assignments >= {}", filter.buyer_total_assignments_min);
    integer(&mut conditions, "j.buyer_total_assignments <= {}", filter.buyer_total_assignments_max);
    integer(&mut conditions, "j.buyer_total_jobs_with_hires >= {}", filter.buyer_total_jobs_with_hires_min);
    integer(&mut conditions, "j.buyer_total_jobs_with_hires <= {}", filter.buyer_total_jobs_with_hires_max);
    integer(&mut conditions, "j.total_applicants >= {}", filter.total_applicants_min);
    integer(&mut conditions, "j.total_applicants <= {}", filter.total_applicants_max);
    if !filter.engagements.is_empty() {
        conditions.push_list("j.engagement IN ({list})", &filter.engagements);
    }
    if !filter.duration_labels.is_empty() {
        conditions.push_list("j.duration_label IN ({list})", &filter.duration_labels);
    }
    conditions.visibility(filter, seq_column);
    conditions
}

fn from_clause(filter: &JobFilter) -> (&'static str, &'static str) {
    if filter.q.is_some() {
        ("jobs_fts JOIN jobs j ON j.seq = jobs_fts.rowid", "jobs_fts.rowid")
    } else {
        ("jobs j", "j.seq")
    }
}

/// Runs one page of a `/jobs` request. `min_seq` is the plan window's floor.
pub fn list_jobs(conn: &Connection, request: &JobListRequest, min_seq: i64, now: i64) -> Result<JobPage> {
    let (from, seq_column) = from_clause(&request.filter);
    let mut conditions = filter_conditions(&request.filter, min_seq, now, seq_column);
    let total = if request.include_total {
        let sql = format!("SELECT count(*) FROM {} WHERE {}", conditions.candidates_from(from), conditions.sql());
        Some(conn.prepare_cached(&sql)?.query_row(rusqlite::params_from_iter(&conditions.values), |r| r.get(0))?)
    } else {
        None
    };

    let (key_column, ascending) = sort_key(request.sort, seq_column);
    let mut offset = request.offset;
    // Relevance pages by offset; a seq ceiling fixed on the first page keeps
    // jobs stored during the walk from shifting it (the keyed sorts need no
    // ceiling: their cursor is a position in a stable order).
    let ceiling = match (request.sort, request.cursor) {
        (Sort::Relevance, Some(Cursor::Offset { ceiling, .. })) => Some(ceiling),
        (Sort::Relevance, _) => {
            Some(conn.prepare_cached("SELECT coalesce(max(seq), 0) FROM jobs")?.query_row([], |r| r.get(0))?)
        }
        _ => None,
    };
    if let Some(ceiling) = ceiling {
        conditions.push(&format!("{seq_column} <= {{}}"), [Value::Integer(ceiling)]);
    }
    match request.cursor {
        Some(Cursor::After { value, seq, .. }) => {
            let (beyond, seq_beyond) = if ascending { (">", "<") } else { ("<", "<") };
            if key_column == seq_column {
                let operator = if ascending { ">" } else { "<" };
                conditions.push(&format!("{seq_column} {operator} {{}}"), [Value::Integer(seq)]);
            } else {
                conditions.push(
                    &format!(
                        "({key_column} {beyond} {{}} OR ({key_column} = {{}} AND {seq_column} {seq_beyond} {{}}))"
                    ),
                    [Value::Real(value), Value::Real(value), Value::Integer(seq)],
                );
            }
        }
        Some(Cursor::Offset { offset: cursor_offset, .. }) => offset = cursor_offset,
        None => {}
    }
    let direction = if ascending { "ASC" } else { "DESC" };
    let order = match request.sort {
        Sort::Relevance => format!("bm25(jobs_fts, 10.0, 1.0, 5.0, 5.0), {seq_column} DESC"),
        _ if key_column == seq_column => format!("{seq_column} {direction}"),
        _ => format!("{key_column} {direction}, {seq_column} DESC"),
    };
    let key_select = if key_column == seq_column { "0".to_string() } else { key_column.clone() };
    let sql = if request.sort == Sort::Relevance {
        relevance_sql(conditions.candidates_from(from), seq_column, &conditions, request.limit + 1, offset)
    } else {
        format!(
            "SELECT j.doc, {key_select}, {seq_column} FROM {from} WHERE {} ORDER BY {order} LIMIT {} OFFSET {}",
            conditions.sql(),
            request.limit + 1,
            offset
        )
    };
    let mut statement = conn.prepare_cached(&sql)?;
    let mut rows = statement.query(rusqlite::params_from_iter(&conditions.values))?;
    let mut page = JobPage { total, ceiling, ..JobPage::default() };
    while let Some(row) = rows.next()? {
        if page.docs.len() as i64 == request.limit {
            page.has_more = true;
            break;
        }
        page.docs.push(row.get(0)?);
        let key: Option<f64> = row.get(1)?;
        page.last_key = Some((key.unwrap_or(0.0), row.get(2)?));
    }
    Ok(page)
}

/// How many of the newest matches `sort=relevance` ranks. Scoring every
/// match of a common word in a million jobs takes seconds; users of a jobs
/// feed want the best of what is recent, so the ranking covers the newest
/// `RELEVANCE_CANDIDATES` matches in the key's window (documented).
pub const RELEVANCE_CANDIDATES: i64 = 20_000;

/// Relevance in three steps: score the newest candidates, carrying only
/// (seq, score); keep one page of them by score; then fetch that page's
/// documents. Joining the documents before the page is cut would drag
/// every candidate's 2 KB document through the sorter (measured: 204 ms
/// against 124 ms for two common words at 1M jobs).
fn relevance_sql(from: &str, seq_column: &str, conditions: &Conditions, limit: i64, offset: i64) -> String {
    format!(
        "SELECT page.doc, 0, top.seq FROM \
         (SELECT seq, score FROM \
          (SELECT {seq_column} AS seq, bm25(jobs_fts, 10.0, 1.0, 5.0, 5.0) AS score FROM {from} WHERE {} \
           ORDER BY {seq_column} DESC LIMIT {RELEVANCE_CANDIDATES}) \
          ORDER BY score, seq DESC LIMIT {limit} OFFSET {offset}) AS top \
         JOIN jobs page ON page.seq = top.seq ORDER BY top.score, top.seq DESC",
        conditions.sql()
    )
}

/// Streams every matching job (up to `max_rows`) in the request's order to
/// `emit`, which returns false to stop early.
pub fn for_each_job(
    conn: &Connection,
    request: &JobListRequest,
    min_seq: i64,
    now: i64,
    max_rows: i64,
    mut emit: impl FnMut(&str) -> bool,
) -> Result<i64> {
    let (from, seq_column) = from_clause(&request.filter);
    let conditions = filter_conditions(&request.filter, min_seq, now, seq_column);
    let (key_column, ascending) = sort_key(request.sort, seq_column);
    let direction = if ascending { "ASC" } else { "DESC" };
    let order = match request.sort {
        Sort::Relevance => format!("bm25(jobs_fts, 10.0, 1.0, 5.0, 5.0), {seq_column} DESC"),
        _ if key_column == seq_column => format!("{seq_column} {direction}"),
        _ => format!("{key_column} {direction}, {seq_column} DESC"),
    };
    let sql = format!("SELECT j.doc FROM {from} WHERE {} ORDER BY {order} LIMIT {max_rows}", conditions.sql());
    let mut statement = conn.prepare(&sql)?;
    let mut rows = statement.query(rusqlite::params_from_iter(&conditions.values))?;
    let mut emitted = 0;
    while let Some(row) = rows.next()? {
        let doc: rusqlite::types::ValueRef = row.get_ref(0)?;
        let text = doc.as_str().map_err(crate::error::Error::internal)?;
        emitted += 1;
        if !emit(text) {
            break;
        }
    }
    Ok(emitted)
}

/// Whether the job at `seq` matches `filter` (webhook matching).
pub fn job_matches(conn: &Connection, filter: &JobFilter, seq: i64, now: i64) -> Result<bool> {
    let (from, seq_column) = from_clause(filter);
    let mut conditions = filter_conditions(filter, i64::MIN, now, seq_column);
    conditions.push(&format!("{seq_column} = {{}}"), [Value::Integer(seq)]);
    let sql = format!("SELECT 1 FROM {from} WHERE {} LIMIT 1", conditions.sql());
    let mut statement = conn.prepare_cached(&sql)?;
    Ok(statement.exists(rusqlite::params_from_iter(&conditions.values))?)
}
