//! Webhook subscription routes (filled in by the webhooks work).

use super::{Caller, Context, Handled};
use crate::error::{Error, Result};
use crate::http::response::Body;
use crate::http::router::Route;
use hyper::body::Incoming;
use hyper::{Request, Response};

pub async fn handle(
    _context: &Context,
    _caller: &Caller,
    route: Route,
    _request: Request<Incoming>,
) -> Result<Handled> {
    Err(Error::NotFound(format!("Not found: {}", route.name())))
}

pub async fn admin_list(_context: &Context) -> Result<Response<Body>> {
    Err(Error::NotFound("Not found".into()))
}
