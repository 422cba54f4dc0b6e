//! What one transition adds to the report counters: a pure function of the dossier before and
//! after, so both homes count the same (SQLite in the transition's own transaction, DynamoDB from
//! the history item's copy on the table's stream). docs/reports.md "Counters".
//!
//! Flows count on the day they happen (received on the reception date, resolved on the finish
//! date, Vietnam time). The dossiers in hand at the end of a day are kept as a difference array:
//! a dossier in hand with statutory due date `d` is within its deadline up to `d` and overdue
//! from `d + 1`; one waiting for a supplement is within its deadline for as long as it waits.
//! Each transition takes back the old dossier's course from its day on and adds the new one's,
//! so the sum of [`Measure::WithinDelta`] over every day up to D is the number within deadline at
//! the end of D, whatever happened after D.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{Counts, Measure};
use crate::calendar::vietnam;
use crate::catalogue::{Channel, OfficerId, OnlineLevel};
use crate::codes::AgencyCode;
use crate::lifecycle::{Against, Dossier, Standing, Status, Verdict};

/// Where a count belongs: a day (Vietnam date), the dossier's agency (or, for an officer's
/// counts, the officer's), its procedure and, for the officers' reports, the officer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TallyKey {
    pub day: NaiveDate,
    pub agency: AgencyCode,
    pub procedure: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub officer: Option<OfficerId>,
}

/// Counts to add under one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    #[serde(flatten)]
    pub key: TallyKey,
    pub counts: Counts,
}

fn date(at: DateTime<Utc>) -> NaiveDate {
    vietnam::to_local(at).date()
}

/// A dossier's course in the in-hand counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Course {
    /// Not received, or finished.
    Outside,
    /// Waiting for a supplement: within deadline while it waits.
    Paused,
    /// In hand, due on this date.
    Due(NaiveDate),
}

fn course(d: &Dossier) -> Course {
    if d.received_at.is_none() || !d.status.is_in_hand() {
        return Course::Outside;
    }
    match d.statutory_due_at() {
        Some(due) if d.status != Status::AwaitingSupplement => Course::Due(date(due)),
        _ => Course::Paused,
    }
}

/// Collects counts by key.
#[derive(Default)]
struct Tallies(Vec<Tally>);

impl Tallies {
    fn add(&mut self, key: &TallyKey, m: Measure, n: i64) {
        if n == 0 {
            return;
        }
        match self.0.iter_mut().find(|t| &t.key == key) {
            Some(t) => t.counts.add(m, n),
            None => self.0.push(Tally { key: key.clone(), counts: [(m, n)].into_iter().collect() }),
        }
    }

    /// Adds `sign` times `course` from `day` on.
    fn course(&mut self, key: &TallyKey, c: Course, day: NaiveDate, sign: i64) {
        let on = |d: NaiveDate| TallyKey { day: d, ..key.clone() };
        match c {
            Course::Outside => {}
            Course::Paused => self.add(&on(day), Measure::WithinDelta, sign),
            Course::Due(due) if day <= due => {
                let after = due.checked_add_days(Days::new(1)).unwrap_or(due);
                self.add(&on(day), Measure::WithinDelta, sign);
                self.add(&on(after), Measure::WithinDelta, -sign);
                self.add(&on(after), Measure::OverdueDelta, sign);
            }
            Course::Due(_) => self.add(&on(day), Measure::OverdueDelta, sign),
        }
    }
}

