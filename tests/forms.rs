//! The printed forms through the API on one machine, read back as their readers would: the
//! text through poppler's `pdftotext`, the QR code through zbar from the page `pdftoppm`
//! renders. The applicant reads the forms addressed to them with the lookup secret; officers
//! who may see the dossier read all five; a form the dossier does not have yet is a conflict.

mod api;
mod support;

use api::{code_of, Api};
use axum::body::Body;
use axum::http::StatusCode;
use serde_json::json;

const PUBLIC: &str = "https://dichvucong.khanhhoa.example";

async fn api() -> Api {
    Api::with(|home| {
        home.forms.public_url = Some(PUBLIC.into());
        home.forms.place = Some("Nha Trang".into());
    })
    .await
}

/// The text of a PDF (whitespace collapsed: lines wrapped anywhere read as one) and what its
/// QR code holds. With `MOTCUA_FORMS_DUMP=DIR` the PDFs are also written there, to be looked at.
fn read(pdf: &[u8], name: &str) -> (String, String) {
    if let Ok(dump) = std::env::var("MOTCUA_FORMS_DUMP") {
        std::fs::write(std::path::Path::new(&dump).join(format!("{name}.pdf")), pdf).unwrap();
    }
    let (text, qr) = motcua_forms::readback::read(pdf);
    (text.split_whitespace().collect::<Vec<_>>().join(" "), qr)
}

/// A form as the applicant (`secret`) or an officer (`token`) fetches it: status, body, type.
async fn fetch(
    api: &Api,
    code: &str,
    form: &str,
    secret: Option<&str>,
    token: Option<&str>,
) -> (StatusCode, Vec<u8>, String) {
    let (uri, header) = match (secret, token) {
        (Some(secret), _) => (format!("/v1/dossiers/{code}/forms/{form}"), ("x-lookup-secret", secret.to_owned())),
        (None, Some(token)) => {
            (format!("/v1/officer/dossiers/{code}/forms/{form}"), ("authorization", format!("Bearer {token}")))
        }
        (None, None) => (format!("/v1/dossiers/{code}/forms/{form}"), ("accept", "application/pdf".to_owned())),
    };
    let (s, body, headers) = api.raw("GET", &uri, &[(header.0, &header.1)], Body::empty()).await;
    let kind = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (s, body, kind)
}

fn error_code(body: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    code_of(&v).to_owned()
}

