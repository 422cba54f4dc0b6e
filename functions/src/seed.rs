//! The sample province a fresh `motcua serve` starts with: agencies at province and commune
//! level, 30+ procedures across fields, demo officers for every role, and holidays for this
//! year and the next. All of it is sample data for the administrator to replace or confirm.

use chrono::{Datelike, NaiveDate};
use motcua_domain::calendar::WorkingHours;
use motcua_domain::catalogue::import::{self, Workbook};
use motcua_domain::catalogue::*;
use motcua_domain::codes::AgencyCode;
use motcua_domain::ports::{Catalogue, Holiday, StoreError};

pub const PROVINCE: &str = "000.00.00.H56";
pub const JUSTICE: &str = "000.00.03.H56";
pub const FINANCE: &str = "000.00.05.H56";
pub const TRANSPORT: &str = "000.00.10.H56";
pub const HEALTH: &str = "000.00.12.H56";
pub const POLICE: &str = "000.00.20.H56";
pub const WARD_A: &str = "000.01.31.H56";
pub const WARD_B: &str = "000.02.31.H56";

fn code(text: &str) -> AgencyCode {
    AgencyCode::parse(text).expect("seed agency codes are well formed")
}

fn agency(c: &str, name: &str, parent: Option<&str>, level: AgencyLevel, address: &str) -> Agency {
    Agency {
        code: code(c),
        name: name.into(),
        parent: parent.map(code),
        level,
        address: address.into(),
        working_hours: WorkingHours::default(),
        external: false,
    }
}

pub fn agencies() -> Vec<Agency> {
    use AgencyLevel::*;
    vec![
        agency(
            PROVINCE,
            "Ủy ban nhân dân tỉnh Khánh Hòa (mẫu)",
            None,
            Province,
            "Trung tâm Phục vụ hành chính công tỉnh, 01 Trần Phú, Nha Trang",
        ),
        agency(
            JUSTICE,
            "Sở Tư pháp",
            Some(PROVINCE),
            Province,
            "Trung tâm Phục vụ hành chính công tỉnh, quầy Sở Tư pháp",
        ),
        agency(
            FINANCE,
            "Sở Tài chính",
            Some(PROVINCE),
            Province,
            "Trung tâm Phục vụ hành chính công tỉnh, quầy Đăng ký kinh doanh",
        ),
        agency(
            TRANSPORT,
            "Sở Giao thông vận tải",
            Some(PROVINCE),
            Province,
            "Trung tâm Phục vụ hành chính công tỉnh, quầy Giao thông vận tải",
        ),
        agency(HEALTH, "Sở Y tế", Some(PROVINCE), Province, "Trung tâm Phục vụ hành chính công tỉnh, quầy Sở Y tế"),
        agency(POLICE, "Công an tỉnh", Some(PROVINCE), Province, "Trụ sở Công an tỉnh, 80 Trần Phú, Nha Trang"),
        agency(WARD_A, "Ủy ban nhân dân phường Nha Trang", Some(PROVINCE), Commune, "Bộ phận Một cửa phường Nha Trang"),
        agency(WARD_B, "Ủy ban nhân dân xã Diên Khánh", Some(PROVINCE), Commune, "Bộ phận Một cửa xã Diên Khánh"),
    ]
}

/// The sample procedures as a province would import them: `seed/catalogue/*.csv`, in the
/// layout of `docs/catalogue.md`, read and checked by the import itself.
const CATALOGUE: [(&str, &[u8]); 4] = [
    ("procedures", include_bytes!("../seed/catalogue/procedures.csv")),
    ("components", include_bytes!("../seed/catalogue/components.csv")),
    ("fees", include_bytes!("../seed/catalogue/fees.csv")),
    ("steps", include_bytes!("../seed/catalogue/steps.csv")),
];

