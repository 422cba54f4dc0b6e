//! The five forms of the one-stop desk a dossier can print (Circular 01/2018/TT-VPCP, forms
//! 01 to 05; form 06, the register, covers many dossiers and belongs to reports), each built
//! from the dossier, its history and its agency. A form dated by an event (the reception, the
//! refusal, the latest supplement request or extension) is the same document every time it is
//! printed.

mod apology;
mod receipt;
mod refusal;
mod supplement;
mod tracking;
/// How the forms spell amounts, dates, times and phone numbers (the web pages spell them the same).
pub mod words;

use chrono::{DateTime, Utc};
use motcua_domain::catalogue::{Agency, Component, Procedure};
use motcua_domain::lifecycle::{Action, Dossier, HistoryEvent, NoticeKind};

use crate::sheet::{Header, Sheet};

/// The forms a dossier can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả.
    Receipt,
    /// 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.
    SupplementRequest,
    /// 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ.
    Refusal,
    /// 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả.
    Apology,
    /// 05: Phiếu kiểm soát quá trình giải quyết hồ sơ.
    TrackingCard,
}

/// Why a dossier has no such form (yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FormUnavailable {
    #[error("hồ sơ chưa được tiếp nhận / the dossier has not been received, so it has no receipt or tracking card")]
    NotReceived,
    #[error("hồ sơ chưa có yêu cầu bổ sung / no supplement was requested for this dossier")]
    NoSupplementRequest,
    #[error("hồ sơ không bị từ chối tiếp nhận / this dossier was not refused")]
    NotRefused,
    #[error("hồ sơ chưa được gia hạn / this dossier's result date was never moved")]
    NotExtended,
}

impl FormUnavailable {
    pub fn code(self) -> &'static str {
        match self {
            FormUnavailable::NotReceived => "not_received",
            FormUnavailable::NoSupplementRequest => "no_supplement_request",
            FormUnavailable::NotRefused => "not_refused",
            FormUnavailable::NotExtended => "not_extended",
        }
    }
}

impl Form {
    pub const ALL: [Form; 5] =
        [Form::Receipt, Form::SupplementRequest, Form::Refusal, Form::Apology, Form::TrackingCard];

    /// The form's name in addresses and file names.
    pub fn name(self) -> &'static str {
        match self {
            Form::Receipt => "receipt",
            Form::SupplementRequest => "supplement-request",
            Form::Refusal => "refusal",
            Form::Apology => "apology",
            Form::TrackingCard => "tracking-card",
        }
    }

    /// The form named `name` (a trailing `.pdf` allowed).
    pub fn parse(name: &str) -> Option<Self> {
        let name = name.strip_suffix(".pdf").unwrap_or(name);
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether the applicant may read it: the forms addressed to them. The tracking card is
    /// the agencies' own record of who held the dossier when.
    pub fn for_applicant(self) -> bool {
        self != Form::TrackingCard
    }

    /// The form an email notice of `kind` encloses: the refusal, the supplement request, the
    /// apology (the receipt is the desk's to hand over; results have their own files).
    pub fn enclosed_in(kind: NoticeKind) -> Option<Self> {
        match kind {
            NoticeKind::Refused => Some(Form::Refusal),
            NoticeKind::SupplementRequested => Some(Form::SupplementRequest),
            NoticeKind::Apology => Some(Form::Apology),
            _ => None,
        }
    }

    /// The form as it stands for this dossier.
    pub fn sheet(self, ctx: &FormContext) -> Result<Sheet, FormUnavailable> {
        match self {
            Form::Receipt => receipt::sheet(ctx),
            Form::SupplementRequest => supplement::sheet(ctx),
            Form::Refusal => refusal::sheet(ctx),
            Form::Apology => apology::sheet(ctx),
            Form::TrackingCard => tracking::sheet(ctx),
        }
    }

    /// The form as a PDF.
    pub fn pdf(self, ctx: &FormContext) -> Result<Vec<u8>, FormUnavailable> {
        Ok(crate::render(&self.sheet(ctx)?))
    }
}

/// What the forms are built from.
pub struct FormContext<'a> {
    pub dossier: &'a Dossier,
    pub history: &'a [HistoryEvent],
    /// The procedure in the catalogue, for records kept before the terms froze its components
    /// and fees at filing.
    pub procedure: &'a Procedure,
    /// The agency handling the dossier (its desk issues the forms).
    pub agency: &'a Agency,
    /// The name of the authority above it (its parent agency), or its own name at the top.
    pub authority: &'a str,
    /// The place printed before the date (Nha Trang); none prints the date alone.
    pub place: Option<&'a str>,
    /// The dossier's public lookup address, held by the QR code (or, where the public address
    /// is not known, the dossier code).
    pub lookup: String,
}

impl FormContext<'_> {
    fn header(&self, number: &str, at: DateTime<Utc>) -> Header {
        Header {
            authority: self.authority.to_owned(),
            unit: self.agency.name.clone(),
            number: format!("Số: {}/{number}", self.dossier.code),
            place_date: words::place_date(self.place, at),
        }
    }

    fn sheet(
        &self,
        model: &str,
        title: &str,
        number: &str,
        at: DateTime<Utc>,
        body: Vec<crate::sheet::Block>,
    ) -> Sheet {
        Sheet {
            header: self.header(number, at),
            title: title.to_owned(),
            code: self.dossier.code.to_string(),
            code_label: "Mã hồ sơ".into(),
            qr_hint: Some("Mã QR chứa mã hồ sơ; tra cứu trên Cổng Dịch vụ công bằng mã hồ sơ.".into()),
            lookup: self.lookup.clone(),
            body,
            model: model.to_owned(),
        }
    }

    /// The latest event of `action`.
    fn last(&self, action: Action) -> Option<&HistoryEvent> {
        self.history.iter().rev().find(|e| e.action == action)
    }

    /// The components the dossier was filed against.
    fn components(&self) -> &[Component] {
        self.dossier.terms.components.as_deref().unwrap_or(&self.procedure.components)
    }
}

/// The officer who acted in an event, by name.
fn officer_name(e: &HistoryEvent) -> String {
    e.actor.officer().map(|o| o.name.clone()).unwrap_or_default()
}
