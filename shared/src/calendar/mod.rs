//! The working-time calendar (DOMAIN.md "Deadlines"): when the clock starts, how durations in
//! working days, calendar days and working hours are added, how a supplement pauses the clock,
//! and how a finish is classified early / on time / late. All times here are Vietnam wall-clock
//! time (UTC+7, no daylight saving); [`vietnam`] converts.

mod hours;
mod time;
pub mod vietnam;

pub use hours::{InvalidWorkingHours, Session, WorkingHours};
pub use time::{DurationUnit, InvalidProcessingTime, ProcessingTime, Remaining, Timeliness};

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// Working hours plus the non-working dates of an agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    hours: WorkingHours,
    holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    pub fn new(
        hours: WorkingHours,
        holidays: impl IntoIterator<Item = NaiveDate>,
    ) -> Result<Self, InvalidWorkingHours> {
        hours.validate()?;
        Ok(Self { hours, holidays: holidays.into_iter().collect() })
    }

    pub fn hours(&self) -> &WorkingHours {
        &self.hours
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.hours.works_on(date.weekday()) && !self.holidays.contains(&date)
    }

    /// The first working day strictly after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> NaiveDate {
        let mut d = date;
        loop {
            d = d.succ_opt().unwrap_or(d);
            if self.is_working_day(d) {
                return d;
            }
        }
    }

    fn opening_of(&self, date: NaiveDate) -> NaiveDateTime {
        date.and_time(self.hours.opening())
    }

    /// The first working instant at or after `at`: before opening → opening; in a break → the
    /// next session; after closing or on a non-working day → opening of the next working day.
    pub fn clock_start(&self, at: NaiveDateTime) -> NaiveDateTime {
        if self.is_working_day(at.date()) {
            let time = at.time();
            for s in &self.hours.sessions {
                if time < s.start {
                    return at.date().and_time(s.start);
                }
                if time < s.end {
                    return at;
                }
            }
        }
        self.opening_of(self.next_working_day(at.date()))
    }

    /// When the clock starts for a dossier received at `at`, honouring a same-day cut-off: a
    /// dossier received after the cut-off counts as received the next working morning.
    pub fn reception_start(&self, at: NaiveDateTime, cutoff: Option<NaiveTime>) -> NaiveDateTime {
        match cutoff {
            Some(c) if self.is_working_day(at.date()) && at.time() > c => {
                self.opening_of(self.next_working_day(at.date()))
            }
            _ => self.clock_start(at),
        }
    }

    /// Adds `minutes` of working time from `start`; leftover time skips breaks and rolls into
    /// the next working day. A result that ends a session stays at that session's end.
    pub fn add_working_minutes(&self, start: NaiveDateTime, minutes: i64) -> NaiveDateTime {
        let mut at = self.clock_start(start);
        let mut left = minutes.max(0);
        if left == 0 {
            return at;
        }
        loop {
            let time = at.time();
            let Some(session) = self.hours.sessions.iter().find(|s| time >= s.start && time < s.end) else {
                at = self.clock_start(at);
                continue;
            };
            let available = (session.end - time).num_minutes();
            if left <= available {
                return at + chrono::Duration::minutes(left);
            }
            left -= available;
            at = self.clock_start(at.date().and_time(session.end));
        }
    }

    /// Working minutes in `[from, to)`.
    pub fn working_minutes_between(&self, from: NaiveDateTime, to: NaiveDateTime) -> i64 {
        if to <= from {
            return 0;
        }
        let mut total = 0;
        let mut day = from.date();
        while day <= to.date() {
            if self.is_working_day(day) {
                for s in &self.hours.sessions {
                    let start = day.and_time(s.start).max(from);
                    let end = day.and_time(s.end).min(to);
                    if end > start {
                        total += (end - start).num_minutes();
                    }
                }
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        total
    }

    /// Adds whole calendar days; a due date on a non-working day moves to the next working
    /// day. The due instant is the closing time of that date.
    pub fn add_calendar_days(&self, start: NaiveDateTime, days: u32) -> NaiveDateTime {
        let mut date = start.date().checked_add_days(Days::new(days.into())).unwrap_or(start.date());
        if !self.is_working_day(date) {
            date = self.next_working_day(date);
        }
        date.and_time(self.hours.closing())
    }

    /// The due instant for a processing time counted from `start` (already a clock start).
    pub fn due(&self, start: NaiveDateTime, time: ProcessingTime) -> NaiveDateTime {
        match time.unit {
            DurationUnit::CalendarDays => self.add_calendar_days(start, time.whole_days()),
            DurationUnit::WorkingDays | DurationUnit::WorkingHours => {
                self.add_working_minutes(start, time.working_minutes(self.hours.day_minutes()))
            }
        }
    }

    /// The clock of a dossier received at `at` (Vietnam time) under a procedure's `time` and
    /// same-day `cutoff`: when it starts and when it is due. Reception, a recomputed clock
    /// after a supplement and the public due-date question all use this one rule.
    pub fn run(
        &self,
        at: NaiveDateTime,
        time: ProcessingTime,
        cutoff: Option<NaiveTime>,
    ) -> (NaiveDateTime, NaiveDateTime) {
        let start = self.reception_start(at, cutoff);
        (start, self.due(start, time))
    }

    /// Ngày hẹn trả: the appointment of a dossier received at `received_at` (UTC) ([`Self::run`]).
    pub fn appointment(
        &self,
        received_at: DateTime<Utc>,
        time: ProcessingTime,
        cutoff: Option<NaiveTime>,
    ) -> DateTime<Utc> {
        vietnam::from_local(self.run(vietnam::to_local(received_at), time, cutoff).1)
    }

    /// A due instant an officer chose, moved onto working time: a date that is not a working
    /// day moves to the closing time of the next working day; a time after closing, to closing.
    pub fn on_working_time(&self, at: NaiveDateTime) -> NaiveDateTime {
        if !self.is_working_day(at.date()) {
            return self.next_working_day(at.date()).and_time(self.hours.closing());
        }
        at.min(at.date().and_time(self.hours.closing()))
    }

    /// What is left of a running clock paused at `paused` with `due` outstanding.
    pub fn remaining(&self, paused: NaiveDateTime, due: NaiveDateTime, unit: DurationUnit) -> Remaining {
        match unit {
            DurationUnit::CalendarDays => Remaining::CalendarDays((due.date() - paused.date()).num_days().max(0)),
            _ => Remaining::WorkingMinutes(self.working_minutes_between(self.clock_start(paused), due)),
        }
    }

    /// The due instant when a paused clock resumes at `resume_at` with `remaining` left.
    pub fn resume(&self, resume_at: NaiveDateTime, remaining: Remaining) -> NaiveDateTime {
        let start = self.clock_start(resume_at);
        match remaining {
            Remaining::WorkingMinutes(m) => self.add_working_minutes(start, m),
            Remaining::CalendarDays(d) => self.add_calendar_days(start, u32::try_from(d).unwrap_or(u32::MAX)),
        }
    }
}

#[cfg(test)]
mod tests;
