//! Reports, GIVEN a hand-built month (March 2026) of dossiers at the justice department, filed,
//! moved and finished through the API at chosen times, WHEN the II.06a is asked for THEN every
//! figure is the one worked out by hand below, on both homes, in JSON, CSV and XLSX; and officers
//! read only the reports within their reach.
//!
//! The fixture (online: 1.003005, field "Công chứng", 5 working days; at the desk: 1.001612,
//! field "Luật sư", 7 working days):
//!
//! | dossier | channel | received | then | in March's report |
//! |---|---|---|---|---|
//! | A | online | 26/02 | resolved 02/03 (due 05/03), returned and rated "not satisfied" 03/03 | carried over, resolved early |
//! | B | desk | 26/02 | still open (due early March) | carried over, overdue at the end |
//! | C | online | 10/03 | resolved on its due date, returned and rated "very satisfied" the next day | new online, on time |
//! | D | desk | 11/03 | resolved 27/03 (due ~20/03) | new direct, late |
//! | E | online | 12/03 | withdrawn 13/03 | new online, on time |
//! | F | desk | 02/02 | supplement asked 03/02, returned unsupplemented 16/03 | carried over, on time |
//! | G | online | 20/03 | supplement asked 23/03, still waiting | new online, within deadline |
//! | H | desk | 24/03 | still open (due in April) | new direct, within deadline |
//! | I | online | — | refused at reception 26/03 | nowhere |
//! | J | online | 10/02 | resolved 13/02 | nowhere (finished before March) |
//! | K | desk | 06/04 | — | nowhere (after March) |
//! | M | online | 16/04 | its first step given to tuphap.chuyenvien | nowhere (after March) |
//!
//! B is given to `tuphap.chuyenvien2` on 2 March and H to `tuphap.chuyenvien` on 25 March; each
//! resolution above is one instant: the leader assigns the specialist, who forwards to the
//! leader, who approves.

mod api;
mod support;

use api::{code_of, Api};
use axum::body::Body;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::calendar::vietnam;
use serde_json::{json, Value};

const ONLINE: &str = "1.003005";
const DESK: &str = "1.001612";
const JUSTICE: &str = "000.00.03.H56";

/// `hour`:00 Vietnam time on `day`/`month`/2026.
fn vn(day: u32, month: u32, hour: u32) -> DateTime<Utc> {
    vietnam::from_local(NaiveDate::from_ymd_opt(2026, month, day).unwrap().and_hms_opt(hour, 0, 0).unwrap())
}

fn applicant(name: &str) -> Value {
    json!({"kind": "citizen", "name": name, "citizen_id": "079203001234", "phone": "0912345678"})
}

struct Desk<'a> {
    api: &'a Api,
}

