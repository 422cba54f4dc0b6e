//! Fees first, GIVEN a procedure that takes its 200,000 đồng before processing WHEN the desk
//! receives a dossier THEN it waits for the fees with its clock stopped, the applicant is told
//! what to pay, nothing moves it on but the fees paid in full, and the clock starts from the
//! payment while the reception keeps its date.

use super::*;

fn fees_first() -> World {
    let mut w = World::new(SupplementRule::Recompute);
    w.procedure.fees_first = true;
    w.procedure.fees = vec![Fee { name: "Lệ phí".into(), kind: FeeKind::Charge, amount_vnd: 200_000 }];
    w
}

fn received(w: &World) -> Transition {
    let d = w.submit(vn(2026, 3, 2, 8, 0));
    w.act(&d, Actor::Officer(&w.desk), Command::Receive { note: None, reductions: vec![] }, vn(2026, 3, 2, 9, 0))
        .unwrap()
}

fn pay(amount_vnd: u64, receipt: &str) -> Command {
    Command::RecordPayment { amount_vnd, receipt: receipt.into(), note: None }
}

#[test]
fn a_reception_waits_for_the_fees_with_its_clock_stopped() {
    let w = fees_first();
    let t = received(&w);
    let d = &t.dossier;
    assert_eq!(d.status, Status::AwaitingPayment);
    assert_eq!(d.status.dvcqg_code(), 6);
    assert_eq!(d.received_at, Some(vn(2026, 3, 2, 9, 0)), "received: it counts as received that day");
    assert_eq!((d.due_at, d.step.is_none()), (None, true), "no appointment and no step before the fees");
    assert_eq!(t.notice, Some(NoticeKind::PaymentRequested));
    let assign = Command::Assign { assignee: w.specialist.clone(), note: None };
    assert!(matches!(
        w.act(d, Actor::Officer(&w.leader), assign, vn(2026, 3, 2, 10, 0)),
        Err(LifecycleError::InvalidTransition { .. })
    ));
    assert!(w.act(d, Actor::Applicant, pay(200_000, "BL-1"), vn(2026, 3, 2, 10, 0)).is_err(), "the desk's act");
}

#[test]
fn only_the_whole_amount_against_a_receipt_moves_it_on_and_the_clock_starts_then() {
    let w = fees_first();
    let d = received(&w).dossier;
    let at = vn(2026, 3, 4, 14, 0);
    let desk = Actor::Officer(&w.desk);
    assert_eq!(
        w.act(&d, desk, pay(100_000, "BL-1"), at).unwrap_err(),
        LifecycleError::WrongAmount { owed: 200_000, paid: 100_000 }
    );
    assert!(w.act(&d, desk, pay(200_000, "  "), at).is_err(), "a receipt number is needed");
    assert_eq!(w.act(&d, desk, pay(200_000, &"9".repeat(51)), at).unwrap_err(), LifecycleError::TooLong("receipt"));
    let t = w.act(&d, desk, pay(200_000, "BL-0042"), at).unwrap();
    let paid = &t.dossier;
    assert_eq!(paid.status, Status::Received);
    assert_eq!(paid.received_at, Some(vn(2026, 3, 2, 9, 0)), "the reception keeps its date");
    assert_eq!(paid.due_at, Some(vn(2026, 3, 9, 14, 0)), "3 working days from the payment");
    assert!(paid.step.is_some());
    assert_eq!(t.notice, Some(NoticeKind::PaymentReceived));
    let record = t.event.payment.clone().unwrap();
    assert_eq!(
        (record.amount_vnd, record.channel, record.reference.as_str()),
        (200_000, PaymentChannel::Counter, "BL-0042")
    );
    assert_eq!(paid.payments, vec![record]);
    assert!(w.act(paid, desk, pay(200_000, "BL-0043"), at).is_err(), "paid once");
}

#[test]
fn nothing_owed_or_fees_not_first_means_received_at_once() {
    let w = fees_first();
    let d = w.submit(vn(2026, 3, 2, 8, 0));
    let exempt =
        vec![FeeReduction { fee: "Lệ phí".into(), percent: 100, legal_basis: "Nghị quyết 1/2026".into() }];
    let t = w
        .act(&d, Actor::Officer(&w.desk), Command::Receive { note: None, reductions: exempt }, vn(2026, 3, 2, 9, 0))
        .unwrap();
    assert_eq!((t.dossier.status, t.notice), (Status::Received, Some(NoticeKind::Received)), "exempt: nothing to pay");
    let mut w = fees_first();
    w.procedure.fees_first = false;
    assert_eq!(received(&w).dossier.status, Status::Received);
}

