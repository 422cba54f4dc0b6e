//! motcua-functions: the HTTP API as axum routers per action family (each runs alone as a
//! Lambda or all together in the `motcua` binary), the application services behind them,
//! officer identity, and the sample province the binary seeds.

pub mod archive;
pub mod audit;
pub mod auth;
pub mod axis;
pub mod backup;
pub mod connections;
pub mod delivery_reports;
pub mod edge;
pub mod emf;
pub mod enclosures;
pub mod error;
pub mod external;
pub mod extract;
pub mod fakes;
pub mod https;
pub mod idempotency;
pub mod lambda;
pub mod lambda_web;
pub mod metrics;
pub mod notify;
pub mod pagination;
pub mod payments;
pub mod permissions;
pub mod portal;
pub mod postal;
pub mod proxies;
pub mod request_log;
pub mod routes;
pub mod seed;
pub mod server;
pub mod service;
pub mod sheets;
pub mod state;
pub mod views;
pub mod web;
