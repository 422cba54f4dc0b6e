//! Results by post: the applicant registers the delivery address, the desk hands the result to
//! the postal operator, and the operator's updates move the shipment until the delivery
//! finishes the return (or a return to the sender brings the result back to the desk).

use super::super::{LifecycleError, ResultDelivery, ReturnMethod, Status};
use super::{text, Draft};
use crate::catalogue::Channel;
use crate::notify::NoticeKind;
use crate::postal::{OrderPlaced, PostalAddress, PostalUpdate, Shipment, ShipmentPurpose, ShipmentState};

/// The longest waybill code kept.
const MAX_WAYBILL: usize = 64;

/// Refuses while a shipment for `purpose` is with the operator: a result cannot be given out
/// twice, nor a dossier collected twice.
fn none_live_for(draft: &Draft<'_>, purpose: ShipmentPurpose) -> Result<(), LifecycleError> {
    match draft.d.shipments.iter().find(|s| s.is_live() && s.purpose == purpose) {
        Some(s) => Err(LifecycleError::ShipmentInProgress(s.waybill.clone())),
        None => Ok(()),
    }
}

/// Refuses while the result is with the operator.
pub(super) fn none_live(draft: &Draft<'_>) -> Result<(), LifecycleError> {
    none_live_for(draft, ShipmentPurpose::Result)
}

/// Records a shipment the operator took under `reference`, from the applicant's `address`
/// (a dossier collected) or to it (a result).
fn ship(
    draft: &mut Draft<'_>,
    purpose: ShipmentPurpose,
    reference: String,
    placed: OrderPlaced,
    address: PostalAddress,
) -> Result<(), LifecycleError> {
    let waybill = placed.waybill.trim().to_owned();
    if waybill.is_empty() || waybill.len() > MAX_WAYBILL {
        return Err(LifecycleError::TooLong("waybill"));
    }
    text::plain(&waybill, "waybill", false)?;
    let now = draft.now();
    draft.note = Some(format!("Mã vận đơn {waybill}"));
    draft.d.shipments.push(Shipment {
        reference,
        purpose,
        waybill,
        fee_vnd: placed.fee_vnd,
        address,
        state: ShipmentState::Ordered,
        ordered_at: now,
        updated_at: now,
    });
    Ok(())
}

/// The applicant has the paper dossier collected by post from `address`, for the desk (the
/// procedure takes dossiers by post); the operator took the order `reference`.
pub(super) fn collect(
    draft: &mut Draft<'_>,
    reference: String,
    placed: OrderPlaced,
    address: PostalAddress,
) -> Result<(), LifecycleError> {
    if !draft.ctx.procedure.channels.contains(&Channel::Postal) {
        return Err(LifecycleError::ChannelNotOffered);
    }
    none_live_for(draft, ShipmentPurpose::Dossier)?;
    ship(draft, ShipmentPurpose::Dossier, reference, placed, address.checked()?)
}

/// The applicant asks for the result by post, to `address`.
pub(super) fn request(draft: &mut Draft<'_>, address: PostalAddress) -> Result<(), LifecycleError> {
    if !draft.d.terms.postal_return {
        return Err(LifecycleError::PostalReturnNotOffered);
    }
    none_live(draft)?;
    draft.d.delivery_address = Some(address.checked()?);
    draft.d.result_by = Some(ReturnMethod::Postal);
    Ok(())
}

/// The operator took the order `reference` for the result: the shipment is recorded with its
/// waybill and postage; the result stays at `resolved` until the delivery is confirmed.
pub(super) fn post(draft: &mut Draft<'_>, reference: String, placed: OrderPlaced) -> Result<(), LifecycleError> {
    if !draft.d.terms.postal_return {
        return Err(LifecycleError::PostalReturnNotOffered);
    }
    none_live(draft)?;
    let address = draft.d.delivery_address.clone().ok_or(LifecycleError::DeliveryAddressRequired)?;
    ship(draft, ShipmentPurpose::Result, reference, placed, address)
}

/// The operator's update about a live shipment. A delivery returns the result; a return to the
/// sender leaves it resolved, back at the desk (the table's notice is none: the update's state
/// decides it). Only the operator's news is taken: a repeat is
/// the caller's to recognise ([`Shipment::takes`]) before deciding.
pub(super) fn update(draft: &mut Draft<'_>, update: PostalUpdate) -> Result<(), LifecycleError> {
    let now = draft.now();
    let shipment = draft.d.shipments.iter_mut().find(|s| s.takes(&update)).ok_or(LifecycleError::UnknownShipment)?;
    shipment.state = update.state;
    let purpose = shipment.purpose;
    // The operator's clock may run ahead of ours: the history never records the future.
    shipment.updated_at = update.at;
    let at = update.at.min(now);
    let waybill = shipment.waybill.clone();
    let said = update.note.as_deref().map(|n| n.chars().take(200).collect::<String>());
    let said = said.filter(|n| {
        crate::text::is_plain(n, false)
            && !n.trim().is_empty()
            && !n.trim().eq_ignore_ascii_case(update.state.name_vi())
    });
    draft.note = Some(match said {
        Some(n) => format!("Mã vận đơn {waybill}: {}. {n}", update.state.name_vi()),
        None => format!("Mã vận đơn {waybill}: {}.", update.state.name_vi()),
    });
    match update.state {
        // The paper dossier reached the desk: the desk receives it as any other.
        ShipmentState::Delivered if purpose == ShipmentPurpose::Dossier => draft.notice = Some(NoticeKind::Shipment),
        ShipmentState::Delivered => {
            draft.d.status = Status::Returned;
            draft.d.result = Some(ResultDelivery { method: ReturnMethod::Postal, waybill: Some(waybill) });
            draft.d.returned_at = Some(at);
            draft.notice = Some(NoticeKind::Returned);
        }
        // Collected, a failed attempt, sent back: the applicant hears of each. Being carried is
        // news for the history only (an SMS a day on the road would cost more than it tells).
        ShipmentState::PickedUp | ShipmentState::DeliveryFailed | ShipmentState::ReturnedToSender => {
            draft.notice = Some(NoticeKind::Shipment)
        }
        ShipmentState::InTransit | ShipmentState::Ordered => {}
    }
    Ok(())
}