#[test]
fn a_desk_filing_of_a_fees_first_procedure_waits_too() {
    let w = fees_first();
    let code = DossierCode::new(agency(), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(), 7).unwrap();
    let t = open(code, filing(Channel::Direct), Actor::Officer(&w.desk), &w.ctx(vn(2026, 3, 2, 9, 0))).unwrap();
    assert_eq!((t.dossier.status, t.notice), (Status::AwaitingPayment, Some(NoticeKind::PaymentRequested)));
    assert_eq!(t.event.to_status, Status::AwaitingPayment);
    let paid = w.act(&t.dossier, Actor::Officer(&w.desk), pay(200_000, "BL-7"), vn(2026, 3, 2, 10, 0)).unwrap();
    assert_eq!(paid.dossier.status, Status::Received);
}

fn online(amount_vnd: u64, at: DateTime<Utc>) -> Command {
    Command::ConfirmPayment {
        payment: Payment { amount_vnd, paid_at: at, channel: PaymentChannel::Online, reference: "GD-77".into() },
    }
}

#[test]
fn only_the_platform_confirms_an_online_payment_of_the_whole_amount() {
    let w = fees_first();
    let d = received(&w).dossier;
    let at = vn(2026, 3, 2, 20, 0);
    for actor in [Actor::Applicant, Actor::Officer(&w.desk)] {
        assert_eq!(w.act(&d, actor, online(200_000, at), at).unwrap_err(), LifecycleError::PlatformOnly);
    }
    assert!(matches!(
        w.act(&d, Actor::Platform, online(199_000, at), at),
        Err(LifecycleError::WrongAmount { owed: 200_000, paid: 199_000 })
    ));
    let t = w.act(&d, Actor::Platform, online(200_000, at), at).unwrap();
    assert_eq!(t.dossier.status, Status::Received);
    assert_eq!(t.event.actor, EventActor::Applicant, "the applicant paid, through the platform");
    assert_eq!(t.event.payment.as_ref().map(|p| p.channel), Some(PaymentChannel::Online));
    assert_eq!(t.dossier.due_at, Some(vn(2026, 3, 5, 17, 0)), "paid after hours: 3 working days from the next morning");
    assert_eq!(t.notice, Some(NoticeKind::PaymentReceived));
    assert!(w.act(&t.dossier, Actor::Platform, online(200_000, at), at).is_err(), "confirmed once");
    let assign = Command::Assign { assignee: w.specialist.clone(), note: None };
    assert!(w.act(&t.dossier, Actor::Platform, assign, at).is_err(), "the platform takes no other step");
}

#[test]
fn a_payment_is_counted_once_on_its_day_and_by_its_channel() {
    use crate::reports::{tally, Measure};
    let w = fees_first();
    let r = received(&w);
    let sum = |before: &Dossier, after: &Dossier, m: Measure| -> i64 {
        tally(Some(before), after, vn(2026, 3, 2, 20, 0)).iter().map(|t| t.counts.get(m)).sum()
    };
    let at = vn(2026, 3, 2, 20, 0);
    let online = w.act(&r.dossier, Actor::Platform, online(200_000, at), at).unwrap();
    assert_eq!(sum(&r.dossier, &online.dossier, Measure::FeesPaid), 1);
    assert_eq!(sum(&r.dossier, &online.dossier, Measure::FeesPaidOnline), 1);
    let desk = w.act(&r.dossier, Actor::Officer(&w.desk), pay(200_000, "BL-2"), at).unwrap();
    assert_eq!(sum(&r.dossier, &desk.dossier, Measure::FeesPaid), 1);
    assert_eq!(sum(&r.dossier, &desk.dossier, Measure::FeesPaidOnline), 0, "at the desk");
    assert_eq!(sum(&desk.dossier, &desk.dossier, Measure::FeesPaid), 0, "a later write counts nothing again");
}
