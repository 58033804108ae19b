//! Every route of the server, in one table.

use hyper::Method;

/// A matched route. Path parameters are owned strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Livez,
    Readyz,
    Health,
    Jobs,
    JobsExport,
    Job(String),
    Categories,
    Usage,
    OpenApi,
    WebhooksList,
    WebhooksCreate,
    Webhook(String),
    WebhookDelete(String),
    WebhookUpdate(String),
    WebhookTest(String),
    WebhookDeliveries(String),
    WebhookRotateSecret(String),
    AdminPage,
    AdminAsset(String),
    AdminKeysList,
    AdminKeysCreate,
    AdminKeyShow(String),
    AdminKeyUpdate(String),
    AdminKeyRevoke(String),
    AdminPlansList,
    AdminPlanUpdate(String),
    AdminJobsIngest,
    AdminJobDelete(String),
    AdminJobVerdict(String),
    AdminQuality,
    AdminStats,
    AdminUsage,
    AdminRequests,
    AdminWebhooks,
    AdminPrune,
    AdminBackup,
    Metrics,
}

/// Why no route matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoRoute {
    NotFound,
    /// The path exists for these methods.
    MethodNotAllowed(&'static str),
}

impl Route {
    /// A low-cardinality name for logs and metrics (no ids).
    pub fn name(&self) -> &'static str {
        match self {
            Route::Livez => "/livez",
            Route::Readyz => "/readyz",
            Route::Health => "/health",
            Route::Jobs => "/jobs",
            Route::JobsExport => "/jobs/export",
            Route::Job(_) => "/jobs/{id}",
            Route::Categories => "/categories",
            Route::Usage => "/usage",
            Route::OpenApi => "/openapi.json",
            Route::WebhooksList | Route::WebhooksCreate => "/webhooks",
            Route::Webhook(_) | Route::WebhookDelete(_) | Route::WebhookUpdate(_) => "/webhooks/{id}",
            Route::WebhookTest(_) => "/webhooks/{id}/test",
            Route::WebhookDeliveries(_) => "/webhooks/{id}/deliveries",
            Route::WebhookRotateSecret(_) => "/webhooks/{id}/rotate-secret",
            Route::AdminPage => "/admin",
            Route::AdminAsset(_) => "/admin/{asset}",
            Route::AdminKeysList | Route::AdminKeysCreate => "/admin/api/keys",
            Route::AdminKeyShow(_) | Route::AdminKeyUpdate(_) | Route::AdminKeyRevoke(_) => "/admin/api/keys/{id}",
            Route::AdminPlansList => "/admin/api/plans",
            Route::AdminPlanUpdate(_) => "/admin/api/plans/{name}",
            Route::AdminJobsIngest => "/admin/api/jobs",
            Route::AdminJobDelete(_) => "/admin/api/jobs/{id}",
            Route::AdminJobVerdict(_) => "/admin/api/jobs/{id}/verdict",
            Route::AdminQuality => "/admin/api/quality",
            Route::AdminStats => "/admin/api/stats",
            Route::AdminUsage => "/admin/api/usage",
            Route::AdminRequests => "/admin/api/requests",
            Route::AdminWebhooks => "/admin/api/webhooks",
            Route::AdminPrune => "/admin/api/prune",
            Route::AdminBackup => "/admin/api/backup",
            Route::Metrics => "/metrics",
        }
    }

    /// Routes that need an API key.
    pub fn is_keyed(&self) -> bool {
        matches!(
            self,
            Route::Health
                | Route::Jobs
                | Route::JobsExport
                | Route::Job(_)
                | Route::Categories
                | Route::Usage
                | Route::WebhooksList
                | Route::WebhooksCreate
                | Route::Webhook(_)
                | Route::WebhookDelete(_)
                | Route::WebhookUpdate(_)
                | Route::WebhookTest(_)
                | Route::WebhookDeliveries(_)
                | Route::WebhookRotateSecret(_)
        )
    }

    /// Routes that need the admin bearer token.
    pub fn is_admin(&self) -> bool {
        self.name().starts_with("/admin/api/") || *self == Route::Metrics
    }
}

