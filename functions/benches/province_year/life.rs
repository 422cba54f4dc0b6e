//! One dossier's life: planned at filing (what will happen, and when), then replayed through the
//! real router step by step as the replay's time passes, so that at any moment the dossiers
//! filed in the last days are still in the queues. A life files online or at the desk, is
//! received (or refused, or asked for a supplement first), assigned, goes through each workflow
//! step and its hand-over, is approved (on time, or late for a share), returned and sometimes
//! rated; withdrawals, stops and supplement requests during processing come at realistic rates.

use std::collections::VecDeque;

use chrono::{DateTime, Duration, Utc};
use motcua_domain::catalogue::{ApplicantKind, Channel, OnlineLevel, Procedure, Role};
use rand::rngs::StdRng;
use rand::Rng;
use serde_json::{json, Value};

use crate::catalogue::Province;

/// Who sends a step's request.
#[derive(Debug, Clone)]
pub enum Who {
    Officer(String),
    /// The applicant, with the lookup secret the filing returned.
    Applicant,
    Public,
}

/// When a step happens: after the filing, or at a share of the time between reception and the
/// due date (known only once received) plus a delay.
#[derive(Debug, Clone, Copy)]
pub enum When {
    Filed(Duration),
    Received(f64, Duration),
}

#[derive(Debug, Clone)]
pub struct Step {
    pub when: When,
    /// `file-online`, `file-counter` or the action's path segment.
    pub action: &'static str,
    pub who: Who,
    pub body: Value,
}

/// What became of a dossier, for the mix printed at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fate {
    Refused,
    Withdrawn,
    Stopped,
    Returned,
}

pub struct Life {
    pub filed: DateTime<Utc>,
    pub channel: Channel,
    pub fate: Fate,
    pub supplemented: bool,
    pub steps: VecDeque<Step>,
    pub code: Option<String>,
    pub secret: Option<String>,
    /// Reception and due date, once received.
    pub clock: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

impl Life {
    /// When the next step happens, if it can be known yet.
    pub fn next_at(&self) -> Option<DateTime<Utc>> {
        let step = self.steps.front()?;
        Some(match step.when {
            When::Filed(after) => self.filed + after,
            When::Received(share, after) => {
                let (received, due) = self.clock?;
                received + Duration::seconds(((due - received).num_seconds() as f64 * share) as i64) + after
            }
        })
    }
}

fn hours(rng: &mut StdRng, from: f64, to: f64) -> Duration {
    Duration::seconds((rng.gen_range(from..to) * 3600.0) as i64)
}

fn step(when: When, action: &'static str, who: Who, body: Value) -> Step {
    Step { when, action, who, body }
}

/// Plans the life of a dossier of `p` filed at `filed`.
pub fn plan(rng: &mut StdRng, province: &Province, p: &Procedure, filed: DateTime<Utc>) -> Life {
    let home = province.staff(&p.agency);
    let officer = |id: &motcua_domain::catalogue::OfficerId| Who::Officer(id.as_str().to_owned());
    let online = p.online_level != OnlineLevel::Information && rng.gen_bool(0.5);
    let channel = match (online, rng.gen_bool(0.1)) {
        (true, _) => Channel::Online,
        (false, true) => Channel::Postal,
        (false, false) => Channel::Direct,
    };
    let missing = json!({"reason": "Thiếu giấy tờ", "missing": [p.components[0].name]});
    let supplement = json!({"documents": [{"component": p.components[0].name, "file_name": "bo-sung.pdf"}]});
    let mut life = Life {
        filed,
        channel,
        fate: Fate::Returned,
        supplemented: false,
        steps: VecDeque::new(),
        code: None,
        secret: None,
        clock: None,
    };
    let steps = &mut life.steps;
    if online {
        steps.push_back(step(When::Filed(Duration::zero()), "file-online", Who::Public, filing(rng, p, channel)));
        let mut after = hours(rng, 1.0, 20.0);
        let roll: f64 = rng.gen();
        if roll < 0.02 {
            let reason = json!({"reason": "Không thuộc thẩm quyền"});
            steps.push_back(step(When::Filed(after), "refuse", officer(&home.desk), reason));
            life.fate = Fate::Refused;
            return life;
        }
        if roll < 0.06 {
            steps.push_back(step(When::Filed(after), "request-supplement", officer(&home.desk), missing.clone()));
            after += hours(rng, 20.0, 120.0);
            steps.push_back(step(When::Filed(after), "supplement", Who::Applicant, supplement.clone()));
            after += hours(rng, 0.5, 4.0);
            steps.push_back(step(When::Filed(after), "accept-supplement", officer(&home.desk), json!({})));
            after += hours(rng, 1.0, 8.0);
            life.supplemented = true;
        }
        steps.push_back(step(When::Filed(after), "receive", officer(&home.desk), json!({})));
    } else {
        steps.push_back(step(
            When::Filed(Duration::zero()),
            "file-counter",
            officer(&home.desk),
            filing(rng, p, channel),
        ));
    }
    // The work after reception is spread over a share of the time to the due date.
    let finish = if rng.gen_bool(0.04) { rng.gen_range(1.05..1.6) } else { rng.gen_range(0.3..0.95) };
    let slices = p.workflow.len() as f64 + 1.0;
    let at = |k: f64| When::Received(finish * k / slices, Duration::zero());
    if rng.gen_bool(0.01) {
        let reason = json!({"reason": "Không còn nhu cầu"});
        steps.push_back(step(at(0.5), "withdraw", Who::Applicant, reason));
        life.fate = Fate::Withdrawn;
        return life;
    }
    steps.push_back(step(at(0.2), "assign", officer(&home.leader), json!({"assignee": home.specialist.as_str()})));
    let mut holder = home.specialist.clone();
    if !life.supplemented && rng.gen_bool(0.04) {
        steps.push_back(step(at(0.5), "request-supplement", officer(&holder), missing));
        // The clock stops while the applicant is away; the replay measures what follows from
        // the supplement and its new due date.
        let away = hours(rng, 20.0, 120.0);
        steps.push_back(step(When::Received(finish * 0.5 / slices, away), "supplement", Who::Applicant, supplement));
        let checked = away + hours(rng, 0.5, 4.0);
        steps.push_back(step(
            When::Received(finish * 0.5 / slices, checked),
            "accept-supplement",
            officer(&holder),
            json!({}),
        ));
        life.supplemented = true;
    }
    for (k, next) in p.workflow.iter().enumerate().skip(1) {
        let staff = province.staff(next.agency.as_ref().unwrap_or(&p.agency));
        let assignee = if next.role == Role::Leader { &staff.leader } else { &staff.specialist };
        let body = json!({"assignee": assignee.as_str()});
        steps.push_back(step(at(k as f64), "forward", officer(&holder), body));
        holder = assignee.clone();
    }
    if rng.gen_bool(0.005) {
        steps.push_back(step(at(slices), "stop", officer(&home.leader), json!({"reason": "Dừng theo quyết định"})));
        life.fate = Fate::Stopped;
        return life;
    }
    let returned = hours(rng, 2.0, 72.0);
    let method = match rng.gen_range(0..10) {
        0..=6 => json!({"method": "counter"}),
        7 | 8 => json!({"method": "postal", "waybill": format!("EB{:09}VN", rng.gen_range(0..1_000_000_000u32))}),
        _ => json!({"method": "online"}),
    };
    // A result returned online is an electronic result: the leader issues it with its file,
    // which the replay uploads first (`replay::UPLOAD_HERE`).
    let approval = if method["method"] == "online" {
        json!({"results": [{"name": "Kết quả giải quyết", "number": "1", "issued_on": "2026-01-01",
                            "signer": "Lãnh đạo", "issuer": "Cơ quan giải quyết", "upload": crate::replay::UPLOAD_HERE}]})
    } else {
        json!({})
    };
    steps.push_back(step(at(slices), "approve", officer(&holder), approval));
    steps.push_back(step(When::Received(finish, returned), "return", officer(&home.desk), method));
    if rng.gen_bool(0.3) {
        let rating = json!({"desk_handling": 2, "disclosure": 2, "attitude": 2, "complaints": 1, "online_service": 2, "ease_of_use": "easy", "verdict": "satisfied"});
        steps.push_back(step(
            When::Received(finish, returned + hours(rng, 1.0, 48.0)),
            "rating",
            Who::Applicant,
            rating,
        ));
    }
    life
}

/// Family names by their share of the population (about), middle names, given names.
const FAMILY: [(&str, u32); 10] = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 10),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Huỳnh", 5),
    ("Phan", 5),
    ("Vũ", 4),
    ("Võ", 4),
    ("Đặng", 11),
];
const MIDDLE: [&str; 8] = ["Văn", "Thị", "Hữu", "Đức", "Ngọc", "Thanh", "Minh", "Quốc"];
const GIVEN: [&str; 40] = [
    "An", "Anh", "Bình", "Chi", "Cường", "Dũng", "Duy", "Giang", "Hà", "Hải", "Hằng", "Hiếu", "Hoa", "Hùng", "Hương",
    "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Ngân", "Nhung", "Phong", "Phúc", "Phương", "Quân", "Quang",
    "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Trung", "Tuấn", "Tùng", "Uyên", "Việt", "Yến",
];

