//! What is held about a person (Law 91/2025/QH15), as a printed sheet: the request (who asked,
//! when, why, about which identifier), then each dossier with the personal data it holds, the
//! documents handed in, the agencies and officers who processed it and where its data went.
//! The QR code holds the request's id, which its record keeps.

use motcua_domain::calendar::vietnam;
use motcua_domain::privacy::{HeldDossier, Recipient, SubjectKind, SubjectReport};

use crate::desk::words::place_date;
use crate::sheet::{Block, Header, Sheet, Signature};

/// Who issues the sheet: the requesting administrator's unit and the authority above it.
pub struct Issuer<'a> {
    pub authority: &'a str,
    pub unit: &'a str,
    /// The place printed before the date; none prints the date alone.
    pub place: Option<&'a str>,
}

fn kind_name(kind: SubjectKind) -> &'static str {
    match kind {
        SubjectKind::CitizenId => "Số định danh cá nhân",
        SubjectKind::TaxCode => "Mã số thuế",
    }
}

fn recipient_name(r: Recipient) -> &'static str {
    match r {
        Recipient::NationalPortal => "Cổng Dịch vụ công quốc gia (đồng bộ trạng thái hồ sơ)",
        Recipient::PaymentPlatform => "Nền tảng thanh toán trực tuyến (thông tin người nộp phí)",
    }
}

fn or_none(value: Option<&str>) -> String {
    value.map(str::to_owned).unwrap_or_else(|| "không có".to_owned())
}

fn dossier_blocks(n: usize, d: &HeldDossier) -> Vec<Block> {
    let a = &d.applicant;
    let mut out = vec![
        Block::Strong(format!("{n}. Hồ sơ {} · {}", d.code, d.procedure_name)),
        Block::field("Mục đích xử lý", format!("giải quyết thủ tục {} ({})", d.procedure_code, d.procedure_name)),
        Block::field("Trạng thái", format!("{} · nộp ngày {}", d.status.name_vi(), vietnam::display(d.submitted_at))),
        Block::field("Họ và tên", a.name.clone()),
        Block::field("Số định danh cá nhân", or_none(a.citizen_id.as_ref().map(|c| c.as_str()))),
        Block::field("Mã số thuế", or_none(a.tax_code.as_ref().map(|t| t.as_str()))),
        Block::field("Số điện thoại", or_none(a.phone.as_ref().map(|p| p.e164()))),
        Block::field("Thư điện tử", or_none(a.email.as_ref().map(|e| e.as_str()))),
        Block::field("Địa chỉ", or_none(a.address.as_deref())),
        Block::field("Người được ủy quyền", or_none(a.delegate_name.as_deref())),
    ];
    if !d.documents.is_empty() {
        let rows = d
            .documents
            .iter()
            .map(|doc| {
                let kept = match (&doc.reference, doc.file_kept) {
                    (_, true) => "lưu tệp".to_owned(),
                    (Some(r), false) => format!("số {r}"),
                    (None, false) => "chỉ tên".to_owned(),
                };
                vec![doc.component.clone(), doc.file_name.clone(), kept]
            })
            .collect();
        out.push(Block::Table {
            columns: vec![("Thành phần".into(), 0.45), ("Tệp".into(), 0.35), ("Lưu giữ".into(), 0.2)],
            rows,
        });
    }
    out.push(Block::field("Cơ quan xử lý", d.agencies.join(", ")));
    let officers: Vec<String> = d.officers.iter().map(|o| format!("{} ({})", o.name, o.agency)).collect();
    out.push(Block::field("Cán bộ xử lý", if officers.is_empty() { "chưa có".into() } else { officers.join("; ") }));
    let passed: Vec<&str> = d.passed_to.iter().map(|r| recipient_name(*r)).collect();
    out.push(Block::field("Đã chia sẻ với", if passed.is_empty() { "không".into() } else { passed.join("; ") }));
    out
}

/// The sheet of `report`, issued by `issuer`.
pub fn sheet(report: &SubjectReport, issuer: &Issuer<'_>) -> Sheet {
    let r = &report.request;
    let mut body = vec![
        Block::Text(
            "Căn cứ Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15, hệ thống một cửa điện tử liệt kê các hồ sơ thủ tục \
             hành chính và dữ liệu cá nhân đang được lưu giữ của chủ thể dữ liệu dưới đây."
                .to_owned(),
        ),
        Block::field(kind_name(report.kind), report.subject.clone()),
        Block::field("Lý do yêu cầu", r.reason.clone()),
        Block::field("Người lập", format!("{} ({})", r.officer.name, r.officer.agency)),
        Block::field("Thời điểm lập", vietnam::display(r.at)),
        Block::field("Số hồ sơ", report.dossiers.len().to_string()),
    ];
    if !report.complete {
        body.push(Block::Note(
            "Danh sách gồm các hồ sơ mới nhất; chủ thể có thêm hồ sơ cũ hơn, xem bản JSON theo từng cơ quan."
                .to_owned(),
        ));
    }
    for (i, d) in report.dossiers.iter().enumerate() {
        body.extend(dossier_blocks(i + 1, d));
    }
    body.push(Block::Signatures(vec![Signature {
        role: "NGƯỜI LẬP".into(),
        hint: "(Ký, ghi rõ họ tên)".into(),
        name: r.officer.name.clone(),
    }]));
    Sheet {
        header: Header {
            authority: issuer.authority.to_owned(),
            unit: issuer.unit.to_owned(),
            number: format!("Số: {}", r.id),
            place_date: place_date(issuer.place, r.at),
        },
        title: "THÔNG BÁO DỮ LIỆU CÁ NHÂN ĐANG ĐƯỢC LƯU GIỮ".into(),
        code: r.id.clone(),
        code_label: "Số yêu cầu".into(),
        qr_hint: Some("Mã QR chứa số yêu cầu, theo đó hệ thống lưu người lập, thời điểm và lý do.".into()),
        lookup: r.id.clone(),
        body,
        model: "Luật 91/2025/QH15".into(),
    }
}
