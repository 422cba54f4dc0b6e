//! The one-machine home: opens the store (embedded SQLite by default, or a DynamoDB table) and
//! the signing key in a data directory, seeds a fresh catalogue, runs the outbox worker and
//! serves every router on one port.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderName, HeaderValue, Method};
use motcua_domain::calendar::vietnam;
use motcua_domain::catalogue::OfficerId;
use motcua_domain::documents::FileLimits;
use motcua_domain::limits::PublicLimits;
use motcua_domain::ports::{
    Catalogue, Clock, DossierStore, Limits, NationalCodes, NationalPortal, Notifier, OfficerPasswords, Outbox,
    PaymentPlatform, PaymentStore, ReportCounters, StoredDocuments, SyncQueue, UploadStore,
};
use motcua_infra::outbox_worker::Courier;
use motcua_infra::{
    AwsNotifier, CachedCatalogue, DynamoStore, LocalFiles, LocalSink, Senders, SqliteStore, SystemClock,
};
use tokio::sync::watch;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::auth::{Directory, LocalKeys};
use crate::proxies::TrustedProxies;
use crate::state::AppState;

/// File names inside the data directory.
pub const DATABASE: &str = "motcua.sqlite3";
pub const SINK: &str = "sent-messages.jsonl";
/// The directory of stored files (see `docs/documents.md`).
pub const FILES: &str = "files";

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot prepare the data directory {0}: {1}")]
    DataDir(PathBuf, std::io::Error),
    #[error("cannot open the store: {0}")]
    Store(#[from] motcua_domain::ports::StoreError),
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("server failed: {0}")]
    Serve(std::io::Error),
    #[error("no officer with id `{0}`")]
    UnknownOfficer(String),
    #[error("{0}")]
    Invalid(String),
}

/// Where dossiers and the catalogue live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreChoice {
    /// `motcua.sqlite3` in the data directory (the default).
    Sqlite,
    /// A DynamoDB table; endpoint, region and credentials from the standard AWS variables
    /// (`AWS_ENDPOINT_URL` for moto or DynamoDB Local). `create` creates the table if missing.
    Dynamodb { table: String, create: bool },
}

/// How notifications leave the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotifierChoice {
    /// `sent-messages.jsonl` in the data directory (the default).
    Sink,
    /// SNS and SES (see [`Senders::from_env`]).
    Aws,
}

/// Where notifications go: through `choice`, except SMS through the brand-name gateway, email
/// through the SMTP server and Zalo through the official account when those are configured.
#[derive(Debug, Clone)]
pub struct Channels {
    pub choice: NotifierChoice,
    pub smtp: Option<motcua_infra::smtp::SmtpConfig>,
    pub sms_gateway: Option<motcua_infra::sms_gateway::GatewayConfig>,
    pub zalo: Option<motcua_infra::zalo::ZaloConfig>,
}

impl Channels {
    /// The notifier these channels make for the data directory `data_dir`.
    pub async fn notifier(&self, data_dir: &Path) -> Result<Arc<dyn Notifier>, ServerError> {
        Ok(Arc::new(self.by_channel(data_dir).await?))
    }

    /// [`Channels::notifier`], its channels open to more (the document axis).
    pub async fn by_channel(&self, data_dir: &Path) -> Result<motcua_infra::channels::ByChannel, ServerError> {
        let base: Arc<dyn Notifier> = match self.choice {
            NotifierChoice::Sink => {
                Arc::new(LocalSink::open(data_dir.join(SINK)).map_err(|e| ServerError::DataDir(data_dir.into(), e))?)
            }
            NotifierChoice::Aws => {
                let senders = Senders::from_env().map_err(ServerError::Invalid)?;
                Arc::new(AwsNotifier::new(&motcua_infra::aws::config_from_env().await, senders))
            }
        };
        // Nothing but the base configured: it takes every channel of a notice, Zalo included.
        let base_only = self.smtp.is_none() && self.sms_gateway.is_none() && self.zalo.is_none();
        let email: Arc<dyn Notifier> = match &self.smtp {
            None => base.clone(),
            Some(config) => {
                let mailer = motcua_infra::smtp::SmtpMailer::new(config).map_err(ServerError::Invalid)?;
                tracing::info!(host = %config.host, port = config.port, security = ?config.security, "email through SMTP");
                Arc::new(mailer)
            }
        };
        let sms: Arc<dyn Notifier> = match &self.sms_gateway {
            None => base,
            Some(config) => {
                tracing::info!(url = %config.url, brand = %config.brand, "SMS through the brand-name gateway");
                Arc::new(motcua_infra::sms_gateway::SmsGateway::new(config.clone()))
            }
        };
        let zalo: Option<Arc<dyn Notifier>> = match &self.zalo {
            None if base_only => Some(sms.clone()),
            None => None,
            Some(config) => {
                tracing::info!(app = %config.app_id, templates = config.templates.len(), "Zalo through the official account");
                Some(Arc::new(motcua_infra::zalo::ZaloSender::new(config.clone()).map_err(ServerError::Invalid)?))
            }
        };
        Ok(motcua_infra::channels::ByChannel { sms, email, zalo, axis: None })
    }
}

