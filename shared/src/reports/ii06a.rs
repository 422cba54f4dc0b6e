//! The periodic report Biểu II.06a/VPCP/KSTT, "Tình hình, kết quả giải quyết thủ tục hành
//! chính" (DOMAIN.md "Statistics the province publishes"; docs/reports.md): per row, received =
//! carried over + new online + new direct or postal; resolved = early + on time + late; in
//! progress at the end = within deadline + overdue; and received = resolved + in progress.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::{Counts, Measure, Period};

/// The rules the report applies, stated with it.
pub const RULES: [&str; 6] = [
    "Số hồ sơ tiếp nhận = số kỳ trước chuyển qua + số mới tiếp nhận trực tuyến + số mới tiếp nhận trực tiếp hoặc qua bưu chính; hồ sơ mới được tính theo ngày tiếp nhận (giờ Việt Nam). / Received = carried over + new online + new at the desk or by post; new dossiers count by their reception date (Vietnam time).",
    "Số kỳ trước chuyển qua: hồ sơ tiếp nhận trước kỳ và chưa giải quyết xong trước ngày đầu kỳ. / Carried over: received before the period and not finished before its first day.",
    "Số đã giải quyết tính theo ngày kết thúc, so sánh ngày (không so giờ) với hạn trả kết quả theo quy định (trước khi gia hạn): trước hạn, đúng hạn, quá hạn; hồ sơ công dân rút và hồ sơ trả lại do không bổ sung tính là đúng hạn; hồ sơ dừng xử lý tính theo ngày dừng. / Resolved counts by finish date, comparing dates (not times) with the statutory due date (before any extension): early, on time, late; withdrawn dossiers and those returned for want of a supplement count as on time; stopped dossiers by the date they were stopped.",
    "Số đang giải quyết tính tại cuối kỳ (hoặc hôm nay, nếu kỳ chưa kết thúc): trong hạn khi hạn trả không trước ngày đó hoặc hồ sơ đang chờ bổ sung; quá hạn khi hạn trả đã qua. / In progress counts at the period's end (or today, for a period not yet ended): within deadline when due on or after that date, or waiting for a supplement; overdue when the due date has passed.",
    "Hồ sơ bị từ chối tiếp nhận và hồ sơ chưa được tiếp nhận không được tính. / Dossiers refused at reception, and those not yet received, are not counted.",
    "Mỗi dòng và dòng tổng: tiếp nhận = đã giải quyết + đang giải quyết. / Every row and the total: received = resolved + in progress.",
];

/// Số hồ sơ nhận giải quyết.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Received {
    pub total: i64,
    /// Từ kỳ trước chuyển qua.
    pub carried_over: i64,
    /// Mới tiếp nhận trực tuyến.
    pub online: i64,
    /// Mới tiếp nhận trực tiếp hoặc qua dịch vụ bưu chính.
    pub direct_or_postal: i64,
}

/// Số hồ sơ đã giải quyết.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Resolved {
    pub total: i64,
    pub early: i64,
    pub on_time: i64,
    pub late: i64,
}

/// Số hồ sơ đang giải quyết.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct InProgress {
    pub total: i64,
    pub within_deadline: i64,
    pub overdue: i64,
}

/// One row's figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Figures {
    pub received: Received,
    pub resolved: Resolved,
    pub in_progress: InProgress,
}

/// What a row is built from: the flows summed over the period, and the in-hand counts summed up
/// to the eve of the period and up to its end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sums {
    pub flows: Counts,
    pub to_eve: Counts,
    pub to_end: Counts,
}

