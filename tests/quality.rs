//! Duplicates and spam through the HTTP API: what is hidden, what the
//! ingest report counts, what the operator sees and overrules.

mod common;

use common::{TestApp, distinct_job, spawn_app, spawn_app_in};
use hyper::{Method, StatusCode};
use serde_json::{Value, json};

/// `original` posted again under `id`, an hour later: same text, new id.
fn repost(original: &Value, id: &str) -> Value {
    let mut copy = distinct_job(id, 1);
    copy["title"] = original["title"].clone();
    copy["description"] = original["description"].clone();
    copy
}

/// A posting that breaks several of the documented spam rules at once:
/// off-platform contact, an upfront fee, crypto payment.
fn spam_job(id: &str) -> Value {
    let mut job = distinct_job(id, 1);
    job["title"] = json!("Easy data entry work from home, earn $500 a day, no experience");
    job["description"] = json!(
        "Contact me on Telegram @easy_money_jobs or WhatsApp +1 555 123 4567 before applying, or write to \
         hiring.manager.fast@gmail.com. A refundable registration fee of $50 must be paid upfront in Bitcoin \
         (BTC) or USDT to activate your account, then we send you a check to buy equipment."
    );
    job["buyer"]["payment_verified"] = json!(false);
    job["buyer"]["total_jobs_with_hires"] = json!(0);
    job["client_activity"]["invitations_sent"] = json!(60);
    job["client_activity"]["total_hired"] = json!(0);
    job
}

async fn served(app: &TestApp, key: &str, id: &str) -> bool {
    let response = app.get(&format!("/jobs/{id}"), key).await;
    match response.status {
        StatusCode::OK => true,
        StatusCode::NOT_FOUND => false,
        other => panic!("GET /jobs/{id}: {other} {}", response.text()),
    }
}

async fn listed_ids(app: &TestApp, key: &str) -> Vec<String> {
    let response = app.get("/jobs?limit=100", key).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.data().iter().map(|job| job["id"].as_str().unwrap().to_string()).collect()
}

async fn quality_entry(app: &TestApp, id: &str) -> Option<Value> {
    let response = app.admin(Method::GET, "/admin/api/quality", None).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.data().into_iter().find(|entry| entry["id"] == id)
}

/// Ingests `copy` and checks it was caught as a duplicate of `original`:
/// counted, hidden while the original is served, and listed with it.
async fn ingest_expecting_duplicate(app: &TestApp, key: &str, copy: Value, original: &str) {
    let id = copy["id"].as_str().unwrap().to_string();
    let report = app.ingest(&[copy]).await;
    assert_eq!(report["duplicates"], 1, "{report}");
    assert!(served(app, key, original).await);
    assert!(!served(app, key, &id).await);
    assert_eq!(quality_entry(app, &id).await.unwrap()["duplicate_of"], original);
}

async fn verdict(app: &TestApp, id: &str, verdict: &str) {
    let response =
        app.admin(Method::POST, &format!("/admin/api/jobs/{id}/verdict"), Some(json!({"verdict": verdict}))).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
}

#[tokio::test]
async fn duplicate_under_another_id_is_stored_counted_and_never_returned() {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    let original = distinct_job("dup-original", 5);
    let copy = repost(&original, "dup-copy");
    let report = app.ingest(&[original.clone(), copy.clone(), distinct_job("dup-other", 2)]).await;
    assert_eq!(report["inserted"], 3, "{report}");
    assert_eq!(report["duplicates"], 1, "{report}");

    assert!(served(&app, &key, "dup-original").await);
    assert!(!served(&app, &key, "dup-copy").await);
    let ids = listed_ids(&app, &key).await;
    assert!(ids.contains(&"dup-original".to_string()) && ids.contains(&"dup-other".to_string()), "{ids:?}");
    assert!(!ids.contains(&"dup-copy".to_string()), "{ids:?}");

    let entry = quality_entry(&app, "dup-copy").await.expect("the duplicate is listed");
    assert_eq!(entry["duplicate_of"], "dup-original");
    assert_eq!(entry["kind"], "duplicate");
    assert_eq!(entry["visible"], false);
    assert!(quality_entry(&app, "dup-original").await.is_none(), "the original is not caught");
}

