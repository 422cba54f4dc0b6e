//! motcua-infra: adapters implementing the domain's ports. On one machine: an embedded SQLite
//! store (dossiers, catalogue, outbox), a local notification sink, the system clock and the
//! outbox worker that drains committed notifications. On AWS: the DynamoDB store and the
//! SNS (SMS) and SES (email) notifier.

pub mod aws;
pub mod aws_notifier;
pub mod axis_http;
pub mod axis_sender;
pub mod catalogue_cache;
pub mod channels;
pub mod clock;
mod codec;
#[cfg(test)]
pub mod contract;
pub mod dynamo;
pub mod files;
pub mod http_json;
pub mod mime;
pub mod outbox_worker;
pub mod payment_http;
pub mod portal_http;
pub mod portal_worker;
pub mod postal_http;
pub mod provider_http;
pub mod settings;
pub mod sink;
pub mod sms_gateway;
pub mod smtp;
pub mod sqlite;
pub mod warnings_worker;
pub mod zalo;

pub use aws_notifier::{AwsNotifier, Senders};
pub use catalogue_cache::CachedCatalogue;
pub use clock::SystemClock;
pub use dynamo::DynamoStore;
pub use files::LocalFiles;
pub use sink::LocalSink;
pub use sqlite::SqliteStore;
