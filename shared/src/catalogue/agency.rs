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
}
