//! Đánh giá: the applicant rates the service once the result has been handed over. The system
//! scores the four indicators it can measure from the dossier; the applicant answers the other
//! five (0, 1 or 2 each), ease of use and the verdict on three levels, and may comment.

use super::super::{LifecycleError, Rating, RatingAnswers};
use super::{text, Draft};

pub(super) fn rate(draft: &mut Draft<'_>, answers: RatingAnswers) -> Result<(), LifecycleError> {
    if draft.d.rating.is_some() {
        return Err(LifecycleError::AlreadyRated);
    }
    if answers.scores().iter().any(|&s| s > 2) {
        return Err(LifecycleError::InvalidRating("each answer is scored 0, 1 or 2"));
    }
    if let Some(comment) = &answers.comment {
        if comment.chars().count() > text::MAX_TEXT {
            return Err(LifecycleError::TooLong("comment"));
        }
        text::plain(comment, "comment", true)?;
    }
    let now = draft.now();
    let mut indicators = draft.d.measured_indicators(now).to_vec();
    indicators.extend(answers.scores());
    draft.d.rating = Some(Rating {
        indicators,
        ease_of_use: answers.ease_of_use,
        verdict: answers.verdict,
        comment: answers.comment,
        rated_at: Some(now),
    });
    Ok(())
}