#[tokio::test]
async fn duplicate_is_caught_across_batches() {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    let original = distinct_job("batch-original", 5);
    assert_eq!(app.ingest(std::slice::from_ref(&original)).await["duplicates"], 0);
    let report = app.ingest(&[repost(&original, "batch-copy")]).await;
    assert_eq!(report["inserted"], 1, "{report}");
    assert_eq!(report["duplicates"], 1, "{report}");
    assert!(!served(&app, &key, "batch-copy").await);
    assert_eq!(quality_entry(&app, "batch-copy").await.unwrap()["duplicate_of"], "batch-original");
    // Re-ingesting the original itself is an update, not a duplicate.
    let report = app.ingest(std::slice::from_ref(&original)).await;
    assert_eq!((report["updated"].clone(), report["duplicates"].clone()), (json!(1), json!(0)), "{report}");
    assert!(served(&app, &key, "batch-original").await);
    // ... and the original is still the first seen: a third copy repeats it,
    // not the second.
    let report = app.ingest(&[repost(&original, "batch-third")]).await;
    assert_eq!(report["duplicates"], 1, "{report}");
    assert_eq!(quality_entry(&app, "batch-third").await.unwrap()["duplicate_of"], "batch-original");
    // Re-ingesting a duplicate keeps it a duplicate of the same job.
    let report = app.ingest(&[repost(&original, "batch-copy")]).await;
    assert_eq!((report["updated"].clone(), report["duplicates"].clone()), (json!(1), json!(1)), "{report}");
    assert_eq!(quality_entry(&app, "batch-copy").await.unwrap()["duplicate_of"], "batch-original");
}

#[tokio::test]
async fn duplicate_is_caught_after_a_restart() {
    let app = spawn_app().await;
    let original = distinct_job("restart-original", 5);
    app.ingest(std::slice::from_ref(&original)).await;
    let dir = app.stop().await;

    let app = spawn_app_in(dir, |_| {}).await;
    let key = app.create_key("enterprise").await;
    ingest_expecting_duplicate(&app, &key, repost(&original, "restart-copy"), "restart-original").await;
}

/// Jobs another process stores in the same file (`upjobs import` beside a
/// running server) are in the duplicate index before the server's next
/// ingest.
#[tokio::test]
async fn duplicate_of_a_job_imported_beside_the_server_is_caught() {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    app.ingest(&[distinct_job("before-import", 6)]).await;
    let original = distinct_job("imported-original", 5);
    let file = app.dir.path().join("import.ndjson");
    std::fs::write(&file, format!("{original}\n")).unwrap();
    let import = std::process::Command::new(env!("CARGO_BIN_EXE_upjobs"))
        .args(["import", "--db", app.db_path.to_str().unwrap(), file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(import.status.success(), "{}", String::from_utf8_lossy(&import.stderr));
    ingest_expecting_duplicate(&app, &key, repost(&original, "server-copy"), "imported-original").await;
}

/// A copy of a hidden duplicate names the posting that is shown, not the
/// hidden one: no chains in the quality list.
#[tokio::test]
async fn a_copy_of_a_duplicate_points_at_the_original() {
    let app = spawn_app().await;
    let original = distinct_job("chain-original", 5);
    app.ingest(std::slice::from_ref(&original)).await;
    // A small edit: a near duplicate of the original.
    let mut edited = repost(&original, "chain-edited");
    edited["description"] = json!(format!("{} Thanks!", original["description"].as_str().unwrap()));
    assert_eq!(app.ingest(std::slice::from_ref(&edited)).await["duplicates"], 1);
    assert_eq!(quality_entry(&app, "chain-edited").await.unwrap()["duplicate_of"], "chain-original");
    // The edited text again, exactly: it matches the edited copy first.
    let again = repost(&edited, "chain-again");
    assert_eq!(app.ingest(&[again]).await["duplicates"], 1);
    assert_eq!(quality_entry(&app, "chain-again").await.unwrap()["duplicate_of"], "chain-original");
}

#[tokio::test]
async fn not_duplicate_verdict_shows_the_job_and_survives_reingest() {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    let original = distinct_job("verdict-original", 5);
    let copy = repost(&original, "verdict-copy");
    app.ingest(&[original, copy.clone()]).await;
    assert!(!served(&app, &key, "verdict-copy").await);

    verdict(&app, "verdict-copy", "not_duplicate").await;
    assert!(served(&app, &key, "verdict-copy").await);
    let entry = quality_entry(&app, "verdict-copy").await.expect("a job with a verdict stays listed");
    assert_eq!(entry["verdict"], "not_duplicate");
    assert_eq!(entry["kind"], "duplicate", "what the rules caught it as: {entry}");
    assert_eq!(entry["duplicate_of"], Value::Null);
    assert_eq!(entry["visible"], true);

    let report = app.ingest(&[copy]).await;
    assert_eq!(report["updated"], 1, "{report}");
    assert_eq!(report["duplicates"], 0, "{report}");
    assert!(served(&app, &key, "verdict-copy").await);
}

#[tokio::test]
async fn spam_is_hidden_listed_with_reasons_and_not_spam_verdict_survives_reingest() {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    let spam = spam_job("spam-1");
    let report = app.ingest(&[spam.clone(), distinct_job("legit-1", 2)]).await;
    assert_eq!(report["inserted"], 2, "{report}");
    assert_eq!(report["spam"], 1, "{report}");
    assert!(!served(&app, &key, "spam-1").await);
    assert!(served(&app, &key, "legit-1").await);
    assert!(!listed_ids(&app, &key).await.contains(&"spam-1".to_string()));

    let entry = quality_entry(&app, "spam-1").await.expect("the spam job is listed");
    assert_eq!(entry["kind"], "spam");
    let reasons = entry["reasons"].as_array().expect("reasons are a list");
    assert!(!reasons.is_empty(), "{entry}");
    assert!(reasons.iter().all(|reason| reason["rule"].is_string()), "{entry}");
    assert!(entry["spam_score"].as_f64().unwrap() > 0.0, "{entry}");

    verdict(&app, "spam-1", "not_spam").await;
    assert!(served(&app, &key, "spam-1").await);
    let report = app.ingest(&[spam]).await;
    assert_eq!(report["updated"], 1, "{report}");
    assert_eq!(report["spam"], 0, "{report}");
    assert!(served(&app, &key, "spam-1").await);
    assert_eq!(quality_entry(&app, "spam-1").await.unwrap()["verdict"], "not_spam");
}

#[tokio::test]
async fn spam_verdict_hides_a_legitimate_job_and_survives_reingest() {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    let legit = distinct_job("legit-hidden", 2);
    assert_eq!(app.ingest(std::slice::from_ref(&legit)).await["spam"], 0);
    assert!(served(&app, &key, "legit-hidden").await);

    verdict(&app, "legit-hidden", "spam").await;
    assert!(!served(&app, &key, "legit-hidden").await);
    let entry = quality_entry(&app, "legit-hidden").await.expect("the overruled job is listed");
    assert_eq!(entry["verdict"], "spam");
    assert_eq!(entry["visible"], false);

    let report = app.ingest(&[legit]).await;
    assert_eq!(report["spam"], 1, "{report}");
    assert!(!served(&app, &key, "legit-hidden").await);

    // The list pages by `limit` and refuses what it would ignore.
    app.ingest(&[spam_job("spam-2"), spam_job("spam-3")]).await;
    let limited = app.admin(Method::GET, "/admin/api/quality?limit=1", None).await;
    assert_eq!(limited.status, StatusCode::OK, "{}", limited.text());
    assert_eq!(limited.data().len(), 1);
    for (query, message) in [
        ("limit=0", "Invalid limit parameter: must be an integer from 1 to 5000"),
        ("page=2", "Unknown parameter 'page'"),
    ] {
        let refused = app.admin(Method::GET, &format!("/admin/api/quality?{query}"), None).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(refused.message().starts_with(message), "{query}: {}", refused.message());
    }
}

#[tokio::test]
async fn verdict_on_an_unknown_job_or_with_an_unknown_word_is_refused() {
    let app = spawn_app().await;
    let response =
        app.admin(Method::POST, "/admin/api/jobs/nobody/verdict", Some(json!({"verdict": "not_spam"}))).await;
    assert_eq!(response.status, StatusCode::NOT_FOUND, "{}", response.text());
    app.ingest(&[distinct_job("verdict-word", 1)]).await;
    let response =
        app.admin(Method::POST, "/admin/api/jobs/verdict-word/verdict", Some(json!({"verdict": "maybe"}))).await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST, "{}", response.text());
    let body = json!({"verdict": "spam", "reason": "typo'd field"});
    let response = app.admin(Method::POST, "/admin/api/jobs/verdict-word/verdict", Some(body)).await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST, "{}", response.text());
    assert_eq!(response.message(), "Unknown field 'reason' (expected verdict)");
    assert!(quality_entry(&app, "verdict-word").await.is_none(), "nothing was decided");
}

