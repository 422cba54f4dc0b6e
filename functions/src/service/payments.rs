//! Paying a dossier's fees online (`docs/integrations.md`): the applicant opens a transaction and
//! is sent to the platform's page; the platform's signed callback, or our status query when the
//! callback never comes, settles it. A paid transaction moves its dossier on in the same write
//! (the platform's `confirm_payment` row); a second callback, a late query or two racing each
//! other find it settled and change nothing. A payment that reaches a dossier no longer waiting
//! for it (withdrawn, or paid at the desk meanwhile) is kept, paid, with why, for the desk to
//! refund: money taken is never forgotten.

use chrono::Duration;
use motcua_domain::codes::DossierCode;
use motcua_domain::lifecycle::{owed, Actor, Command, HistoryEvent, Payment, PaymentChannel, Status};
use motcua_domain::payment::{Callback, Order, QueryStatus, Transaction, Verdict};
use motcua_domain::ports::{PaymentPlatform, StoreError, StoredDossier};
use serde_json::Value;

use super::{dossiers, Refused, ServiceResult};
use crate::state::AppState;

/// How long a transaction is left to its payer before the platform is asked how it stands (its
/// payment pages expire in about fifteen minutes).
pub fn payer_window() -> Duration {
    Duration::minutes(15)
}

/// A transaction opened: where to send the payer.
#[derive(Debug, Clone)]
pub struct Started {
    pub transaction: Transaction,
    pub pay_url: String,
}

/// How a transaction ended, as this side applied it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// Paid, and its dossier moved on with it.
    Applied,
    /// Paid, but kept aside: the dossier was no longer waiting for it.
    Unapplied,
    /// Not paid.
    Failed,
    /// Still at the platform.
    Pending,
    /// Ended before (another callback or query took it).
    Already,
}

fn platform(state: &AppState) -> ServiceResult<&dyn PaymentPlatform> {
    state.payment_platform.as_deref().ok_or(Refused::PaymentNotConfigured)
}

/// Opens a transaction for what `loaded` owes, paid from `payer_ip`. An earlier transaction
/// still open is asked about first: paid, it is applied (and nothing more is owed); pending, no
/// second one is opened, so a payer is never charged twice.
pub async fn start(
    state: &AppState,
    loaded: &(StoredDossier, Vec<HistoryEvent>),
    payer_ip: &str,
) -> ServiceResult<Started> {
    let platform = platform(state)?;
    let d = &loaded.0.dossier;
    if d.status != Status::AwaitingPayment || owed(d) == 0 {
        return Err(Refused::NothingToPay);
    }
    let earlier = state.payments.transactions_of(&d.code).await?;
    for t in earlier.iter().filter(|t| t.is_open()) {
        match ask(state, platform, t).await? {
            Settled::Applied | Settled::Already => return Err(Refused::AlreadyPaid),
            Settled::Pending => return Err(Refused::PaymentInProgress),
            Settled::Unapplied | Settled::Failed => {}
        }
    }
    let now = state.clock.now();
    let t = Transaction::open(&d.code, earlier.len() as u32 + 1, owed(d), now);
    state.payments.open_transaction(&t).await.map_err(|e| match e {
        StoreError::Conflict => Refused::PaymentInProgress,
        e => e.into(),
    })?;
    let procedure = super::procedure(state, &d.procedure_code).await?;
    match platform.open(&t, &Order::of(d, &procedure.name, payer_ip)).await {
        Ok(pay_url) => {
            tracing::info!(dossier = %d.code, reference = %t.reference, amount = t.amount_vnd, "payment opened");
            Ok(Started { transaction: t, pay_url })
        }
        Err(e) => {
            // The payer never saw a page to pay on: the transaction ends here.
            state.payments.close_transaction(&t.failed(now)).await?;
            Err(e.into())
        }
    }
}

/// Asks the platform how the open transaction `t` stands, and applies what it says.
async fn ask(state: &AppState, platform: &dyn PaymentPlatform, t: &Transaction) -> ServiceResult<Settled> {
    match platform.status(&t.reference).await? {
        QueryStatus::Paid { platform_id, amount_vnd } if amount_vnd == t.amount_vnd => {
            paid(state, t, &platform_id, "").await
        }
        QueryStatus::Paid { amount_vnd, .. } => {
            tracing::error!(reference = %t.reference, amount_vnd, expected = t.amount_vnd, "the platform reports another amount paid: left open for the desk");
            Ok(Settled::Pending)
        }
        QueryStatus::Pending => Ok(Settled::Pending),
        QueryStatus::Failed => failed(state, t).await,
    }
}

async fn failed(state: &AppState, t: &Transaction) -> ServiceResult<Settled> {
    let ended = state.payments.close_transaction(&t.failed(state.clock.now())).await?;
    Ok(if ended { Settled::Failed } else { Settled::Already })
}

