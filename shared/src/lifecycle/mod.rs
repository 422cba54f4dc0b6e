//! The life of a dossier: statuses, actions, the one transition table and what it decides.

pub mod chain;
mod consultation;
mod decide;
mod dossier;
mod error;
mod event;
mod fees;
mod payment;
mod rating;
mod standing;
mod status;
pub mod surface;
pub mod table;
mod tracking;

pub use crate::notify::NoticeKind;
pub use consultation::{Consultation, MAX_OPEN_CONSULTATIONS};
pub use decide::{authorise, decide, open, Actor, Context, NewDossier, Transition};
pub use dossier::{
    Applicant, Dossier, FinishedStep, Pause, ResultDelivery, ReturnMethod, StepProgress, SubmittedDocument, Terms,
};
pub use error::LifecycleError;
pub use event::{EventActor, HistoryEvent};
pub use fees::{fee_lines, listed, owed, total_due, FeeLine, FeeReduction};
pub use payment::{Payment, PaymentChannel};
pub use rating::{EaseOfUse, Rating, RatingAnswers, Verdict, INDICATORS, MEASURED};
pub use standing::{Against, Standing};
pub use status::Status;
pub use surface::{Body, Family, Surface};
pub use table::{Action, Command};
pub use tracking::{tracking_card, RowKind, TrackingRow};

#[cfg(test)]
mod tests;
