//! The officer a verified token names, as the catalogue has them now: a token proves who is
//! calling, and the officer record decides their agency and roles. An officer moved, demoted or
//! removed by an administrator loses the old powers once the record is read again, within
//! [`Directory::TTL`]; a token naming no registered officer is refused. Records are kept that
//! long so an action still costs its dossier's reads only (docs/performance.md).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::request::Parts;
use motcua_domain::catalogue::{Officer, OfficerId};
use motcua_domain::ports::{CatalogueReader, OfficerPasswords};

use super::Authenticator;
use crate::error::ApiError;

/// Records read, with when each was read (`None`: no such officer).
type Kept = HashMap<OfficerId, (Instant, Option<Officer>)>;

/// The officer records tokens are checked against, kept for a short while.
#[derive(Clone)]
pub struct Directory {
    catalogue: Arc<dyn CatalogueReader>,
    ttl: Duration,
    kept: Arc<Mutex<Kept>>,
    /// Where sessions end at sign-out: the officers' password records.
    sessions: Option<Arc<dyn OfficerPasswords>>,
}

impl Directory {
    /// How long a record read is trusted: an administrator's change reaches every instance
    /// within it.
    pub const TTL: Duration = Duration::from_secs(30);
    /// At most this many records are kept; the memory is bounded whatever tokens arrive.
    const MOST: usize = 10_000;

    pub fn new(catalogue: Arc<dyn CatalogueReader>, ttl: Duration) -> Self {
        Self { catalogue, ttl, kept: Arc::new(Mutex::new(HashMap::new())), sessions: None }
    }

    /// Refuses this server's tokens issued before their officer's sessions were ended, as
    /// `passwords` records them.
    pub fn ending_sessions(mut self, passwords: Arc<dyn OfficerPasswords>) -> Self {
        self.sessions = Some(passwords);
        self
    }

    /// The officer `request`'s token names, verified by `auth`, as registered now; 401 when the
    /// token is refused, names no officer, or its session was ended.
    pub async fn of_request(&self, auth: &dyn Authenticator, request: &Parts) -> Result<Officer, ApiError> {
        let officer = self.current(&auth.authenticate(request)?).await?;
        if let Some(passwords) = &self.sessions {
            let token = super::bearer(&request.headers)?;
            if super::issued_here(token) {
                let record = passwords.password(&officer.id).await?;
                if super::session_ended(token, record.and_then(|r| r.sessions_ended_at)) {
                    return Err(ApiError::unauthenticated(
                        "phiên làm việc đã kết thúc (đã đăng xuất hoặc đổi mật khẩu) / the session was ended: \
                         signed out, or the password changed",
                    ));
                }
            }
        }
        Ok(officer)
    }

    fn recall(&self, id: &OfficerId) -> Option<Option<Officer>> {
        let kept = self.kept.lock().ok()?;
        kept.get(id).filter(|(at, _)| at.elapsed() < self.ttl).map(|(_, record)| record.clone())
    }

    fn keep(&self, id: OfficerId, record: Option<Officer>) {
        if let Ok(mut kept) = self.kept.lock() {
            if kept.len() >= Self::MOST {
                kept.clear();
            }
            kept.insert(id, (Instant::now(), record));
        }
    }

    /// The officer `claimed` (as a verified token describes them) as registered now.
    pub async fn current(&self, claimed: &Officer) -> Result<Officer, ApiError> {
        let record = match self.recall(&claimed.id) {
            Some(record) => record,
            None => {
                let record = self.catalogue.officer(&claimed.id).await?;
                self.keep(claimed.id.clone(), record.clone());
                record
            }
        };
        record.ok_or_else(|| {
            ApiError::unauthenticated("cán bộ không có trong danh bạ / the token names no registered officer")
        })
    }
}
