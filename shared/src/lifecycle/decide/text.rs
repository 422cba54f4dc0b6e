//! Free text an officer or applicant writes with an action: reasons and notes.

use super::super::LifecycleError;

/// The longest reason, note or comment kept, in characters.
pub(super) const MAX_TEXT: usize = 2000;

/// A reason that must be given.
pub(super) fn required(text: &str, what: &'static str) -> Result<String, LifecycleError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(LifecycleError::ReasonRequired);
    }
    optional(Some(t), what).map(|t| t.unwrap_or_default())
}

/// A note that may be left out; blank counts as left out. Line breaks are kept.
pub(super) fn optional(text: Option<&str>, what: &'static str) -> Result<Option<String>, LifecycleError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) if t.chars().count() > MAX_TEXT => Err(LifecycleError::TooLong(what)),
        Some(t) => {
            plain(t, what, true)?;
            Ok(Some(t.to_owned()))
        }
        None => Ok(None),
    }
}

/// Refuses `text` holding control or text-direction characters (see [`crate::text::is_plain`]);
/// line breaks pass where `multiline`.
pub(super) fn plain(text: &str, what: &'static str, multiline: bool) -> Result<(), LifecycleError> {
    if crate::text::is_plain(text, multiline) {
        Ok(())
    } else {
        Err(LifecycleError::InvalidCharacters(what))
    }
}