/// The stores of a home, as the ports see them.
#[derive(Clone)]
pub struct Stores {
    pub dossiers: Arc<dyn DossierStore>,
    pub catalogue: Arc<dyn Catalogue>,
    pub outbox: Arc<dyn Outbox>,
    pub limits: Arc<dyn Limits>,
    pub uploads: Arc<dyn UploadStore>,
    /// The applicants' document store.
    pub stored: Arc<dyn StoredDocuments>,
    /// The report counters.
    pub counters: Arc<dyn ReportCounters>,
    /// The national portal's sync queue and the procedures' national codes.
    pub sync: Arc<dyn SyncQueue>,
    pub national_codes: Arc<dyn NationalCodes>,
    /// Online payments' transactions.
    pub payments: Arc<dyn PaymentStore>,
    pub search: Arc<dyn motcua_domain::ports::DossierSearch>,
    /// The record of requests for what is held about a person.
    pub subject_requests: Arc<dyn motcua_domain::ports::SubjectRequests>,
    /// What went over the document axis.
    pub axis_journal: Arc<dyn motcua_domain::ports::AxisJournal>,
    /// Officers' passwords for the web console's sign-in, and when their sessions ended.
    pub passwords: Arc<dyn OfficerPasswords>,
    /// The embedded store, for its housekeeping (a DynamoDB table expires items by TTL).
    pub sqlite: Option<SqliteStore>,
}

impl Stores {
    /// One store serving every port (`sqlite`: the same store, for its housekeeping), its
    /// catalogue read through a [`CachedCatalogue`].
    pub fn of<
        S: DossierStore
            + Catalogue
            + Outbox
            + Limits
            + UploadStore
            + StoredDocuments
            + ReportCounters
            + SyncQueue
            + NationalCodes
            + PaymentStore
            + motcua_domain::ports::DossierSearch
            + motcua_domain::ports::SubjectRequests
            + motcua_domain::ports::AxisJournal
            + OfficerPasswords
            + Clone
            + 'static,
    >(
        store: S,
        sqlite: Option<SqliteStore>,
    ) -> Self {
        Self {
            dossiers: Arc::new(store.clone()),
            catalogue: Arc::new(CachedCatalogue::new(Arc::new(store.clone()), CachedCatalogue::DEFAULT_TTL)),
            outbox: Arc::new(store.clone()),
            limits: Arc::new(store.clone()),
            uploads: Arc::new(store.clone()),
            stored: Arc::new(store.clone()),
            counters: Arc::new(store.clone()),
            sync: Arc::new(store.clone()),
            payments: Arc::new(store.clone()),
            search: Arc::new(store.clone()),
            subject_requests: Arc::new(store.clone()),
            axis_journal: Arc::new(store.clone()),
            passwords: Arc::new(store.clone()),
            national_codes: Arc::new(store),
            sqlite,
        }
    }

    pub async fn open(choice: &StoreChoice, data_dir: &Path) -> Result<Self, ServerError> {
        match choice {
            StoreChoice::Sqlite => {
                let store = SqliteStore::open(data_dir.join(DATABASE))?;
                Ok(Self::of(store.clone(), Some(store)))
            }
            StoreChoice::Dynamodb { table, create } => {
                let config = motcua_infra::aws::config_from_env().await;
                let client = aws_sdk_dynamodb::Client::new(&config);
                let store = if *create {
                    motcua_infra::dynamo::create_table(&client, table).await?
                } else {
                    DynamoStore::new(client, table)
                };
                let store = store.keying_owners(server_key(data_dir)?);
                store.warm_up().await?;
                // No stream consumer runs beside the server: it counts as it commits.
                Ok(Self::of(store.counting_inline(), None))
            }
        }
    }
}