/// Hidden jobs (a duplicate, rule-caught spam, spam by verdict) match no
/// text search: newest first, by relevance, in `total`, and with a filter
/// on a job column beside `q` (the query then reads each row; without one it
/// answers from the full-text index and the hidden-jobs index alone).
#[tokio::test]
async fn hidden_jobs_match_no_text_search_in_any_order_or_count() {
    let app = spawn_app().await;
    let key = app.create_key("enterprise").await;
    let original = distinct_job("text-original", 5);
    let mut spam = spam_job("text-spam");
    spam["title"] = json!("Easy data entry project from home, earn $500 a day, no experience");
    let jobs = [
        original.clone(),
        repost(&original, "text-copy"),
        spam,
        distinct_job("text-overruled", 3),
        distinct_job("text-visible", 4),
    ];
    let report = app.ingest(&jobs).await;
    assert_eq!((report["duplicates"].as_i64(), report["spam"].as_i64()), (Some(1), Some(1)), "{report}");
    verdict(&app, "text-overruled", "spam").await;

    let visible = ["text-original".to_string(), "text-visible".to_string()];
    for query in [
        "q=project",
        "q=project&sort=relevance",
        "q=project&sort=posted_on_asc",
        "q=project&job_type=fixed",
        "q=project&sort=relevance&job_type=fixed",
    ] {
        let response = app.get(&format!("/jobs?{query}&include_total=true"), &key).await;
        assert_eq!(response.status, StatusCode::OK, "{query}: {}", response.text());
        let mut ids: Vec<String> = response.data().iter().map(|job| job["id"].as_str().unwrap().to_string()).collect();
        ids.sort();
        assert_eq!(ids, visible, "{query}");
        assert_eq!(response.json()["total"], 2, "{query}");
    }
}
