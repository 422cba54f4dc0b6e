//! The Zalo official account's settings, from the environment, checked at start-up: the ZNS
//! and OAuth addresses, the app, its secret key, the first refresh token, and the registered
//! template of each notice kind. Each missing or wrong setting is named; secrets never appear in
//! `Debug`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone)]
pub struct ZaloConfig {
    /// ZNS's template message endpoint.
    pub api_url: String,
    /// Zalo's OAuth endpoint that exchanges a refresh token.
    pub oauth_url: String,
    pub app_id: String,
    /// The app's secret key (the `secret_key` header of a refresh).
    pub secret_key: String,
    /// The refresh token to start from when the token file holds none.
    pub refresh_token: Option<String>,
    /// Where the current tokens are kept (Zalo rotates the refresh token at each use).
    pub token_file: PathBuf,
    /// The template id registered for each notice kind (`received`, `result_ready`, …).
    pub templates: BTreeMap<String, String>,
    /// The longest `noi_dung` the registered templates take (characters).
    pub max_text: usize,
    pub timeout: Duration,
}

impl std::fmt::Debug for ZaloConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZaloConfig")
            .field("api_url", &self.api_url)
            .field("oauth_url", &self.oauth_url)
            .field("app_id", &self.app_id)
            .field("secret_key", &"<hidden>")
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "<hidden>"))
            .field("token_file", &self.token_file)
            .field("templates", &self.templates)
            .field("max_text", &self.max_text)
            .finish()
    }
}

/// Zalo's addresses (`../shared/INTEGRATIONS.md` §4).
const API_URL: &str = "https://business.openapi.zalo.me/message/template";
const OAUTH_URL: &str = "https://oauth.zaloapp.com/v4/oa/access_token";

fn address(var: &impl crate::settings::Vars, name: &str, default: &str) -> Result<String, String> {
    crate::settings::http_address(name, var(name).unwrap_or_else(|| default.to_owned()))
}

impl ZaloConfig {
    /// From `MOTCUA_ZALO_*` (docs/notifications.md); tokens kept in `token_file`.
    pub fn from_vars(var: impl crate::settings::Vars, token_file: PathBuf) -> Result<Self, String> {
        let app_id = var("MOTCUA_ZALO_APP_ID").ok_or("MOTCUA_ZALO_APP_ID is not set (the Zalo app's id)")?;
        let secret_key = crate::settings::secret(&var, "MOTCUA_ZALO_SECRET_KEY")?
            .ok_or("MOTCUA_ZALO_SECRET_KEY or MOTCUA_ZALO_SECRET_KEY_FILE is not set (the Zalo app's secret key)")?;
        let refresh_token = crate::settings::secret(&var, "MOTCUA_ZALO_REFRESH_TOKEN")?;
        if refresh_token.is_none() && !token_file.exists() {
            return Err(format!(
                "MOTCUA_ZALO_REFRESH_TOKEN or MOTCUA_ZALO_REFRESH_TOKEN_FILE is not set, and {} holds no token yet \
                 (the official account's first refresh token)",
                token_file.display()
            ));
        }
        let text = var("MOTCUA_ZALO_TEMPLATES")
            .ok_or("MOTCUA_ZALO_TEMPLATES is not set (each notice kind's ZNS template: received=231234,...)")?;
        let mut templates = BTreeMap::new();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (kind, id) = pair
                .split_once('=')
                .map(|(k, v)| (k.trim(), v.trim()))
                .filter(|(k, v)| !k.is_empty() && !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()))
                .ok_or_else(|| format!("MOTCUA_ZALO_TEMPLATES: `{pair}` is not kind=template-id (digits)"))?;
            templates.insert(kind.to_owned(), id.to_owned());
        }
        let number = |name: &str, default, range| crate::settings::number(&var, name, default, range);
        Ok(Self {
            api_url: address(&var, "MOTCUA_ZALO_API_URL", API_URL)?,
            oauth_url: address(&var, "MOTCUA_ZALO_OAUTH_URL", OAUTH_URL)?,
            app_id,
            secret_key,
            refresh_token,
            token_file,
            templates,
            max_text: number("MOTCUA_ZALO_MAX_TEXT", 400, 30..=2_000)? as usize,
            timeout: Duration::from_secs(number("MOTCUA_ZALO_TIMEOUT_SECONDS", 15, 1..=120)?),
        })
    }
}
