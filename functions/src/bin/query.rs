//! The `query` Lambda: the query family's routes behind API Gateway (see `motcua_functions::lambda`).

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), motcua_functions::lambda::Error> {
    use motcua_functions::lambda::{externals_of, files_of};
    use motcua_functions::routes::{routes_of, Bare, Family};
    const FAMILY: Family = Family::Query;
    motcua_functions::lambda::run_http(
        FAMILY,
        const { routes_of::<Bare>(FAMILY) },
        const { files_of(FAMILY) },
        const { externals_of(FAMILY) },
    )
    .await
}
