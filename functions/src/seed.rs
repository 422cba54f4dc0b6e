//! The sample province a fresh `motcua serve` starts with: agencies at province and commune
//! level, 30+ procedures across fields, demo officers for every role, and holidays for this
//! year and the next. All of it is sample data for the administrator to replace or confirm.

use chrono::{Datelike, NaiveDate, NaiveTime};
use motcua_domain::calendar::{DurationUnit, ProcessingTime, WorkingHours};
use motcua_domain::catalogue::*;
use motcua_domain::codes::AgencyCode;
use motcua_domain::ports::{Catalogue, Holiday, StoreResult};

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

struct Spec {
    code: &'static str,
    name: &'static str,
    field: &'static str,
    agency: &'static str,
    amount: f64,
    unit: DurationUnit,
    components: &'static [&'static str],
    fee: u64,
    level: OnlineLevel,
    citizen: bool,
    organisation: bool,
}

/// Review and approval at the procedure's agency, with an inter-agency verification step
/// between them where the procedure needs one (liên thông).
fn steps(inter: Option<&str>) -> Vec<WorkflowStep> {
    let step = |name: &str, role, agency: Option<&str>, share| WorkflowStep {
        name: name.into(),
        role,
        agency: agency.map(code),
        share_percent: share,
    };
    match inter {
        Some(other) => vec![
            step("Thẩm định hồ sơ", Role::Specialist, None, 40),
            step("Xác minh liên thông", Role::Specialist, Some(other), 40),
            step("Phê duyệt, ký kết quả", Role::Leader, None, 20),
        ],
        None => vec![
            step("Thẩm định hồ sơ", Role::Specialist, None, 70),
            step("Phê duyệt, ký kết quả", Role::Leader, None, 30),
        ],
    }
}

fn procedure(s: &Spec) -> Procedure {
    let inter = (s.code == "2.000488" || s.code == "2.000505").then_some(POLICE);
    let mut kinds = vec![];
    if s.citizen {
        kinds.push(ApplicantKind::Citizen);
    }
    if s.organisation {
        kinds.push(ApplicantKind::Organisation);
    }
    let same_day = s.unit == DurationUnit::WorkingHours;
    let mut channels = vec![Channel::Direct, Channel::Postal];
    if s.level != OnlineLevel::Information {
        channels.push(Channel::Online);
    }
    Procedure {
        code: s.code.into(),
        name: s.name.into(),
        field: s.field.into(),
        agency: code(s.agency),
        legal_basis: "Dữ liệu mẫu / sample data".into(),
        applicant_kinds: kinds,
        components: s
            .components
            .iter()
            .enumerate()
            .map(|(i, name)| Component {
                name: (*name).into(),
                form: if i == 0 { ComponentForm::Original } else { ComponentForm::Copy },
                quantity: 1,
                required: i < 2,
            })
            .collect(),
        fees: if s.fee > 0 { vec![Fee { name: "Lệ phí".into(), amount_vnd: s.fee }] } else { vec![] },
        processing_time: ProcessingTime { amount: s.amount, unit: s.unit },
        online_processing_time: (s.level == OnlineLevel::Full
            && s.unit == DurationUnit::WorkingDays
            && s.amount >= 5.0)
            .then_some(ProcessingTime { amount: s.amount - 1.0, unit: s.unit }),
        cutoff: same_day.then(|| NaiveTime::from_hms_opt(15, 0, 0)).flatten(),
        channels,
        online_level: s.level,
        postal_return: true,
        supplement_rule: SupplementRule::Recompute,
        workflow: steps(inter),
    }
}

const WD: DurationUnit = DurationUnit::WorkingDays;
const WH: DurationUnit = DurationUnit::WorkingHours;
const CD: DurationUnit = DurationUnit::CalendarDays;
const FULL: OnlineLevel = OnlineLevel::Full;
const PART: OnlineLevel = OnlineLevel::Partial;

macro_rules! spec {
    ($code:expr, $name:expr, $field:expr, $agency:expr, $amount:expr, $unit:expr, [$($c:expr),*], $fee:expr, $level:expr, $cit:expr, $org:expr) => {
        Spec { code: $code, name: $name, field: $field, agency: $agency, amount: $amount, unit: $unit,
               components: &[$($c),*], fee: $fee, level: $level, citizen: $cit, organisation: $org }
    };
}

