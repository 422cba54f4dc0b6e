//! Form 02: the supplement request (Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ), for the latest
//! request: everything to add or correct (the law allows one complete list), the reason, the
//! deadline, and whom to ask for guidance.

use motcua_domain::lifecycle::Action;

use super::{officer_name, words, FormContext, FormUnavailable};
use crate::sheet::{Block, Sheet, Signature};

/// The request's note as the domain writes it: the reason, then one `- item` line per item.
fn reason_and_items(note: &str) -> (String, Vec<String>) {
    let mut reason = Vec::new();
    let mut items = Vec::new();
    for line in note.lines() {
        match line.strip_prefix("- ") {
            Some(item) => items.push(item.to_owned()),
            None => reason.push(line.to_owned()),
        }
    }
    (reason.join(" "), items)
}

pub fn sheet(ctx: &FormContext) -> Result<Sheet, FormUnavailable> {
    let e = ctx.last(Action::RequestSupplement).ok_or(FormUnavailable::NoSupplementRequest)?;
    let d = ctx.dossier;
    let (title, you) = (words::title(d.applicant.kind), words::pronoun(d.applicant.kind));
    let (reason, items) = reason_and_items(e.note.as_deref().unwrap_or_default());
    let filed = d.received_at.unwrap_or(d.submitted_at);
    let mut body = vec![
        Block::Text(format!(
            "{} tiếp nhận hồ sơ của {title}{} {}.",
            ctx.agency.name,
            d.applicant.name,
            words::date(filed)
        )),
        Block::field("Nội dung yêu cầu giải quyết", d.terms.procedure_name.clone()),
        Block::Text(format!("Sau khi xem xét, đề nghị {you} bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:")),
    ];
    for (i, item) in items.iter().enumerate() {
        body.push(Block::Text(format!("{}. {item}", i + 1)));
    }
    body.push(Block::field("Lý do", reason));
    if let Some(deadline) = e.deadline {
        body.push(Block::field("Hạn bổ sung", words::time_and_date(deadline)));
    }
    let guide = officer_name(e);
    body.push(Block::Text(format!(
        "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, {you} liên hệ {}{}, địa chỉ {}, để được hướng dẫn.",
        if guide.is_empty() { String::new() } else { format!("{guide}, ") },
        ctx.agency.name,
        ctx.agency.address
    )));
    body.push(Block::Signatures(vec![Signature {
        role: "NGƯỜI HƯỚNG DẪN".into(),
        hint: "(Ký và ghi rõ họ tên)".into(),
        name: guide,
    }]));
    Ok(ctx.sheet("Mẫu số 02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "YCBS", e.at, body))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_note_splits_into_the_reason_and_the_items() {
        let (reason, items) = super::reason_and_items("Thiếu giấy tờ\n- Bản sao CCCD\n- Ảnh 4x6");
        assert_eq!(reason, "Thiếu giấy tờ");
        assert_eq!(items, ["Bản sao CCCD", "Ảnh 4x6"]);
    }
}
