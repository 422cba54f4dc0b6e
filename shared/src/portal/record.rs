//! What one sync item tells the portal: the dossier as it stood after the item's event, and the
//! progress line of an officer's act. Field names and codes are the portal's
//! (`../shared/INTEGRATIONS.md` §1); only what the calls require of the applicant is sent (name,
//! kind, email, phone: no ID number, no address).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::calendar::vietnam;
use crate::catalogue::{ApplicantKind, Channel, FeeKind, Role};
use crate::codes::AgencyCode;
use crate::lifecycle::{Action, Dossier, EventActor, HistoryEvent, ReturnMethod, Status};

/// A local procedure's code at the national portal (bảng ánh xạ mã thủ tục), kept by
/// administrators: a dossier of a procedure without one is not synced until it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NationalCode {
    /// The procedure's code in this system's catalogue.
    pub procedure: String,
    /// Mã TTHC at the portal, e.g. `1.001757`.
    pub national_code: String,
    /// Mã lĩnh vực at the portal.
    pub field_code: String,
    /// Tên lĩnh vực.
    pub field_name: String,
}

impl NationalCode {
    /// Why the row cannot be kept, if it cannot.
    pub fn check(&self) -> Result<(), String> {
        let fine = |text: &str, max: usize| !text.trim().is_empty() && text.chars().count() <= max;
        let plain = |text: &str| text.chars().all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c));
        if !crate::catalogue::is_procedure_code(&self.procedure) {
            return Err(format!("{:?} is not a procedure code", self.procedure));
        }
        if !fine(&self.national_code, 50) || !plain(&self.national_code) {
            return Err("national_code must be 1 to 50 letters, digits, '.', '-' or '_'".into());
        }
        if !fine(&self.field_code, 50) || !plain(&self.field_code) {
            return Err("field_code must be 1 to 50 letters, digits, '.', '-' or '_'".into());
        }
        if !fine(&self.field_name, 300) {
            return Err("field_name must be 1 to 300 characters".into());
        }
        Ok(())
    }
}

/// A time as the portal writes it: `yyyyMMddHHmmss` in Vietnam time.
pub fn stamp(at: DateTime<Utc>) -> String {
    vietnam::to_local(at).format("%Y%m%d%H%M%S").to_string()
}

fn stamp_of(at: Option<DateTime<Utc>>) -> String {
    at.map(stamp).unwrap_or_default()
}

/// A submitted document (`TaiLieuNop`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmittedFile {
    #[serde(rename = "TepDinhKemId")]
    pub id: String,
    #[serde(rename = "TenTepDinhKem")]
    pub name: String,
    #[serde(rename = "IsDeleted")]
    pub deleted: String,
    #[serde(rename = "MaThanhPhanHoSo")]
    pub component: String,
}

/// A fee line (`DanhSachLePhi`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeItem {
    #[serde(rename = "TenPhiLePhi")]
    pub name: String,
    #[serde(rename = "MaPhiLePhi")]
    pub code: String,
    /// How it is collected: 1 at the desk, 2 online (the payment platform).
    #[serde(rename = "HinhThucThu")]
    pub collected: String,
    #[serde(rename = "Gia")]
    pub amount_vnd: u64,
    /// 1 phí (fee), 2 lệ phí (charge).
    #[serde(rename = "LoaiPhiLePhi")]
    pub kind: String,
}

/// A supplement request (`DanhSachHoSoBoSung`), with the appointment before and after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementItem {
    #[serde(rename = "HoSoBoSungId")]
    pub id: String,
    #[serde(rename = "NguoiYeuCauBoSung")]
    pub asked_by: String,
    #[serde(rename = "NoiDungBoSung")]
    pub content: String,
    #[serde(rename = "NgayBoSung")]
    pub asked_at: String,
    /// 0 awaited, 1 brought and accepted.
    #[serde(rename = "TrangThaiBoSung")]
    pub state: String,
    #[serde(rename = "NgayTiepNhanBoSung")]
    pub accepted_at: String,
    #[serde(rename = "NgayHenTraTruoc")]
    pub due_before: String,
    #[serde(rename = "NgayHenTraMoi")]
    pub due_after: String,
}

