//! Form 01: the reception receipt and appointment (Giấy tiếp nhận hồ sơ và hẹn trả kết quả).

use motcua_domain::lifecycle::{listed, total_due, Action, PaymentChannel};

use super::{officer_name, words, FormContext, FormUnavailable};
use crate::sheet::{Block, Sheet, Signature};

pub fn sheet(ctx: &FormContext) -> Result<Sheet, FormUnavailable> {
    let d = ctx.dossier;
    let (Some(received_at), Some(due_at)) = (d.received_at, d.due_at) else {
        return Err(FormUnavailable::NotReceived);
    };
    let reception = ctx.history.iter().find(|e| matches!(e.action, Action::Receive | Action::CounterReceive));
    let a = &d.applicant;
    let mut body = vec![
        Block::field("Bộ phận tiếp nhận và trả kết quả", ctx.agency.name.clone()),
        Block::field("Tiếp nhận hồ sơ của", format!("{}{}", words::title(a.kind), a.name)),
    ];
    if let Some(delegate) = &a.delegate_name {
        body.push(Block::field("Người được ủy quyền", delegate.clone()));
    }
    for (label, value) in [
        ("Địa chỉ", a.address.clone()),
        ("Số điện thoại", a.phone.as_ref().map(|p| words::phone(&p.to_string()))),
        ("Email", a.email.as_ref().map(ToString::to_string)),
    ] {
        if let Some(value) = value {
            body.push(Block::field(label, value));
        }
    }
    body.push(Block::field("Nội dung yêu cầu giải quyết", d.terms.procedure_name.clone()));
    body.push(Block::Text("1. Thành phần hồ sơ nộp gồm:".to_owned()));
    let handed: Vec<_> =
        ctx.components().iter().filter(|c| d.documents.iter().any(|x| x.component == c.name)).collect();
    let listed_components = if handed.is_empty() { ctx.components().iter().collect() } else { handed };
    let rows = listed_components
        .iter()
        .enumerate()
        .map(|(i, c)| vec![(i + 1).to_string(), c.name.clone(), words::form(c.form).to_owned(), c.quantity.to_string()])
        .collect();
    body.push(Block::Table {
        columns: vec![
            ("TT".to_owned(), 0.08),
            ("Tên loại giấy tờ".to_owned(), 0.56),
            ("Hình thức".to_owned(), 0.2),
            ("Số lượng".to_owned(), 0.16),
        ],
        rows,
    });
    body.push(Block::field("2. Số lượng hồ sơ", "01 (bộ)"));
    body.push(Block::field(
        "3. Thời gian giải quyết hồ sơ theo quy định",
        words::processing_time(d.terms.processing_time),
    ));
    body.push(Block::field("4. Thời gian nhận hồ sơ", words::time_and_date(received_at)));
    body.push(Block::field("5. Thời gian trả kết quả giải quyết hồ sơ", words::time_and_date(due_at)));
    if let Some(original) = d.original_due_at.filter(|&o| o != due_at) {
        body.push(Block::Note(format!(
            "(Hẹn ban đầu: {}; đã hẹn lại kèm Phiếu xin lỗi.)",
            words::time_and_date(original)
        )));
    }
    body.push(Block::field("6. Đăng ký nhận kết quả", words::collect(d.result_by).to_owned()));
    let fees = d.terms.fees.clone().unwrap_or_else(|| listed(&ctx.procedure.fees));
    if !fees.is_empty() {
        let lines: Vec<String> = fees.iter().map(|f| format!("{}: {}", f.name, words::dong(f.due_vnd))).collect();
        let total =
            if lines.len() > 1 { format!(" (tổng cộng {})", words::dong(total_due(&fees))) } else { String::new() };
        body.push(Block::field("7. Phí, lệ phí", format!("{}{total}", lines.join("; "))));
    }
    for p in &d.payments {
        let how = match p.channel {
            PaymentChannel::Online => format!("thanh toán trực tuyến, mã giao dịch {}", p.reference),
            PaymentChannel::Counter => format!("nộp tại bộ phận một cửa, biên lai số {}", p.reference),
        };
        body.push(Block::Note(format!(
            "Đã nộp {} lúc {} ({how}).",
            words::dong(p.amount_vnd),
            words::time_and_date(p.paid_at)
        )));
    }
    body.push(Block::Note(
        "Ông/bà giữ giấy này để nhận kết quả và tra cứu tình trạng hồ sơ bằng mã hồ sơ (hoặc quét mã QR).".to_owned(),
    ));
    body.push(Block::Signatures(vec![
        Signature {
            role: "NGƯỜI NỘP HỒ SƠ".into(), hint: "(Ký và ghi rõ họ tên)".into(), name: a.name.clone()
        },
        Signature {
            role: "NGƯỜI TIẾP NHẬN HỒ SƠ".into(),
            hint: "(Ký và ghi rõ họ tên)".into(),
            name: reception.map(officer_name).unwrap_or_default(),
        },
    ]));
    Ok(ctx.sheet("Mẫu số 01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "TNHS", received_at, body))
}
