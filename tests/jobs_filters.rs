//! Every parameter of the spec's `/jobs` table against the hand-built
//! fixture of `tests/fixture/`, whose right answers are known: each case
//! names a query and the exact ids, in order, that it must return.

mod common;
mod fixture;

use chrono::{DateTime, Utc};
use common::{TestApp, spawn_app};
use hyper::StatusCode;
use serde_json::{Value, json};

/// A server holding the thirty fixture jobs, an enterprise key (no window),
/// and the "now" the fixture was built against.
struct Fixture {
    app: TestApp,
    key: String,
    now: DateTime<Utc>,
}

async fn fixture() -> Fixture {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    let now = Utc::now();
    let report = app.ingest(&fixture::jobs(now)).await;
    assert_eq!(report["inserted"], 30, "{report}");
    assert_eq!(report["duplicates"], 0, "the fixture must not contain near-duplicates: {report}");
    assert_eq!(report["spam"], 0, "the fixture must not look like spam: {report}");
    Fixture { app, key, now }
}

/// Percent-encodes a query value.
fn enc(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

impl Fixture {
    /// RFC 3339 time `minutes` before the fixture's "now", percent-encoded.
    fn ago(&self, minutes: i64) -> String {
        enc(&fixture::minutes_before(self.now, minutes))
    }

    /// The ids `/jobs?{query}` returns (with `limit=100` unless the query
    /// sets a limit), after checking the envelope.
    async fn ids(&self, query: &str) -> Result<Vec<String>, String> {
        self.ids_with(&self.key, query).await
    }

    /// `ids` with another key.
    async fn ids_with(&self, key: &str, query: &str) -> Result<Vec<String>, String> {
        let query = if query.split('&').any(|pair| pair.starts_with("limit=")) {
            query.to_string()
        } else if query.is_empty() {
            "limit=100".to_string()
        } else {
            format!("{query}&limit=100")
        };
        let response = self.app.get(&format!("/jobs?{query}"), key).await;
        if response.status != StatusCode::OK {
            return Err(format!("{query}: status {} {}", response.status, response.text()));
        }
        let body = response.json();
        let data = body["data"].as_array().cloned().unwrap_or_default();
        if body["success"] != true || body["count"] != data.len() {
            return Err(format!("{query}: bad envelope {body}"));
        }
        Ok(data.iter().map(|job| job["id"].as_str().unwrap_or("<no id>").to_string()).collect())
    }

    /// Runs every case and fails once, listing every case that went wrong.
    async fn check_all(&self, cases: &[(String, Vec<&str>)]) {
        self.check_all_with(&self.key, cases).await
    }

    /// `check_all` with another key.
    async fn check_all_with(&self, key: &str, cases: &[(String, Vec<&str>)]) {
        let mut failures = Vec::new();
        for (query, expected) in cases {
            match self.ids_with(key, query).await {
                Ok(actual) if actual == *expected => {}
                Ok(actual) => failures.push(format!("{query}\n    expected {expected:?}\n    got      {actual:?}")),
                Err(error) => failures.push(error),
            }
        }
        assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
    }
}

/// `j01..j30` minus the listed numbers, in the default (newest first) order.
fn all_but(excluded: &[&str]) -> Vec<&'static str> {
    fixture::ROWS.iter().map(|row| row.id).filter(|id| !excluded.contains(id)).collect()
}

