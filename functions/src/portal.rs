//! Turning the national-portal sync on: its settings from the environment (off unless an
//! address is given), and its adapter (`docs/integrations.md`).

use std::sync::Arc;

use motcua_domain::ports::NationalPortal;
use motcua_infra::portal_http::{DvcqgPortal, PortalConfig};

use crate::external::{http_url, read, timeout};

/// The portal's settings: `url` (`--dvcqg-url`, `MOTCUA_DVCQG_URL`) and from the environment
/// `MOTCUA_DVCQG_USERNAME`, `MOTCUA_DVCQG_PASSWORD` (both required), `MOTCUA_DVCQG_UNIT`
/// (`madonvi`, required), `MOTCUA_DVCQG_DSTCODE`, `MOTCUA_DVCQG_AUTH_PATH` (default `/auth`),
/// `MOTCUA_DVCQG_INTEGRATION_PATH` (default `/integration`), `MOTCUA_DVCQG_TIMEOUT_MS`
/// (default 6000). `password` overrides the variable (on AWS it comes from Secrets Manager).
pub fn config_from_env(url: &str, password: Option<String>) -> Result<PortalConfig, String> {
    let required =
        |name: &str| read(name).ok_or_else(|| format!("{name} is required with the national portal's address"));
    let url = http_url("the national portal", url)?;
    let timeout = timeout("MOTCUA_DVCQG_TIMEOUT_MS", 6000)?;
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
        timeout,
    })
}

/// The HTTP adapter for `config`.
pub fn adapter(config: PortalConfig) -> Arc<dyn NationalPortal> {
    Arc::new(DvcqgPortal::new(config))
}
