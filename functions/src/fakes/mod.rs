//! Fakes of the external systems, for tests and demonstrations (`motcua fakes`): servers on
//! loopback that speak the real protocols (`../shared/INTEGRATIONS.md`) and can fail, time out,
//! lose their answers and go down on request. They keep their books in memory.

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
