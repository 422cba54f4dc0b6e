//! The morning's deadline warnings (docs/warnings.md): for each agency whose working day has
//! begun, the open dossiers due within one working day or overdue, and each officer's digest of
//! them posted to the outbox ([`motcua_domain::warnings::digest`]), which the courier sends as
//! it sends every notice. It runs beside the server on one machine and on `notify`'s schedule
//! on AWS (`DeadlineWarner::run_once`, repeated by its caller); any number of runs a day post each officer's digest once (the outbox keeps a
//! message's first posting), and a day's mark per agency (a [`Limits`] use) spares later runs
//! the reading.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use motcua_domain::calendar::Calendar;
use motcua_domain::catalogue::{Agency, Holiday, Officer};
use motcua_domain::lifecycle::Dossier;
use motcua_domain::limits::vietnam_day_start;
use motcua_domain::ports::{CatalogueReader, Clock, DossierStore, LimitUse, Limits, Outbox, QueueQuery, StoreResult};
use motcua_domain::warnings::digest::{digests, Flagged};
use motcua_domain::warnings::{dossier_time_left, horizon, warning_day, TimeLeft};

/// Agencies and officers are read this many at a time.
const PAGE: usize = 200;
/// At most this many dossiers of one agency are read for its warnings (a digest lists 200).
const MOST_DOSSIERS: usize = 5_000;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Warned {
    /// Agencies whose warnings this run read (their working day had begun, not yet warned today).
    pub agencies: usize,
    /// Dossiers due soon or overdue in them.
    pub dossiers: usize,
    /// Digests newly posted.
    pub posted: usize,
    /// Officers who hold flagged dossiers but have neither email nor phone.
    pub unreachable: usize,
    /// Agencies whose warnings failed this run (tried again on the next).
    pub failed: usize,
}

impl Warned {
    /// Logs a run that read any agency or failed on one (counts only: no personal data).
    pub fn log(&self) {
        if self.agencies > 0 || self.failed > 0 {
            tracing::info!(
                agencies = self.agencies,
                dossiers = self.dossiers,
                posted = self.posted,
                unreachable = self.unreachable,
                failed = self.failed,
                "deadline warnings"
            );
        }
    }
}

impl std::ops::AddAssign for Warned {
    fn add_assign(&mut self, o: Self) {
        self.agencies += o.agencies;
        self.dossiers += o.dossiers;
        self.posted += o.posted;
        self.unreachable += o.unreachable;
        self.failed += o.failed;
    }
}

/// Reads the catalogue and the queues, posts the digests.
#[derive(Clone)]
pub struct DeadlineWarner {
    pub catalogue: Arc<dyn CatalogueReader>,
    pub dossiers: Arc<dyn DossierStore>,
    pub outbox: Arc<dyn Outbox>,
    pub limits: Arc<dyn Limits>,
    pub clock: Arc<dyn Clock>,
}

impl DeadlineWarner {
    /// One pass over every agency. A store failure on one agency is logged and leaves it for the
    /// next run; the others go on.
    pub async fn run_once(&self) -> StoreResult<Warned> {
        let now = self.clock.now();
        let holidays = self.catalogue.holidays().await?;
        let mut total = Warned::default();
        let mut after: Option<String> = None;
        loop {
            let agencies = self.catalogue.agencies(None, after.as_deref(), PAGE).await?;
            for agency in &agencies {
                match self.warn(agency, &holidays, now).await {
                    Ok(w) => total += w,
                    Err(e) => {
                        tracing::warn!(agency = %agency.code, error = %e, "deadline warnings failed; next run tries again");
                        total.failed += 1;
                    }
                }
            }
            if agencies.len() < PAGE {
                return Ok(total);
            }
            after = agencies.last().map(|a| a.code.to_string());
        }
    }

    async fn warn(&self, agency: &Agency, holidays: &[Holiday], now: DateTime<Utc>) -> StoreResult<Warned> {
        let Ok(calendar) = Calendar::new(agency.working_hours.clone(), holidays.iter().map(|h| h.date)) else {
            tracing::error!(agency = %agency.code, "agency working hours are invalid; no deadline warnings");
            return Ok(Warned::default());
        };
        let Some(day) = warning_day(&calendar, now) else { return Ok(Warned::default()) };
        let mark = LimitUse {
            key: format!("warnings:{}", agency.code),
            window_start: vietnam_day_start(now),
            window: chrono::Duration::days(1),
            max: 1,
        };
        if self.limits.used(&mark.key, mark.window_start).await? > 0 {
            return Ok(Warned::default());
        }
        let due = self.due_by(agency, horizon(&calendar, now)).await?;
        let flagged: Vec<Flagged<'_>> = due
            .iter()
            .filter_map(|d| {
                let left = dossier_time_left(&calendar, d, now).filter(TimeLeft::warns)?;
                Some(Flagged { dossier: d, left })
            })
            .collect();
        let mut warned = Warned { agencies: 1, dossiers: flagged.len(), ..Warned::default() };
        if !flagged.is_empty() {
            let out = digests(day, agency, &self.officers(agency).await?, &flagged, now);
            warned.posted = self.outbox.post(&out.messages).await?;
            warned.unreachable = out.unreachable.len();
            if !out.unreachable.is_empty() {
                let officers: Vec<&str> = out.unreachable.iter().map(|o| o.as_str()).collect();
                tracing::warn!(agency = %agency.code, ?officers, "officers with dossiers due have no email or phone");
            }
        }
        // Marked only once posted: a run that fails before this is done again by the next.
        self.limits.take(&mark).await?;
        Ok(warned)
    }

    /// The agency's open dossiers due before `before`, soonest first.
    async fn due_by(&self, agency: &Agency, before: DateTime<Utc>) -> StoreResult<Vec<Dossier>> {
        let mut out: Vec<Dossier> = Vec::new();
        loop {
            let query = QueueQuery {
                agency: Some(agency.code.clone()),
                due_before: Some(before),
                after: out.last().map(|d| (d.due_at, d.code.to_string())),
                limit: PAGE,
                ..QueueQuery::default()
            };
            let page = self.dossiers.queue(query).await?;
            let done = page.len() < PAGE || out.len() + page.len() >= MOST_DOSSIERS;
            out.extend(page);
            if done {
                return Ok(out);
            }
        }
    }

    async fn officers(&self, agency: &Agency) -> StoreResult<Vec<Officer>> {
        let mut out: Vec<Officer> = Vec::new();
        loop {
            let after = out.last().map(|o| o.id.as_str().to_owned());
            let page = self.catalogue.officers(Some(&agency.code), after.as_deref(), PAGE).await?;
            let done = page.len() < PAGE;
            out.extend(page);
            if done {
                return Ok(out);
            }
        }
    }
}
