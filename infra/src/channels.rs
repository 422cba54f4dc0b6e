//! One notifier per channel: SMS through one provider, email through another (on one machine,
//! SMS to the local sink or SNS and email through the province's SMTP server), Zalo through the
//! official account where one is configured, hand-overs to other agencies through the document
//! axis where it is. Each message goes to its channel's notifier;
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
    /// Hand-overs to other agencies over the document axis, where one is configured.
    pub axis: Option<Arc<dyn Notifier>>,
}

impl ByChannel {
    fn of(&self, channel: MessageChannel) -> Option<&dyn Notifier> {
        match channel {
            MessageChannel::Sms => Some(self.sms.as_ref()),
            MessageChannel::Email => Some(self.email.as_ref()),
            MessageChannel::Zalo => self.zalo.as_deref(),
            MessageChannel::Axis => self.axis.as_deref(),
        }
    }
}

#[async_trait]
impl Notifier for ByChannel {
    async fn deliver(&self, m: &OutgoingMessage, enclosures: &[Enclosure]) -> Result<String, NotifyError> {
        match self.of(m.channel) {
            Some(notifier) => notifier.deliver(m, enclosures).await,
            None => Err(NotifyError::Permanent(format!("no {} sender is configured here", m.channel.as_str()))),
        }
    }

    fn awaits_delivery_reports(&self, channel: MessageChannel) -> bool {
        self.of(channel).is_some_and(|n| n.awaits_delivery_reports(channel))
    }

    fn idempotent(&self) -> bool {
        self.sms.idempotent()
            && self.email.idempotent()
            && self.zalo.as_ref().is_none_or(|z| z.idempotent())
            && self.axis.as_ref().is_none_or(|a| a.idempotent())
    }
}
