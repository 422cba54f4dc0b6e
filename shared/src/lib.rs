//! motcua-domain: the one-stop administrative-procedure domain, pure. Types (procedure, agency,
//! dossier, step, event, rating), the lifecycle table, the working-time calendar, codes,
//! Vietnamese identifiers, notification templates, and the ports adapters implement.
//! No I/O here: every rule is tested without a database, network or clock.

pub mod calendar;
pub mod catalogue;
pub mod codes;
pub mod contact;
pub mod lifecycle;
pub mod notify;
pub mod ports;
pub mod text;
