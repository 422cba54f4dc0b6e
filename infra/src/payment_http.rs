//! The payment platform over HTTP (`../shared/INTEGRATIONS.md` §2a): `INIT` and `QUERY` are
//! JSON `POST`s to one address, told apart by `LoaiBanTin`, signed with the partner's secret
//! (and, where the platform asks for it, a static bearer token). The secret also judges the
//! platform's callbacks and signs our replies; it never leaves this adapter.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::payment::{self, Callback, Order, QueryStatus, Refusal, Transaction, Verdict};
use motcua_domain::ports::{PaymentError, PaymentPlatform};
use serde_json::Value;

use crate::http_json::Failure;

/// Where the platform is and who the province is there.
#[derive(Clone)]
pub struct PaymentConfig {
    /// The address `INIT` and `QUERY` are posted to.
    pub url: String,
    /// `MaDoiTac`: the province's partner code.
    pub partner: String,
    /// The secret key the messages are signed with.
    pub secret: String,
    /// `Authorization: Bearer …`, when the platform asks for it.
    pub token: Option<String>,
    pub timeout: Duration,
}

impl std::fmt::Debug for PaymentConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymentConfig").field("url", &self.url).field("partner", &self.partner).finish_non_exhaustive()
    }
}

pub struct PaymentGateway {
    config: PaymentConfig,
    agent: ureq::Agent,
}

impl PaymentGateway {
    pub fn new(config: PaymentConfig) -> Self {
        Self { agent: crate::http_json::agent(config.timeout), config }
    }

    async fn call(&self, message: Value) -> Result<Value, PaymentError> {
        let headers = self.config.token.iter().map(|t| ("Authorization", format!("Bearer {t}"))).collect();
        let text = crate::http_json::post(&self.agent, self.config.url.clone(), headers, message).await.map_err(
            |f| match f {
                Failure::Refused(m) => PaymentError::Refused(m),
                Failure::Unavailable(m) => PaymentError::Unavailable(m),
            },
        )?;
        serde_json::from_str(&text).map_err(|_| {
            PaymentError::Unavailable(format!(
                "an answer that is not JSON: {}",
                text.chars().take(200).collect::<String>()
            ))
        })
    }
}

#[async_trait]
impl PaymentPlatform for PaymentGateway {
    async fn open(&self, t: &Transaction, order: &Order) -> Result<String, PaymentError> {
        let message = payment::init(t, order, &self.config.partner, &self.config.secret, Utc::now());
        payment::pay_url(&self.call(message).await?).map_err(PaymentError::Refused)
    }

    async fn status(&self, reference: &str) -> Result<QueryStatus, PaymentError> {
        let message = payment::query(reference, &self.config.partner, &self.config.secret, Utc::now());
        let answer = self.call(message).await?;
        payment::query_status(&answer).ok_or_else(|| {
            let code = answer.get("MaLoi").map(Value::to_string).unwrap_or_default();
            PaymentError::Refused(format!("QUERY answered without a state (MaLoi {code})"))
        })
    }

    fn judge(&self, t: Option<&Transaction>, callback: &Callback) -> Result<Verdict, Refusal> {
        payment::judge(t, callback, &self.config.partner, &self.config.secret)
    }

    fn reply(&self, callback: &Callback, taken: bool, now: DateTime<Utc>) -> Value {
        payment::reply(callback, taken, &self.config.secret, now)
    }
}
