//! How many messages of each channel a typical dossier sends under each choice of channels
//! (`docs/performance.md`, *Notices per channel*; read by `scripts/aws-cost`): the notices the
//! transition table raises along a typical life, each sent as [`ChosenChannels::plan`] plans it
//! for an applicant who gave a phone and an email (fallbacks only on failure, not counted).
//!
//! `cargo run -q -p motcua-domain --example notice_mix` prints `MIX <policy> sms=… email=… zalo=…`.

use motcua_domain::catalogue::ApplicantKind;
use motcua_domain::contact::{Email, PhoneNumber};
use motcua_domain::lifecycle::table::TRANSITIONS;
use motcua_domain::lifecycle::{Action, Applicant};
use motcua_domain::notify::{ChosenChannels, MessageChannel};

/// A typical life, as `scripts/aws-cost` prices it: an online filing, reception, assignment,
/// two hand-overs, approval, return, a rating.
const LIFE: [Action; 8] = [
    Action::Submit,
    Action::Receive,
    Action::Assign,
    Action::Forward,
    Action::Forward,
    Action::Approve,
    Action::Return,
    Action::Rate,
];

fn main() {
    let notices = LIFE.iter().filter(|a| TRANSITIONS.iter().any(|r| r.action == **a && r.notice.is_some())).count();
    let applicant = Applicant {
        kind: ApplicantKind::Citizen,
        name: "An".into(),
        citizen_id: None,
        tax_code: None,
        phone: PhoneNumber::parse("0912345678").ok(),
        email: Email::parse("an@example.vn").ok(),
        address: None,
        delegate_name: None,
    };
    use MessageChannel::{Email as E, Sms as S, Zalo as Z};
    let policies: [(&str, Vec<MessageChannel>); 5] = [
        ("default", vec![]),
        ("email", vec![E]),
        ("sms+email", vec![S, E]),
        ("zalo", vec![Z]),
        ("zalo+email", vec![Z, E]),
    ];
    println!("NOTICES {notices} a typical dossier");
    for (name, channels) in policies {
        let chosen = ChosenChannels::of(channels, &applicant).expect("both contacts given");
        let planned = chosen.plan(true, true);
        let count = |c: MessageChannel| notices * planned.iter().filter(|(p, _)| *p == c).count();
        println!("MIX {name} sms={} email={} zalo={}", count(S), count(E), count(Z));
    }
}
