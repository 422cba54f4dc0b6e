//! AWS SDK configuration: from the usual environment in production, or pointed at a local
//! endpoint (`moto_server` on loopback in the tests, or any DynamoDB-compatible server).

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::{Credentials, SharedCredentialsProvider};

/// The environment variable the test script sets to `moto_server`'s address.
#[cfg(any(test, feature = "test-support"))]
pub const MOTO_ENDPOINT: &str = "MOTO_ENDPOINT";

/// Region, credentials and endpoint from the standard variables and files (`AWS_REGION`,
/// `AWS_ENDPOINT_URL`, the Lambda role's credentials...).
pub async fn config_from_env() -> SdkConfig {
    aws_config::load_defaults(BehaviorVersion::latest()).await
}

/// A configuration for a local endpoint, with fixed test credentials.
pub fn local_config(endpoint: &str) -> SdkConfig {
    SdkConfig::builder()
        .endpoint_url(endpoint)
        .region(Region::new("ap-southeast-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new("test", "test", None, None, "local")))
        .behavior_version(BehaviorVersion::latest())
        .build()
}

/// The address of the `moto_server` that `scripts/test` started. Tests that need AWS fail
/// with this message rather than skip when it is missing.
#[cfg(any(test, feature = "test-support"))]
pub fn moto_endpoint() -> String {
    std::env::var(MOTO_ENDPOINT).unwrap_or_else(|_| {
        panic!("{MOTO_ENDPOINT} is not set: run ./scripts/test, which starts moto_server on loopback and sets it")
    })
}

/// A table name no other test uses.
#[cfg(any(test, feature = "test-support"))]
pub fn unique_table(prefix: &str) -> String {
    format!("{prefix}-{}-{}", std::process::id(), rand::random::<u64>())
}
