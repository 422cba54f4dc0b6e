//! Generated request bodies against the whole API in process (OWASP API3, API8): valid bodies
//! with one field replaced by any JSON, removed, or joined by an unknown field; any JSON at
//! all; any text. No case may answer 5xx; every refusal carries a stable error code and a
//! message; a refused transition leaves the dossier's version as it was.
//!
//! Cases per route: `MOTCUA_INPUT_CASES` (default 150; the long run in docs/security.md uses
//! 5000).

mod api;
mod support;

use std::cell::{Cell, RefCell};

use api::Api;
use axum::http::StatusCode;
use motcua_domain::codes::DossierCode;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Map, Value};
use support::{criminal_record_filing, rating};

fn cases() -> u32 {
    std::env::var("MOTCUA_INPUT_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(150)
}

/// Any JSON value, a few levels deep, with the strings a handler meets in the wild.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        "\\PC{0,40}".prop_map(Value::from),
        prop::sample::select(vec![
            "",
            "2099-01-01T09:00:00+07:00",
            "1900-02-30",
            "000.00.01.H01-261128-0001",
            "0912345678",
            "+84912345678",
            "079203001234",
            "a@b.vn",
            "counter",
            "tuphap.chuyenvien2",
            "congan.chuyenvien",
            "post",
            "online",
            "\u{0000}",
            "🙂",
        ])
        .prop_map(Value::from),
        "[0-9]{200,400}".prop_map(Value::from),
    ];
    // Mostly single values (one wrong field at a time), sometimes nested structures.
    let nested = leaf.clone().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,10}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    });
    prop_oneof![3 => leaf, 1 => nested]
}

/// Every JSON pointer inside `v` (not the root).
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    let children: Vec<(String, &Value)> = match v {
        Value::Object(m) => m.iter().map(|(k, c)| (format!("{at}/{k}"), c)).collect(),
        Value::Array(a) => a.iter().enumerate().map(|(i, c)| (format!("{at}/{i}"), c)).collect(),
        _ => vec![],
    };
    for (p, c) in children {
        out.push(p.clone());
        pointers(c, p, out);
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Replace(usize, Value),
    Remove(usize),
    AddUnknown(usize, Value),
    Whole(Value),
    Text(String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), any_json()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        2 => any::<usize>().prop_map(Mutation::Remove),
        1 => (any::<usize>(), any_json()).prop_map(|(i, v)| Mutation::AddUnknown(i, v)),
        1 => any_json().prop_map(Mutation::Whole),
        1 => "\\PC{0,60}".prop_map(Mutation::Text),
    ]
}

/// The body `m` makes of `valid`, as sent.
fn mutated(valid: &Value, m: &Mutation) -> String {
    let mut paths = vec![];
    pointers(valid, String::new(), &mut paths);
    let mut body = valid.clone();
    let pick = |i: usize| paths.get(i % paths.len().max(1)).cloned();
    match m {
        Mutation::Replace(i, v) => match pick(*i).and_then(|p| body.pointer_mut(&p)) {
            Some(slot) => *slot = v.clone(),
            None => body = v.clone(),
        },
        Mutation::Remove(i) => {
            if let Some(p) = pick(*i) {
                let (parent, key) = p.rsplit_once('/').unwrap();
                let target = if parent.is_empty() { Some(&mut body) } else { body.pointer_mut(parent) };
                match target {
                    Some(Value::Object(o)) => {
                        o.remove(key);
                    }
                    Some(Value::Array(a)) => {
                        a.remove(key.parse::<usize>().unwrap());
                    }
                    _ => {}
                }
            }
        }
        Mutation::AddUnknown(i, v) => {
            // Into the picked field's object, or the body itself (always an object).
            let parent = pick(*i).map(|p| p.rsplit_once('/').unwrap().0.to_owned()).unwrap_or_default();
            let nested = !parent.is_empty() && body.pointer(&parent).is_some_and(Value::is_object);
            let target = if nested { body.pointer_mut(&parent) } else { Some(&mut body) };
            if let Some(Value::Object(o)) = target {
                o.insert("is_admin_override".into(), v.clone());
            }
        }
        Mutation::Whole(v) => body = v.clone(),
        Mutation::Text(t) => return t.clone(),
    }
    body.to_string()
}

