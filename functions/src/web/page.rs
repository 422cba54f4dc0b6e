//! The page around every page: the header with the way home and the viewer's links, a skip
//! link, the main landmark, the footer; and the small pieces the pages share (an error summary
//! linked to its fields, labelled fields, times and statuses in Vietnamese). Every value put
//! into a page goes through maud, which escapes it: an applicant named `<script>` is shown as
//! text.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, FixedOffset};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde_json::Value;

use motcua_domain::catalogue::Role;

use super::session::SignedIn;

/// Who is looking: a citizen (no one signed in) or an officer.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    pub officer: Option<SignedIn>,
    /// The form token of this browser (for the sign-out form in the header).
    pub form_token: String,
}

/// A whole page.
pub fn page(title: &str, chrome: &Chrome, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – Một cửa điện tử" }
                link rel="stylesheet" href=(super::assets::css());
                link rel="icon" href=(super::assets::icon()) type="image/svg+xml";
                script src=(super::assets::js()) defer {}
            }
            body {
                a.skip href="#main" { "Bỏ qua, đến nội dung chính" }
                header.top {
                    div.bar {
                        @match &chrome.officer {
                            Some(officer) => {
                                a.brand href="/officer" { "Một cửa điện tử · Cán bộ" }
                                nav aria-label="Cán bộ" {
                                    ul {
                                        li { a href="/officer" { "Hồ sơ cần xử lý" } }
                                        @if officer.roles.contains(&Role::Reception) {
                                            li { a href="/officer/counter" { "Tiếp nhận tại quầy" } }
                                        }
                                        li { a href="/officer/reports" { "Báo cáo" } }
                                        @if officer.roles.contains(&Role::Admin) {
                                            li { a href="/officer/admin" { "Quản trị" } }
                                        }
                                        li {
                                            form method="post" action="/officer/sign-out" {
                                                input type="hidden" name="form_token" value=(chrome.form_token);
                                                button type="submit" { "Đăng xuất (" (officer.name) ")" }
                                            }
                                        }
                                    }
                                }
                            }
                            None => {
                                a.brand href="/" { "Một cửa điện tử" }
                                nav aria-label="Công dân" {
                                    ul {
                                        li { a href="/" { "Thủ tục" } }
                                        li { a href="/lookup" { "Tra cứu hồ sơ" } }
                                        li { a href="/statistics" { "Thống kê" } }
                                        li { a href="/officer" { "Cán bộ" } }
                                    }
                                }
                            }
                        }
                    }
                }
                main #main tabindex="-1" { (body) }
                footer {
                    p { "Hệ thống thông tin giải quyết thủ tục hành chính · one-stop electronic desk. "
                        "Trang hoạt động cả khi không bật JavaScript." }
                }
            }
        }
    }
}

/// `markup` as an HTML answer with `status`.
pub fn answer(status: StatusCode, markup: Markup) -> Response {
    (status, Html(markup.into_string())).into_response()
}

/// A page with just a heading and a message (not found, refused, failed).
pub fn message(status: StatusCode, chrome: &Chrome, heading: &str, text: &str) -> Response {
    answer(status, page(heading, chrome, html! { h1 { (heading) } p.lead { (text) } }))
}

/// A problem with one field of a form: the field's id and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

/// The box at the top of a form that failed, each problem a link to its field.
pub fn error_summary(problems: &[Problem]) -> Markup {
    html! {
        @if !problems.is_empty() {
            div.summary role="alert" aria-labelledby="problems" tabindex="-1" {
                h2 #problems { "Có vấn đề / There is a problem" }
                ul.plain {
                    @for p in problems {
                        li { a href={ "#" (p.field) } { (p.message) } }
                    }
                }
            }
        }
    }
}

/// What is wrong with `field`, if anything.
pub fn problem_of<'a>(problems: &'a [Problem], field: &str) -> Option<&'a str> {
    problems.iter().find(|p| p.field == field).map(|p| p.message.as_str())
}

/// A labelled input: `kind` is its `type`; the error, when there is one, is tied to it.
pub fn input(id: &str, label: &str, kind: &str, value: &str, hint: Option<&str>, problems: &[Problem]) -> Markup {
    let error = problem_of(problems, id);
    let described = match (hint.is_some(), error.is_some()) {
        (true, true) => format!("{id}-hint {id}-error"),
        (true, false) => format!("{id}-hint"),
        (false, true) => format!("{id}-error"),
        (false, false) => String::new(),
    };
    html! {
        div.field.invalid[error.is_some()] {
            label for=(id) { (label) }
            @if let Some(hint) = hint { span.hint id={ (id) "-hint" } { (hint) } }
            @if let Some(error) = error { span.error id={ (id) "-error" } { span.skip { "Lỗi: " } (error) } }
            input type=(kind) id=(id) name=(id) value=(value)
                aria-describedby=[(!described.is_empty()).then_some(described.as_str())]
                aria-invalid=[error.map(|_| "true")];
        }
    }
}

