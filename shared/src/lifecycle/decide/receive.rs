//! Tiếp nhận: the desk accepts an online dossier; the terms in force now are copied and the
//! clock starts.

use super::super::{LifecycleError, Terms};
use super::{clock, text, Draft};

pub(super) fn receive(draft: &mut Draft<'_>, note: Option<String>) -> Result<(), LifecycleError> {
    draft.note = text::optional(note.as_deref(), "note")?;
    let ctx = draft.ctx;
    draft.d.terms = Terms::of(ctx.procedure, draft.d.channel);
    clock::start(&mut draft.d, ctx.now, draft.by.clone(), ctx);
    Ok(())
}
