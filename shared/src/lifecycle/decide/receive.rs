//! Tiếp nhận: the desk accepts an online dossier; the terms in force now (components, fees
//! with any reduction the desk records) are copied and the clock starts, unless the fees come
//! first: then it waits for them (`payment.rs`).

use super::super::{fee_lines, FeeReduction, LifecycleError, Terms};
use super::{clock, text, Draft};

pub(super) fn receive(
    draft: &mut Draft<'_>,
    note: Option<String>,
    reductions: &[FeeReduction],
) -> Result<(), LifecycleError> {
    draft.note = text::optional(note.as_deref(), "note")?;
    let ctx = draft.ctx;
    draft.d.terms = Terms::of(ctx.procedure, draft.d.channel);
    draft.d.terms.fees = Some(fee_lines(&ctx.procedure.fees, reductions)?);
    if super::payment::awaits(&draft.d) {
        super::payment::wait(draft);
    } else {
        draft.d.status = super::super::Status::Received;
        clock::start(&mut draft.d, ctx.now, draft.by.clone(), ctx);
    }
    Ok(())
}
