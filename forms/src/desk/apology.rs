//! Form 04: the apology and new date (Phiếu xin lỗi và hẹn lại ngày trả kết quả), for the latest
//! extension: the appointment it moved, the reason, the apology, the new date; signed by the
//! head of the agency.

use motcua_domain::lifecycle::Action;

use super::{officer_name, words, FormContext, FormUnavailable};
use crate::sheet::{Block, Sheet, Signature};

pub fn sheet(ctx: &FormContext) -> Result<Sheet, FormUnavailable> {
    let e = ctx.last(Action::Extend).ok_or(FormUnavailable::NotExtended)?;
    let d = ctx.dossier;
    let (title, you) = (words::title(d.applicant.kind), words::pronoun(d.applicant.kind));
    // The appointment this extension moved: the due date standing before it.
    let earlier = ctx.history.iter().take_while(|x| x.seq < e.seq).filter_map(|x| x.due_at).last();
    let before = earlier.or(d.original_due_at).or(d.due_at);
    let new = e.due_at.or(d.due_at);
    let agency = &ctx.agency.name;
    let mut body = vec![
        Block::Strong(format!("Kính gửi: {title}{}", d.applicant.name)),
        Block::Text(format!(
            "{}, {agency} tiếp nhận hồ sơ của {title}{} về việc: {}.",
            words::place_date(None, d.received_at.unwrap_or(d.submitted_at)),
            d.applicant.name,
            d.terms.procedure_name
        )),
    ];
    if let Some(before) = before {
        body.push(Block::field("Thời hẹn trả kết quả giải quyết hồ sơ", words::time_and_date(before)));
    }
    body.push(Block::Text(format!(
        "Tuy nhiên đến nay, {agency} chưa trả kết quả giải quyết hồ sơ cho {you} đúng hẹn."
    )));
    body.push(Block::field("Lý do", e.note.clone().unwrap_or_default()));
    body.push(Block::Text(format!(
        "Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của {you}. {agency} xin lỗi {you} và sẽ trả \
         kết quả giải quyết hồ sơ cho {you} vào:"
    )));
    if let Some(new) = new {
        body.push(Block::Strong(words::time_and_date(new)));
    }
    body.push(Block::Text(format!("Kính mong nhận được sự thông cảm của {you}!")));
    body.push(Block::Signatures(vec![Signature {
        role: "THỦ TRƯỞNG CƠ QUAN".into(),
        hint: "(Ký, ghi rõ họ tên và đóng dấu)".into(),
        name: officer_name(e),
    }]));
    Ok(ctx.sheet("Mẫu số 04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "XLHS", e.at, body))
}
