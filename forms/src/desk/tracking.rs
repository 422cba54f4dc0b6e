//! Form 05: the tracking card (Phiếu kiểm soát quá trình giải quyết hồ sơ), one row per
//! hand-over as the domain derives it from the history, and the return to the applicant.

use motcua_domain::lifecycle::{tracking_card, RowKind};

use super::{words, FormContext, FormUnavailable};
use crate::sheet::{Block, Sheet};

pub fn sheet(ctx: &FormContext) -> Result<Sheet, FormUnavailable> {
    let d = ctx.dossier;
    d.received_at.ok_or(FormUnavailable::NotReceived)?;
    let at = ctx.history.last().map_or(d.submitted_at, |e| e.at);
    let mut partners: Vec<String> = Vec::new();
    for agency in d.terms.workflow.iter().filter_map(|step| step.agency.as_ref()) {
        let code = agency.to_string();
        if *agency != ctx.agency.code && !partners.contains(&code) {
            partners.push(code);
        }
    }
    let name =
        |who: &Option<motcua_domain::catalogue::OfficerRef>| who.as_ref().map(|o| o.name.clone()).unwrap_or_default();
    let mut rows: Vec<Vec<String>> = tracking_card(d, ctx.history)
        .iter()
        .map(|r| {
            let what = match r.kind {
                RowKind::Step => format!("{}. {}", r.step + 1, r.step_name),
                RowKind::SupplementRequested => "Yêu cầu bổ sung hồ sơ".to_owned(),
                RowKind::SupplementReceived => "Nhận hồ sơ bổ sung".to_owned(),
                RowKind::Consultation => format!("Xin ý kiến (bước {})", r.step + 1),
            };
            vec![
                format!("{what}\n{}", r.agency),
                format!("{}\n{}", words::short(r.given_at), name(&r.given_by)),
                r.taken_at.map(|t| format!("{}\n{}", words::short(t), name(&r.taken_by))).unwrap_or_default(),
                r.due_at.map(words::short).unwrap_or_default(),
                words::timeliness(r.result).to_owned(),
            ]
        })
        .collect();
    if let Some(returned) = d.returned_at {
        rows.push(vec![
            "Trả kết quả cho người nộp".to_owned(),
            words::short(returned),
            String::new(),
            d.due_at.map(words::short).unwrap_or_default(),
            words::timeliness(d.due_at.map(|due| motcua_domain::calendar::Timeliness::of(returned, due))).to_owned(),
        ]);
    }
    let body = vec![
        Block::field("Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả số", format!("{}/TNHS", d.code)),
        Block::field("Cơ quan giải quyết hồ sơ", ctx.agency.name.clone()),
        Block::field(
            "Cơ quan phối hợp giải quyết hồ sơ",
            if partners.is_empty() { "Không".to_owned() } else { partners.join(", ") },
        ),
        Block::Table {
            columns: vec![
                ("Bước / cơ quan".to_owned(), 0.28),
                ("Giao: thời gian, người giao".to_owned(), 0.22),
                ("Nhận: thời gian, người nhận".to_owned(), 0.22),
                ("Hạn".to_owned(), 0.14),
                ("Kết quả".to_owned(), 0.14),
            ],
            rows,
        },
    ];
    Ok(ctx.sheet("Mẫu số 05", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "KSHS", at, body))
}
