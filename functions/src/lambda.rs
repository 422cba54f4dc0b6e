//! The AWS home: what each Lambda's `main` does. It reads its configuration from the
//! environment, builds its clients and opens their connections once during init, then serves
//! one action family's router under `lambda_http` (or, for `notify`, the table's stream and
//! the outbox sweeper's schedule).
//!
//! Environment: `MOTCUA_TABLE` (the DynamoDB table), `MOTCUA_SERVER_KEY` (for `submit` and
//! `receive`, which file dossiers: keys the lookup secrets of idempotent filings and the search
//! digests, the same for both; and for `query`, which searches by those digests), `MOTCUA_TRUSTED_PROXIES` (whose `X-Forwarded-For` names the client for the
//! per-client limits, see [`crate::proxies`]), `MOTCUA_LOG` (a tracing filter, default `info`); for `notify`, `MOTCUA_EMAIL_FROM`,
//! `MOTCUA_SMS_SENDER_ID` and `MOTCUA_SES_CONFIGURATION_SET`. Region, credentials and
//! endpoint come from the standard AWS variables.

use std::sync::Arc;

use aws_lambda_events::event::dynamodb;
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use lambda_runtime::{service_fn, LambdaEvent};
use motcua_domain::ports::{FileStore, NationalPortal, PaymentPlatform};
use motcua_infra::outbox_worker::Courier;
use motcua_infra::{AwsNotifier, CachedCatalogue, DynamoStore, Senders, SystemClock};

use crate::auth::gateway::GatewayClaims;
use crate::routes::Family;
use crate::state::AppState;

pub type Error = lambda_runtime::Error;

/// One JSON object per log line, for CloudWatch. Personal data is never logged.
pub fn init_logging() {
    // A level, as the template's `LogLevel` gives it (an unknown one means `info`): directive
    // parsing (`EnvFilter`) would link its regular-expression engine into every package.
    let level = std::env::var("MOTCUA_LOG")
        .ok()
        .and_then(|l| l.trim().parse::<tracing_subscriber::filter::LevelFilter>().ok())
        .unwrap_or(tracing_subscriber::filter::LevelFilter::INFO);
    tracing_subscriber::fmt()
        .json()
        .with_max_level(level)
        .with_ansi(false)
        .without_time() // CloudWatch stamps each line
        .with_current_span(false)
        .init();
}

pub(crate) fn required(name: &str) -> Result<String, Error> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty()).ok_or_else(|| format!("{name} is not set").into())
}

/// The server key (any text of at least 32 characters, e.g. the secret the template
/// generates), for the families that file dossiers, search or answer what is held about a
/// person; the others never derive a lookup secret or a digest and get a random key.
pub async fn server_key(sdk: &aws_config::SdkConfig, family: Family) -> Result<Arc<[u8]>, Error> {
    if !uses_server_key(family) {
        return Ok(crate::service::secrets::random_hex(32).into_bytes().into());
    }
    read_server_key(sdk).await
}

/// The server key, from its secret (`MOTCUA_SERVER_KEY_ARN`) or, off AWS, its value.
pub(crate) async fn read_server_key(sdk: &aws_config::SdkConfig) -> Result<Arc<[u8]>, Error> {
    // On AWS from its secret (`MOTCUA_SERVER_KEY_ARN`, read once at init: never an environment
    // value anyone reading the function's configuration sees); the value itself elsewhere.
    let key = match crate::external::read("MOTCUA_SERVER_KEY_ARN") {
        Some(arn) => crate::external::aws_secret(sdk, "the server key", &arn).await?,
        None => required("MOTCUA_SERVER_KEY")?,
    };
    Ok(crate::state::server_key_from(&key)?)
}

/// Whether `family` needs the server key: it files dossiers (lookup secrets, search digests),
/// keeps documents in the applicants' store (whose partitions it keys), searches (query: the
/// digests a search looks up) or answers what is held about a person (admin).
pub fn uses_server_key(family: Family) -> bool {
    family.files_dossiers() || family.keeps_documents() || matches!(family, Family::Query | Family::Admin)
}

