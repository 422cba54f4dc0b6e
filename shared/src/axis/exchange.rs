//! Liên thông qua trục: a workflow step held by an agency that runs its own system is handed to
//! it as an edXML package over the national document axis, and its status packets move the step:
//! arrived, accepted, assigned and processing are recorded, a refusal sends the dossier back to
//! the step before, and completion gives the step after to the officer who handed it over.
//! Each packet is taken once: the dossier keeps the (code, time) of every packet it took.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Attachment, Package, StatusCode, StatusPacket};
use crate::catalogue::OfficerRef;
use crate::codes::{AgencyCode, DossierCode};
use crate::lifecycle::{Dossier, HistoryEvent, Status};
use crate::notify::{MessageChannel, NoticeKind, OutgoingMessage};

/// Where a hand-over stands at the other agency, as its packets say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExchangeState {
    /// Handed to the axis (or waiting in the outbox to be).
    Sent,
    Arrived,
    Accepted,
    Assigned,
    Processing,
    /// Done there: the step after is ours again.
    Completed,
    /// Refused there: the dossier went back to the step before.
    Rejected,
}

impl ExchangeState {
    /// Whether the other agency still has the step.
    pub fn is_live(self) -> bool {
        !matches!(self, ExchangeState::Completed | ExchangeState::Rejected)
    }
}

/// A step handed to another agency over the axis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Exchange {
    /// The workflow step handed over.
    pub step: usize,
    #[schema(value_type = String, example = "000.00.21.H56")]
    pub agency: AgencyCode,
    /// The package's DocumentId on the axis: `{sender},{YYYY/MM/DD},{number}/{notation}`, the
    /// number being the hand-over's event and the notation the dossier's code.
    pub document_id: String,
    /// The history event that handed it over.
    pub sent_seq: u32,
    pub sent_at: DateTime<Utc>,
    /// The officer who handed it over: the step after is theirs when it comes back.
    pub sent_by: Option<OfficerRef>,
    pub state: ExchangeState,
    pub updated_at: DateTime<Utc>,
    /// The packets taken, as `<code>@<their time>`: the same packet again is a replay.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taken: Vec<String>,
    /// The documents the agency sent in reply (văn bản trả lời), with their files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replies: Vec<Reply>,
}

/// A document the agency sent in reply to a hand-over (an edXML package naming ours in its
/// `ResponseFor`), its files kept with the dossier's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Reply {
    /// The reply's own DocumentId.
    pub document_id: String,
    /// Số/ký hiệu of the reply.
    pub code: String,
    pub subject: String,
    pub received_at: DateTime<Utc>,
    pub files: Vec<ReplyFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReplyFile {
    pub name: String,
    pub file: crate::documents::FileRef,
}

impl Exchange {
    /// The package's number and notation (`Số`, `Ký hiệu`) for a hand-over by event `seq`.
    pub fn numbering(code: &DossierCode, seq: u32) -> (String, String) {
        (seq.to_string(), code.to_string())
    }

    /// The DocumentId the hand-over's package carries.
    pub fn document_id_for(code: &DossierCode, seq: u32, promulgated: NaiveDate) -> String {
        let (number, notation) = Self::numbering(code, seq);
        format!("{},{},{number}/{notation}", code.agency(), promulgated.format("%Y/%m/%d"))
    }

    fn key(packet: &StatusPacket) -> String {
        format!("{}@{}", packet.code.code(), packet.at.format("%Y-%m-%dT%H:%M:%S"))
    }
}

/// The dossier a DocumentId of ours names (its notation), if it is one.
pub fn dossier_of(document_id: &str) -> Option<DossierCode> {
    let mut parts = document_id.splitn(3, ',');
    let (_sender, _date, numbered) = (parts.next()?, parts.next()?, parts.next()?);
    let (_number, notation) = numbered.split_once('/')?;
    DossierCode::parse(notation.trim()).ok()
}

/// What to make of a status packet for a dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judged {
    /// News: apply it.
    Take,
    /// Taken before (the axis gave it again): nothing to write.
    Repeat,
}

/// Why a status packet cannot be applied to the dossier it names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnfitPacket {
    #[error("the dossier sent no document {0}")]
    UnknownDocument(String),
    #[error("the packet comes from {from}, the document went to {to}")]
    WrongAgency { from: String, to: String },
    #[error("the dossier is not waiting on that agency (its hand-over is {0:?}, the dossier {1})")]
    NotWaiting(ExchangeState, &'static str),
}

/// Whether `packet` is news for `d`.
pub fn judge(d: &Dossier, packet: &StatusPacket) -> Result<Judged, UnfitPacket> {
    let Some(x) = d.exchanges.iter().find(|x| x.document_id == packet.document_id) else {
        return Err(UnfitPacket::UnknownDocument(packet.document_id.clone()));
    };
    if packet.from.id.trim() != x.agency.as_str() {
        return Err(UnfitPacket::WrongAgency { from: packet.from.id.clone(), to: x.agency.to_string() });
    }
    if x.taken.contains(&Exchange::key(packet)) {
        return Ok(Judged::Repeat);
    }
    let waiting =
        x.state.is_live() && d.status == Status::Processing && d.step.as_ref().map(|s| s.index) == Some(x.step);
    if !waiting {
        return Err(UnfitPacket::NotWaiting(x.state, d.status.as_str()));
    }
    Ok(Judged::Take)
}