/// A result document (`DanhSachGiayToKetQua`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultItem {
    #[serde(rename = "TenGiayTo")]
    pub name: String,
    #[serde(rename = "GiayToId")]
    pub id: String,
    #[serde(rename = "MaGiayToKetQua")]
    pub number: String,
}

/// The dossier record of `DongBoHoSoMC`: its state after one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierRecord {
    #[serde(rename = "MaHoSo")]
    pub code: String,
    #[serde(rename = "MaTTHC")]
    pub procedure_code: String,
    #[serde(rename = "TenTTHC")]
    pub procedure_name: String,
    #[serde(rename = "MaLinhVuc")]
    pub field_code: String,
    #[serde(rename = "TenLinhVuc")]
    pub field_name: String,
    /// 1 in person, 2 online, 3 by public post.
    #[serde(rename = "KenhThucHien")]
    pub channel: String,
    #[serde(rename = "ChuHoSo")]
    pub applicant: String,
    /// 1 citizen, 2 business or organisation.
    #[serde(rename = "LoaiDoiTuong")]
    pub applicant_kind: String,
    #[serde(rename = "Email")]
    pub email: String,
    #[serde(rename = "SoDienThoai")]
    pub phone: String,
    #[serde(rename = "TrichYeuHoSo")]
    pub summary: String,
    #[serde(rename = "NgayNopHoSo")]
    pub submitted_at: String,
    #[serde(rename = "NgayTiepNhan")]
    pub received_at: String,
    #[serde(rename = "NgayHenTra")]
    pub due_at: String,
    /// 1–10 ([`Status::dvcqg_code`]).
    #[serde(rename = "TrangThaiHoSo")]
    pub status: String,
    #[serde(rename = "NgayKetThucXuLy")]
    pub finished_at: String,
    #[serde(rename = "NgayTra")]
    pub returned_at: String,
    /// 1 when the result goes by post, else 0.
    #[serde(rename = "HinhThuc")]
    pub by_post: String,
    #[serde(rename = "DonViXuLy")]
    pub unit: String,
    #[serde(rename = "TaiLieuNop")]
    pub documents: Vec<SubmittedFile>,
    #[serde(rename = "DanhSachLePhi")]
    pub fees: Vec<FeeItem>,
    #[serde(rename = "DanhSachHoSoBoSung")]
    pub supplements: Vec<SupplementItem>,
    #[serde(rename = "DanhSachGiayToKetQua")]
    pub results: Vec<ResultItem>,
}

/// One line of `CapNhatTienDoHoSoMC`: an officer's act on the dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    #[serde(rename = "MaHoSo")]
    pub code: String,
    #[serde(rename = "NguoiXuLy")]
    pub officer: String,
    #[serde(rename = "ChucDanh")]
    pub title: String,
    #[serde(rename = "ThoiDiemXuLy")]
    pub at: String,
    #[serde(rename = "PhongBanXuLy")]
    pub unit: String,
    #[serde(rename = "NoiDungXuLy")]
    pub done: String,
    #[serde(rename = "TrangThai")]
    pub status: String,
    #[serde(rename = "NgayBatDau")]
    pub step_started_at: String,
    #[serde(rename = "NgayKetThucTheoQuyDinh")]
    pub step_due_at: String,
}

/// What one sync item sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// The event's number in the dossier's history.
    pub seq: u32,
    /// Whether the portal knows the dossier already (`isUpdating`): every item after the first.
    pub updating: bool,
    pub dossier: DossierRecord,
    /// For an officer's act only.
    pub progress: Option<Progress>,
}

/// Why an item cannot be sent (it is parked with this reason).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unsyncable {
    #[error("thủ tục {0} chưa có mã trên Cổng DVC quốc gia / procedure {0} has no national code yet")]
    Unmapped(String),
    #[error("hồ sơ không có sự kiện {0} / the dossier has no event {0}")]
    NoEvent(u32),
}

