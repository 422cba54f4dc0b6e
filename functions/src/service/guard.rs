//! The public API's abuse limits (OWASP API4): online submissions per client address, and wrong
//! lookup secrets per dossier. A dossier whose secret was guessed wrong too often refuses even
//! the right one until the window ends, so the ~79-bit secret cannot be brute-forced; the
//! comparison itself takes the same time wherever the guess differs.

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
    Refused::TooManyLookupAttempts { retry_after_seconds: retry_after(state, &state.public_limits.lookup_failures) }
}

/// Checks the applicant's `X-Lookup-Secret`, counting wrong ones against the dossier.
pub async fn check_secret(state: &AppState, stored: &StoredDossier, secret: Option<&str>) -> ServiceResult<()> {
    let Some(secret) = secret.filter(|s| !s.trim().is_empty()) else {
        return Err(Refused::LookupSecretRequired);
    };
    let limit = state.public_limits.lookup_failures;
    let failure = limit.use_of(format!("lookup-failures:{}", stored.dossier.code), state.clock.now());
    if state.limits.used(&failure.key, failure.window_start).await? >= limit.max {
        return Err(too_many_guesses(state));
    }
    if secret_matches(secret, &stored.lookup_secret_hash) {
        return Ok(());
    }
    tracing::warn!(dossier = %stored.dossier.code, "wrong lookup secret");
    if !state.limits.take(&failure).await? {
        return Err(too_many_guesses(state));
    }
    Err(Refused::LookupSecretInvalid)
}

/// The use of the online-submission limit that a filing from `client` counts, in the same write
/// as the dossier: a refused or failed filing counts nothing.
pub fn submission_use(state: &AppState, client: &ClientAddress) -> LimitUse {
    state.public_limits.submissions.use_of(format!("submissions:{}", client.0), state.clock.now())
}

/// The answer to a filing refused by [`submission_use`]'s limit.
pub fn too_many_submissions(state: &AppState) -> Refused {
    tracing::warn!("submission rate limit reached for a client");
    Refused::TooManySubmissions { retry_after_seconds: retry_after(state, &state.public_limits.submissions) }
}
