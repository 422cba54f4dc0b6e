//! Results by post, GIVEN a procedure that returns by post WHEN the applicant registers an
//! address, the desk posts the result and the operator reports THEN the shipment moves with each
//! update once, a delivery finishes the return, a return to the sender brings the result back to
//! the desk, and nobody hands the result out twice.

use super::*;
use crate::postal::{OrderPlaced, PostalAddress, PostalUpdate, ShipmentPurpose, ShipmentState};

fn address() -> PostalAddress {
    PostalAddress {
        recipient: " Nguyễn Văn An ".into(),
        phone: PhoneNumber::parse("0912345678").unwrap(),
        street: "12 Trần Phú".into(),
        commune: "Phường Nha Trang".into(),
        province: "Khánh Hòa".into(),
    }
}

/// Approved and resolved, the applicant having asked for the result by post.
fn resolved(w: &World) -> Dossier {
    let d = w.submit(vn(2026, 3, 2, 7, 0));
    let desk = Actor::Officer(&w.desk);
    let at = vn(2026, 3, 2, 9, 0);
    let mut d = w.act(&d, desk, Command::Receive { note: None, reductions: vec![] }, at).unwrap().dossier;
    let ask = Command::RequestPostalReturn { address: address() };
    d = w.act(&d, Actor::Applicant, ask, at).unwrap().dossier;
    let assign = Command::Assign { assignee: w.specialist.clone(), note: None };
    d = w.act(&d, Actor::Officer(&w.leader), assign, at).unwrap().dossier;
    let forward = Command::Forward { assignee: Some(w.leader.clone()), note: None };
    d = w.act(&d, Actor::Officer(&w.specialist), forward, vn(2026, 3, 3, 9, 0)).unwrap().dossier;
    let approve = Command::Approve { note: None, results: vec![] };
    w.act(&d, Actor::Officer(&w.leader), approve, vn(2026, 3, 3, 10, 0)).unwrap().dossier
}

fn post(reference: &str, waybill: &str) -> Command {
    Command::PostResult {
        reference: reference.into(),
        placed: OrderPlaced { waybill: waybill.into(), fee_vnd: 32_000 },
    }
}

fn update(reference: &str, state: ShipmentState, at: DateTime<Utc>) -> Command {
    Command::PostalUpdate {
        update: PostalUpdate { reference: reference.into(), waybill: "EB1VN".into(), state, at, note: None },
    }
}

#[test]
fn the_applicant_registers_an_address_where_the_procedure_returns_by_post() {
    let mut w = World::new(SupplementRule::Recompute);
    let d = resolved(&w);
    assert_eq!(d.result_by, Some(ReturnMethod::Postal));
    assert_eq!(d.delivery_address.as_ref().unwrap().recipient, "Nguyễn Văn An", "trimmed");
    let mut blank = address();
    blank.commune = "  ".into();
    let ask = Command::RequestPostalReturn { address: blank };
    assert_eq!(
        w.act(&d, Actor::Applicant, ask, vn(2026, 3, 3, 11, 0)).unwrap_err(),
        LifecycleError::InvalidAddress(crate::postal::InvalidAddress::Missing("commune"))
    );
    w.procedure.postal_return = false;
    let d = w.submit(vn(2026, 3, 2, 7, 0));
    let ask = Command::RequestPostalReturn { address: address() };
    // The terms copied at filing say whether the procedure returns by post.
    let mut d2 = d.clone();
    d2.terms.postal_return = false;
    assert_eq!(
        w.act(&d2, Actor::Applicant, ask, vn(2026, 3, 2, 8, 0)).unwrap_err(),
        LifecycleError::PostalReturnNotOffered
    );
    let by_desk = Command::RequestPostalReturn { address: address() };
    assert!(w.act(&d, Actor::Officer(&w.desk), by_desk, vn(2026, 3, 2, 8, 0)).is_err(), "the applicant's act");
}