/// The server key. A table shared with the AWS functions needs their key (`MOTCUA_SERVER_KEY`):
/// it keys the lookup secrets of idempotent filings, the search digests and the partitions of
/// the applicants' document store. Else the data directory's own.
fn server_key(data_dir: &Path) -> Result<Arc<[u8]>, ServerError> {
    match std::env::var("MOTCUA_SERVER_KEY").ok().filter(|k| !k.trim().is_empty()) {
        Some(k) => crate::state::server_key_from(&k).map_err(ServerError::Invalid),
        None => Ok(crate::auth::load_or_create_key(&data_dir.join("lookup-secret.key"))
            .map_err(|e| ServerError::DataDir(data_dir.into(), e))?
            .into_bytes()
            .into()),
    }
}

/// Everything opened from a data directory.
pub struct Home {
    pub store: Stores,
    /// Who verifies officers' tokens: the local keys unless an OIDC issuer is configured.
    pub auth: crate::auth::SharedAuthenticator,
    /// The public API's abuse limits (from the environment, see
    /// [`crate::state::public_limits_from_env`]).
    pub public_limits: PublicLimits,
    /// Proxies whose forwarded client address the limits count (`MOTCUA_TRUSTED_PROXIES`).
    pub trusted_proxies: Arc<TrustedProxies>,
    pub keys: Arc<LocalKeys>,
    pub server_key: Arc<[u8]>,
    pub data_dir: PathBuf,
    /// How long an officer's record is trusted before a token's powers are read again
    /// ([`Directory::TTL`]).
    pub officer_ttl: Duration,
    /// What the handlers take as now: the system clock (tests move it).
    pub clock: Arc<dyn Clock>,
    /// The data directory's files.
    pub files: LocalFiles,
    /// The caps on files (`MOTCUA_MAX_FILE_MB`, `MOTCUA_MAX_DOSSIER_MB`).
    pub file_limits: FileLimits,
    /// The forms' lookup address and place (`MOTCUA_PUBLIC_URL`, `MOTCUA_PLACE`).
    pub forms: crate::state::FormSettings,
    /// The most the pages take in one form's files (`MOTCUA_WEB_FORM_MB`).
    pub web_files_most: usize,
    /// The national portal, when its sync is on (`--dvcqg-url`).
    pub portal: Option<Arc<dyn NationalPortal>>,
    /// The payment platform, when online payment is on (`--payment-url`).
    pub payment_platform: Option<Arc<dyn PaymentPlatform>>,
    /// How the SMS gateway's delivery reports are taken, when they come back.
    pub sms_reports: Option<Arc<motcua_infra::sms_gateway::ReportConfig>>,
    /// The postal operator, when results go by post through it (`--post-url`).
    pub postal: Option<Arc<dyn motcua_domain::ports::PostalOperator>>,
    /// The national document axis, when steps are handed to other agencies' systems over it
    /// (`--axis-url`).
    pub axis: Option<Arc<dyn motcua_domain::ports::DocumentAxis>>,
}

impl Home {
    pub async fn open(data_dir: &Path) -> Result<Self, ServerError> {
        Self::open_with(data_dir, &StoreChoice::Sqlite).await
    }

    pub async fn open_with(data_dir: &Path, choice: &StoreChoice) -> Result<Self, ServerError> {
        std::fs::create_dir_all(data_dir).map_err(|e| ServerError::DataDir(data_dir.into(), e))?;
        let store = Stores::open(choice, data_dir).await?;
        Self::open_on(data_dir, store).await
    }

