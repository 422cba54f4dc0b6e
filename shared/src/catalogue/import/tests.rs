//! GIVEN a workbook as a reader makes it WHEN it is built and planned THEN each procedure is
//! read whole, every bad cell is named at its sheet, row and column, and the plan says what
//! would change.

use std::collections::{BTreeMap, BTreeSet};

use super::*;
use crate::catalogue::{Channel, FeeKind, OnlineLevel, Role};
use crate::codes::AgencyCode;

fn table(name: &str, header: &str, rows: &[&str]) -> Table {
    Table {
        name: name.into(),
        header: header.split('|').map(str::to_owned).collect(),
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, r)| Row { number: i + 2, cells: r.split('|').map(str::to_owned).collect() })
            .collect(),
    }
}

const P_HEADER: &str =
    "code|name|field|agency|applicant_kinds|processing_time|processing_unit|online_processing_time|channels|online_level|fees_first";

fn workbook() -> Workbook {
    Workbook {
        tables: vec![
            table(
                "procedures",
                P_HEADER,
                &[
                    "2.000488|Cấp Phiếu lý lịch tư pháp|Lý lịch tư pháp|000.00.03.H56|citizen|10|working_days|9|direct, online, postal|full|no",
                    "2.001610|Đăng ký doanh nghiệp|Thành lập doanh nghiệp|000.00.05.H56|citizen,organisation|3|Working Days||direct;online|partial|yes",
                ],
            ),
            table(
                "components",
                "procedure|name|form|quantity|required",
                &["2.000488|Tờ khai|original|1|yes", "2.000488|Bản chụp CCCD|copy||no", "2.001610|Giấy đề nghị|||"],
            ),
            table("fees", "procedure|name|kind|amount_vnd", &["2.000488|Lệ phí|charge|200000", "2.001610|Phí|fee|50000.0"]),
            table(
                "steps",
                "procedure|step|name|role|agency|share_percent",
                &[
                    "2.000488|3|Phê duyệt|leader||20",
                    "2.000488|1|Thẩm định|specialist||40",
                    "2.000488|2|Xác minh|specialist|000.00.20.H56|40",
                    "2.001610|1|Thẩm định|specialist||70",
                    "2.001610|2|Phê duyệt|leader||30",
                ],
            ),
        ],
        problems: vec![],
    }
}

fn agencies() -> BTreeSet<AgencyCode> {
    ["000.00.03.H56", "000.00.05.H56", "000.00.20.H56"].iter().map(|c| AgencyCode::parse(c).unwrap()).collect()
}

fn only_errors(built: &Built) -> Vec<String> {
    let mut all: Vec<String> = built.file_errors.iter().map(ToString::to_string).collect();
    for (_, _, r) in &built.procedures {
        if let Err(es) = r {
            all.extend(es.iter().map(ToString::to_string));
        }
    }
    all
}

#[test]
fn a_workbook_reads_into_whole_procedures() {
    let built = build(&workbook(), &agencies());
    assert!(only_errors(&built).is_empty(), "{:?}", only_errors(&built));
    let ps: Vec<_> = built.procedures.iter().map(|(_, _, r)| r.clone().unwrap()).collect();
    let p = &ps[0];
    assert_eq!((p.code.as_str(), p.processing_time.amount), ("2.000488", 10.0));
    assert_eq!(p.online_processing_time.map(|t| t.amount), Some(9.0));
    assert_eq!(p.channels, [Channel::Direct, Channel::Online, Channel::Postal]);
    assert_eq!(p.online_level, OnlineLevel::Full);
    assert_eq!(p.components.len(), 2);
    assert!(!p.components[1].required);
    assert_eq!(p.fees[0].amount_vnd, 200_000);
    let steps: Vec<(&str, Role, u32)> = p.workflow.iter().map(|s| (s.name.as_str(), s.role, s.share_percent)).collect();
    assert_eq!(
        steps,
        [("Thẩm định", Role::Specialist, 40), ("Xác minh", Role::Specialist, 40), ("Phê duyệt", Role::Leader, 20)],
        "in step order, whatever the rows' order"
    );
    assert_eq!(p.workflow[1].agency.as_ref().map(|a| a.to_string()).as_deref(), Some("000.00.20.H56"));
    let q = &ps[1];
    assert!(q.fees_first);
    assert_eq!(q.fees[0].kind, FeeKind::Fee);
    assert_eq!(q.fees[0].amount_vnd, 50_000, "a spreadsheet's 50000.0");
    assert!(q.components[0].required && q.components[0].quantity == 1, "defaults");
    assert_eq!(q.allowances.supplement_requests, 1);
}

