//! The SQLite store against the store contract, plus what is SQLite's own.

use super::SqliteStore;

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

#[tokio::test]
async fn memory_stores_are_whole_and_private() {
    use motcua_domain::ports::DossierStore;
    let store = SqliteStore::in_memory().unwrap();
    let other = SqliteStore::in_memory().unwrap();
    let d = store
        .create(
            &crate::contract::fixtures::agency(),
            crate::contract::fixtures::day(),
            Box::new(|c| crate::contract::fixtures::create_commit(c, None)),
        )
        .await
        .unwrap();
    assert!(store.get(&d.code).await.unwrap().is_some(), "read through a second connection");
    assert!(other.get(&d.code).await.unwrap().is_none(), "another memory store shares nothing");
}
