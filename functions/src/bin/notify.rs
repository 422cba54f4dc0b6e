//! The `notify` Lambda: sends outbox items from the table's stream (see `motcua_functions::notify`).

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), motcua_functions::lambda::Error> {
    motcua_functions::lambda::run_notify().await
}