impl Desk<'_> {
    async fn token(&self, officer: &str) -> String {
        self.api.token(officer).await
    }

    async fn act(&self, at: DateTime<Utc>, code: &str, action: &str, officer: &str, body: Value) {
        self.api.set_time(at);
        let (s, v) =
            self.api.post(&format!("/v1/dossiers/{code}/{action}"), Some(&self.token(officer).await), body).await;
        assert_eq!(s, StatusCode::OK, "{action} {code}: {v}");
    }

    /// Files online at `at`; (code, secret).
    async fn online(&self, at: DateTime<Utc>, name: &str) -> (String, String) {
        self.api.set_time(at);
        let filing = json!({"procedure_code": ONLINE, "applicant": applicant(name), "documents": [
            {"component": "Đơn đề nghị cấp lại", "file_name": "don.pdf"},
            {"component": "Ảnh chân dung", "file_name": "anh.pdf"}]});
        let (s, v) = self.api.file(filing).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        (v["code"].as_str().unwrap().to_owned(), v["lookup_secret"].as_str().unwrap().to_owned())
    }

    /// Files online and receives at `at`.
    async fn online_received(&self, at: DateTime<Utc>, name: &str) -> (String, String) {
        let (code, secret) = self.online(at, name).await;
        self.act(at, &code, "receive", "tuphap.motcua", json!({})).await;
        (code, secret)
    }

    /// Receives at the desk at `at`.
    async fn desk(&self, at: DateTime<Utc>, name: &str) -> String {
        self.api.set_time(at);
        let filing = json!({"procedure_code": DESK, "channel": "direct", "applicant": applicant(name), "documents": [
            {"component": "Đơn đề nghị", "file_name": "don.pdf"},
            {"component": "Chứng chỉ hành nghề luật sư", "file_name": "chung-chi.pdf"}]});
        let (s, v) = self.api.post("/v1/counter/dossiers", Some(&self.token("tuphap.motcua").await), filing).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["code"].as_str().unwrap().to_owned()
    }

    /// Takes a received dossier through its two steps to approval at `at`.
    async fn resolve(&self, at: DateTime<Utc>, code: &str) {
        self.act(at, code, "assign", "tuphap.lanhdao", json!({"assignee": "tuphap.chuyenvien"})).await;
        self.act(at, code, "forward", "tuphap.chuyenvien", json!({"assignee": "tuphap.lanhdao"})).await;
        self.act(at, code, "approve", "tuphap.lanhdao", json!({})).await;
    }

    /// The applicant rates at `at`.
    async fn rate(&self, at: DateTime<Utc>, code: &str, secret: &str, rating: Value) {
        self.api.set_time(at);
        let (s, v) = self.api.post_secret(&format!("/v1/dossiers/{code}/rating"), Some(secret), rating).await;
        assert_eq!(s, StatusCode::OK, "rating {code}: {v}");
    }

    /// The dossier's due date, as the officers' view gives it.
    async fn due(&self, code: &str) -> DateTime<Utc> {
        let (s, v) =
            self.api.get(&format!("/v1/officer/dossiers/{code}"), Some(&self.token("tuphap.motcua").await), None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        DateTime::parse_from_rfc3339(v["due_at"].as_str().unwrap()).unwrap().with_timezone(&Utc)
    }
}