/// Matches a method and a path (without query) to a route.
pub fn route(method: &Method, path: &str) -> Result<Route, NoRoute> {
    let trimmed = path.strip_suffix('/').filter(|rest| !rest.is_empty()).unwrap_or(path);
    // Routes have at most five segments; a path with more than seven
    // matches none, and is refused before it is split further.
    let mut parts = [""; 7];
    let mut count = 0;
    for part in trimmed.split('/').skip(1) {
        if count == parts.len() {
            return Err(NoRoute::NotFound);
        }
        parts[count] = part;
        count += 1;
    }
    let segments = &parts[..count];
    let get = method == Method::GET || method == Method::HEAD;
    let post = method == Method::POST;
    let only = |allowed: bool, route: Route, methods: &'static str| {
        if allowed { Ok(route) } else { Err(NoRoute::MethodNotAllowed(methods)) }
    };
    let id = |text: &str| percent_decode(text);
    match segments {
        ["livez"] => only(get, Route::Livez, "GET, HEAD"),
        ["readyz"] => only(get, Route::Readyz, "GET, HEAD"),
        ["health"] => only(get, Route::Health, "GET, HEAD"),
        ["jobs"] => only(get, Route::Jobs, "GET, HEAD"),
        ["jobs", "export"] => only(get, Route::JobsExport, "GET, HEAD"),
        ["jobs", job_id] => only(get, Route::Job(id(job_id)), "GET, HEAD"),
        ["categories"] => only(get, Route::Categories, "GET, HEAD"),
        ["usage"] => only(get, Route::Usage, "GET, HEAD"),
        ["openapi.json"] => only(get, Route::OpenApi, "GET, HEAD"),
        ["webhooks"] if get => Ok(Route::WebhooksList),
        ["webhooks"] => only(post, Route::WebhooksCreate, "GET, HEAD, POST"),
        ["webhooks", hook] if get => Ok(Route::Webhook(id(hook))),
        ["webhooks", hook] if method == Method::PATCH => Ok(Route::WebhookUpdate(id(hook))),
        ["webhooks", hook] => {
            only(method == Method::DELETE, Route::WebhookDelete(id(hook)), "GET, HEAD, PATCH, DELETE")
        }
        ["webhooks", hook, "test"] => only(post, Route::WebhookTest(id(hook)), "POST"),
        ["webhooks", hook, "deliveries"] => only(get, Route::WebhookDeliveries(id(hook)), "GET, HEAD"),
        ["webhooks", hook, "rotate-secret"] => only(post, Route::WebhookRotateSecret(id(hook)), "POST"),
        ["admin"] => only(get, Route::AdminPage, "GET, HEAD"),
        ["admin", "api", "keys"] if get => Ok(Route::AdminKeysList),
        ["admin", "api", "keys"] => only(post, Route::AdminKeysCreate, "GET, HEAD, POST"),
        ["admin", "api", "keys", key] if get => Ok(Route::AdminKeyShow(id(key))),
        ["admin", "api", "keys", key] if method == Method::PATCH => Ok(Route::AdminKeyUpdate(id(key))),
        ["admin", "api", "keys", key] => {
            only(method == Method::DELETE, Route::AdminKeyRevoke(id(key)), "GET, HEAD, PATCH, DELETE")
        }
        ["admin", "api", "plans"] => only(get, Route::AdminPlansList, "GET, HEAD"),
        ["admin", "api", "plans", name] => only(method == Method::PUT, Route::AdminPlanUpdate(id(name)), "PUT"),
        ["admin", "api", "jobs"] => only(post, Route::AdminJobsIngest, "POST"),
        ["admin", "api", "jobs", job_id] => only(method == Method::DELETE, Route::AdminJobDelete(id(job_id)), "DELETE"),
        ["admin", "api", "jobs", job_id, "verdict"] => only(post, Route::AdminJobVerdict(id(job_id)), "POST"),
        ["admin", "api", "quality"] => only(get, Route::AdminQuality, "GET, HEAD"),
        ["admin", "api", "stats"] => only(get, Route::AdminStats, "GET, HEAD"),
        ["admin", "api", "usage"] => only(get, Route::AdminUsage, "GET, HEAD"),
        ["admin", "api", "requests"] => only(get, Route::AdminRequests, "GET, HEAD"),
        ["admin", "api", "webhooks"] => only(get, Route::AdminWebhooks, "GET, HEAD"),
        ["admin", "api", "prune"] => only(post, Route::AdminPrune, "POST"),
        ["admin", "api", "backup"] => only(get, Route::AdminBackup, "GET, HEAD"),
        ["admin", "api", ..] => Err(NoRoute::NotFound),
        ["admin", asset] => only(get, Route::AdminAsset(asset.to_string()), "GET, HEAD"),
        ["metrics"] => only(get, Route::Metrics, "GET, HEAD"),
        _ => Err(NoRoute::NotFound),
    }
}

fn percent_decode(text: &str) -> String {
    form_urlencoded::parse(format!("x={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_match() {
        assert_eq!(route(&Method::GET, "/jobs"), Ok(Route::Jobs));
        assert_eq!(route(&Method::GET, "/jobs/"), Ok(Route::Jobs));
        assert_eq!(route(&Method::GET, "/jobs/export"), Ok(Route::JobsExport));
        assert_eq!(route(&Method::GET, "/jobs/upwork-1%2B2"), Ok(Route::Job("upwork-1+2".into())));
        assert_eq!(route(&Method::POST, "/jobs"), Err(NoRoute::MethodNotAllowed("GET, HEAD")));
        assert_eq!(route(&Method::POST, "/admin/api/jobs/x/verdict"), Ok(Route::AdminJobVerdict("x".into())));
        assert_eq!(route(&Method::GET, "/a/b/c/d/e/f/g/h/i"), Err(NoRoute::NotFound));
        assert_eq!(route(&Method::GET, "/nope"), Err(NoRoute::NotFound));
        assert_eq!(route(&Method::DELETE, "/admin/api/keys/key_1"), Ok(Route::AdminKeyRevoke("key_1".into())));
        assert_eq!(route(&Method::GET, "/admin/admin.js"), Ok(Route::AdminAsset("admin.js".into())));
        assert_eq!(route(&Method::PATCH, "/webhooks/wh_1"), Ok(Route::WebhookUpdate("wh_1".into())));
        assert_eq!(route(&Method::PUT, "/webhooks/wh_1"), Err(NoRoute::MethodNotAllowed("GET, HEAD, PATCH, DELETE")));
    }
}
