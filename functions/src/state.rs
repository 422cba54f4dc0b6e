//! What every handler shares: the ports, the clock and the authenticator.

use std::sync::Arc;

use motcua_domain::ports::{Catalogue, Clock, DossierStore};

use crate::auth::SharedAuthenticator;

#[derive(Clone)]
pub struct AppState {
    pub dossiers: Arc<dyn DossierStore>,
    pub catalogue: Arc<dyn Catalogue>,
    pub clock: Arc<dyn Clock>,
    pub auth: SharedAuthenticator,
    /// Keys the lookup secrets of idempotent filings (see `service::secrets`).
    pub server_key: Arc<[u8]>,
}
