//! Cursor and offset paging through `/jobs`: every page, every sort, with
//! jobs arriving between the requests.

mod common;
mod fixture;

use common::{TestApp, spawn_app};
use hyper::StatusCode;
use serde_json::Value;
use std::collections::HashSet;

/// Sorts whose cursor is a sort key (every sort but relevance).
const KEYED_SORTS: &[&str] = &[
    "posted_on_desc",
    "posted_on_asc",
    "last_visited_desc",
    "last_visited_asc",
    "budget_desc",
    "budget_asc",
    "applicants_asc",
];

async fn app_with_jobs(count: usize) -> (TestApp, String) {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    let report = app.ingest(&fixture::numbered_jobs("base", count, 60)).await;
    assert_eq!(report["inserted"], count, "{report}");
    assert_eq!(report["duplicates"], 0, "{report}");
    (app, key)
}

/// One page: its jobs and its `next_cursor`.
async fn page(app: &TestApp, key: &str, query: &str) -> (Vec<Value>, Option<String>) {
    let response = app.get(&format!("/jobs?{query}"), key).await;
    assert_eq!(response.status, StatusCode::OK, "{query}: {}", response.text());
    let body = response.json();
    assert_eq!(body["success"], true);
    let data = body["data"].as_array().unwrap().clone();
    assert_eq!(body["count"], data.len());
    assert!(body.get("next_cursor").is_some(), "next_cursor must be present (null on the last page): {body}");
    (data, body["next_cursor"].as_str().map(str::to_string))
}

/// Follows `next_cursor` from the first page to the last, calling `between`
/// after each page; returns every job in the order received.
async fn walk<F, Fut>(app: &TestApp, key: &str, query: &str, limit: usize, mut between: F) -> Vec<Value>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut jobs = Vec::new();
    let mut cursor: Option<String> = None;
    for page_number in 0.. {
        assert!(page_number < 1_000, "{query}: paging does not end");
        let mut request = format!("{query}&limit={limit}");
        if let Some(cursor) = &cursor {
            request.push_str(&format!(
                "&cursor={}",
                form_urlencoded::byte_serialize(cursor.as_bytes()).collect::<String>()
            ));
        }
        let (data, next) = page(app, key, &request).await;
        assert!(data.len() <= limit);
        if next.is_some() {
            assert_eq!(data.len(), limit, "{request}: a page with a next_cursor is full");
        }
        jobs.extend(data);
        between(page_number).await;
        match next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    jobs
}

fn ids(jobs: &[Value]) -> Vec<String> {
    jobs.iter().map(|job| job["id"].as_str().unwrap().to_string()).collect()
}

/// The key a sort orders by, read from the document, with the tie-break
/// (newest first) as a second component; ascending in the order `sort` wants.
fn order_key(sort: &str, job: &Value) -> (f64, f64) {
    let time = |field: &str| {
        job[field]
            .as_str()
            .map(|text| chrono::DateTime::parse_from_rfc3339(text).unwrap().timestamp() as f64)
            .unwrap_or_else(|| {
                chrono::DateTime::parse_from_rfc3339(job["posted_on"].as_str().unwrap()).unwrap().timestamp() as f64
            })
    };
    let posted = time("posted_on");
    let budget = job["budget"]["fixed_amount"].as_f64().or_else(|| job["hourly_budget"]["max"].as_f64()).unwrap_or(0.0);
    let applicants = job["client_activity"]["total_applicants"].as_f64().unwrap();
    match sort {
        "posted_on_desc" => (-posted, 0.0),
        "posted_on_asc" => (posted, 0.0),
        "last_visited_desc" => (-time("last_visited_at"), -posted),
        "last_visited_asc" => (time("last_visited_at"), -posted),
        "budget_desc" => (-budget, -posted),
        "budget_asc" => (budget, -posted),
        "applicants_asc" => (applicants, -posted),
        other => panic!("no order key for {other}"),
    }
}

fn assert_ordered(sort: &str, jobs: &[Value]) {
    for pair in jobs.windows(2) {
        assert!(
            order_key(sort, &pair[0]) <= order_key(sort, &pair[1]),
            "sort={sort}: {} before {}",
            pair[0]["id"],
            pair[1]["id"]
        );
    }
}

fn assert_unique(label: &str, ids: &[String]) {
    let mut seen = HashSet::new();
    for id in ids {
        assert!(seen.insert(id), "{label}: {id} returned twice");
    }
}

