//! Fakes of the external systems, for tests and demonstrations (`motcua fakes`): servers on
//! loopback that speak the real protocols (`../shared/INTEGRATIONS.md`) and can fail, time out,
//! lose their answers and go down on request. They keep their books in memory.

pub mod axis;
pub mod payment;
pub mod portal;
pub mod postal;
pub mod sms;
pub mod zalo;

/// Counts a fault down: whether it applies to this call.
fn take(counter: &mut u32) -> bool {
    if *counter > 0 {
        *counter -= 1;
        true
    } else {
        false
    }
}

/// What happens to the callbacks of a fake's next event, from its fault counters (each taken
/// once): the real one lost, sent twice at once, replaced by a forgery, or followed by a stale
/// one.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallbackPlan {
    pub lose: bool,
    pub twice: bool,
    pub tamper: bool,
    pub stale: bool,
}

impl CallbackPlan {
    /// Takes one of each counter (lose, duplicate, tamper, stale).
    pub fn take(lose: &mut u32, duplicate: &mut u32, tamper: &mut u32, stale: &mut u32) -> Self {
        Self { lose: take(lose), twice: take(duplicate), tamper: take(tamper), stale: take(stale) }
    }

    /// The callbacks to send for `real`: the forgery instead of it, or nothing, or it (twice),
    /// then the stale one.
    pub fn callbacks<T: Clone>(
        self,
        real: T,
        forge: impl FnOnce(&T) -> T,
        stale: impl FnOnce() -> Option<T>,
    ) -> Vec<T> {
        if self.tamper {
            return vec![forge(&real)];
        }
        if self.lose {
            return vec![];
        }
        let mut out = vec![real.clone()];
        if self.twice {
            out.push(real);
        }
        if self.stale {
            out.extend(stale());
        }
        out
    }
}

/// Sends `callbacks` through `send`, one after the other, or all at once when `together` (a
/// duplicate racing the original at the province); their answers, in order.
pub async fn send_all<T, D, F, Fut>(callbacks: Vec<T>, together: bool, send: F) -> Vec<D>
where
    T: Send + 'static,
    D: Send + 'static,
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = D> + Send + 'static,
{
    let mut answers = Vec::with_capacity(callbacks.len());
    if together {
        let sends: Vec<_> = callbacks.into_iter().map(|c| tokio::spawn(send(c))).collect();
        for s in sends {
            answers.extend(s.await.ok());
        }
    } else {
        for c in callbacks {
            answers.push(send(c).await);
        }
    }
    answers
}

/// Serves `app` on `addr` (port 0 for any) in the background; the address it listens on.
pub async fn start(app: axum::Router, addr: std::net::SocketAddr) -> std::io::Result<std::net::SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "a fake server stopped");
        }
    });
    Ok(local)
}
