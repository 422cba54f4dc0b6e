//! Shipments: references name their dossier, and an update is news only once.

use chrono::{TimeZone, Utc};

use super::*;
use crate::codes::DossierCode;
use crate::contact::PhoneNumber;

fn shipment() -> Shipment {
    let at = Utc.with_ymd_and_hms(2026, 3, 3, 7, 0, 0).unwrap();
    Shipment {
        reference: "000.00.03.H56-260302-0001-BC01".into(),
        purpose: ShipmentPurpose::Result,
        waybill: "EB1VN".into(),
        fee_vnd: 30_000,
        address: PostalAddress {
            recipient: "A".into(),
            phone: PhoneNumber::parse("0912345678").unwrap(),
            street: "1".into(),
            commune: "X".into(),
            province: "Y".into(),
        },
        state: ShipmentState::Ordered,
        ordered_at: at,
        updated_at: at,
    }
}

#[test]
fn a_reference_names_its_dossier() {
    let code = DossierCode::parse("000.00.03.H56-260302-0001").unwrap();
    assert_eq!(Shipment::reference_for(&code, 1), "000.00.03.H56-260302-0001-BC01");
    assert_eq!(Shipment::dossier_of("000.00.03.H56-260302-0001-BC01"), Some(code));
    for bad in
        ["000.00.03.H56-260302-0001", "x-BC01", "000.00.03.H56-260302-0001-BCx1", "000.00.03.H56-260302-0001-BC1"]
    {
        assert_eq!(Shipment::dossier_of(bad), None, "{bad}");
    }
}

#[test]
fn an_update_is_news_once_and_only_while_the_shipment_is_live() {
    let s = shipment();
    let update = |state, minutes| PostalUpdate {
        reference: s.reference.clone(),
        waybill: s.waybill.clone(),
        state,
        at: s.updated_at + chrono::Duration::minutes(minutes),
        note: None,
    };
    assert!(s.takes(&update(ShipmentState::PickedUp, 10)));
    assert!(s.takes(&update(ShipmentState::PickedUp, -1)), "the first news, in whole seconds, may predate our order");
    assert!(!s.takes(&update(ShipmentState::Ordered, 10)), "the order is ours, not news");
    let s = Shipment { state: ShipmentState::PickedUp, ..s.clone() };
    assert!(s.takes(&update(ShipmentState::InTransit, 0)), "as late, further along");
    assert!(!s.takes(&update(ShipmentState::PickedUp, 0)), "a repeat");
    assert!(!s.takes(&update(ShipmentState::InTransit, -1)), "older than what was taken");
    assert!(!s.takes(&PostalUpdate { reference: "other".into(), ..update(ShipmentState::PickedUp, 10) }));
    let delivered = Shipment { state: ShipmentState::Delivered, ..s.clone() };
    assert!(!delivered.takes(&update(ShipmentState::ReturnedToSender, 60)), "nothing after the end");
    for state in ShipmentState::ALL {
        assert_eq!(ShipmentState::parse(state.as_str()), Some(state));
    }
}

#[test]
fn an_address_is_trimmed_and_every_part_is_needed() {
    let a = PostalAddress { recipient: " A ".into(), ..shipment().address };
    assert_eq!(a.checked().unwrap().recipient, "A");
    let a = PostalAddress { province: "".into(), ..shipment().address };
    assert_eq!(a.checked().unwrap_err(), InvalidAddress::Missing("province"));
    let a = PostalAddress { street: "x".repeat(201), ..shipment().address };
    assert_eq!(a.checked().unwrap_err(), InvalidAddress::TooLong("street"));
    let a = PostalAddress { street: "a\u{202e}b".into(), ..shipment().address };
    assert_eq!(a.checked().unwrap_err(), InvalidAddress::InvalidCharacters("street"));
}

#[test]
fn a_callback_is_believed_only_under_the_secret_and_reads_back_as_written() {
    let codes = messages::StatusCodes::default();
    let at = Utc.with_ymd_and_hms(2026, 3, 4, 3, 30, 0).unwrap();
    let update = PostalUpdate {
        reference: shipment().reference,
        waybill: "EB1VN".into(),
        state: ShipmentState::Delivered,
        at,
        note: None,
    };
    let body = messages::callback(&update, &codes);
    let signature = messages::sign(&body, "bi-mat");
    let read = messages::judge(&body, Some(&signature), "bi-mat", &codes).unwrap();
    assert_eq!(
        (read.state, read.at, read.reference.as_str()),
        (ShipmentState::Delivered, at, update.reference.as_str())
    );
    assert!(messages::judge(&body, Some(&signature), "khac", &codes).is_err(), "another secret");
    assert!(messages::judge(&body, None, "bi-mat", &codes).is_err(), "unsigned");
    let mut forged = body.clone();
    forged[5] ^= 1;
    assert!(messages::judge(&forged, Some(&signature), "bi-mat", &codes).is_err(), "tampered");
    let other = messages::StatusCodes::parse("D=delivered,R=returned_to_sender").unwrap();
    assert!(messages::judge(&body, Some(&signature), "bi-mat", &other).is_err(), "a code not in the contract");
    assert!(messages::StatusCodes::parse("1=picked_up").is_err(), "no delivered code");
    assert!(messages::StatusCodes::parse("1=ordered,2=delivered").is_err(), "ordered is ours");
}

#[test]
fn the_operators_answer_gives_the_waybill_and_postage() {
    use serde_json::json;
    let p = messages::placed(&json!({"Status": "100", "ItemCode": "EB1VN", "TotalFee": 32000})).unwrap();
    assert_eq!((p.waybill.as_str(), p.fee_vnd), ("EB1VN", 32_000));
    let again = messages::placed(&json!({"Status": "101", "ItemCode": "EB1VN", "TotalFee": "32000"})).unwrap();
    assert_eq!(again, p, "the same reference ordered again");
    assert!(messages::placed(&json!({"Status": "102", "Message": "Sai mã khách hàng"})).is_err());
    assert!(messages::placed(&json!({"Status": "100"})).is_err(), "no waybill");
    assert!(messages::placed(&json!({"Status": "100", "ItemCode": "X", "TotalFee": -1})).is_err());
}