#[tokio::test]
async fn cursor_paging_returns_every_job_once_in_order_for_every_sort() {
    let (app, key) = app_with_jobs(95).await;
    for sort in KEYED_SORTS {
        let (everything, next) = page(&app, &key, &format!("sort={sort}&limit=100")).await;
        assert_eq!(everything.len(), 95);
        assert_eq!(next, None);
        assert_ordered(sort, &everything);
        for limit in [1, 7, 19, 95] {
            let walked = walk(&app, &key, &format!("sort={sort}"), limit, |_| async {}).await;
            assert_eq!(ids(&walked), ids(&everything), "sort={sort} limit={limit}");
        }
    }
    // With filters (and a plan window) the cursor walks the filtered list.
    for sort in KEYED_SORTS {
        let query = format!("sort={sort}&job_type=fixed&budget_max=5000");
        let (everything, _) = page(&app, &key, &format!("{query}&limit=100")).await;
        assert!(everything.len() > 20, "{query}: {}", everything.len());
        let walked = walk(&app, &key, &query, 6, |_| async {}).await;
        assert_eq!(ids(&walked), ids(&everything), "{query}");
    }
    // q, newest first and by relevance.
    for query in ["q=unique+words", "q=unique+words&sort=relevance", "q=words&sort=budget_asc"] {
        let (everything, _) = page(&app, &key, &format!("{query}&limit=100")).await;
        assert_eq!(everything.len(), 95, "{query}");
        let walked = walk(&app, &key, query, 10, |_| async {}).await;
        assert_eq!(ids(&walked), ids(&everything), "{query}");
    }
}

#[tokio::test]
async fn next_cursor_is_null_on_the_last_page() {
    let (app, key) = app_with_jobs(30).await;
    // Exactly full last page: no cursor to an empty page.
    for limit in [10, 15, 30, 100] {
        let walked = walk(&app, &key, "sort=posted_on_desc", limit, |_| async {}).await;
        assert_eq!(walked.len(), 30, "limit={limit}");
    }
    let (data, next) = page(&app, &key, "limit=30").await;
    assert_eq!((data.len(), next), (30, None));
    let (data, next) = page(&app, &key, "limit=29").await;
    assert_eq!(data.len(), 29);
    assert!(next.is_some());
    let (data, next) = page(&app, &key, "limit=10&offset=20").await;
    assert_eq!((data.len(), next), (10, None));
    let (data, next) = page(&app, &key, "q=nothing-like-this").await;
    assert_eq!((data.len(), next), (0, None));
}

#[tokio::test]
async fn offset_paging_covers_the_list() {
    let (app, key) = app_with_jobs(53).await;
    for sort in ["posted_on_desc", "budget_asc", "applicants_asc"] {
        let (everything, _) = page(&app, &key, &format!("sort={sort}&limit=100")).await;
        let mut paged = Vec::new();
        for offset in (0..60).step_by(8) {
            let (data, _) = page(&app, &key, &format!("sort={sort}&limit=8&offset={offset}")).await;
            paged.extend(data);
        }
        assert_eq!(ids(&paged), ids(&everything), "sort={sort}");
    }
}

/// New jobs arrive between page requests: some newer than everything, some
/// in the middle of the list (a feed backfilling). The walk never returns a
/// job twice, never leaves out one that was there when it started, and
/// stays in order.
#[tokio::test]
async fn cursor_is_stable_while_jobs_are_inserted() {
    let (app, key) = app_with_jobs(60).await;
    for (round, sort) in KEYED_SORTS.iter().enumerate() {
        let (before, _) = page(&app, &key, &format!("sort={sort}&limit=100")).await;
        let original = ids(&before);
        let app_ref = &app;
        let walked = walk(&app, &key, &format!("sort={sort}"), 9, |page_number| async move {
            // Three new jobs a page: one newest, two among the existing ones
            // (posting times 0-60 minutes back collide with theirs).
            let prefix = format!("new{round}p{page_number}");
            let mut jobs = fixture::numbered_jobs(&prefix, 1, 0);
            jobs.extend(fixture::numbered_jobs(&format!("{prefix}m"), 2, 17 + page_number as i64 * 5));
            let report = app_ref.ingest(&jobs).await;
            assert_eq!(report["inserted"], 3, "{report}");
            assert_eq!(report["duplicates"], 0, "{report}");
        })
        .await;
        let walked_ids = ids(&walked);
        assert_unique(sort, &walked_ids);
        assert_ordered(sort, &walked);
        let returned: HashSet<&String> = walked_ids.iter().collect();
        for id in &original {
            assert!(returned.contains(id), "sort={sort}: {id} was there from the start but never returned");
        }
        // The originals keep their relative order.
        let originals_in_walk: Vec<&String> = walked_ids.iter().filter(|id| original.contains(id)).collect();
        assert_eq!(originals_in_walk, original.iter().collect::<Vec<_>>(), "sort={sort}");
        if *sort == "posted_on_desc" {
            // Newest first: the jobs posted "now" after a page was read are
            // newer than the cursor and never show up; backfilled ones
            // ("...m-") may, once the walk reaches their time.
            let newest_prefix = format!("new{round}p");
            assert!(walked_ids.iter().all(|id| !id.starts_with(&newest_prefix) || id.contains("m-")), "{walked_ids:?}");
        }
    }
}