impl Figures {
    pub fn of(s: &Sums) -> Self {
        let f = |m| s.flows.get(m);
        let carried = s.to_eve.get(Measure::WithinDelta) + s.to_eve.get(Measure::OverdueDelta);
        let (online, direct) = (f(Measure::ReceivedOnline), f(Measure::ReceivedDirect) + f(Measure::ReceivedPostal));
        let (early, on_time, late) = (f(Measure::ResolvedEarly), f(Measure::ResolvedOnTime), f(Measure::ResolvedLate));
        let (within, overdue) = (s.to_end.get(Measure::WithinDelta), s.to_end.get(Measure::OverdueDelta));
        Self {
            received: Received {
                total: carried + online + direct,
                carried_over: carried,
                online,
                direct_or_postal: direct,
            },
            resolved: Resolved { total: early + on_time + late, early, on_time, late },
            in_progress: InProgress { total: within + overdue, within_deadline: within, overdue },
        }
    }

    pub fn add(&mut self, o: &Figures) {
        let (r, s, p) = (&mut self.received, &mut self.resolved, &mut self.in_progress);
        r.total += o.received.total;
        r.carried_over += o.received.carried_over;
        r.online += o.received.online;
        r.direct_or_postal += o.received.direct_or_postal;
        s.total += o.resolved.total;
        s.early += o.resolved.early;
        s.on_time += o.resolved.on_time;
        s.late += o.resolved.late;
        p.total += o.in_progress.total;
        p.within_deadline += o.in_progress.within_deadline;
        p.overdue += o.in_progress.overdue;
    }

    /// Received = resolved + in progress.
    pub fn adds_up(&self) -> bool {
        self.received.total == self.resolved.total + self.in_progress.total
    }

    pub fn is_empty(&self) -> bool {
        *self == Figures::default()
    }
}

/// How rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// Lĩnh vực.
    Field,
    /// Cơ quan (the agency that received the dossier).
    Agency,
    /// Thủ tục hành chính.
    Procedure,
}

impl GroupBy {
    pub const ALL: [GroupBy; 3] = [GroupBy::Field, GroupBy::Agency, GroupBy::Procedure];

    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Field => "field",
            GroupBy::Agency => "agency",
            GroupBy::Procedure => "procedure",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == text)
    }

    /// The column heading of a row's name.
    pub fn heading(self) -> &'static str {
        match self {
            GroupBy::Field => "Lĩnh vực",
            GroupBy::Agency => "Cơ quan",
            GroupBy::Procedure => "Thủ tục hành chính",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Row {
    /// The field's name, the agency's code or the procedure's code.
    pub key: String,
    /// What the row is called on the form.
    pub name: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// Whom the report covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Scope {
    /// The agency (with every agency under it); none for the whole province.
    pub agency: Option<String>,
    pub name: String,
}

/// Biểu II.06a/VPCP/KSTT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Report {
    pub form: &'static str,
    pub title: &'static str,
    pub period: Period,
    /// When the in-progress counts were taken (the period's end, or today).
    pub as_of: chrono::NaiveDate,
    pub scope: Scope,
    pub group_by: GroupBy,
    pub rows: Vec<Row>,
    pub total: Figures,
    pub rules: Vec<&'static str>,
}

pub const FORM: &str = "Biểu II.06a/VPCP/KSTT";
pub const TITLE: &str = "Tình hình, kết quả giải quyết thủ tục hành chính";

impl Report {
    /// Groups `parts` (each named by its row's key and name) into rows in key order, with the
    /// total; rows with nothing in them are left out.
    pub fn build(
        period: Period,
        as_of: chrono::NaiveDate,
        scope: Scope,
        group_by: GroupBy,
        parts: impl IntoIterator<Item = ((String, String), Sums)>,
    ) -> Self {
        let mut rows: BTreeMap<String, Row> = BTreeMap::new();
        for ((key, name), sums) in parts {
            let figures = Figures::of(&sums);
            let row = rows.entry(key.clone()).or_insert_with(|| Row { key, name, figures: Figures::default() });
            row.figures.add(&figures);
        }
        let rows: Vec<Row> = rows.into_values().filter(|r| !r.figures.is_empty()).collect();
        let mut total = Figures::default();
        for r in &rows {
            total.add(&r.figures);
        }
        Self { form: FORM, title: TITLE, period, as_of, scope, group_by, rows, total, rules: RULES.to_vec() }
    }
}