fn with(edit: impl FnOnce(&mut Workbook)) -> Vec<String> {
    let mut w = workbook();
    edit(&mut w);
    only_errors(&build(&w, &agencies()))
}

fn cell(w: &mut Workbook, sheet: usize, row: usize, column: &str, value: &str) {
    let t = &mut w.tables[sheet];
    let i = t.column(column).unwrap();
    t.rows[row].cells[i] = value.into();
}

#[test]
fn every_bad_cell_is_named_where_it_is() {
    let e = with(|w| {
        w.tables.remove(2);
    });
    assert_eq!(e, ["fees: thiếu bảng / missing sheet `fees`"]);
    let e = with(|w| {
        let again = Row { number: 4, ..w.tables[0].rows[0].clone() };
        w.tables[0].rows.push(again);
    });
    assert!(e.iter().any(|m| m.starts_with("procedures row 4, code: mã lặp lại, đã có ở dòng 2")), "{e:?}");
    let e = with(|w| cell(w, 3, 1, "share_percent", "50"));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].starts_with("steps row 3, share_percent:") && e[0].contains("110"), "{e:?}");
    let e = with(|w| cell(w, 3, 2, "agency", "000.00.99.H56"));
    assert_eq!(e, ["steps row 4, agency: không có cơ quan 000.00.99.H56 / unknown agency 000.00.99.H56"]);
    let e = with(|w| cell(w, 2, 0, "amount_vnd", "hai trăm"));
    assert!(e[0].starts_with("fees row 2, amount_vnd: `hai trăm` không phải số nguyên"), "{e:?}");
    let e = with(|w| cell(w, 0, 1, "processing_unit", "weeks"));
    assert!(e[0].starts_with("procedures row 3, processing_unit:") && e[0].contains("working_days"), "{e:?}");
    let e = with(|w| cell(w, 3, 0, "role", "specialist"));
    assert!(e[0].starts_with("steps row 2, role: bước cuối"), "the last step is at row 2 of the sheet: {e:?}");
    let e = with(|w| w.tables[1].rows.push(Row { number: 5, cells: vec!["9.999999".into(), "x".into()] }));
    assert!(e[0].starts_with("components row 5, procedure: không có thủ tục `9.999999`"), "{e:?}");
    let e = with(|w| w.tables[0].header.push("ghi_chu".into()));
    assert!(e[0].contains("unknown column `ghi_chu`"), "{e:?}");
    let e = with(|w| {
        w.tables[0].header.remove(1);
    });
    assert!(e.iter().any(|m| m.contains("missing column `name`")), "{e:?}");
    let e = with(|w| w.problems.push(ImportError::at("fees", 3, Some("D"), "a formula")));
    assert_eq!(e, ["fees row 3, D: a formula"]);
    let e = with(|w| cell(w, 0, 0, "online_processing_time", "12"));
    assert!(e[0].starts_with("procedures row 2, online_processing_time:"), "{e:?}");
}

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

fn against(current: &BTreeMap<String, crate::catalogue::Procedure>) -> Held<'_> {
    static NONE: std::sync::OnceLock<BTreeMap<String, Vec<crate::catalogue::Procedure>>> = std::sync::OnceLock::new();
    Held { current, versions: NONE.get_or_init(BTreeMap::new), today: today() }
}

#[test]
fn the_plan_says_what_changes_and_whether_it_may_apply() {
    let built = build(&workbook(), &agencies());
    let held: Vec<_> = built.procedures.iter().map(|(_, _, r)| r.clone().unwrap()).collect();
    let mut current: BTreeMap<String, crate::catalogue::Procedure> = BTreeMap::new();
    current.insert(held[0].code.clone(), held[0].clone());
    let mut old = held[1].clone();
    old.name = "Tên cũ".into();
    old.fees.clear();
    current.insert(old.code.clone(), old);
    let p = plan(build(&workbook(), &agencies()), &against(&current));
    let outcomes: Vec<(Outcome, Vec<String>)> = p.items.iter().map(|i| (i.outcome, i.changed.clone())).collect();
    assert_eq!(
        outcomes,
        [(Outcome::Unchanged, vec![]), (Outcome::Changed, vec!["fees".to_owned(), "name".to_owned()])]
    );
    assert_eq!(p.writes.len(), 1);
    assert!(p.applicable(false));
    let fresh = plan(build(&workbook(), &agencies()), &against(&BTreeMap::new()));
    assert_eq!(fresh.count(Outcome::Added), 2);

    let mut w = workbook();
    cell(&mut w, 2, 0, "amount_vnd", "-5");
    let refused = plan(build(&w, &agencies()), &against(&BTreeMap::new()));
    assert_eq!((refused.count(Outcome::Refused), refused.count(Outcome::Added)), (1, 1));
    assert!(!refused.applicable(false) && refused.applicable(true), "skip-invalid applies the rest");
    assert_eq!(refused.writes.len(), 1);
    let mut w = workbook();
    w.tables.remove(3);
    let broken = plan(build(&w, &agencies()), &against(&BTreeMap::new()));
    assert!(!broken.applicable(true), "a file error stops everything");
    assert!(broken.items.is_empty());
}

