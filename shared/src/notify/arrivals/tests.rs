//! An arrival per officer given a dossier, in their window; one digest per window, the same
//! whichever arrival gathers it.

use chrono::{TimeZone, Utc};

use super::*;
use crate::catalogue::{OfficerId, Role};
use crate::codes::DossierCode;
use crate::contact::{Email, PhoneNumber};
use crate::lifecycle::{Action, EventActor, HistoryEvent};

fn officer(id: &str, arrivals: ArrivalNotices) -> Officer {
    Officer {
        id: OfficerId::parse(id).unwrap(),
        name: "Lê Văn Tâm".into(),
        agency: crate::codes::AgencyCode::parse("000.00.03.H56").unwrap(),
        roles: vec![Role::Specialist],
        phone: Some(PhoneNumber::parse("0912345678").unwrap()),
        email: Some(Email::parse("tam@tinh.gov.vn").unwrap()),
        arrivals,
    }
}

fn given(n: u32, by: &Officer, at: chrono::DateTime<Utc>) -> (Dossier, HistoryEvent) {
    let code = DossierCode::parse(&format!("000.00.03.H56-261202-{n:04}")).unwrap();
    let d = crate::fixtures::filed(code, crate::fixtures::citizen("An", None, None), vec![], at);
    let by = EventActor::Officer { officer: by.reference(), role: Role::Leader };
    let e = crate::fixtures::event(3, at, Action::Assign, by, d.status);
    (d, e)
}

#[test]
fn arrivals_of_a_window_gather_into_one_digest() {
    let lead = officer("tuphap.lanhdao", ArrivalNotices::Email);
    let tam = officer("tuphap.chuyenvien", ArrivalNotices::Email);
    let at = |m: u32, s: u32| Utc.with_ymd_and_hms(2026, 12, 2, 2, m, s).unwrap();
    let arrivals: Vec<OutgoingMessage> = [(1, at(0, 0)), (2, at(7, 30)), (3, at(14, 59))]
        .into_iter()
        .map(|(n, t)| {
            let (d, e) = given(n, &lead, t);
            arrival(&tam, &d, &e).unwrap()
        })
        .collect();
    assert!(arrivals.iter().all(|a| a.dossier_code == arrivals[0].dossier_code), "one window, one key");
    assert_eq!(arrivals[0].dossier_code, "ARRIVALS-tuphap.chuyenvien-20261202T0200Z");
    assert_eq!(arrivals[0].created_at, at(16, 0), "due when the window has ended and settled");
    assert!(arrivals[0].text.contains("phân công xử lý"), "{}", arrivals[0].text);
    let (d, e) = given(4, &lead, at(15, 0));
    assert_ne!(arrival(&tam, &d, &e).unwrap().dossier_code, arrivals[0].dossier_code, "the next window");

    let one = digest(&arrivals, at(16, 5)).unwrap();
    let mut reversed = arrivals.clone();
    reversed.reverse();
    assert_eq!(digest(&reversed, at(16, 5)), Some(one.clone()), "the same whoever gathers");
    assert_eq!(one.id, "ARRIVALS-tuphap.chuyenvien-20261202T0200Z:digest:email");
    assert_eq!(one.subject.as_deref(), Some("3 hồ sơ mới được giao"));
    assert!(one.text.contains("Từ 09:00 đến 09:15 ngày 02/12/2026"), "{}", one.text);
    assert_eq!(one.text.matches("000.00.03.H56-261202-").count(), 3);

    let (d, e) = given(5, &tam, at(1, 0));
    assert_eq!(arrival(&tam, &d, &e), None, "given to oneself: nothing to tell");
    let (d, e) = given(6, &lead, at(1, 0));
    assert_eq!(arrival(&officer("a", ArrivalNotices::Off), &d, &e), None);
    let zalo = arrival(&officer("b", ArrivalNotices::Zalo), &d, &e).unwrap();
    assert_eq!((zalo.channel, zalo.recipient.as_str()), (MessageChannel::Zalo, "+84912345678"));
    let mut no_email = officer("c", ArrivalNotices::Email);
    no_email.email = None;
    assert_eq!(arrival(&no_email, &d, &e), None, "no contact for their choice");
}
