//! Finding any dossier of one's agency through the API, on both homes: by name (any order,
//! diacritics aside), citizen ID, phone in any written form, code fragment, status, procedure,
//! field, holder and period, newest first and page by page; never another agency's dossier;
//! a search with no criteria or a period past five years is refused.

mod api;
mod support;

use api::{code_of, Api};
use axum::http::StatusCode;
use serde_json::{json, Value};
use support::*;

fn filing(name: &str, id: &str, phone: &str) -> Value {
    let mut f = criminal_record_filing(phone);
    f["applicant"]["name"] = json!(name);
    f["applicant"]["citizen_id"] = json!(id);
    f
}

async fn find(api: &Api, officer: &str, query: &str) -> (StatusCode, Value) {
    let token = api.token(officer).await;
    api.get(&format!("/v1/officer/search?{query}"), Some(&token), None).await
}

fn codes(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap().to_owned()).collect()
}

async fn any_dossier_is_found(api: Api) {
    let (mut filed, mut secrets) = (vec![], vec![]);
    for (name, id, phone) in [
        ("Nguyễn Thị Minh Khai", "079203000001", "0912000001"),
        ("Trần Văn Bình", "079203000002", "0912000002"),
        ("Nguyễn Văn Bình", "079203000003", "0912000003"),
        ("Lê Minh", "079203000004", "0912000004"),
        ("Tôn Thất Nguyễn Phước Bảo", "079203000005", "0912000005"),
    ] {
        let (s, v) = api.file(filing(name, id, phone)).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        filed.push(v["code"].as_str().unwrap().to_owned());
        secrets.push(v["lookup_secret"].as_str().unwrap().to_owned());
    }
    let desk = api.token("tuphap.motcua").await;
    for code in &filed[..3] {
        let (s, _) = api.post(&format!("/v1/dossiers/{code}/receive"), Some(&desk), json!({})).await;
        assert_eq!(s, StatusCode::OK);
    }
    let lead = api.token("tuphap.lanhdao").await;
    let (s, _) = api
        .post(&format!("/v1/dossiers/{}/assign", filed[1]), Some(&lead), json!({"assignee": "tuphap.chuyenvien"}))
        .await;
    assert_eq!(s, StatusCode::OK);

    let (s, v) = find(&api, "tuphap.motcua", "").await;
    assert_eq!((s, code_of(&v)), (StatusCode::BAD_REQUEST, "invalid_search"));
    let (s, v) = find(&api, "tuphap.motcua", "received_from=2020-01-01&received_to=2026-12-31").await;
    assert_eq!((s, code_of(&v)), (StatusCode::BAD_REQUEST, "invalid_search"), "more than five years");
    let (s, v) = find(&api, "tuphap.motcua", "id=123").await;
    assert_eq!((s, code_of(&v)), (StatusCode::BAD_REQUEST, "invalid_id"));

    let by = |q: &'static str| find(&api, "tuphap.motcua", q);
    let (s, v) = by("name=khai%20MINH").await;
    assert_eq!((s, codes(&v)), (StatusCode::OK, vec![filed[0].clone()]), "any order, diacritics aside");
    let (_, v) = by("name=Bình").await;
    assert_eq!(codes(&v), [filed[2].clone(), filed[1].clone()], "newest first");
    let (_, v) = by("name=nguyen%20binh").await;
    assert_eq!(codes(&v), [filed[2].clone()]);
    let (_, v) = by("name=Nguy%E1%BB%85n%20Th%E1%BB%8B%20Minh%20Khai").await;
    assert_eq!(codes(&v), [filed[0].clone()], "the whole name");
    let (_, v) = by("name=nguyen").await;
    assert_eq!(codes(&v), [filed[4].clone(), filed[2].clone(), filed[0].clone()], "short and long names");
    let (_, v) = by("name=bao%20nguyen").await;
    assert_eq!(codes(&v), [filed[4].clone()], "two words of a long name");
    let (_, v) = by("name=phuoc%20that%20ton%20bao%20nguyen").await;
    assert_eq!(codes(&v), [filed[4].clone()], "a long name whole");
    let (_, v) = by("name=khai%20binh").await;
    assert!(codes(&v).is_empty(), "words of two names");
    let (_, v) = by("id=079203000002").await;
    assert_eq!(codes(&v), [filed[1].clone()]);
    let (_, v) = by("id=079203009999").await;
    assert!(codes(&v).is_empty());
    let (_, v) = by("phone=%2B84912000004").await;
    assert_eq!(codes(&v), [filed[3].clone()], "a phone in another written form");
    let fragment = &filed[2][filed[2].len() - 6..];
    let (_, v) = find(&api, "tuphap.motcua", &format!("code={fragment}")).await;
    assert_eq!(codes(&v), [filed[2].clone()]);
    let (_, v) = by("status=submitted").await;
    assert_eq!(codes(&v), [filed[4].clone(), filed[3].clone()]);
    let (_, v) = find(&api, "tuphap.chuyenvien", "assignee=me").await;
    assert_eq!(codes(&v), [filed[1].clone()]);
    let (_, v) = find(&api, "tuphap.motcua", &format!("procedure={CRIMINAL_RECORD}&name=minh")).await;
    assert_eq!(codes(&v), [filed[3].clone(), filed[0].clone()]);
    let (_, v) = by("field=L%C3%BD%20l%E1%BB%8Bch%20t%C6%B0%20ph%C3%A1p&status=received").await;
    assert_eq!(codes(&v).len(), 2, "{v}");
    let today = motcua_domain::calendar::vietnam::to_local(chrono::Utc::now()).date();
    let (_, v) = find(&api, "tuphap.motcua", &format!("received_from={today}&received_to={today}&limit=2")).await;
    assert_eq!(codes(&v), [filed[2].clone(), filed[1].clone()]);
    let cursor = v["next_cursor"].as_str().expect("a next page");
    let (_, v) =
        find(&api, "tuphap.motcua", &format!("received_from={today}&received_to={today}&limit=2&cursor={cursor}"))
            .await;
    assert_eq!(codes(&v), [filed[0].clone()]);
    assert!(v["next_cursor"].is_null());
    // A closed dossier is found too; another agency finds none of these.
    let (s, _) = api.post_secret(&format!("/v1/dossiers/{}/withdraw", filed[3]), Some(&secrets[3]), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let (_, v) = by("status=withdrawn&name=le").await;
    assert_eq!(codes(&v), [filed[3].clone()]);
    let (_, v) = find(&api, "yte.motcua", "name=minh").await;
    assert!(codes(&v).is_empty(), "{v}");
    let (_, v) = find(&api, "congan.chuyenvien", "id=079203000001").await;
    assert!(codes(&v).is_empty(), "the police hold a step but search their own agency's dossiers");
}

#[tokio::test]
async fn any_dossier_is_found_on_sqlite() {
    any_dossier_is_found(Api::many_filings().await).await;
}

#[tokio::test]
async fn any_dossier_is_found_on_dynamodb() {
    any_dossier_is_found(Api::on_dynamodb("search").await).await;
}

#[tokio::test]
async fn dossiers_filed_before_search_existed_are_found_once_reindexed() {
    let api = Api::many_filings().await;
    let (s, v) = api.file(filing("Phạm Thị Uyên", "079203000009", "0912000009")).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let code = v["code"].as_str().unwrap().to_owned();
    // As a data directory of the previous release: no terms.
    let sqlite = api.home.store.sqlite.clone().unwrap();
    sqlite.raw_connection().unwrap().execute("DELETE FROM search_terms", []).unwrap();
    let (_, v) = find(&api, "tuphap.motcua", "name=uyen").await;
    assert!(codes(&v).is_empty());
    let filed = motcua_functions::service::search::reindex(&api.home.state(), &|_, _| {}).await.unwrap();
    assert_eq!(filed, 1);
    for query in ["name=uyen", "id=079203000009"] {
        let (_, v) = find(&api, "tuphap.motcua", query).await;
        assert_eq!(codes(&v), std::slice::from_ref(&code), "{query}");
    }
    motcua_functions::service::search::reindex(&api.home.state(), &|_, _| {}).await.unwrap();
    let terms: i64 =
        sqlite.raw_connection().unwrap().query_row("SELECT COUNT(*) FROM search_terms", [], |r| r.get(0)).unwrap();
    assert_eq!(terms, 10, "a second run files nothing twice: a:, three words and their four sets, the ID, the phone");
}

/// A database whose dossiers were filed under the earlier terms (words only) is filed again
/// once by the server at its start: a search of two words finds them afterwards.
#[tokio::test]
async fn the_server_files_an_earlier_releases_dossiers_again_once() {
    let api = Api::many_filings().await;
    let (s, v) = api.file(filing("Phạm Thị Uyên", "079203000009", "0912000009")).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let code = v["code"].as_str().unwrap().to_owned();
    let sqlite = api.home.store.sqlite.clone().unwrap();
    let raw = sqlite.raw_connection().unwrap();
    raw.execute("DELETE FROM search_terms WHERE term LIKE 'c:%'", []).unwrap();
    raw.execute("INSERT INTO search_refile (pending) VALUES (1)", []).unwrap();
    let (_, v) = find(&api, "tuphap.motcua", "name=uyen%20pham").await;
    assert!(codes(&v).is_empty(), "not filed under its sets of words yet");
    assert!(sqlite.refile_pending().await.unwrap());
    motcua_functions::server::refile(api.home.state(), sqlite.clone()).await;
    let (_, v) = find(&api, "tuphap.motcua", "name=uyen%20pham").await;
    assert_eq!(codes(&v), [code]);
    assert!(!sqlite.refile_pending().await.unwrap(), "once");
}
