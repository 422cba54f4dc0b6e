//! Turning the national-portal sync on: its settings from the environment (off unless an
//! address is given), and its adapter (`docs/integrations.md`).

use std::sync::Arc;
use std::time::Duration;

use motcua_domain::ports::NationalPortal;
use motcua_infra::portal_http::{DvcqgPortal, PortalConfig};

/// The portal's settings: `url` (`--dvcqg-url`, `MOTCUA_DVCQG_URL`) and from the environment
/// `MOTCUA_DVCQG_USERNAME`, `MOTCUA_DVCQG_PASSWORD` (both required), `MOTCUA_DVCQG_UNIT`
/// (`madonvi`, required), `MOTCUA_DVCQG_DSTCODE`, `MOTCUA_DVCQG_AUTH_PATH` (default `/auth`),
/// `MOTCUA_DVCQG_INTEGRATION_PATH` (default `/integration`), `MOTCUA_DVCQG_TIMEOUT_MS`
/// (default 6000). `password` overrides the variable (on AWS it comes from Secrets Manager).
pub fn config_from_env(url: &str, password: Option<String>) -> Result<PortalConfig, String> {
    let read = |name: &str| std::env::var(name).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let required =
        |name: &str| read(name).ok_or_else(|| format!("{name} is required with the national portal's address"));
    let url = url.trim().trim_end_matches('/').to_owned();
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.chars().any(char::is_whitespace) {
        return Err(format!("the national portal's address `{url}` is not an http(s) address"));
    }
    let timeout_ms = match read("MOTCUA_DVCQG_TIMEOUT_MS") {
        None => 6000,
        Some(t) => t.parse::<u64>().ok().filter(|ms| (100..=60_000).contains(ms)).ok_or_else(|| {
            format!("MOTCUA_DVCQG_TIMEOUT_MS: `{t}` is not a number of milliseconds from 100 to 60000")
        })?,
    };
    let password = match password {
        Some(p) => p,
        None => required("MOTCUA_DVCQG_PASSWORD")?,
    };
    Ok(PortalConfig {
        url,
        auth_path: read("MOTCUA_DVCQG_AUTH_PATH").unwrap_or_else(|| "/auth".into()),
        integration_path: read("MOTCUA_DVCQG_INTEGRATION_PATH").unwrap_or_else(|| "/integration".into()),
        username: required("MOTCUA_DVCQG_USERNAME")?,
        password,
        unit_code: required("MOTCUA_DVCQG_UNIT")?,
        dst_code: read("MOTCUA_DVCQG_DSTCODE").unwrap_or_default(),
        timeout: Duration::from_millis(timeout_ms),
    })
}

/// The HTTP adapter for `config`.
pub fn adapter(config: PortalConfig) -> Arc<dyn NationalPortal> {
    Arc::new(DvcqgPortal::new(config))
}