/// Checks one answer: never a server error, an unknown field never accepted (mass
/// assignment), and every refusal explains itself.
fn check_answer(
    route: &str,
    m: &Mutation,
    body: &str,
    status: StatusCode,
    answer: &Value,
) -> Result<(), TestCaseError> {
    prop_assert!(status.as_u16() < 500, "{route} answered {status} to {body}: {answer}");
    if matches!(m, Mutation::AddUnknown(..)) {
        prop_assert!(status.is_client_error(), "{route} accepted an unknown field: {body} -> {status}");
    }
    if status.is_client_error() {
        let code = answer["error"]["code"].as_str().unwrap_or_default();
        prop_assert!(
            !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "{route}: a refusal without a stable code: {answer}"
        );
        prop_assert!(answer["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{route}: {answer}");
    }
    Ok(())
}

fn runner() -> TestRunner {
    TestRunner::new(Config { cases: cases(), failure_persistence: None, ..Config::default() })
}

#[test]
fn generated_filings_never_fail_the_server() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let api = rt.block_on(Api::many_filings());
    let accepted = Cell::new(0);
    runner()
        .run(&mutation(), |m| {
            // Fresh uploads each time: an accepted filing has attached the last ones.
            let valid = rt.block_on(api.with_files(criminal_record_filing("0912345678")));
            let body = mutated(&valid, &m);
            let mut call = api.call("POST", "/v1/dossiers");
            call.body = Some(body.clone());
            let (status, answer) = rt.block_on(api.send(call));
            check_answer("POST /v1/dossiers", &m, &body, status, &answer)?;
            if status == StatusCode::CREATED {
                accepted.set(accepted.get() + 1);
                let code = DossierCode::parse(answer["code"].as_str().unwrap()).unwrap();
                prop_assert!(rt.block_on(api.home.store.dossiers.get(&code)).unwrap().is_some());
            }
            Ok(())
        })
        .unwrap();
    println!("filings: {} generated, {} accepted", cases(), accepted.get());
}

/// A transition tried with generated bodies on a dossier that allows it; a fresh dossier
/// after each accepted one.
fn transition_with_generated_bodies(segment: &str, officer: &str, valid: Value, prepare: &[(&str, &str, Value)]) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let api = rt.block_on(Api::many_filings());
    let token = rt.block_on(api.token(officer));
    let fresh = || {
        rt.block_on(async {
            let (code, _) = api.submit().await;
            for (step, by, body) in prepare {
                let t = api.token(by).await;
                let (s, v) = api.post(&format!("/v1/dossiers/{code}/{step}"), Some(&t), body.clone()).await;
                assert_eq!(s, StatusCode::OK, "{step}: {v}");
            }
            code
        })
    };
    let version = |code: &str| {
        let code = DossierCode::parse(code).unwrap();
        rt.block_on(api.home.store.dossiers.get(&code)).unwrap().unwrap().dossier.version
    };
    // The valid body itself passes: the refusals below are the mutations' doing.
    let probe = fresh();
    let (s, v) = rt.block_on(api.post(&format!("/v1/dossiers/{probe}/{segment}"), Some(&token), valid.clone()));
    assert_eq!(s, StatusCode::OK, "{segment} with its valid body: {v}");
    let code = RefCell::new(fresh());
    let accepted = Cell::new(0);
    runner()
        .run(&mutation(), |m| {
            let body = mutated(&valid, &m);
            let code = &mut *code.borrow_mut();
            let before = version(code);
            let route = format!("/v1/dossiers/{code}/{segment}");
            let mut call = api.call("POST", route.clone());
            call.token = Some(token.clone());
            call.body = Some(body.clone());
            let (status, answer) = rt.block_on(api.send(call));
            check_answer(&route, &m, &body, status, &answer)?;
            if std::env::var("MOTCUA_INPUT_TRACE").is_ok() {
                println!("{status} {} {body}", answer["error"]["code"]);
            }
            if status.is_success() {
                accepted.set(accepted.get() + 1);
                *code = fresh();
            } else {
                prop_assert_eq!(version(code), before, "{} refused with {} but changed the dossier", route, status);
            }
            Ok(())
        })
        .unwrap();
    println!("{segment}: {} generated, {} accepted", cases(), accepted.get());
}

#[test]
fn generated_supplement_requests_never_fail_the_server() {
    let valid = json!({"reason": "Thiếu giấy tờ", "missing": ["Bản chụp giấy tờ tùy thân"]});
    transition_with_generated_bodies("request-supplement", "tuphap.motcua", valid, &[]);
}

#[test]
fn generated_extensions_never_fail_the_server() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let later = rt.block_on(async { Api::new().await.extension_date().await });
    let valid = json!({"reason": "Chờ xác minh", "new_due_at": later});
    transition_with_generated_bodies("extend", "tuphap.lanhdao", valid, &[("receive", "tuphap.motcua", json!({}))]);
}

#[test]
fn generated_assignments_never_fail_the_server() {
    let valid = json!({"assignee": "tuphap.chuyenvien"});
    transition_with_generated_bodies("assign", "tuphap.lanhdao", valid, &[("receive", "tuphap.motcua", json!({}))]);
}

#[test]
fn generated_ratings_never_fail_the_server() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let api = rt.block_on(Api::many_filings());
    let (code, secret) = rt.block_on(api.submit());
    let valid = rating();
    runner()
        .run(&mutation(), |m| {
            let body = mutated(&valid, &m);
            let route = format!("/v1/dossiers/{code}/rating");
            let mut call = api.call("POST", route.clone());
            call.secret = Some(secret.clone());
            call.body = Some(body.clone());
            let (status, answer) = rt.block_on(api.send(call));
            check_answer(&route, &m, &body, status, &answer)
        })
        .unwrap();
}