/// The update of item `seq`: the dossier as it stood after history event `seq`, whenever it is
/// built: its status, dates and supplement requests from the history up to it, its first
/// `documents` documents (what it held then, as the sync item recorded; all when unknown), its
/// fee lines as listed before reception and as owed after, its results once approved by then.
/// `unit` names an agency.
pub fn update_at(
    dossier: &Dossier,
    history: &[HistoryEvent],
    seq: u32,
    documents: Option<usize>,
    national: Option<&NationalCode>,
    unit: &dyn Fn(&AgencyCode) -> String,
) -> Result<Update, Unsyncable> {
    let national = national.ok_or_else(|| Unsyncable::Unmapped(dossier.procedure_code.clone()))?;
    let upto: Vec<&HistoryEvent> = history.iter().filter(|e| e.seq <= seq).collect();
    let event = *upto.iter().find(|e| e.seq == seq).ok_or(Unsyncable::NoEvent(seq))?;
    let status = event.to_status;
    let reached = |actions: &[Action]| upto.iter().any(|e| actions.contains(&e.action));
    let received = reached(&[Action::Receive, Action::CounterReceive]) || dossier.channel != Channel::Online && seq > 0;
    let code = dossier.code.to_string();
    let record = DossierRecord {
        code: code.clone(),
        procedure_code: national.national_code.clone(),
        procedure_name: dossier.terms.procedure_name.clone(),
        field_code: national.field_code.clone(),
        field_name: national.field_name.clone(),
        channel: match dossier.channel {
            Channel::Direct => "1",
            Channel::Online => "2",
            Channel::Postal => "3",
        }
        .into(),
        applicant: dossier.applicant.name.clone(),
        applicant_kind: match dossier.applicant.kind {
            ApplicantKind::Citizen => "1",
            ApplicantKind::Organisation => "2",
        }
        .into(),
        email: dossier.applicant.email.as_ref().map(|e| e.to_string()).unwrap_or_default(),
        phone: dossier.applicant.phone.as_ref().map(|p| p.to_string()).unwrap_or_default(),
        summary: dossier.terms.procedure_name.chars().take(1000).collect(),
        submitted_at: stamp(dossier.submitted_at),
        received_at: if received { stamp_of(dossier.received_at) } else { String::new() },
        due_at: stamp_of(event.due_at),
        status: status.dvcqg_code().to_string(),
        finished_at: if status.is_finished() {
            stamp_of(dossier.finished_at.or(Some(event.at)))
        } else {
            String::new()
        },
        returned_at: if status == Status::Returned {
            stamp_of(dossier.returned_at.or(Some(event.at)))
        } else {
            String::new()
        },
        by_post: if dossier.result_by == Some(ReturnMethod::Postal) { "1" } else { "0" }.into(),
        unit: unit(&dossier.agency_code),
        documents: submitted(dossier, documents),
        fees: fees(dossier, received),
        supplements: supplements(&code, &upto),
        results: if reached(&[Action::Approve]) { results(dossier) } else { vec![] },
    };
    Ok(Update { seq, updating: seq > 0, dossier: record, progress: progress(&code, &upto, event, unit) })
}

fn submitted(dossier: &Dossier, held: Option<usize>) -> Vec<SubmittedFile> {
    dossier
        .documents
        .iter()
        .take(held.unwrap_or(usize::MAX))
        .enumerate()
        .map(|(i, d)| SubmittedFile {
            id: d.file.as_ref().map(|f| f.id.to_string()).unwrap_or_else(|| format!("{}.{}", dossier.code, i + 1)),
            name: d.file_name.clone(),
            deleted: "False".into(),
            component: d.component.clone(),
        })
        .collect()
}