    /// Opens the data directory's keys over stores opened already, seeding an empty catalogue.
    pub async fn open_on(data_dir: &Path, store: Stores) -> Result<Self, ServerError> {
        std::fs::create_dir_all(data_dir).map_err(|e| ServerError::DataDir(data_dir.into(), e))?;
        let keys = Arc::new(LocalKeys::load_or_create(data_dir).map_err(|e| ServerError::DataDir(data_dir.into(), e))?);
        let server_key = server_key(data_dir)?;
        let today = vietnam::to_local(SystemClock.now()).date();
        if crate::seed::seed_if_empty(store.catalogue.as_ref(), today)
            .await
            .map_err(|e| ServerError::Invalid(e.to_string()))?
        {
            for code in crate::seed::national_codes().map_err(|e| ServerError::Invalid(e.to_string()))? {
                store.national_codes.put_national_code(&code).await?;
            }
            tracing::info!("seeded the sample province catalogue");
            crate::web::demo::set_demo_passwords(store.passwords.as_ref()).await?;
        }
        let public_limits = crate::state::public_limits_from_env().map_err(ServerError::Invalid)?;
        let trusted_proxies = Arc::new(TrustedProxies::from_env().map_err(ServerError::Invalid)?);
        let files =
            LocalFiles::open(data_dir.join(FILES)).map_err(|e| ServerError::DataDir(data_dir.join(FILES), e))?;
        let file_limits = crate::state::file_limits_from_env().map_err(ServerError::Invalid)?;
        let forms = crate::state::form_settings_from_env().map_err(ServerError::Invalid)?;
        let web_files_most = crate::web::files::most_from_env().map_err(ServerError::Invalid)?;
        Ok(Self {
            web_files_most,
            files,
            file_limits,
            forms,
            store,
            auth: keys.clone(),
            keys,
            server_key,
            data_dir: data_dir.into(),
            public_limits,
            trusted_proxies,
            officer_ttl: Directory::TTL,
            clock: Arc::new(SystemClock),
            portal: None,
            payment_platform: None,
            sms_reports: None,
            postal: None,
            axis: None,
        })
    }

    /// What the web pages need: the API over this home's state, and where `password_sign_in`
    /// the local keys and the store's officers' passwords.
    pub fn web(&self, password_sign_in: bool) -> crate::web::Web {
        let api = crate::web::api::Api::new(crate::routes::app(self.state()));
        let passwords = password_sign_in.then(|| crate::web::Passwords {
            keys: self.keys.clone(),
            store: self.store.passwords.clone(),
            officers: self.store.catalogue.clone(),
            hashing: crate::web::Hashing::ARGON2ID,
        });
        let secure = self.forms.public_url.as_deref().is_some_and(|u| u.starts_with("https://"));
        crate::web::Web::new(api, self.auth.clone(), passwords, &self.server_key, secure)
            .with_uploads(self.web_files_most, None)
    }

    /// Sets `officer`'s password for the web console (argon2id), clearing failed attempts.
    pub async fn set_password(&self, officer: &str, password: &str) -> Result<(), ServerError> {
        let id = OfficerId::parse(officer).map_err(|e| ServerError::Invalid(e.to_string()))?;
        self.store.catalogue.officer(&id).await?.ok_or_else(|| ServerError::UnknownOfficer(officer.into()))?;
        let hash = crate::web::session::hash_password(password).map_err(ServerError::Invalid)?;
        self.store.passwords.set_password(&id, &hash).await?;
        Ok(())
    }

    pub fn state(&self) -> AppState {
        AppState {
            dossiers: self.store.dossiers.clone(),
            catalogue: self.store.catalogue.clone(),
            clock: self.clock.clone(),
            auth: self.auth.clone(),
            officers: Directory::new(self.store.catalogue.clone(), self.officer_ttl)
                .ending_sessions(self.store.passwords.clone()),
            server_key: self.server_key.clone(),
            limits: self.store.limits.clone(),
            public_limits: self.public_limits,
            trusted_proxies: self.trusted_proxies.clone(),
            uploads: self.store.uploads.clone(),
            stored: self.store.stored.clone(),
            counters: self.store.counters.clone(),
            files: Arc::new(self.files.clone()),
            local_files: Some(self.files.clone()),
            file_limits: self.file_limits,
            forms: self.forms.clone(),
            sync: self.store.sync.clone(),
            national_codes: self.store.national_codes.clone(),
            portal: self.portal.clone(),
            payments: self.store.payments.clone(),
            search: self.store.search.clone(),
            subject_requests: self.store.subject_requests.clone(),
            payment_platform: self.payment_platform.clone(),
            sms_reports: self
                .sms_reports
                .clone()
                .map(|config| crate::state::SmsReports { config, outbox: self.store.outbox.clone() }),
            postal: self.postal.clone(),
            axis: self.axis.clone(),
            axis_journal: self.store.axis_journal.clone(),
        }
    }