/// Why the sample data cannot be used (a test proves the shipped data is fine).
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("sample catalogue: {0}")]
    Data(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The sample catalogue file, read.
pub fn sample_catalogue() -> Result<Workbook, SeedError> {
    let mut book = Workbook::default();
    for (name, bytes) in CATALOGUE {
        book.tables.push(crate::sheets::read::csv(name, bytes).map_err(|e| SeedError::Data(e.to_string()))?);
    }
    Ok(book)
}

/// The sample procedures, as the import reads them.
pub fn procedures() -> Result<Vec<Procedure>, SeedError> {
    let known = agencies().into_iter().map(|a| a.code).collect();
    let built = import::build(&sample_catalogue()?, &known);
    let mut errors: Vec<String> = built.file_errors.iter().map(ToString::to_string).collect();
    let mut out = vec![];
    for (_, _, result) in built.procedures {
        match result {
            Ok(p) => out.push(p),
            Err(es) => errors.extend(es.iter().map(ToString::to_string)),
        }
    }
    match errors.is_empty() {
        true => Ok(out),
        false => Err(SeedError::Data(errors.join("; "))),
    }
}

fn officer(id: &str, name: &str, agency: &str, roles: &[Role]) -> Officer {
    Officer {
        id: OfficerId::parse(id).expect("seed officer ids are well formed"),
        name: name.into(),
        agency: code(agency),
        roles: roles.to_vec(),
        phone: None,
        email: None,
        arrivals: Default::default(),
    }
}

/// `<prefix>.motcua` (reception), `<prefix>.chuyenvien` and `<prefix>.chuyenvien2` (specialists),
/// `<prefix>.lanhdao` (leader) for each agency, `admin`, and `kiemsoat` (the province's inspector,
/// who reads every report).
pub fn officers() -> Vec<Officer> {
    let mut all = vec![
        officer("admin", "Quản trị hệ thống", PROVINCE, &[Role::Admin]),
        officer("kiemsoat", "Phòng Kiểm soát TTHC tỉnh", PROVINCE, &[Role::Inspector]),
    ];
    for (prefix, agency) in [
        ("tuphap", JUSTICE),
        ("taichinh", FINANCE),
        ("gtvt", TRANSPORT),
        ("yte", HEALTH),
        ("congan", POLICE),
        ("nhatrang", WARD_A),
        ("dienkhanh", WARD_B),
    ] {
        all.push(officer(&format!("{prefix}.motcua"), &format!("Cán bộ một cửa {prefix}"), agency, &[Role::Reception]));
        all.push(officer(
            &format!("{prefix}.chuyenvien"),
            &format!("Chuyên viên {prefix}"),
            agency,
            &[Role::Specialist],
        ));
        all.push(officer(
            &format!("{prefix}.chuyenvien2"),
            &format!("Chuyên viên 2 {prefix}"),
            agency,
            &[Role::Specialist],
        ));
        all.push(officer(&format!("{prefix}.lanhdao"), &format!("Lãnh đạo {prefix}"), agency, &[Role::Leader]));
    }
    all
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Sample holidays for the years the seed knows; other years get only the fixed-date ones.
/// The administrator must confirm them against the government's yearly announcement.
pub fn holidays(year: i32) -> Vec<Holiday> {
    let note = " (dữ liệu mẫu, cần xác nhận / sample, to be confirmed)";
    let mut list: Vec<(NaiveDate, &str)> = Vec::new();
    let mut push = |d: Option<NaiveDate>, name| {
        if let Some(d) = d {
            list.push((d, name));
        }
    };
    push(date(year, 1, 1), "Tết Dương lịch");
    match year {
        2026 => {
            for d in 16..=20 {
                push(date(2026, 2, d), "Tết Nguyên đán");
            }
            push(date(2026, 4, 27), "Giỗ Tổ Hùng Vương (nghỉ bù)");
        }
        2027 => {
            for d in 4..=10 {
                push(date(2027, 2, d), "Tết Nguyên đán");
            }
            push(date(2027, 4, 16), "Giỗ Tổ Hùng Vương");
            push(date(2027, 5, 3), "Quốc tế Lao động (nghỉ bù)");
        }
        _ => {}
    }
    push(date(year, 4, 30), "Ngày Giải phóng miền Nam");
    push(date(year, 5, 1), "Quốc tế Lao động");
    push(date(year, 9, 2), "Quốc khánh");
    let adjacent = if year == 2026 { date(year, 9, 1) } else { date(year, 9, 3) };
    push(adjacent, "Quốc khánh (ngày liền kề)");
    list.sort();
    list.into_iter().map(|(date, name)| Holiday { date, name: format!("{name}{note}") }).collect()
}

/// Seeds the catalogue if it has no agencies yet; returns whether it did.
pub async fn seed_if_empty(catalogue: &dyn Catalogue, today: NaiveDate) -> Result<bool, SeedError> {
    if !catalogue.agencies(None, None, 1).await?.is_empty() {
        return Ok(false);
    }
    for a in agencies() {
        catalogue.put_agency(&a).await?;
    }
    let options = crate::service::catalogue::Options { today, ..Default::default() };
    let report = crate::service::catalogue::import(catalogue, &sample_catalogue()?, options, &|_, _| {})
        .await
        .map_err(|e| SeedError::Data(e.to_string()))?;
    if !report.applied {
        return Err(SeedError::Data(format!("not imported: {:?}", report.errors)));
    }
    for o in officers() {
        catalogue.put_officer(&o).await?;
    }
    for year in [today.year(), today.year() + 1] {
        catalogue.put_holidays(year, &holidays(year)).await?;
    }
    Ok(true)
}

/// The sample procedures' codes at the national portal: each under its own code, its field
/// numbered in the order the fields first appear (`LV01`, …), so a demonstration against the
/// fake portal (`motcua fakes`) syncs from the first filing. A real province imports its own.
pub fn national_codes() -> Result<Vec<motcua_domain::portal::NationalCode>, SeedError> {
    let mut fields: Vec<String> = vec![];
    let mut codes = vec![];
    for p in procedures()? {
        let n = match fields.iter().position(|f| *f == p.field) {
            Some(i) => i + 1,
            None => {
                fields.push(p.field.clone());
                fields.len()
            }
        };
        codes.push(motcua_domain::portal::NationalCode {
            procedure: p.code.clone(),
            national_code: p.code,
            field_code: format!("LV{n:02}"),
            field_name: p.field,
        });
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_procedure_has_a_valid_national_code() {
        let codes = national_codes().unwrap();
        assert_eq!(codes.len(), procedures().unwrap().len());
        for c in &codes {
            c.check().unwrap_or_else(|e| panic!("{}: {e}", c.procedure));
        }
        assert_eq!(codes[0].field_code, "LV01");
    }

    #[test]
    fn the_sample_catalogue_is_valid() {
        let procedures = procedures().unwrap();
        assert!(procedures.len() >= 30);
        for p in &procedures {
            p.validate().unwrap_or_else(|e| panic!("{}: {e}", p.code));
        }
        let mut codes: Vec<_> = procedures.iter().map(|p| &p.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), procedures.len(), "procedure codes are unique");
        assert!(holidays(2026).iter().all(|h| h.date.year() == 2026));
        let has =
            |name: &str, agency: &str| procedures.iter().any(|p| p.name.contains(name) && p.agency.as_str() == agency);
        assert!(has("phù hiệu xe taxi", TRANSPORT));
        assert!(has("Đăng ký thành lập", FINANCE));
        assert!(has("Phiếu lý lịch tư pháp", JUSTICE));
        assert!(has("Đăng ký khai sinh", WARD_A) && has("Đăng ký khai sinh", WARD_B));
        assert!(has("Chứng thực bản sao", WARD_A));
    }
}
