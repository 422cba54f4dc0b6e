//! GIVEN an agency's calendar (the usual hours, 1–2 September off) WHEN dossiers near their due
//! times THEN the time left, the flags, the mornings that warn and each officer's digest follow.

use chrono::{DateTime, NaiveDate, Utc};

use super::digest::{digests, key, Flagged};
use super::*;
use crate::calendar::{vietnam, WorkingHours};
use crate::catalogue::{Agency, AgencyLevel, Officer, OfficerId, Role, WorkflowStep};
use crate::codes::{AgencyCode, DossierCode};
use crate::contact::{Email, PhoneNumber};
use crate::lifecycle::StepProgress;
use crate::notify::{sms, MessageChannel, NoticeKind};

fn vn(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    vietnam::from_local(NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap())
}

fn calendar() -> Calendar {
    let holidays = [(2026, 9, 1), (2026, 9, 2)].map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap());
    Calendar::new(WorkingHours::default(), holidays).unwrap()
}

fn left(now: DateTime<Utc>, due: DateTime<Utc>) -> (i64, Urgency) {
    let t = TimeLeft::at(&calendar(), now, due);
    (t.working_minutes, t.urgency)
}

#[test]
fn one_working_day_left_is_due_soon_and_a_past_due_date_is_overdue() {
    // Monday 30 November 2026, 09:00.
    let now = vn(2026, 11, 30, 9, 0);
    assert_eq!(left(now, vn(2026, 12, 1, 9, 0)), (480, Urgency::DueSoon), "exactly one working day");
    assert_eq!(left(now, vn(2026, 12, 1, 10, 0)), (540, Urgency::OnTrack));
    assert_eq!(left(now, vn(2026, 11, 30, 16, 0)), (300, Urgency::DueSoon), "lunch is not working time");
    // Past the due time but on its date: on time still (as the standing counts it), due now.
    assert_eq!(left(vn(2026, 11, 30, 17, 30), vn(2026, 11, 30, 16, 0)), (-60, Urgency::DueSoon));
    assert_eq!(left(vn(2026, 12, 1, 7, 30), vn(2026, 11, 30, 16, 0)), (-90, Urgency::Overdue));
    // Friday's due, read on Monday morning: the weekend is not working time.
    let t = TimeLeft::at(&calendar(), vn(2026, 11, 30, 8, 0), vn(2026, 11, 27, 17, 0));
    assert_eq!((t.working_minutes, t.working_days, t.urgency), (-60, -0.1, Urgency::Overdue));
}

#[test]
fn holidays_are_not_working_time() {
    // Monday 31 August 16:00 to Thursday 3 September 08:00: an hour on each side of the holidays.
    assert_eq!(left(vn(2026, 8, 31, 16, 0), vn(2026, 9, 3, 8, 0)), (120, Urgency::DueSoon));
    let h = horizon(&calendar(), vn(2026, 8, 31, 16, 0));
    assert_eq!(h, vn(2026, 9, 3, 16, 1), "one working day on, past the holidays");
}

#[test]
fn warnings_go_out_in_working_hours_of_working_days_only() {
    let c = calendar();
    assert_eq!(warning_day(&c, vn(2026, 12, 1, 6, 59)), None, "before opening");
    let tuesday = NaiveDate::from_ymd_opt(2026, 12, 1);
    assert_eq!(warning_day(&c, vn(2026, 12, 1, 7, 0)), tuesday, "at opening");
    assert_eq!(warning_day(&c, vn(2026, 12, 1, 16, 59)), tuesday);
    assert_eq!(warning_day(&c, vn(2026, 12, 1, 17, 0)), None, "after closing");
    assert_eq!(warning_day(&c, vn(2026, 12, 5, 9, 0)), None, "Saturday");
    assert_eq!(warning_day(&c, vn(2026, 9, 2, 9, 0)), None, "a holiday");
}

fn agency() -> Agency {
    Agency {
        code: AgencyCode::parse("000.00.03.H56").unwrap(),
        name: "Sở Tư pháp tỉnh Phú Thọ".into(),
        parent: None,
        level: AgencyLevel::Province,
        address: "Việt Trì".into(),
        working_hours: WorkingHours::default(),
        external: false,
    }
}

fn officer(id: &str, roles: &[Role], phone: Option<&str>, email: Option<&str>) -> Officer {
    Officer {
        id: OfficerId::parse(id).unwrap(),
        name: format!("Cán bộ {id}"),
        agency: agency().code,
        roles: roles.to_vec(),
        phone: phone.map(|p| PhoneNumber::parse(p).unwrap()),
        email: email.map(|e| Email::parse(e).unwrap()),
        arrivals: Default::default(),
    }
}

/// A dossier in processing, due at `due`, its first step held by `holder` (if any).
fn dossier(n: u32, holder: Option<&Officer>, due: DateTime<Utc>) -> Dossier {
    let code = DossierCode::parse(&format!("000.00.03.H56-261120-{n:04}")).unwrap();
    let step = WorkflowStep { name: "Thẩm định".into(), role: Role::Specialist, agency: None, share_percent: 100 };
    let at = vn(2026, 11, 20, 8, 0);
    let mut d = crate::fixtures::filed(code, crate::fixtures::citizen("Nguyễn Văn An", None, None), vec![step], at);
    d.status = Status::Processing;
    d.due_at = Some(due);
    d.step = Some(StepProgress {
        index: 0,
        given_at: at,
        given_by: None,
        assignee: holder.map(Officer::reference),
        taken_at: None,
        due_at: due,
    });
    d
}

