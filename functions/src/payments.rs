//! Turning online payment on: the payment platform's settings from the environment (off unless
//! an address is given), and its adapter (`docs/integrations.md`).

use std::sync::Arc;

use motcua_domain::ports::PaymentPlatform;
use motcua_infra::payment_http::{PaymentConfig, PaymentGateway};

use crate::external::{http_url, read, timeout};

/// The platform's settings: `url` (`--payment-url`, `MOTCUA_PAYMENT_URL`: where `INIT` and
/// `QUERY` are posted) and from the environment `MOTCUA_PAYMENT_PARTNER` (`MaDoiTac`, required),
/// `MOTCUA_PAYMENT_SECRET` (the signing key, required), `MOTCUA_PAYMENT_TOKEN` (a bearer token,
/// when the platform asks for one), `MOTCUA_PAYMENT_TIMEOUT_MS` (default 8000). `secret`
/// overrides the variable (on AWS it comes from Secrets Manager).
pub fn config_from_env(url: &str, secret: Option<String>) -> Result<PaymentConfig, String> {
    let required =
        |name: &str| read(name).ok_or_else(|| format!("{name} is required with the payment platform's address"));
    let secret = match secret {
        Some(s) => s,
        None => required("MOTCUA_PAYMENT_SECRET")?,
    };
    if secret.trim().len() < 8 {
        return Err("the payment platform's secret is shorter than 8 characters".into());
    }
    Ok(PaymentConfig {
        url: http_url("the payment platform", url)?,
        partner: required("MOTCUA_PAYMENT_PARTNER")?,
        secret: secret.trim().to_owned(),
        token: read("MOTCUA_PAYMENT_TOKEN"),
        timeout: timeout("MOTCUA_PAYMENT_TIMEOUT_MS", 8000)?,
    })
}

/// The HTTP adapter for `config`.
pub fn adapter(config: PaymentConfig) -> Arc<dyn PaymentPlatform> {
    Arc::new(PaymentGateway::new(config))
}
