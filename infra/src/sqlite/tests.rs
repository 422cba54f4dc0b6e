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

#[test]
fn the_open_only_condition_names_every_closed_status_and_nothing_else() {
    use motcua_domain::lifecycle::Status;
    let named: Vec<&str> = Status::ALL
        .iter()
        .filter(|s| super::dossiers::OPEN_ONLY.contains(&format!("'{}'", s.as_str())))
        .map(|s| s.as_str())
        .collect();
    let closed: Vec<&str> = Status::ALL.iter().filter(|s| s.is_closed()).map(|s| s.as_str()).collect();
    assert_eq!(named, closed);
}

#[tokio::test]
async fn queues_read_the_open_dossiers_indexes() {
    let (store, _dir) = fresh().await;
    let conn = store.raw_connection().unwrap();
    for (query, index) in [("handler = 'x'", "dossiers_open_queue"), ("assignee = 'x'", "dossiers_open_assignee")] {
        let sql = format!(
            "EXPLAIN QUERY PLAN SELECT body FROM dossiers WHERE 1=1 AND {query} AND {} ORDER BY due_key, code LIMIT 51",
            super::dossiers::OPEN_ONLY
        );
        let plan: Vec<String> =
            conn.prepare(&sql).unwrap().query_map([], |r| r.get::<_, String>(3)).unwrap().map(Result::unwrap).collect();
        assert!(plan.iter().any(|step| step.contains(index)), "{query}: {plan:?}");
        assert!(!plan.iter().any(|step| step.contains("TEMP B-TREE")), "{query} sorts: {plan:?}");
    }
}

#[tokio::test]
async fn purging_expired_limits_searches_their_index() {
    let (store, _dir) = fresh().await;
    let conn = store.raw_connection().unwrap();
    let sql = format!("EXPLAIN QUERY PLAN {}", super::limits::PURGE_EXPIRED);
    let plan: Vec<String> =
        conn.prepare(&sql).unwrap().query_map(["x"], |r| r.get::<_, String>(3)).unwrap().map(Result::unwrap).collect();
    assert!(plan.iter().any(|step| step.contains("SEARCH limits USING INDEX limits_expiry")), "{plan:?}");
}
