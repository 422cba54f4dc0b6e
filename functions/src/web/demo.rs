//! The sample officers' password, set when the sample catalogue is seeded into an empty store
//! (SQLite or a DynamoDB table), so that a newcomer can sign in to the console at once. A
//! province's own officers come with its catalogue and get their passwords from an
//! administrator (`motcua officer set-password`); the server says loudly at seeding that the
//! sample ones share this one.

use motcua_domain::ports::OfficerPasswords;

use crate::server::ServerError;

/// The sample officers' password.
pub const DEMO_PASSWORD: &str = "motcua-demo";

/// Sets [`DEMO_PASSWORD`] for every sample officer.
pub async fn set_demo_passwords(store: &dyn OfficerPasswords) -> Result<(), ServerError> {
    let hash = tokio::task::spawn_blocking(|| super::session::hash_password(DEMO_PASSWORD))
        .await
        .map_err(|e| ServerError::Invalid(e.to_string()))?
        .map_err(ServerError::Invalid)?;
    for officer in crate::seed::officers() {
        store.set_password(&officer.id, &hash).await?;
    }
    tracing::warn!(
        password = DEMO_PASSWORD,
        "the sample officers sign in at /officer with this password: change it (motcua officer set-password) before real use"
    );
    Ok(())
}