/// How a family's Lambda opens its file store: chosen at compile time ([`files_of`]), so only
/// the families that touch files link the S3 client.
pub type FilesOf = fn(&aws_config::SdkConfig) -> Result<Arc<dyn FileStore>, Error>;

/// The file store of `family`: the bucket (`MOTCUA_BUCKET`) for the families that take
/// uploads or serve downloads, none for the others.
pub const fn files_of(family: Family) -> FilesOf {
    match family {
        // Admin keeps the files of other agencies' replies it reads off the document axis.
        Family::Submit | Family::Receive | Family::Approve | Family::Query | Family::Admin => bucket,
        Family::Assign | Family::Rate | Family::Reports => no_files,
    }
}

/// Connects the external systems a family talks to (their adapters and secrets) into its state.
pub type ExternalsOf = for<'a> fn(&'a aws_config::SdkConfig, &'a mut AppState) -> Connecting<'a>;

/// [`ExternalsOf`]'s work under way.
pub type Connecting<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), Error>> + 'a>>;

/// The external systems `family` talks to, as a constructor its binary evaluates at compile
/// time (`const { externals_of(FAMILY) }`), so that a binary links only its own family's
/// adapters (the national portal's, the payment platform's, the postal operator's, the
/// document axis's, each with an HTTPS client) and not every family's.
pub const fn externals_of(family: Family) -> ExternalsOf {
    match family {
        // Submit opens payments and takes the platform's and the postal operator's callbacks.
        Family::Submit => submit_externals,
        // Approve posts results through the postal operator.
        Family::Approve => approve_externals,
        // Assign forwards into steps of agencies on the document axis (refused unless it is on).
        Family::Assign => assign_externals,
        // Admin reconciles with the national portal and reads the axis on demand.
        Family::Admin => admin_externals,
        Family::Receive | Family::Rate | Family::Query | Family::Reports => no_externals,
    }
}

fn submit_externals<'a>(sdk: &'a aws_config::SdkConfig, state: &'a mut AppState) -> Connecting<'a> {
    Box::pin(async move {
        state.payment_platform = payment_platform(sdk).await?;
        state.postal = postal_operator(sdk).await?;
        Ok(())
    })
}

fn approve_externals<'a>(sdk: &'a aws_config::SdkConfig, state: &'a mut AppState) -> Connecting<'a> {
    Box::pin(async move {
        state.postal = postal_operator(sdk).await?;
        Ok(())
    })
}

fn assign_externals<'a>(sdk: &'a aws_config::SdkConfig, state: &'a mut AppState) -> Connecting<'a> {
    Box::pin(async move {
        state.axis = document_axis(sdk).await?;
        Ok(())
    })
}

fn admin_externals<'a>(sdk: &'a aws_config::SdkConfig, state: &'a mut AppState) -> Connecting<'a> {
    Box::pin(async move {
        state.portal = national_portal(sdk).await?;
        state.axis = document_axis(sdk).await?;
        Ok(())
    })
}

fn no_externals<'a>(_: &'a aws_config::SdkConfig, _: &'a mut AppState) -> Connecting<'a> {
    Box::pin(async { Ok(()) })
}

pub(crate) fn bucket(sdk: &aws_config::SdkConfig) -> Result<Arc<dyn FileStore>, Error> {
    Ok(Arc::new(motcua_infra::files::S3Files::new(sdk, required("MOTCUA_BUCKET")?)))
}

fn no_files(_: &aws_config::SdkConfig) -> Result<Arc<dyn FileStore>, Error> {
    Ok(Arc::new(motcua_infra::files::NoFiles))
}

/// The table, with its connection opened.
pub(crate) async fn store(sdk: &aws_config::SdkConfig) -> Result<DynamoStore, Error> {
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(sdk), required("MOTCUA_TABLE")?);
    if let Err(e) = store.warm_up().await {
        // Not fatal: the first request will try again.
        tracing::warn!(error = %e, "could not open the DynamoDB connection during init");
    }
    Ok(store)
}