/// `t` was paid: the dossier moves on in the same write that settles it. A concurrent change of
/// the dossier is read again; a concurrent settlement (a second callback) means it is done.
async fn paid(state: &AppState, t: &Transaction, platform_id: &str, bank: &str) -> ServiceResult<Settled> {
    for _ in 0..3 {
        match state.payments.transaction(&t.reference).await? {
            Some(current) if current.is_open() => {}
            _ => return Ok(Settled::Already),
        }
        let loaded = dossiers::load_with_history(state, &t.dossier).await?;
        let now = state.clock.now();
        let settled = t.paid(platform_id, bank, now);
        let d = &loaded.0.dossier;
        if d.status != Status::AwaitingPayment || owed(d) != t.amount_vnd {
            let why = format!(
                "hồ sơ ở trạng thái {} khi nhận tiền / the dossier was {}",
                d.status.name_vi(),
                d.status.as_str()
            );
            let kept = Transaction { unapplied: Some(why), ..settled };
            tracing::warn!(dossier = %t.dossier, reference = %t.reference, "a payment reached a dossier no longer awaiting it: kept for a refund");
            let ended = state.payments.close_transaction(&kept).await?;
            return Ok(if ended { Settled::Unapplied } else { Settled::Already });
        }
        let reference = settled.platform_id.clone().unwrap_or_else(|| t.reference.clone());
        let payment = Payment { amount_vnd: t.amount_vnd, paid_at: now, channel: PaymentChannel::Online, reference };
        let command = (Command::ConfirmPayment { payment }, vec![]);
        match dossiers::act_settling(state, loaded, Actor::Platform, command, Some(settled)).await {
            Ok(_) => return Ok(Settled::Applied),
            Err(Refused::Store(StoreError::Conflict)) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::Conflict.into())
}

/// What the platform's callback comes to: whether it was taken, and our signed answer.
pub struct CallbackAnswer {
    pub taken: bool,
    /// Why not, when it was refused.
    pub refusal: Option<String>,
    pub reply: Value,
}

/// Judges and applies the platform's callback. Refused (a bad signature, another partner, a
/// transaction or amount not ours) it changes nothing.
pub async fn callback(state: &AppState, callback: &Callback) -> ServiceResult<CallbackAnswer> {
    let platform = platform(state)?;
    let t = state.payments.transaction(&callback.reference).await?;
    let verdict = match platform.judge(t.as_ref(), callback) {
        Ok(v) => v,
        Err(refusal) => {
            tracing::warn!(reference = %callback.reference, refusal = %refusal, "payment callback refused");
            let reply = platform.reply(callback, false, state.clock.now());
            return Ok(CallbackAnswer { taken: false, refusal: Some(refusal.to_string()), reply });
        }
    };
    let t = t.expect("a believed callback names a transaction of ours");
    let settled = match verdict {
        Verdict::Paid { platform_id, bank } => paid(state, &t, &platform_id, &bank).await?,
        Verdict::Failed { .. } => failed(state, &t).await?,
        Verdict::AlreadySettled => Settled::Already,
    };
    tracing::info!(reference = %t.reference, settled = ?settled, "payment callback taken");
    Ok(CallbackAnswer { taken: true, refusal: None, reply: platform.reply(callback, true, state.clock.now()) })
}

/// What a pass of status queries found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    pub asked: usize,
    pub paid: usize,
    pub failed: usize,
    pub pending: usize,
    /// The platform could not be asked (tried again next pass).
    pub unanswered: usize,
}

/// Asks the platform about transactions open past the payer's window (their callback was lost,
/// or the payer left), up to `limit`, and applies the answers.
pub async fn sweep(state: &AppState, limit: usize) -> ServiceResult<Swept> {
    let platform = platform(state)?;
    let mut swept = Swept::default();
    let stale = state.payments.open_transactions(state.clock.now() - payer_window(), limit).await?;
    for t in &stale {
        swept.asked += 1;
        match ask(state, platform, t).await {
            Ok(Settled::Applied | Settled::Unapplied) => swept.paid += 1,
            Ok(Settled::Failed) => swept.failed += 1,
            Ok(Settled::Pending) => swept.pending += 1,
            Ok(Settled::Already) => {}
            Err(Refused::PaymentPlatform(e)) => {
                tracing::warn!(reference = %t.reference, error = %e, "payment status query failed");
                swept.unanswered += 1;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(swept)
}

/// [`sweep`] on a schedule (the server's worker, the notify Lambda): what it found goes to the
/// log (the dossiers it moves are committed like any other transition).
pub async fn sweep_and_log(state: &AppState, limit: usize) {
    match sweep(state, limit).await {
        Ok(s) if s.asked > 0 => tracing::info!(
            asked = s.asked,
            paid = s.paid,
            failed = s.failed,
            pending = s.pending,
            unanswered = s.unanswered,
            "payment status queries"
        ),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "payment status queries failed"),
    }
}

/// The dossier's transactions, for its officers.
pub async fn of_dossier(state: &AppState, code: &DossierCode) -> ServiceResult<Vec<Transaction>> {
    Ok(state.payments.transactions_of(code).await?)
}
