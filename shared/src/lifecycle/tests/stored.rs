//! The applicant's document store, GIVEN a dossier's life WHEN the desk files scans or hands a
//! result over THEN those files, and only those, become the owner's stored documents.

use super::*;
use crate::documents::{kept, Origin, Owner, Particulars, ResultDocument, Reused};
use crate::fixtures::file;

fn scan(component: &str, bytes: &[u8], particulars: Option<Particulars>) -> SubmittedDocument {
    SubmittedDocument {
        component: component.into(),
        file_name: "scan.pdf".into(),
        reference: None,
        file: Some(file(bytes)),
        particulars,
        reused: None,
    }
}

fn birth_certificate() -> Particulars {
    Particulars {
        number: Some("123/2020".into()),
        notation: None,
        issuer: Some("UBND phường Lộc Thọ".into()),
        issued_on: NaiveDate::from_ymd_opt(2020, 5, 4),
        valid_until: None,
    }
}

#[test]
fn the_desks_scans_are_kept_for_the_owner_with_what_the_desk_read_off_them() {
    let w = World::new(SupplementRule::Recompute);
    let code = DossierCode::new(agency(), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(), 1).unwrap();
    let mut new = filing(Channel::Direct);
    new.documents = vec![scan("Tờ khai", b"to khai", Some(birth_certificate()))];
    let reused = crate::documents::StoredDocument {
        id: file(b"earlier").id,
        owner: Owner::of(&new.applicant).unwrap(),
        name: "Giấy khai sinh".into(),
        particulars: birth_certificate(),
        provenance: crate::documents::Provenance {
            origin: Origin::IssuedResult,
            dossier: code.clone(),
            procedure_code: "1.001193".into(),
            recorded_by: None,
            recorded_at: vn(2026, 1, 5, 9, 0),
        },
        file: file(b"earlier"),
    };
    let mut again = scan("Tờ khai", b"earlier", None);
    again.reused = Some(Reused::of(&reused));
    new.documents.push(again);
    let t = open(code, new, Actor::Officer(&w.desk), &w.ctx(vn(2026, 3, 2, 9, 0))).unwrap();
    let records = kept(&t.dossier, &t.event);
    assert_eq!(records.len(), 1, "the reused document is not kept twice: {records:?}");
    let r = &records[0];
    assert_eq!(r.owner, Owner::Citizen(CitizenId::parse("079203001234").unwrap()));
    assert_eq!(r.owner.key(), "citizen:079203001234");
    assert_eq!(
        (r.name.as_str(), &r.particulars, r.provenance.origin),
        ("Tờ khai", &birth_certificate(), Origin::Digitised)
    );
    assert_eq!(r.provenance.recorded_by, Some(w.desk.id.clone()));
    assert_eq!(r.id, file(b"to khai").id);
}

#[test]
fn results_are_kept_when_handed_over_and_nothing_else_is() {
    let w = World::new(SupplementRule::Recompute);
    let d = w.submit(vn(2026, 3, 2, 8, 0));
    let online =
        w.act(&d, Actor::Officer(&w.desk), Command::Receive { note: None, reductions: vec![] }, vn(2026, 3, 2, 9, 0));
    let received = online.unwrap();
    assert!(
        kept(&received.dossier, &received.event).is_empty(),
        "the applicant's own uploads are not digitised papers"
    );
    let mut d = received.dossier;
    let assign = Command::Assign { assignee: w.specialist.clone(), note: None };
    d = w.act(&d, Actor::Officer(&w.leader), assign, vn(2026, 3, 2, 9, 10)).unwrap().dossier;
    let forward = Command::Forward { assignee: Some(w.leader.clone()), note: None };
    d = w.act(&d, Actor::Officer(&w.specialist), forward, vn(2026, 3, 2, 9, 20)).unwrap().dossier;
    let result = ResultDocument {
        name: "Phiếu lý lịch tư pháp số 1".into(),
        number: "7/2026".into(),
        notation: Some("STP".into()),
        issued_on: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        signer: "Nguyễn Văn Ký".into(),
        valid_until: NaiveDate::from_ymd_opt(2026, 9, 2),
        issuer: "Sở Tư pháp".into(),
        file: Some(file(b"ket qua")),
    };
    let approve = Command::Approve { note: None, results: vec![result] };
    let approved = w.act(&d, Actor::Officer(&w.leader), approve, vn(2026, 3, 2, 10, 0)).unwrap();
    assert!(kept(&approved.dossier, &approved.event).is_empty(), "kept once handed over, not before");
    let ret = Command::Return { method: ReturnMethod::Online, waybill: None };
    let returned = w.act(&approved.dossier, Actor::Officer(&w.desk), ret, vn(2026, 3, 2, 11, 0)).unwrap();
    let records = kept(&returned.dossier, &returned.event);
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!((r.provenance.origin, r.name.as_str()), (Origin::IssuedResult, "Phiếu lý lịch tư pháp số 1"));
    assert_eq!(r.particulars.number.as_deref(), Some("7/2026"));
    assert!(r.valid_on(NaiveDate::from_ymd_opt(2026, 9, 2).unwrap()));
    assert!(!r.valid_on(NaiveDate::from_ymd_opt(2026, 9, 3).unwrap()), "past its validity it stands for nothing");
}

#[test]
fn particulars_are_trimmed_and_checked() {
    let p = Particulars { number: Some("  12 ".into()), issuer: Some(" ".into()), ..Default::default() };
    assert_eq!(p.checked().unwrap(), Particulars { number: Some("12".into()), ..Default::default() });
    let backwards = Particulars {
        issued_on: NaiveDate::from_ymd_opt(2026, 3, 2),
        valid_until: NaiveDate::from_ymd_opt(2026, 3, 1),
        ..Default::default()
    };
    assert_eq!(backwards.checked(), Err(crate::documents::InvalidParticulars::ValidBeforeIssued));
    let long = Particulars { notation: Some("x".repeat(201)), ..Default::default() };
    assert!(long.checked().is_err());
}

#[test]
fn an_owner_is_spelled_in_storage_keys_by_a_digest_under_the_server_key() {
    use sha2::Digest;
    let owner = Owner::Citizen(crate::contact::CitizenId::parse("079203001234").unwrap());
    let (key, other_key) = (b"k".repeat(32), b"j".repeat(32));
    let digest = owner.digest(&key);
    assert_eq!(digest, owner.digest(&key), "the same owner, the same partition");
    assert_eq!(digest.len(), 64);
    assert_ne!(digest, owner.digest(&other_key), "another key, another spelling");
    let unkeyed = crate::mac::hex(&sha2::Sha256::digest(owner.key().as_bytes()));
    assert_ne!(digest, unkeyed, "not the hash anyone could recompute from an ID");
    let tax = Owner::Organisation(crate::contact::TaxCode::parse("0101234567").unwrap());
    assert_ne!(tax.digest(&key), digest);
}

#[test]
fn the_families_that_keep_documents_are_those_that_file_at_the_desk_or_hand_results_over() {
    use crate::lifecycle::Family;
    let keeping: Vec<&str> = Family::ALL.iter().filter(|f| f.keeps_documents()).map(|f| f.name()).collect();
    for action in Action::ALL {
        if crate::documents::keeps_documents(action) {
            assert!(keeping.contains(&action.surface().family.name()), "{action:?}");
        }
    }
    assert_eq!(keeping, ["submit", "receive", "approve"]);
}
