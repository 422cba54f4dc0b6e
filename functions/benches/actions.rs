//! CPU per action (docs/performance.md): every transition of a dossier's life through the
//! domain alone (`open`/`decide`: the table, the calendar, the hash chain), the calendar's due
//! date, the notice templates, and one full router call (an online submission and a public
//! lookup) over a SQLite store in a temporary directory, as `motcua serve` runs them; and the
//! printed forms: the receipt of a received dossier and the tracking card of a returned one, as
//! PDF (their sizes are printed once).
//!
//! `cargo bench -p motcua-functions --bench actions` (criterion; HTML under target/criterion).
//! The sample catalogue is the seed's: the criminal-record procedure, whose second step is at
//! the police (another agency with its own calendar).

#[path = "../../tests/support.rs"]
mod support;

use std::hint::black_box;

use axum::body::Body;
use axum::http::Request;
use chrono::{NaiveDate, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use motcua_domain::calendar::{vietnam, Calendar};
use motcua_domain::catalogue::{Agency, Officer, Procedure};
use motcua_domain::codes::{AgencyCode, DossierCode};
use motcua_domain::lifecycle::{
    decide, open, Actor, Command, Context, Dossier, NewDossier, RatingAnswers, ReturnMethod, Transition,
};
use motcua_domain::limits::RateLimit;
use motcua_domain::notify::messages_for;
use motcua_functions::seed;
use motcua_functions::server::{Home, Stores};
use motcua_infra::sqlite::SqliteStore;
use serde_json::Value;
use tower::ServiceExt;

/// The seed's world on 2026-12-01, 09:00 in Vietnam.
struct World {
    procedure: Procedure,
    agency: Agency,
    calendar: Calendar,
    steps: Vec<(AgencyCode, Calendar)>,
    officers: Vec<Officer>,
    now: chrono::DateTime<Utc>,
}

impl World {
    fn new() -> Self {
        let procedure =
            seed::procedures().unwrap().into_iter().find(|p| p.code == support::CRIMINAL_RECORD).expect("seeded");
        let holidays: Vec<NaiveDate> = [2026, 2027].iter().flat_map(|y| seed::holidays(*y)).map(|h| h.date).collect();
        let calendar_of = |a: &Agency| Calendar::new(a.working_hours.clone(), holidays.clone()).unwrap();
        let agencies = seed::agencies();
        let agency = agencies.iter().find(|a| a.code == procedure.agency).unwrap().clone();
        let steps = agencies.iter().map(|a| (a.code.clone(), calendar_of(a))).collect();
        let now = vietnam::from_local(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(9, 0, 0).unwrap());
        Self { calendar: calendar_of(&agency), procedure, agency, steps, officers: seed::officers(), now }
    }

    fn context(&self) -> Context<'_> {
        Context {
            now: self.now,
            calendar: &self.calendar,
            step_calendars: &self.steps,
            procedure: &self.procedure,
            external: &[],
        }
    }

    fn officer(&self, id: &str) -> &Officer {
        self.officers.iter().find(|o| o.id.as_str() == id).unwrap()
    }

    fn filing(&self) -> NewDossier {
        let body: Value = support::criminal_record_filing("0912345678");
        NewDossier {
            channel: motcua_domain::catalogue::Channel::Online,
            applicant: serde_json::from_value(body["applicant"].clone()).unwrap(),
            documents: serde_json::from_value(support::attached_documents(&body)).unwrap(),
            result_by: None,
            reductions: vec![],
            incomplete: false,
            notify_by: Default::default(),
            delivery_address: None,
        }
    }

    fn code(&self) -> DossierCode {
        DossierCode::new(self.agency.code.clone(), self.now.date_naive(), 1).unwrap()
    }
}

/// Each step of the life: (name, who, what), in order.
fn life(w: &World) -> Vec<(&'static str, Actor<'_>, Command)> {
    let desk = Actor::Officer(w.officer("tuphap.motcua"));
    let lead = Actor::Officer(w.officer("tuphap.lanhdao"));
    let answers: RatingAnswers = serde_json::from_value(support::rating()).unwrap();
    vec![
        ("receive", desk, Command::Receive { note: None, reductions: vec![] }),
        ("assign", lead, Command::Assign { assignee: w.officer("tuphap.chuyenvien").clone(), note: None }),
        (
            "forward to another agency",
            Actor::Officer(w.officer("tuphap.chuyenvien")),
            Command::Forward { assignee: Some(w.officer("congan.chuyenvien").clone()), note: None },
        ),
        (
            "forward back",
            Actor::Officer(w.officer("congan.chuyenvien")),
            Command::Forward { assignee: Some(w.officer("tuphap.lanhdao").clone()), note: None },
        ),
        ("approve", lead, Command::Approve { note: None, results: vec![] }),
        ("return", desk, Command::Return { method: ReturnMethod::Counter, waybill: None }),
        ("rate", Actor::Applicant, Command::Rate { answers }),
    ]
}

