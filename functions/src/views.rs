//! Response bodies: explicit types, never a whole stored record. Times a person reads carry the
//! `+07:00` offset. Personal data appears only in the applicant's and officers' views.

use chrono::{DateTime, FixedOffset, Utc};
use motcua_domain::calendar::{vietnam, Calendar, Timeliness};
use motcua_domain::catalogue::{Agency, Channel, ComponentForm, OfficerRef};
use motcua_domain::documents::ResultDocument;
use motcua_domain::lifecycle::{
    listed, total_due, Action, Against, Applicant, Dossier, EventActor, FeeLine, HistoryEvent, Rating, ResultDelivery,
    ReturnMethod, RowKind, Standing, Status, SubmittedDocument, TrackingRow,
};
use motcua_domain::warnings::{self, TimeLeft};
use serde::Serialize;
use utoipa::ToSchema;

pub type VnTime = DateTime<FixedOffset>;

pub fn vn(at: DateTime<Utc>) -> VnTime {
    vietnam::with_offset(at)
}

fn vn_opt(at: Option<DateTime<Utc>>) -> Option<VnTime> {
    at.map(vn)
}

/// What anyone may see of a dossier: status and due date, no personal data.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicStatusView {
    #[schema(example = "000.00.03.H56-260302-0001")]
    pub code: String,
    pub status: Status,
    pub dvcqg_status: u8,
    pub due_at: Option<DateTime<FixedOffset>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DossierSummary {
    pub code: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub agency_code: String,
    pub channel: Channel,
    pub status: Status,
    pub dvcqg_status: u8,
    pub submitted_at: DateTime<FixedOffset>,
    pub received_at: Option<DateTime<FixedOffset>>,
    /// The appointment the applicant holds: the statutory one, or the date an extension set.
    pub due_at: Option<DateTime<FixedOffset>>,
    /// The statutory appointment, before any extension (equal to `due_at` when none).
    pub original_due_at: Option<DateTime<FixedOffset>>,
    /// Early / on time / late once finished, within deadline / overdue while in hand, against
    /// `due_at`; none before reception and for refusals.
    pub standing: Option<Standing>,
    /// While a supplement is awaited: when it is due (hạn bổ sung).
    pub supplement_deadline: Option<DateTime<FixedOffset>>,
    pub finished_at: Option<DateTime<FixedOffset>>,
    pub returned_at: Option<DateTime<FixedOffset>>,
    /// The hash of the last history event, the head of the dossier's hash chain: keep it, and
    /// `GET /v1/dossiers/{code}/verify` shows whether the history still leads to it.
    pub history_head: String,
}

impl DossierSummary {
    /// The summary as it stands at `now`.
    pub fn of(d: &Dossier, now: DateTime<Utc>) -> Self {
        Self {
            code: d.code.to_string(),
            procedure_code: d.procedure_code.clone(),
            procedure_name: d.terms.procedure_name.clone(),
            agency_code: d.agency_code.to_string(),
            channel: d.channel,
            status: d.status,
            dvcqg_status: d.status.dvcqg_code(),
            submitted_at: vn(d.submitted_at),
            received_at: vn_opt(d.received_at),
            due_at: vn_opt(d.due_at),
            original_due_at: vn_opt(d.statutory_due_at()),
            standing: d.standing(now, Against::Current),
            supplement_deadline: vn_opt(d.pause.as_ref().and_then(|p| p.deadline)),
            finished_at: vn_opt(d.finished_at),
            returned_at: vn_opt(d.returned_at),
            history_head: d.history_head.clone(),
        }
    }
}

impl PublicStatusView {
    pub fn of(d: &Dossier) -> Self {
        Self {
            code: d.code.to_string(),
            status: d.status,
            dvcqg_status: d.status.dvcqg_code(),
            due_at: vn_opt(d.due_at),
        }
    }
}

/// The answer to a filing: the only time the lookup secret is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionView {
    #[serde(flatten)]
    pub dossier: DossierSummary,
    /// Keep it: it is shown once and needed to follow, supplement, withdraw or rate.
    pub lookup_secret: String,
    /// For desk receptions, the receipt to print.
    pub receipt: Option<Receipt>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntry {
    pub at: DateTime<FixedOffset>,
    pub action: Action,
    pub status: Status,
    /// The agency that acted (none for the applicant's own actions).
    pub agency_code: Option<String>,
    pub note: Option<String>,
}

