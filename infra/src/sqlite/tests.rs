//! The SQLite store against the store contract, plus what is SQLite's own.

use super::SqliteStore;
use crate::outbox_worker;

async fn fresh() -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (SqliteStore::open(dir.path().join("db.sqlite3")).unwrap(), dir)
}

crate::store_contract!(fresh().await);

#[tokio::test]
async fn reopening_keeps_everything_and_migrates_once() {
    use motcua_domain::ports::DossierStore;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    let store = SqliteStore::open(&path).unwrap();
    let d = store
        .create(
            &crate::contract::fixtures::agency(),
            crate::contract::fixtures::day(),
            Box::new(|c| crate::contract::fixtures::create_commit(c, None)),
        )
        .await
        .unwrap();
    drop(store);
    let store = SqliteStore::open(&path).unwrap();
    assert!(store.get(&d.code).await.unwrap().is_some());
    store.ping().await.unwrap();
}

#[test]
fn back_off_doubles_up_to_an_hour() {
    let now = chrono::Utc::now();
    let wait = |n| (outbox_worker::retry_at(now, n) - now).num_milliseconds();
    assert!((1600..=2400).contains(&wait(1)));
    assert!((6400..=9600).contains(&wait(3)));
    assert!(wait(30) <= 3_600_000 * 12 / 10);
}
