//! The notices a transition can raise, each with exactly one template, rendered for each
//! contact the applicant gave.

use super::{sms, Fallback, MessageChannel, OutgoingMessage};
use crate::calendar::vietnam;
use crate::catalogue::Agency;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::lifecycle::{Dossier, HistoryEvent, ReturnMethod};

/// An applicant-facing notice (the transition table names which action raises it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    Submitted,
    Received,
    Refused,
    SupplementRequested,
    SupplementReceived,
    Apology,
    ResultReady,
    Returned,
    Withdrawn,
    Stopped,
}

/// The three parts of a notice: fixed opening, variable detail (shortened first for SMS), close.
struct Parts {
    subject: String,
    head: String,
    detail: String,
    tail: String,
}

fn due(d: &Dossier) -> String {
    d.due_at.map(vietnam::display).unwrap_or_else(|| "chưa xác định".to_owned())
}

fn parts(kind: NoticeKind, d: &Dossier, e: &HistoryEvent, agency: &Agency) -> Parts {
    let code = &d.code;
    let note = e.note.clone().unwrap_or_default();
    let p = |subject: String, head: String, detail: String, tail: String| Parts { subject, head, detail, tail };
    match kind {
        NoticeKind::Submitted => p(
            format!("Hồ sơ {code} đã được nộp"),
            format!("Hồ sơ {code} đã được nộp trực tuyến lúc {}. ", vietnam::display(e.at)),
            String::new(),
            "Cơ quan sẽ kiểm tra và thông báo kết quả tiếp nhận.".to_owned(),
        ),
        NoticeKind::Received => p(
            format!("Hồ sơ {code} đã được tiếp nhận"),
            format!("Hồ sơ {code} đã được tiếp nhận. "),
            String::new(),
            format!("Ngày hẹn trả kết quả: {}.", due(d)),
        ),
        NoticeKind::Refused => p(
            format!("Hồ sơ {code} không được tiếp nhận"),
            format!("Hồ sơ {code} không được tiếp nhận. Lý do: "),
            note,
            String::new(),
        ),
        NoticeKind::SupplementRequested => p(
            format!("Hồ sơ {code} cần bổ sung"),
            format!("Hồ sơ {code} cần bổ sung: "),
            note.replace('\n', " "),
            " Vui lòng bổ sung để tiếp tục giải quyết.".to_owned(),
        ),
        NoticeKind::SupplementReceived => p(
            format!("Hồ sơ {code} đã nhận tài liệu bổ sung"),
            format!("Hồ sơ {code} đã nhận tài liệu bổ sung. "),
            String::new(),
            format!("Ngày hẹn trả kết quả: {}.", due(d)),
        ),
        NoticeKind::Apology => p(
            format!("Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ {code}"),
            format!("{} xin lỗi vì hồ sơ {code} chưa giải quyết được đúng hẹn. Lý do: ", agency.name),
            note,
            format!(" Ngày hẹn mới: {}.", due(d)),
        ),
        NoticeKind::ResultReady => p(
            format!("Hồ sơ {code} đã có kết quả"),
            format!("Hồ sơ {code} đã có kết quả. Nơi nhận: "),
            format!("{}, {}", agency.name, agency.address),
            ".".to_owned(),
        ),
        NoticeKind::Returned => {
            let how = match d.result.as_ref().map(|r| r.method) {
                Some(ReturnMethod::Postal) => format!("qua bưu chính, mã vận đơn {note}"),
                Some(ReturnMethod::Online) => "trực tuyến".to_owned(),
                _ => "tại Bộ phận Một cửa".to_owned(),
            };
            p(
                format!("Kết quả hồ sơ {code} đã được trả"),
                format!("Kết quả hồ sơ {code} đã được trả {how}. "),
                String::new(),
                "Mời ông/bà đánh giá mức độ hài lòng.".to_owned(),
            )
        }
        NoticeKind::Withdrawn => p(
            format!("Hồ sơ {code} đã được rút"),
            format!("Hồ sơ {code} đã được rút theo yêu cầu của ông/bà."),
            String::new(),
            String::new(),
        ),
        NoticeKind::Stopped => p(
            format!("Hồ sơ {code} bị dừng xử lý"),
            format!("Hồ sơ {code} bị dừng xử lý. Lý do: "),
            note,
            String::new(),
        ),
    }
}

/// The message a notice sends: an SMS when the applicant gave a phone (what people read),
/// otherwise an email; with both, the email is kept as the fallback, sent only if the SMS
/// cannot reach them (and the reverse never arises: email is primary only without a phone).
pub fn messages_for(kind: NoticeKind, d: &Dossier, e: &HistoryEvent, agency: &Agency) -> Vec<OutgoingMessage> {
    let parts = parts(kind, d, e, agency);
    let sms = d.applicant.phone.as_ref().map(|phone| Fallback {
        channel: MessageChannel::Sms,
        recipient: phone.e164().to_owned(),
        subject: None,
        text: sms::fit(&parts.head, &parts.detail, &parts.tail),
    });
    let email = d.applicant.email.as_ref().map(|email| Fallback {
        channel: MessageChannel::Email,
        recipient: email.as_str().to_owned(),
        subject: Some(parts.subject.clone()),
        text: format!(
            "Kính gửi {},\n\n{}{}{}\n\nThủ tục: {}\nTrạng thái: {}\n\nTra cứu tiến độ hồ sơ bằng mã hồ sơ và mã tra cứu in trên giấy tiếp nhận.\n\n{}",
            d.applicant.name,
            parts.head,
            parts.detail,
            parts.tail,
            d.terms.procedure_name,
            d.status.name_vi(),
            agency.name,
        ),
    });
    let (primary, fallback) = match (sms, email) {
        (Some(sms), email) => (sms, email),
        (None, Some(email)) => (email, None),
        (None, None) => return vec![],
    };
    vec![OutgoingMessage {
        id: format!("{}:{}:{}", d.code, e.seq, primary.channel.as_str()),
        dossier_code: d.code.to_string(),
        kind,
        channel: primary.channel,
        recipient: primary.recipient,
        subject: primary.subject,
        text: primary.text,
        status: d.status,
        created_at: e.at,
        fallback: fallback.map(Box::new),
    }]
}
