//! Contract clauses for officers' passwords (the web console's sign-in): set, failures counted
//! one by one (racing attempts each counted) and cleared by a success or a new password, sessions
//! ended at sign-out; an officer without a password counts nothing and has nothing to end.

use chrono::{DurationRound, TimeDelta, Utc};
use motcua_domain::catalogue::OfficerId;

use super::Store;

pub async fn an_officers_password_failures_and_sessions_are_kept<S: Store>(store: S) {
    let officer = OfficerId::parse("tuphap.motcua").unwrap();
    let stranger = OfficerId::parse("nobody.here").unwrap();
    assert_eq!(store.password(&officer).await.unwrap(), None);
    assert_eq!(store.sign_in_failed(&stranger, Utc::now()).await.unwrap(), 0);
    store.end_sessions(&stranger, Utc::now()).await.unwrap();
    store.signed_in(&stranger).await.unwrap();
    assert_eq!(store.password(&stranger).await.unwrap(), None, "nothing is made for an officer without one");

    store.set_password(&officer, "$argon2id$first").await.unwrap();
    let kept = store.password(&officer).await.unwrap().unwrap();
    assert_eq!(kept.sessions_ended_at, None, "a first password has no sessions to end");
    let at = Utc::now();
    let attempt = || store.sign_in_failed(&officer, at);
    let racing = tokio::join!(attempt(), attempt(), attempt(), attempt());
    let mut counts = [racing.0.unwrap(), racing.1.unwrap(), racing.2.unwrap(), racing.3.unwrap()];
    counts.sort_unstable();
    assert_eq!(counts, [1, 2, 3, 4], "each racing failure is counted once");
    let kept = store.password(&officer).await.unwrap().unwrap();
    assert_eq!((kept.hash.as_str(), kept.failures), ("$argon2id$first", 4));
    assert_eq!(kept.last_failure_at.map(|t| t.timestamp_micros()), Some(at.timestamp_micros()));
    store.signed_in(&officer).await.unwrap();
    let kept = store.password(&officer).await.unwrap().unwrap();
    assert_eq!((kept.failures, kept.last_failure_at), (0, None));
    store.signed_in(&officer).await.unwrap();

    let out = Utc::now() + TimeDelta::seconds(5);
    store.end_sessions(&officer, out).await.unwrap();
    let kept = store.password(&officer).await.unwrap().unwrap();
    assert_eq!(kept.sessions_ended_at.map(|t| t.timestamp_micros()), Some(out.timestamp_micros()));
    assert_eq!(kept.hash, "$argon2id$first", "signing out keeps the password");

    store.sign_in_failed(&officer, at).await.unwrap();
    let before = Utc::now().duration_trunc(TimeDelta::seconds(1)).unwrap();
    store.set_password(&officer, "$argon2id$second").await.unwrap();
    let kept = store.password(&officer).await.unwrap().unwrap();
    assert_eq!((kept.hash.as_str(), kept.failures, kept.last_failure_at), ("$argon2id$second", 0, None));
    assert!(kept.sessions_ended_at.is_some_and(|t| t >= before && t < out), "a new password ends the sessions");
}
