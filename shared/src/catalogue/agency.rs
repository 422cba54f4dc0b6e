//! Agencies (cơ quan): province people's committee, departments, communes; a tree by code.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::calendar::WorkingHours;
use crate::codes::AgencyCode;

/// The administrative level of an agency after the 2025 reform (no more districts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgencyLevel {
    /// Cấp tỉnh: the people's committee and its departments.
    Province,
    /// Cấp xã: communes and wards.
    Commune,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Agency {
    #[schema(value_type = String, example = "000.00.12.H56")]
    pub code: AgencyCode,
    pub name: String,
    #[schema(value_type = Option<String>)]
    pub parent: Option<AgencyCode>,
    pub level: AgencyLevel,
    /// Where results are collected: the one-stop desk's address.
    pub address: String,
    #[serde(default)]
    pub working_hours: WorkingHours,
    /// Runs its own system and is reached through the national document axis under its code:
    /// a workflow step of this agency is handed to it as an edXML package, and its status
    /// packets move the step (docs/integrations.md).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub external: bool,
}

/// Why an agency cannot be published.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidAgency {
    #[error("thiếu tên cơ quan / the agency needs a name")]
    NameMissing,
    #[error("cơ quan không thể là cấp trên của chính nó / an agency cannot be its own parent")]
    OwnParent,
    #[error("{0}")]
    Hours(#[from] crate::calendar::InvalidWorkingHours),
}

impl Agency {
    /// Whether the agency can be published (its parent's existence is the catalogue's to check).
    pub fn check(&self) -> Result<(), InvalidAgency> {
        if self.name.trim().is_empty() {
            return Err(InvalidAgency::NameMissing);
        }
        self.working_hours.validate()?;
        if self.parent.as_ref() == Some(&self.code) {
            return Err(InvalidAgency::OwnParent);
        }
        Ok(())
    }
}