    /// The courier sending the national portal's sync queue through `portal`.
    pub fn portal_courier(&self, portal: Arc<dyn NationalPortal>) -> motcua_infra::portal_worker::PortalCourier {
        motcua_infra::portal_worker::PortalCourier {
            queue: self.store.sync.clone(),
            dossiers: self.store.dossiers.clone(),
            catalogue: self.store.catalogue.clone(),
            codes: self.store.national_codes.clone(),
            portal,
            clock: self.clock.clone(),
        }
    }

    /// The morning's deadline warnings over this home's stores.
    pub fn deadline_warner(&self) -> motcua_infra::warnings_worker::DeadlineWarner {
        motcua_infra::warnings_worker::DeadlineWarner {
            catalogue: self.store.catalogue.clone(),
            dossiers: self.store.dossiers.clone(),
            outbox: self.store.outbox.clone(),
            limits: self.store.limits.clone(),
            clock: self.clock.clone(),
        }
    }

    /// A token for a known officer, valid for `hours`.
    pub async fn token(&self, officer: &str, hours: i64) -> Result<String, ServerError> {
        let id = OfficerId::parse(officer).map_err(|e| ServerError::Invalid(e.to_string()))?;
        let officer =
            self.store.catalogue.officer(&id).await?.ok_or_else(|| ServerError::UnknownOfficer(officer.into()))?;
        self.keys.issue(&officer, hours).map_err(|e| ServerError::Invalid(e.to_string()))
    }
}

/// What `motcua serve` is told.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub cors_origins: Vec<String>,
    pub store: StoreChoice,
    pub notifier: Channels,
    /// Verify officers' tokens with this OIDC issuer instead of the local signing key.
    pub oidc: Option<crate::auth::oidc::OidcConfig>,
    /// The pages' client at that issuer: officers sign in through it (authorization code with
    /// PKCE) instead of with a password.
    pub sign_in_client: Option<crate::web::provider::Client>,
    /// Timeouts and the connection bound.
    pub limits: crate::connections::ConnectionLimits,
    /// The national portal to sync every dossier to; off when `None`.
    pub portal: Option<motcua_infra::portal_http::PortalConfig>,
    /// The payment platform to take fees online through; off when `None`.
    pub payment: Option<motcua_infra::payment_http::PaymentConfig>,
    /// The postal operator results go by post through; off when `None`.
    pub postal: Option<motcua_infra::postal_http::PostalConfig>,
    /// The document axis steps of other agencies' systems are handed over through; off when
    /// `None`.
    pub axis: Option<motcua_infra::axis_http::AxisConfig>,
}

