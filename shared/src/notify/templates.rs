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
    ReturnedUnsupplemented,
    /// The fees come first: what to pay, and how.
    PaymentRequested,
    /// The fees are paid: the appointment.
    PaymentReceived,
    /// An officer's morning digest of dossiers due soon or overdue ([`crate::warnings::digest`]);
    /// raised by no transition.
    DeadlineDigest,
    /// A test message an operator sends to check a channel (`motcua notify test`).
    Test,
    /// A dossier given to an officer ([`super::arrivals`]): gathered into their digest, never
    /// sent alone.
    Arrival,
    /// An officer's digest of what arrived in a quarter hour ([`super::arrivals::digest`]).
    ArrivalDigest,
    /// The result's shipment by post moved: collected, a delivery attempt failed, sent back.
    Shipment,
    /// A step handed to another agency over the document axis: the package, sent by the
    /// outbox to that agency, not to the applicant.
    HandOver,
}

/// The parts of a notice: fixed opening, variable detail, close. An SMS shortens the detail
/// to fit, or, where a notice says where the whole detail can be read (`instead`), says that
/// rather than cut it. The detail is an officer's free text: an SMS masks the numbers in it.
struct Parts {
    subject: String,
    head: String,
    detail: String,
    instead: Option<String>,
    tail: String,
}

/// An officer's free text ending a sentence: trimmed, with a full stop if it had none.
fn sentence(text: &str) -> String {
    let text = text.trim();
    match text.chars().last() {
        None => String::new(),
        Some('.' | '!' | '?' | '…') => text.to_owned(),
        Some(_) => format!("{text}."),
    }
}

/// Where the result will come from, as the applicant asked for it.
fn result_from(d: &Dossier, agency: &Agency) -> String {
    match d.result_by {
        Some(ReturnMethod::Postal) => "Kết quả sẽ được gửi qua bưu chính đến địa chỉ đã đăng ký.".to_owned(),
        Some(ReturnMethod::Online) => "Tải kết quả trên Cổng Dịch vụ công bằng mã hồ sơ và mã tra cứu.".to_owned(),
        Some(ReturnMethod::Counter) | None => {
            format!("Nơi nhận: Bộ phận Một cửa, {}, {}.", agency.name, agency.address)
        }
    }
}