/// Relevance has no stable sort key, so its cursor is an offset into the
/// ranking; jobs stored after the first page must not shift it.
#[tokio::test]
async fn relevance_cursor_is_stable_while_new_jobs_arrive() {
    let (app, key) = app_with_jobs(40).await;
    let query = "q=unique+words&sort=relevance";
    let (before, _) = page(&app, &key, &format!("{query}&limit=100")).await;
    let original = ids(&before);
    let app_ref = &app;
    let walked = walk(&app, &key, query, 7, |page_number| async move {
        // New postings that match the query as well as the others do.
        let report = app_ref.ingest(&fixture::numbered_jobs(&format!("late{page_number}"), 3, 0)).await;
        assert_eq!((report["inserted"].as_u64(), report["duplicates"].as_u64()), (Some(3), Some(0)), "{report}");
    })
    .await;
    let walked_ids = ids(&walked);
    assert_unique(query, &walked_ids);
    assert_eq!(walked_ids, original, "the walk sees the ranking as it was on its first page");
    // A new walk sees the new jobs.
    let (after, _) = page(&app, &key, &format!("{query}&limit=100")).await;
    assert_eq!(after.len(), 40 + 3 * 6);
}

#[tokio::test]
async fn bad_cursors_are_refused() {
    let (app, key) = app_with_jobs(25).await;
    let (_, cursor) = page(&app, &key, "sort=budget_desc&limit=5").await;
    let cursor = cursor.unwrap();
    let (_, posted_cursor) = page(&app, &key, "limit=5").await;
    let posted_cursor = posted_cursor.unwrap();
    let (_, relevance_cursor) = page(&app, &key, "q=unique&sort=relevance&limit=5").await;
    let relevance_cursor = relevance_cursor.unwrap();
    let base64 = |text: &str| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
    };
    let cases = [
        (format!("sort=budget_desc&cursor={cursor}&offset=5"), "Invalid cursor parameter"),
        (format!("cursor={posted_cursor}&offset=10&limit=5"), "Invalid cursor parameter"),
        (format!("cursor={posted_cursor}&offset=0"), "Invalid cursor parameter"),
        // A cursor belongs to the sort it was made for.
        (format!("cursor={cursor}"), "Invalid cursor parameter"),
        (format!("sort=budget_asc&cursor={cursor}"), "Invalid cursor parameter"),
        (format!("sort=posted_on_asc&cursor={posted_cursor}"), "Invalid cursor parameter"),
        (format!("q=unique&cursor={relevance_cursor}"), "Invalid cursor parameter"),
        (format!("q=unique&sort=budget_desc&cursor={relevance_cursor}"), "Invalid cursor parameter"),
        // Garbage.
        ("cursor=garbage".to_string(), "Invalid cursor parameter"),
        ("cursor=".to_string(), "Invalid cursor parameter"),
        ("cursor=%00%FF".to_string(), "Invalid cursor parameter"),
        (format!("cursor={posted_cursor}!!"), "Invalid cursor parameter"),
        (format!("cursor={}", base64("k|posted_on_desc|abc|1")), "Invalid cursor parameter"),
        (format!("cursor={}", base64("k|posted_on_desc|NaN|1")), "Invalid cursor parameter"),
        (format!("cursor={}", base64("k|posted_on_desc|inf|1")), "Invalid cursor parameter"),
        (format!("cursor={}", base64("k|nope|1|1")), "Invalid cursor parameter"),
        (format!("q=unique&sort=relevance&cursor={}", base64("o|relevance|99999999|1")), "Invalid cursor parameter"),
        (format!("q=unique&sort=relevance&cursor={}", base64("o|relevance|-1|1")), "Invalid cursor parameter"),
        (format!("q=unique&sort=relevance&cursor={}", base64("o|relevance|5|x")), "Invalid cursor parameter"),
        (format!("q=unique&sort=relevance&cursor={}", base64("o|relevance|5")), "Invalid cursor parameter"),
        (format!("cursor={}", base64("k|posted_on_desc|1|99999999999999999999999")), "Invalid cursor parameter"),
    ];
    for (query, message) in cases {
        let response = app.get(&format!("/jobs?{query}"), &key).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{query}: {}", response.message());
        let body = response.json();
        assert_eq!(body["success"], false);
        assert_eq!(body["data"], serde_json::json!([]));
        assert_eq!(body["count"], 0);
        let text = body["message"].as_str().unwrap();
        assert!(text == message || text.starts_with(&format!("{message}: ")), "{query}: {text}");
    }
    // The good ones still work.
    for query in [
        format!("sort=budget_desc&cursor={cursor}"),
        format!("cursor={posted_cursor}"),
        format!("sort=posted_on_desc&cursor={posted_cursor}&limit=3"),
        format!("q=unique&sort=relevance&cursor={relevance_cursor}"),
    ] {
        let response = app.get(&format!("/jobs?{query}"), &key).await;
        assert_eq!(response.status, StatusCode::OK, "{query}: {}", response.text());
    }
}
