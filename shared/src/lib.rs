//! motcua-domain: the one-stop administrative-procedure domain, pure. Types (procedure, agency,
//! dossier, step, event, rating), the lifecycle table, the working-time calendar, codes,
//! Vietnamese identifiers, notification templates, and the ports adapters implement.
//! No I/O here: every rule is tested without a database, network or clock.

/// Display, `FromStr`, `TryFrom<String>` and `Into<String>` for a parsed text newtype
/// `struct T(String)` with `T::parse(&str) -> Result<T, E>`, so serde can parse at the edge.
macro_rules! text_newtype {
    ($t:ty, $e:ty) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl std::str::FromStr for $t {
            type Err = $e;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
        impl TryFrom<String> for $t {
            type Error = $e;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> Self {
                v.0
            }
        }
    };
}

pub mod access;
pub mod axis;
pub mod calendar;
pub mod catalogue;
pub mod codes;
pub mod contact;
pub mod documents;
#[cfg(test)]
mod fixtures;
pub mod lifecycle;
pub mod limits;
pub mod mac;
pub mod notify;
pub mod payment;
pub mod portal;
pub mod ports;
pub mod postal;
pub mod privacy;
pub mod reports;
pub mod search;
pub mod signin;
pub mod text;
pub mod warnings;
