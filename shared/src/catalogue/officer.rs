//! Officers (cán bộ, công chức) and their roles. Every action is attributed to one officer.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::codes::AgencyCode;
use crate::contact::{Email, PhoneNumber};

/// What an officer may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Cán bộ một cửa: receives dossiers, issues receipts, returns results.
    Reception,
    /// Chuyên viên: processes (thẩm định) dossiers.
    Specialist,
    /// Lãnh đạo: assigns work, approves or signs results.
    Leader,
    /// Quản trị: maintains the catalogue, agencies, holidays, officers.
    Admin,
    /// Kiểm soát thủ tục hành chính: the provincial office that inspects procedures; reads the
    /// whole province's reports, takes no step of any dossier.
    Inspector,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reception => "reception",
            Role::Specialist => "specialist",
            Role::Leader => "leader",
            Role::Admin => "admin",
            Role::Inspector => "inspector",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An officer id: lower-case letters, digits, `.`, `_` and `-`, 1 to 64 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OfficerId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mã cán bộ không hợp lệ / invalid officer id: use 1-64 lower-case letters, digits, '.', '_' or '-'")]
pub struct InvalidOfficerId;

impl OfficerId {
    pub fn parse(text: &str) -> Result<Self, InvalidOfficerId> {
        let ok = (1..=64).contains(&text.len())
            && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'));
        if ok {
            Ok(Self(text.to_owned()))
        } else {
            Err(InvalidOfficerId)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An officer as the administrator records them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Officer {
    #[schema(value_type = String, example = "tuphap.chuyenvien")]
    pub id: OfficerId,
    pub name: String,
    #[schema(value_type = String, example = "000.00.03.H56")]
    pub agency: AgencyCode,
    pub roles: Vec<Role>,
    #[schema(value_type = Option<String>)]
    pub phone: Option<PhoneNumber>,
    #[schema(value_type = Option<String>)]
    pub email: Option<Email>,
    /// How they hear of the dossiers given to them: `email` (the default), `zalo` or `off`.
    #[serde(default)]
    pub arrivals: crate::notify::arrivals::ArrivalNotices,
}

/// Why an officer cannot be registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cần tên và ít nhất một vai trò / name and at least one role are required")]
pub struct InvalidOfficer;

impl Officer {
    /// Whether the officer can be registered (their agency's existence is the catalogue's to check).
    pub fn check(&self) -> Result<(), InvalidOfficer> {
        if self.name.trim().is_empty() || self.roles.is_empty() {
            return Err(InvalidOfficer);
        }
        Ok(())
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
    pub fn reference(&self) -> OfficerRef {
        OfficerRef { id: self.id.clone(), name: self.name.clone(), agency: self.agency.clone() }
    }
}

/// Who did something, as recorded in history: id, display name, agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OfficerRef {
    #[schema(value_type = String)]
    pub id: OfficerId,
    pub name: String,
    #[schema(value_type = String)]
    pub agency: AgencyCode,
}

text_newtype!(OfficerId, InvalidOfficerId);
