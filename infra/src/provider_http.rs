//! What the HTTP notifiers (the SMS gateway, Zalo) share: sending one request on a blocking
//! thread and telling its failures apart as the outbox must (a refused answer or no connection:
//! nothing was sent, try again; a connection lost after the request left: it may have gone out,
//! never again), the start of an answer for an error, and a text cut to a template's length.

use std::time::Duration;

use motcua_domain::ports::NotifyError;

/// An agent that connects within `timeout` (at most 5 s) and gives up after `timeout`.
pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::AgentBuilder::new().timeout_connect(timeout.min(Duration::from_secs(5))).timeout(timeout).build()
}

/// Sends `request` with `body`; the answer's text.
pub async fn send(request: ureq::Request, body: String) -> Result<String, NotifyError> {
    tokio::task::spawn_blocking(move || match request.send_string(&body) {
        Ok(r) => r.into_string().map_err(|e| NotifyError::Unknown(format!("reading the answer: {e}"))),
        Err(ureq::Error::Status(code, r)) => {
            Err(NotifyError::Temporary(format!("HTTP {code}: {}", head(&r.into_string().unwrap_or_default()))))
        }
        // Connecting failed: nothing was sent. Anything later may have been.
        Err(ureq::Error::Transport(t))
            if t.kind() == ureq::ErrorKind::ConnectionFailed || t.kind() == ureq::ErrorKind::Dns =>
        {
            Err(NotifyError::Temporary(t.to_string()))
        }
        Err(ureq::Error::Transport(t)) => Err(NotifyError::Unknown(t.to_string())),
    })
    .await
    .map_err(|e| NotifyError::Unknown(e.to_string()))?
}

/// The start of a text, for an error (never a password: answers do not echo requests).
pub fn head(text: &str) -> String {
    text.chars().take(200).collect()
}

/// `text` within `max` characters, ending with `ellipsis` where it was cut.
pub fn within(text: &str, max: usize, ellipsis: &str) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(ellipsis.chars().count())).collect();
    cut.push_str(ellipsis);
    cut
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_text_is_cut_to_its_length_with_its_ellipsis() {
        assert_eq!(super::within("abcdef", 5, "..."), "ab...");
        assert_eq!(super::within("abcdef", 5, "…"), "abcd…");
        assert_eq!(super::within("abcde", 5, "…"), "abcde");
    }
}
