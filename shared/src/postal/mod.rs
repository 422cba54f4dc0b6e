//! Public postal service (dịch vụ bưu chính công ích, Decision 45/2016/QĐ-TTg): the address an
//! applicant has results sent to, the shipments the desk hands to the postal operator, and the
//! operator's status updates as they move a shipment on. A delivery the operator confirms
//! finishes the return; a shipment sent back brings the result back to the desk.

mod address;
pub mod messages;
mod shipment;
#[cfg(test)]
mod tests;

pub use address::{InvalidAddress, PostalAddress};
pub use shipment::{OrderPlaced, PostalOrder, PostalUpdate, Shipment, ShipmentState};
