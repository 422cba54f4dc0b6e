//! Paying the fees (nộp phí, lệ phí). A procedure may take its fees before the dossier is
//! processed (`Procedure::fees_first`, frozen into the terms): its reception then waits in
//! `awaiting_payment` (national status 6, yêu cầu thực hiện nghĩa vụ tài chính) with the clock
//! stopped, and the statutory clock starts when the fees are paid in full (the time a citizen takes
//! to pay is not the agency's). The desk records a payment made in person; the payment platform's
//! confirmations come with the online payment.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How the fees were paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentChannel {
    /// In person at the one-stop desk, against a receipt.
    Counter,
    /// Online, through the payment platform.
    Online,
}

/// A payment of a dossier's fees, as its history and the dossier keep it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Payment {
    pub amount_vnd: u64,
    pub paid_at: DateTime<Utc>,
    pub channel: PaymentChannel,
    /// The desk's receipt number, or the platform's transaction id.
    pub reference: String,
}
