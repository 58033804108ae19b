//! A connection's socket that gives up on a client that stops reading.
//!
//! hyper writes an answer until the socket's send buffer is full, then
//! waits for the client to take some of it. A client that never does would
//! hold its connection, and one of `--max-connections` slots, for ever:
//! a slowloris on the reading side, which the header read timeout and the
//! request deadline (both about what the client sends) do not catch.
//! [`StallGuard`] fails a write that has made no progress for
//! `--stall-timeout` seconds; hyper then closes the connection.
//!
//! The read side has one limit of its own: a client that connects and sends
//! nothing at all within `--header-read-timeout` is cut off too. hyper's
//! header timer starts only once a request has begun, and the protocol
//! detection before it (HTTP/1 or HTTP/2) would otherwise wait for the
//! first byte for ever.
//!
//! And one for HTTP/2, whose connections hyper keeps open as long as the
//! client answers its pings: a connection that starts with the HTTP/2
//! preface and then moves no data either way for `--idle-timeout` is
//! closed. (Idle HTTP/1 connections are closed by hyper's header timer.)
//! Only HTTP/2 connections read the clock on every read and write.
//!
//! It sees only the socket. Over HTTP/2 a client that stops reading one
//! stream stops granting flow-control window, and the socket never fills:
//! that is why an export also gives up on its own when its body waits
//! `--stall-timeout` for the client (`api/export.rs`), which frees its turn
//! and its read connection whatever the protocol.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

/// `inner` with a limit on how long a write may wait for the client.
pub struct StallGuard<T> {
    inner: T,
    limit: Duration,
    /// Armed by the first write that has to wait; cleared by any progress.
    /// Boxed so the guard stays `Unpin`; allocated only when a write waits.
    deadline: Option<Pin<Box<Sleep>>>,
    /// Until the client's first byte: when it must have come.
    first_byte: Option<Pin<Box<Sleep>>>,
    /// How long an HTTP/2 connection may move no data.
    idle_limit: Duration,
    /// Set once the client's first bytes are the HTTP/2 preface.
    idle: Option<Idle>,
}

/// An HTTP/2 connection's idle timer. The timer is not moved on every
/// read and write: they note the time, and when the timer fires it is set
/// again from the last activity, or the connection has been idle too long.
struct Idle {
    last_activity: tokio::time::Instant,
    timer: Pin<Box<Sleep>>,
}

/// What an HTTP/2 client sends first (RFC 9113 section 3.4).
const HTTP2_PREFACE_START: &[u8] = b"PRI * HTTP/2.0";

impl<T> StallGuard<T> {
    /// `limit` for writes; `first_byte` for the client's first byte;
    /// `idle_limit` for an HTTP/2 connection that moves no data.
    pub fn new(inner: T, limit: Duration, first_byte: Duration, idle_limit: Duration) -> Self {
        StallGuard {
            inner,
            limit,
            deadline: None,
            first_byte: Some(Box::pin(tokio::time::sleep(first_byte))),
            idle_limit,
            idle: None,
        }
    }

    fn note_activity(&mut self) {
        if let Some(idle) = self.idle.as_mut() {
            idle.last_activity = tokio::time::Instant::now();
        }
    }

