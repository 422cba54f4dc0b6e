//! The public API's abuse limits (OWASP API4): online submissions per client address, and wrong
//! lookup secrets. The secret (~79 bits) is far too long to guess; what matters is that no
//! client can try many: wrong secrets are counted per client address, and a client past its
//! limit has its secret checks refused until the window ends. Per dossier, wrong secrets only
//! slow further checks down (a second more per wrong secret past the dossier's limit, at most
//! five): the right secret always opens the dossier, so a stranger who knows a sequential code
//! cannot lock its applicant out. The comparison takes the same time wherever the guess differs.

use motcua_domain::limits::RateLimit;
use motcua_domain::ports::{LimitUse, StoredDossier};

use super::secrets::secret_matches;
use super::{Refused, ServiceResult};
use crate::extract::ClientAddress;
use crate::state::AppState;

fn retry_after(state: &AppState, limit: &RateLimit) -> i64 {
    let now = state.clock.now();
    (limit.window_start(now) + limit.window - now).num_seconds()
}

fn too_many_guesses(state: &AppState) -> Refused {
    Refused::TooManyLookupAttempts {
        retry_after_seconds: retry_after(state, &state.public_limits.lookup_failures_per_client),
    }
}

/// Checks the applicant's `X-Lookup-Secret` from `client`, counting a wrong one against the
/// client and the dossier.
pub async fn check_secret(
    state: &AppState,
    stored: &StoredDossier,
    secret: Option<&str>,
    client: &ClientAddress,
) -> ServiceResult<()> {
    let Some(secret) = secret.filter(|s| !s.trim().is_empty()) else {
        return Err(Refused::LookupSecretRequired);
    };
    let now = state.clock.now();
    let limits = &state.public_limits;
    let by_client = limits.lookup_failures_per_client.use_of(format!("lookup-failures-client:{}", client.0), now);
    if state.limits.used(&by_client.key, by_client.window_start).await? >= by_client.max {
        return Err(too_many_guesses(state));
    }
    // Counted without a ceiling: past the dossier's limit, each try only waits longer.
    let mut on_dossier = limits.lookup_failures.use_of(format!("lookup-failures:{}", stored.dossier.code), now);
    on_dossier.max = u32::MAX;
    let delay = limits.lookup_delay(state.limits.used(&on_dossier.key, on_dossier.window_start).await?);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if secret_matches(secret, &stored.lookup_secret_hash) {
        return Ok(());
    }
    tracing::warn!(dossier = %stored.dossier.code, "wrong lookup secret");
    state.limits.take(&on_dossier).await?;
    if !state.limits.take(&by_client).await? {
        return Err(too_many_guesses(state));
    }
    Err(Refused::LookupSecretInvalid)
}

/// The use of the online-submission limit that a filing from `client` counts, in the same write
/// as the dossier: a refused or failed filing counts nothing. The window slides: the previous
/// window's filings (one read) still count for the part of it within the last window.
pub async fn submission_use(state: &AppState, client: &ClientAddress) -> ServiceResult<LimitUse> {
    let limit = state.public_limits.submissions;
    let now = state.clock.now();
    let key = format!("submissions:{}", client.0);
    let previous = state.limits.used(&key, limit.previous_window_start(now)).await?;
    Ok(limit.sliding_use(key, now, previous))
}

/// The answer to a filing refused by [`submission_use`]'s limit.
pub fn too_many_submissions(state: &AppState) -> Refused {
    tracing::warn!("submission rate limit reached for a client");
    Refused::TooManySubmissions { retry_after_seconds: retry_after(state, &state.public_limits.submissions) }
}
