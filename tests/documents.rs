//! Documents on one machine, through the whole API: uploads announced, their bytes streamed and
//! checked, attached to filings and supplements, read back by those allowed; every refusal
//! changes nothing.

mod api;
mod support;

use api::{code_of, Api};
use axum::body::Body;
use axum::http::StatusCode;
use motcua_domain::codes::DossierCode;
use motcua_domain::documents::kind::samples;
use motcua_domain::documents::Sha256;
use serde_json::{json, Value};
use support::criminal_record_filing;

const FORM: &str = "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp";

fn announcement(name: &str, bytes: &[u8], media_type: &str) -> Value {
    json!({"file_name": name, "size": bytes.len(), "media_type": media_type, "sha256": Sha256::of(bytes).as_str()})
}

async fn raw(
    api: &Api,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Body,
) -> (StatusCode, Vec<u8>, axum::http::HeaderMap) {
    api.raw(method, uri, headers, body).await
}

/// An upload as the applicant or the desk (`token`), checked stored.
async fn uploaded(api: &Api, token: Option<&str>, name: &str, bytes: &[u8]) -> Value {
    let v = api.uploaded(token, name, bytes).await;
    let (s, state) = api.get(&format!("/v1/uploads/{}", v["id"].as_str().unwrap()), None, None).await;
    assert_eq!((s, state["state"].as_str()), (StatusCode::OK, Some("stored")));
    v
}

fn with_file(mut filing: Value, upload: &Value) -> Value {
    filing["documents"][0] = json!({"component": FORM, "upload": upload["id"], "sha256": upload["sha256"]});
    filing
}

fn files_dir(api: &Api) -> std::path::PathBuf {
    api.home.data_dir.join("files")
}

fn stored_files(api: &Api) -> usize {
    walk(&files_dir(api).join("sha256"))
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum())
        .unwrap_or(0)
}

/// A received criminal-record dossier through its steps to the leader: assigned to the
/// specialist, handed to the police and back.
async fn to_the_leader(api: &Api, code: &str) {
    let at = |a: &str| format!("/v1/dossiers/{code}/{a}");
    for (path, officer, body) in [
        (at("assign"), "tuphap.lanhdao", json!({"assignee": "tuphap.chuyenvien"})),
        (at("forward"), "tuphap.chuyenvien", json!({"assignee": "congan.chuyenvien"})),
        (at("forward"), "congan.chuyenvien", json!({"assignee": "tuphap.lanhdao"})),
    ] {
        let (s, v) = api.post(&path, Some(&api.token(officer).await), body).await;
        assert_eq!(s, StatusCode::OK, "{path}: {v}");
    }
}

