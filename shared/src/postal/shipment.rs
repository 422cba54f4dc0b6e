//! A shipment (bưu gửi) of a result: ordered from the postal operator with our reference, known
//! by the operator's waybill, moved on by its status updates until it is delivered or sent back.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::PostalAddress;
use crate::codes::DossierCode;

/// Where a shipment stands, as the operator reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShipmentState {
    /// Ordered: the operator will collect it at the desk.
    Ordered,
    /// Collected at the desk (đã nhận bưu gửi).
    PickedUp,
    /// On its way (đang vận chuyển).
    InTransit,
    /// A delivery attempt failed (phát không thành công); the operator tries again.
    DeliveryFailed,
    /// Handed to the recipient (phát thành công): the result is returned.
    Delivered,
    /// Sent back to the desk (chuyển hoàn): the result is at the desk again.
    ReturnedToSender,
}

impl ShipmentState {
    /// Every state, in order of a shipment's life.
    pub const ALL: [ShipmentState; 6] = [
        ShipmentState::Ordered,
        ShipmentState::PickedUp,
        ShipmentState::InTransit,
        ShipmentState::DeliveryFailed,
        ShipmentState::Delivered,
        ShipmentState::ReturnedToSender,
    ];

    /// Nothing follows a delivery or a return to the sender.
    pub fn is_final(self) -> bool {
        matches!(self, ShipmentState::Delivered | ShipmentState::ReturnedToSender)
    }

    /// How far along the shipment is: an update at the same time as the last one is news only
    /// further along.
    fn stage(self) -> u8 {
        match self {
            ShipmentState::Ordered => 0,
            ShipmentState::PickedUp => 1,
            ShipmentState::InTransit => 2,
            ShipmentState::DeliveryFailed => 3,
            ShipmentState::Delivered | ShipmentState::ReturnedToSender => 4,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ShipmentState::Ordered => "ordered",
            ShipmentState::PickedUp => "picked_up",
            ShipmentState::InTransit => "in_transit",
            ShipmentState::DeliveryFailed => "delivery_failed",
            ShipmentState::Delivered => "delivered",
            ShipmentState::ReturnedToSender => "returned_to_sender",
        }
    }

    /// As the history and the applicant's notices say it.
    pub fn name_vi(self) -> &'static str {
        match self {
            ShipmentState::Ordered => "đã đăng ký gửi qua bưu chính",
            ShipmentState::PickedUp => "bưu điện đã nhận bưu gửi",
            ShipmentState::InTransit => "đang vận chuyển",
            ShipmentState::DeliveryFailed => "phát không thành công, bưu điện sẽ phát lại",
            ShipmentState::Delivered => "đã phát thành công",
            ShipmentState::ReturnedToSender => "đã chuyển hoàn về Bộ phận Một cửa",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// What a shipment carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShipmentPurpose {
    /// The result, from the desk to the applicant.
    #[default]
    Result,
    /// The paper dossier, collected from the applicant for the desk.
    Dossier,
}

/// Something handed to the postal operator: a result for the applicant, or a paper dossier
/// for the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Shipment {
    /// Our order number at the operator (`<dossier code>-BC<n>`).
    pub reference: String,
    #[serde(default)]
    pub purpose: ShipmentPurpose,
    /// The operator's waybill code (mã vận đơn / số hiệu bưu gửi).
    pub waybill: String,
    /// The postage the operator charges, apart from the procedure's fees.
    pub fee_vnd: u64,
    /// The applicant's end: where a result goes, or where a dossier is collected.
    pub address: PostalAddress,
    pub state: ShipmentState,
    pub ordered_at: DateTime<Utc>,
    /// The operator's time of the last update taken (the order's time at first).
    pub updated_at: DateTime<Utc>,
}

impl Shipment {
    /// The order number of a dossier's `n`-th shipment (from 1).
    pub fn reference_for(code: &DossierCode, n: usize) -> String {
        format!("{code}-BC{n:02}")
    }

    /// The dossier a reference of ours names.
    pub fn dossier_of(reference: &str) -> Option<DossierCode> {
        let (code, n) = reference.rsplit_once("-BC")?;
        if n.len() < 2 || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        DossierCode::parse(code).ok()
    }

    pub fn is_live(&self) -> bool {
        !self.state.is_final()
    }

    /// Whether `update` is news for this shipment: about it, while it is live, the first the
    /// operator sends, or later than the last one taken (or as late and further along: the
    /// operator's times are whole seconds). A repeat, or a stale update arriving after a newer
    /// one, is not.
    pub fn takes(&self, update: &PostalUpdate) -> bool {
        update.reference == self.reference
            && self.is_live()
            && update.state != ShipmentState::Ordered
            && (self.state == ShipmentState::Ordered
                || update.at > self.updated_at
                || (update.at == self.updated_at && update.state.stage() > self.state.stage()))
    }
}

/// A status update from the operator, its proof already checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostalUpdate {
    pub reference: String,
    pub waybill: String,
    pub state: ShipmentState,
    /// When it happened, by the operator.
    pub at: DateTime<Utc>,
    /// The operator's own words (a failed delivery's reason).
    pub note: Option<String>,
}

/// One end of a carriage: who, where, and a phone the postman calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub name: String,
    pub address: String,
    pub phone: Option<String>,
}

impl Party {
    /// The applicant's end, at `a`.
    pub fn at(a: &PostalAddress) -> Self {
        Party { name: a.recipient.clone(), address: a.line(), phone: Some(a.phone.national()) }
    }
}

/// What the operator is asked to carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalOrder {
    pub reference: String,
    pub dossier: DossierCode,
    pub sender: Party,
    pub receiver: Party,
    /// What is inside: "Kết quả giải quyết TTHC: <procedure>", "Hồ sơ TTHC: <procedure>".
    pub description: String,
}

/// The operator's answer to an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderPlaced {
    pub waybill: String,
    pub fee_vnd: u64,
}
