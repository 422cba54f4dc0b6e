//! The `receipts` Lambda: applies SES events and SMS delivery-status logs to the outbox (see
//! `motcua_functions::delivery_reports`).

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), motcua_functions::lambda::Error> {
    motcua_functions::lambda::run_receipts().await
}