/// The applicant's view (with the lookup secret): their data, documents and progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicantDossierView {
    #[serde(flatten)]
    pub dossier: DossierSummary,
    pub applicant: Applicant,
    pub documents: Vec<SubmittedDocument>,
    pub timeline: Vec<TimelineEntry>,
    pub result: Option<ResultView>,
    /// The result documents, once the result is handed over (their files download from
    /// `/v1/dossiers/{code}/files/{id}`).
    pub results: Vec<ResultDocument>,
    pub rating: Option<Rating>,
    /// What the fees come to, and what was paid and how.
    pub fees: FeesView,
    /// The result by post: where to, and its shipments (absent when not asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal: Option<PostalView>,
}

/// The result by post: the delivery address and each shipment, with the postage the operator
/// charges (apart from the procedure's fees).
#[derive(Debug, Serialize, ToSchema)]
pub struct PostalView {
    pub delivery_address: Option<motcua_domain::postal::PostalAddress>,
    pub shipments: Vec<ShipmentView>,
    /// The postage of every shipment, in đồng: not part of `fees`.
    pub postage_vnd: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShipmentView {
    /// Our order number at the operator.
    pub reference: String,
    /// `result` (to the applicant) or `dossier` (collected for the desk).
    pub purpose: motcua_domain::postal::ShipmentPurpose,
    pub waybill: String,
    pub state: motcua_domain::postal::ShipmentState,
    pub fee_vnd: u64,
    pub ordered_at: DateTime<FixedOffset>,
    /// The operator's time of its last update.
    pub updated_at: DateTime<FixedOffset>,
}

impl PostalView {
    pub fn of(d: &Dossier) -> Option<Self> {
        if d.delivery_address.is_none() && d.shipments.is_empty() {
            return None;
        }
        let shipments: Vec<ShipmentView> = d
            .shipments
            .iter()
            .map(|s| ShipmentView {
                reference: s.reference.clone(),
                purpose: s.purpose,
                waybill: s.waybill.clone(),
                state: s.state,
                fee_vnd: s.fee_vnd,
                ordered_at: vn(s.ordered_at),
                updated_at: vn(s.updated_at),
            })
            .collect();
        let postage_vnd = shipments.iter().map(|s| s.fee_vnd).sum();
        Some(Self { delivery_address: d.delivery_address.clone(), shipments, postage_vnd })
    }
}

/// A dossier's fees: owed in all (after any reduction), and the payments made.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeesView {
    pub owed_vnd: u64,
    /// Paid before the dossier is processed (the reception waits for them).
    pub first: bool,
    pub payments: Vec<PaymentView>,
}

impl FeesView {
    pub fn of(d: &Dossier) -> Self {
        Self {
            owed_vnd: motcua_domain::lifecycle::owed(d),
            first: d.terms.fees_first,
            payments: d.payments.iter().map(PaymentView::of).collect(),
        }
    }
}

/// A payment of the fees, as recorded on the dossier.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentView {
    pub amount_vnd: u64,
    pub paid_at: DateTime<FixedOffset>,
    pub channel: motcua_domain::lifecycle::PaymentChannel,
    /// The desk's receipt number, or the platform's transaction id.
    pub reference: String,
}

impl PaymentView {
    fn of(p: &motcua_domain::lifecycle::Payment) -> Self {
        Self { amount_vnd: p.amount_vnd, paid_at: vn(p.paid_at), channel: p.channel, reference: p.reference.clone() }
    }
}

/// An online payment transaction with the payment platform, for the dossier's officers.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransactionView {
    /// Ours (`MaThamChieu`).
    pub reference: String,
    pub amount_vnd: u64,
    pub state: motcua_domain::payment::TransactionState,
    pub created_at: DateTime<FixedOffset>,
    pub settled_at: Option<DateTime<FixedOffset>>,
    /// The platform's transaction id (`MaGiaoDich`) and the bank that paid, once paid.
    pub platform_id: Option<String>,
    pub bank: Option<String>,
    /// Paid, but not applied to the dossier (it no longer awaited it): owed back, and why.
    pub unapplied: Option<String>,
}