#[tokio::test]
async fn a_filing_with_a_real_file_is_read_back_by_the_applicant_and_the_desk_only() {
    let api = Api::new().await;
    let bytes = samples::pdf();
    let upload = uploaded(&api, None, "Tờ khai lý lịch.pdf", &bytes).await;
    let (s, v) = api.file(with_file(criminal_record_filing("0912345678"), &upload)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (code, secret) = (v["code"].as_str().unwrap().to_owned(), v["lookup_secret"].as_str().unwrap().to_owned());
    let id = upload["id"].as_str().unwrap();

    // The chain commits to the file's hash.
    let events = api.home.store.dossiers.history(&DossierCode::parse(&code).unwrap()).await.unwrap();
    assert_eq!(events[0].files.len(), 2, "the form and the identity scan");
    assert_eq!(events[0].files[0].sha256, Sha256::of(&bytes));

    let file = format!("/v1/dossiers/{code}/files/{id}");
    let (s, body, headers) = raw(&api, "GET", &file, &[("x-lookup-secret", &secret)], Body::empty()).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body, bytes);
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"To khai ly lich.pdf\"; filename*=UTF-8''T%E1%BB%9D%20khai%20l%C3%BD%20l%E1%BB%8Bch.pdf"
    );
    assert_eq!(headers["cache-control"], "private, no-store");
    let (s, _, _) = raw(&api, "GET", &file, &[], Body::empty()).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "no secret");
    let (s, _, _) = raw(&api, "GET", &file, &[("x-lookup-secret", "wrong")], Body::empty()).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a wrong secret");

    let officer_file = format!("/v1/officer/dossiers/{code}/files/{id}");
    let desk = format!("Bearer {}", api.token("tuphap.motcua").await);
    let (s, body, _) = raw(&api, "GET", &officer_file, &[("authorization", &desk)], Body::empty()).await;
    assert_eq!((s, body), (StatusCode::OK, bytes.clone()));
    let other = format!("Bearer {}", api.token("taichinh.motcua").await);
    let (s, _, _) = raw(&api, "GET", &officer_file, &[("authorization", &other)], Body::empty()).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another agency's officer does not learn the file exists");
    let unknown = format!("/v1/officer/dossiers/{code}/files/{}", "0".repeat(32));
    let (s, _, _) = raw(&api, "GET", &unknown, &[("authorization", &desk)], Body::empty()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // A file swapped or lost behind the API's back shows in verify.
    let verify = format!("/v1/dossiers/{code}/verify");
    let (s, v) = api.get(&verify, Some(&api.token("tuphap.motcua").await), None).await;
    assert_eq!((s, v["intact"].clone(), v["files"].clone()), (StatusCode::OK, json!(true), json!([])), "{v}");
    let hex = Sha256::of(&bytes).as_str().to_owned();
    let stored = files_dir(&api).join("sha256").join(&hex[..2]).join(&hex);
    let mut swapped = bytes.clone();
    swapped[9] ^= 1;
    std::fs::write(&stored, &swapped).unwrap();
    let (_, v) = api.get(&verify, Some(&api.token("tuphap.motcua").await), None).await;
    assert_eq!(v["files"], json!([{"id": id, "seq": 0, "problem": "altered"}]), "{v}");
    std::fs::remove_file(&stored).unwrap();
    let (_, v) = api.get(&verify, Some(&api.token("tuphap.motcua").await), None).await;
    assert_eq!(v["files"][0]["problem"], "missing", "{v}");
    std::fs::write(&stored, &bytes).unwrap();

    // Used once: another filing cannot take the same upload.
    let (s, v) = api.post("/v1/dossiers", None, with_file(criminal_record_filing("0912345679"), &upload)).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "upload_already_attached"), "{v}");
    let (s, v) = api.get(&format!("/v1/uploads/{id}"), None, None).await;
    assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("attached")));
}

#[tokio::test]
async fn bytes_unlike_their_announcement_are_refused_and_leave_nothing() {
    let api = Api::new().await;
    let bytes = samples::pdf();
    let put = |v: &Value| v["upload"]["url"].as_str().unwrap().to_owned();
    let announce = |body: Value| {
        let api = &api;
        async move {
            let (s, v) = api.post("/v1/uploads", None, body).await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            v
        }
    };
    // Other bytes than the checksum announced; a PDF announced as PNG; an executable as PDF.
    let mut changed = bytes.clone();
    changed[15] ^= 1;
    let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0".to_vec();
    for (announced, sent, expected) in [
        (announcement("a.pdf", &bytes, "application/pdf"), changed.clone(), "file_checksum_mismatch"),
        (announcement("a.png", &bytes, "image/png"), bytes.clone(), "file_type_mismatch"),
        (announcement("a.pdf", &exe, "application/pdf"), exe.clone(), "file_executable"),
        (announcement("a.pdf", &bytes, "application/pdf"), bytes[..20].to_vec(), "file_size_mismatch"),
        (announcement("a.pdf", &bytes[..20], "application/pdf"), bytes.clone(), "file_size_mismatch"),
    ] {
        let v = announce(announced).await;
        let (s, body, _) = raw(&api, "PUT", &put(&v), &[], Body::from(sent)).await;
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!((s, code_of(&body)), (StatusCode::UNPROCESSABLE_ENTITY, expected), "{body}");
        let (_, state) = api.get(&format!("/v1/uploads/{}", v["id"].as_str().unwrap()), None, None).await;
        assert_eq!(state["state"], "pending", "a refused upload may be sent again");
        let (s, v) = api.post("/v1/dossiers", None, with_file(criminal_record_filing("0912345678"), &v)).await;
        assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "upload_incomplete"), "{v}");
    }
    assert_eq!(stored_files(&api), 0);
    assert_eq!(walk(&files_dir(&api).join("incoming")), 0);

    // A body that breaks off half way leaves no file either.
    let v = announce(announcement("a.pdf", &bytes, "application/pdf")).await;
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(bytes[..10].to_vec()), Err(std::io::Error::other("connection reset"))];
    let (s, _, _) = raw(&api, "PUT", &put(&v), &[], Body::from_stream(futures_util::stream::iter(chunks))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(stored_files(&api) + walk(&files_dir(&api).join("incoming")), 0);
    // Then it is sent whole; sending again is refused.
    let (s, _, _) = raw(&api, "PUT", &put(&v), &[], Body::from(bytes.clone())).await;
    assert_eq!(s, StatusCode::OK);
    let (s, body, _) = raw(&api, "PUT", &put(&v), &[], Body::from(bytes.clone())).await;
    assert_eq!(
        (s, code_of(&serde_json::from_slice(&body).unwrap())),
        (StatusCode::CONFLICT, "upload_already_received")
    );
    assert_eq!(stored_files(&api), 1);
}