/// The handlers' state over the table, with neither the national portal nor the payment
/// platform (the families that talk to them add them).
pub(crate) fn state_over(
    store: &DynamoStore,
    files: Arc<dyn FileStore>,
    server_key: Arc<[u8]>,
) -> Result<AppState, Error> {
    let catalogue = Arc::new(CachedCatalogue::new(Arc::new(store.clone()), CachedCatalogue::DEFAULT_TTL));
    Ok(AppState {
        dossiers: Arc::new(store.clone()),
        officers: crate::auth::Directory::new(catalogue.clone(), crate::auth::Directory::TTL),
        catalogue,
        limits: Arc::new(store.clone()),
        uploads: Arc::new(store.clone()),
        stored: Arc::new(store.clone()),
        counters: Arc::new(store.clone()),
        sync: Arc::new(store.clone()),
        payments: Arc::new(store.clone()),
        search: Arc::new(store.clone()),
        subject_requests: Arc::new(store.clone()),
        axis_journal: Arc::new(store.clone()),
        national_codes: Arc::new(store.clone()),
        axis: None,
        portal: None,
        payment_platform: None,
        sms_reports: None,
        postal: None,
        files,
        local_files: None,
        file_limits: crate::state::file_limits_from_env()?,
        forms: crate::state::form_settings_from_env()?,
        public_limits: crate::state::public_limits_from_env()?,
        trusted_proxies: Arc::new(crate::proxies::TrustedProxies::from_env()?),
        clock: Arc::new(SystemClock),
        auth: Arc::new(GatewayClaims),
        server_key,
    })
}

/// The `main` of an action family's Lambda binary: [`run_http`] with the family's routes, file
/// store and external systems chosen at compile time in the binary (`const { … }`), so that it
/// links only its own (`motcua_functions::http_lambda!(Family::Query);`).
#[macro_export]
macro_rules! http_lambda {
    ($family:expr) => {
        #[tokio::main(flavor = "current_thread")]
        async fn main() -> Result<(), $crate::lambda::Error> {
            const FAMILY: $crate::routes::Family = $family;
            $crate::lambda::run_http(
                FAMILY,
                const { $crate::routes::routes_of::<$crate::routes::Bare>(FAMILY) },
                const { $crate::lambda::files_of(FAMILY) },
                const { $crate::lambda::externals_of(FAMILY) },
            )
            .await
        }
    };
}

/// Serves `family` under the Lambda runtime until the sandbox is shut down.
/// `routes` is `routes_of(family)` evaluated at compile time by the binary (`const { … }`), so a
/// binary links only its own family's handlers.
pub async fn run_http(
    family: Family,
    routes: fn() -> crate::routes::Bare,
    files: FilesOf,
    externals: ExternalsOf,
) -> Result<(), Error> {
    init_logging();
    let sdk = motcua_infra::aws::config_from_env().await;
    let key = server_key(&sdk, family).await?;
    // Only a family with the real key may spell the owners of stored documents; the others'
    // store refuses the document store rather than key it under a random one.
    let store = store(&sdk).await?;
    let store = if uses_server_key(family) { store.keying_owners(key.clone()) } else { store };
    let mut state = state_over(&store, files(&sdk)?, key)?;
    externals(&sdk, &mut state).await?;
    crate::emf::publish_requests_as(family.name());
    let app = crate::routes::family_app(routes, state);
    let app =
        crate::edge::guard(app, edge(&sdk).await?).layer(axum::middleware::from_fn(crate::request_log::log_request));
    tracing::info!(family = family.name(), "initialised");
    lambda_http::run(app).await
}

/// The public edge, when the stack has one: its secret read once at init from
/// `MOTCUA_EDGE_SECRET_ARN` (see [`crate::edge`]).
pub(crate) async fn edge(sdk: &aws_config::SdkConfig) -> Result<Option<crate::edge::Edge>, Error> {
    match edge_secret(sdk).await? {
        Some(secret) => Ok(Some(crate::edge::Edge::new(&secret)?)),
        None => Ok(None),
    }
}

