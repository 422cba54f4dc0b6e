//! A province's catalogue at full size: the seed's 8 agencies and its procedures, plus 150
//! district and commune units (15 districts of 10), each with a desk officer, two specialists
//! and a leader, and procedures cloned from the seed's as templates until there are 1,600. One
//! generated procedure in ten has an inter-agency step at another unit.

use std::collections::HashMap;

use motcua_domain::calendar::WorkingHours;
use motcua_domain::catalogue::{Agency, AgencyLevel, Officer, OfficerId, Procedure, Role};
use motcua_domain::codes::AgencyCode;
use motcua_domain::ports::Catalogue;
use motcua_functions::seed;

pub const PROCEDURES: usize = 1_600;
const DISTRICTS: u32 = 15;
const UNITS_PER_DISTRICT: u32 = 10;

/// Who works where: the officers the replay acts as.
pub struct Staff {
    pub desk: OfficerId,
    pub specialist: OfficerId,
    pub leader: OfficerId,
}

pub struct Province {
    pub agencies: Vec<Agency>,
    pub procedures: Vec<Procedure>,
    pub staff: HashMap<AgencyCode, Staff>,
}

impl Province {
    /// The staff of `agency` (every agency of the province has one of each role).
    pub fn staff(&self, agency: &AgencyCode) -> &Staff {
        &self.staff[agency]
    }
}

fn unit(district: u32, unit: u32) -> Agency {
    Agency {
        code: AgencyCode::parse(&format!("000.{district:02}.{unit:02}.H56")).expect("well formed"),
        name: format!("Ủy ban nhân dân xã {district}-{unit} (sinh ra cho đo hiệu năng)"),
        parent: Some(AgencyCode::parse(seed::PROVINCE).expect("well formed")),
        level: AgencyLevel::Commune,
        address: format!("Bộ phận Một cửa xã {district}-{unit}"),
        working_hours: WorkingHours::default(),
        external: false,
    }
}

fn officer(id: String, agency: &AgencyCode, role: Role) -> Officer {
    Officer {
        id: OfficerId::parse(&id).expect("well formed"),
        name: format!("Cán bộ {id}"),
        agency: agency.clone(),
        roles: vec![role],
        phone: None,
        email: None,
        arrivals: Default::default(),
    }
}

/// Writes the generated part of the catalogue (the seed is there already) and returns all of it.
pub async fn build(catalogue: &dyn Catalogue) -> Province {
    let mut agencies = seed::agencies();
    let mut staff = HashMap::new();
    for o in seed::officers() {
        let roles = &o.roles;
        let entry = staff.entry(o.agency.clone()).or_insert_with(|| Staff {
            desk: o.id.clone(),
            specialist: o.id.clone(),
            leader: o.id.clone(),
        });
        if roles.contains(&Role::Reception) {
            entry.desk = o.id.clone();
        } else if roles.contains(&Role::Leader) {
            entry.leader = o.id.clone();
        } else if roles.contains(&Role::Specialist) && o.id.as_str().ends_with(".chuyenvien") {
            entry.specialist = o.id.clone();
        }
    }
    let mut units = Vec::new();
    for d in 0..DISTRICTS {
        for u in 0..UNITS_PER_DISTRICT {
            let a = unit(10 + d, 40 + u);
            catalogue.put_agency(&a).await.unwrap();
            let prefix = format!("u{}{}", 10 + d, 40 + u);
            let people = [
                officer(format!("{prefix}.motcua"), &a.code, Role::Reception),
                officer(format!("{prefix}.chuyenvien"), &a.code, Role::Specialist),
                officer(format!("{prefix}.lanhdao"), &a.code, Role::Leader),
            ];
            for o in &people {
                catalogue.put_officer(o).await.unwrap();
            }
            let [desk, specialist, leader] = people.map(|o| o.id);
            staff.insert(a.code.clone(), Staff { desk, specialist, leader });
            units.push(a);
        }
    }
    let templates = seed::procedures().unwrap();
    let mut procedures = templates.clone();
    for i in 0..PROCEDURES - templates.len() {
        let mut p = templates[i % templates.len()].clone();
        let home = &units[i % units.len()];
        p.code = format!("9.{i:06}");
        p.agency = home.code.clone();
        let other = &units[(i * 7 + 3) % units.len()];
        let inter = i % 10 == 0 && other.code != home.code;
        // Keep the template's steps; an inter-agency step goes to another unit, or disappears.
        p.workflow = p
            .workflow
            .into_iter()
            .filter(|s| s.agency.is_none() || inter)
            .map(|mut s| {
                s.agency = s.agency.map(|_| other.code.clone());
                s
            })
            .collect();
        let total: u32 = p.workflow.iter().map(|s| s.share_percent).sum();
        if let Some(last) = p.workflow.last_mut() {
            last.share_percent += 100 - total;
        }
        catalogue.put_procedure(&p).await.unwrap();
        procedures.push(p);
    }
    agencies.extend(units);
    Province { agencies, procedures, staff }
}
