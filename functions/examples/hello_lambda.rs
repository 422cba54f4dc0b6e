//! The cold-start baseline (docs/performance.md): a hello-world `lambda_http` function, built
//! with the same profile as the real ones, answering every request with a fixed text.

use lambda_http::{service_fn, Body, Error, Request, Response};

async fn hello(_: Request) -> Result<Response<Body>, Error> {
    Ok(Response::builder().status(200).header("content-type", "text/plain").body("xin chào".into())?)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_http::run(service_fn(hello)).await
}