#[tokio::test]
async fn what_an_announcement_or_a_reference_gets_wrong_is_refused_with_its_code() {
    let api = Api::new().await;
    let bytes = samples::pdf();
    for (body, expected) in [
        (
            json!({"file_name": "a.pdf", "size": 21 * 1024 * 1024, "media_type": "application/pdf", "sha256": "0".repeat(64)}),
            "file_too_large",
        ),
        (
            json!({"file_name": "a.pdf", "size": 0, "media_type": "application/pdf", "sha256": "0".repeat(64)}),
            "file_empty",
        ),
        (
            json!({"file_name": "../../etc/passwd", "size": 10, "media_type": "application/pdf", "sha256": "0".repeat(64)}),
            "invalid_file_name",
        ),
        (
            json!({"file_name": "a.exe", "size": 10, "media_type": "application/x-msdownload", "sha256": "0".repeat(64)}),
            "file_type_unsupported",
        ),
        (json!({"file_name": "a.pdf", "size": 10, "media_type": "application/pdf", "sha256": "xyz"}), "invalid_sha256"),
    ] {
        let (s, v) = api.post("/v1/uploads", None, body).await;
        assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, expected), "{v}");
    }
    let mine = uploaded(&api, None, "a.pdf", &bytes).await;
    let desk = api.token("tuphap.motcua").await;
    let the_desks = uploaded(&api, Some(&desk), "scan.pdf", &bytes).await;
    let filing = criminal_record_filing("0912345678");
    let mut wrong_hash = mine.clone();
    wrong_hash["sha256"] = json!(Sha256::of(b"other").as_str());
    let mut unknown = mine.clone();
    unknown["id"] = json!("f".repeat(32));
    let mut malformed = mine.clone();
    malformed["id"] = json!("../etc");
    for (upload, expected) in [
        (&wrong_hash, "upload_checksum_mismatch"),
        (&unknown, "upload_not_found"),
        (&malformed, "invalid_upload_id"),
        (&the_desks, "upload_not_yours"),
    ] {
        let (s, v) = api.post("/v1/dossiers", None, with_file(filing.clone(), upload)).await;
        assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, expected), "{v}");
    }
    let mut twice = with_file(filing.clone(), &mine);
    twice["documents"][1] = twice["documents"][0].clone();
    let (s, v) = api.post("/v1/dossiers", None, twice).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "upload_repeated"), "{v}");
    // Nothing was filed by any of these; the upload is still free for a good filing.
    let (s, v) = api.file(with_file(filing, &mine)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert!(v["code"].as_str().unwrap().ends_with("-0001"), "the refused filings took no code: {v}");
}

