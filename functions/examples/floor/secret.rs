//! What every floor but `receipts`'s does at init, as the real functions do: reads a secret from
//! Secrets Manager (the server key, the edge's secret, the external systems' credentials are
//! read this way, never from the environment).

/// The secret named by `MOTCUA_SERVER_KEY_ARN`, when there is one.
pub async fn read(config: &aws_config::SdkConfig) -> Option<String> {
    let arn = std::env::var("MOTCUA_SERVER_KEY_ARN").ok()?;
    let client = aws_sdk_secretsmanager::Client::new(config);
    let answer = client.get_secret_value().secret_id(arn).send().await.ok()?;
    answer.secret_string().map(str::to_owned)
}
