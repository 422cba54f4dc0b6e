//! One notifier per channel: SMS through one provider, email through another (on one machine,
//! SMS to the local sink or SNS and email through the province's SMTP server), Zalo through the
//! official account where one is configured. Each message goes to its channel's notifier;
//! receipts and idempotence are asked of that one. Without a Zalo sender a Zalo message is
//! refused for good, so it goes by SMS.

use std::sync::Arc;

use async_trait::async_trait;
use motcua_domain::notify::{MessageChannel, OutgoingMessage};
use motcua_domain::ports::{Enclosure, Notifier, NotifyError};

pub struct ByChannel {
    pub sms: Arc<dyn Notifier>,
    pub email: Arc<dyn Notifier>,
    pub zalo: Option<Arc<dyn Notifier>>,
}

impl ByChannel {
    fn of(&self, channel: MessageChannel) -> Option<&dyn Notifier> {
        match channel {
            MessageChannel::Sms => Some(self.sms.as_ref()),
            MessageChannel::Email => Some(self.email.as_ref()),
            MessageChannel::Zalo => self.zalo.as_deref(),
        }
    }
}

#[async_trait]
impl Notifier for ByChannel {
    async fn deliver(&self, m: &OutgoingMessage, enclosures: &[Enclosure]) -> Result<String, NotifyError> {
        match self.of(m.channel) {
            Some(notifier) => notifier.deliver(m, enclosures).await,
            None => Err(NotifyError::Permanent("no Zalo official account is configured here".into())),
        }
    }

    fn awaits_delivery_reports(&self, channel: MessageChannel) -> bool {
        self.of(channel).is_some_and(|n| n.awaits_delivery_reports(channel))
    }

    fn idempotent(&self) -> bool {
        self.sms.idempotent() && self.email.idempotent() && self.zalo.as_ref().is_none_or(|z| z.idempotent())
    }
}