/// A Vietnamese name: a family name as common as in life, a middle and a given name.
fn person(rng: &mut StdRng) -> String {
    let mut pick = rng.gen_range(0..FAMILY.iter().map(|(_, w)| w).sum::<u32>());
    let family = FAMILY
        .iter()
        .find(|(_, w)| {
            pick < *w || {
                pick -= w;
                false
            }
        })
        .map_or("Nguyễn", |(n, _)| n);
    format!("{family} {} {}", MIDDLE[rng.gen_range(0..MIDDLE.len())], GIVEN[rng.gen_range(0..GIVEN.len())])
}

/// A complete filing for `p`: an applicant of its kind, every required component.
fn filing(rng: &mut StdRng, p: &Procedure, channel: Channel) -> Value {
    let phone = format!("09{:08}", rng.gen_range(0..100_000_000u32));
    let applicant = match p.applicant_kinds.first() {
        Some(ApplicantKind::Organisation) => json!({
            "kind": "organisation", "name": format!("Công ty TNHH {} {}", GIVEN[rng.gen_range(0..GIVEN.len())], rng.gen_range(1..1000)), "phone": phone,
            "tax_code": format!("{:010}", rng.gen_range(100_000_000..4_000_000_000u64)),
        }),
        _ => json!({
            "kind": "citizen", "name": person(rng), "phone": phone, "email": "mau@example.vn",
            "citizen_id": format!("0792{:08}", rng.gen_range(0..100_000_000u32)),
        }),
    };
    let documents: Vec<Value> = p
        .components
        .iter()
        .filter(|c| c.required)
        .map(|c| json!({"component": c.name, "file_name": "tai-lieu.pdf"}))
        .collect();
    let mut body = json!({"procedure_code": p.code, "applicant": applicant, "documents": documents});
    if channel != Channel::Online {
        body["channel"] = serde_json::to_value(channel).unwrap();
    }
    body
}
