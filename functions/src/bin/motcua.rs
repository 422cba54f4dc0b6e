//! `motcua`: the one-stop electronic administrative-procedure backend on one machine.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    },
    /// Print a bearer token for a known officer (the token is the last word on stdout).
    Token {
        /// The officer id, e.g. `tuphap.motcua` or `admin`.
        officer: String,
        #[arg(long, env = "MOTCUA_DATA_DIR", default_value = "./motcua-data")]
        data_dir: PathBuf,
        /// Validity in hours.
        #[arg(long, default_value_t = 12)]
        hours: i64,
    },
    /// Print the OpenAPI document.
    Openapi,
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
            Command::Serve { addr, data_dir, cors_origins } => {
                motcua_functions::server::serve(addr, &data_dir, &cors_origins).await
            }
            Command::Token { officer, data_dir, hours } => {
                let home = motcua_functions::server::Home::open(&data_dir).await?;
                let token = home.token(&officer, hours).await?;
                println!("{token}");
                Ok(())
            }
            Command::Openapi => {
                let doc = motcua_functions::routes::openapi();
                println!("{}", serde_json::to_string_pretty(doc).unwrap_or_default());
                Ok(())
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("motcua: {e}");
            ExitCode::FAILURE
        }
    }
}
