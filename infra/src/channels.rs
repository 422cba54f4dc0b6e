//! One notifier per channel: SMS through one provider, email through another (on one machine,
//! SMS to the local sink or SNS and email through the province's SMTP server). Each message goes
//! to its channel's notifier; receipts and idempotence are asked of that one.

use std::sync::Arc;

use async_trait::async_trait;
use motcua_domain::notify::{MessageChannel, OutgoingMessage};
use motcua_domain::ports::{Enclosure, Notifier, NotifyError};

pub struct ByChannel {
    pub sms: Arc<dyn Notifier>,
    pub email: Arc<dyn Notifier>,
}

impl ByChannel {
    fn of(&self, channel: MessageChannel) -> &dyn Notifier {
        match channel {
            MessageChannel::Sms => self.sms.as_ref(),
            MessageChannel::Email => self.email.as_ref(),
        }
    }
}

#[async_trait]
impl Notifier for ByChannel {
    async fn deliver(&self, m: &OutgoingMessage, enclosures: &[Enclosure]) -> Result<String, NotifyError> {
        self.of(m.channel).deliver(m, enclosures).await
    }

    fn awaits_delivery_reports(&self, channel: MessageChannel) -> bool {
        self.of(channel).awaits_delivery_reports(channel)
    }

    fn idempotent(&self) -> bool {
        self.sms.idempotent() && self.email.idempotent()
    }
}