impl TransactionView {
    pub fn of(t: &motcua_domain::payment::Transaction) -> Self {
        Self {
            reference: t.reference.clone(),
            amount_vnd: t.amount_vnd,
            state: t.state,
            created_at: vn(t.created_at),
            settled_at: vn_opt(t.settled_at),
            platform_id: t.platform_id.clone(),
            bank: t.bank.clone(),
            unapplied: t.unapplied.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResultView {
    pub method: ReturnMethod,
    pub waybill: Option<String>,
}

impl ResultView {
    fn of(r: &ResultDelivery) -> Self {
        Self { method: r.method, waybill: r.waybill.clone() }
    }
}

fn timeline(events: &[HistoryEvent]) -> Vec<TimelineEntry> {
    events
        .iter()
        .map(|e| TimelineEntry {
            at: vn(e.at),
            action: e.action,
            status: e.to_status,
            agency_code: e.acting_agency().map(|a| a.to_string()),
            note: e.note_for_applicant().map(str::to_owned),
        })
        .collect()
}

impl ApplicantDossierView {
    pub fn of(d: &Dossier, events: &[HistoryEvent], now: DateTime<Utc>) -> Self {
        Self {
            dossier: DossierSummary::of(d, now),
            applicant: d.applicant.clone(),
            documents: d.documents.clone(),
            timeline: timeline(events),
            result: d.result.as_ref().map(ResultView::of),
            results: if d.result.is_some() { d.results.clone() } else { vec![] },
            rating: d.rating.clone(),
            fees: FeesView::of(d),
            postal: PostalView::of(d),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StepView {
    pub index: usize,
    pub name: String,
    pub role: motcua_domain::catalogue::Role,
    pub agency_code: String,
    pub assignee: Option<OfficerRef>,
    pub given_at: DateTime<FixedOffset>,
    pub taken_at: Option<DateTime<FixedOffset>>,
    pub due_at: DateTime<FixedOffset>,
}

impl StepView {
    pub fn of(d: &Dossier) -> Option<Self> {
        let (p, def) = d.current_step()?;
        Some(Self {
            index: p.index,
            name: def.name.clone(),
            role: def.role,
            agency_code: d.step_agency(p.index).to_string(),
            assignee: p.assignee.clone(),
            given_at: vn(p.given_at),
            taken_at: vn_opt(p.taken_at),
            due_at: vn(p.due_at),
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    pub seq: u32,
    pub at: DateTime<FixedOffset>,
    pub action: Action,
    pub actor: EventActor,
    pub from_status: Option<Status>,
    pub to_status: Status,
    pub from_step: Option<usize>,
    pub to_step: Option<usize>,
    pub note: Option<String>,
    pub assignee: Option<OfficerRef>,
    pub step_due_at: Option<DateTime<FixedOffset>>,
    pub due_at: Option<DateTime<FixedOffset>>,
    /// A deadline the event set for the applicant: a supplement's.
    pub deadline: Option<DateTime<FixedOffset>>,
    /// The payment the event recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment: Option<motcua_domain::lifecycle::Payment>,
}

impl EventView {
    fn of(e: &HistoryEvent) -> Self {
        Self {
            seq: e.seq,
            at: vn(e.at),
            action: e.action,
            actor: e.actor.clone(),
            from_status: e.from_status,
            to_status: e.to_status,
            from_step: e.from_step,
            to_step: e.to_step,
            note: e.note.clone(),
            assignee: e.assignee.clone(),
            payment: e.payment.clone(),
            step_due_at: vn_opt(e.step_due_at),
            due_at: vn_opt(e.due_at),
            deadline: vn_opt(e.deadline),
        }
    }
}

/// One row of the tracking card (Phiếu kiểm soát quá trình giải quyết hồ sơ).
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackingRowView {
    pub kind: RowKind,
    pub step: usize,
    pub step_name: String,
    pub agency_code: String,
    pub given_at: DateTime<FixedOffset>,
    pub given_by: Option<OfficerRef>,
    pub taken_at: Option<DateTime<FixedOffset>>,
    pub taken_by: Option<OfficerRef>,
    pub due_at: Option<DateTime<FixedOffset>>,
    pub finished_at: Option<DateTime<FixedOffset>>,
    pub result: Option<Timeliness>,
}

impl TrackingRowView {
    fn of(r: &TrackingRow) -> Self {
        Self {
            kind: r.kind,
            step: r.step,
            step_name: r.step_name.clone(),
            agency_code: r.agency.to_string(),
            given_at: vn(r.given_at),
            given_by: r.given_by.clone(),
            taken_at: vn_opt(r.taken_at),
            taken_by: r.taken_by.clone(),
            due_at: vn_opt(r.due_at),
            finished_at: vn_opt(r.finished_at),
            result: r.result,
        }
    }
}

/// Everything an officer handling the dossier sees.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficerDossierView {
    #[serde(flatten)]
    pub dossier: DossierSummary,
    /// Send actions based on this view; a stale view gets `409 conflict`.
    pub version: u64,
    pub applicant: Applicant,
    pub documents: Vec<SubmittedDocument>,
    pub current_step: Option<StepView>,
    /// Steps handed to agencies that run their own systems, over the document axis, and where
    /// each stands there.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exchanges: Vec<ExchangeView>,
    pub supplement_requests: u32,
    /// Whether the due date was extended (with an apology) at least once.
    pub extended: bool,
    /// How many times the due date was extended.
    pub extensions: u32,
    pub result: Option<ResultView>,
    /// The result documents issued at approval.
    pub results: Vec<ResultDocument>,
    pub rating: Option<Rating>,
    /// What the fees come to, and what was paid and how.
    pub fees: FeesView,
    /// The result by post, as the applicant sees it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal: Option<PostalView>,
    pub history: Vec<EventView>,
    pub tracking_card: Vec<TrackingRowView>,
    /// Where the dossier stands against the statutory appointment, as the statistics count it.
    pub statutory_standing: Option<Standing>,
    /// Where its sync to the national portal stands (on `GET /v1/officer/dossiers/{code}`; an
    /// action's answer leaves it out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub portal_sync: Option<motcua_domain::portal::SyncStanding>,
    /// Its online payment transactions, oldest first: open, paid (one kept aside, unapplied,
    /// is owed back), failed (the dossier's read only; an action's answer leaves them out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_transactions: Option<Vec<TransactionView>>,
}

impl OfficerDossierView {
    pub fn of(d: &Dossier, events: &[HistoryEvent], now: DateTime<Utc>) -> Self {
        let card = motcua_domain::lifecycle::tracking_card(d, events);
        Self {
            dossier: DossierSummary::of(d, now),
            version: d.version,
            applicant: d.applicant.clone(),
            documents: d.documents.clone(),
            current_step: StepView::of(d),
            exchanges: d.exchanges.iter().map(ExchangeView::of).collect(),
            supplement_requests: d.supplement_requests,
            extended: d.extensions > 0,
            extensions: d.extensions,
            result: d.result.as_ref().map(ResultView::of),
            results: d.results.clone(),
            rating: d.rating.clone(),
            fees: FeesView::of(d),
            postal: PostalView::of(d),
            history: events.iter().map(EventView::of).collect(),
            tracking_card: card.iter().map(TrackingRowView::of).collect(),
            statutory_standing: d.standing(now, Against::Statutory),
            portal_sync: None,
            payment_transactions: None,
        }
    }
}

/// A step handed to another agency over the document axis (`docs/integrations.md`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExchangeView {
    /// The workflow step handed over.
    pub step: usize,
    pub agency: String,
    /// The package's DocumentId, which the agency's status packets answer.
    pub document_id: String,
    pub sent_at: DateTime<FixedOffset>,
    pub sent_by: Option<OfficerRef>,
    pub state: motcua_domain::axis::ExchangeState,
    pub updated_at: DateTime<FixedOffset>,
    /// The documents the agency sent in reply, their files readable by officers at
    /// `GET /v1/dossiers/{code}/files/{id}`.
    pub replies: Vec<motcua_domain::axis::exchange::Reply>,
}

impl ExchangeView {
    fn of(x: &motcua_domain::axis::Exchange) -> Self {
        Self {
            step: x.step,
            agency: x.agency.to_string(),
            document_id: x.document_id.clone(),
            sent_at: vietnam::with_offset(x.sent_at),
            sent_by: x.sent_by.clone(),
            state: x.state,
            updated_at: vietnam::with_offset(x.updated_at),
            replies: x.replies.clone(),
        }
    }
}

/// A line of an officer's work queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItem {
    #[serde(flatten)]
    pub dossier: DossierSummary,
    pub version: u64,
    pub applicant_name: String,
    pub current_step: Option<StepView>,
    /// Working time left before `due_at` in the agency's calendar, and whether that makes the
    /// dossier due soon (at most one working day) or overdue; none while its clock does not run
    /// (not yet received, a supplement or payment awaited, finished).
    pub time_left: Option<TimeLeft>,
    /// The same against the current step's due time.
    pub step_time_left: Option<TimeLeft>,
}

impl QueueItem {
    /// The item at `now`, its time left counted in `calendar` (the reading officer's agency's).
    pub fn of(d: &Dossier, now: DateTime<Utc>, calendar: &Calendar) -> Self {
        Self {
            dossier: DossierSummary::of(d, now),
            version: d.version,
            applicant_name: d.applicant.name.clone(),
            current_step: StepView::of(d),
            time_left: warnings::dossier_time_left(calendar, d, now),
            step_time_left: warnings::step_time_left(calendar, d, now),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReceiptComponent {
    pub name: String,
    pub form: ComponentForm,
    pub quantity: u32,
    pub required: bool,
    /// Whether a document was handed in for it.
    pub received: bool,
}

/// Giấy tiếp nhận hồ sơ và hẹn trả kết quả.
#[derive(Debug, Serialize, ToSchema)]
pub struct Receipt {
    pub code: String,
    pub applicant_name: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub agency_code: String,
    pub agency_name: String,
    pub components: Vec<ReceiptComponent>,
    pub received_at: DateTime<FixedOffset>,
    /// The appointment: the statutory one, or the date an extension set.
    pub due_at: DateTime<FixedOffset>,
    /// The statutory appointment, printed beside a later one after an extension.
    pub original_due_at: DateTime<FixedOffset>,
    /// Where to collect the result.
    pub collect_at: String,
    /// The fees and charges as they stood at reception, with any reduction recorded then.
    pub fees: Vec<FeeLine>,
    /// What is owed in all, after reductions.
    pub total_fee_vnd: u64,
    pub received_by: Option<OfficerRef>,
    /// The head of the history's hash chain when the receipt was printed.
    pub history_head: String,
}

impl Receipt {
    /// The receipt of a received dossier; `None` before reception.
    pub fn of(
        d: &Dossier,
        procedure: &motcua_domain::catalogue::Procedure,
        agency: &Agency,
        events: &[HistoryEvent],
    ) -> Option<Self> {
        let received_at = d.received_at?;
        let due_at = d.due_at?;
        // Records kept before the fees were frozen read the catalogue.
        let fees = d.terms.fees.clone().unwrap_or_else(|| listed(&procedure.fees));
        let received_by = events
            .iter()
            .find(|e| matches!(e.action, Action::Receive | Action::CounterReceive))
            .and_then(|e| e.actor.officer().cloned());
        Some(Self {
            code: d.code.to_string(),
            applicant_name: d.applicant.name.clone(),
            procedure_code: d.procedure_code.clone(),
            procedure_name: d.terms.procedure_name.clone(),
            agency_code: agency.code.to_string(),
            agency_name: agency.name.clone(),
            components: d
                .terms
                .components
                .as_ref()
                .unwrap_or(&procedure.components)
                .iter()
                .map(|c| ReceiptComponent {
                    name: c.name.clone(),
                    form: c.form,
                    quantity: c.quantity,
                    required: c.required,
                    received: d.documents.iter().any(|x| x.component == c.name),
                })
                .collect(),
            received_at: vn(received_at),
            due_at: vn(due_at),
            original_due_at: vn(d.statutory_due_at().unwrap_or(due_at)),
            collect_at: format!("Bộ phận Một cửa, {} – {}", agency.name, agency.address),
            total_fee_vnd: total_due(&fees),
            fees,
            received_by,
            history_head: d.history_head.clone(),
        })
    }
}
