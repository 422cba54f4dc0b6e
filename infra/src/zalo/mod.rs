//! Notices by Zalo (`docs/notifications.md`, `../shared/INTEGRATIONS.md` §4): a ZNS template
//! message to the phone number's Zalo account through the province's official account. Each
//! notice kind has its registered template; its fields are `ma_ho_so` (the dossier code),
//! `trang_thai` (the status) and `noi_dung` (the notice, with diacritics, cut to the template's
//! length). The access token is refreshed before it expires and kept with its rotated refresh
//! token ([`token`]); a token Zalo rejects is refreshed once and the message sent again.
//!
//! What an answer means for the outbox: `error` 0 → handed over (Zalo's `msg_id`); no Zalo
//! account (-118), an invalid phone (-101), a template Zalo refuses (-106, -107, -108, -112,
//! -113), the day's quota spent (-110), or no template for the kind → permanent: the notice
//! goes by SMS instead, once; any other error, a 4xx or 5xx, no connection, a refresh that
//! fails → temporary, retried; no answer within the timeout → unknown, not sent again.

mod config;
pub mod token;

pub use config::ZaloConfig;

use async_trait::async_trait;
use chrono::Utc;
use motcua_domain::notify::{MessageChannel, OutgoingMessage};
use motcua_domain::ports::{Enclosure, Notifier, NotifyError};
use serde_json::{json, Value};
use token::Tokens;

use crate::provider_http::{self, head, within};

/// Zalo's answers meaning this message can never go this way.
const PERMANENT: &[i64] = &[-118, -101, -106, -107, -108, -110, -112, -113];
/// Zalo's answers meaning the access token is invalid or expired.
const TOKEN_REJECTED: &[i64] = &[-124, -220];

pub struct ZaloSender {
    config: ZaloConfig,
    agent: ureq::Agent,
    tokens: tokio::sync::Mutex<Option<Tokens>>,
}

/// What ZNS answered a send.
enum Answer {
    Sent(String),
    TokenRejected,
    Refused(i64, String),
}

impl ZaloSender {
    /// Reads the token file (a damaged one stops the start, naming it).
    pub fn new(config: ZaloConfig) -> Result<Self, String> {
        let tokens = token::load(&config.token_file)?;
        let agent = crate::provider_http::agent(config.timeout);
        Ok(Self { config, agent, tokens: tokio::sync::Mutex::new(tokens) })
    }

    /// A usable access token: the kept one while fresh, unless it is `rejected`; otherwise a
    /// refreshed one, kept before it is used.
    async fn access_token(&self, rejected: Option<&str>) -> Result<String, NotifyError> {
        let mut kept = self.tokens.lock().await;
        if let Some(t) = kept.as_ref() {
            if t.fresh(Utc::now()) && Some(t.access_token.as_str()) != rejected {
                return Ok(t.access_token.clone());
            }
        }
        let refresh_token = kept
            .as_ref()
            .map(|t| t.refresh_token.clone())
            .or_else(|| self.config.refresh_token.clone())
            .ok_or_else(|| NotifyError::Temporary("no Zalo refresh token".into()))?;
        let fresh = self.refresh(refresh_token).await?;
        if let Err(e) = token::store(&self.config.token_file, &fresh) {
            // Zalo took the old refresh token: the new one lives in memory until it can be kept.
            tracing::error!(error = %e, "cannot keep the rotated Zalo tokens; a restart would need a new refresh token");
        } else {
            tracing::info!(expires_at = %fresh.expires_at, "Zalo access token refreshed");
        }
        let access = fresh.access_token.clone();
        *kept = Some(fresh);
        Ok(access)
    }

