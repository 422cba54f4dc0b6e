//! Form 03: the refusal (Phiếu từ chối tiếp nhận giải quyết hồ sơ), with the specific reasons.

use motcua_domain::lifecycle::Action;

use super::{officer_name, words, FormContext, FormUnavailable};
use crate::sheet::{Block, Sheet, Signature};

pub fn sheet(ctx: &FormContext) -> Result<Sheet, FormUnavailable> {
    let e = ctx.last(Action::Refuse).ok_or(FormUnavailable::NotRefused)?;
    let d = ctx.dossier;
    let (title, you) = (words::title(d.applicant.kind), words::pronoun(d.applicant.kind));
    let body = vec![
        Block::Text(format!(
            "{} nhận hồ sơ của {title}{} {}.",
            ctx.agency.name,
            d.applicant.name,
            words::date(d.submitted_at)
        )),
        Block::field("Nội dung yêu cầu giải quyết", d.terms.procedure_name.clone()),
        Block::Text(
            "Qua xem xét, cơ quan thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:".to_owned(),
        ),
        Block::Strong(e.note.clone().unwrap_or_default()),
        Block::Text(format!("Xin thông báo để {you} biết và thực hiện.")),
        Block::Signatures(vec![Signature {
            role: "NGƯỜI TIẾP NHẬN HỒ SƠ".into(),
            hint: "(Ký và ghi rõ họ tên)".into(),
            name: officer_name(e),
        }]),
    ];
    Ok(ctx.sheet("Mẫu số 03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "TCHS", e.at, body))
}
