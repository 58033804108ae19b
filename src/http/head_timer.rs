//! hyper's header read timeout, at one tokio timer per connection.
//!
//! hyper starts a new sleep for every request head it waits for and drops
//! it when the head is in. With tokio's own timer that is two operations on
//! the runtime's shared timer wheel, each under its lock, for every request
//! of a keep-alive connection, a cost a bare hyper server without the
//! timeout does not have (BENCHMARKS.md, seventeenth round).
//!
//! A [`HeadTimer`] belongs to one connection. The sleeps it gives hyper
//! share the connection's one tokio timer: a sleep that is dropped because
//! its head came in leaves the timer armed where it was, and the timer is
//! moved only when it fires before the deadline of the sleep now waiting
//! (at most once per timeout). The deadlines are the same as with tokio's
//! timer; a request costs one uncontended lock and no work on the wheel.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::time::Sleep;

/// The timer for one connection's header reads (`http1().timer(..)` on
/// the connection's own builder).
#[derive(Default)]
pub struct HeadTimer {
    /// The connection's tokio timer, made by its first sleep.
    armed: Arc<Mutex<Option<Pin<Box<Sleep>>>>>,
}

impl hyper::rt::Timer for HeadTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn hyper::rt::Sleep>> {
        self.sleep_until(self.now() + duration)
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(HeadSleep { deadline: deadline.into(), armed: self.armed.clone() })
    }

    /// tokio's clock, so that tests with a paused clock move it.
    fn now(&self) -> Instant {
        tokio::time::Instant::now().into_std()
    }
}

/// One head's deadline, waited for on the connection's timer.
struct HeadSleep {
    deadline: tokio::time::Instant,
    armed: Arc<Mutex<Option<Pin<Box<Sleep>>>>>,
}

impl Future for HeadSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let deadline = self.deadline;
        let mut armed = self.armed.lock().unwrap_or_else(PoisonError::into_inner);
        let timer = armed.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        loop {
            if timer.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            // The timer fired: at this deadline or after it, or at an
            // earlier head's, and then it is moved to this one's.
            if timer.deadline() >= deadline {
                return Poll::Ready(());
            }
            timer.as_mut().reset(deadline);
        }
    }
}

impl hyper::rt::Sleep for HeadSleep {}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::rt::Timer;
    use std::future::poll_fn;

    fn pending(sleep: &mut Pin<Box<dyn hyper::rt::Sleep>>) -> bool {
        let waker = std::task::Waker::noop();
        sleep.as_mut().poll(&mut Context::from_waker(waker)).is_pending()
    }

    #[tokio::test(start_paused = true)]
    async fn a_sleep_ends_at_its_deadline() {
        let timer = HeadTimer::default();
        let started = tokio::time::Instant::now();
        timer.sleep(Duration::from_secs(30)).await;
        assert_eq!(started.elapsed(), Duration::from_secs(30));
    }

    #[tokio::test(start_paused = true)]
    async fn later_sleeps_move_the_shared_timer_once_it_has_fired() {
        let timer = HeadTimer::default();
        let started = tokio::time::Instant::now();
        // The first head arms the connection's timer for 10 s and comes in
        // at once; its sleep is dropped with the timer still armed.
        let mut first = timer.sleep(Duration::from_secs(10));
        assert!(pending(&mut first));
        drop(first);
        // The next head starts 5 s later: its deadline is 15 s, after the
        // timer's 10 s, and it must not end when the timer fires.
        tokio::time::advance(Duration::from_secs(5)).await;
        let mut second = timer.sleep(Duration::from_secs(10));
        tokio::time::advance(Duration::from_secs(6)).await;
        assert!(pending(&mut second), "ended at the first head's deadline");
        poll_fn(|cx| second.as_mut().poll(cx)).await;
        assert_eq!(started.elapsed(), Duration::from_secs(15));
    }

    #[tokio::test(start_paused = true)]
    async fn connections_do_not_share_a_timer() {
        let near = HeadTimer::default();
        let far = HeadTimer::default();
        let mut long = far.sleep(Duration::from_secs(60));
        assert!(pending(&mut long));
        let started = tokio::time::Instant::now();
        near.sleep(Duration::from_secs(1)).await;
        assert_eq!(started.elapsed(), Duration::from_secs(1));
        assert!(pending(&mut long));
    }
}
