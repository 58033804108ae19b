//! `GET /jobs`, `GET /jobs/{id}`, `GET /categories`.

use super::{Caller, Context, Handled, cached_read};
use crate::error::{Error, Result};
use crate::http::response::{Data, Envelope};
use crate::query::Sort;
use crate::query::params::{Cursor, parse_job_list, split_query};
use crate::store::{job_query, jobs as job_rows};
use crate::taxonomy;
use hyper::Request;
use hyper::body::Incoming;
use serde_json::{Value, json};

pub async fn list(context: &Context, caller: &Caller, request: &Request<Incoming>) -> Result<Handled> {
    let min_seq = caller.min_seq(context.now);
    let response = cached_read(context, request, "/jobs", min_seq, list_envelope(context, request, min_seq)).await?;
    Ok(Handled::counted(response))
}

async fn list_envelope(context: &Context, request: &Request<Incoming>, min_seq: i64) -> Result<Envelope> {
    let list = parse_job_list(request.uri().query().unwrap_or(""))?;
    let now = context.now;
    let query = list.clone();
    let readers = &context.state.store.readers;
    let run = move |conn: &rusqlite::Connection| job_query::list_jobs(conn, &query, min_seq, now);
    let page = if list.is_heavy() { readers.read_heavy(run).await? } else { readers.read(run).await? };
    let next_cursor = match (page.has_more, page.last_key) {
        (true, Some((value, seq))) => Some(match list.sort {
            Sort::Relevance => {
                let offset = match list.cursor {
                    Some(Cursor::Offset { offset, .. }) => offset,
                    _ => list.offset,
                };
                Cursor::Offset {
                    sort: list.sort,
                    offset: offset + list.limit,
                    ceiling: page.ceiling.unwrap_or(i64::MAX),
                }
            }
            sort => Cursor::After { sort, value, seq },
        }),
        _ => None,
    };
    let next_cursor = match next_cursor {
        // A relevance cursor past the offset limit would be refused.
        Some(Cursor::Offset { offset, .. }) if offset > crate::query::params::MAX_OFFSET => None,
        other => other,
    };
    let docs = match &list.fields {
        Some(fields) => page.docs.iter().map(|doc| project(doc, fields)).collect::<Result<Vec<_>>>()?,
        None => page.docs,
    };
    let mut envelope = Envelope::ok(Data::Raw(docs))
        .with_extra("next_cursor", next_cursor.map(|cursor| Value::from(cursor.encode())).unwrap_or(Value::Null));
    if let Some(total) = page.total {
        envelope = envelope.with_extra("total", Value::from(total));
    }
    Ok(envelope)
}

/// Keeps only `fields` (in the job's own order) of a stored document.
fn project(doc: &str, fields: &[String]) -> Result<String> {
    let value: serde_json::Map<String, Value> = serde_json::from_str(doc).map_err(Error::internal)?;
    let kept: serde_json::Map<String, Value> =
        value.into_iter().filter(|(name, _)| fields.iter().any(|field| field == name)).collect();
    serde_json::to_string(&kept).map_err(Error::internal)
}

pub async fn one(context: &Context, caller: &Caller, request: &Request<Incoming>, id: &str) -> Result<Handled> {
    split_query(request.uri().query().unwrap_or(""), &[])?;
    let min_seq = caller.min_seq(context.now);
    let id = id.to_string();
    let read = async move {
        let doc = context
            .state
            .store
            .readers
            .read(move |conn| job_rows::visible_doc_by_id(conn, &id, min_seq))
            .await?
            .ok_or_else(|| Error::NotFound("Job not found".into()))?;
        Ok(Envelope::ok(Data::Raw(vec![doc])))
    };
    Ok(Handled::counted(cached_read(context, request, "/jobs/{id}", min_seq, read).await?))
}

pub async fn categories(context: &Context, caller: &Caller, request: &Request<Incoming>) -> Result<Handled> {
    split_query(request.uri().query().unwrap_or(""), &[])?;
    let min_seq = caller.min_seq(context.now);
    let response = cached_read(context, request, "/categories", min_seq, category_envelope(context, min_seq)).await?;
    Ok(Handled::counted(response))
}

async fn category_envelope(context: &Context, min_seq: i64) -> Result<Envelope> {
    let counts = context.state.store.readers.read(move |conn| job_rows::category_counts(conn, min_seq)).await?;
    let data = taxonomy::CATEGORIES
        .iter()
        .map(|category| {
            let count = counts.iter().find(|(slug, _)| slug == category.slug).map(|(_, count)| *count).unwrap_or(0);
            json!({
                "name": category.name,
                "slug": category.slug,
                "group": category.group,
                "group_slug": category.group_slug,
                "count": count,
            })
        })
        .collect();
    Ok(Envelope::ok(Data::Values(data)))
}
