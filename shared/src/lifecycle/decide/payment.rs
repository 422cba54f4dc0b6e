//! Fees before processing: a reception that waits for them, and the desk recording them paid
//! (`lifecycle/payment.rs`).

use super::super::{owed, Dossier, LifecycleError, NoticeKind, Payment, PaymentChannel, Status};
use super::{clock, text, Draft};

/// Whether a reception waits for the fees: they come first and something is owed.
pub(super) fn awaits(d: &Dossier) -> bool {
    d.terms.fees_first && owed(d) > 0
}

/// The reception of a dossier whose fees come first: received now, the clock stopped until they
/// are paid, the applicant told what to pay.
pub(super) fn wait(draft: &mut Draft<'_>) {
    draft.d.received_at = Some(draft.now());
    draft.d.status = Status::AwaitingPayment;
    draft.notice = Some(NoticeKind::PaymentRequested);
}

/// The desk took the fees in person: the whole amount owed, against a receipt; the clock starts
/// now (the reception keeps its date).
pub(super) fn record(
    draft: &mut Draft<'_>,
    amount_vnd: u64,
    receipt: &str,
    note: Option<String>,
) -> Result<(), LifecycleError> {
    let owed = owed(&draft.d);
    if amount_vnd != owed {
        return Err(LifecycleError::WrongAmount { owed, paid: amount_vnd });
    }
    let receipt = text::required(receipt, "receipt")?;
    if receipt.chars().count() > 50 {
        return Err(LifecycleError::TooLong("receipt"));
    }
    draft.note = text::optional(note.as_deref(), "note")?;
    let payment = Payment { amount_vnd, paid_at: draft.now(), channel: PaymentChannel::Counter, reference: receipt };
    paid(draft, payment);
    Ok(())
}

/// The payment platform confirmed the fees paid online (its callback or our status query,
/// verified by the caller): the whole amount owed.
pub(super) fn confirm(draft: &mut Draft<'_>, payment: Payment) -> Result<(), LifecycleError> {
    let owed = owed(&draft.d);
    if payment.amount_vnd != owed || payment.channel != PaymentChannel::Online {
        return Err(LifecycleError::WrongAmount { owed, paid: payment.amount_vnd });
    }
    paid(draft, payment);
    Ok(())
}

/// The fees are paid: recorded, and the statutory clock starts.
fn paid(draft: &mut Draft<'_>, payment: Payment) {
    let ctx = draft.ctx;
    let received_at = draft.d.received_at;
    draft.d.payments.push(payment.clone());
    draft.payment = Some(payment);
    clock::start(&mut draft.d, ctx.now, draft.by.clone(), ctx);
    draft.d.received_at = received_at.or(Some(ctx.now));
}
