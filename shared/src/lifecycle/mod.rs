//! The life of a dossier: statuses, actions, the one transition table and what it decides.

pub mod chain;
mod decide;
mod dossier;
mod error;
mod event;
mod standing;
mod status;
pub mod surface;
pub mod table;
mod tracking;

pub use crate::notify::NoticeKind;
pub use decide::{authorise, decide, open, Actor, Context, NewDossier, Transition};
pub use dossier::{
    Applicant, Dossier, Pause, Rating, ResultDelivery, ReturnMethod, StepProgress, SubmittedDocument, Terms, Verdict,
};
pub use error::LifecycleError;
pub use event::{EventActor, HistoryEvent};
pub use standing::{Against, Standing};
pub use status::Status;
pub use surface::{Body, Family, Surface};
pub use table::{Action, Command};
pub use tracking::{tracking_card, RowKind, TrackingRow};

#[cfg(test)]
mod tests;
