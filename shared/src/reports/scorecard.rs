//! The Decision 766/QĐ-TTg score card (Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục
//! vụ người dân, doanh nghiệp), for the components this system can compute from its own data.
//! Each component shows its inputs, its formula and its points, so an officer can see why the
//! score is what it is; a component with nothing to compute it from says so instead of scoring 0.
//! docs/reports.md "The Decision 766 score card" gives each rule and its source.

use serde::Serialize;
use utoipa::ToSchema;

use super::{Counts, Measure, Ratio};

/// A ratio a component is computed from, by name.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Input {
    pub name: &'static str,
    #[serde(flatten)]
    pub ratio: Ratio,
}

/// One component of the card.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ScoreComponent {
    pub key: &'static str,
    pub name: &'static str,
    /// Its weight in the Decision's 100 points.
    pub max_points: f64,
    pub formula: &'static str,
    /// The ratios it is computed from (none when not available).
    pub inputs: Vec<Input>,
    /// Points earned; none when the system cannot compute the component (yet) or has nothing to
    /// compute it from.
    pub points: Option<f64>,
    /// Why there are no points, or what the figure leaves out.
    pub note: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ScoreCard {
    pub components: Vec<ScoreComponent>,
    /// Points earned over the components computed.
    pub points: f64,
    /// The most those components could give.
    pub max_points: f64,
}

fn points(max: f64, ratio: Option<f64>) -> Option<f64> {
    ratio.map(|r| (max * r * 100.0).round() / 100.0)
}

/// The card from a period's flows and its in-hand counts at the end.
pub fn score_card(flows: &Counts, to_end: &Counts) -> ScoreCard {
    let f = |m| flows.get(m);
    let (early, on_time, late) = (f(Measure::ResolvedEarly), f(Measure::ResolvedOnTime), f(Measure::ResolvedLate));
    let resolved = early + on_time + late;
    let (within, overdue) = (to_end.get(Measure::WithinDelta), to_end.get(Measure::OverdueDelta));
    let progress = Ratio::of(early + on_time + within, resolved + within + overdue);
    let online = Ratio::of(f(Measure::ReceivedOnlineFull), f(Measure::ReceivedFullEligible));
    let results = Ratio::of(f(Measure::ResultsElectronic), resolved);
    let digitised = Ratio::of(f(Measure::ComponentsDigitised), f(Measure::Components));
    let reused = Ratio::of(f(Measure::ComponentsReused), f(Measure::ComponentsDigitised));
    let digitisation = match (results.value, digitised.value) {
        (Some(r), Some(d)) => Some((r + d + reused.value.unwrap_or(0.0)) / 3.0),
        _ => None,
    };
    let received = f(Measure::ReceivedOnline) + f(Measure::ReceivedDirect) + f(Measure::ReceivedPostal);
    let synced = Ratio::of(f(Measure::PortalSyncedTimely), received);
    let paid_online = Ratio::of(f(Measure::FeesPaidOnline), f(Measure::FeesPaid));
    let unsatisfied = f(Measure::Unsatisfied);
    let satisfaction = Ratio::of((resolved - unsatisfied - late).max(0), resolved);
    let components = vec![
        ScoreComponent {
            key: "progress",
            name: "Tiến độ giải quyết",
            max_points: 20.0,
            formula: "20 × (trước hạn + đúng hạn + đang giải quyết trong hạn) ÷ (đã giải quyết + đang giải quyết) / 20 × (early + on time + in progress within deadline) ÷ (resolved + in progress)",
            inputs: vec![Input { name: "progress", ratio: progress }],
            points: points(20.0, progress.value),
            note: None,
        },
        ScoreComponent {
            key: "online_service",
            name: "Cung cấp dịch vụ trực tuyến",
            max_points: 12.0,
            formula: "12 × hồ sơ trực tuyến toàn trình ÷ hồ sơ của thủ tục đủ điều kiện toàn trình / 12 × full-level online dossiers ÷ dossiers of procedures offered fully online",
            inputs: vec![Input { name: "online_full", ratio: online }],
            points: points(12.0, online.value),
            note: None,
        },
        ScoreComponent {
            key: "online_payment",
            name: "Thanh toán trực tuyến",
            max_points: 10.0,
            formula: "10 × hồ sơ nộp phí, lệ phí trực tuyến ÷ hồ sơ đã nộp phí, lệ phí / 10 × dossiers whose fees were paid online ÷ dossiers whose fees were paid",
            inputs: vec![Input { name: "paid_online", ratio: paid_online }],
            points: points(10.0, paid_online.value),
            note: Some("Tính phí, lệ phí nộp trước khi giải quyết (thủ tục thu phí trước), là phí hệ thống thu; phí thu khi trả kết quả chưa được ghi nhận. / Counts fees paid before processing (procedures whose fees come first), the ones this system collects; fees taken with the result are not recorded yet."),
        },
        ScoreComponent {
            key: "digitisation",
            name: "Số hóa hồ sơ, kết quả",
            max_points: 22.0,
            formula: "22 × trung bình (kết quả điện tử ÷ đã giải quyết, thành phần có tệp ÷ thành phần, tái sử dụng ÷ thành phần có tệp) / 22 × the mean of (electronic results ÷ resolved, components with a file ÷ components, reused ÷ components with a file)",
            inputs: vec![Input { name: "electronic_results", ratio: results }, Input { name: "digitised_components", ratio: digitised }, Input { name: "reused_components", ratio: reused }],
            points: points(22.0, digitisation),
            note: Some("Trọng số ba thành phần bằng nhau do hệ thống chọn, chờ hướng dẫn chi tiết. / The three parts weigh the same by this system's choice, pending the detailed guidance."),
        },
        ScoreComponent {
            key: "satisfaction",
            name: "Mức độ hài lòng",
            max_points: 18.0,
            formula: "18 × min(1, tỷ lệ ÷ 90 %), tỷ lệ = (đã giải quyết − không hài lòng − quá hạn) ÷ đã giải quyết / 18 × min(1, rate ÷ 90 %), rate = (resolved − not satisfied − late) ÷ resolved",
            inputs: vec![Input { name: "satisfaction", ratio: satisfaction }],
            points: points(18.0, satisfaction.value.map(|r| (r / 0.9).min(1.0))),
            note: Some("Phản ánh, kiến nghị chưa được ghi nhận trong hệ thống: chưa trừ. / Complaints are not recorded by this system yet: none are subtracted."),
        },
        ScoreComponent {
            key: "status_sync",
            name: "Đồng bộ trạng thái lên Cổng DVCQG",
            max_points: 6.0,
            formula: "6 × hồ sơ có việc tiếp nhận được Cổng DVCQG xác nhận trong 1 giờ ÷ hồ sơ tiếp nhận / 6 × received dossiers whose reception the national portal acknowledged within an hour ÷ dossiers received",
            inputs: vec![Input { name: "synced_in_real_time", ratio: synced }],
            points: points(6.0, synced.value),
            note: Some("Một giờ là cách hiểu \"thời gian thực\" của hệ thống, chờ hướng dẫn chi tiết; hồ sơ tiếp nhận khi chưa bật đồng bộ không được tính. / An hour is this system's reading of \"real time\", pending the detailed guidance; dossiers received while the sync was off do not count."),
        },
    ];
    let scored = components.iter().filter(|c| c.points.is_some());
    let max_points = scored.clone().map(|c| c.max_points).sum();
    let points = scored.filter_map(|c| c.points).sum::<f64>();
    ScoreCard { components, points: (points * 100.0).round() / 100.0, max_points }
}
