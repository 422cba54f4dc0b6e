//! Đánh giá: the applicant rates the service once, after the result: nine indicators scored
//! 0, 1 or 2, ease of use 1 to 5, a verdict and an optional comment.

use super::super::{LifecycleError, Rating};
use super::{text, Draft};

/// The number of official indicators.
const INDICATORS: usize = 9;

pub(super) fn rate(draft: &mut Draft<'_>, rating: Rating) -> Result<(), LifecycleError> {
    if draft.d.rating.is_some() {
        return Err(LifecycleError::AlreadyRated);
    }
    check(&rating)?;
    draft.d.rating = Some(rating);
    Ok(())
}

fn check(rating: &Rating) -> Result<(), LifecycleError> {
    if rating.indicators.len() != INDICATORS {
        return Err(LifecycleError::InvalidRating("indicators must have nine scores"));
    }
    if rating.indicators.iter().any(|&s| s > 2) {
        return Err(LifecycleError::InvalidRating("each indicator is scored 0, 1 or 2"));
    }
    if rating.ease_of_use.is_some_and(|e| !(1..=5).contains(&e)) {
        return Err(LifecycleError::InvalidRating("ease_of_use is 1 to 5"));
    }
    if let Some(comment) = &rating.comment {
        if comment.chars().count() > text::MAX_TEXT {
            return Err(LifecycleError::TooLong("comment"));
        }
        text::plain(comment, "comment", true)?;
    }
    Ok(())
}