/// The edge's secret itself, when the stack has an edge.
pub(crate) async fn edge_secret(sdk: &aws_config::SdkConfig) -> Result<Option<String>, Error> {
    let Some(arn) = crate::external::read("MOTCUA_EDGE_SECRET_ARN") else { return Ok(None) };
    Ok(Some(crate::external::aws_secret(sdk, "the edge's secret", &arn).await?))
}

/// The national portal, when `MOTCUA_DVCQG_URL` names one: its account from the environment and
/// its password from the Secrets Manager secret `MOTCUA_DVCQG_PASSWORD_SECRET` (read once, at
/// init; never an environment variable on AWS).
pub async fn national_portal(sdk: &aws_config::SdkConfig) -> Result<Option<Arc<dyn NationalPortal>>, Error> {
    let Some(url) = crate::external::read("MOTCUA_DVCQG_URL") else { return Ok(None) };
    let secret = required("MOTCUA_DVCQG_PASSWORD_SECRET")?;
    let password = crate::external::aws_secret(sdk, "the national portal's password", &secret).await?;
    let config = crate::portal::config_from_env(&url, Some(password))?;
    Ok(Some(crate::portal::adapter(config)))
}

/// The payment platform, when `MOTCUA_PAYMENT_URL` names one: its partner code from the
/// environment and its signing key from the Secrets Manager secret `MOTCUA_PAYMENT_SECRET_ARN`
/// (read once, at init).
pub async fn payment_platform(sdk: &aws_config::SdkConfig) -> Result<Option<Arc<dyn PaymentPlatform>>, Error> {
    let Some(url) = crate::external::read("MOTCUA_PAYMENT_URL") else { return Ok(None) };
    let secret = required("MOTCUA_PAYMENT_SECRET_ARN")?;
    let key = crate::external::aws_secret(sdk, "the payment platform's key", &secret).await?;
    let config = crate::payments::config_from_env(&url, Some(key))?;
    Ok(Some(crate::payments::adapter(config)))
}

/// The postal operator, when `MOTCUA_POST_URL` names one: its customer code from the
/// environment, its token and callback secret from the Secrets Manager secret
/// `MOTCUA_POST_SECRET_ARN` (a JSON object `{"token": …, "secret": …}`, read once, at init).
pub async fn postal_operator(
    sdk: &aws_config::SdkConfig,
) -> Result<Option<Arc<dyn motcua_domain::ports::PostalOperator>>, Error> {
    let Some(url) = crate::external::read("MOTCUA_POST_URL") else { return Ok(None) };
    let arn = required("MOTCUA_POST_SECRET_ARN")?;
    let text = crate::external::aws_secret(sdk, "the postal operator's credentials", &arn).await?;
    let pair: serde_json::Value = serde_json::from_str(&text)
        .map_err(|_| format!("the secret {arn} is not a JSON object {{\"token\": …, \"secret\": …}}"))?;
    let field = |name: &str| {
        pair.get(name).and_then(|v| v.as_str()).map(str::to_owned).ok_or(format!("the secret {arn} has no `{name}`"))
    };
    let config = crate::postal::config_from_env_with(&url, field("token")?, field("secret")?)?;
    Ok(Some(crate::postal::adapter(config)))
}

/// The document axis, when `MOTCUA_AXIS_URL` names one: this system's id from the environment,
/// its key from the Secrets Manager secret `MOTCUA_AXIS_SECRET_ARN` (read once, at init).
pub async fn document_axis(
    sdk: &aws_config::SdkConfig,
) -> Result<Option<Arc<dyn motcua_domain::ports::DocumentAxis>>, Error> {
    let Some(url) = crate::external::read("MOTCUA_AXIS_URL") else { return Ok(None) };
    let arn = required("MOTCUA_AXIS_SECRET_ARN")?;
    let secret = crate::external::aws_secret(sdk, "the document axis's key", &arn).await?;
    Ok(Some(crate::axis::adapter(crate::axis::config_from_env_with(&url, secret)?)))
}

/// What reaches `notify`.
enum NotifyEvent {
    /// Records of the table's stream.
    Stream(dynamodb::Event),
    /// The sweeper's schedule (an EventBridge `Scheduled Event`).
    Sweep,
    /// The deadline warnings' schedule (its input names the job).
    Warnings,
}

