//! The channels an applicant chose for their notices (`docs/notifications.md`, *Channel
//! choice*): chosen at filing, changed later with the lookup secret, stored on the dossier.
//! None chosen: the default rule (SMS when a phone was given, the email kept as its fallback;
//! email alone without a phone). One chosen: that channel, the other contact as its fallback.
//! More: one message on each, no fallback (the applicant asked for each), except that a Zalo
//! message falls back to an SMS unless an SMS was chosen too (a number may have no Zalo account).

use serde::{Deserialize, Serialize};

use super::MessageChannel;
use crate::lifecycle::Applicant;

/// Why a choice of channels cannot be kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidChoice {
    #[error("chưa có {0} để nhận thông báo qua kênh này / no {0} was given for this channel")]
    NoContact(&'static str),
    #[error("`{0}` không phải kênh nhận thông báo / `{0}` is not a channel notices go by")]
    NotANoticeChannel(&'static str),
}

/// The channels chosen, each once, in a fixed order; empty: the default rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct ChosenChannels(Vec<MessageChannel>);

impl ChosenChannels {
    /// `channels` as a choice for `applicant`: each must have its contact.
    pub fn of(mut channels: Vec<MessageChannel>, applicant: &Applicant) -> Result<Self, InvalidChoice> {
        channels.sort_by_key(|c| c.as_str());
        channels.dedup();
        for channel in &channels {
            if !MessageChannel::NOTICES.contains(channel) {
                return Err(InvalidChoice::NotANoticeChannel(channel.as_str()));
            }
            if channel.to_phone() && applicant.phone.is_none() {
                return Err(InvalidChoice::NoContact("số điện thoại / phone"));
            }
            if *channel == MessageChannel::Email && applicant.email.is_none() {
                return Err(InvalidChoice::NoContact("email"));
            }
        }
        Ok(Self(channels))
    }

    pub fn is_default(&self) -> bool {
        self.0.is_empty()
    }

    pub fn channels(&self) -> &[MessageChannel] {
        &self.0
    }

    /// The channels a notice goes out on, each with the channel kept as its fallback, for an
    /// applicant with a phone (`phone`) and/or an email (`email`).
    pub fn plan(&self, phone: bool, email: bool) -> Vec<(MessageChannel, Option<MessageChannel>)> {
        use MessageChannel::{Email, Sms, Zalo};
        let given = |c: MessageChannel| if c.to_phone() { phone } else { email };
        match self.0.as_slice() {
            [] if phone => vec![(Sms, email.then_some(Email))],
            [] if email => vec![(Email, None)],
            [] => vec![],
            chosen => chosen
                .iter()
                .filter(|c| given(**c))
                .map(|&c| {
                    let fallback = match c {
                        Zalo if !chosen.contains(&Sms) => Some(Sms),
                        Sms if chosen.len() == 1 && email => Some(Email),
                        Email if chosen.len() == 1 && phone => Some(Sms),
                        _ => None,
                    };
                    (c, fallback)
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MessageChannel::{Email, Sms, Zalo};

    #[test]
    fn each_choice_plans_its_messages_and_fallbacks() {
        let chosen = |c: &[MessageChannel]| ChosenChannels(c.to_vec());
        assert_eq!(chosen(&[]).plan(true, true), [(Sms, Some(Email))], "the default rule");
        assert_eq!(chosen(&[]).plan(false, true), [(Email, None)]);
        assert_eq!(chosen(&[]).plan(false, false), []);
        assert_eq!(chosen(&[Email]).plan(true, true), [(Email, Some(Sms))], "email first, SMS if it fails");
        assert_eq!(chosen(&[Sms]).plan(true, false), [(Sms, None)]);
        assert_eq!(chosen(&[Email, Sms]).plan(true, true), [(Email, None), (Sms, None)], "both: both");
        assert_eq!(chosen(&[Zalo]).plan(true, true), [(Zalo, Some(Sms))], "no Zalo account: an SMS");
        assert_eq!(chosen(&[Email, Zalo]).plan(true, true), [(Email, None), (Zalo, Some(Sms))]);
        assert_eq!(chosen(&[Sms, Zalo]).plan(true, false), [(Sms, None), (Zalo, None)], "the SMS goes anyway");
        let mut a = crate::fixtures::citizen("An", None, None);
        assert_eq!(ChosenChannels::of(vec![Email], &a), Err(InvalidChoice::NoContact("email")));
        a.phone = Some(crate::contact::PhoneNumber::parse("0912345678").unwrap());
        assert_eq!(ChosenChannels::of(vec![Sms, Sms], &a).unwrap(), chosen(&[Sms]), "each once");
    }
}
