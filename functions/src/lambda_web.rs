//! The `web` Lambda: the citizens' pages and the officers' console (`crate::web`) behind the
//! same HTTP API as the action families. Where `motcua serve` calls the API in process, this
//! function invokes the family functions that serve each call's route (`crate::web::invoke`),
//! so it holds none of the API's handlers, stores or external systems, and no table (what the
//! pages show of the catalogue comes through the API too): only the pages, the officers'
//! sign-in through the stack's Cognito hosted sign-in (authorization code with PKCE,
//! `crate::web::provider`), and the check of officers' tokens that API Gateway's JWT
//! authorizer would make.
//!
//! Environment: `MOTCUA_SERVER_KEY_ARN` (keys the form
//! tokens), `MOTCUA_FUNCTION_<FAMILY>` (each family's function, e.g. `MOTCUA_FUNCTION_SUBMIT`),
//! `MOTCUA_OIDC_ISSUER` (the user pool's issuer), `MOTCUA_OIDC_SIGN_IN_URL` (Cognito's hosted
//! sign-in, the pool's domain; other issuers' endpoints come from discovery),
//! `MOTCUA_WEB_SIGN_IN_SECRET_NAME` (the name of the secret holding the pages' client:
//! `{"client_id": …, "client_secret": …}`; the template fills it from the client it makes),
//! `MOTCUA_BUCKET` (where browsers send files, for the pages' Content-Security-Policy),
//! `MOTCUA_EDGE_SECRET_ARN` with the edge on.

use std::sync::Arc;

use crate::auth::oidc::{OidcConfig, OidcVerifier};
use crate::lambda::{edge_secret, init_logging, read_server_key, required, Error};
use crate::web::provider::Provider;

/// The pages' client at the issuer, read from its secret.
async fn client(sdk: &aws_config::SdkConfig) -> Result<(String, Option<String>), Error> {
    let name = required("MOTCUA_WEB_SIGN_IN_SECRET_NAME")?;
    let text = crate::external::aws_secret(sdk, "the web pages' sign-in client", &name).await?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|_| format!("the secret {name} is not a JSON object {{\"client_id\": …, \"client_secret\": …}}"))?;
    let id = value["client_id"].as_str().ok_or(format!("the secret {name} has no `client_id`"))?.to_owned();
    let secret = value["client_secret"].as_str().filter(|s| !s.is_empty()).map(str::to_owned);
    Ok((id, secret))
}

/// Where browsers send files straight to: the bucket's own address (virtual-hosted, as the
/// presigned addresses name it), or the endpoint the SDK is pointed at.
fn upload_origin(sdk: &aws_config::SdkConfig) -> Option<String> {
    let bucket = crate::external::read("MOTCUA_BUCKET")?;
    match sdk.endpoint_url() {
        Some(url) => Some(url.splitn(4, '/').take(3).collect::<Vec<_>>().join("/")),
        None => Some(format!("https://{bucket}.s3.{}.amazonaws.com", sdk.region()?)),
    }
}

/// Serves the pages under the Lambda runtime until the sandbox is shut down.
pub async fn run_web() -> Result<(), Error> {
    init_logging();
    let sdk = motcua_infra::aws::config_from_env().await;
    let key = read_server_key(&sdk).await?;
    let issuer = required("MOTCUA_OIDC_ISSUER")?;
    let (client_id, client_secret) = client(&sdk).await?;
    let config = OidcConfig {
        issuer: issuer.clone(),
        audience: client_id.clone(),
        jwks_url: None,
        token_use: Some("id".into()),
        algorithms: vec![jsonwebtoken::Algorithm::RS256],
    };
    let public_url = crate::external::read("MOTCUA_PUBLIC_URL");
    // Cognito's hosted sign-in is at the pool's domain (`MOTCUA_OIDC_SIGN_IN_URL`); another
    // issuer's endpoints come from its discovery document.
    let sign_in_url = crate::external::read("MOTCUA_OIDC_SIGN_IN_URL");
    let (verifier, provider) = tokio::task::spawn_blocking(move || {
        let verifier = OidcVerifier::discover(config)?;
        let provider = match sign_in_url {
            Some(base) => Provider {
                authorization_endpoint: format!("{base}/oauth2/authorize"),
                token_endpoint: format!("{base}/oauth2/token"),
                client_id,
                client_secret,
                public_url: public_url.map(|u| u.trim_end_matches('/').to_owned()),
                revocation_endpoint: Some(format!("{base}/oauth2/revoke")),
            },
            None => Provider::discover(&issuer, client_id, client_secret, public_url)?,
        };
        Ok::<_, String>((verifier, provider))
    })
    .await??;
    let verifier = Arc::new(verifier);
    let edge = edge_secret(&sdk).await?;
    let functions = crate::web::invoke::Functions::from_env(&sdk, verifier.clone(), edge.as_deref().map(Arc::from))?;
    // Cookies go over TLS only: API Gateway and the edge serve HTTPS alone.
    let web = crate::web::Web::new(crate::web::api::Api::through(functions), verifier, None, &key, true)
        .signing_in_through(provider)
        .with_uploads(crate::web::files::most_from_env()?, upload_origin(&sdk));
    crate::emf::publish_requests_as("web");
    let app = crate::web::router(Arc::new(web));
    let edge = edge.map(|secret| crate::edge::Edge::new(&secret)).transpose()?;
    let app = crate::edge::guard(app, edge).layer(axum::middleware::from_fn(crate::request_log::log_request));
    tracing::info!("web: initialised");
    lambda_http::run(app).await
}
