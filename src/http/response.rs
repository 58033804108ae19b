//! Response bodies and the JSON envelope every answer is wrapped in:
//! `{"success", "message"?, "data": [...], "count", ...extras, "last_updated"}`.

use crate::error::Error;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Response, StatusCode};
use serde_json::Value;
use std::borrow::Cow;

pub type Body = BoxBody<Bytes, std::io::Error>;

/// Headers an API answer usually carries: content type, ETag and cache
/// control, six rate-limit fields, two quota fields, the request id.
const ANSWER_HEADERS: usize = 12;

/// A JSON answer. Its header map has room for the limit, quota and
/// request-id headers every keyed answer gets, so it is allocated once and
/// never rehashed.
pub fn json_answer(status: StatusCode, body: impl Into<Bytes>) -> Response<Body> {
    let mut response = Response::new(full(body));
    *response.status_mut() = status;
    response.headers_mut().reserve(ANSWER_HEADERS);
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

pub fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).map_err(|never| match never {}).boxed()
}

pub fn empty() -> Body {
    full(Bytes::new())
}

/// The items of `data`: already-serialised JSON (stored job documents) or
/// values to serialise.
pub enum Data {
    Raw(Vec<String>),
    Values(Vec<Value>),
}

impl Data {
    pub fn empty() -> Data {
        Data::Values(Vec::new())
    }

    pub fn one(value: Value) -> Data {
        Data::Values(vec![value])
    }

    pub fn len(&self) -> usize {
        match self {
            Data::Raw(items) => items.len(),
            Data::Values(items) => items.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `data`'s JSON array text.
    pub fn write_array(&self, out: &mut Vec<u8>) {
        out.push(b'[');
        match self {
            Data::Raw(items) => {
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push(b',');
                    }
                    out.extend_from_slice(item.as_bytes());
                }
            }
            Data::Values(items) => {
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push(b',');
                    }
                    serde_json::to_writer(&mut *out, item).expect("serialising a Value cannot fail");
                }
            }
        }
        out.push(b']');
    }
}

/// A successful or failed answer before it becomes bytes.
pub struct Envelope {
    pub status: StatusCode,
    /// Borrowed for the fixed messages (`/health`, `/livez`), so the
    /// commonest answers allocate nothing for it.
    pub message: Option<Cow<'static, str>>,
    pub data: Data,
    /// Extra top-level fields (`next_cursor`, `total`, `retry_after`).
    pub extras: Vec<(&'static str, Value)>,
}

impl Envelope {
    pub fn ok(data: Data) -> Envelope {
        Envelope { status: StatusCode::OK, message: None, data, extras: Vec::new() }
    }

    pub fn with_status(mut self, status: StatusCode) -> Envelope {
        self.status = status;
        self
    }

    pub fn with_message(mut self, message: impl Into<Cow<'static, str>>) -> Envelope {
        self.message = Some(message.into());
        self
    }

    pub fn with_extra(mut self, name: &'static str, value: Value) -> Envelope {
        self.extras.push((name, value));
        self
    }

    pub fn from_error(error: &Error) -> Envelope {
        let (status, message) = error.status_and_message();
        let mut envelope = Envelope { status, message: Some(message.into()), data: Data::empty(), extras: Vec::new() };
        if let Error::RateLimited { retry_after, .. } = error {
            envelope.extras.push(("retry_after", Value::from(*retry_after)));
        }
        envelope
    }

    /// The body without `last_updated`, for ETags: two answers with the same
    /// data have the same tag whatever second they were made in.
    pub fn write_without_time(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(if self.status.is_success() || self.status == StatusCode::NOT_MODIFIED {
            b"{\"success\":true"
        } else {
            b"{\"success\":false"
        });
        if let Some(message) = &self.message {
            out.extend_from_slice(b",\"message\":");
            serde_json::to_writer(&mut *out, message.as_ref()).expect("serialising a string cannot fail");
        }
        out.extend_from_slice(b",\"data\":");
        self.data.write_array(out);
        out.extend_from_slice(b",\"count\":");
        out.extend_from_slice(itoa::Buffer::new().format(self.data.len()).as_bytes());
        for (name, value) in &self.extras {
            out.extend_from_slice(b",\"");
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"\":");
            serde_json::to_writer(&mut *out, value).expect("serialising a Value cannot fail");
        }
    }

    pub fn finish(out: &mut Vec<u8>, last_updated: &str) {
        out.extend_from_slice(b",\"last_updated\":\"");
        out.extend_from_slice(last_updated.as_bytes());
        out.extend_from_slice(b"\"}");
    }

    pub fn into_response(self, last_updated: &str) -> Response<Body> {
        let mut out = Vec::with_capacity(256);
        self.write_without_time(&mut out);
        Envelope::finish(&mut out, last_updated);
        json_answer(self.status, out)
    }
}