#[test]
fn each_holder_hears_of_their_own_dossiers_and_each_leader_of_the_agency_s() {
    let now = vn(2026, 12, 1, 7, 5);
    let a = officer("chuyenvien.a", &[Role::Specialist], Some("0912345678"), Some("a@tuphap.gov.vn"));
    let b = officer("chuyenvien.b", &[Role::Specialist], Some("0987654321"), None);
    let leader = officer("lanhdao", &[Role::Leader], None, Some("lanhdao@tuphap.gov.vn"));
    let desk = officer("motcua", &[Role::Reception], None, None);
    let silent = officer("chuyenvien.c", &[Role::Specialist], None, None);
    let dossiers = [
        dossier(1, Some(&a), vn(2026, 11, 30, 16, 0)),
        dossier(2, Some(&b), vn(2026, 12, 1, 15, 0)),
        dossier(3, None, vn(2026, 12, 2, 7, 0)),
        dossier(4, Some(&a), vn(2026, 12, 10, 9, 0)),
        dossier(5, Some(&silent), vn(2026, 12, 1, 9, 0)),
    ];
    let c = calendar();
    let flagged: Vec<Flagged<'_>> =
        dossiers.iter().map(|d| Flagged { dossier: d, left: dossier_time_left(&c, d, now).unwrap() }).collect();
    let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let officers = [a.clone(), b.clone(), leader.clone(), desk, silent.clone()];
    let out = digests(day, &agency(), &officers, &flagged, now);
    assert_eq!(out.unreachable, vec![silent.id.clone()], "holds a dossier, has no contact");
    let ids: Vec<&str> = out.messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "DIGEST-20261201-chuyenvien.a:digest:email",
            "DIGEST-20261201-chuyenvien.b:digest:sms",
            "DIGEST-20261201-lanhdao:digest:email"
        ],
        "the desk officer holds nothing and hears nothing"
    );
    let [to_a, to_b, to_leader] = [&out.messages[0], &out.messages[1], &out.messages[2]];
    assert!(to_a.text.contains("000.00.03.H56-261120-0001") && !to_a.text.contains("-0004"), "{}", to_a.text);
    assert!(to_a.text.contains("quá hạn 0,1 ngày làm việc"), "{}", to_a.text);
    assert_eq!(to_a.subject.as_deref(), Some("Nhắc hạn xử lý 01/12/2026: 1 hồ sơ quá hạn, 0 hồ sơ sắp đến hạn"));
    let fallback = to_a.fallback.as_ref().expect("the phone is the email's fallback");
    assert_eq!((fallback.channel, fallback.recipient.as_str()), (MessageChannel::Sms, "+84912345678"));
    assert_eq!((to_b.channel, to_b.dossier_code.as_str()), (MessageChannel::Sms, "DIGEST-20261201-chuyenvien.b"));
    assert!(
        to_b.text.starts_with("Nhac han 01/12/2026 (So Tu phap tinh Phu Tho): 0 ho so qua han, 1 ho so"),
        "{}",
        to_b.text
    );
    assert!(sms::segments(&to_b.text) <= 2);
    let listed: Vec<usize> =
        (1..=5).filter(|n| to_leader.text.contains(&format!("000.00.03.H56-261120-{n:04}"))).collect();
    assert_eq!(listed, [1, 2, 3, 5], "the agency's list, the on-track one left out");
    assert!(to_leader.text.contains("chưa phân công") && to_leader.text.contains("Cán bộ chuyenvien.b"));
    let overdue_first = to_leader.text.find("-0001").unwrap() < to_leader.text.find("-0005").unwrap()
        && to_leader.text.find("-0005").unwrap() < to_leader.text.find("-0002").unwrap();
    assert!(overdue_first, "most overdue first, then soonest due: {}", to_leader.text);
    for m in &out.messages {
        assert_eq!((m.kind, m.status, m.event_seq()), (NoticeKind::DeadlineDigest, None, None));
        assert!(!m.text.contains("Nguyễn Văn An"), "no applicant's name leaves in a digest");
        assert_eq!(
            m.id.split(':').next(),
            Some(key(day, &officers.iter().find(|o| m.id.contains(o.id.as_str())).unwrap().id).as_str())
        );
    }
    assert_eq!(digests(day, &agency(), &officers, &flagged, now), out, "the same morning, the same digests");
}

#[test]
fn a_paused_clock_is_not_flagged() {
    let mut d = dossier(1, None, vn(2026, 11, 30, 16, 0));
    let now = vn(2026, 12, 1, 9, 0);
    assert_eq!(dossier_time_left(&calendar(), &d, now).map(|t| t.urgency), Some(Urgency::Overdue));
    assert_eq!(step_time_left(&calendar(), &d, now).map(|t| t.urgency), Some(Urgency::Overdue));
    d.status = Status::AwaitingSupplement;
    assert_eq!((dossier_time_left(&calendar(), &d, now), step_time_left(&calendar(), &d, now)), (None, None));
}