/// Serves until Ctrl-C or SIGTERM, then drains the worker.
pub async fn serve(options: ServeOptions) -> Result<(), ServerError> {
    let ServeOptions {
        addr,
        data_dir,
        cors_origins,
        store,
        notifier,
        oidc,
        sign_in_client,
        limits,
        portal,
        payment,
        postal,
        axis,
    } = options;
    let data_dir = data_dir.as_path();
    let cors = cors_layer(&cors_origins)?;
    let mut home = Home::open_with(data_dir, &store).await?;
    // Officers sign in to the web console with a password only where the local keys sign
    // their tokens (an OIDC issuer signs them in on its own pages).
    let password_sign_in = oidc.is_none();
    let mut provider = None;
    if let Some(config) = oidc {
        let issuer = config.issuer.clone();
        if let Some(client) = sign_in_client {
            let (issuer, public_url) = (issuer.clone(), home.forms.public_url.clone());
            let found = tokio::task::spawn_blocking(move || {
                crate::web::provider::Provider::discover(&issuer, client.id, client.secret, public_url)
            })
            .await
            .map_err(|e| ServerError::Invalid(e.to_string()))?
            .map_err(ServerError::Invalid)?;
            tracing::info!(issuer = %config.issuer, "officers sign in to the pages through the OIDC issuer");
            provider = Some(found);
        }
        let verifier = tokio::task::spawn_blocking(move || crate::auth::oidc::OidcVerifier::discover(config))
            .await
            .map_err(|e| ServerError::Invalid(e.to_string()))?
            .map_err(ServerError::Invalid)?;
        home.auth = Arc::new(verifier);
        tracing::info!(issuer, "officer tokens are verified with the OIDC issuer's keys");
    }
    home.sms_reports = notifier.sms_gateway.as_ref().and_then(|g| g.reports.clone()).map(Arc::new);
    let mut notifier = notifier.by_channel(data_dir).await?;
    if let Some(config) = axis {
        tracing::info!(url = %config.url, system = %config.system_id, "handing steps to other agencies over the document axis");
        let axis = crate::axis::adapter(config);
        home.axis = Some(axis.clone());
        notifier.axis = Some(Arc::new(crate::axis::sender(&home.state(), axis)));
    }
    let notifier: Arc<dyn Notifier> = Arc::new(notifier);
    let (stop_tx, stop_rx) = watch::channel(false);
    let courier = Courier {
        outbox: home.store.outbox.clone(),
        notifier,
        enclosures: Arc::new(crate::enclosures::PrintedForms {
            dossiers: home.store.dossiers.clone(),
            catalogue: home.store.catalogue.clone(),
            settings: home.forms.clone(),
        }),
        limits: home.store.limits.clone(),
        clock: Arc::new(SystemClock),
        caps: motcua_infra::settings::sms_caps(&motcua_infra::settings::env).map_err(ServerError::Invalid)?,
    };
    if home.store.sqlite.is_some() {
        // This process is the only sender of its database: claims left open were made by a
        // process that is gone.
        let recovered = courier.recover_after_restart().await;
        if recovered > 0 {
            tracing::warn!(recovered, "closed notification claims left by the previous run");
        }
    }
    let worker = tokio::spawn(courier.run(Duration::from_millis(200), stop_rx.clone()));
    // Each agency's morning digests, looked for every five minutes (posted once a day), and the
    // procedures' versions whose date has come put in force.
    let warner = home.deadline_warner();
    let warnings = tokio::spawn(repeat(Duration::from_secs(300), stop_rx.clone(), move || {
        let warner = warner.clone();
        async move {
            match warner.run_once().await {
                Ok(w) => w.log(),
                Err(e) => tracing::warn!(error = %e, "deadline warnings: cannot read the catalogue"),
            }
        }
    }));
    let state = home.state();
    let versions = tokio::spawn(repeat(Duration::from_secs(300), stop_rx.clone(), move || {
        let state = state.clone();
        async move { crate::service::catalogue::promote_and_log(state.catalogue.as_ref(), state.clock.now()).await }
    }));
    let portal_worker = match portal {
        Some(config) => {
            tracing::info!(url = %config.url, "syncing dossiers to the national portal");
            let portal = crate::portal::adapter(config);
            home.portal = Some(portal.clone());
            Some(tokio::spawn(home.portal_courier(portal).run(Duration::from_secs(1), stop_rx.clone())))
        }
        None => None,
    };
    if let Some(config) = postal {
        tracing::info!(url = %config.url, "sending results by post through the postal operator");
        home.postal = Some(crate::postal::adapter(config));
    }
    let axis_worker = home
        .axis
        .is_some()
        .then(|| tokio::spawn(crate::axis::run(home.state(), Duration::from_secs(60), stop_rx.clone())));
    let payment_worker = payment.map(|config| {
        tracing::info!(url = %config.url, "taking fees online through the payment platform");
        home.payment_platform = Some(crate::payments::adapter(config));
        // Transactions whose payer left or whose callback was lost (`service::payments::sweep`).
        let state = home.state();
        tokio::spawn(repeat(Duration::from_secs(60), stop_rx, move || {
            let state = state.clone();
            async move { crate::service::payments::sweep_and_log(&state, 50).await }
        }))
    });
    match home.store.sync.sync_counts().await {
        Ok(c) if c.parked > 0 => {
            tracing::warn!(pending = c.pending, parked = c.parked, "national portal sync: items parked")
        }
        Ok(c) => tracing::info!(pending = c.pending, "national portal sync queue"),
        Err(e) => tracing::warn!(error = %e, "cannot count the national portal sync queue"),
    }
    if let Some(store) = home.store.sqlite.clone() {
        tokio::spawn(refile(home.state(), store));
    }
    let files = home.files.clone();
    let retention_days = crate::notify::retention_days().map_err(ServerError::Invalid)?;
    let metrics_token = crate::metrics::token_from_env().map_err(ServerError::Invalid)?;
    let housekeeping = home.store.sqlite.clone().map(|store| {
        tokio::spawn(async move {
            loop {
                crate::notify::redact(&store, retention_days, usize::MAX).await;
                let day_ago = chrono::Utc::now() - chrono::Duration::hours(24);
                if let Err(e) = store.purge_idempotency(day_ago).await {
                    tracing::warn!(error = %e, "idempotency purge failed");
                }
                let files = files.clone();
                match store.purge_uploads(day_ago, move |hash| files.remove(hash)).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(uploads = n, "forgot uploads no filing used"),
                    Err(e) => tracing::warn!(error = %e, "upload purge failed"),
                }
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
        })
    });
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| ServerError::Bind(addr, e))?;
    let local = listener.local_addr().map_err(|e| ServerError::Bind(addr, e))?;
    tracing::info!(addr = %local, data_dir = %data_dir.display(), store = ?store, "motcua listening");
    // The web pages beside the API, calling it in process (crate::web).
    let web = home.web(password_sign_in);
    let web = match provider {
        Some(provider) => web.signing_in_through(provider),
        None => web,
    };
    let web = crate::web::router(Arc::new(web));
    let mut app = crate::routes::app(home.state())
        .merge(web)
        .layer(cors)
        .layer(axum::middleware::from_fn(crate::request_log::log_request));
    if let Some(token) = metrics_token {
        app = app.merge(crate::metrics::router(token, home.store.sqlite.clone(), home.store.sync.clone()));
    }
    // Each connection's peer address feeds the per-client limits.
    crate::connections::serve(listener, app, limits, shutdown_signal()).await.map_err(ServerError::Serve)?;
    let _ = stop_tx.send(true);
    let _ = worker.await;
    for w in [Some(warnings), Some(versions), portal_worker, payment_worker, axis_worker].into_iter().flatten() {
        let _ = w.await;
    }
    if let Some(h) = housekeeping {
        h.abort();
    }
    tracing::info!("motcua stopped");
    Ok(())
}

