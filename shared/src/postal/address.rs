//! Where a result is delivered: the recipient, their phone (the postman calls ahead) and an
//! address down to the commune (xã, phường) and province of the two-level local government.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::contact::PhoneNumber;

/// The longest part of an address kept, in characters.
const MAX_PART: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PostalAddress {
    /// Who receives it (họ tên người nhận).
    pub recipient: String,
    #[schema(value_type = String, example = "0912345678")]
    pub phone: PhoneNumber,
    /// House number, street, hamlet (số nhà, đường, thôn/tổ).
    pub street: String,
    /// The commune or ward (xã, phường, đặc khu).
    pub commune: String,
    /// The province or centrally-run city.
    pub province: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidAddress {
    #[error("địa chỉ nhận thiếu {0} / the delivery address lacks its {0}")]
    Missing(&'static str),
    #[error("{0} của địa chỉ nhận quá dài / the delivery address's {0} is too long")]
    TooLong(&'static str),
    #[error("{0} của địa chỉ nhận chứa ký tự không hợp lệ / the delivery address's {0} holds control characters")]
    InvalidCharacters(&'static str),
}

impl PostalAddress {
    /// The address with each part trimmed, or why it cannot be delivered to.
    pub fn checked(self) -> Result<Self, InvalidAddress> {
        let part = |text: String, what: &'static str| {
            let t = text.trim();
            if t.is_empty() {
                Err(InvalidAddress::Missing(what))
            } else if t.chars().count() > MAX_PART {
                Err(InvalidAddress::TooLong(what))
            } else if !crate::text::is_plain(t, false) {
                Err(InvalidAddress::InvalidCharacters(what))
            } else {
                Ok(t.to_owned())
            }
        };
        Ok(Self {
            recipient: part(self.recipient, "recipient")?,
            street: part(self.street, "street")?,
            commune: part(self.commune, "commune")?,
            province: part(self.province, "province")?,
            phone: self.phone,
        })
    }

    /// The address on one line, as a label prints it.
    pub fn line(&self) -> String {
        format!("{}, {}, {}", self.street, self.commune, self.province)
    }
}
