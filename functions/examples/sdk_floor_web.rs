//! The floor of the `web` function (docs/performance.md): `lambda_http`, the Lambda client
//! invoking a function with a request's event as the pages invoke the families' (`Invoke`), a
//! secret read from Secrets Manager at init (`floor/secret.rs`), and nothing of motcua. The pages
//! hold no table, so neither does their floor. The `web` package is compared with this one's.

#[path = "floor/secret.rs"]
mod secret;

use lambda_http::{service_fn, Body, Error, Request, Response};

async fn handle(functions: &aws_sdk_lambda::Client, request: Request) -> Result<Response<Body>, Error> {
    let event = format!("{{\"rawPath\": {:?}}}", request.uri().path());
    let function = std::env::var("MOTCUA_FUNCTION_QUERY")?;
    let invoke = functions.invoke().function_name(function);
    let answer = invoke.payload(aws_sdk_lambda::primitives::Blob::new(event)).send().await?;
    let status = if answer.function_error().is_none() { 200 } else { 502 };
    Ok(Response::builder()
        .status(status)
        .body(Body::from(answer.payload.map(|p| p.into_inner()).unwrap_or_default()))?)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let _key = secret::read(&config).await;
    let functions = aws_sdk_lambda::Client::new(&config);
    lambda_http::run(service_fn(|request| handle(&functions, request))).await
}