#[test]
fn an_exported_catalogue_imports_back_unchanged() {
    let built = build(&workbook(), &agencies());
    let mut ps: Vec<_> = built.procedures.into_iter().map(|(_, _, r)| r.unwrap()).collect();
    ps[0].cutoff = chrono::NaiveTime::from_hms_opt(15, 0, 0);
    ps[0].legal_basis = "Luật Lý lịch tư pháp 2009".into();
    ps[0].allowances.extension_limit =
        Some(crate::calendar::ProcessingTime { amount: 5.0, unit: ps[0].processing_time.unit });
    ps[1].allowances.sms_segments = Some(2);
    let book = Workbook { tables: tables_of(&ps), problems: vec![] };
    let again: Vec<_> = build(&book, &agencies()).procedures.into_iter().map(|(_, _, r)| r.unwrap()).collect();
    assert_eq!(again, ps);
    let current: BTreeMap<String, crate::catalogue::Procedure> =
        ps.iter().map(|p| (p.code.clone(), p.clone())).collect();
    let p = plan(build(&book, &agencies()), &against(&current));
    assert_eq!(p.count(Outcome::Unchanged), 2, "importing what was exported changes nothing");
}

/// The workbook with an `effective_from` column, one date per procedure.
fn dated(dates: [&str; 2]) -> Workbook {
    let mut w = workbook();
    let t = &mut w.tables[0];
    t.header.push("effective_from".into());
    for (row, date) in t.rows.iter_mut().zip(dates) {
        row.cells.push(date.into());
    }
    w
}

#[test]
fn a_dated_row_schedules_its_version_or_is_refused_under_a_later_one() {
    let built = build(&workbook(), &agencies());
    let held: Vec<_> = built.procedures.into_iter().map(|(_, _, r)| r.unwrap()).collect();
    let mut current: BTreeMap<String, crate::catalogue::Procedure> =
        held.iter().map(|p| (p.code.clone(), p.clone())).collect();
    let w = dated(["01/01/2027", "46388"]);
    let p = plan(build(&w, &agencies()), &against(&current));
    let outcomes: Vec<Outcome> = p.items.iter().map(|i| i.outcome).collect();
    assert_eq!(outcomes, [Outcome::Scheduled, Outcome::Scheduled], "a date cell of XLSX is a day number");
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d);
    assert_eq!(p.schedules.iter().map(|s| s.effective_from).collect::<Vec<_>>(), [day(2027, 1, 1), day(2027, 1, 1)]);
    assert!(p.writes.is_empty());
    // Again, with the versions kept: nothing to do.
    let versions: BTreeMap<String, Vec<_>> = p.schedules.iter().map(|s| (s.code.clone(), vec![s.clone()])).collect();
    let again = plan(build(&w, &agencies()), &Held { current: &current, versions: &versions, today: today() });
    assert_eq!(again.count(Outcome::Unchanged), 2);
    // A date under the version in force is refused at its cell.
    current.get_mut(&held[0].code).unwrap().effective_from = day(2026, 7, 1);
    let w = dated(["2026-01-01", ""]);
    let refused = plan(build(&w, &agencies()), &against(&current));
    assert_eq!(refused.items[0].outcome, Outcome::Refused);
    assert_eq!(refused.items[0].errors[0].column.as_deref(), Some("effective_from"));
    // Undated and otherwise the same as the dated current record: unchanged, any day.
    assert_eq!(plan(build(&workbook(), &agencies()), &against(&current)).count(Outcome::Unchanged), 2);
}

#[test]
fn the_layout_in_the_docs_is_the_one_read() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/catalogue.md");
    let doc = std::fs::read_to_string(path).unwrap_or_default();
    let tables = to_markdown();
    assert!(doc.contains(&tables), "docs/catalogue.md is out of date; replace its column tables with:\n{tables}");
}
