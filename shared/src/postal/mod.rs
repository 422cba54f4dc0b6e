//! Public postal service (dịch vụ bưu chính công ích, Decision 45/2016/QĐ-TTg): the address an
//! applicant has results sent to, the shipments handed to the postal operator (a result for the
//! applicant, or a paper dossier collected for the desk), and the operator's status updates as
//! they move a shipment on. A result's delivery the operator confirms finishes the return; a
//! result sent back is at the desk again.

mod address;
pub mod messages;
mod shipment;
#[cfg(test)]
mod tests;

pub use address::{InvalidAddress, PostalAddress};
pub use shipment::{OrderPlaced, Party, PostalOrder, PostalUpdate, Shipment, ShipmentPurpose, ShipmentState};