const SPECS: &[Spec] = &[
    spec!(
        "2.000488",
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam",
        "Lý lịch tư pháp",
        JUSTICE,
        10.0,
        WD,
        ["Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "Bản chụp giấy tờ tùy thân"],
        200_000,
        FULL,
        true,
        false
    ),
    spec!(
        "2.000505",
        "Cấp Phiếu lý lịch tư pháp cho cơ quan tiến hành tố tụng",
        "Lý lịch tư pháp",
        JUSTICE,
        10.0,
        WD,
        ["Văn bản yêu cầu", "Thông tin người được yêu cầu cấp phiếu"],
        0,
        PART,
        false,
        true
    ),
    spec!(
        "1.001612",
        "Cấp giấy phép hành nghề luật sư với tư cách cá nhân",
        "Luật sư",
        JUSTICE,
        7.0,
        WD,
        ["Đơn đề nghị", "Chứng chỉ hành nghề luật sư"],
        0,
        PART,
        true,
        false
    ),
    spec!(
        "2.001757",
        "Đăng ký hoạt động văn phòng công chứng",
        "Công chứng",
        JUSTICE,
        10.0,
        WD,
        ["Đơn đăng ký hoạt động", "Quyết định cho phép thành lập"],
        1_000_000,
        PART,
        false,
        true
    ),
    spec!(
        "1.003005",
        "Cấp lại Thẻ công chứng viên",
        "Công chứng",
        JUSTICE,
        5.0,
        WD,
        ["Đơn đề nghị cấp lại", "Ảnh chân dung"],
        100_000,
        FULL,
        true,
        false
    ),
    spec!(
        "2.001610",
        "Đăng ký thành lập doanh nghiệp tư nhân",
        "Thành lập và hoạt động doanh nghiệp",
        FINANCE,
        3.0,
        WD,
        ["Giấy đề nghị đăng ký doanh nghiệp", "Bản sao giấy tờ pháp lý của chủ doanh nghiệp"],
        50_000,
        FULL,
        true,
        false
    ),
    spec!(
        "2.001199",
        "Đăng ký thành lập công ty TNHH một thành viên",
        "Thành lập và hoạt động doanh nghiệp",
        FINANCE,
        3.0,
        WD,
        ["Giấy đề nghị đăng ký doanh nghiệp", "Điều lệ công ty", "Bản sao giấy tờ pháp lý của chủ sở hữu"],
        50_000,
        FULL,
        true,
        true
    ),
    spec!(
        "2.001208",
        "Đăng ký thành lập công ty cổ phần",
        "Thành lập và hoạt động doanh nghiệp",
        FINANCE,
        3.0,
        WD,
        ["Giấy đề nghị đăng ký doanh nghiệp", "Điều lệ công ty", "Danh sách cổ đông sáng lập"],
        50_000,
        FULL,
        true,
        true
    ),
    spec!(
        "1.005029",
        "Đăng ký thay đổi nội dung đăng ký doanh nghiệp",
        "Thành lập và hoạt động doanh nghiệp",
        FINANCE,
        3.0,
        WD,
        ["Thông báo thay đổi nội dung đăng ký doanh nghiệp", "Nghị quyết, quyết định thay đổi"],
        50_000,
        FULL,
        false,
        true
    ),
    spec!(
        "2.002011",
        "Thông báo tạm ngừng kinh doanh",
        "Thành lập và hoạt động doanh nghiệp",
        FINANCE,
        3.0,
        WD,
        ["Thông báo tạm ngừng kinh doanh", "Nghị quyết tạm ngừng kinh doanh"],
        0,
        FULL,
        false,
        true
    ),
    spec!(
        "1.010024",
        "Cấp lại Giấy chứng nhận đăng ký doanh nghiệp",
        "Thành lập và hoạt động doanh nghiệp",
        FINANCE,
        3.0,
        WD,
        ["Giấy đề nghị cấp lại", "Giấy tờ chứng minh bị mất, hỏng"],
        50_000,
        FULL,
        false,
        true
    ),
    spec!(
        "1.002861",
        "Cấp phù hiệu xe taxi",
        "Đường bộ",
        TRANSPORT,
        2.0,
        WD,
        ["Giấy đề nghị cấp phù hiệu", "Bản sao Giấy đăng ký xe ô tô"],
        0,
        FULL,
        false,
        true
    ),
    spec!(
        "1.002856",
        "Cấp Giấy phép kinh doanh vận tải bằng xe ô tô",
        "Đường bộ",
        TRANSPORT,
        5.0,
        WD,
        [
            "Giấy đề nghị cấp Giấy phép kinh doanh",
            "Phương án kinh doanh",
            "Bản sao văn bằng của người điều hành vận tải"
        ],
        200_000,
        FULL,
        false,
        true
    ),
    spec!(
        "1.002869",
        "Cấp phù hiệu xe hợp đồng, xe tải, xe công-ten-nơ",
        "Đường bộ",
        TRANSPORT,
        2.0,
        WD,
        ["Giấy đề nghị cấp phù hiệu", "Bản sao Giấy đăng ký xe ô tô"],
        0,
        FULL,
        false,
        true
    ),
    spec!(
        "1.002801",
        "Cấp lại phù hiệu xe taxi bị mất, hỏng",
        "Đường bộ",
        TRANSPORT,
        2.0,
        WD,
        ["Giấy đề nghị cấp lại phù hiệu", "Phù hiệu bị hỏng (nếu có)"],
        0,
        FULL,
        false,
        true
    ),
    spec!(
        "1.004979",
        "Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh",
        "Khám bệnh, chữa bệnh",
        HEALTH,
        20.0,
        WD,
        ["Đơn đề nghị cấp chứng chỉ hành nghề", "Bản sao văn bằng chuyên môn", "Giấy chứng nhận đủ sức khỏe"],
        360_000,
        PART,
        true,
        false
    ),
    spec!(
        "1.001024",
        "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        "An toàn thực phẩm",
        HEALTH,
        20.0,
        WD,
        ["Đơn đề nghị cấp Giấy chứng nhận", "Bản thuyết minh về cơ sở vật chất"],
        1_000_000,
        PART,
        true,
        true
    ),
    spec!(
        "1.004616",
        "Cấp giấy phép hoạt động đối với phòng khám chuyên khoa",
        "Khám bệnh, chữa bệnh",
        HEALTH,
        45.0,
        CD,
        ["Đơn đề nghị cấp giấy phép hoạt động", "Danh sách người hành nghề"],
        4_300_000,
        PART,
        true,
        true
    ),
    spec!(
        "1.001193",
        "Đăng ký khai sinh",
        "Hộ tịch",
        WARD_A,
        1.0,
        WD,
        ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"],
        0,
        FULL,
        true,
        false
    ),
    spec!(
        "1.000894",
        "Đăng ký kết hôn",
        "Hộ tịch",
        WARD_A,
        5.0,
        WD,
        ["Tờ khai đăng ký kết hôn", "Giấy xác nhận tình trạng hôn nhân"],
        0,
        FULL,
        true,
        false
    ),
    spec!(
        "1.000656",
        "Đăng ký khai tử",
        "Hộ tịch",
        WARD_A,
        1.0,
        WD,
        ["Tờ khai đăng ký khai tử", "Giấy báo tử"],
        0,
        FULL,
        true,
        false
    ),
    spec!(
        "1.004873",
        "Cấp bản sao trích lục hộ tịch",
        "Hộ tịch",
        WARD_A,
        1.0,
        WD,
        ["Tờ khai cấp bản sao trích lục", "Giấy tờ tùy thân"],
        8_000,
        FULL,
        true,
        false
    ),
    spec!(
        "1.004746",
        "Xác nhận tình trạng hôn nhân",
        "Hộ tịch",
        WARD_A,
        3.0,
        WD,
        ["Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", "Giấy tờ tùy thân"],
        0,
        FULL,
        true,
        false
    ),
    spec!(
        "1.001022",
        "Đăng ký nhận cha, mẹ, con",
        "Hộ tịch",
        WARD_A,
        3.0,
        WD,
        ["Tờ khai đăng ký nhận cha, mẹ, con", "Văn bản chứng minh quan hệ cha, mẹ, con"],
        0,
        PART,
        true,
        false
    ),
    spec!(
        "2.000815",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        "Chứng thực",
        WARD_A,
        4.0,
        WH,
        ["Bản chính giấy tờ", "Bản sao cần chứng thực"],
        2_000,
        PART,
        true,
        true
    ),
    spec!(
        "2.000884",
        "Chứng thực chữ ký trong các giấy tờ, văn bản",
        "Chứng thực",
        WARD_A,
        4.0,
        WH,
        ["Giấy tờ, văn bản cần chứng thực chữ ký", "Giấy tờ tùy thân"],
        10_000,
        PART,
        true,
        false
    ),
    spec!(
        "2.001035",
        "Chứng thực hợp đồng, giao dịch liên quan đến động sản",
        "Chứng thực",
        WARD_A,
        2.0,
        WD,
        ["Dự thảo hợp đồng, giao dịch", "Giấy tờ tùy thân của các bên"],
        50_000,
        PART,
        true,
        true
    ),
    spec!(
        "2.000720",
        "Đăng ký thành lập hộ kinh doanh",
        "Hộ kinh doanh",
        WARD_B,
        3.0,
        WD,
        ["Giấy đề nghị đăng ký hộ kinh doanh", "Bản sao giấy tờ pháp lý của chủ hộ"],
        100_000,
        FULL,
        true,
        false
    ),
    spec!(
        "1.009994",
        "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        "Hoạt động xây dựng",
        WARD_B,
        15.0,
        CD,
        ["Đơn đề nghị cấp giấy phép xây dựng", "Bản sao giấy tờ quyền sử dụng đất", "Bản vẽ thiết kế xây dựng"],
        75_000,
        PART,
        true,
        false
    ),
    spec!(
        "1.001776",
        "Trợ cấp xã hội hàng tháng đối với đối tượng bảo trợ xã hội",
        "Bảo trợ xã hội",
        WARD_B,
        10.0,
        WD,
        ["Tờ khai thông tin của đối tượng", "Bản sao giấy tờ tùy thân"],
        0,
        PART,
        true,
        false
    ),
    spec!(
        "1.001194",
        "Đăng ký khai sinh",
        "Hộ tịch",
        WARD_B,
        1.0,
        WD,
        ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"],
        0,
        FULL,
        true,
        false
    ),
    spec!(
        "2.000816",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        "Chứng thực",
        WARD_B,
        4.0,
        WH,
        ["Bản chính giấy tờ", "Bản sao cần chứng thực"],
        2_000,
        PART,
        true,
        true
    ),
];

pub fn procedures() -> Vec<Procedure> {
    SPECS.iter().map(procedure).collect()
}

fn officer(id: &str, name: &str, agency: &str, roles: &[Role]) -> Officer {
    Officer {
        id: OfficerId::parse(id).expect("seed officer ids are well formed"),
        name: name.into(),
        agency: code(agency),
        roles: roles.to_vec(),
        phone: None,
        email: None,
    }
}

/// `<prefix>.motcua` (reception), `<prefix>.chuyenvien` and `<prefix>.chuyenvien2` (specialists),
/// `<prefix>.lanhdao` (leader) for each agency, and `admin`.
pub fn officers() -> Vec<Officer> {
    let mut all = vec![officer("admin", "Quản trị hệ thống", PROVINCE, &[Role::Admin])];
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
pub async fn seed_if_empty(catalogue: &dyn Catalogue, today: NaiveDate) -> StoreResult<bool> {
    if !catalogue.agencies(None).await?.is_empty() {
        return Ok(false);
    }
    for a in agencies() {
        catalogue.put_agency(&a).await?;
    }
    for p in procedures() {
        catalogue.put_procedure(&p).await?;
    }
    for o in officers() {
        catalogue.put_officer(&o).await?;
    }
    for year in [today.year(), today.year() + 1] {
        catalogue.put_holidays(year, &holidays(year)).await?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_catalogue_is_valid() {
        let procedures = procedures();
        assert!(procedures.len() >= 30);
        for p in &procedures {
            p.validate().unwrap_or_else(|e| panic!("{}: {e}", p.code));
        }
        let mut codes: Vec<_> = procedures.iter().map(|p| &p.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), procedures.len(), "procedure codes are unique");
        assert!(holidays(2026).iter().all(|h| h.date.year() == 2026));
    }
}
