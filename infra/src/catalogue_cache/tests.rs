//! The cache serves what it read until the time to live, and forgets what is written through it.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use motcua_domain::ports::{Catalogue, CatalogueReader, CatalogueWriter, Holiday};

use super::CachedCatalogue;
use crate::contract::fixtures;
use crate::SqliteStore;

fn renamed(name: &str) -> motcua_domain::catalogue::Procedure {
    motcua_domain::catalogue::Procedure { name: name.into(), ..fixtures::procedure() }
}

#[tokio::test]
async fn a_change_behind_its_back_is_seen_after_the_time_to_live_and_one_through_it_at_once() {
    let store = SqliteStore::in_memory().unwrap();
    let inner: Arc<dyn Catalogue> = Arc::new(store.clone());
    let cached = CachedCatalogue::new(inner, Duration::from_millis(300));
    let code = fixtures::procedure().code;
    assert!(cached.procedure(&code).await.unwrap().is_none(), "absent");
    store.put_procedure(&renamed("một")).await.unwrap();
    assert_eq!(cached.procedure(&code).await.unwrap().unwrap().name, "một", "an absence is not kept");
    store.put_procedure(&renamed("hai")).await.unwrap();
    assert_eq!(cached.procedure(&code).await.unwrap().unwrap().name, "một", "kept within the time to live");
    cached.put_procedure(&renamed("ba")).await.unwrap();
    assert_eq!(cached.procedure(&code).await.unwrap().unwrap().name, "ba", "a write through it is seen at once");
    store.put_procedure(&renamed("bốn")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(cached.procedure(&code).await.unwrap().unwrap().name, "bốn", "read again after the time to live");
}

#[tokio::test]
async fn holidays_are_kept_and_forgotten_the_same_way() {
    let store = SqliteStore::in_memory().unwrap();
    let cached = CachedCatalogue::new(Arc::new(store.clone()), Duration::from_secs(3600));
    let day = |d| Holiday { date: NaiveDate::from_ymd_opt(2027, 1, d).unwrap(), name: "Tết Dương lịch".into() };
    cached.put_holidays(2027, &[day(1)]).await.unwrap();
    assert_eq!(cached.holidays().await.unwrap().len(), 1);
    store.put_holidays(2027, &[day(1), day(2)]).await.unwrap();
    assert_eq!(cached.holidays().await.unwrap().len(), 1, "kept");
    cached.put_holidays(2027, &[day(1), day(2), day(3)]).await.unwrap();
    assert_eq!(cached.holidays().await.unwrap().len(), 3, "forgotten on a write through it");
}

#[tokio::test]
async fn searches_are_kept_a_while_bounded_and_forgotten_on_any_procedure_write() {
    use motcua_domain::ports::ProcedureQuery;
    let store = SqliteStore::in_memory().unwrap();
    let cached = CachedCatalogue::new(Arc::new(store.clone()), Duration::from_secs(3600));
    let all = || ProcedureQuery { limit: 50, ..ProcedureQuery::default() };
    store.put_procedure(&renamed("một")).await.unwrap();
    assert_eq!(cached.procedures(all()).await.unwrap()[0].name, "một");
    store.put_procedure(&renamed("hai")).await.unwrap();
    assert_eq!(cached.procedures(all()).await.unwrap()[0].name, "một", "the list is kept");
    let other = ProcedureQuery { limit: 49, ..ProcedureQuery::default() };
    assert_eq!(cached.procedures(other).await.unwrap()[0].name, "hai", "another query reads afresh");
    cached.put_procedure(&renamed("ba")).await.unwrap();
    assert_eq!(cached.procedures(all()).await.unwrap()[0].name, "ba", "any write through it forgets every list");
    // What clients ask for cannot grow the memory past the bound.
    for limit in 1..=(super::MOST_LISTS + 10) {
        cached
            .procedures(ProcedureQuery { limit: limit % 90 + 1, text: Some(format!("q{limit}")), ..all() })
            .await
            .unwrap();
    }
    assert!(cached.lists.entries.lock().unwrap().len() <= super::MOST_LISTS);
}