/// Runs `job` now and then every `every`, until `stop` (between runs, never during one).
async fn repeat<F, Fut>(every: Duration, mut stop: watch::Receiver<bool>, mut job: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    loop {
        job().await;
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
    }
}

/// CORS for the configured portal origins only; none configured, no cross-origin access.
pub fn cors_layer(origins: &[String]) -> Result<CorsLayer, ServerError> {
    let origins = origins
        .iter()
        .map(|o| o.trim())
        .filter(|o| !o.is_empty())
        .map(|o| {
            let ok = (o.starts_with("https://") || o.starts_with("http://")) && !o.ends_with('/');
            match HeaderValue::from_str(o) {
                Ok(v) if ok => Ok(v),
                _ => Err(ServerError::Invalid(format!("invalid CORS origin `{o}`: expected scheme://host[:port]"))),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PUT])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static("idempotency-key"),
            HeaderName::from_static("x-lookup-secret"),
        ])
        .max_age(Duration::from_secs(3600)))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// Files the dossiers of a database made by an earlier release under the current search terms
/// once, while the server serves (a name search may miss older dossiers until it ends).
pub async fn refile(state: AppState, store: SqliteStore) {
    match store.refile_pending().await {
        Ok(false) => return,
        Ok(true) => tracing::info!("filing the dossiers again under the current search terms"),
        Err(e) => return tracing::warn!(error = %e, "cannot tell whether search terms need filing again"),
    }
    let progress = |done: usize, total: usize| tracing::info!(done, total, "search terms filed");
    match crate::service::search::reindex(&state, &progress).await {
        Ok(n) => match store.refile_done().await {
            Ok(()) => tracing::info!(dossiers = n, "every dossier is filed under the current search terms"),
            Err(e) => tracing::warn!(error = %e, "search terms filed; the next start will file them again"),
        },
        Err(e) => tracing::warn!(error = %e, "search terms not filed again; the next start retries"),
    }
}
