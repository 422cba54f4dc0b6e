//! The official account's access token: kept with its refresh token in a file (Zalo rotates
//! the refresh token at each use, so the one used last must survive a restart), refreshed
//! before it expires, one refresh at a time.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How long before its expiry a token is refreshed.
pub const MARGIN: Duration = Duration::minutes(5);

#[derive(Clone, Serialize, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens").field("expires_at", &self.expires_at).finish_non_exhaustive()
    }
}

impl Tokens {
    /// Whether the access token may still be used at `now` (not within [`MARGIN`] of expiry).
    pub fn fresh(&self, now: DateTime<Utc>) -> bool {
        self.expires_at - MARGIN > now
    }

    /// From OAuth's answer at `now`: `expires_in` in seconds, a number or a string of one.
    pub fn from_answer(answer: &serde_json::Value, now: DateTime<Utc>) -> Result<Self, String> {
        let text = |name: &str| answer[name].as_str().filter(|s| !s.is_empty()).map(str::to_owned);
        let (Some(access_token), Some(refresh_token)) = (text("access_token"), text("refresh_token")) else {
            let error = answer["error"].to_string();
            let said = answer["error_description"].as_str().or(answer["message"].as_str()).unwrap_or_default();
            return Err(format!("Zalo refused the refresh token: error {error} {said}").trim_end().to_owned());
        };
        let seconds = match &answer["expires_in"] {
            serde_json::Value::Number(n) => n.as_i64(),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
        .filter(|s| *s > 0)
        .ok_or("Zalo's token answer has no expires_in")?;
        Ok(Self { access_token, refresh_token, expires_at: now + Duration::seconds(seconds) })
    }
}

/// The tokens kept in `path`, if any.
pub fn load(path: &Path) -> Result<Option<Tokens>, String> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| format!("{}: not the Zalo token file this server writes: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Keeps `tokens` in `path`: written beside it, readable by this user only, synced, then put
/// in its place, so a crash leaves the old file or the new one, never half of one.
pub fn store(path: &Path, tokens: &Tokens) -> Result<(), String> {
    use std::io::Write;
    let fail = |e: std::io::Error| format!("{}: {e}", path.display());
    let next = path.with_extension("next");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&next).map_err(fail)?;
    file.write_all(&serde_json::to_vec(tokens).map_err(|e| e.to_string())?).map_err(fail)?;
    file.sync_all().map_err(fail)?;
    std::fs::rename(&next, path).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_read_from_either_shape_kept_whole_and_refreshed_early() {
        let now = Utc::now();
        let answer = serde_json::json!({"access_token": "at", "refresh_token": "rt", "expires_in": "90000"});
        let t = Tokens::from_answer(&answer, now).unwrap();
        assert_eq!(t.expires_at, now + Duration::seconds(90_000));
        assert!(t.fresh(now) && !t.fresh(now + Duration::seconds(90_000) - MARGIN));
        assert!(!format!("{t:?}").contains("at\""), "no token in Debug");
        let refused = serde_json::json!({"error": -14014, "error_description": "Invalid refresh token"});
        assert!(Tokens::from_answer(&refused, now).unwrap_err().contains("-14014"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("zalo-token.json");
        assert!(load(&path).unwrap().is_none());
        store(&path, &t).unwrap();
        assert_eq!(load(&path).unwrap().unwrap().refresh_token, "rt");
        #[cfg(unix)]
        assert_eq!(
            std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&path).unwrap().permissions()) & 0o777,
            0o600
        );
    }
}
