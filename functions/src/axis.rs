//! Turning the document axis on (`docs/integrations.md`): its settings from the environment (off
//! unless an address is given), its adapter, the sender of hand-overs, and the loop that reads
//! what the axis holds for this system every minute.

use std::sync::Arc;
use std::time::Duration;

use motcua_domain::ports::DocumentAxis;
use motcua_infra::axis_http::{AxisConfig, AxisHttp};
use tokio::sync::watch;

use crate::external::{http_url, read, timeout};
use crate::state::AppState;

/// The axis's settings: `url` (`--axis-url`, `MOTCUA_AXIS_URL`: the calls are relative to it)
/// and from the environment `MOTCUA_AXIS_SYSTEM_ID` (this system's code on the axis, required),
/// `MOTCUA_AXIS_SECRET` (the key the calls are signed with, 16+ characters, required) and
/// `MOTCUA_AXIS_TIMEOUT_MS` (default 15000: packages carry files).
pub fn config_from_env(url: &str) -> Result<AxisConfig, String> {
    let secret = read("MOTCUA_AXIS_SECRET").ok_or("MOTCUA_AXIS_SECRET is required with the axis's address")?;
    config_from_env_with(url, secret)
}

/// [`config_from_env`] with the secret given (on AWS it comes from Secrets Manager).
pub fn config_from_env_with(url: &str, secret: String) -> Result<AxisConfig, String> {
    let secret = secret.trim().to_owned();
    if secret.len() < 16 {
        return Err("the document axis's secret is shorter than 16 characters".into());
    }
    let system_id = read("MOTCUA_AXIS_SYSTEM_ID").ok_or("MOTCUA_AXIS_SYSTEM_ID is required with the axis's address")?;
    Ok(AxisConfig {
        url: http_url("the document axis", url)?,
        system_id,
        secret,
        timeout: timeout("MOTCUA_AXIS_TIMEOUT_MS", 15_000)?,
    })
}

/// The HTTP adapter for `config`.
pub fn adapter(config: AxisConfig) -> Arc<dyn DocumentAxis> {
    Arc::new(AxisHttp::new(config))
}

/// The outbox's sender of hand-overs over `state`'s axis.
pub fn sender(state: &AppState, axis: Arc<dyn DocumentAxis>) -> motcua_infra::axis_sender::AxisSender {
    motcua_infra::axis_sender::AxisSender {
        axis,
        dossiers: state.dossiers.clone(),
        catalogue: state.catalogue.clone(),
        files: state.files.clone(),
        journal: state.axis_journal.clone(),
        clock: state.clock.clone(),
        place: state.forms.place.clone().unwrap_or_default(),
    }
}

/// Reads the axis every `interval` until `stop` turns true.
pub async fn run(state: AppState, interval: Duration, mut stop: watch::Receiver<bool>) {
    loop {
        match crate::service::axis::receive(&state).await {
            Ok(round) if round != Default::default() => tracing::info!(?round, "document axis read"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "document axis: this round failed; next round in a minute"),
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stop.changed() => return,
        }
    }
}
