//! Trả kết quả: the desk hands the result over at the counter, online, or by post with a
//! waybill where the procedure returns by post.

use super::super::{LifecycleError, ResultDelivery, ReturnMethod};
use super::{text, Draft};

/// The longest waybill number kept.
const MAX_WAYBILL: usize = 64;

pub(super) fn return_result(
    draft: &mut Draft<'_>,
    method: ReturnMethod,
    waybill: Option<String>,
) -> Result<(), LifecycleError> {
    let waybill = waybill.map(|w| w.trim().to_owned()).filter(|w| !w.is_empty());
    super::postal::none_live(draft)?;
    // An electronic result has its legal value only as the signed file.
    if method == ReturnMethod::Online
        && (draft.d.results.is_empty() || draft.d.results.iter().any(|r| r.file.is_none()))
    {
        return Err(LifecycleError::ResultFileRequired);
    }
    if method == ReturnMethod::Postal {
        if !draft.d.terms.postal_return {
            return Err(LifecycleError::PostalReturnNotOffered);
        }
        match &waybill {
            None => return Err(LifecycleError::WaybillRequired),
            Some(w) if w.len() > MAX_WAYBILL => return Err(LifecycleError::TooLong("waybill")),
            Some(w) => text::plain(w, "waybill", false)?,
        }
    }
    draft.note = waybill.clone();
    draft.d.result = Some(ResultDelivery { method, waybill: waybill.filter(|_| method == ReturnMethod::Postal) });
    draft.d.returned_at = Some(draft.now());
    Ok(())
}