/// The counts a transition at `at` adds, from `before` (none for a new dossier) to `after`.
pub fn tally(before: Option<&Dossier>, after: &Dossier, at: DateTime<Utc>) -> Vec<Tally> {
    let mut out = Tallies::default();
    let key = |day: NaiveDate| TallyKey {
        day,
        agency: after.agency_code.clone(),
        procedure: after.procedure_code.clone(),
        officer: None,
    };
    let today = date(at);
    out.course(&key(today), before.map_or(Course::Outside, course), today, -1);
    out.course(&key(today), course(after), today, 1);

    if let (Some(received), None) = (after.received_at, before.and_then(|b| b.received_at)) {
        received_counts(&mut out, &key(date(received)), after);
    }
    let was_finished = before.is_some_and(|b| b.status.is_finished());
    if let (Some(finished), false, Some(_)) = (after.finished_at, was_finished, after.received_at) {
        if after.status.is_finished() {
            let k = key(date(finished));
            let m = match after.standing(finished, Against::Statutory) {
                Some(Standing::Early) => Some(Measure::ResolvedEarly),
                Some(Standing::OnTime) => Some(Measure::ResolvedOnTime),
                Some(Standing::Late) => Some(Measure::ResolvedLate),
                _ => None,
            };
            if let Some(m) = m {
                out.add(&k, m, 1);
            }
            if after.status == Status::Resolved && !after.results.is_empty() {
                out.add(&k, Measure::ResultsElectronic, 1);
            }
        }
    }
    let paid_before = before.map_or(0, |b| b.payments.len());
    for payment in after.payments.iter().skip(paid_before) {
        let k = key(date(payment.paid_at));
        out.add(&k, Measure::FeesPaid, 1);
        if payment.channel == crate::lifecycle::PaymentChannel::Online {
            out.add(&k, Measure::FeesPaidOnline, 1);
        }
    }
    // A step given to another agency (a new step, by the time it was given).
    let given = |d: &Dossier| d.step.as_ref().map(|s| (s.index, s.given_at));
    if let Some(step) = after.step.as_ref().filter(|_| before.is_none_or(|b| given(b) != given(after))) {
        if after.step_agency(step.index) != &after.agency_code {
            out.add(&key(today), Measure::HandOvers, 1);
        }
    }
    let sent_before = before.map_or(0, |b| b.exchanges.len());
    out.add(&key(today), Measure::HandOversAxis, after.exchanges.len().saturating_sub(sent_before) as i64);
    let done_before = before.map_or(0, |b| b.finished_steps.len());
    for step in after.finished_steps.iter().skip(done_before) {
        let m = match step.timeliness {
            crate::calendar::Timeliness::Early => Measure::StepsEarly,
            crate::calendar::Timeliness::OnTime => Measure::StepsOnTime,
            crate::calendar::Timeliness::Late => Measure::StepsLate,
        };
        let agency_key = TallyKey { agency: step.agency.clone(), ..key(today) };
        let keys = [
            Some(agency_key.clone()),
            step.by.as_ref().map(|o| TallyKey { officer: Some(o.id.clone()), ..agency_key }),
        ];
        for k in keys.iter().flatten() {
            out.add(k, m, 1);
            out.add(k, Measure::StepMinutes, step.minutes.unwrap_or(0));
        }
    }
    if let (Some(rating), false) = (&after.rating, before.is_some_and(|b| b.rating.is_some())) {
        let k = key(rating.rated_at.map_or(today, date));
        let mut keys = vec![k.clone()];
        for o in after.finished_steps.iter().filter_map(|s| s.by.as_ref()) {
            let officer = TallyKey { agency: o.agency.clone(), officer: Some(o.id.clone()), ..k.clone() };
            if !keys.contains(&officer) {
                keys.push(officer);
            }
        }
        let verdict = match rating.verdict {
            Verdict::VerySatisfied => Measure::VerySatisfied,
            Verdict::Satisfied => Measure::Satisfied,
            Verdict::Unsatisfied => Measure::Unsatisfied,
        };
        for k in &keys {
            out.add(k, Measure::Ratings, 1);
            out.add(k, verdict, 1);
            for (m, &score) in Measure::SCORES.iter().zip(&rating.indicators) {
                out.add(k, *m, i64::from(score));
            }
        }
    }
    out.0.retain(|t| !t.counts.is_zero());
    out.0
}

/// What a reception adds on its day: the channel, the procedure's online level, the documents.
fn received_counts(out: &mut Tallies, k: &TallyKey, d: &Dossier) {
    out.add(
        k,
        match d.channel {
            Channel::Online => Measure::ReceivedOnline,
            Channel::Direct => Measure::ReceivedDirect,
            Channel::Postal => Measure::ReceivedPostal,
        },
        1,
    );
    let online = d.channel == Channel::Online;
    match d.terms.online_level {
        Some(OnlineLevel::Full) => {
            out.add(k, Measure::ReceivedFullEligible, 1);
            out.add(k, Measure::ReceivedOnlineFull, i64::from(online));
        }
        Some(OnlineLevel::Partial) => out.add(k, Measure::ReceivedOnlinePartial, i64::from(online)),
        _ => {}
    }
    let count =
        |f: &dyn Fn(&crate::lifecycle::SubmittedDocument) -> bool| d.documents.iter().filter(|x| f(x)).count() as i64;
    out.add(k, Measure::Components, d.documents.len() as i64);
    out.add(k, Measure::ComponentsDigitised, count(&|x| x.file.is_some() || x.reused.is_some()));
    out.add(k, Measure::ComponentsReused, count(&|x| x.reused.is_some()));
}
