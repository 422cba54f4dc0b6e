//! The life of a dossier: statuses, actions, the one transition table and what it decides.

mod action;
pub mod chain;
mod decide;
mod dossier;
mod error;
mod event;
mod notice;
mod status;
pub mod table;
mod tracking;

pub use action::{Action, Command};
pub use decide::{authorise, decide, open, Actor, Context, NewDossier, Transition};
pub use dossier::{
    Applicant, Dossier, Pause, Rating, ResultDelivery, ReturnMethod, StepProgress, SubmittedDocument, Terms, Verdict,
};
pub use error::LifecycleError;
pub use event::{EventActor, HistoryEvent};
pub use notice::NoticeKind;
pub use status::Status;
pub use tracking::{tracking_card, TrackingRow};

#[cfg(test)]
mod tests;