/// The job named by the warnings schedule's input (template.yaml, `NotifyFunction`).
const WARNINGS_JOB: &str = "deadline_warnings";

/// Anything but stream records or one of the two schedules is an error, so nothing is dropped unread.
fn notify_event(payload: serde_json::Value) -> Result<NotifyEvent, Error> {
    if payload.get("Records").is_some() {
        return Ok(NotifyEvent::Stream(serde_json::from_value(payload)?));
    }
    if payload.get("detail-type").and_then(|t| t.as_str()) == Some("Scheduled Event") {
        return Ok(NotifyEvent::Sweep);
    }
    if payload.get("job").and_then(|t| t.as_str()) == Some(WARNINGS_JOB) {
        return Ok(NotifyEvent::Warnings);
    }
    Err("notify: neither stream records nor a scheduled event".into())
}

/// Serves `notify`: sends the outbox items that reach it through the table's stream, and on
/// its schedule sends what is due again and sweeps what is stuck.
pub async fn run_notify() -> Result<(), Error> {
    init_logging();
    let sdk = motcua_infra::aws::config_from_env().await;
    let store = store(&sdk).await?;
    let enclosures = crate::enclosures::PrintedForms {
        dossiers: Arc::new(store.clone()),
        catalogue: Arc::new(CachedCatalogue::new(Arc::new(store.clone()), CachedCatalogue::DEFAULT_TTL)),
        settings: crate::state::form_settings_from_env()?,
    };
    // The document axis: packages go out through the outbox, status packets are read on the
    // schedule, over a state whose files are the bucket's (a package carries the dossier's).
    let axis = match document_axis(&sdk).await? {
        Some(axis) => {
            let random_key = crate::service::secrets::random_hex(32).into_bytes().into();
            let mut state = state_over(&store, bucket(&sdk)?, random_key)?;
            state.axis = Some(axis);
            Some(state)
        }
        None => None,
    };
    let aws: Arc<dyn motcua_domain::ports::Notifier> = Arc::new(AwsNotifier::new(&sdk, Senders::from_env()?));
    let notifier = motcua_infra::channels::ByChannel {
        sms: aws.clone(),
        email: aws,
        zalo: None,
        axis: axis.as_ref().and_then(|state| {
            let sender = crate::axis::sender(state, state.axis.clone()?);
            Some(Arc::new(sender) as Arc<dyn motcua_domain::ports::Notifier>)
        }),
    };
    let courier = Courier {
        outbox: Arc::new(store.clone()),
        notifier: Arc::new(notifier),
        enclosures: Arc::new(enclosures),
        limits: Arc::new(store.clone()),
        clock: Arc::new(SystemClock),
        caps: motcua_infra::settings::sms_caps(&motcua_infra::settings::env)?,
    };
    let portal = national_portal(&sdk).await?.map(|portal| motcua_infra::portal_worker::PortalCourier {
        queue: Arc::new(store.clone()),
        dossiers: Arc::new(store.clone()),
        catalogue: Arc::new(CachedCatalogue::new(Arc::new(store.clone()), CachedCatalogue::DEFAULT_TTL)),
        codes: Arc::new(store.clone()),
        portal,
        clock: Arc::new(SystemClock),
    });
    // The status queries of payments whose callback never came, on the schedule.
    let payments = match payment_platform(&sdk).await? {
        Some(platform) => {
            let random_key = crate::service::secrets::random_hex(32).into_bytes().into();
            let mut state = state_over(&store, Arc::new(motcua_infra::files::NoFiles), random_key)?;
            state.payment_platform = Some(platform);
            Some(state)
        }
        None => None,
    };
    let warner = motcua_infra::warnings_worker::DeadlineWarner {
        catalogue: Arc::new(CachedCatalogue::new(Arc::new(store.clone()), CachedCatalogue::DEFAULT_TTL)),
        dossiers: Arc::new(store.clone()),
        outbox: Arc::new(store.clone()),
        limits: Arc::new(store.clone()),
        clock: Arc::new(SystemClock),
    };
    let retention_days = crate::notify::retention_days()?;
    let (courier, counters, portal, payments, warner) = (&courier, &store, portal.as_ref(), payments.as_ref(), &warner);
    let axis = axis.as_ref();
    tracing::info!(
        family = "notify",
        portal = portal.is_some(),
        payments = payments.is_some(),
        axis = axis.is_some(),
        "initialised"
    );
    lambda_runtime::run(service_fn(move |event: LambdaEvent<serde_json::Value>| async move {
        let deadline = event.context.deadline;
        let response = match notify_event(event.payload)? {
            NotifyEvent::Stream(records) => crate::notify::handle(courier, counters, portal, records).await,
            NotifyEvent::Warnings => {
                // A failed run is the schedule's to retry: the next run posts what this one did not.
                warner.run_once().await?.log();
                DynamoDbEventResponse::default()
            }
            NotifyEvent::Sweep => {
                crate::notify::sweep(courier, &time_running_out(deadline)).await;
                // What messages final for longer than the period said, and to whom (docs/operations.md).
                crate::notify::redact(counters, retention_days, 4).await;
                crate::notify::publish_outbox_lag(counters).await;
                // Procedures' versions whose date has come are put in force.
                crate::service::catalogue::promote_and_log(counters, chrono::Utc::now()).await;
                crate::notify::sweep_portal(portal, counters).await;
                if let Some(state) = payments {
                    crate::service::payments::sweep_and_log(state, 100).await;
                }
                if let Some(state) = axis {
                    match crate::service::axis::receive(state).await {
                        Ok(round) => tracing::info!(?round, "document axis read"),
                        Err(e) => tracing::warn!(error = %e, "document axis: this round failed; next on the schedule"),
                    }
                }
                DynamoDbEventResponse::default()
            }
        };
        Ok::<DynamoDbEventResponse, Error>(response)
    }))
    .await
}

