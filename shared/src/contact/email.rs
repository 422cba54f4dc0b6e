//! Email addresses, checked for the shape a mail server will accept (not a full RFC 5322 parser).

use serde::{Deserialize, Serialize};

/// An email address, trimmed, with a lower-cased domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

/// Why a text is not an email address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("địa chỉ email không hợp lệ / invalid email address")]
pub struct InvalidEmail;

impl Email {
    pub fn parse(text: &str) -> Result<Self, InvalidEmail> {
        let text = text.trim();
        let (local, domain) = text.rsplit_once('@').ok_or(InvalidEmail)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && domain.len() <= 253
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok {
            Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
        } else {
            Err(InvalidEmail)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `n***@example.vn`.
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.rsplit_once('@').unwrap_or(("", &self.0));
        let first: String = local.chars().take(1).collect();
        format!("{first}***@{domain}")
    }
}

text_newtype!(Email, InvalidEmail);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        assert_eq!(Email::parse(" nguyen.van.a@Example.GOV.vn ").unwrap().as_str(), "nguyen.van.a@example.gov.vn");
        assert_eq!(Email::parse("an@mail.vn").unwrap().masked(), "a***@mail.vn");
    }

    #[test]
    fn rejects_broken_addresses() {
        for bad in ["", "a", "a@", "@b.vn", "a@b", "a..b@c.vn", "a b@c.vn", "a@-b.vn", "ngọc@c.vn"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
