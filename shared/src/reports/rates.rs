//! The seed article's headline rates (DOMAIN.md "Statistics the province publishes"), per agency
//! and for the whole scope: the share of the procedures offered online (partly or fully) that
//! received at least one online dossier in the period; the shares of the dossiers received that
//! were filed online at the partial and at the full level; the on-time rate of the dossiers
//! resolved; the share of the steps given to other agencies that went over the national document
//! axis. The share of dossiers handled through the one-stop software is not measurable from
//! inside it (every dossier it counts went through it): reported as such.

use serde::Serialize;
use utoipa::ToSchema;

use super::{Counts, Measure, Ratio};

/// What the catalogue says of one agency's procedures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offer {
    /// Procedures offered online, partly or fully (một phần, toàn trình).
    pub online_procedures: i64,
    /// Of those, how many received an online dossier in the period.
    pub online_procedures_used: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Rates {
    /// Procedures offered online that received at least one online dossier.
    pub online_procedures_used: Ratio,
    /// Dossiers received in the period that were filed online at the partial level.
    pub online_partial: Ratio,
    /// … at the full level (toàn trình).
    pub online_full: Ratio,
    /// Dossiers resolved early or on time, of those resolved.
    pub on_time: Ratio,
    /// Dossiers handled through the one-stop software: not measurable from inside it.
    pub through_the_system: Unmeasured,
    /// Workflow steps given to other agencies that went to the agency's own system as an
    /// edXML package over the national document axis, of all the steps given to other agencies
    /// (the rest went to the other agency's officers in this system).
    pub over_the_axis: Ratio,
}

/// A figure the system cannot compute, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Unmeasured {
    pub available: bool,
    pub reason: &'static str,
}

pub const THROUGH_THE_SYSTEM: Unmeasured = Unmeasured {
    available: false,
    reason: "Mọi hồ sơ hệ thống đếm được đều đã qua phần mềm một cửa; tỷ lệ cần số hồ sơ giải quyết ngoài hệ thống, do cơ quan tự báo cáo. / Every dossier the system counts went through it: the rate needs the number handled outside it, which agencies report themselves.",
};

impl Rates {
    /// From the period's flows and the catalogue's offer.
    pub fn of(flows: &Counts, offer: &Offer) -> Self {
        let f = |m| flows.get(m);
        let received = f(Measure::ReceivedOnline) + f(Measure::ReceivedDirect) + f(Measure::ReceivedPostal);
        let resolved = f(Measure::ResolvedEarly) + f(Measure::ResolvedOnTime) + f(Measure::ResolvedLate);
        Self {
            online_procedures_used: Ratio::of(offer.online_procedures_used, offer.online_procedures),
            online_partial: Ratio::of(f(Measure::ReceivedOnlinePartial), received),
            online_full: Ratio::of(f(Measure::ReceivedOnlineFull), received),
            on_time: Ratio::of(f(Measure::ResolvedEarly) + f(Measure::ResolvedOnTime), resolved),
            through_the_system: THROUGH_THE_SYSTEM,
            over_the_axis: Ratio::of(f(Measure::HandOversAxis), f(Measure::HandOvers)),
        }
    }
}
