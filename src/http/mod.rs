//! The HTTP server: accept loop, connection limits, timeouts and graceful
//! shutdown, on hyper 1.x. Only `http/` and `api/` know hyper.

pub mod head_timer;
pub mod response;
pub mod router;
pub mod stall;

use crate::state::AppState;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// Largest request head (request line and headers) a client may send.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// How long in-flight requests may take to finish once shutdown begins.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves HTTP on `listener` until `shutdown` resolves, then stops accepting,
/// lets in-flight requests finish (up to `DRAIN_TIMEOUT`) and returns.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    tls: Option<crate::tls::TlsAcceptor>,
    shutdown: impl Future<Output = ()>,
) {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // Each connection gets its own `HeadTimer` for this timeout (below).
    builder
        .http1()
        .header_read_timeout(Duration::from_secs(state.config.header_read_timeout))
        .max_buf_size(MAX_HEADER_BYTES);
    builder.http2().timer(TokioTimer::new()).max_header_list_size(MAX_HEADER_BYTES as u32);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let permits = Arc::new(Semaphore::new(state.config.max_connections));
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, remote) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of file descriptors and the like: back off briefly
                // rather than spinning.
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            tracing::warn!(%remote, "connection limit reached; closing new connection");
            continue;
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        let mut builder = builder.clone();
        builder.http1().timer(head_timer::HeadTimer::default());
        let watcher = graceful.watcher();
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => serve_connection(&builder, watcher, stream, remote, state).await,
                Some(acceptor) => match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream)).await {
                    Ok(Ok(stream)) => serve_connection(&builder, watcher, stream, remote, state).await,
                    Ok(Err(error)) => tracing::debug!(%remote, %error, "TLS handshake failed"),
                    Err(_) => tracing::debug!(%remote, "TLS handshake timed out"),
                },
            }
            drop(permit);
        });
    }
    state.draining.store(true, Ordering::SeqCst);
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("all connections finished"),
        () = tokio::time::sleep(DRAIN_TIMEOUT) => {
            tracing::warn!("drain timeout: closing remaining connections");
            state.closing.send_replace(true);
        }
    }
}

async fn serve_connection<S>(
    builder: &auto::Builder<TokioExecutor>,
    watcher: hyper_util::server::graceful::Watcher,
    stream: S,
    remote: SocketAddr,
    state: AppState,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let stall_limit = Duration::from_secs(state.config.stall_timeout.max(1));
    let first_byte_limit = Duration::from_secs(state.config.header_read_timeout.max(1));
    let idle_limit = Duration::from_secs(state.config.idle_timeout.max(1));
    let service = service_fn(move |request: hyper::Request<Incoming>| {
        // Routes answered from memory are answered here, before hyper
        // stores the future: it then holds only the finished response.
        let answer = crate::api::handle(state.clone(), request, remote);
        async move { Ok::<_, Infallible>(answer.await) }
    });
    let stream = stall::StallGuard::new(stream, stall_limit, first_byte_limit, idle_limit);
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    if let Err(error) = watcher.watch(connection.into_owned()).await {
        tracing::debug!(%remote, %error, "connection ended with an error");
    }
}

/// The private metrics listener (`--metrics-listen`): `GET /metrics` in
/// Prometheus text without a token, 404 for anything else. Meant for an
/// address only the monitoring system can reach.
pub async fn serve_metrics(listener: TcpListener, state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.changed() => return,
        };
        let Ok((stream, _)) = accepted else { continue };
        let state = state.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request: hyper::Request<Incoming>| {
                let state = state.clone();
                async move {
                    let response = if request.uri().path() == "/metrics" {
                        let text = state.metrics.render(crate::api::admin::database_size(&state.store.path));
                        let mut response = hyper::Response::new(response::full(text));
                        response.headers_mut().insert(
                            hyper::header::CONTENT_TYPE,
                            hyper::header::HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
                        );
                        response
                    } else {
                        let mut response = hyper::Response::new(response::empty());
                        *response.status_mut() = hyper::StatusCode::NOT_FOUND;
                        response
                    };
                    Ok::<_, Infallible>(response)
                }
            });
            let _ = auto::Builder::new(TokioExecutor::new()).serve_connection(TokioIo::new(stream), service).await;
        });
    }
}
