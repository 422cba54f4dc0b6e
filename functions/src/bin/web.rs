//! The `web` Lambda: the citizens' pages and the officers' console behind API Gateway (see
//! `motcua_functions::lambda_web`).

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), motcua_functions::lambda::Error> {
    motcua_functions::lambda_web::run_web().await
}