fn cases(list: &[(&str, &[&'static str])]) -> Vec<(String, Vec<&'static str>)> {
    list.iter().map(|(query, ids)| (query.to_string(), ids.to_vec())).collect()
}

#[tokio::test]
async fn full_text_search() {
    let fixture = fixture().await;
    let developer: &[&str] = &["j01", "j05", "j14", "j21", "j23", "j24", "j30"];
    fixture
        .check_all(&cases(&[
            // Stemming and case: "developers" and "DEVELOPER" find "developer" and "developers".
            ("q=developer", developer),
            ("q=developers", developer),
            ("q=DEVELOPERS", developer),
            ("q=Developer", developer),
            ("q=migrating", &["j09", "j27"]),
            ("q=KUBERNETES", &["j03"]),
            // Accents fold both ways.
            ("q=cafe", &["j22"]),
            ("q=CAF%C3%89", &["j22"]),
            // Words are ANDed.
            ("q=rust+wasm", &["j05"]),
            ("q=data+pipeline", &["j04", "j09"]),
            ("q=machine+learning", &["j07", "j13", "j18", "j25"]),
            // A phrase needs the words together and in order.
            ("q=%22data+pipeline%22", &["j04"]),
            ("q=%22pipeline+data%22", &[]),
            // Exclusion.
            ("q=rust+-embedded", &["j05", "j20"]),
            ("q=%22machine+learning%22+-python", &["j25"]),
            // OR, and OR binding tighter than the implicit AND.
            ("q=flutter+OR+swift", &["j06", "j14"]),
            ("q=react+OR+vue+developer", &["j01", "j21", "j24", "j30"]),
            // Prefix.
            ("q=kube*", &["j03", "j17"]),
            ("q=migrat*", &["j09", "j27"]),
            // Skills and tags are searched too ("ml" is only a tag of j07).
            ("q=ml", &["j07"]),
            // Words nobody wrote.
            ("q=blockchain", &[]),
            // q combines with the other filters.
            ("q=developer&job_type=hourly", &["j05", "j14", "j21"]),
            // Newest first by default, also with q; other sorts apply as well.
            ("q=react&sort=budget_desc", &["j01", "j10", "j30", "j24"]),
            ("q=react&sort=posted_on_asc", &["j30", "j24", "j10", "j01"]),
        ]))
        .await;
}

#[tokio::test]
async fn relevance_ranks_title_matches_above_skill_only_matches() {
    let fixture = fixture().await;
    // "react" is in the title, description, skills and tags of j01 and j10,
    // in the title and skills of j24 ("React Native"), and only among the
    // skills of j30.
    let ranked = fixture.ids("q=react&sort=relevance").await.unwrap();
    let mut sorted = ranked.clone();
    sorted.sort();
    assert_eq!(sorted, ["j01", "j10", "j24", "j30"], "{ranked:?}");
    assert_eq!(ranked.last().map(String::as_str), Some("j30"), "{ranked:?}");
    assert!(ranked[..2].contains(&"j01".to_string()) && ranked[..2].contains(&"j10".to_string()), "{ranked:?}");
}

#[tokio::test]
async fn every_sort_order() {
    let fixture = fixture().await;
    let newest_first: Vec<&str> = all_but(&[]);
    let oldest_first: Vec<&str> = newest_first.iter().rev().copied().collect();
    fixture
        .check_all(&[
            (String::new(), newest_first.clone()),
            ("sort=posted_on_desc".into(), newest_first),
            ("sort=posted_on_asc".into(), oldest_first),
            (
                "sort=last_visited_desc".into(),
                vec![
                    "j01", "j03", "j02", "j06", "j13", "j23", "j09", "j04", "j16", "j05", "j08", "j12", "j26", "j19",
                    "j07", "j11", "j29", "j22", "j10", "j18", "j14", "j21", "j15", "j17", "j28", "j24", "j20", "j27",
                    "j25", "j30",
                ],
            ),
            (
                "sort=last_visited_asc".into(),
                vec![
                    "j30", "j25", "j27", "j20", "j24", "j28", "j17", "j15", "j21", "j14", "j18", "j10", "j22", "j29",
                    "j11", "j07", "j19", "j26", "j12", "j08", "j05", "j16", "j04", "j09", "j23", "j13", "j06", "j02",
                    "j03", "j01",
                ],
            ),
            // Fixed budget, else the hourly maximum, else 0; ties newest first.
            (
                "sort=budget_desc".into(),
                vec![
                    "j18", "j07", "j27", "j23", "j01", "j10", "j11", "j30", "j16", "j03", "j20", "j24", "j04", "j12",
                    "j19", "j29", "j08", "j22", "j25", "j13", "j15", "j05", "j14", "j06", "j17", "j21", "j02", "j09",
                    "j26", "j28",
                ],
            ),
            (
                "sort=budget_asc".into(),
                vec![
                    "j26", "j28", "j09", "j02", "j21", "j06", "j17", "j14", "j05", "j15", "j13", "j22", "j25", "j08",
                    "j29", "j19", "j12", "j04", "j20", "j24", "j03", "j16", "j30", "j11", "j01", "j10", "j23", "j27",
                    "j07", "j18",
                ],
            ),
            (
                "sort=applicants_asc".into(),
                vec![
                    "j27", "j17", "j07", "j24", "j14", "j04", "j21", "j11", "j01", "j30", "j28", "j18", "j08", "j25",
                    "j15", "j05", "j22", "j12", "j02", "j29", "j19", "j09", "j26", "j16", "j06", "j23", "j13", "j03",
                    "j20", "j10",
                ],
            ),
        ])
        .await;
}

#[tokio::test]
async fn limit_and_offset() {
    let fixture = fixture().await;
    let all = all_but(&[]);
    fixture
        .check_all(&[
            (String::new(), all.clone()),
            ("limit=1".into(), all[..1].to_vec()),
            ("limit=5".into(), all[..5].to_vec()),
            ("limit=100&offset=25".into(), all[25..].to_vec()),
            ("limit=3&offset=10".into(), all[10..13].to_vec()),
            ("limit=100&offset=30".into(), vec![]),
            ("limit=100&offset=10000".into(), vec![]),
            ("limit=2&offset=1&sort=posted_on_asc".into(), vec!["j29", "j28"]),
        ])
        .await;
    // Without a limit, twenty jobs and a cursor to the rest.
    let response = fixture.app.get("/jobs", &fixture.key).await;
    let body = response.json();
    assert_eq!(body["count"], 20);
    assert!(body["next_cursor"].is_string(), "{body}");
}

#[tokio::test]
async fn job_type_status_and_tier() {
    let fixture = fixture().await;
    let hourly: &[&str] = &["j02", "j05", "j06", "j09", "j13", "j14", "j17", "j21", "j25", "j28"];
    let fixed = all_but(hourly);
    let closed: &[&str] = &["j04", "j11", "j19", "j27"];
    let open = all_but(closed);
    let intermediate: &[&str] = &["j01", "j04", "j07", "j10", "j13", "j16", "j19", "j22", "j25", "j28"];
    let entry_or_expert = all_but(intermediate);
    let mut list = cases(&[
        ("job_type=1", hourly),
        ("job_type=hourly", hourly),
        ("status=2", closed),
        ("status=closed", closed),
        ("contractor_tier=2", intermediate),
        ("contractor_tier=intermediate", intermediate),
        ("job_type=hourly&contractor_tier=expert&status=open", &["j02", "j05", "j14", "j17"]),
    ]);
    for query in ["job_type=2", "job_type=fixed", "job_type=fixed-price"] {
        list.push((query.into(), fixed.clone()));
    }
    for query in ["status=1", "status=open"] {
        list.push((query.into(), open.clone()));
    }
    for query in ["contractor_tier=1,3", "contractor_tier=entry,expert", "contractor_tier=3,1"] {
        list.push((query.into(), entry_or_expert.clone()));
    }
    fixture.check_all(&list).await;
}

#[tokio::test]
async fn budgets_and_hourly_rates() {
    let fixture = fixture().await;
    fixture
        .check_all(&cases(&[
            // budget_* bound budget.fixed_amount; jobs without one never match.
            ("budget_min=1000", &["j01", "j03", "j07", "j10", "j11", "j16", "j18", "j20", "j23", "j24", "j27", "j30"]),
            ("budget_max=500", &["j08", "j15", "j19", "j22", "j29"]),
            ("budget_min=1000&budget_max=5000", &["j01", "j03", "j10", "j11", "j16", "j20", "j24", "j30"]),
            ("budget_min=5000&budget_max=5000", &["j01", "j10"]),
            ("budget_max=99.5", &["j15"]),
            ("budget_max=99.4", &[]),
            ("budget_min=100000", &[]),
            // hourly_min=X: hourly_budget.max >= X.
            ("hourly_min=40", &["j05", "j06", "j13", "j14", "j17", "j21", "j25"]),
            ("hourly_min=150", &["j25"]),
            ("hourly_min=151", &[]),
            // hourly_max=Y: hourly_budget.min <= Y.
            ("hourly_max=30", &["j02", "j06", "j09", "j21"]),
            ("hourly_max=10", &["j09"]),
            // Both: the job's range overlaps [X, Y].
            // hourly_min above hourly_max is no contradiction: the rate range
            // must reach above 40 and below 30 (j06 is 25-50, j21 is 20-45).
            ("hourly_min=40&hourly_max=30", &["j06", "j21"]),
            ("hourly_min=30&hourly_max=40", &["j02", "j05", "j06", "j14", "j21"]),
            ("hourly_min=50&hourly_max=50", &["j05", "j06", "j14", "j17"]),
            ("hourly_min=0", &["j02", "j05", "j06", "j09", "j13", "j14", "j17", "j21", "j25"]),
        ]))
        .await;
}

#[tokio::test]
async fn buyer_location_and_category() {
    let fixture = fixture().await;
    let unverified: &[&str] = &["j03", "j08", "j15", "j22", "j29"];
    // j08 says "United States" and j30 "us": stored as US, they filter as US.
    let us: &[&str] = &["j01", "j03", "j06", "j08", "j11", "j15", "j18", "j21", "j24", "j27", "j30"];
    // j14 says "Germany" and j20 "United Kingdom".
    let gb_de: &[&str] = &["j02", "j04", "j09", "j12", "j14", "j16", "j20", "j23", "j25"];
    let mut list = cases(&[
        ("payment_verified=false", unverified),
        // Python's requests sends a bool as True/False.
        ("payment_verified=False", unverified),
        ("country=US", us),
        ("country=us", us),
        ("country=gb,DE", gb_de),
        ("country=GB%2Cde", gb_de),
        ("country=FR", &["j22"]),
        ("country=JP", &[]),
        (
            "exclude_country=us,IN",
            &["j02", "j04", "j07", "j09", "j10", "j12", "j14", "j16", "j17", "j20", "j22", "j23", "j25", "j28", "j29"],
        ),
        ("country=US&exclude_country=us", &[]),
        ("country=US,DE&exclude_country=de", us),
        ("location.timezone=Europe/Berlin", &["j04", "j12", "j14", "j23"]),
        ("location.timezone=Europe%2FLondon", &["j02", "j09", "j16", "j20", "j25"]),
        ("location.timezone=Europe/Atlantis", &[]),
        ("category=scripts-utilities,content-writing", &["j04", "j09", "j12", "j19", "j20", "j26", "j27"]),
        ("category=video-animation", &["j29"]),
        ("category=photography", &[]),
        ("category_group=design-creative", &["j08", "j22", "j29"]),
        ("category_group=ai-services,writing-translation", &["j07", "j13", "j18", "j19", "j25", "j26", "j28"]),
        ("category_group=legal", &[]),
        ("category=web-development&category_group=development-it&country=us", &["j01", "j11", "j21", "j30"]),
        ("payment_verified=true&budget_min=1000&country=US", &["j01", "j11", "j18", "j24", "j27", "j30"]),
    ]);
    list.push(("payment_verified=true".into(), all_but(unverified)));
    list.push(("payment_verified=TRUE".into(), all_but(unverified)));
    list.push(("exclude_country=fr".into(), all_but(&["j22"])));
    fixture.check_all(&list).await;

    // The stored document carries the code, not the name the feed sent.
    for (id, code) in [("j08", "US"), ("j14", "DE"), ("j20", "GB"), ("j30", "US")] {
        let job = &fixture.app.get(&format!("/jobs/{id}"), &fixture.key).await.data()[0];
        assert_eq!(job["buyer"]["country"], code, "{job}");
        assert_eq!(job["location"]["country"], code, "{job}");
    }
}

#[tokio::test]
async fn skills_and_tags_ignore_case_and_punctuation() {
    let fixture = fixture().await;
    let node: &[&str] = &["j01", "j11", "j16", "j24", "j30"];
    let machine_learning: &[&str] = &["j07", "j13", "j18", "j25"];
    let mut list = cases(&[
        // Node.js (skill of j01, j11, j30), nodejs (tag of j16), NodeJS (skill of j24).
        ("tags=nodejs", node),
        ("skills=nodejs", node),
        ("tags=Node.js", node),
        ("skills=NODE-JS", node),
        // Machine Learning (j07, j13), machine-learning (tag of j18), machine learning (j25).
        ("tags=machine-learning", machine_learning),
        ("skills=Machine%20Learning", machine_learning),
        ("skills=machinelearning", machine_learning),
        // C, C++ and C# stay three skills.
        ("skills=c%2B%2B", &["j12"]),
        ("skills=C%23", &["j20"]),
        ("skills=c", &["j05"]),
        // "React Native" is not "React".
        ("tags=react", &["j01", "j10", "j30"]),
        ("tags=react-native", &["j24"]),
        // Every listed skill must be there, and tags and skills combine.
        ("tags=react,nodejs", &["j01", "j30"]),
        ("skills=react&tags=node.js", &["j01", "j30"]),
        ("skills=python,machine+learning", &["j07", "j13", "j18"]),
        ("tags=react,figma", &[]),
        ("tags=unheard-of", &[]),
        // At least one.
        ("skills_any=figma,copywriting", &["j08", "j15", "j19", "j26"]),
        ("skills_any=Swift", &["j14"]),
        ("skills_any=C%23,c%2B%2B,unheard-of", &["j12", "j20"]),
    ]);
    list.push(("exclude_skills=Node.js".into(), all_but(node)));
    list.push((
        "exclude_skills=react,python".into(),
        all_but(&["j01", "j07", "j09", "j10", "j13", "j18", "j23", "j30"]),
    ));
    list.push(("exclude_skills=unheard-of".into(), all_but(&[])));
    list.push(("tags=nodejs&exclude_skills=react".into(), vec!["j11", "j16", "j24"]));
    fixture.check_all(&list).await;
}

#[tokio::test]
async fn posting_and_visit_times() {
    let fixture = fixture().await;
    let f = &fixture;
    let offset_form = {
        // The same instant as 1,000 minutes ago, written with a +02:00 offset.
        let instant = (f.now - chrono::Duration::minutes(1000))
            .with_timezone(&chrono::FixedOffset::east_opt(2 * 3600).unwrap())
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string();
        enc(&instant)
    };
    let first_sixteen: Vec<&str> = all_but(&[])[..16].to_vec();
    let mut list = cases(&[
        ("since=30m", &["j01"]),
        ("since=6h", &["j01", "j02"]),
        ("since=1d", &["j01", "j02", "j03", "j04", "j05", "j06", "j07", "j08"]),
    ]);
    list.extend([
        ("since=2d".to_string(), first_sixteen),
        ("since=7d".to_string(), all_but(&[])),
        (format!("posted_after={}", f.ago(1000)), vec!["j01", "j02", "j03", "j04", "j05", "j06"]),
        (format!("posted_after={offset_form}"), vec!["j01", "j02", "j03", "j04", "j05", "j06"]),
        (format!("posted_before={}", f.ago(4000)), vec!["j24", "j25", "j26", "j27", "j28", "j29", "j30"]),
        (
            format!("posted_after={}&posted_before={}", f.ago(3000), f.ago(2000)),
            vec!["j12", "j13", "j14", "j15", "j16", "j17"],
        ),
        // Both a window and a bound: the narrower wins.
        (format!("since=6h&posted_after={}", f.ago(1000)), vec!["j01", "j02"]),
        (format!("since=7d&posted_before={}", f.ago(5000)), vec!["j29", "j30"]),
        // A job's posting time is inside an inclusive bound.
        (format!("posted_after={}", f.ago(5250)), all_but(&[])),
        (format!("posted_before={}", f.ago(5250)), vec!["j30"]),
        (format!("last_visited_after={}", f.ago(500)), vec!["j01", "j02", "j03", "j04", "j06", "j09", "j13", "j23"]),
        // Never visited (j05, j10, ...): the posting time stands in.
        (format!("last_visited_after={}", f.ago(800)), {
            vec!["j01", "j02", "j03", "j04", "j05", "j06", "j08", "j09", "j13", "j16", "j23"]
        }),
        (format!("last_visited_after={}", f.ago(1)), vec![]),
    ]);
    // A date is midnight UTC: tomorrow is after everything, a week ago before it.
    let tomorrow = (f.now + chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
    let week_ago = (f.now - chrono::Duration::days(7)).format("%Y-%m-%d").to_string();
    list.extend([
        (format!("posted_after={tomorrow}"), vec![]),
        (format!("posted_before={tomorrow}"), all_but(&[])),
        (format!("posted_after={week_ago}"), all_but(&[])),
        (format!("posted_before={week_ago}"), vec![]),
        (format!("last_visited_after={tomorrow}"), vec![]),
        (format!("last_visited_after={week_ago}"), all_but(&[])),
    ]);
    fixture.check_all(&list).await;
}

/// Dates in `YYYY-MM-DD` form, against jobs at known instants.
#[tokio::test]
async fn dates_are_midnight_utc() {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    let mut jobs = Vec::new();
    for (index, posted) in
        ["2025-03-09T23:59:59Z", "2025-03-10T00:00:00Z", "2025-03-10T12:00:00Z", "2025-03-11T00:00:01Z"]
            .into_iter()
            .enumerate()
    {
        let mut job = fixture::ROWS[index].to_job(Utc::now());
        job["id"] = json!(format!("d{index}"));
        job["posted_on"] = json!(posted);
        job["last_visited_at"] = json!(posted);
        jobs.push(job);
    }
    app.ingest(&jobs).await;
    let fixture = Fixture { app, key, now: Utc::now() };
    fixture
        .check_all(&cases(&[
            ("posted_after=2025-03-10", &["d3", "d2", "d1"]),
            ("posted_before=2025-03-11", &["d2", "d1", "d0"]),
            ("posted_after=2025-03-10&posted_before=2025-03-10", &["d1"]),
            ("posted_after=2025-03-10T00:00:00Z&posted_before=2025-03-10T12:00:00Z", &["d2", "d1"]),
            ("posted_after=2025-03-10T06:00:00%2B06:00", &["d3", "d2", "d1"]),
            // ISO 8601 without an offset, as the original service's clients send it: UTC.
            ("posted_after=2025-03-10T00:00:00", &["d3", "d2", "d1"]),
            ("posted_after=2025-03-10T00:00:01", &["d3", "d2"]),
            ("posted_before=2025-03-10T12:00", &["d2", "d1", "d0"]),
            ("posted_before=2025-03-10T11:59:59.999", &["d1", "d0"]),
            // Other ISO 8601 forms, and a `+` sent unencoded (a space by then).
            ("posted_after=2025-03-10T06:00%2B06", &["d3", "d2", "d1"]),
            ("posted_after=2025-03-10T06:00:01%2B0600", &["d3", "d2"]),
            ("posted_after=2025-03-10T06:00:01+06:00", &["d3", "d2"]),
            ("posted_after=20250310T120000Z", &["d3", "d2"]),
            ("posted_before=2025-03-10%2012:00", &["d2", "d1", "d0"]),
            ("posted_after=2025-03-12", &[]),
            ("last_visited_after=2025-03-10", &["d3", "d2", "d1"]),
            ("last_visited_after=2025-03-10T12:00:01Z", &["d3"]),
        ]))
        .await;
}

#[tokio::test]
async fn buyer_and_client_activity_bounds() {
    let fixture = fixture().await;
    fixture
        .check_all(&cases(&[
            ("buyer.total_spent_min=60000", &["j02", "j09", "j16", "j18", "j23", "j25"]),
            ("buyer.total_spent_max=10000", &["j07", "j14", "j21", "j28", "j30"]),
            ("buyer.total_spent_max=0", &["j30"]),
            ("buyer.total_spent_min=65000&buyer.total_spent_max=70000", &["j02", "j09", "j16"]),
            ("buyer.total_assignments_min=25", &["j04", "j08", "j13", "j17", "j22", "j26"]),
            ("buyer.total_assignments_max=5", &["j05", "j09", "j14", "j18", "j27"]),
            ("buyer.total_assignments_min=7&buyer.total_assignments_max=8", &["j01", "j10"]),
            ("buyer.total_jobs_with_hires_min=13", &["j04", "j13", "j17", "j22", "j26"]),
            ("buyer.total_jobs_with_hires_max=1", &["j09", "j18", "j27"]),
            ("buyer.total_jobs_with_hires_max=0", &["j09"]),
            ("client_activity.total_applicants_min=30", &["j03", "j10", "j13", "j20", "j23"]),
            ("client_activity.total_applicants_max=5", &["j07", "j17", "j24", "j27"]),
            (
                "client_activity.total_applicants_min=10&client_activity.total_applicants_max=12",
                &["j01", "j11", "j28", "j30"],
            ),
        ]))
        .await;
}

#[tokio::test]
async fn engagement_and_duration() {
    let fixture = fixture().await;
    fixture
        .check_all(&cases(&[
            ("engagement=full-time", &["j03", "j06", "j09", "j12", "j15", "j18", "j24", "j27", "j30"]),
            (
                "engagement=part-time,less%20than%2030%20hrs%2Fweek",
                &[
                    "j01", "j02", "j04", "j05", "j08", "j10", "j11", "j13", "j16", "j17", "j19", "j20", "j22", "j23",
                    "j25", "j26", "j29",
                ],
            ),
            ("engagement=contract", &[]),
            ("duration_label=Less+than+1+month", &["j04", "j08", "j12", "j16", "j20", "j24", "j28"]),
            (
                "duration_label=1%20to%203%20months,More%20than%206%20months",
                &[
                    "j01", "j03", "j05", "j07", "j09", "j11", "j13", "j15", "j17", "j19", "j21", "j23", "j25", "j27",
                    "j29",
                ],
            ),
            ("duration_label=Less+than+1+month&engagement=full-time", &["j12", "j24"]),
        ]))
        .await;
}

#[tokio::test]
async fn fields_projection_and_total() {
    let fixture = fixture().await;
    let keys_of = |job: &Value| {
        let mut keys: Vec<String> = job.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    for (fields, expected) in [
        ("title", vec!["id", "title"]),
        ("id", vec!["id"]),
        ("budget,id,hourly_budget", vec!["budget", "hourly_budget", "id"]),
        ("buyer,client_activity,location", vec!["buyer", "client_activity", "id", "location"]),
    ] {
        let response = fixture.app.get(&format!("/jobs?fields={fields}&limit=100"), &fixture.key).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        let data = response.data();
        assert_eq!(data.len(), 30);
        for job in &data {
            assert_eq!(keys_of(job), expected, "fields={fields}: {job}");
        }
    }
    // Projected objects are whole: the nested fields come along.
    let full = fixture.app.get("/jobs/j08", &fixture.key).await.data()[0].clone();
    let projected = fixture.app.get("/jobs?fields=buyer,budget&limit=100", &fixture.key).await.data();
    let projected = projected.iter().find(|job| job["id"] == "j08").unwrap();
    assert_eq!(projected["buyer"], full["buyer"]);
    assert_eq!(projected["budget"], full["budget"]);
    // Filters and sorts still apply to projected answers.
    let ids = fixture.ids("fields=title&sort=budget_desc&budget_min=10000").await.unwrap();
    assert_eq!(ids, ["j18", "j07", "j27"]);

    // include_total: the exact number of matches, however many are returned.
    let body = fixture.app.get("/jobs?include_total=true&limit=5&budget_min=1000", &fixture.key).await.json();
    assert_eq!(body["total"], 12, "{body}");
    assert_eq!(body["count"], 5);
    let body = fixture.app.get("/jobs?include_total=true&q=developer&offset=5", &fixture.key).await.json();
    assert_eq!(body["total"], 7, "{body}");
    assert_eq!(body["count"], 2);
    let body = fixture.app.get("/jobs?include_total=true&country=JP", &fixture.key).await.json();
    assert_eq!(body["total"], 0, "{body}");
    for query in ["", "?include_total=false", "?limit=5"] {
        let body = fixture.app.get(&format!("/jobs{query}"), &fixture.key).await.json();
        assert!(body.get("total").is_none(), "{query}: {body}");
    }
}

/// The whole document comes back as it went in (after normalisation).
#[tokio::test]
async fn documents_round_trip() {
    let fixture = fixture().await;
    let sent = fixture::jobs(fixture.now);
    let returned = fixture.app.get("/jobs?limit=100", &fixture.key).await.data();
    assert_eq!(returned.len(), sent.len());
    for (sent, returned) in sent.iter().zip(&returned) {
        let mut expected = sent.clone();
        // Ingest stores country codes, not names.
        for place in ["buyer", "location"] {
            let code = upjobs::countries::normalize_country(expected[place]["country"].as_str().unwrap()).unwrap();
            expected[place]["country"] = json!(code);
        }
        // Amounts are written like the seed writes them (5000, not 5000.0).
        assert_eq!(
            serde_json::to_string(&canonical(&expected)).unwrap(),
            serde_json::to_string(&canonical(returned)).unwrap()
        );
    }
}

/// Numbers compared by value (5000 and 5000.0 alike).
fn canonical(value: &Value) -> Value {
    match value {
        Value::Number(number) => json!(number.as_f64().unwrap()),
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(key, value)| (key.clone(), canonical(value))).collect()),
        other => other.clone(),
    }
}

/// Plan windows: starter 7 days, professional 30, business 180, enterprise all.
#[tokio::test]
async fn plan_windows_clamp_what_a_key_sees() {
    let app = spawn_app().await;
    let now = Utc::now();
    let ages = [("d6", 6), ("d8", 8), ("d29", 29), ("d31", 31), ("d179", 179), ("d181", 181), ("d400", 400)];
    let mut jobs = Vec::new();
    for (index, (id, days)) in ages.into_iter().enumerate() {
        let mut job = fixture::ROWS[index].to_job(now);
        let posted = fixture::minutes_before(now, days * 24 * 60);
        job["id"] = json!(id);
        job["posted_on"] = json!(posted);
        job["last_visited_at"] = json!(posted);
        jobs.push(job);
    }
    let report = app.ingest(&jobs).await;
    assert_eq!(report["inserted"], 7, "{report}");
    let key = app.create_key("enterprise").await;
    let fixture = Fixture { app, key, now };
    let long_ago = enc(&fixture::minutes_before(now, 1000 * 24 * 60));
    for (plan, visible) in [
        ("starter", vec!["d6"]),
        ("professional", vec!["d6", "d8", "d29"]),
        ("business", vec!["d6", "d8", "d29", "d31", "d179"]),
        ("enterprise", vec!["d6", "d8", "d29", "d31", "d179", "d181", "d400"]),
    ] {
        let key = fixture.app.create_key(plan).await;
        // A filter reaching further back than the window is clamped, not refused.
        fixture
            .check_all_with(
                &key,
                &[
                    (String::new(), visible.clone()),
                    (format!("posted_after={long_ago}"), visible.clone()),
                    ("posted_after=2000-01-01".to_string(), visible.clone()),
                    ("since=36500d".to_string(), visible.clone()),
                    ("since=99999999999999999999d".to_string(), visible.clone()),
                    ("since=10000000m".to_string(), visible.clone()),
                    ("sort=posted_on_asc".to_string(), visible.iter().rev().copied().collect()),
                    ("sort=budget_desc&include_total=true".to_string(), {
                        let mut by_budget: Vec<&str> = visible.clone();
                        by_budget.sort_by_key(|id| ages.iter().position(|(known, _)| known == id));
                        by_budget.sort_by(|a, b| budget_of(&jobs, b).total_cmp(&budget_of(&jobs, a)));
                        by_budget
                    }),
                ],
            )
            .await;
        let body = fixture.app.get("/jobs?include_total=true", &key).await.json();
        assert_eq!(body["total"], visible.len(), "{plan}: {body}");
        for (id, _) in ages {
            let response = fixture.app.get(&format!("/jobs/{id}"), &key).await;
            let expected = if visible.contains(&id) { StatusCode::OK } else { StatusCode::NOT_FOUND };
            assert_eq!(response.status, expected, "{plan} GET /jobs/{id}: {}", response.text());
            if expected == StatusCode::NOT_FOUND {
                assert_eq!(response.message(), "Job not found");
            }
        }
    }
}

/// The sort key of `budget_*` for the job with `id`.
fn budget_of(jobs: &[Value], id: &str) -> f64 {
    let job = jobs.iter().find(|job| job["id"] == id).unwrap();
    job["budget"]["fixed_amount"].as_f64().or_else(|| job["hourly_budget"]["max"].as_f64()).unwrap_or(0.0)
}
