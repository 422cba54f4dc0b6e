//! The postal operator over HTTP (`../shared/INTEGRATIONS.md` §3): orders and cancellations are
//! JSON `POST`s carrying the operator's static `access_token` header; its status callbacks are
//! signed with a shared secret, which never leaves this adapter. The bodies are
//! [`motcua_domain::postal::messages`].

use std::time::Duration;

use async_trait::async_trait;
use motcua_domain::ports::{PostalError, PostalOperator};
use motcua_domain::postal::messages::{self, StatusCodes};
use motcua_domain::postal::{OrderPlaced, PostalOrder, PostalUpdate};
use serde_json::Value;

use crate::http_json::Failure;

/// Where the operator is and who the province is there.
#[derive(Clone)]
pub struct PostalConfig {
    /// The base address: orders go to `{url}/order`, cancellations to `{url}/cancel`.
    pub url: String,
    /// `CustomerCode`: the province's contract with the operator.
    pub customer: String,
    /// The `access_token` header the operator issued.
    pub token: String,
    /// The secret its status callbacks are signed with.
    pub secret: String,
    pub codes: StatusCodes,
    pub timeout: Duration,
}

impl std::fmt::Debug for PostalConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostalConfig").field("url", &self.url).field("customer", &self.customer).finish_non_exhaustive()
    }
}

pub struct PostalHttp {
    config: PostalConfig,
    agent: ureq::Agent,
}

impl PostalHttp {
    pub fn new(config: PostalConfig) -> Self {
        Self { agent: crate::http_json::agent(config.timeout), config }
    }

    async fn call(&self, path: &str, body: Value) -> Result<Value, PostalError> {
        let url = format!("{}/{path}", self.config.url.trim_end_matches('/'));
        let headers = vec![("access_token", self.config.token.clone())];
        let text = crate::http_json::post(&self.agent, url, headers, body).await.map_err(|f| match f {
            Failure::Refused(m) => PostalError::Refused(m),
            Failure::Unavailable(m) => PostalError::Unavailable(m),
        })?;
        serde_json::from_str(&text).map_err(|_| {
            PostalError::Unavailable(format!(
                "an answer that is not JSON: {}",
                text.chars().take(200).collect::<String>()
            ))
        })
    }
}

#[async_trait]
impl PostalOperator for PostalHttp {
    async fn order(&self, order: &PostalOrder) -> Result<OrderPlaced, PostalError> {
        let answer = self.call("order", messages::order(order, &self.config.customer)).await?;
        messages::placed(&answer).map_err(PostalError::Refused)
    }

    async fn cancel(&self, reference: &str) -> Result<(), PostalError> {
        let answer = self.call("cancel", messages::cancel(reference, &self.config.customer)).await?;
        messages::cancelled(&answer).map_err(PostalError::Refused)
    }

    fn judge(&self, body: &[u8], signature: Option<&str>) -> Result<PostalUpdate, String> {
        messages::judge(body, signature, &self.config.secret, &self.config.codes)
    }
}
