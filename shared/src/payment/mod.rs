//! Paying a dossier's fees online through the national payment platform (Nền tảng thanh toán
//! trên Cổng DVCQG), as its messages look in production systems (`../shared/INTEGRATIONS.md`
//! §2a): a transaction our side opens for the fees owed (`INIT`), the payer redirected to the
//! platform, a signed callback (IPN) saying how it ended, and a status query (`QUERY`) for
//! transactions whose callback never came. Pure: what a transaction is, how each message is
//! built and signed, and how a callback is judged before anything is recorded. The adapter, the
//! fake gateway and the routes build on it (`docs/integrations.md`).

mod messages;
mod transaction;

pub use messages::{
    init, pay_url, query, query_status, reply, signature, signature_matches, Callback, Order, QueryStatus,
};
pub use transaction::{judge, reference_for, Refusal, Transaction, TransactionState, Verdict};