/// A labelled text area.
pub fn textarea(id: &str, label: &str, value: &str, hint: Option<&str>, problems: &[Problem]) -> Markup {
    let error = problem_of(problems, id);
    html! {
        div.field.invalid[error.is_some()] {
            label for=(id) { (label) }
            @if let Some(hint) = hint { span.hint id={ (id) "-hint" } { (hint) } }
            @if let Some(error) = error { span.error id={ (id) "-error" } { span.skip { "Lỗi: " } (error) } }
            textarea id=(id) name=(id) rows="3"
                aria-describedby=[hint.map(|_| format!("{id}-hint"))]
                aria-invalid=[error.map(|_| "true")] { (value) }
        }
    }
}

/// A time the API gave (RFC 3339, Vietnam's offset), as `dd/mm/yyyy HH:MM`; empty when none.
pub fn when(value: &Value) -> String {
    value
        .as_str()
        .and_then(|t| DateTime::<FixedOffset>::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&motcua_domain::calendar::vietnam::offset()).format("%d/%m/%Y %H:%M").to_string())
        .unwrap_or_default()
}

/// A date the API gave, as `dd/mm/yyyy`.
pub fn day(value: &Value) -> String {
    when(value).split(' ').next().unwrap_or_default().to_owned()
}

/// A calendar date the API gave (`YYYY-MM-DD`), as `dd/mm/yyyy`.
pub fn date(value: &Value) -> String {
    let text = value.as_str().unwrap_or_default();
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default()
}

/// A status's Vietnamese name, from its API name.
pub fn status(value: &Value) -> String {
    serde_json::from_value::<motcua_domain::lifecycle::Status>(value.clone())
        .map(|s| s.name_vi().to_owned())
        .unwrap_or_else(|_| value.as_str().unwrap_or_default().to_owned())
}

/// An amount of đồng, grouped the Vietnamese way (`200.000 đồng`), as the printed forms spell it.
pub fn dong(amount: u64) -> String {
    motcua_forms::desk::words::dong(amount)
}

/// The tag of a due time: quá hạn, sắp đến hạn, còn hạn (the API's `urgency`).
pub fn urgency(value: &Value) -> Markup {
    let (class, text) = match value.as_str() {
        Some("overdue") => ("overdue", "Quá hạn"),
        Some("due_soon") => ("due_soon", "Sắp đến hạn"),
        Some("on_track") => ("on_track", "Còn hạn"),
        _ => return html! {},
    };
    html! { span class={ "tag " (class) } { (text) } }
}

/// A non-breaking, already-escaped bit of text.
pub fn raw(text: &'static str) -> PreEscaped<&'static str> {
    PreEscaped(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_an_applicant_types_is_shown_as_text() {
        let chrome = Chrome::default();
        let shown = page("<script>alert(1)</script>", &chrome, html! { p { ("<img src=x onerror=alert(1)>") } });
        let text = shown.into_string();
        assert!(!text.contains("<script>alert"), "{text}");
        assert!(!text.contains("<img src=x"), "{text}");
        assert!(text.contains("&lt;script&gt;"));
    }

    #[test]
    fn amounts_and_times_read_the_vietnamese_way() {
        assert_eq!(dong(200_000), "200.000 đồng");
        assert_eq!(when(&Value::from("2026-12-16T17:00:00+07:00")), "16/12/2026 17:00");
        assert_eq!(when(&Value::from("2026-12-16T10:00:00Z")), "16/12/2026 17:00");
        assert_eq!(day(&Value::from("2026-12-16T17:00:00+07:00")), "16/12/2026");
        assert_eq!(when(&Value::Null), "");
    }

    #[test]
    fn a_problem_links_to_its_field_and_the_field_says_it() {
        let problems =
            vec![Problem { field: "phone".into(), message: "Số điện thoại không hợp lệ".into() }];
        let summary = error_summary(&problems).into_string();
        assert!(summary.contains("href=\"#phone\""), "{summary}");
        let field = input("phone", "Số điện thoại", "tel", "09", None, &problems).into_string();
        assert!(field.contains("aria-invalid=\"true\"") && field.contains("phone-error"), "{field}");
    }
}