#[test]
fn a_posted_result_is_returned_only_when_the_operator_delivers_it() {
    let w = World::new(SupplementRule::Recompute);
    let d = resolved(&w);
    let desk = Actor::Officer(&w.desk);
    let r = d.code.to_string() + "-BC01";
    let t = w.act(&d, desk, post(&r, "EB1VN"), vn(2026, 3, 3, 14, 0)).unwrap();
    assert_eq!((t.dossier.status, t.notice), (Status::Resolved, None), "ordered: still at the desk");
    assert_eq!(t.event.note.as_deref(), Some("Mã vận đơn EB1VN"));
    let s = &t.dossier.shipments[0];
    assert_eq!((s.state, s.fee_vnd, s.address.street.as_str()), (ShipmentState::Ordered, 32_000, "12 Trần Phú"));
    let d = t.dossier;
    // Nobody gives the result out while it is with the post.
    let counter = Command::Return { method: ReturnMethod::Counter, waybill: None };
    assert_eq!(
        w.act(&d, desk, counter, vn(2026, 3, 3, 15, 0)).unwrap_err(),
        LifecycleError::ShipmentInProgress("EB1VN".into())
    );
    assert!(matches!(
        w.act(&d, desk, post(&(d.code.to_string() + "-BC02"), "EB2VN"), vn(2026, 3, 3, 15, 0)),
        Err(LifecycleError::ShipmentInProgress(_))
    ));
    // Only the operator reports.
    assert_eq!(
        w.act(&d, desk, update(&r, ShipmentState::Delivered, vn(2026, 3, 4, 9, 0)), vn(2026, 3, 4, 9, 0)).unwrap_err(),
        LifecycleError::PlatformOnly
    );
    let op = Actor::PostalOperator;
    let t = w.act(&d, op, update(&r, ShipmentState::PickedUp, vn(2026, 3, 3, 16, 0)), vn(2026, 3, 3, 16, 1)).unwrap();
    assert_eq!((t.dossier.status, t.notice), (Status::Resolved, Some(NoticeKind::Shipment)));
    assert_eq!(t.event.actor, EventActor::PostalOperator);
    let d = t.dossier;
    // A repeat, or the older news arriving late, is not taken.
    assert_eq!(
        w.act(&d, op, update(&r, ShipmentState::PickedUp, vn(2026, 3, 3, 16, 0)), vn(2026, 3, 3, 17, 0)).unwrap_err(),
        LifecycleError::UnknownShipment
    );
    let t = w.act(&d, op, update(&r, ShipmentState::InTransit, vn(2026, 3, 4, 7, 0)), vn(2026, 3, 4, 7, 0)).unwrap();
    assert_eq!(t.notice, None, "being carried is news for the history only");
    let d = t.dossier;
    let delivered_at = vn(2026, 3, 4, 10, 30);
    let t = w.act(&d, op, update(&r, ShipmentState::Delivered, delivered_at), vn(2026, 3, 4, 10, 31)).unwrap();
    assert_eq!((t.dossier.status, t.notice), (Status::Returned, Some(NoticeKind::Returned)));
    assert_eq!(t.dossier.returned_at, Some(delivered_at));
    assert_eq!(t.dossier.result.as_ref().unwrap().waybill.as_deref(), Some("EB1VN"));
    assert_eq!(t.dossier.status.dvcqg_code(), 10);
    let late = update(&r, ShipmentState::InTransit, vn(2026, 3, 4, 9, 0));
    assert!(w.act(&t.dossier, op, late, vn(2026, 3, 4, 11, 0)).is_err(), "nothing after the delivery");
}

#[test]
fn a_result_sent_back_is_at_the_desk_again() {
    let w = World::new(SupplementRule::Recompute);
    let d = resolved(&w);
    let desk = Actor::Officer(&w.desk);
    let r = d.code.to_string() + "-BC01";
    let d = w.act(&d, desk, post(&r, "EB1VN"), vn(2026, 3, 3, 14, 0)).unwrap().dossier;
    let op = Actor::PostalOperator;
    let failed = update(&r, ShipmentState::DeliveryFailed, vn(2026, 3, 4, 9, 0));
    let t = w.act(&d, op, failed, vn(2026, 3, 4, 9, 0)).unwrap();
    assert_eq!(t.notice, Some(NoticeKind::Shipment));
    let back = update(&r, ShipmentState::ReturnedToSender, vn(2026, 3, 6, 9, 0));
    let t = w.act(&t.dossier, op, back, vn(2026, 3, 6, 9, 0)).unwrap();
    assert_eq!((t.dossier.status, t.notice), (Status::Resolved, Some(NoticeKind::Shipment)));
    assert!(!t.dossier.shipments[0].is_live());
    // The desk may hand it out at the counter now, or post it again.
    let counter = Command::Return { method: ReturnMethod::Counter, waybill: None };
    assert_eq!(w.act(&t.dossier, desk, counter, vn(2026, 3, 6, 10, 0)).unwrap().dossier.status, Status::Returned);
    let again = post(&(d.code.to_string() + "-BC02"), "EB2VN");
    assert_eq!(w.act(&t.dossier, desk, again, vn(2026, 3, 6, 10, 0)).unwrap().dossier.shipments.len(), 2);
}