/// A signal that turns true when a run has 10 seconds left before `deadline` (milliseconds
/// since the epoch, as the runtime gives it): what is sent after that point waits for the next
/// run, and the rest of the sweep still has time.
fn time_running_out(deadline: u64) -> tokio::sync::watch::Receiver<bool> {
    let (tx, rx) = tokio::sync::watch::channel(false);
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
    let left = std::time::Duration::from_millis(deadline.saturating_sub(now))
        .saturating_sub(std::time::Duration::from_secs(10));
    tokio::spawn(async move {
        tokio::time::sleep(left).await;
        let _ = tx.send(true);
    });
    rx
}

/// Serves `receipts`: the providers' delivery reports, applied to the outbox.
pub async fn run_receipts() -> Result<(), Error> {
    init_logging();
    let sdk = motcua_infra::aws::config_from_env().await;
    let store = store(&sdk).await?;
    let store = &store;
    tracing::info!(family = "receipts", "initialised");
    lambda_runtime::run(service_fn(move |event: LambdaEvent<serde_json::Value>| async move {
        let delivery = crate::delivery_reports::delivery_of(&event.payload)?;
        let tally = crate::delivery_reports::apply(store, delivery).await?;
        Ok::<crate::delivery_reports::Tally, Error>(tally)
    }))
    .await
}

#[cfg(test)]
mod tests {
    /// The sweep's stop signal turns at ten seconds before the deadline, not before.
    #[tokio::test]
    async fn a_run_is_told_when_its_time_runs_out() {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64;
        let mut nearly = super::time_running_out(now + 10_200);
        let ample = super::time_running_out(now + 30_000);
        assert!(!*nearly.borrow() && !*ample.borrow());
        tokio::time::timeout(std::time::Duration::from_secs(5), nearly.changed()).await.unwrap().unwrap();
        assert!(*nearly.borrow());
        assert!(!*ample.borrow(), "twenty seconds left: go on");
        let mut past = super::time_running_out(now);
        tokio::time::timeout(std::time::Duration::from_secs(1), past.changed()).await.unwrap().unwrap();
        assert!(*past.borrow(), "past the deadline: at once");
    }
}