/// Lives the fixture's dossiers through the API.
async fn live(api: &Api) {
    let desk = Desk { api };
    let supplement = |missing: &str| json!({"reason": "Thiếu giấy tờ", "missing": [missing]});
    // J: received and finished in February.
    let (j, _) = desk.online_received(vn(10, 2, 9), "J").await;
    desk.resolve(vn(13, 2, 9), &j).await;
    // F: received at the desk on 2 February, asked for a supplement that never came.
    let f = desk.desk(vn(2, 2, 9), "F").await;
    desk.act(vn(3, 2, 9), &f, "request-supplement", "tuphap.motcua", supplement("Đơn đề nghị")).await;
    // A and B: received on 26 February.
    let (a, a_secret) = desk.online_received(vn(26, 2, 10), "A").await;
    let b = desk.desk(vn(26, 2, 11), "B").await;
    desk.resolve(vn(2, 3, 9), &a).await;
    desk.act(vn(2, 3, 10), &b, "assign", "tuphap.lanhdao", json!({"assignee": "tuphap.chuyenvien2"})).await;
    // A is handed over and rated: not satisfied, the staff's attitude 0.
    desk.act(vn(3, 3, 9), &a, "return", "tuphap.motcua", json!({"method": "counter"})).await;
    let unhappy = json!({"desk_handling": 1, "disclosure": 2, "attitude": 0, "complaints": 1, "online_service": 1,
        "verdict": "unsatisfied"});
    desk.rate(vn(3, 3, 10), &a, &a_secret, unhappy).await;
    // C: due on its due date.
    let (c, c_secret) = desk.online_received(vn(10, 3, 9), "C").await;
    let due = vietnam::to_local(desk.due(&c).await).date();
    desk.resolve(vietnam::from_local(due.and_hms_opt(8, 0, 0).unwrap()), &c).await;
    // C is handed over and rated very satisfied, the day after.
    let next_day = vietnam::from_local(due.succ_opt().unwrap().and_hms_opt(9, 0, 0).unwrap());
    desk.act(next_day, &c, "return", "tuphap.motcua", json!({"method": "counter"})).await;
    desk.rate(next_day + chrono::Duration::hours(1), &c, &c_secret, support::rating()).await;
    // D: late.
    let d = desk.desk(vn(11, 3, 9), "D").await;
    assert!(desk.due(&d).await < vn(27, 3, 0));
    desk.resolve(vn(27, 3, 9), &d).await;
    // E: withdrawn.
    let (e, secret) = desk.online_received(vn(12, 3, 9), "E").await;
    api.set_time(vn(13, 3, 9));
    let (s, v) =
        api.post_secret(&format!("/v1/dossiers/{e}/withdraw"), Some(&secret), json!({"reason": "Không cần nữa"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // F comes back unsupplemented.
    desk.act(vn(16, 3, 9), &f, "return-unsupplemented", "tuphap.motcua", json!({})).await;
    // G waits for a supplement at the end of March; H is still within its time.
    let (g, _) = desk.online_received(vn(20, 3, 9), "G").await;
    desk.act(vn(23, 3, 9), &g, "request-supplement", "tuphap.motcua", supplement("Ảnh chân dung")).await;
    let h = desk.desk(vn(24, 3, 15), "H").await;
    assert!(desk.due(&h).await > vn(31, 3, 23));
    desk.act(vn(25, 3, 9), &h, "assign", "tuphap.lanhdao", json!({"assignee": "tuphap.chuyenvien"})).await;
    // I: refused at reception.
    let (i, _) = desk.online(vn(26, 3, 9), "I").await;
    desk.act(vn(26, 3, 10), &i, "refuse", "tuphap.motcua", json!({"reason": "Sai thẩm quyền"})).await;
    // K and M: April; M's first step is due on 21 April at 15:00.
    desk.desk(vn(6, 4, 9), "K").await;
    let (m, _) = desk.online_received(vn(16, 4, 9), "M").await;
    desk.act(vn(16, 4, 10), &m, "assign", "tuphap.lanhdao", json!({"assignee": "tuphap.chuyenvien"})).await;
    assert!(desk.due(&b).await < vn(31, 3, 0), "B is overdue at the end of March");
    // The report is read in April.
    api.set_time(vn(20, 4, 9));
}

async fn report(api: &Api, officer: &str, query: &str) -> (StatusCode, Value) {
    api.get(&format!("/v1/reports/dossiers?{query}"), Some(&api.token(officer).await), None).await
}

/// One row's figures as the form's eleven numbers: received (total, carried over, online,
/// direct or postal), resolved (total, early, on time, late), in progress (total, within, overdue).
fn numbers(row: &Value) -> [i64; 11] {
    let n = |group: &str, field: &str| row[group][field].as_i64().unwrap();
    [
        n("received", "total"),
        n("received", "carried_over"),
        n("received", "online"),
        n("received", "direct_or_postal"),
        n("resolved", "total"),
        n("resolved", "early"),
        n("resolved", "on_time"),
        n("resolved", "late"),
        n("in_progress", "total"),
        n("in_progress", "within_deadline"),
        n("in_progress", "overdue"),
    ]
}

const TOTAL: [i64; 11] = [8, 3, 3, 2, 5, 1, 3, 1, 3, 2, 1];
const NOTARIES: [i64; 11] = [4, 1, 3, 0, 3, 1, 2, 0, 1, 1, 0];
const LAWYERS: [i64; 11] = [4, 2, 0, 2, 2, 0, 1, 1, 2, 1, 1];

fn check_march(v: &Value) {
    assert_eq!(v["form"], "Biểu II.06a/VPCP/KSTT");
    assert_eq!(v["period"], json!({"from": "2026-03-01", "to": "2026-03-31"}));
    assert_eq!(v["as_of"], "2026-03-31");
    let rows = v["rows"].as_array().unwrap();
    let keys: Vec<&str> = rows.iter().map(|r| r["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["Công chứng", "Luật sư"]);
    assert_eq!(numbers(&rows[0]), NOTARIES);
    assert_eq!(numbers(&rows[1]), LAWYERS);
    assert_eq!(numbers(&v["total"]), TOTAL);
    assert!(v["rules"].as_array().unwrap().len() >= 5, "the report states its rules");
}

#[tokio::test]
async fn the_ii06a_of_march_counts_the_fixture_as_worked_out_by_hand() {
    let api = Api::many_filings().await;
    live(&api).await;
    let (s, v) = report(&api, "tuphap.lanhdao", "period=2026-03").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    check_march(&v);
    // The same period by its dates, and by procedure: the same total, one row per procedure.
    let (_, by_dates) = report(&api, "tuphap.lanhdao", "from=2026-03-01&to=2026-03-31").await;
    assert_eq!(by_dates, v);
    let (_, by_procedure) = report(&api, "tuphap.lanhdao", "period=2026-03&group_by=procedure").await;
    let keys: Vec<&str> = by_procedure["rows"].as_array().unwrap().iter().map(|r| r["key"].as_str().unwrap()).collect();
    assert_eq!(keys, [DESK, ONLINE]);
    assert_eq!(numbers(&by_procedure["total"]), TOTAL);
    // One field alone.
    let (_, lawyers) = report(&api, "tuphap.lanhdao", "period=2026-03&field=Lu%E1%BA%ADt%20s%C6%B0").await;
    assert_eq!(numbers(&lawyers["total"]), LAWYERS);
    // February: J received and resolved, F and A and B received; in hand at its end: F, A, B.
    let (_, february) = report(&api, "tuphap.lanhdao", "period=2026-02").await;
    assert_eq!(numbers(&february["total"]), [4, 0, 2, 2, 1, 1, 0, 0, 3, 3, 0]);
    // The first quarter: everything received up to the end of March.
    let (_, q1) = report(&api, "tuphap.lanhdao", "period=2026-Q1").await;
    assert_eq!(numbers(&q1["total"]), [9, 0, 5, 4, 6, 2, 3, 1, 3, 2, 1]);
}

#[tokio::test]
async fn officers_read_the_reports_within_their_reach() {
    let api = Api::many_filings().await;
    live(&api).await;
    // An officer of another agency: the justice department is out of reach, as if absent.
    let (s, v) = report(&api, "taichinh.lanhdao", &format!("period=2026-03&agency={JUSTICE}")).await;
    assert_eq!((s, code_of(&v)), (StatusCode::NOT_FOUND, "agency_not_found"));
    let (s, v) = report(&api, "taichinh.lanhdao", "period=2026-03").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(numbers(&v["total"]), [0; 11], "their own agency received nothing");
    // The province's inspector and the administrator read the whole province, or one agency.
    for officer in ["kiemsoat", "admin"] {
        let (s, v) = report(&api, officer, "period=2026-03&group_by=agency").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["scope"]["agency"], Value::Null);
        assert_eq!(v["rows"].as_array().unwrap().len(), 1, "only the justice department received dossiers");
        assert_eq!(v["rows"][0]["key"], JUSTICE);
        assert_eq!(numbers(&v["total"]), TOTAL);
        let (_, one) = report(&api, officer, &format!("period=2026-03&agency={JUSTICE}")).await;
        assert_eq!(numbers(&one["total"]), TOTAL);
    }
    let (s, _) = api.get("/v1/reports/dossiers?period=2026-03", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bad_report_requests_get_stable_codes() {
    let api = Api::new().await;
    for (query, status, code) in [
        ("from=2026-03-31&to=2026-03-01", StatusCode::BAD_REQUEST, "invalid_period"),
        ("from=2020-01-01&to=2026-01-01", StatusCode::BAD_REQUEST, "invalid_period"),
        ("period=2026-13", StatusCode::BAD_REQUEST, "invalid_period"),
        ("period=2026-03&from=2026-03-01", StatusCode::BAD_REQUEST, "invalid_period"),
        ("from=2026-3-1&to=2026-03-31", StatusCode::BAD_REQUEST, "invalid_date"),
        ("period=2026-03&group_by=colour", StatusCode::BAD_REQUEST, "unknown_group"),
        ("period=2026-03&format=pdf", StatusCode::BAD_REQUEST, "unknown_format"),
        ("period=2026-03&field=Chăn%20nuôi%20rồng", StatusCode::BAD_REQUEST, "unknown_field"),
        ("period=2026-03&agency=000.00.99.H56", StatusCode::NOT_FOUND, "agency_not_found"),
        ("period=2026-03&agency=nonsense", StatusCode::BAD_REQUEST, "invalid_agency_code"),
        ("period=2026-03&colour=red", StatusCode::BAD_REQUEST, "invalid_query"),
    ] {
        let (s, v) = report(&api, "kiemsoat", query).await;
        assert_eq!((s, code_of(&v)), (status, code), "{query}: {v}");
    }
}

#[tokio::test]
async fn the_report_downloads_as_csv_and_as_an_xlsx_laid_out_like_the_form() {
    let api = Api::many_filings().await;
    live(&api).await;
    let token = api.token("tuphap.lanhdao").await;
    let auth = format!("Bearer {token}");
    let get = |format: &'static str| {
        let (api, auth) = (&api, auth.clone());
        async move {
            let uri = format!("/v1/reports/dossiers?period=2026-03&format={format}");
            api.raw("GET", &uri, &[("authorization", &auth)], Body::empty()).await
        }
    };
    let (s, csv, headers) = get("csv").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert!(headers["content-disposition"].to_str().unwrap().contains("II06a_20260301_20260331.csv"));
    let text = String::from_utf8(csv).unwrap();
    assert!(text.starts_with('\u{feff}'), "a byte-order mark first");
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 4, "heading, two fields, total: {text}");
    assert!(lines[0].starts_with("STT,Lĩnh vực,Số hồ sơ nhận giải quyết: Tổng số,"));
    assert_eq!(lines[3], ",Tổng cộng,8,3,3,2,5,1,3,1,3,2,1");

    let (s, xlsx, headers) = get("xlsx").await;
    assert_eq!(s, StatusCode::OK);
    assert!(headers["content-type"].to_str().unwrap().contains("spreadsheetml"));
    use calamine::{Data, Reader};
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = book.worksheet_range("II.06a").unwrap();
    let text = |r: u32, c: u32| sheet.get_value((r, c)).map(|d| d.to_string()).unwrap_or_default();
    assert_eq!(text(0, 0), "Biểu II.06a/VPCP/KSTT");
    assert_eq!(text(1, 0), "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH");
    assert!(text(2, 0).contains("01/03/2026 – 31/03/2026"));
    assert!(text(3, 0).contains("Sở Tư pháp"), "{}", text(3, 0));
    // The column groups over their columns, then the headings.
    assert_eq!(
        (text(5, 2), text(5, 6), text(5, 10)),
        ("Số hồ sơ nhận giải quyết".into(), "Số hồ sơ đã giải quyết".into(), "Số hồ sơ đang giải quyết".into())
    );
    assert_eq!(
        (text(5, 1), text(6, 3), text(6, 7)),
        ("Lĩnh vực".into(), "Kỳ trước chuyển qua".into(), "Trước hạn".into())
    );
    let merged = book.merge_cells_by_sheet_name("II.06a").unwrap();
    assert!(merged.iter().any(|m| m.start == (5, 2) && m.end == (5, 5)), "the received group spans its four columns");
    let numbers_at = |r: u32| -> Vec<f64> {
        (2..13)
            .map(|c| match sheet.get_value((r, c)) {
                Some(Data::Float(x)) => *x,
                Some(Data::Int(n)) => *n as f64,
                other => panic!("({r}, {c}): {other:?}"),
            })
            .collect()
    };
    assert_eq!((text(7, 1), numbers_at(7)), ("Công chứng".into(), NOTARIES.map(|n| n as f64).to_vec()));
    assert_eq!((text(8, 1), numbers_at(8)), ("Luật sư".into(), LAWYERS.map(|n| n as f64).to_vec()));
    assert_eq!((text(9, 1), numbers_at(9)), ("Tổng cộng".into(), TOTAL.map(|n| n as f64).to_vec()));
}

#[tokio::test]
async fn both_homes_give_the_same_reports() {
    let on_dynamodb = Api::on_dynamodb("reports").await;
    let on_sqlite = Api::many_filings().await;
    live(&on_dynamodb).await;
    live(&on_sqlite).await;
    for query in
        ["period=2026-03", "period=2026-Q1&group_by=agency", "period=2026-03&group_by=procedure", "period=2026"]
    {
        let (s, dynamo) = report(&on_dynamodb, "kiemsoat", query).await;
        assert_eq!(s, StatusCode::OK, "{dynamo}");
        let (_, sqlite) = report(&on_sqlite, "kiemsoat", query).await;
        assert_eq!(dynamo, sqlite, "{query}");
    }
    for path in [
        "/v1/reports/rates?period=2026-03",
        "/v1/reports/score-card?period=2026-Q1",
        "/v1/reports/satisfaction?period=2026-03&group_by=officer",
        "/v1/stats/public?from=2026-02-10&to=2026-04-16",
    ] {
        let (s, dynamo) = report_at(&on_dynamodb, "kiemsoat", path).await;
        assert_eq!(s, StatusCode::OK, "{dynamo}");
        let (_, sqlite) = report_at(&on_sqlite, "kiemsoat", path).await;
        assert_eq!(dynamo, sqlite, "{path}");
    }
    let (_, march) = report(&on_dynamodb, "tuphap.lanhdao", "period=2026-03").await;
    check_march(&march);
}

#[tokio::test]
async fn the_rates_score_card_and_satisfaction_of_march_are_worked_out_by_hand() {
    let api = Api::many_filings().await;
    live(&api).await;
    let get = |path: &'static str| report_at(&api, "tuphap.lanhdao", path);
    let ratio = |v: &Value| (v["numerator"].as_i64().unwrap(), v["denominator"].as_i64().unwrap());

    // Rates: of the department's five procedures offered online, one received online dossiers;
    // of the five dossiers newly received, three were filed online at the full level and none
    // at the partial; four of the five resolved were early or on time.
    let (s, rates) = get("/v1/reports/rates?period=2026-03").await;
    assert_eq!(s, StatusCode::OK, "{rates}");
    let total = &rates["total"];
    assert_eq!(ratio(&total["online_procedures_used"]), (1, 5));
    assert_eq!(ratio(&total["online_partial"]), (0, 5));
    assert_eq!(ratio(&total["online_full"]), (3, 5));
    assert_eq!(ratio(&total["on_time"]), (4, 5));
    assert_eq!(total["through_the_system"]["available"], false);
    assert_eq!(rates["agencies"].as_array().unwrap().len(), 1, "{rates}");

    // The score card, component by component.
    let (s, card) = get("/v1/reports/score-card?period=2026-03").await;
    assert_eq!(s, StatusCode::OK, "{card}");
    let components = card["total"]["components"].as_array().unwrap();
    let points: Vec<(&str, Value)> =
        components.iter().map(|c| (c["key"].as_str().unwrap(), c["points"].clone())).collect();
    assert_eq!(
        points,
        [
            ("progress", json!(15.0)), // (1 early + 3 on time + 2 within) ÷ (5 resolved + 3 in progress) of 20
            ("online_service", json!(12.0)), // 3 full-level online ÷ 3 of the full-level procedure
            ("online_payment", Value::Null),
            ("digitisation", json!(4.4)), // (0 electronic results ÷ 5, 6 files ÷ 10 components, 0 reused ÷ 6) ÷ 3 of 22
            ("satisfaction", json!(12.0)), // (5 − 1 not satisfied − 1 late) ÷ 5 = 0.6, ÷ 0.9 of 18
            ("status_sync", json!(0.0)),  // no portal here: none of the receptions reached it
        ]
    );
    assert_eq!((card["total"]["points"].clone(), card["total"]["max_points"].clone()), (json!(43.4), json!(78.0)));
    assert_eq!(components[0]["inputs"][0]["name"], "progress");
    assert_eq!(ratio(&components[0]["inputs"][0]), (6, 8), "the inputs are shown");

    // Satisfaction: two ratings in March, counted for the department and for both officers who
    // took a step of each dossier.
    let (s, by_agency) = get("/v1/reports/satisfaction?period=2026-03").await;
    assert_eq!(s, StatusCode::OK, "{by_agency}");
    let t = &by_agency["total"];
    assert_eq!(
        (t["ratings"].clone(), t["very_satisfied"].clone(), t["unsatisfied"].clone()),
        (json!(2), json!(1), json!(1))
    );
    let attitude = t["indicators"].as_array().unwrap().iter().find(|i| i["indicator"] == "attitude").unwrap();
    assert_eq!(attitude["mean"], 1.0, "0 and 2");
    let (_, by_officer) = get("/v1/reports/satisfaction?period=2026-03&group_by=officer").await;
    let officers: Vec<(&str, i64)> = by_officer["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["key"].as_str().unwrap(), r["ratings"].as_i64().unwrap()))
        .collect();
    assert_eq!(officers, [("tuphap.chuyenvien", 2), ("tuphap.lanhdao", 2)]);
    let (_, february) = get("/v1/reports/satisfaction?period=2026-02").await;
    assert_eq!(february["total"]["ratings"], 0);
    let (s, v) = get("/v1/reports/satisfaction?period=2026-03&group_by=field").await;
    assert_eq!((s, code_of(&v)), (StatusCode::BAD_REQUEST, "unknown_group"));
    let (s, v) = get("/v1/reports/rates?period=2026-03&group_by=agency").await;
    assert_eq!((s, code_of(&v)), (StatusCode::BAD_REQUEST, "unknown_group"));
}

#[tokio::test]
async fn public_statistics_are_counts_only_cacheable_and_open_data() {
    let api = Api::many_filings().await;
    live(&api).await;
    let uri = "/v1/stats/public?period=2026-03";
    let (s, body, headers) = api.raw("GET", uri, &[], Body::empty()).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(headers["cache-control"], "public, max-age=300");
    let tag = headers["etag"].to_str().unwrap().to_owned();
    let text = String::from_utf8(body).unwrap();
    for personal in ["079203001234", "0912345678", "+84912345678", "Đơn đề nghị"] {
        assert!(!text.contains(personal), "{personal} in the public statistics");
    }
    let v: Value = serde_json::from_str(&text).unwrap();
    assert!(v["licence"].as_str().unwrap().contains("CC BY 4.0"));
    assert_eq!(v["schema"], "motcua-public-stats/1");
    let rows: Vec<(&str, &str, [i64; 11])> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["agency"].as_str().unwrap(), r["field"].as_str().unwrap(), numbers(r)))
        .collect();
    assert_eq!(rows, [(JUSTICE, "Công chứng", NOTARIES), (JUSTICE, "Luật sư", LAWYERS)]);
    assert_eq!(v["rows"][1]["on_time"]["numerator"], 1);
    // Unchanged: 304 without a body; changed: a new tag.
    let (s, body, _) = api.raw("GET", uri, &[("if-none-match", &tag)], Body::empty()).await;
    assert_eq!((s, body.len()), (StatusCode::NOT_MODIFIED, 0));
    let desk = Desk { api: &api };
    desk.desk(vn(31, 3, 9), "L").await;
    api.set_time(vn(20, 4, 9));
    let (s, _, headers) = api.raw("GET", uri, &[("if-none-match", &tag)], Body::empty()).await;
    assert_eq!(s, StatusCode::OK, "a new dossier changes the figures");
    assert_ne!(headers["etag"].to_str().unwrap(), tag);
    // The open-data file.
    let (s, csv, headers) = api.raw("GET", &format!("{uri}&format=csv"), &[], Body::empty()).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(headers["x-licence"], "CC-BY-4.0");
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], motcua_functions::routes::stats::COLUMNS.join(","));
    assert!(lines[1].starts_with(&format!("2026-03-01,2026-03-31,{JUSTICE},")), "{}", lines[1]);
    // Bad input.
    for (query, code) in [
        ("period=2026-Q5", "invalid_period"),
        ("format=xlsx", "unknown_format"),
        ("agency=000.00.99.H56", "agency_not_found"),
    ] {
        let (s, v) = api.get(&format!("/v1/stats/public?{query}"), None, None).await;
        assert!(s.is_client_error(), "{query}");
        assert_eq!(code_of(&v), code, "{query}");
    }
}

async fn report_at(api: &Api, officer: &str, path: &str) -> (StatusCode, Value) {
    api.get(path, Some(&api.token(officer).await), None).await
}

#[tokio::test]
async fn the_workload_of_officers_and_their_agency_is_worked_out_by_hand() {
    let api = Api::many_filings().await;
    live(&api).await;
    // Read on Monday 20 April at 09:00: 24 working hours ahead is Thursday 23 April at 09:00.
    let (s, v) = report_at(&api, "tuphap.lanhdao", "/v1/reports/workload?period=2026-03").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let agencies = v["agencies"].as_array().unwrap();
    assert_eq!(agencies.len(), 1, "{v}");
    let justice = &agencies[0];
    let load = |x: &Value| {
        let f = &x["finished"];
        [
            x["on_hand"].as_i64().unwrap(),
            x["due_soon"].as_i64().unwrap(),
            x["overdue"].as_i64().unwrap(),
            f["early"].as_i64().unwrap(),
            f["on_time"].as_i64().unwrap(),
            f["late"].as_i64().unwrap(),
        ]
    };
    // In hand: B, H and K past their first step's due time, M due on 21 April, G waiting for a
    // supplement. Finished in March: the specialist's steps of A (early), C and D (late), the
    // leader's of A (early), C (on time, on the dossier's due date) and D (late).
    assert_eq!(load(justice), [5, 1, 3, 2, 1, 3]);
    let officers: Vec<(&str, [i64; 6])> =
        justice["officers"].as_array().unwrap().iter().map(|o| (o["officer"].as_str().unwrap(), load(o))).collect();
    assert_eq!(
        officers,
        [
            ("tuphap.chuyenvien", [2, 1, 1, 1, 0, 2]),
            ("tuphap.chuyenvien2", [1, 0, 1, 0, 0, 0]),
            ("tuphap.lanhdao", [0, 0, 0, 1, 1, 1]),
        ]
    );
    // The specialist's steps took 15, 31 and 96 working hours (C, filed online, is due in four
    // working days, on 16 March: it was resolved at 08:00 that day); the leader approved at once.
    // The handlers' clock runs on during a test, so a step may come out a minute short.
    let average = justice["officers"][0]["finished"]["average_minutes"].as_f64().unwrap();
    assert!((average - 2840.0).abs() <= 1.0, "{average}");
    assert_eq!(justice["officers"][2]["finished"]["average_minutes"], 0.0);
    // Another agency's officer sees only theirs.
    let (s, v) = report_at(&api, "taichinh.lanhdao", "/v1/reports/workload?period=2026-03").await;
    assert_eq!((s, v["agencies"].as_array().unwrap().len()), (StatusCode::OK, 0), "{v}");
}