#[tokio::test]
async fn the_desk_files_its_scans_and_the_applicant_supplements_with_a_new_file() {
    let api = Api::new().await;
    let desk = api.token("tuphap.motcua").await;
    let scan = uploaded(&api, Some(&desk), "scan.pdf", &samples::pdf()).await;
    let mut filing = with_file(criminal_record_filing("0912345678"), &scan);
    filing["channel"] = json!("direct");
    let (s, v) = api.post("/v1/counter/dossiers", Some(&desk), filing).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (code, secret) = (v["code"].as_str().unwrap().to_owned(), v["lookup_secret"].as_str().unwrap().to_owned());
    let (s, v) = api
        .post(
            &format!("/v1/dossiers/{code}/request-supplement"),
            Some(&desk),
            json!({"reason": "Bản chụp mờ", "missing": ["Bản chụp giấy tờ tùy thân"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let png = samples::png();
    let (s, announced) = api.post("/v1/uploads", None, announcement("cccd.png", &png, "image/png")).await;
    assert_eq!(s, StatusCode::CREATED);
    let url = announced["upload"]["url"].as_str().unwrap().to_owned();
    assert_eq!(raw(&api, "PUT", &url, &[], Body::from(png.clone())).await.0, StatusCode::OK);
    let document =
        json!({"component": "Bản chụp giấy tờ tùy thân", "upload": announced["id"], "sha256": announced["sha256"]});
    // A stranger without the secret learns nothing and attaches nothing.
    let (s, _) = api
        .post_secret(&format!("/v1/dossiers/{code}/supplement"), None, json!({"documents": [document.clone()]}))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, v) = api
        .post_secret(&format!("/v1/dossiers/{code}/supplement"), Some(&secret), json!({"documents": [document]}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let id = announced["id"].as_str().unwrap();
    let (s, body, headers) =
        raw(&api, "GET", &format!("/v1/dossiers/{code}/files/{id}"), &[("x-lookup-secret", &secret)], Body::empty())
            .await;
    assert_eq!((s, body), (StatusCode::OK, png));
    assert_eq!(headers["content-type"], "image/png");
    let events = api.home.store.dossiers.history(&DossierCode::parse(&code).unwrap()).await.unwrap();
    assert_eq!(events.iter().map(|e| e.files.len()).collect::<Vec<_>>(), [1, 0, 1]);
}

#[tokio::test]
async fn the_leader_issues_an_electronic_result_that_the_applicant_downloads_once_returned() {
    let api = Api::new().await;
    let (code, secret, _) = api.submit_with_file().await;
    let at = |a: &str| format!("/v1/dossiers/{code}/{a}");
    let desk = api.token("tuphap.motcua").await;
    let lead = api.token("tuphap.lanhdao").await;
    let (s, v) = api.post(&at("receive"), Some(&desk), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    to_the_leader(&api, &code).await;
    let signed = samples::pdf();
    let upload = api.uploaded(Some(&lead), "phieu-lltp.pdf", &signed).await;
    let result = json!({
        "name": "Phiếu lý lịch tư pháp số 1", "number": "123/2026", "notation": "STP-LLTP",
        "issued_on": "2026-12-01", "signer": "Nguyễn Văn Giám Đốc", "issuer": "Sở Tư pháp tỉnh Khánh Hòa",
        "upload": upload["id"], "sha256": upload["sha256"]});
    let mut unsigned = result.clone();
    unsigned["signer"] = json!(" ");
    let (s, v) = api.post(&at("approve"), Some(&lead), json!({"results": [unsigned]})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_result"), "{v}");
    let (s, v) = api.post(&at("approve"), Some(&lead), json!({"results": [result]})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["results"][0]["number"], "123/2026");
    let id = upload["id"].as_str().unwrap();
    assert_eq!(v["results"][0]["file"]["id"], id);
    let events = api.home.store.dossiers.history(&DossierCode::parse(&code).unwrap()).await.unwrap();
    assert_eq!(events.last().unwrap().files[0].sha256, Sha256::of(&signed), "the chain holds the result's hash");

    // Before the hand-over the applicant neither sees nor downloads it.
    let file = format!("/v1/dossiers/{code}/files/{id}");
    let (s, _, _) = raw(&api, "GET", &file, &[("x-lookup-secret", &secret)], Body::empty()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, view) = api.get(&format!("/v1/dossiers/{code}"), None, Some(&secret)).await;
    assert_eq!(view["results"], json!([]));
    let (s, v) = api.post(&at("return"), Some(&desk), json!({"method": "online"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, body, headers) = raw(&api, "GET", &file, &[("x-lookup-secret", &secret)], Body::empty()).await;
    assert_eq!((s, body), (StatusCode::OK, signed));
    assert!(headers["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''Phi%E1%BA%BFu%20l%C3%BD"));
    let (_, view) = api.get(&format!("/v1/dossiers/{code}"), None, Some(&secret)).await;
    assert_eq!(view["results"][0]["issuer"], "Sở Tư pháp tỉnh Khánh Hòa");
}

#[tokio::test]
async fn digitised_papers_and_issued_results_are_kept_for_the_owner_and_reused_without_asking_again() {
    let api = Api::new().await;
    let desk = api.token("tuphap.motcua").await;
    let lead = api.token("tuphap.lanhdao").await;
    // At the desk: the citizen's identity card is scanned and its particulars read off it.
    let id_card = samples::png();
    let scan = api.uploaded_as(Some(&desk), "cccd.png", &id_card, "image/png").await;
    let mut filing = criminal_record_filing("0912345678");
    filing["channel"] = json!("direct");
    filing["documents"][1] = json!({"component": "Bản chụp giấy tờ tùy thân", "upload": scan["id"], "sha256": scan["sha256"],
        "particulars": {"number": "079203009876", "issuer": "Cục Cảnh sát QLHC về TTXH", "issued_on": "2021-05-04",
                        "valid_until": "2036-05-04"}});
    let (s, v) = api.post("/v1/counter/dossiers", Some(&desk), filing).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (first, secret) = (v["code"].as_str().unwrap().to_owned(), v["lookup_secret"].as_str().unwrap().to_owned());
    let store_of = |code: &str| format!("/v1/dossiers/{code}/stored-documents");
    let (s, v) = api.get(&store_of(&first), None, Some(&secret)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["items"].as_array().unwrap().len(), 1, "{v}");
    let digitised = v["items"][0].clone();
    assert_eq!(digitised["id"], scan["id"]);
    assert_eq!(digitised["provenance"]["origin"], "digitised");
    assert_eq!(digitised["provenance"]["recorded_by"], "tuphap.motcua");
    assert_eq!(digitised["particulars"]["number"], "079203009876");
    assert_eq!(
        (digitised["name"].as_str(), digitised["valid"].as_bool()),
        (Some("Bản chụp giấy tờ tùy thân"), Some(true))
    );
    let (s, v) = api.get(&store_of(&first), None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "no secret, no list: {v}");

    // The result is issued with its file, valid until today, and handed over online.
    let at = |a: &str| format!("/v1/dossiers/{first}/{a}");
    to_the_leader(&api, &first).await;
    let signed = samples::pdf();
    let upload = api.uploaded(Some(&lead), "phieu-lltp.pdf", &signed).await;
    let today = motcua_domain::calendar::vietnam::to_local(chrono::Utc::now()).date().to_string();
    let result = json!({"name": "Phiếu lý lịch tư pháp số 1", "number": "123/2026", "issued_on": today, "valid_until": today,
        "signer": "Nguyễn Văn Giám Đốc", "issuer": "Sở Tư pháp tỉnh Khánh Hòa", "upload": upload["id"], "sha256": upload["sha256"]});
    let (s, v) = api.post(&at("approve"), Some(&lead), json!({"results": [result]})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, v) = api.get(&store_of(&first), None, Some(&secret)).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 1, "a result is kept once handed over: {v}");
    let (s, v) = api.post(&at("return"), Some(&desk), json!({"method": "online"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, v) = api.get(&store_of(&first), None, Some(&secret)).await;
    let result = v["items"][0].clone();
    assert_eq!(
        (result["provenance"]["origin"].as_str(), result["id"].clone()),
        (Some("issued_result"), upload["id"].clone())
    );
    assert_eq!(result["particulars"]["number"], "123/2026");
    let officer_store = |code: &str| format!("/v1/officer/dossiers/{code}/stored-documents");
    let (s, v) = api.get(&officer_store(&first), Some(&desk), None).await;
    assert_eq!((s, code_of(&v)), (StatusCode::FORBIDDEN, "dossier_finished"), "{v}");

    // A second filing online by the same citizen reuses the scan instead of uploading it again.
    let mut second = api.with_files(criminal_record_filing("0912345678")).await;
    second["documents"][1] = json!({"component": "Bản chụp giấy tờ tùy thân", "stored": digitised["id"]});
    let mut stranger = second.clone();
    stranger["applicant"]["citizen_id"] = json!("079203001111");
    let (s, v) = api.post("/v1/dossiers", None, stranger).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "stored_document_not_found"), "{v}");
    let mut both = second.clone();
    both["documents"][1]["upload"] = scan["id"].clone();
    let (s, v) = api.post("/v1/dossiers", None, both).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "document_file_ambiguous"), "{v}");
    let mut reading = second.clone();
    reading["documents"][1]["particulars"] = json!({"number": "1"});
    let (s, v) = api.post("/v1/dossiers", None, reading).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "particulars_from_desk_only"), "{v}");
    let (s, v) = api.post("/v1/dossiers", None, second).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (code, new_secret) = (v["code"].as_str().unwrap().to_owned(), v["lookup_secret"].as_str().unwrap().to_owned());

    // The desk sees where it came from; the file is the same bytes, its hash in the new chain.
    let (s, v) = api.get(&format!("/v1/officer/dossiers/{code}"), Some(&desk), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let reused = &v["documents"][1];
    assert_eq!(reused["reused"]["provenance"]["dossier"], first.as_str(), "{v}");
    assert_eq!(reused["reused"]["provenance"]["origin"], "digitised");
    assert_eq!(reused["particulars"]["issuer"], "Cục Cảnh sát QLHC về TTXH");
    let id = digitised["id"].as_str().unwrap();
    let (s, body, _) = raw(
        &api,
        "GET",
        &format!("/v1/dossiers/{code}/files/{id}"),
        &[("x-lookup-secret", &new_secret)],
        Body::empty(),
    )
    .await;
    assert_eq!((s, body), (StatusCode::OK, id_card.clone()));
    let events = api.home.store.dossiers.history(&DossierCode::parse(&code).unwrap()).await.unwrap();
    assert!(events[0].files.iter().any(|f| f.sha256 == Sha256::of(&id_card)), "the chain holds the reused file's hash");
    let (s, v) = api.get(&officer_store(&code), Some(&desk), None).await;
    assert_eq!((s, v["items"].as_array().map(Vec::len)), (StatusCode::OK, Some(2)), "while in hand: {v}");

    // Past its validity, the result can no longer stand for a paper.
    api.pass(chrono::Duration::days(2));
    let (_, v) = api.get(&store_of(&code), None, Some(&new_secret)).await;
    let listed = v["items"].as_array().unwrap();
    assert!(listed.iter().any(|d| d["id"] == result["id"] && d["valid"] == false), "{v}");
    let mut late = api.with_files(criminal_record_filing("0912345678")).await;
    late["documents"][1] = json!({"component": "Bản chụp giấy tờ tùy thân", "stored": result["id"]});
    let (s, v) = api.post("/v1/dossiers", None, late).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "stored_document_expired"), "{v}");
}

#[tokio::test]
async fn the_archive_export_holds_the_record_the_files_and_the_forms_each_hash_checked() {
    let api = Api::new().await;
    let (code, _, id) = api.submit_with_file().await;
    let desk = api.token("tuphap.motcua").await;
    let (s, v) = api.post(&format!("/v1/dossiers/{code}/receive"), Some(&desk), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let archive = format!("/v1/officer/dossiers/{code}/archive");
    let bearer = format!("Bearer {desk}");
    let (s, zip, headers) = raw(&api, "GET", &archive, &[("authorization", &bearer)], Body::empty()).await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&zip));
    assert_eq!(headers["content-type"], "application/zip");
    assert_eq!(headers["content-length"], zip.len().to_string().as_str());
    assert!(headers["content-disposition"].to_str().unwrap().contains(&format!("{code}.zip")));
    let (entries, checked) = support::unzipped_and_checked(&zip, &code);
    for expected in ["dossier.json", "history.json", "forms/receipt.pdf", "forms/tracking-card.pdf", "manifest.sha256"]
    {
        assert!(entries.contains(&format!("{code}/{expected}")), "{expected} in {entries:?}");
    }
    assert!(!entries.iter().any(|e| e.ends_with("forms/refusal.pdf")), "only the forms that apply: {entries:?}");
    let files: Vec<&String> = entries.iter().filter(|e| e.contains("/files/")).collect();
    assert_eq!(files.len(), 2, "the form and the scan: {entries:?}");
    assert!(files.iter().any(|f| f.contains(&id)), "{entries:?}");
    assert_eq!(checked.lines().count(), entries.len() - 1, "every other entry is in the manifest: {checked}");
    assert!(checked.lines().all(|l| l.ends_with(": OK")), "{checked}");

    let (s, _, _) = raw(
        &api,
        "GET",
        &archive,
        &[("authorization", &format!("Bearer {}", api.token("taichinh.motcua").await))],
        Body::empty(),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "another agency's officer");
    // A file swapped behind the API's back stops the export.
    let bytes = samples::pdf();
    let hex = Sha256::of(&bytes).as_str().to_owned();
    let stored = files_dir(&api).join("sha256").join(&hex[..2]).join(&hex);
    let mut swapped = bytes.clone();
    swapped[9] ^= 1;
    std::fs::write(&stored, &swapped).unwrap();
    let (s, body, _) = raw(&api, "GET", &archive, &[("authorization", &bearer)], Body::empty()).await;
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "file_altered"), "{v}");
}

