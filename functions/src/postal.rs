//! Turning results by post through the operator on: its settings from the environment (off
//! unless an address is given), and its adapter (`docs/postal.md`).

use std::sync::Arc;

use motcua_domain::ports::PostalOperator;
use motcua_domain::postal::messages::StatusCodes;
use motcua_infra::postal_http::{PostalConfig, PostalHttp};

use crate::external::{http_url, read, timeout};

/// The operator's settings: `url` (`--post-url`, `MOTCUA_POST_URL`: orders go to `{url}/order`,
/// cancellations to `{url}/cancel`) and from the environment `MOTCUA_POST_CUSTOMER` (the
/// province's customer code, required), `MOTCUA_POST_TOKEN` (the `access_token` header,
/// required), `MOTCUA_POST_SECRET` (the key its status callbacks are signed with, 16+
/// characters, required), `MOTCUA_POST_STATUS_CODES` (`code=state,…`, default
/// `1=picked_up,2=in_transit,3=delivery_failed,4=delivered,5=returned_to_sender`) and
/// `MOTCUA_POST_TIMEOUT_MS` (default 8000).
pub fn config_from_env(url: &str) -> Result<PostalConfig, String> {
    config_from_env_with(url, required("MOTCUA_POST_TOKEN")?, required("MOTCUA_POST_SECRET")?)
}

fn required(name: &str) -> Result<String, String> {
    read(name).ok_or_else(|| format!("{name} is required with the postal operator's address"))
}

/// [`config_from_env`] with the token and the callback secret given (on AWS they come from
/// Secrets Manager).
pub fn config_from_env_with(url: &str, token: String, secret: String) -> Result<PostalConfig, String> {
    let (token, secret) = (token.trim().to_owned(), secret.trim().to_owned());
    if token.is_empty() {
        return Err("the postal operator's token is empty".into());
    }
    if secret.len() < 16 {
        return Err("the postal operator's callback secret is shorter than 16 characters".into());
    }
    let codes = match read("MOTCUA_POST_STATUS_CODES") {
        Some(text) => StatusCodes::parse(&text).map_err(|e| format!("MOTCUA_POST_STATUS_CODES: {e}"))?,
        None => StatusCodes::default(),
    };
    Ok(PostalConfig {
        url: http_url("the postal operator", url)?,
        customer: required("MOTCUA_POST_CUSTOMER")?,
        token,
        secret,
        codes,
        timeout: timeout("MOTCUA_POST_TIMEOUT_MS", 8000)?,
    })
}

/// The HTTP adapter for `config`.
pub fn adapter(config: PostalConfig) -> Arc<dyn PostalOperator> {
    Arc::new(PostalHttp::new(config))
}
