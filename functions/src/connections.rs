//! The one-machine server's connections: bounded in number and in time, so slow or silent
//! clients cannot hold the server's file descriptors. A connection waits at most
//! `header_timeout` for each request's headers (the wait for the next request on a kept-alive
//! connection counts: it is also the idle timeout); a request, its body included, gets at most
//! `request_timeout` before it is answered `408`; at most `max_connections` are open at once
//! (the next waits in the listen backlog until one closes). On AWS, API Gateway and Lambda
//! bound all of this themselves.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

/// How long and how many; every value from the environment (see the README), with defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// `MOTCUA_HEADER_TIMEOUT`, seconds: the wait for a request's headers, and for the next
    /// request on an idle kept-alive connection.
    pub header_timeout: Duration,
    /// `MOTCUA_REQUEST_TIMEOUT`, seconds: reading the body and answering.
    pub request_timeout: Duration,
    /// `MOTCUA_MAX_CONNECTIONS`: connections open at once.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 1024,
        }
    }
}

impl ConnectionLimits {
    /// The defaults, with what the environment sets instead.
    pub fn from_env() -> Result<Self, String> {
        let mut limits = Self::default();
        let read = |name: &str| -> Result<Option<u64>, String> {
            match std::env::var(name).ok().filter(|v| !v.trim().is_empty()) {
                None => Ok(None),
                Some(v) => match v.trim().parse::<u64>() {
                    Ok(n) if n > 0 => Ok(Some(n)),
                    _ => Err(format!("{name} must be a whole number above zero, not `{v}`")),
                },
            }
        };
        if let Some(s) = read("MOTCUA_HEADER_TIMEOUT")? {
            limits.header_timeout = Duration::from_secs(s);
        }
        if let Some(s) = read("MOTCUA_REQUEST_TIMEOUT")? {
            limits.request_timeout = Duration::from_secs(s);
        }
        if let Some(n) = read("MOTCUA_MAX_CONNECTIONS")? {
            limits.max_connections = usize::try_from(n).unwrap_or(usize::MAX);
        }
        Ok(limits)
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes; connections open
/// then finish their request in hand.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let app = app.layer(tower_http::timeout::TimeoutLayer::with_status_code(
        axum::http::StatusCode::REQUEST_TIMEOUT,
        limits.request_timeout,
    ));
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    // HTTP/1.1 only: telling HTTP/2 apart would first wait for a preface with no timeout, and
    // portals reach the server over HTTP/1.1 (or through a proxy that speaks it).
    let mut builder = auto::Builder::new(TokioExecutor::new()).http1_only();
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout).keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors or a reset before accept: wait a moment, do not spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let activity = Arc::new(Activity::new());
        let service = TowerToHyperService::new(
            app.clone()
                .layer(axum::middleware::from_fn_with_state(activity.clone(), in_flight))
                .layer(axum::Extension(ConnectInfo::<SocketAddr>(peer))),
        );
        let io = TokioIo::new(Watched { stream, activity: activity.clone() });
        let connection = graceful.watch(builder.serve_connection_with_upgrades(io, service).into_owned());
        let idle_limit = limits.header_timeout;
        tokio::spawn(async move {
            tokio::pin!(connection);
            loop {
                tokio::select! {
                    ended = &mut connection => {
                        if let Err(e) = ended {
                            tracing::debug!(error = %e, "connection ended with an error");
                        }
                        break;
                    }
                    () = tokio::time::sleep(Duration::from_millis(250)) => {
                        // Silent since its last byte, with no request in hand: close it (hyper's
                        // own timer starts only once a request's first byte has arrived).
                        if activity.idle_for() > idle_limit {
                            break;
                        }
                    }
                }
            }
            drop(slot);
        });
    }
    graceful.shutdown().await;
    Ok(())
}

/// When a connection last moved a byte, and how many of its requests are being answered.
struct Activity {
    opened: Instant,
    last_millis: AtomicU64,
    in_flight: AtomicUsize,
}

impl Activity {
    fn new() -> Self {
        Self { opened: Instant::now(), last_millis: AtomicU64::new(0), in_flight: AtomicUsize::new(0) }
    }

    fn touch(&self) {
        let now = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_millis.store(now, Ordering::Relaxed);
    }

    /// How long the connection has been silent with nothing in hand (zero while a request is).
    fn idle_for(&self) -> Duration {
        if self.in_flight.load(Ordering::Relaxed) > 0 {
            return Duration::ZERO;
        }
        self.opened.elapsed().saturating_sub(Duration::from_millis(self.last_millis.load(Ordering::Relaxed)))
    }
}

/// Counts the connection's requests in hand.
async fn in_flight(
    axum::extract::State(activity): axum::extract::State<Arc<Activity>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    activity.in_flight.fetch_add(1, Ordering::Relaxed);
    let response = next.run(request).await;
    activity.in_flight.fetch_sub(1, Ordering::Relaxed);
    activity.touch();
    response
}

/// A client's stream that notes every byte it moves.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