fn domain(c: &mut Criterion) {
    let w = World::new();
    let ctx = w.context();
    let mut group = c.benchmark_group("domain");
    group.bench_function("submit (open)", |b| {
        b.iter(|| open(black_box(w.code()), w.filing(), Actor::Applicant, &ctx).unwrap())
    });
    let mut current: Transition = open(w.code(), w.filing(), Actor::Applicant, &ctx).unwrap();
    for (name, actor, command) in life(&w) {
        let before: Dossier = current.dossier.clone();
        group.bench_function(name, |b| b.iter(|| decide(black_box(&before), actor, command.clone(), &ctx).unwrap()));
        current = decide(&before, actor, command, &ctx).unwrap();
    }
    group.finish();

    let received = decide(
        &open(w.code(), w.filing(), Actor::Applicant, &ctx).unwrap().dossier,
        life(&w)[0].1,
        Command::Receive { note: None, reductions: vec![] },
        &ctx,
    )
    .unwrap();
    let start = vietnam::to_local(w.now);
    c.bench_function("calendar/due date (15 working days)", |b| {
        let fifteen_days =
            motcua_domain::calendar::ProcessingTime::new(15.0, motcua_domain::calendar::DurationUnit::WorkingDays)
                .unwrap();
        b.iter(|| w.calendar.due(black_box(start), fifteen_days))
    });
    c.bench_function("templates/receipt notice (SMS + email fallback)", |b| {
        b.iter(|| {
            messages_for(
                motcua_domain::lifecycle::NoticeKind::Received,
                black_box(&received.dossier),
                &received.event,
                &w.agency,
            )
        })
    });
}

fn router(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let memory = SqliteStore::in_memory().unwrap();
    std::fs::create_dir_all(dir.path().join("disk")).unwrap();
    let disk = SqliteStore::open(dir.path().join("disk").join("motcua.sqlite3")).unwrap();
    for (name, store, data) in [
        ("router (SQLite in memory)", memory, dir.path().join("memory")),
        ("router (SQLite on disk, synchronous=FULL)", disk, dir.path().join("disk")),
    ] {
        let (app, code) = rt.block_on(async {
            let mut home = Home::open_on(&data, Stores::of(store.clone(), Some(store))).await.unwrap();
            home.public_limits.submissions = RateLimit::new(u32::MAX, chrono::Duration::minutes(1));
            home.public_limits.uploads = RateLimit::new(u32::MAX, chrono::Duration::minutes(1));
            let app = motcua_functions::routes::app(home.state());
            let filed = app.clone().oneshot(submission(&app).await).await.unwrap();
            let body = axum::body::to_bytes(filed.into_body(), 1 << 20).await.unwrap();
            let v: Value = serde_json::from_slice(&body).unwrap();
            (app, v["code"].as_str().unwrap().to_owned())
        });
        let mut group = c.benchmark_group(name);
        // Each filing attaches its own uploads, sent before the timed part.
        group.bench_function("POST /v1/dossiers", |b| {
            b.iter_batched(
                || rt.block_on(submission(&app)),
                |request| rt.block_on(async { assert_eq!(app.clone().oneshot(request).await.unwrap().status(), 201) }),
                criterion::BatchSize::SmallInput,
            )
        });
        group.bench_function("GET /v1/dossiers/{code} (public)", |b| {
            b.iter(|| {
                rt.block_on(async {
                    let req = Request::get(format!("/v1/dossiers/{code}")).body(Body::empty()).unwrap();
                    assert_eq!(app.clone().oneshot(req).await.unwrap().status(), 200)
                })
            })
        });
        group.finish();
    }
}

/// An online filing whose files were uploaded through `app`.
async fn submission(app: &axum::Router) -> Request<Body> {
    let filing = support::with_files_via(app, support::criminal_record_filing("0912345678")).await;
    Request::post("/v1/dossiers")
        .header("content-type", "application/json")
        .body(Body::from(filing.to_string()))
        .unwrap()
}

/// The receipt of a received dossier and the tracking card at the end of its life, as PDF.
fn forms(c: &mut Criterion) {
    use motcua_forms::{Form, FormContext};
    let w = World::new();
    let ctx = w.context();
    let opened = open(w.code(), w.filing(), Actor::Applicant, &ctx).unwrap();
    let mut history = vec![opened.event.clone()];
    let mut dossier = opened.dossier;
    let mut received = None;
    for (_, actor, command) in life(&w) {
        let t = decide(&dossier, actor, command, &ctx).unwrap();
        history.push(t.event);
        dossier = t.dossier;
        received.get_or_insert_with(|| (dossier.clone(), history.clone()));
    }
    let form = |d, h| FormContext {
        dossier: d,
        history: h,
        procedure: &w.procedure,
        agency: &w.agency,
        authority: "Ủy ban nhân dân tỉnh Khánh Hòa",
        place: Some("Nha Trang"),
        lookup: format!("https://dichvucong.khanhhoa.gov.vn/v1/dossiers/{}", w.code()),
    };
    let (at_reception, so_far) = received.expect("the life starts with reception");
    let receipt = form(&at_reception, &so_far);
    let card = form(&dossier, &history);
    let receipt_size = Form::Receipt.pdf(&receipt).unwrap().len();
    let card_size = Form::TrackingCard.pdf(&card).unwrap().len();
    println!("forms: receipt {receipt_size} bytes, tracking card {card_size} bytes");
    c.bench_function("forms/receipt PDF", |b| b.iter(|| Form::Receipt.pdf(black_box(&receipt)).unwrap()));
    c.bench_function("forms/tracking card PDF (whole life)", |b| {
        b.iter(|| Form::TrackingCard.pdf(black_box(&card)).unwrap())
    });
}

criterion_group!(benches, domain, router, forms);
criterion_main!(benches);