#[test]
fn posting_needs_an_address_and_a_procedure_that_returns_by_post() {
    let w = World::new(SupplementRule::Recompute);
    let mut d = resolved(&w);
    d.delivery_address = None;
    let r = d.code.to_string() + "-BC01";
    let desk = Actor::Officer(&w.desk);
    assert_eq!(
        w.act(&d, desk, post(&r, "EB1VN"), vn(2026, 3, 3, 14, 0)).unwrap_err(),
        LifecycleError::DeliveryAddressRequired
    );
    d.delivery_address = Some(address());
    d.terms.postal_return = false;
    assert_eq!(
        w.act(&d, desk, post(&r, "EB1VN"), vn(2026, 3, 3, 14, 0)).unwrap_err(),
        LifecycleError::PostalReturnNotOffered
    );
}

#[test]
fn an_address_given_at_filing_asks_for_the_result_by_post() {
    let w = World::new(SupplementRule::Recompute);
    let code = DossierCode::new(agency(), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(), 1).unwrap();
    let mut new = filing(Channel::Online);
    new.delivery_address = Some(address());
    let d = open(code.clone(), new, Actor::Applicant, &w.ctx(vn(2026, 3, 2, 8, 0))).unwrap().dossier;
    assert_eq!(d.result_by, Some(ReturnMethod::Postal));
    let mut new = filing(Channel::Online);
    new.delivery_address = Some(address());
    new.result_by = Some(ReturnMethod::Counter);
    assert_eq!(
        open(code, new, Actor::Applicant, &w.ctx(vn(2026, 3, 2, 8, 0))).unwrap_err(),
        LifecycleError::AddressWithoutPostalReturn
    );
}

#[test]
fn a_paper_dossier_is_collected_by_post_for_the_desk_where_the_procedure_takes_dossiers_by_post() {
    let mut w = World::new(SupplementRule::Recompute);
    let d = w.submit(vn(2026, 3, 2, 7, 0));
    let reference = d.code.to_string() + "-BC01";
    let collect = |r: &str| Command::RequestPostalCollection {
        reference: r.into(),
        placed: OrderPlaced { waybill: "EC1VN".into(), fee_vnd: 28_000 },
        address: address(),
    };
    // The sample procedure takes dossiers online and at the desk only.
    assert_eq!(
        w.act(&d, Actor::Applicant, collect(&reference), vn(2026, 3, 2, 8, 0)).unwrap_err(),
        LifecycleError::ChannelNotOffered
    );
    w.procedure.channels.push(Channel::Postal);
    assert!(w.act(&d, Actor::Officer(&w.desk), collect(&reference), vn(2026, 3, 2, 8, 0)).is_err(), "the applicant's");
    let t = w.act(&d, Actor::Applicant, collect(&reference), vn(2026, 3, 2, 8, 0)).unwrap();
    let s = &t.dossier.shipments[0];
    assert_eq!(
        (s.purpose, s.state, t.dossier.status),
        (ShipmentPurpose::Dossier, ShipmentState::Ordered, Status::Submitted)
    );
    assert_eq!(t.dossier.result_by, None, "collecting the dossier says nothing of the result");
    let d = t.dossier;
    assert!(matches!(
        w.act(&d, Actor::Applicant, collect(&(d.code.to_string() + "-BC02")), vn(2026, 3, 2, 9, 0)),
        Err(LifecycleError::ShipmentInProgress(_))
    ));
    let op = Actor::PostalOperator;
    let t = w
        .act(&d, op, update(&reference, ShipmentState::PickedUp, vn(2026, 3, 2, 10, 0)), vn(2026, 3, 2, 10, 0))
        .unwrap();
    assert_eq!((t.dossier.status, t.notice), (Status::Submitted, Some(NoticeKind::Shipment)));
    // The desk receives the paper when the postman hands it over; the operator reports later.
    let desk = Actor::Officer(&w.desk);
    let received =
        w.act(&t.dossier, desk, Command::Receive { note: None, reductions: vec![] }, vn(2026, 3, 3, 8, 0)).unwrap();
    let at = vn(2026, 3, 3, 8, 5);
    let t = w.act(&received.dossier, op, update(&reference, ShipmentState::Delivered, at), at).unwrap();
    assert_eq!(
        (t.dossier.status, t.notice),
        (Status::Received, Some(NoticeKind::Shipment)),
        "a dossier's delivery returns nothing"
    );
    assert_eq!(t.dossier.returned_at, None);
    assert!(!t.dossier.shipments[0].is_live());
}