    /// Called when a read is pending: fails once an HTTP/2 connection has
    /// moved no data for `idle_limit`.
    fn check_idle(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let limit = self.idle_limit;
        let Some(idle) = self.idle.as_mut() else { return Poll::Pending };
        while idle.timer.as_mut().poll(cx).is_ready() {
            let due = idle.last_activity + limit;
            if due <= tokio::time::Instant::now() {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("the HTTP/2 connection was idle for {} s", limit.as_secs()),
                )));
            }
            idle.timer.as_mut().reset(due);
        }
        Poll::Pending
    }

    /// Called when a write is pending: arms the deadline, or fails once it
    /// has passed.
    fn wait<R>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<R>> {
        let limit = self.limit;
        let deadline = self.deadline.get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("the client took no data for {} s", limit.as_secs()),
            ))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn progress<R>(&mut self, outcome: Poll<io::Result<R>>, cx: &mut Context<'_>) -> Poll<io::Result<R>> {
        match outcome {
            Poll::Pending => self.wait(cx),
            ready => {
                self.deadline = None;
                self.note_activity();
                ready
            }
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for StallGuard<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let outcome = Pin::new(&mut self.inner).poll_read(cx, buf);
        let Some(first_byte) = self.first_byte.as_mut() else {
            return match outcome {
                Poll::Pending => self.check_idle(cx),
                ready => {
                    self.note_activity();
                    ready
                }
            };
        };
        match outcome {
            Poll::Pending => match first_byte.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "the client sent nothing in time")))
                }
                Poll::Pending => Poll::Pending,
            },
            ready => {
                if buf.filled().len() > before {
                    self.first_byte = None;
                    if buf.filled()[before..].starts_with(HTTP2_PREFACE_START) {
                        let now = tokio::time::Instant::now();
                        let timer = Box::pin(tokio::time::sleep_until(now + self.idle_limit));
                        self.idle = Some(Idle { last_activity: now, timer });
                    }
                }
                ready
            }
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for StallGuard<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let outcome = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.progress(outcome, cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let outcome = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.progress(outcome, cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let outcome = Pin::new(&mut self.inner).poll_flush(cx);
        self.progress(outcome, cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let outcome = Pin::new(&mut self.inner).poll_shutdown(cx);
        self.progress(outcome, cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test(start_paused = true)]
    async fn a_write_the_peer_never_takes_fails_after_the_limit() {
        let (near, mut far) = tokio::io::duplex(1024);
        let mut guarded =
            StallGuard::new(near, Duration::from_secs(5), Duration::from_secs(5), Duration::from_secs(300));
        // The pipe holds 1 KiB; the rest waits for a reader that never comes.
        let error = guarded.write_all(&[7u8; 4096]).await.expect_err("the write gives up");
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        let mut taken = vec![0u8; 4096];
        assert_eq!(far.read(&mut taken).await.unwrap(), 1024);
    }

    #[tokio::test(start_paused = true)]
    async fn a_client_that_sends_nothing_is_cut_off_and_one_that_does_is_not() {
        let (near, _far) = tokio::io::duplex(1024);
        let mut silent =
            StallGuard::new(near, Duration::from_secs(30), Duration::from_secs(3), Duration::from_secs(300));
        let started = tokio::time::Instant::now();
        let error = silent.read(&mut [0u8; 16]).await.expect_err("nothing came");
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed(), Duration::from_secs(3));

        let (near, mut far) = tokio::io::duplex(1024);
        let mut talking =
            StallGuard::new(near, Duration::from_secs(30), Duration::from_secs(3), Duration::from_secs(300));
        far.write_all(b"GET").await.unwrap();
        assert_eq!(talking.read(&mut [0u8; 16]).await.unwrap(), 3);
        // After the first byte, waiting is hyper's business (its header and
        // keep-alive timers), not this limit's.
        let later = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(60)).await;
            far.write_all(b" /").await.unwrap();
            far
        });
        assert_eq!(talking.read(&mut [0u8; 16]).await.unwrap(), 2);
        drop(later.await.unwrap());
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_http2_connection_is_closed_and_a_busy_one_is_not() {
        let (near, mut far) = tokio::io::duplex(4096);
        let mut guarded =
            StallGuard::new(near, Duration::from_secs(30), Duration::from_secs(3), Duration::from_secs(60));
        far.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").await.unwrap();
        let mut buffer = [0u8; 64];
        assert_eq!(guarded.read(&mut buffer).await.unwrap(), 24);
        // Data every 40 s, either way, keeps it open for four minutes...
        for round in 0..6 {
            let started = tokio::time::Instant::now();
            let reading = tokio::time::timeout(Duration::from_secs(40), guarded.read(&mut buffer)).await;
            assert!(reading.is_err(), "round {round}: the read was still waiting");
            assert_eq!(started.elapsed(), Duration::from_secs(40));
            if round % 2 == 0 {
                far.write_all(b"x").await.unwrap();
                assert_eq!(guarded.read(&mut buffer).await.unwrap(), 1);
            } else {
                guarded.write_all(b"y").await.unwrap();
                assert_eq!(far.read(&mut buffer).await.unwrap(), 1);
            }
        }
        // ...and then 60 s without any: closed.
        let started = tokio::time::Instant::now();
        let error = guarded.read(&mut buffer).await.expect_err("idle too long");
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed(), Duration::from_secs(60));

        // HTTP/1 connections are left to hyper's timers.
        let (near, mut far) = tokio::io::duplex(4096);
        let mut http1 = StallGuard::new(near, Duration::from_secs(30), Duration::from_secs(3), Duration::from_secs(60));
        far.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        assert_eq!(http1.read(&mut buffer).await.unwrap(), 16);
        assert!(tokio::time::timeout(Duration::from_secs(600), http1.read(&mut buffer)).await.is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_but_steady_reader_is_not_cut_off() {
        let (near, mut far) = tokio::io::duplex(1024);
        let mut guarded =
            StallGuard::new(near, Duration::from_secs(5), Duration::from_secs(5), Duration::from_secs(300));
        let reader = tokio::spawn(async move {
            let mut total = 0;
            let mut chunk = [0u8; 512];
            while total < 16 * 1024 {
                // Each read comes 4 s after the last: slower in all than
                // the limit, but never 5 s without progress.
                tokio::time::sleep(Duration::from_secs(4)).await;
                total += far.read(&mut chunk).await.unwrap();
            }
            total
        });
        guarded.write_all(&[7u8; 16 * 1024]).await.expect("every write made progress in time");
        assert_eq!(reader.await.unwrap(), 16 * 1024);
    }
}
