//! `motcua`: the one-stop electronic administrative-procedure backend on one machine.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use motcua_domain::codes::DossierCode;
use motcua_domain::ports::StoreError;
use motcua_functions::auth::oidc::OidcConfig;
use motcua_functions::server::{Channels, Home, NotifierChoice, ServeOptions, ServerError, StoreChoice};

/// motcua — hệ thống một cửa điện tử. Serves the whole HTTP API v1 on one port over an
/// embedded SQLite database, delivering SMS/email notifications to a local JSON-lines sink.
///
/// A fresh data directory is seeded with a sample province: agencies, 30+ procedures, demo
/// officers for every role (e.g. `tuphap.motcua`, `tuphap.chuyenvien`, `tuphap.lanhdao`) and
/// `admin`, and sample holidays to confirm.
#[derive(Parser)]
#[command(name = "motcua", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API, run the notification worker, seed a fresh data directory.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "MOTCUA_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Where the database (motcua.sqlite3), signing key and sent-messages.jsonl live.
        #[arg(long, env = "MOTCUA_DATA_DIR", default_value = "./motcua-data")]
        data_dir: PathBuf,
        /// Web portal origins allowed to call the API from a browser (CORS), e.g.
        /// `https://dichvucong.example.gov.vn`; repeat the flag or separate with commas.
        #[arg(long = "cors-origin", env = "MOTCUA_CORS_ORIGINS", value_delimiter = ',')]
        cors_origins: Vec<String>,
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        notify: NotifyArgs,
        #[command(flatten)]
        oidc: OidcArgs,
        /// The national public-service portal (DVCQG) to sync every dossier to, e.g. the
        /// province's relay; account and unit from MOTCUA_DVCQG_USERNAME, MOTCUA_DVCQG_PASSWORD,
        /// MOTCUA_DVCQG_UNIT (docs/integrations.md). Off without it.
        #[arg(long, env = "MOTCUA_DVCQG_URL")]
        dvcqg_url: Option<String>,
        /// The payment platform to take fees online through (where `INIT` and `QUERY` are
        /// posted); partner code and key from MOTCUA_PAYMENT_PARTNER and MOTCUA_PAYMENT_SECRET
        /// (docs/integrations.md). Off without it.
        #[arg(long, env = "MOTCUA_PAYMENT_URL")]
        payment_url: Option<String>,
        /// The postal operator results go by post through (orders to `{url}/order`); customer
        /// code, token and callback secret from MOTCUA_POST_CUSTOMER, MOTCUA_POST_TOKEN and
        /// MOTCUA_POST_SECRET (docs/postal.md). Off without it: the desk types waybills.
        #[arg(long, env = "MOTCUA_POST_URL")]
        post_url: Option<String>,
        /// The national document axis workflow steps of agencies that run their own systems
        /// are handed over through (edXML packages); system id and key from
        /// MOTCUA_AXIS_SYSTEM_ID and MOTCUA_AXIS_SECRET (docs/integrations.md). Off without it:
        /// a hand-over to such an agency is refused.
        #[arg(long, env = "MOTCUA_AXIS_URL")]
        axis_url: Option<String>,
    },
    /// The national portal's sync: where the queue stands, and reconciliation.
    Portal {
        #[command(subcommand)]
        command: PortalCommand,
        #[arg(long, env = "MOTCUA_DATA_DIR", default_value = "./motcua-data", global = true)]
        data_dir: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Files every dossier under its search terms (docs/search.md): once, after upgrading a data
    /// directory or table whose dossiers were filed before search existed.
    Reindex {
        #[arg(long, env = "MOTCUA_DATA_DIR", default_value = "./motcua-data")]
        data_dir: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// The catalogue of procedures: import the province's file, export it to edit
    /// (docs/catalogue.md).
    Catalogue {
        #[command(subcommand)]
        command: CatalogueCommand,
        #[arg(long, env = "MOTCUA_DATA_DIR", default_value = "./motcua-data", global = true)]
        data_dir: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Run fake external systems on loopback for demonstrations (until Ctrl-C): the national
    /// portal, answering the account `demo` / `demo`, the payment platform, for the partner
    /// `DEMO` with the key `demo-payment-key`, a brand-name SMS gateway (`demo` / `demo`), Zalo,
    /// the postal operator (customer `DEMO`, token `demo-post-token`), and the document axis
    /// (system `demo`, key `demo-axis-secret-key`).
    Fakes {
        /// Where the fake national portal listens.
        #[arg(long, default_value = "127.0.0.1:8091")]
        portal: SocketAddr,
        /// Where the fake payment platform listens.
        #[arg(long, default_value = "127.0.0.1:8092")]
        payments: SocketAddr,
        /// Where the fake payment platform posts its callbacks: the server's callback route.
        #[arg(long, default_value = "http://127.0.0.1:8080/v1/payments/callback")]
        callback_url: String,
        /// Where the fake brand-name SMS gateway listens.
        #[arg(long, default_value = "127.0.0.1:8093")]
        sms: SocketAddr,
        /// Where the fake Zalo (OAuth and ZNS) listens.
        #[arg(long, default_value = "127.0.0.1:8094")]
        zalo: SocketAddr,
        /// Where the fake postal operator listens.
        #[arg(long, default_value = "127.0.0.1:8095")]
        post: SocketAddr,
        /// Where the fake postal operator posts its status callbacks.
        #[arg(long, default_value = "http://127.0.0.1:8080/v1/postal/callback")]
        post_callback_url: String,
        /// Where the fake national document axis listens.
        #[arg(long, default_value = "127.0.0.1:8096")]
        axis: SocketAddr,
    },
    /// Officers' sign-in to the web console (one machine).
    Officer {
        #[command(subcommand)]
        command: OfficerCommand,
        #[arg(long, env = "MOTCUA_DATA_DIR", default_value = "./motcua-data", global = true)]
        data_dir: PathBuf,
    },
    /// Print a bearer token for a known officer (the token is the last word on stdout).
    Token {
        /// The officer id, e.g. `tuphap.motcua` or `admin`.
        officer: String,
        #[arg(long, env = "MOTCUA_DATA_DIR", default_value = "./motcua-data")]
        data_dir: PathBuf,
        /// Validity in hours, 1 to 12 (a working day; longer tokens are refused).
        #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(i64).range(1..=12))]
        hours: i64,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Recompute the history hash chain of every dossier (or of the codes given) and report
    /// each break; exits with 1 when any chain is broken.
    Verify {
        /// Dossier codes to check; all dossiers when none are given.
        codes: Vec<String>,
        #[arg(long, env = "MOTCUA_DATA_DIR", default_value = "./motcua-data")]
        data_dir: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Write a backup of a data directory to a new file while the server runs: a consistent
    /// copy of the database, the keys and every stored file, with a manifest of their SHA-256
    /// (docs/operations.md).
    Backup {
        #[arg(long, env = "MOTCUA_DATA_DIR", default_value = "./motcua-data")]
        data_dir: PathBuf,
        /// The backup file to write (gzip-compressed tar); refused when it exists.
        #[arg(long)]
        to: PathBuf,
    },
    /// Put a backup back into an empty or new data directory, checking every file against the
    /// manifest and the database's integrity before anything is in place.
    Restore {
        /// The backup file.
        from: PathBuf,
        #[arg(long, env = "MOTCUA_DATA_DIR", default_value = "./motcua-data")]
        data_dir: PathBuf,
    },
    /// Check a data directory: the database's integrity, every stored file's SHA-256, every
    /// dossier's history chain and files; exits with 1 on any problem.
    Check {
        #[arg(long, env = "MOTCUA_DATA_DIR", default_value = "./motcua-data")]
        data_dir: PathBuf,
    },
    /// Rewrite the DynamoDB table's items of an older layout while the functions serve
    /// (docs/operations.md, "Changing the table's layout"); `final-messages` puts notices made
    /// final before retention existed on the list it reads; `drop-applicant-index` removes the
    /// applicant index's keys (hashed IDs) older releases wrote; `key-document-store` moves the
    /// applicants' stored documents from partitions named by an unkeyed hash of their owner to
    /// ones keyed under the server key (`MOTCUA_SERVER_KEY_ARN`, or `MOTCUA_SERVER_KEY`).
    /// Resumes from its checkpoint.
    Backfill {
        /// The backfill to run.
        #[arg(value_parser = ["final-messages", "drop-applicant-index", "key-document-store"])]
        name: String,
        /// The DynamoDB table.
        #[arg(long, env = "MOTCUA_TABLE", default_value = "motcua")]
        table: String,
        /// Where the scan's position is kept after each page (default
        /// `backfill-<name>-<table>.json`); run again with it to resume.
        #[arg(long)]
        checkpoint: Option<PathBuf>,
        /// Items read a page.
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(i32).range(1..=1000))]
        page: i32,
    },
    /// Ask a running server whether it is up (`GET /v1/health`), for a container's health
    /// check or a monitor; exits with 1 when it does not answer 200 within three seconds.
    Health {
        #[arg(long, env = "MOTCUA_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
    },
    /// Notifications: send one test message through the configured channel
    /// (docs/notifications.md).
    Notify {
        #[command(subcommand)]
        command: NotifyCommand,
    },
    /// Print the OpenAPI document.
    Openapi,
}

#[derive(Subcommand, Debug)]
enum OfficerCommand {
    /// Set an officer's password for the web console (at least 10 characters), read from the
    /// first line of standard input; clears failed attempts and any lock.
    SetPassword {
        /// The officer id, e.g. `tuphap.motcua`.
        officer: String,
    },
}

#[derive(Subcommand)]
enum CatalogueCommand {
    /// Import procedures from an .xlsx or .json file, a directory of CSV files, or the CSV
    /// files themselves; prints each procedure added, changed or refused (with the sheet, row
    /// and column of each error) and writes nothing when anything is refused. Exits 1 when
    /// nothing could be written for errors.
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Check and report only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write the valid procedures and list the refused ones as skipped.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Write every procedure to an .xlsx or .json file, or to a directory of CSV files, in the
    /// layout the import reads.
    Export { path: PathBuf },
}

#[derive(Subcommand)]
enum PortalCommand {
    /// How many sync items are pending and parked, and the parked ones with their reasons.
    Status,
    /// Ask the portal what it holds of each dossier given (and of every dossier with a parked
    /// item, with --parked) and queue again what differs; exits with 1 if any could not be
    /// checked.
    Reconcile {
        /// Dossier codes to reconcile.
        codes: Vec<String>,
        /// Also every dossier whose sync is parked.
        #[arg(long)]
        parked: bool,
        /// The portal (as for `serve`).
        #[arg(long, env = "MOTCUA_DVCQG_URL")]
        dvcqg_url: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Store {
    /// motcua.sqlite3 in the data directory.
    Sqlite,
    /// A DynamoDB table (endpoint, region and credentials from the AWS variables, e.g.
    /// AWS_ENDPOINT_URL for moto_server or DynamoDB Local).
    Dynamodb,
}

#[derive(Clone, Copy, ValueEnum)]
enum Notifier {
    Sink,
    Aws,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Email {
    /// The same way as SMS (`--notifier`).
    Same,
    /// The province's mail server (MOTCUA_SMTP_HOST, MOTCUA_SMTP_SECURITY, MOTCUA_SMTP_PORT,
    /// MOTCUA_SMTP_USERNAME, MOTCUA_SMTP_PASSWORD or MOTCUA_SMTP_PASSWORD_FILE,
    /// MOTCUA_EMAIL_FROM, MOTCUA_SMTP_CA_FILE; docs/notifications.md).
    Smtp,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Zalo {
    /// No Zalo: a notice the applicant asked to get by Zalo goes by SMS.
    Off,
    /// ZNS template messages through the province's official account (MOTCUA_ZALO_APP_ID,
    /// MOTCUA_ZALO_SECRET_KEY or _FILE, MOTCUA_ZALO_REFRESH_TOKEN or _FILE, MOTCUA_ZALO_TEMPLATES;
    /// the rotated tokens are kept in zalo-tokens.json in the data directory;
    /// docs/notifications.md).
    On,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Sms {
    /// As `--notifier`.
    Same,
    /// A carrier's brand-name gateway (MOTCUA_SMS_GATEWAY_URL, MOTCUA_SMS_GATEWAY_PRESET,
    /// MOTCUA_SMS_GATEWAY_BRAND, MOTCUA_SMS_GATEWAY_USERNAME, MOTCUA_SMS_GATEWAY_PASSWORD or
    /// MOTCUA_SMS_GATEWAY_PASSWORD_FILE; docs/notifications.md).
    Gateway,
}

/// Where notifications go.
#[derive(Args)]
struct NotifyArgs {
    /// Where notifications go: `sink` appends them to sent-messages.jsonl in the data
    /// directory; `aws` sends SMS through SNS and email through SES (MOTCUA_EMAIL_FROM,
    /// MOTCUA_SMS_SENDER_ID, MOTCUA_SES_CONFIGURATION_SET and the AWS variables).
    #[arg(long, env = "MOTCUA_NOTIFIER", value_enum, default_value_t = Notifier::Sink)]
    notifier: Notifier,
    /// How email goes: `same` as `--notifier`, or `smtp` through the province's mail server.
    #[arg(long, env = "MOTCUA_EMAIL", value_enum, default_value_t = Email::Same)]
    email: Email,
    /// How SMS go: `same` as `--notifier`, or `gateway` through a carrier's brand-name gateway.
    #[arg(long, env = "MOTCUA_SMS", value_enum, default_value_t = Sms::Same)]
    sms: Sms,
    /// Whether notices the applicant asked to get by Zalo go through the official account.
    #[arg(long, env = "MOTCUA_ZALO", value_enum, default_value_t = Zalo::Off)]
    zalo: Zalo,
}

impl NotifyArgs {
    /// The channels, their settings read and checked now (a missing one is named); Zalo's
    /// tokens kept in `data_dir`.
    fn channels(&self, data_dir: &std::path::Path) -> Result<Channels, ServerError> {
        let choice = match self.notifier {
            Notifier::Sink => NotifierChoice::Sink,
            Notifier::Aws => NotifierChoice::Aws,
        };
        let smtp = match self.email {
            Email::Same => None,
            Email::Smtp => Some(motcua_infra::smtp::SmtpConfig::from_env().map_err(ServerError::Invalid)?),
        };
        let sms_gateway = match self.sms {
            Sms::Same => None,
            Sms::Gateway => Some(motcua_infra::sms_gateway::GatewayConfig::from_env().map_err(ServerError::Invalid)?),
        };
        let zalo = match self.zalo {
            Zalo::Off => None,
            Zalo::On => Some(
                motcua_infra::zalo::ZaloConfig::from_vars(motcua_infra::settings::env, data_dir.join(ZALO_TOKENS))
                    .map_err(ServerError::Invalid)?,
            ),
        };
        Ok(Channels { choice, smtp, sms_gateway, zalo })
    }
}

#[derive(Subcommand)]
enum NotifyCommand {
    /// Send one test message to `--to` through the channel's configured provider and print
    /// what happened (delivered with the provider's id, or the failure and what it means).
    Test {
        #[arg(long, value_enum)]
        channel: TestChannel,
        /// A phone number (SMS, Zalo) or an email address.
        #[arg(long)]
        to: String,
        #[arg(long, env = "MOTCUA_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
        #[command(flatten)]
        notify: NotifyArgs,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum TestChannel {
    Sms,
    Email,
    Zalo,
}

/// Zalo's rotated tokens, in the data directory.
const ZALO_TOKENS: &str = "zalo-tokens.json";

/// Officer tokens from a real OpenID Connect issuer instead of the local signing key.
#[derive(Args)]
struct OidcArgs {
    /// The issuer (`iss`), e.g. https://cognito-idp.ap-southeast-1.amazonaws.com/<pool id>;
    /// its discovery document gives the JWKS. Without it, the local key signs and verifies.
    #[arg(long, env = "MOTCUA_OIDC_ISSUER")]
    oidc_issuer: Option<String>,
    /// The audience tokens must carry (`aud`; for Cognito access tokens, `client_id`).
    #[arg(long, env = "MOTCUA_OIDC_AUDIENCE", requires = "oidc_issuer")]
    oidc_audience: Option<String>,
    /// The JWKS address, when the issuer has no discovery document.
    #[arg(long, env = "MOTCUA_OIDC_JWKS_URL", requires = "oidc_issuer")]
    oidc_jwks_url: Option<String>,
    /// Cognito's `token_use` to require: `id` or `access`.
    #[arg(long, env = "MOTCUA_OIDC_TOKEN_USE", requires = "oidc_issuer", value_parser = ["id", "access"])]
    oidc_token_use: Option<String>,
    /// Accepted signature algorithms (asymmetric only).
    #[arg(long, env = "MOTCUA_OIDC_ALGORITHMS", default_value = "RS256")]
    oidc_algorithms: String,
    /// The web pages' client at the issuer: officers sign in to the pages through the issuer's
    /// own sign-in page (authorization code with PKCE; its redirect address is
    /// `<public url>/officer/callback`).
    #[arg(long, env = "MOTCUA_OIDC_CLIENT_ID", requires = "oidc_issuer")]
    oidc_client_id: Option<String>,
    /// That client's secret, for a confidential client.
    #[arg(long, env = "MOTCUA_OIDC_CLIENT_SECRET", requires = "oidc_client_id", hide_env_values = true)]
    oidc_client_secret: Option<String>,
}

impl OidcArgs {
    fn client(&self) -> Option<motcua_functions::web::provider::Client> {
        let id = self.oidc_client_id.clone()?;
        Some(motcua_functions::web::provider::Client { id, secret: self.oidc_client_secret.clone() })
    }

    fn config(self) -> Result<Option<OidcConfig>, ServerError> {
        let Some(issuer) = self.oidc_issuer else { return Ok(None) };
        let audience = self
            .oidc_audience
            .ok_or_else(|| ServerError::Invalid("--oidc-audience is required with --oidc-issuer".into()))?;
        Ok(Some(OidcConfig {
            issuer,
            audience,
            jwks_url: self.oidc_jwks_url,
            token_use: self.oidc_token_use,
            algorithms: OidcConfig::parse_algorithms(&self.oidc_algorithms).map_err(ServerError::Invalid)?,
        }))
    }
}

#[derive(Args)]
struct StoreArgs {
    /// Where dossiers and the catalogue live.
    #[arg(long, env = "MOTCUA_STORE", value_enum, default_value_t = Store::Sqlite)]
    store: Store,
    /// The DynamoDB table (with --store dynamodb).
    #[arg(long, env = "MOTCUA_TABLE", default_value = "motcua")]
    table: String,
    /// Create the DynamoDB table if it does not exist (with --store dynamodb).
    #[arg(long, env = "MOTCUA_CREATE_TABLE")]
    create_table: bool,
}

impl StoreArgs {
    fn choice(self) -> StoreChoice {
        match self.store {
            Store::Sqlite => StoreChoice::Sqlite,
            Store::Dynamodb => StoreChoice::Dynamodb { table: self.table, create: self.create_table },
        }
    }
}

/// Checks each dossier's chain; prints one line per dossier with a break and a summary, and
/// answers whether every chain is intact.
async fn verify(home: &Home, codes: Vec<String>) -> Result<bool, StoreError> {
    let store = &home.store;
    let codes = if codes.is_empty() {
        motcua_functions::audit::all_codes(store.dossiers.as_ref(), store.catalogue.as_ref()).await?
    } else {
        codes
    };
    let (mut intact, mut broken, mut missing) = (0, 0, 0);
    for text in &codes {
        let Ok(code) = DossierCode::parse(text) else {
            println!("{text}: not a dossier code");
            missing += 1;
            continue;
        };
        match motcua_functions::audit::verify_one(store.dossiers.as_ref(), &home.files, &code).await? {
            None => {
                println!("{text}: no such dossier");
                missing += 1;
            }
            Some((report, files)) if report.intact && files.is_empty() => intact += 1,
            Some((report, files)) => {
                broken += 1;
                let breaks = report.breaks.iter().map(|b| format!("event {}: {:?}", b.seq, b.problem));
                let files = files.iter().map(|f| format!("event {}: file {} {:?}", f.seq, f.id, f.problem));
                println!("{text}: BROKEN ({})", breaks.chain(files).collect::<Vec<_>>().join("; "));
            }
        }
    }
    println!("verified {} dossiers: {intact} intact, {broken} broken, {missing} not found", codes.len());
    Ok(broken == 0 && missing == 0)
}

/// `motcua check`: the database first (nothing else is read from a damaged one), then the
/// stored files, then every chain.
/// The server key for the backfills that need it: read from its secret
/// (`MOTCUA_SERVER_KEY_ARN`, as the functions do) or given (`MOTCUA_SERVER_KEY`); none else.
async fn backfill_key(config: &aws_config::SdkConfig) -> Result<Option<std::sync::Arc<[u8]>>, ServerError> {
    let text = match motcua_functions::external::read("MOTCUA_SERVER_KEY_ARN") {
        Some(arn) => Some(
            motcua_functions::external::aws_secret(config, "the server key", &arn)
                .await
                .map_err(ServerError::Invalid)?,
        ),
        None => motcua_functions::external::read("MOTCUA_SERVER_KEY"),
    };
    text.map(|t| motcua_functions::state::server_key_from(&t).map_err(ServerError::Invalid)).transpose()
}

async fn check(data_dir: &std::path::Path) -> Result<bool, ServerError> {
    use motcua_infra::sqlite::copies::{integrity_problems, schema_version};
    let invalid = |e: &dyn std::fmt::Display| ServerError::Invalid(e.to_string());
    let database = data_dir.join(motcua_functions::server::DATABASE);
    let problems = integrity_problems(&database).map_err(|e| invalid(&e))?;
    for p in &problems {
        println!("database: {p}");
    }
    if !problems.is_empty() {
        println!("database DAMAGED: restore the last backup (docs/operations.md)");
        return Ok(false);
    }
    let (version, latest) = schema_version(&database).map_err(|e| invalid(&e))?;
    if version > latest {
        println!("database: schema {version} is newer than this motcua ({latest}): use the release that wrote it");
        return Ok(false);
    }
    println!("database: intact (schema {version})");
    let files = motcua_infra::files::LocalFiles::open(data_dir.join(motcua_functions::server::FILES))
        .and_then(|f| f.verify_all())
        .map_err(|e| invalid(&e))?;
    for path in &files.1 {
        println!("{}: DAMAGED (its bytes do not hash to its name)", path.display());
    }
    println!("stored files: {} read, {} damaged", files.0, files.1.len());
    let home = Home::open(data_dir).await?;
    let chains = verify(&home, vec![]).await?;
    Ok(files.1.is_empty() && chains)
}

/// `motcua portal …`.
async fn catalogue(home: &Home, command: CatalogueCommand) -> Result<ExitCode, ServerError> {
    use motcua_functions::service::catalogue::{self, Options};
    let store = home.store.catalogue.as_ref();
    let refused = |e: motcua_functions::service::Refused| ServerError::Invalid(e.to_string());
    match command {
        CatalogueCommand::Import { paths, dry_run, skip_invalid } => {
            let book = catalogue::read_files(&paths).map_err(ServerError::Invalid)?;
            let progress = |done: usize, total: usize| eprintln!("written {done}/{total}");
            let today = motcua_domain::calendar::vietnam::to_local(chrono::Utc::now()).date();
            let options = Options { dry_run, skip_invalid, today };
            let started = std::time::Instant::now();
            let report = catalogue::import(store, &book, options, &progress).await.map_err(refused)?;
            for item in
                report.items.iter().filter(|i| i.outcome != motcua_domain::catalogue::import::Outcome::Unchanged)
            {
                let what = serde_json::to_value(item.outcome).ok().and_then(|v| v.as_str().map(str::to_owned));
                let changed =
                    if item.changed.is_empty() { String::new() } else { format!(" ({})", item.changed.join(", ")) };
                println!("{:<9} {} (row {}){changed}", what.unwrap_or_default(), item.code, item.row);
            }
            for e in &report.errors {
                println!("error     {e}");
            }
            let verb = match (report.dry_run, report.applied) {
                (true, _) => "dry run, nothing written",
                (false, true) => "written",
                (false, false) if report.added + report.changed == 0 && report.errors.is_empty() => "nothing to write",
                (false, false) => "NOTHING WRITTEN: correct the errors, or use --skip-invalid",
            };
            println!(
                "{} added, {} changed, {} unchanged, {} refused; {verb} ({} ms)",
                report.added,
                report.changed,
                report.unchanged,
                report.refused,
                started.elapsed().as_millis()
            );
            Ok(if report.accepted { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        CatalogueCommand::Export { path } => {
            let all: Vec<_> = catalogue::procedures(store).await.map_err(refused)?.into_values().collect();
            catalogue::write_files(&all, &path).map_err(ServerError::Invalid)?;
            println!("{} procedures written to {}", all.len(), path.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn portal(home: &Home, command: PortalCommand) -> Result<ExitCode, ServerError> {
    let sync = &home.store.sync;
    match command {
        PortalCommand::Status => {
            let counts = sync.sync_counts().await?;
            println!("pending {}, parked {}", counts.pending, counts.parked);
            for item in sync.parked_items(1000).await? {
                println!("{} event {}: {}", item.dossier, item.seq, item.last_error.unwrap_or_default());
            }
            Ok(ExitCode::SUCCESS)
        }
        PortalCommand::Reconcile { codes, parked, dvcqg_url } => {
            let config = motcua_functions::portal::config_from_env(&dvcqg_url, None).map_err(ServerError::Invalid)?;
            let courier = home.portal_courier(motcua_functions::portal::adapter(config));
            let mut all = codes;
            if parked {
                all.extend(sync.parked_items(10_000).await?.into_iter().map(|i| i.dossier.to_string()));
            }
            // Each dossier once (a dossier parks all its later items with its first).
            let mut seen = std::collections::HashSet::new();
            all.retain(|c| seen.insert(c.clone()));
            let mut failed = 0;
            for text in &all {
                let Ok(code) = DossierCode::parse(text) else {
                    println!("{text}: not a dossier code");
                    failed += 1;
                    continue;
                };
                match courier.reconcile(&code).await {
                    Ok(r) => println!(
                        "{text}: here {}, portal {}{}",
                        r.local,
                        r.portal.as_deref().unwrap_or("none"),
                        if r.requeued { ", queued again" } else { "" }
                    ),
                    Err(e) => {
                        println!("{text}: {e}");
                        failed += 1;
                    }
                }
            }
            // Send what was queued now, rather than leave it to the server.
            while courier.drain_due().await > 0 {}
            Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
    }
}

fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MOTCUA_LOG").unwrap_or_else(|_| "info".into());
    let logs = tracing_subscriber::fmt().with_writer(std::io::stderr).with_env_filter(filter);
    // One JSON object per line for log shippers; readable text otherwise.
    if std::env::var("MOTCUA_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        logs.json().init();
    } else {
        logs.init();
    }
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve {
                addr,
                data_dir,
                cors_origins,
                store,
                notify,
                oidc,
                dvcqg_url,
                payment_url,
                post_url,
                axis_url,
            } => {
                let notifier = notify.channels(&data_dir)?;
                let options = ServeOptions {
                    addr,
                    data_dir,
                    cors_origins,
                    store: store.choice(),
                    notifier,
                    sign_in_client: oidc.client(),
                    oidc: oidc.config()?,
                    limits: motcua_functions::connections::ConnectionLimits::from_env()
                        .map_err(ServerError::Invalid)?,
                    portal: dvcqg_url
                        .map(|url| motcua_functions::portal::config_from_env(&url, None))
                        .transpose()
                        .map_err(ServerError::Invalid)?,
                    payment: payment_url
                        .map(|url| motcua_functions::payments::config_from_env(&url, None))
                        .transpose()
                        .map_err(ServerError::Invalid)?,
                    postal: post_url
                        .map(|url| motcua_functions::postal::config_from_env(&url))
                        .transpose()
                        .map_err(ServerError::Invalid)?,
                    axis: axis_url
                        .map(|url| motcua_functions::axis::config_from_env(&url))
                        .transpose()
                        .map_err(ServerError::Invalid)?,
                };
                motcua_functions::server::serve(options).await.map(|()| ExitCode::SUCCESS)
            }
            Command::Notify { command: NotifyCommand::Test { channel, to, data_dir, notify } } => {
                let channel = match channel {
                    TestChannel::Sms => motcua_domain::notify::MessageChannel::Sms,
                    TestChannel::Email => motcua_domain::notify::MessageChannel::Email,
                    TestChannel::Zalo => motcua_domain::notify::MessageChannel::Zalo,
                };
                let message = motcua_domain::notify::test_message(channel, &to, chrono::Utc::now())
                    .map_err(|e| ServerError::Invalid(e.to_string()))?;
                std::fs::create_dir_all(&data_dir).map_err(|e| ServerError::DataDir(data_dir.clone(), e))?;
                let notifier = notify.channels(&data_dir)?.notifier(&data_dir).await?;
                match notifier.deliver(&message, &[]).await {
                    Ok(id) => {
                        println!("delivered {} to the provider: id {id}", message.id);
                        Ok(ExitCode::SUCCESS)
                    }
                    Err(e) => {
                        println!("not delivered ({}): {e}", e.outcome());
                        Ok(ExitCode::FAILURE)
                    }
                }
            }
            Command::Token { officer, data_dir, hours, store } => {
                let home = Home::open_with(&data_dir, &store.choice()).await?;
                let token = home.token(&officer, hours).await?;
                println!("{token}");
                Ok(ExitCode::SUCCESS)
            }
            Command::Verify { codes, data_dir, store } => {
                let home = Home::open_with(&data_dir, &store.choice()).await?;
                let intact = verify(&home, codes).await?;
                Ok(if intact { ExitCode::SUCCESS } else { ExitCode::from(1) })
            }
            Command::Backup { data_dir, to } => {
                let started = std::time::Instant::now();
                let progress = |e: &motcua_functions::backup::Entry| {
                    if e.size >= 1 << 20 {
                        eprintln!("{} ({} MB)", e.path, e.size >> 20);
                    }
                };
                let m = motcua_functions::backup::backup(&data_dir, &to, &progress)
                    .map_err(|e| ServerError::Invalid(e.to_string()))?;
                let size = std::fs::metadata(&to).map(|m| m.len()).unwrap_or_default();
                println!(
                    "{}: {} files, {} MB, {} MB compressed, schema {} ({} ms)",
                    to.display(),
                    m.entries.len(),
                    m.bytes() >> 20,
                    size >> 20,
                    m.schema_version,
                    started.elapsed().as_millis()
                );
                Ok(ExitCode::SUCCESS)
            }
            Command::Restore { from, data_dir } => {
                let m = motcua_functions::backup::restore(&from, &data_dir)
                    .map_err(|e| ServerError::Invalid(e.to_string()))?;
                println!(
                    "{}: {} files restored, each checked against the backup of {} (schema {})",
                    data_dir.display(),
                    m.entries.len(),
                    m.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
                    m.schema_version
                );
                Ok(ExitCode::SUCCESS)
            }
            Command::Backfill { name, table, checkpoint, page } => {
                let config = motcua_infra::aws::config_from_env().await;
                let store = motcua_infra::DynamoStore::new(aws_sdk_dynamodb::Client::new(&config), &table);
                let rewrites = motcua_infra::dynamo::backfill::rewrites(backfill_key(&config).await?);
                let Some(rewrite) = rewrites.iter().find(|r| r.name() == name) else {
                    return Err(ServerError::Invalid(format!(
                        "no backfill named {name} (key-document-store needs the server key: set MOTCUA_SERVER_KEY_ARN to its secret, or MOTCUA_SERVER_KEY)"
                    )));
                };
                let checkpoint = checkpoint.unwrap_or_else(|| PathBuf::from(format!("backfill-{name}-{table}.json")));
                let progress = |p: &motcua_infra::dynamo::backfill::Progress| {
                    eprintln!("page {}: {} items read, {} rewritten, {} left as another writer made them", p.pages, p.scanned, p.rewritten, p.skipped);
                };
                let done = store.backfill(rewrite.as_ref(), &checkpoint, page, None, &progress).await?;
                println!(
                    "{name} on {table}: finished; {} items read, {} rewritten, {} skipped (checkpoint {})",
                    done.scanned,
                    done.rewritten,
                    done.skipped,
                    checkpoint.display()
                );
                Ok(ExitCode::SUCCESS)
            }
            Command::Health { mut addr } => {
                if addr.ip().is_unspecified() {
                    addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
                }
                let agent = ureq::AgentBuilder::new().timeout(std::time::Duration::from_secs(3)).build();
                match agent.get(&format!("http://{addr}/v1/health")).call() {
                    Ok(r) if r.status() == 200 => {
                        println!("{addr}: up");
                        Ok(ExitCode::SUCCESS)
                    }
                    Ok(r) => {
                        println!("{addr}: answered {}", r.status());
                        Ok(ExitCode::from(1))
                    }
                    Err(e) => {
                        println!("{addr}: {e}");
                        Ok(ExitCode::from(1))
                    }
                }
            }
            Command::Check { data_dir } => Ok(if check(&data_dir).await? { ExitCode::SUCCESS } else { ExitCode::from(1) }),
            Command::Reindex { data_dir, store } => {
                let home = Home::open_with(&data_dir, &store.choice()).await?;
                let progress = |done: usize, total: usize| eprintln!("filed {done}/{total}");
                let filed = motcua_functions::service::search::reindex(&home.state(), &progress)
                    .await
                    .map_err(|e| ServerError::Invalid(e.to_string()))?;
                println!("{filed} dossiers filed under their search terms");
                Ok(ExitCode::SUCCESS)
            }
            Command::Officer { command: OfficerCommand::SetPassword { officer }, data_dir } => {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line).map_err(|e| ServerError::Invalid(format!("standard input: {e}")))?;
                let password = line.trim_end_matches(['\n', '\r']);
                let home = Home::open(&data_dir).await?;
                home.set_password(&officer, password).await?;
                println!("{officer}: password set");
                Ok(ExitCode::SUCCESS)
            }
            Command::Catalogue { command, data_dir, store } => {
                let home = Home::open_with(&data_dir, &store.choice()).await?;
                catalogue(&home, command).await
            }
            Command::Portal { command, data_dir, store } => {
                let home = Home::open_with(&data_dir, &store.choice()).await?;
                portal(&home, command).await
            }
            Command::Fakes { portal, payments, callback_url, sms, zalo, post, post_callback_url, axis } => {
                let fake = motcua_functions::fakes::portal::FakePortal::new("demo", "demo");
                let at = motcua_functions::fakes::start(fake.router(), portal)
                    .await
                    .map_err(|e| ServerError::Bind(portal, e))?;
                println!("fake national portal on http://{at} (account demo/demo; GET /fake/books)");
                let pay = motcua_functions::fakes::payment::FakePayments::new("DEMO", "demo-payment-key", &callback_url);
                let at = pay.start(payments).await.map_err(|e| ServerError::Bind(payments, e))?;
                println!(
                    "fake payment platform on http://{at}/gateway (partner DEMO, key demo-payment-key; callbacks to {callback_url}; GET /fake/books)"
                );
                let gateway = motcua_functions::fakes::sms::FakeSms::new("demo", "demo");
                let at = gateway.start(sms).await.map_err(|e| ServerError::Bind(sms, e))?;
                println!("fake SMS gateway on http://{at}/vnpt and /form (account demo/demo; GET /fake/books)");
                let templates = ["100001", "100002", "100003", "100004", "100005", "100006", "100007", "100008"];
                let fake_zalo = motcua_functions::fakes::zalo::FakeZalo::new("demo-app", "demo-secret", "demo-refresh", &templates);
                let at = fake_zalo.start(zalo).await.map_err(|e| ServerError::Bind(zalo, e))?;
                println!(
                    "fake Zalo on http://{at}/message/template and /v4/oa/access_token (app demo-app, secret key \
                     demo-secret, first refresh token demo-refresh, templates 100001 to 100008; GET /fake/books)"
                );
                let fake_post = motcua_functions::fakes::postal::FakePost::new(
                    "DEMO",
                    "demo-post-token",
                    "demo-post-callback-secret",
                    &post_callback_url,
                );
                let at = fake_post.start(post).await.map_err(|e| ServerError::Bind(post, e))?;
                println!(
                    "fake postal operator on http://{at} (customer DEMO, token demo-post-token, callback secret \
                     demo-post-callback-secret; callbacks to {post_callback_url}; POST /fake/advance/{{reference}} \
                     {{\"state\": \"delivered\"}}; GET /fake/books)"
                );
                let fake_axis = motcua_functions::fakes::axis::FakeAxis::new(&[("demo", "demo-axis-secret-key")]);
                let at = fake_axis.start(axis).await.map_err(|e| ServerError::Bind(axis, e))?;
                println!(
                    "fake document axis on http://{at} (system demo, key demo-axis-secret-key; an agency answers a \
                     package with POST /fake/answer {{\"organ\": …, \"doc_id\": …, \"code\": \"06\"}})"
                );
                let _ = tokio::signal::ctrl_c().await;
                Ok(ExitCode::SUCCESS)
            }
            Command::Openapi => {
                // Written, not printed: a closed pipe (`| head`) ends the output quietly.
                use std::io::Write;
                let _ = writeln!(std::io::stdout().lock(), "{}", motcua_functions::routes::openapi_text());
                Ok(ExitCode::SUCCESS)
            }
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("motcua: {e}");
            ExitCode::FAILURE
        }
    }
}