#[tokio::test]
async fn the_receipt_tracking_card_supplement_request_and_apology_print_what_happened() {
    let api = api().await;
    let (code, secret) = api.submit().await;
    let desk = api.token("tuphap.motcua").await;
    let lead = api.token("tuphap.lanhdao").await;

    // Nothing to print before reception.
    let (s, body, _) = fetch(&api, &code, "receipt.pdf", Some(&secret), None).await;
    assert_eq!((s, error_code(&body)), (StatusCode::CONFLICT, "not_received".to_owned()));

    let (s, v) = api.post(&format!("/v1/dossiers/{code}/receive"), Some(&desk), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, receipt, kind) = fetch(&api, &code, "receipt.pdf", Some(&secret), None).await;
    assert_eq!((s, kind.as_str()), (StatusCode::OK, "application/pdf"));
    let (text, qr) = read(&receipt, "receipt");
    assert_eq!(qr, format!("{PUBLIC}/v1/dossiers/{code}"));
    for expected in [
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        &format!("Mã hồ sơ: {code}"),
        "Ông/Bà Nguyễn Thị Minh Khai",
        "Cấp Phiếu lý lịch tư pháp",
        "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
        "ngày làm việc",
        "Nha Trang, ngày",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
    ] {
        assert!(text.contains(expected), "{expected:?} in\n{text}");
    }
    let (_, v) = api.get(&format!("/v1/dossiers/{code}/receipt"), Some(&desk), None).await;
    let due = chrono::DateTime::parse_from_rfc3339(v["due_at"].as_str().unwrap()).unwrap();
    let promised = due.format("%-H giờ %M phút, ngày %-d tháng %-m năm %Y").to_string();
    assert!(text.contains(&promised), "{promised:?} in\n{text}");
    // The officer reads the same receipt.
    let (s, same, _) = fetch(&api, &code, "receipt", None, Some(&desk)).await;
    assert_eq!((s, same == receipt), (StatusCode::OK, true));

    // The tracking card is the agencies' record: officers only.
    let (s, body, _) = fetch(&api, &code, "tracking-card", Some(&secret), None).await;
    assert_eq!((s, error_code(&body)), (StatusCode::NOT_FOUND, "form_not_found".to_owned()));
    let (s, card, _) = fetch(&api, &code, "tracking-card.pdf", None, Some(&desk)).await;
    assert_eq!(s, StatusCode::OK);
    let (text, _) = read(&card, "card");
    assert!(text.contains("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"), "{text}");
    assert!(text.contains(&format!("{code}/TNHS")), "{text}");

    // An apology for a new date, then a supplement request.
    let later = api.extension_date().await;
    let (s, v) = api
        .post(
            &format!("/v1/dossiers/{code}/extend"),
            Some(&lead),
            json!({"reason": "Chờ kết quả xác minh của Công an tỉnh", "new_due_at": later}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, apology, _) = fetch(&api, &code, "apology", Some(&secret), None).await;
    assert_eq!(s, StatusCode::OK);
    let (text, _) = read(&apology, "apology");
    for expected in [
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        "Kính gửi: Ông/Bà Nguyễn Thị Minh Khai",
        "Chờ kết quả xác minh của Công an tỉnh",
        "THỦ TRƯỞNG CƠ QUAN",
        &promised,
    ] {
        assert!(text.contains(expected), "{expected:?} in\n{text}");
    }
    let new = chrono::DateTime::parse_from_rfc3339(&later).unwrap();
    let new = new.with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap());
    let new = new.format("%-H giờ %M phút, ngày %-d tháng %-m năm %Y").to_string();
    assert!(text.contains(&new), "{new:?} in\n{text}");

    let (s, body, _) = fetch(&api, &code, "supplement-request", Some(&secret), None).await;
    assert_eq!((s, error_code(&body)), (StatusCode::CONFLICT, "no_supplement_request".to_owned()));
    let (s, v) = api
        .post(
            &format!("/v1/dossiers/{code}/request-supplement"),
            Some(&desk),
            json!({"reason": "Ảnh chụp không rõ", "missing": ["Bản chụp CCCD rõ nét, đủ hai mặt", "Ảnh chân dung 4x6"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, request, _) = fetch(&api, &code, "supplement-request", Some(&secret), None).await;
    assert_eq!(s, StatusCode::OK);
    let (text, qr) = read(&request, "request");
    assert_eq!(qr, format!("{PUBLIC}/v1/dossiers/{code}"));
    for expected in [
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "1. Bản chụp CCCD rõ nét, đủ hai mặt",
        "2. Ảnh chân dung 4x6",
        "Ảnh chụp không rõ",
        "Hạn bổ sung",
        "NGƯỜI HƯỚNG DẪN",
    ] {
        assert!(text.contains(expected), "{expected:?} in\n{text}");
    }
    let (s, body, _) = fetch(&api, &code, "refusal", Some(&secret), None).await;
    assert_eq!((s, error_code(&body)), (StatusCode::CONFLICT, "not_refused".to_owned()));
}

#[tokio::test]
async fn a_refusal_prints_its_reasons_and_only_those_allowed_read_any_form() {
    let api = api().await;
    let (code, secret) = api.submit().await;
    let desk = api.token("tuphap.motcua").await;
    let (s, v) = api
        .post(
            &format!("/v1/dossiers/{code}/refuse"),
            Some(&desk),
            json!({"reason": "Hồ sơ không thuộc thẩm quyền của Sở Tư pháp"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, refusal, _) = fetch(&api, &code, "refusal.pdf", Some(&secret), None).await;
    assert_eq!(s, StatusCode::OK);
    let (text, _) = read(&refusal, "refusal");
    for expected in
        ["PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Hồ sơ không thuộc thẩm quyền của Sở Tư pháp", "Mẫu số 03"]
    {
        assert!(text.contains(expected), "{expected:?} in\n{text}");
    }

    // No secret, a wrong one, an unknown form, another agency's officer.
    let (s, _, _) = fetch(&api, &code, "refusal", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, _) = fetch(&api, &code, "refusal", Some("not-the-secret"), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, body, _) = fetch(&api, &code, "invoice", Some(&secret), None).await;
    assert_eq!((s, error_code(&body)), (StatusCode::NOT_FOUND, "form_not_found".to_owned()));
    let other = api.token("taichinh.motcua").await;
    let (s, _, _) = fetch(&api, &code, "refusal", None, Some(&other)).await;
    assert!(matches!(s, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{s}");
    let (s, _, _) = fetch(&api, "000.00.03.H56-991231-9999", "refusal", Some(&secret), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

/// Sends what the outbox holds through the local sink, enclosing the printed forms as the
/// `motcua` server does; answers the sink's lines.
async fn sent_through_the_sink(api: &Api) -> (Vec<serde_json::Value>, std::path::PathBuf) {
    use std::sync::Arc;
    let path = api.home.data_dir.join("sent-by-test.jsonl");
    let courier = motcua_infra::outbox_worker::Courier {
        outbox: api.home.store.outbox.clone(),
        notifier: Arc::new(motcua_infra::LocalSink::open(&path).unwrap()),
        enclosures: Arc::new(motcua_functions::enclosures::PrintedForms {
            dossiers: api.home.store.dossiers.clone(),
            catalogue: api.home.store.catalogue.clone(),
            settings: api.home.forms.clone(),
        }),
        limits: api.home.store.limits.clone(),
        clock: Arc::new(motcua_infra::SystemClock),
        caps: Default::default(),
    };
    courier.drain_once().await;
    let lines = std::fs::read_to_string(&path).unwrap_or_default();
    (lines.lines().map(|l| serde_json::from_str(l).unwrap()).collect(), api.home.data_dir.clone())
}

#[tokio::test]
async fn the_refusal_and_the_apology_reach_the_applicants_email_as_pdf() {
    let api = api().await;
    let desk = api.token("tuphap.motcua").await;
    let lead = api.token("tuphap.lanhdao").await;
    let mut email_only = support::criminal_record_filing("0912345678");
    email_only["applicant"].as_object_mut().unwrap().remove("phone");
    let file = || async {
        let (s, v) = api.file(email_only.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["code"].as_str().unwrap().to_owned()
    };
    let refused = file().await;
    let (s, v) = api
        .post(
            &format!("/v1/dossiers/{refused}/refuse"),
            Some(&desk),
            json!({"reason": "Không thuộc thẩm quyền giải quyết"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let late = file().await;
    let (s, v) = api.post(&format!("/v1/dossiers/{late}/receive"), Some(&desk), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let later = api.extension_date().await;
    let (s, v) = api
        .post(
            &format!("/v1/dossiers/{late}/extend"),
            Some(&lead),
            json!({"reason": "Chờ xác minh", "new_due_at": later}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    let (lines, dir) = sent_through_the_sink(&api).await;
    let enclosed = |code: &str, kind: &str| -> Vec<String> {
        let line = lines
            .iter()
            .find(|l| l["dossier_code"] == code && l["kind"] == kind)
            .unwrap_or_else(|| panic!("{kind} in {lines:?}"));
        assert_eq!(line["channel"], "email");
        line["enclosures"]
            .as_array()
            .map(|a| a.iter().map(|p| p.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default()
    };
    assert!(enclosed(&refused, "submitted").is_empty(), "a notice without a form encloses nothing");
    assert!(enclosed(&late, "received").is_empty());
    for (code, kind, expected) in
        [(&refused, "refused", "Không thuộc thẩm quyền giải quyết"), (&late, "apology", "Chờ xác minh")]
    {
        let files = enclosed(code, kind);
        assert_eq!(files.len(), 1, "{kind}: {files:?}");
        let (text, qr) = read(&std::fs::read(dir.join(&files[0])).unwrap(), kind);
        assert!(text.contains(expected), "{expected:?} in\n{text}");
        assert!(text.contains(&format!("Mã hồ sơ: {code}")), "{text}");
        assert_eq!(qr, format!("{PUBLIC}/v1/dossiers/{code}"));
        // The same form as the applicant downloads.
        assert!(files[0].ends_with(".pdf"));
    }
    // Sending again sends nothing twice and writes nothing more.
    let (again, _) = sent_through_the_sink(&api).await;
    assert_eq!(again.len(), lines.len());
}