/// A filing is one write: DynamoDB's transactions take 100 items (the dossier, its event, the
/// notice, the sync item, the limit's use, each upload attached, each search term). One that
/// would not fit is refused before anything is written, on both homes alike, saying how many
/// files fit; that many are filed.
async fn a_filing_too_large_for_one_write_is_refused_and_what_fits_is_filed(api: Api) {
    let mut uploads = vec![];
    for i in 0..80 {
        let mut bytes = motcua_domain::documents::kind::samples::pdf();
        bytes.extend_from_slice(format!("\n% trang {i}\n").as_bytes());
        uploads.push(api.uploaded(None, &format!("trang-{i}.pdf"), &bytes).await);
    }
    let filing = |n: usize| {
        let mut f = criminal_record_filing("0912345678");
        let documents: Vec<Value> = uploads[..n]
            .iter()
            .map(|u| json!({"component": FORM, "upload": u["id"], "sha256": u["sha256"]}))
            .chain(std::iter::once(json!({"component": "Bản chụp giấy tờ tùy thân", "upload": uploads[79]["id"], "sha256": uploads[79]["sha256"]})))
            .collect();
        f["documents"] = json!(documents);
        f
    };
    let (s, v) = api.post("/v1/dossiers", None, filing(79)).await;
    assert_eq!((s, code_of(&v)), (StatusCode::PAYLOAD_TOO_LARGE, "too_many_files"), "{v}");
    let most = v["error"]["details"]["most"].as_u64().unwrap() as usize;
    assert!((40..80).contains(&most), "{v}");
    let (s, state) = api.get(&format!("/v1/uploads/{}", uploads[0]["id"].as_str().unwrap()), None, None).await;
    assert_eq!((s, state["state"].as_str()), (StatusCode::OK, Some("stored")), "nothing was attached");
    let (s, v) = api.post("/v1/dossiers", None, filing(most)).await;
    assert_eq!((s, code_of(&v)), (StatusCode::PAYLOAD_TOO_LARGE, "too_many_files"), "one more than fits: {v}");
    // Exactly at the limit: on DynamoDB (moto refuses a transaction of more than 100 items,
    // as DynamoDB does) this proves the count is the store's.
    let (s, v) = api.post("/v1/dossiers", None, filing(most - 1)).await;
    assert_eq!(s, StatusCode::CREATED, "{most} files fit: {v}");
}

#[tokio::test]
async fn a_filing_too_large_for_one_write_is_refused_on_sqlite() {
    a_filing_too_large_for_one_write_is_refused_and_what_fits_is_filed(Api::new().await).await;
}

#[tokio::test]
async fn a_filing_too_large_for_one_write_is_refused_on_dynamodb() {
    a_filing_too_large_for_one_write_is_refused_and_what_fits_is_filed(Api::on_dynamodb("files_that_fit").await).await;
}