/// An amount as Vietnamese write it: thousands grouped with dots.
fn vnd(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

fn due(d: &Dossier) -> String {
    d.due_at.map(vietnam::display).unwrap_or_else(|| "chưa xác định".to_owned())
}

fn parts(kind: NoticeKind, d: &Dossier, e: &HistoryEvent, agency: &Agency) -> Parts {
    let code = &d.code;
    let note = sentence(e.note.as_deref().unwrap_or_default());
    let p = |subject: String, head: String, detail: String, tail: String| Parts {
        subject,
        head,
        detail,
        instead: None,
        tail,
    };
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
        NoticeKind::SupplementRequested => {
            let deadline = e.deadline.or(d.pause.as_ref().and_then(|p| p.deadline));
            let by = deadline.map(|t| format!(" Hạn bổ sung: {}.", vietnam::display(t))).unwrap_or_default();
            let whole = if d.applicant.email.is_some() { " hoặc trong email" } else { "" };
            Parts {
                instead: Some(format!("xem danh sách đầy đủ trên Cổng Dịch vụ công (tra cứu bằng mã hồ sơ){whole}.")),
                ..p(
                    format!("Hồ sơ {code} cần bổ sung"),
                    format!("Hồ sơ {code} cần bổ sung: "),
                    note.replace('\n', " "),
                    format!("{by} Vui lòng bổ sung để tiếp tục giải quyết."),
                )
            }
        }
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
            format!("Hồ sơ {code} đã có kết quả. "),
            String::new(),
            result_from(d, agency),
        ),
        NoticeKind::Returned => {
            let how = match d.result.as_ref().map(|r| r.method) {
                Some(ReturnMethod::Postal) => {
                    let waybill = d.result.as_ref().and_then(|r| r.waybill.as_deref()).unwrap_or_default();
                    format!("qua bưu chính, mã vận đơn {waybill}")
                }
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
        NoticeKind::Shipment => {
            use crate::postal::{ShipmentPurpose, ShipmentState};
            // The shipment this update moved: the one updated last.
            let shipment = d.shipments.iter().max_by_key(|s| (s.updated_at, s.ordered_at));
            let waybill = shipment.map(|s| s.waybill.as_str()).unwrap_or_default();
            let desk = format!("{}, {}", agency.name, agency.address);
            let (head, tail) = match shipment.map(|s| (s.purpose, s.state)) {
                Some((ShipmentPurpose::Dossier, ShipmentState::Delivered)) => (
                    format!("Hồ sơ giấy {code} (mã vận đơn {waybill}) đã đến Bộ phận Một cửa. "),
                    "Cơ quan sẽ kiểm tra và thông báo kết quả tiếp nhận.".to_owned(),
                ),
                Some((ShipmentPurpose::Dossier, ShipmentState::ReturnedToSender)) => (
                    format!("Bưu điện không chuyển được hồ sơ giấy {code} (mã vận đơn {waybill}) và đã hoàn lại. "),
                    format!("Mời ông/bà nộp tại {desk} hoặc đăng ký gửi lại."),
                ),
                Some((ShipmentPurpose::Dossier, _)) => (
                    format!("Bưu điện đã nhận hồ sơ giấy {code}, mã vận đơn {waybill}. "),
                    "Hồ sơ đang được chuyển đến Bộ phận Một cửa.".to_owned(),
                ),
                Some((_, ShipmentState::ReturnedToSender)) => (
                    format!("Kết quả hồ sơ {code} (mã vận đơn {waybill}) không phát được và đã chuyển hoàn về Bộ phận Một cửa. "),
                    format!("Mời ông/bà nhận tại {desk} hoặc đăng ký gửi lại."),
                ),
                Some((_, ShipmentState::DeliveryFailed)) => (
                    format!("Bưu điện phát kết quả hồ sơ {code} (mã vận đơn {waybill}) không thành công. "),
                    "Bưu điện sẽ liên hệ để phát lại.".to_owned(),
                ),
                _ => (
                    format!("Kết quả hồ sơ {code} đã được gửi qua bưu chính, mã vận đơn {waybill}. "),
                    "Vui lòng giữ điện thoại để bưu tá liên hệ khi phát.".to_owned(),
                ),
            };
            p(format!("Hồ sơ {code}: bưu chính"), head, String::new(), tail)
        }
        NoticeKind::Withdrawn => p(
            format!("Hồ sơ {code} đã được rút"),
            format!("Hồ sơ {code} đã được rút theo yêu cầu của ông/bà."),
            String::new(),
            String::new(),
        ),
        NoticeKind::ReturnedUnsupplemented => p(
            format!("Hồ sơ {code} được trả lại do không bổ sung"),
            format!("Hồ sơ {code} được trả lại do chưa bổ sung trong hạn. "),
            note,
            String::new(),
        ),
        NoticeKind::PaymentRequested => {
            let owed = d.terms.fees.as_deref().map(crate::lifecycle::total_due).unwrap_or(0);
            p(
                format!("Hồ sơ {code}: mời nộp phí, lệ phí"),
                format!("Hồ sơ {code} đã được tiếp nhận. Mời ông/bà nộp phí, lệ phí {} đồng ", vnd(owed)),
                String::new(),
                "trực tuyến trên Cổng Dịch vụ công hoặc tại Bộ phận Một cửa; hồ sơ được giải quyết khi đã nộp đủ."
                    .to_owned(),
            )
        }
        NoticeKind::PaymentReceived => {
            let paid = d.payments.last().map(|p| p.amount_vnd).unwrap_or(0);
            p(
                format!("Hồ sơ {code} đã nộp phí, lệ phí"),
                format!("Hồ sơ {code} đã nộp đủ phí, lệ phí {} đồng. ", vnd(paid)),
                String::new(),
                format!("Ngày hẹn trả kết quả: {}.", due(d)),
            )
        }
        NoticeKind::Stopped => p(
            format!("Hồ sơ {code} bị dừng xử lý"),
            format!("Hồ sơ {code} bị dừng xử lý. Lý do: "),
            note,
            String::new(),
        ),
        // No transition raises these (the digest is written by `warnings::digest`, the test by
        // `notify::test_message`); should a row ever name one, the applicant reads the status.
        NoticeKind::DeadlineDigest
        | NoticeKind::Test
        | NoticeKind::Arrival
        | NoticeKind::ArrivalDigest
        | NoticeKind::HandOver => {
            p(format!("Hồ sơ {code}"), format!("Hồ sơ {code}: {}. ", d.status.name_vi()), String::new(), String::new())
        }
    }
}

/// The messages a notice sends, as the applicant chose ([`super::ChosenChannels::plan`]): by
/// default an SMS when they gave a phone (what people read), the email kept as its fallback,
/// sent only if the SMS cannot reach them; email alone without a phone.
pub fn messages_for(kind: NoticeKind, d: &Dossier, e: &HistoryEvent, agency: &Agency) -> Vec<OutgoingMessage> {
    let parts = parts(kind, d, e, agency);
    let sms = d.applicant.phone.as_ref().map(|phone| Fallback {
        channel: MessageChannel::Sms,
        recipient: phone.e164().to_owned(),
        subject: None,
        text: sms::fit(
            &parts.head,
            &sms::mask_numbers(&parts.detail),
            parts.instead.as_deref(),
            &parts.tail,
            d.terms.allowances.sms_segments(),
        ),
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
    // ZNS: the notice with diacritics, its detail as it is (the adapter cuts it to the
    // registered template's length), the code and status as the template's own fields.
    let zalo = d.applicant.phone.as_ref().map(|phone| Fallback {
        channel: MessageChannel::Zalo,
        recipient: phone.e164().to_owned(),
        subject: None,
        text: format!("{}{}{}", parts.head, parts.detail, parts.tail).trim().to_owned(),
    });
    let rendered = |c: MessageChannel| match c {
        MessageChannel::Sms => sms.clone(),
        MessageChannel::Email => email.clone(),
        MessageChannel::Zalo => zalo.clone(),
        MessageChannel::Axis => None,
    };
    d.notify_by
        .plan(sms.is_some(), email.is_some())
        .into_iter()
        .filter_map(|(channel, fallback)| {
            let primary = rendered(channel)?;
            Some(OutgoingMessage {
                id: format!("{}:{}:{}", d.code, e.seq, primary.channel.as_str()),
                dossier_code: d.code.to_string(),
                kind,
                channel: primary.channel,
                recipient: primary.recipient,
                subject: primary.subject,
                text: primary.text,
                status: Some(d.status),
                created_at: e.at,
                fallback: fallback.and_then(rendered).map(Box::new),
            })
        })
        .collect()
}
