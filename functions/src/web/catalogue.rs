//! What the pages read of the catalogue (agencies, officers, holidays), through the API like
//! everything else: the pages hold no store of their own, so on AWS the web function needs no
//! table and links no store code.

use serde_json::Value;

use super::api::{Call, Origin};
use super::Web;

/// The most pages of a list the pages follow (200 items a page).
const MOST_PAGES: usize = 25;

/// Every item of the list at `path` (which has no query yet), following the API's cursors. A
/// refusal or an outage leaves the list short, as a page that shows it can bear.
async fn every(web: &Web, origin: &Origin, token: Option<&str>, path: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..MOST_PAGES {
        let mut at = format!("{path}?limit=200");
        if let Some(c) = &cursor {
            at.push_str(&format!("&cursor={}", super::citizen::encode(c)));
        }
        let answer = web.api.call(Call::get(at).by(token).from(origin)).await;
        let Value::Object(mut page) = answer.body else { break };
        if let Some(Value::Array(found)) = page.remove("items") {
            items.extend(found);
        }
        match page.remove("next_cursor") {
            Some(Value::String(next)) => cursor = Some(next),
            _ => break,
        }
    }
    items
}

/// Every agency of the province, as `GET /v1/agencies` lists them.
pub async fn agencies(web: &Web, origin: &Origin) -> Vec<Value> {
    every(web, origin, None, "/v1/agencies").await
}

/// The name of the agency `code`, when the catalogue has it.
pub async fn agency_name(web: &Web, origin: &Origin, code: &str) -> Option<String> {
    let answer = web.api.call(Call::get(format!("/v1/agencies/{}", super::citizen::encode(code))).from(origin)).await;
    answer.ok().then(|| answer.body["name"].as_str().map(str::to_owned)).flatten()
}

/// The officers of the signed-in officer's agency (id, name, roles), whom a step may go to.
pub async fn colleagues(web: &Web, origin: &Origin, token: Option<&str>) -> Vec<Value> {
    every(web, origin, token, "/v1/officer/colleagues").await
}

/// Agency codes and names, for a list or a choice.
pub fn names(agencies: &[Value]) -> Vec<(&str, &str)> {
    agencies.iter().filter_map(|a| Some((a["code"].as_str()?, a["name"].as_str().unwrap_or_default()))).collect()
}
