//! The machine's ceiling: a bare hyper 1.x server answering every request
//! with `Hello, World!`, built the same way as upjobs (release, tokio
//! multi-thread, hyper-util auto builder). Benchmarks report upjobs'
//! figures as a ratio to this one, measured in the same run. (Until the
//! seventeenth round its body was 1 KB of JSON, which made it about 8 %
//! slower and every ratio to it that much kinder; BENCHMARKS.md.)
//!
//! Run: `cargo run --release --example hello -- 127.0.0.1:18181`

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use std::convert::Infallible;

#[tokio::main]
async fn main() {
    let address = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:18181".into());
    let listener = tokio::net::TcpListener::bind(&address).await.expect("bind");
    println!("hello listening on http://{}", listener.local_addr().expect("address"));
    let body = Bytes::from_static(b"Hello, World!");
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let _ = stream.set_nodelay(true);
        let body = body.clone();
        tokio::spawn(async move {
            let service = service_fn(move |_request| {
                let body = body.clone();
                async move {
                    let mut response = hyper::Response::new(Full::new(body));
                    response
                        .headers_mut()
                        .insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static("text/plain"));
                    Ok::<_, Infallible>(response)
                }
            });
            let _ = auto::Builder::new(TokioExecutor::new()).serve_connection(TokioIo::new(stream), service).await;
        });
    }
}