    async fn refresh(&self, refresh_token: String) -> Result<Tokens, NotifyError> {
        let (agent, c) = (self.agent.clone(), self.config.clone());
        let answer = tokio::task::spawn_blocking(move || {
            let sent = agent.post(&c.oauth_url).set("secret_key", &c.secret_key).send_form(&[
                ("refresh_token", refresh_token.as_str()),
                ("app_id", c.app_id.as_str()),
                ("grant_type", "refresh_token"),
            ]);
            match sent {
                Ok(r) => r.into_json::<Value>().map_err(|e| format!("Zalo's token answer: {e}")),
                Err(ureq::Error::Status(code, r)) => Err(format!(
                    "refreshing the Zalo token: HTTP {code}: {}",
                    head(&r.into_string().unwrap_or_default())
                )),
                Err(ureq::Error::Transport(t)) => Err(format!("refreshing the Zalo token: {t}")),
            }
        })
        .await
        .map_err(|e| NotifyError::Temporary(e.to_string()))?
        .map_err(NotifyError::Temporary)?;
        Tokens::from_answer(&answer, Utc::now()).map_err(NotifyError::Temporary)
    }

    /// The ZNS request for `m`.
    fn request(&self, m: &OutgoingMessage) -> Result<Value, NotifyError> {
        let kind = serde_json::to_value(m.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        let template = self
            .config
            .templates
            .get(&kind)
            .ok_or_else(|| NotifyError::Permanent(format!("no ZNS template is registered for `{kind}` notices")))?;
        let national = m
            .recipient
            .trim()
            .strip_prefix("+84")
            .ok_or_else(|| NotifyError::Permanent("Zalo reaches Vietnamese numbers (+84) only".into()))?;
        let text = within(&m.text, self.config.max_text, "…");
        Ok(json!({
            "phone": format!("84{national}"),
            "template_id": template,
            "template_data": {
                "ma_ho_so": m.dossier_code,
                "trang_thai": m.status.map(|s| s.name_vi()).unwrap_or_default(),
                "noi_dung": text,
            },
            "tracking_id": m.id,
        }))
    }

    async fn send(&self, access_token: String, body: &Value) -> Result<Answer, NotifyError> {
        let request = self
            .agent
            .post(&self.config.api_url)
            .set("access_token", &access_token)
            .set("Content-Type", "application/json");
        let answer = provider_http::send(request, body.to_string()).await?;
        let doc: Value = serde_json::from_str(&answer)
            .map_err(|_| NotifyError::Temporary(format!("Zalo's answer is not JSON: {}", head(&answer))))?;
        let error = doc["error"].as_i64().ok_or_else(|| NotifyError::Temporary(format!("Zalo: {}", head(&answer))))?;
        Ok(match error {
            0 => Answer::Sent(match &doc["data"]["msg_id"] {
                Value::String(id) if !id.is_empty() => id.clone(),
                Value::Number(id) => id.to_string(),
                _ => return Err(NotifyError::Unknown(format!("Zalo sent it without a msg_id: {}", head(&answer)))),
            }),
            code if TOKEN_REJECTED.contains(&code) => Answer::TokenRejected,
            code => Answer::Refused(code, doc["message"].as_str().unwrap_or_default().to_owned()),
        })
    }
}

#[async_trait]
impl Notifier for ZaloSender {
    async fn deliver(&self, m: &OutgoingMessage, _: &[Enclosure]) -> Result<String, NotifyError> {
        if m.channel != MessageChannel::Zalo {
            return Err(NotifyError::Permanent("the Zalo sender carries Zalo messages only".into()));
        }
        let body = self.request(m)?;
        let token = self.access_token(None).await?;
        let answer = match self.send(token.clone(), &body).await? {
            Answer::TokenRejected => {
                let again = self.access_token(Some(&token)).await?;
                self.send(again, &body).await?
            }
            answer => answer,
        };
        match answer {
            Answer::Sent(id) => Ok(id),
            Answer::TokenRejected => Err(NotifyError::Temporary("Zalo rejects a freshly refreshed token".into())),
            Answer::Refused(code, said) if PERMANENT.contains(&code) => {
                Err(NotifyError::Permanent(format!("Zalo error {code}: {said}")))
            }
            Answer::Refused(code, said) => Err(NotifyError::Temporary(format!("Zalo error {code}: {said}"))),
        }
    }
}
