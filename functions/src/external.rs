//! Settings shared by the adapters of external systems (the national portal, the payment
//! platform): a variable read trimmed, an address that must be http(s), a timeout in range.

use std::time::Duration;

/// `name`'s value, trimmed; `None` when unset or blank.
pub fn read(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// `url` without a trailing `/`, refused unless it is an http(s) address (`what` names it).
pub fn http_url(what: &str, url: &str) -> Result<String, String> {
    let url = url.trim().trim_end_matches('/').to_owned();
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.chars().any(char::is_whitespace) {
        return Err(format!("{what}'s address `{url}` is not an http(s) address"));
    }
    Ok(url)
}

/// The timeout in `name` (milliseconds, 100 to 60000), `default_ms` when unset.
pub fn timeout(name: &str, default_ms: u64) -> Result<Duration, String> {
    let ms = match read(name) {
        None => default_ms,
        Some(t) => t
            .parse::<u64>()
            .ok()
            .filter(|ms| (100..=60_000).contains(ms))
            .ok_or_else(|| format!("{name}: `{t}` is not a number of milliseconds from 100 to 60000"))?,
    };
    Ok(Duration::from_millis(ms))
}

/// A secret from AWS Secrets Manager (`what` names it in the error), read once at init.
pub async fn aws_secret(sdk: &aws_config::SdkConfig, what: &str, secret: &str) -> Result<String, String> {
    let answer =
        aws_sdk_secretsmanager::Client::new(sdk).get_secret_value().secret_id(secret).send().await.map_err(|e| {
            format!("{what} (secret {secret}): {}", aws_sdk_secretsmanager::error::DisplayErrorContext(e))
        })?;
    answer.secret_string().map(str::to_owned).ok_or_else(|| format!("{what}: the secret {secret} holds no text"))
}