/// Whether the package `reply` (from another agency) is news for `d`: it must answer one of its
/// hand-overs, come from that hand-over's agency, and find the dossier in hand.
pub fn judge_reply(d: &Dossier, reply: &Package) -> Result<Judged, UnfitPacket> {
    let answered = reply.response_for.as_ref().map(|r| r.document_id.clone()).unwrap_or_default();
    let Some(x) = d.exchanges.iter().find(|x| x.document_id == answered) else {
        return Err(UnfitPacket::UnknownDocument(answered));
    };
    if reply.from.id.trim() != x.agency.as_str() {
        return Err(UnfitPacket::WrongAgency { from: reply.from.id.clone(), to: x.agency.to_string() });
    }
    if x.replies.iter().any(|r| r.document_id == reply.document_id()) {
        return Ok(Judged::Repeat);
    }
    if d.status != Status::Processing {
        return Err(UnfitPacket::NotWaiting(x.state, d.status.as_str()));
    }
    Ok(Judged::Take)
}

/// Records `reply` (judged news) on its hand-over, with its files as kept.
pub(crate) fn keep_reply(d: &mut Dossier, answered: &str, reply: Reply) {
    if let Some(x) = d.exchanges.iter_mut().find(|x| x.document_id == answered) {
        x.updated_at = reply.received_at;
        x.replies.push(reply);
    }
}

/// The live hand-over of the step in hand, if the other agency has it.
pub fn live(d: &Dossier) -> Option<&Exchange> {
    let index = d.step.as_ref()?.index;
    d.exchanges.iter().rev().find(|x| x.step == index && x.state.is_live())
}

/// Records `packet` on its hand-over, moving its state.
pub(crate) fn record(d: &mut Dossier, packet: &StatusPacket, now: DateTime<Utc>) {
    let Some(x) = d.exchanges.iter_mut().find(|x| x.document_id == packet.document_id) else { return };
    x.taken.push(Exchange::key(packet));
    x.updated_at = now;
    x.state = match packet.code {
        StatusCode::Arrived => ExchangeState::Arrived,
        StatusCode::Rejected => ExchangeState::Rejected,
        StatusCode::Accepted => ExchangeState::Accepted,
        StatusCode::Assigned => ExchangeState::Assigned,
        StatusCode::Processing => ExchangeState::Processing,
        StatusCode::Completed => ExchangeState::Completed,
        StatusCode::RecallRequested | StatusCode::RecallAccepted | StatusCode::RecallRefused => x.state,
    };
}

/// The hand-over message `e` raises: the package to send, through the outbox (so it is retried
/// until the axis takes it, and sent once). The recipient is the agency's code on the axis; the
/// text is the DocumentId.
pub fn handover(d: &Dossier, e: &HistoryEvent) -> Option<OutgoingMessage> {
    let x = d.exchanges.iter().find(|x| x.sent_seq == e.seq)?;
    Some(OutgoingMessage {
        id: format!("{}:{}:{}", d.code, e.seq, MessageChannel::Axis.as_str()),
        dossier_code: d.code.to_string(),
        kind: NoticeKind::HandOver,
        channel: MessageChannel::Axis,
        recipient: x.agency.to_string(),
        subject: None,
        text: x.document_id.clone(),
        status: Some(d.status),
        created_at: e.at,
        fallback: None,
    })
}

/// The package handing `x` over to its agency: what the dossier is, for whom, by when, and its
/// files (`attachments`, read by the caller) — the document the other agency's system receives.
pub fn package(d: &Dossier, x: &Exchange, names: (&str, &str), place: &str, attachments: Vec<Attachment>) -> Package {
    let (from_name, to_name) = names;
    let (code_number, code_notation) = Exchange::numbering(&d.code, x.sent_seq);
    let sent = crate::calendar::vietnam::to_local(x.sent_at);
    let step_name = d.terms.workflow.get(x.step).map(|s| s.name.as_str()).unwrap_or_default();
    let due = d.step.as_ref().filter(|s| s.index == x.step).map(|s| s.due_at);
    let mut content = vec![
        format!("Mã hồ sơ: {}", d.code),
        format!("Thủ tục: {}", d.terms.procedure_name),
        format!("Bước chuyển liên thông: {step_name}"),
        format!("Người nộp: {}", d.applicant.name),
    ];
    if let Some(id) = &d.applicant.citizen_id {
        content.push(format!("Số định danh cá nhân: {}", id.as_str()));
    }
    if let Some(received) = d.received_at {
        content.push(format!("Ngày tiếp nhận: {}", crate::calendar::vietnam::display(received)));
    }
    if let Some(due) = due {
        content.push(format!("Hạn xử lý bước: {}", crate::calendar::vietnam::display(due)));
    }
    let position = x
        .step
        .checked_sub(1)
        .and_then(|i| d.terms.workflow.get(i))
        .map(|s| match s.role {
            crate::catalogue::Role::Leader => "Lãnh đạo",
            crate::catalogue::Role::Reception => "Cán bộ Bộ phận Một cửa",
            _ => "Chuyên viên",
        })
        .unwrap_or("Chuyên viên");
    Package {
        from: super::Organ { id: d.agency_code.to_string(), name: from_name.to_owned() },
        to: super::Organ { id: x.agency.to_string(), name: to_name.to_owned() },
        code_number,
        code_notation,
        place: place.to_owned(),
        promulgated: sent.date(),
        type_code: "18".into(),
        type_name: "Công văn".into(),
        subject: format!("V/v liên thông hồ sơ {} – {}", d.code, d.terms.procedure_name),
        content: content.join("\n"),
        signer: super::Signer {
            competence: "Trực tiếp".into(),
            position: position.into(),
            full_name: x.sent_by.as_ref().map(|o| o.name.clone()).unwrap_or_else(|| from_name.to_owned()),
        },
        due: due.map(|at| crate::calendar::vietnam::to_local(at).date()),
        response_for: None,
        trace: vec![super::Trace { organ_id: d.agency_code.to_string(), at: sent }],
        attachments,
    }
}