fn fees(dossier: &Dossier, received: bool) -> Vec<FeeItem> {
    let lines = dossier.terms.fees.clone().unwrap_or_default();
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| FeeItem {
            name: line.name.clone(),
            code: format!("{}.{}", dossier.procedure_code, i + 1),
            collected: if dossier.payments.iter().any(|p| p.channel == crate::lifecycle::PaymentChannel::Online) {
                "2"
            } else {
                "1"
            }
            .into(),
            // Reductions are recorded at reception: before it, the listed amount.
            amount_vnd: if received { line.due_vnd } else { line.amount_vnd },
            kind: match line.kind {
                FeeKind::Fee => "1",
                FeeKind::Charge => "2",
            }
            .into(),
        })
        .collect()
}

fn results(dossier: &Dossier) -> Vec<ResultItem> {
    dossier
        .results
        .iter()
        .map(|r| ResultItem {
            name: r.name.clone(),
            id: r.file.as_ref().map(|f| f.id.to_string()).unwrap_or_else(|| r.number.clone()),
            number: match &r.notation {
                Some(n) => format!("{}/{}", r.number, n),
                None => r.number.clone(),
            },
        })
        .collect()
}

fn actor_name(event: &HistoryEvent) -> String {
    match &event.actor {
        EventActor::Officer { officer, .. } => officer.name.clone(),
        EventActor::Applicant => "Công dân".into(),
        EventActor::PostalOperator => "Bưu điện".into(),
        EventActor::Agency { agency } => format!("Cơ quan liên thông {agency}"),
    }
}

/// Each supplement request up to the item's event, with its acceptance if that came by then.
fn supplements(code: &str, upto: &[&HistoryEvent]) -> Vec<SupplementItem> {
    let mut items: Vec<SupplementItem> = vec![];
    let mut due_before: BTreeMap<u32, Option<DateTime<Utc>>> = BTreeMap::new();
    let mut last_due = None;
    for e in upto {
        match e.action {
            Action::RequestSupplement => {
                due_before.insert(e.seq, last_due);
                items.push(SupplementItem {
                    id: format!("{code}.{}", e.seq),
                    asked_by: actor_name(e),
                    content: e.note.clone().unwrap_or_default(),
                    asked_at: stamp(e.at),
                    state: "0".into(),
                    accepted_at: String::new(),
                    due_before: stamp_of(last_due),
                    due_after: String::new(),
                });
            }
            Action::AcceptSupplement => {
                if let Some(open) = items.iter_mut().rev().find(|i| i.state == "0") {
                    open.state = "1".into();
                    open.accepted_at = stamp(e.at);
                    open.due_after = stamp_of(e.due_at);
                }
            }
            _ => {}
        }
        if e.due_at.is_some() {
            last_due = e.due_at;
        }
    }
    items
}

fn title(role: Role) -> &'static str {
    match role {
        Role::Reception => "Cán bộ một cửa",
        Role::Specialist => "Chuyên viên",
        Role::Leader => "Lãnh đạo",
        Role::Admin => "Quản trị hệ thống",
        Role::Inspector => "Kiểm soát thủ tục hành chính",
    }
}

/// What the act was, as the portal's progress shows it.
fn what_was_done(action: Action) -> &'static str {
    action.name_vi()
}

/// The progress line of an officer's act; none for the applicant's own.
fn progress(
    code: &str,
    upto: &[&HistoryEvent],
    event: &HistoryEvent,
    unit: &dyn Fn(&AgencyCode) -> String,
) -> Option<Progress> {
    let EventActor::Officer { officer, role } = &event.actor else { return None };
    // The step in hand began at the last event that handed it over (or this one).
    let started = upto
        .iter()
        .rev()
        .find(|e| e.to_step.is_some() && (e.from_step != e.to_step || e.assignee.is_some()))
        .map_or(event.at, |e| e.at);
    Some(Progress {
        code: code.into(),
        officer: officer.name.clone(),
        title: title(*role).into(),
        at: stamp(event.at),
        unit: unit(&officer.agency),
        done: what_was_done(event.action).into(),
        status: event.to_status.dvcqg_code().to_string(),
        step_started_at: stamp(started),
        step_due_at: stamp_of(event.step_due_at.or(event.due_at)),
    })
}
