//! Concurrency on both homes: many clients race transitions on the same few dossiers, through
//! the whole API, over SQLite and over DynamoDB (moto_server). Afterwards every dossier's
//! history is a valid path through the transition table, its versions neither skip nor repeat,
//! every acknowledged (200) transition is in it, and its hash chain is intact.

mod api;
mod support;

use std::sync::Arc;

use api::Api;
use axum::http::StatusCode;
use motcua_domain::codes::DossierCode;
use motcua_domain::lifecycle::chain;
use motcua_domain::lifecycle::table::rules_for;
use motcua_functions::server::Stores;
use serde_json::{json, Value};
use support::*;

const DOSSIERS: usize = 4;
const CLIENTS: usize = 8;
const MOVES: usize = 30;

/// What a client may try: (officer, or `None` for the applicant; action; body).
fn menu(later: &str) -> Vec<(Option<&'static str>, &'static str, Value)> {
    vec![
        (Some("tuphap.motcua"), "receive", json!({})),
        (Some("tuphap.motcua"), "refuse", json!({"reason": "Sai thẩm quyền"})),
        (
            Some("tuphap.motcua"),
            "request-supplement",
            json!({"reason": "Thiếu", "missing": ["Bản chụp giấy tờ tùy thân"]}),
        ),
        (Some("tuphap.lanhdao"), "assign", json!({"assignee": "tuphap.chuyenvien"})),
        (Some("tuphap.lanhdao"), "assign", json!({"assignee": "tuphap.chuyenvien2"})),
        (Some("tuphap.chuyenvien"), "forward", json!({"assignee": "congan.chuyenvien"})),
        (Some("tuphap.chuyenvien2"), "forward", json!({"assignee": "congan.chuyenvien"})),
        (Some("congan.chuyenvien"), "forward", json!({"assignee": "tuphap.lanhdao"})),
        (Some("tuphap.lanhdao"), "approve", json!({})),
        (Some("tuphap.lanhdao"), "extend", json!({"reason": "Chờ", "new_due_at": later})),
        (Some("tuphap.motcua"), "return", json!({"method": "counter"})),
        (None, "supplement", json!({"documents": [{"component": "Bản chụp giấy tờ tùy thân", "file_name": "b.pdf"}]})),
        (None, "rating", rating()),
        (
            Some("tuphap.motcua"),
            "counter-supplement",
            json!({"documents": [{"component": "Bản chụp giấy tờ tùy thân", "file_name": "c.pdf"}]}),
        ),
        (Some("tuphap.motcua"), "accept-supplement", json!({})),
    ]
}

async fn race(api: Arc<Api>) {
    let mut dossiers = vec![];
    for _ in 0..DOSSIERS {
        dossiers.push(api.submit().await);
    }
    let later = api.extension_date().await;
    let mut tokens = std::collections::HashMap::new();
    for (officer, _, _) in menu(&later) {
        if let Some(id) = officer {
            tokens.insert(id, api.token(id).await);
        }
    }
    let dossiers = Arc::new(dossiers);
    let tokens = Arc::new(tokens);
    let mut clients = vec![];
    for client in 0..CLIENTS {
        let (api, dossiers, tokens, later) = (api.clone(), dossiers.clone(), tokens.clone(), later.clone());
        clients.push(tokio::spawn(async move {
            let menu = menu(&later);
            let mut acknowledged = vec![0usize; DOSSIERS];
            let mut statuses = std::collections::BTreeMap::new();
            for m in 0..MOVES {
                let pick = (client * 7919 + m * 104_729 + rand::random::<usize>() % 13) % (menu.len() * DOSSIERS);
                let (i, (officer, action, body)) = (pick % DOSSIERS, &menu[pick / DOSSIERS]);
                let (code, secret) = &dossiers[i];
                let mut call = api.call("POST", format!("/v1/dossiers/{code}/{action}"));
                call.body = Some(body.to_string());
                match officer {
                    Some(id) => call.token = Some(tokens[id].clone()),
                    None => call.secret = Some(secret.clone()),
                }
                let (s, v) = api.send(call).await;
                assert!(
                    [StatusCode::OK, StatusCode::FORBIDDEN, StatusCode::CONFLICT, StatusCode::UNPROCESSABLE_ENTITY]
                        .contains(&s),
                    "{action} → {s} {v}"
                );
                if s == StatusCode::OK {
                    acknowledged[i] += 1;
                }
                *statuses.entry(s.as_u16()).or_insert(0usize) += 1;
            }
            (acknowledged, statuses)
        }));
    }
    let mut acknowledged = vec![0usize; DOSSIERS];
    let mut statuses = std::collections::BTreeMap::new();
    for c in clients {
        let (mine, seen) = c.await.unwrap();
        for (i, n) in mine.into_iter().enumerate() {
            acknowledged[i] += n;
        }
        for (s, n) in seen {
            *statuses.entry(s).or_insert(0) += n;
        }
    }
    for (i, (code, _)) in dossiers.iter().enumerate() {
        let code = DossierCode::parse(code).unwrap();
        let d = api.home.store.dossiers.get(&code).await.unwrap().unwrap().dossier;
        let events = api.home.store.dossiers.history(&code).await.unwrap();
        assert_eq!(events.len(), 1 + acknowledged[i], "{code}: every acknowledged transition, and nothing else");
        assert_eq!(d.version as usize, events.len(), "{code}: one version per event, none skipped or repeated");
        assert_eq!(d.events as usize, events.len());
        for (n, pair) in events.windows(2).enumerate() {
            let (before, after) = (&pair[0], &pair[1]);
            assert_eq!(after.seq as usize, n + 1);
            assert_eq!(after.from_status, Some(before.to_status), "{code}: event {} starts where {} ended", n + 1, n);
            assert!(
                rules_for(after.action, after.from_status).next().is_some(),
                "{code}: {:?} from {:?} is not in the table",
                after.action,
                after.from_status
            );
        }
        assert_eq!(d.status, events.last().unwrap().to_status);
        assert!(chain::verify(&code, &events, &d.history_head, d.events).intact, "{code}");
    }
    let total: usize = acknowledged.iter().sum();
    assert!(total >= DOSSIERS, "the race made progress: {acknowledged:?}");
    println!("{} moves: {statuses:?}; acknowledged per dossier {acknowledged:?}", CLIENTS * MOVES);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_clients_leave_valid_histories_on_sqlite() {
    race(Arc::new(Api::many_filings().await)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_clients_leave_valid_histories_on_dynamodb() {
    let config = motcua_infra::aws::local_config(&motcua_infra::aws::moto_endpoint());
    let client = aws_sdk_dynamodb::Client::new(&config);
    let store = motcua_infra::dynamo::create_table(&client, &motcua_infra::aws::unique_table("races")).await.unwrap();
    race(Arc::new(Api::over(Stores::of(store, None)).await)).await;
}
