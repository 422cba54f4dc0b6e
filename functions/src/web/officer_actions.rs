//! The actions on the dossier page: which the transition table offers this officer at this
//! status, each as a form whose fields are its API body's, and the handler that posts one to the
//! API and shows its answer (done, or the API's refusal beside the form).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use motcua_domain::catalogue::Role;
use motcua_domain::lifecycle::table::{rules_for, By};
use motcua_domain::lifecycle::{Action, Status};
use serde_json::{json, Map, Value};

use super::api::Call;
use super::citizen::encode;
use super::files::{self, Capture, Sender};
use super::form::Posted;
use super::officer::{dossier_page, to_sign_in};
use super::page::{problem_of, Problem};
use super::session::{Browser, SignedIn};
use super::Web;

/// A field of an action's form, named as in the API body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Note,
    Reason,
    /// The missing papers, one a line (`missing`).
    Missing,
    Assignee,
    /// An assignee the officer may leave empty (the next step's role takes it).
    NextAssignee,
    /// The officer asked for an opinion (`officer`).
    Consulted,
    Question,
    Opinion,
    /// The new due date (`new_due_at`, at the end of that working day).
    NewDueAt,
    /// How the result is handed over (`method`).
    Method,
    Waybill,
    /// Đồng paid (`amount_vnd`).
    Amount,
    /// The receipt number (`receipt`).
    Receipt,
    /// A result document issued with the approval (`results[0]`): its name, number, signer,
    /// day of signing, and its signed file (taken by the camera or chosen).
    ResultName,
    ResultNumber,
    ResultSigner,
    ResultIssuedOn,
    ResultFile,
}

impl Field {
    /// Whether the field names an officer of the agency (a choice among the colleagues).
    fn chooses_officer(self) -> bool {
        matches!(self, Field::Assignee | Field::NextAssignee | Field::Consulted)
    }

    fn name(self) -> &'static str {
        match self {
            Field::Note => "note",
            Field::Reason => "reason",
            Field::Missing => "missing",
            Field::Assignee | Field::NextAssignee => "assignee",
            Field::Consulted => "officer",
            Field::Question => "question",
            Field::Opinion => "opinion",
            Field::NewDueAt => "new_due_at",
            Field::Method => "method",
            Field::Waybill => "waybill",
            Field::Amount => "amount_vnd",
            Field::Receipt => "receipt",
            Field::ResultName => "result_name",
            Field::ResultNumber => "result_number",
            Field::ResultSigner => "result_signer",
            Field::ResultIssuedOn => "result_issued_on",
            Field::ResultFile => "result_file",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Field::Note => "Ghi chú (không bắt buộc)",
            Field::Reason => "Lý do",
            Field::Missing => "Giấy tờ cần bổ sung (mỗi dòng một loại)",
            Field::Assignee => "Giao cho",
            Field::NextAssignee => "Giao cho (để trống: người có vai trò của bước sau nhận)",
            Field::Consulted => "Xin ý kiến của",
            Field::Question => "Nội dung xin ý kiến",
            Field::Opinion => "Ý kiến",
            Field::NewDueAt => "Hẹn trả mới",
            Field::Method => "Hình thức trả",
            Field::Waybill => "Số vận đơn (trả qua bưu chính)",
            Field::Amount => "Số tiền đã thu (đồng)",
            Field::Receipt => "Số biên lai",
            Field::ResultName => "Kết quả cấp (tên giấy tờ; để trống nếu không có)",
            Field::ResultNumber => "Số",
            Field::ResultSigner => "Người ký",
            Field::ResultIssuedOn => "Ngày ký",
            Field::ResultFile => "Tệp kết quả đã ký",
        }
    }

    fn required(self) -> bool {
        !matches!(self, Field::Note | Field::NextAssignee | Field::Waybill) && !self.of_result()
    }

    /// Whether it describes the result document (required only when one is named).
    fn of_result(self) -> bool {
        matches!(
            self,
            Field::ResultName | Field::ResultNumber | Field::ResultSigner | Field::ResultIssuedOn | Field::ResultFile
        )
    }
}

/// The fields of `action`'s form; `None` for the actions the console does not offer as a form
/// (the applicant's own, the platforms', and those that take files or an address, for now).
fn fields(action: Action) -> Option<&'static [Field]> {
    use Field::*;
    Some(match action {
        Action::Receive | Action::AcceptSupplement | Action::ReturnUnsupplemented => &[Note],
        Action::Approve => &[Note, ResultName, ResultNumber, ResultSigner, ResultIssuedOn, ResultFile],
        Action::Refuse | Action::SendBack | Action::Stop => &[Reason],
        Action::RequestSupplement => &[Reason, Missing],
        Action::Assign => &[Assignee, Note],
        Action::Reassign => &[Assignee, Reason],
        Action::Forward => &[NextAssignee, Note],
        Action::Consult => &[Consulted, Question],
        Action::Opinion => &[Opinion],
        Action::Extend => &[Reason, NewDueAt],
        Action::Return => &[Method, Waybill],
        Action::RecordPayment => &[Amount, Receipt, Note],
        _ => return None,
    })
}

/// The path segment of `action` (`/v1/dossiers/{code}/<segment>`).
fn segment(action: Action) -> Option<&'static str> {
    action.surface().path.strip_prefix("/v1/dossiers/{code}/")
}

/// The actions the transition table offers `officer` on dossier `d` now (the API decides; a
/// form it would refuse shows its refusal).
fn offered(d: &Value, officer: &SignedIn) -> Vec<Action> {
    let Ok(status) = serde_json::from_value::<Status>(d["status"].clone()) else { return vec![] };
    let agency = d["agency_code"].as_str().unwrap_or_default();
    let step = &d["current_step"];
    let step_agency = step["agency_code"].as_str().unwrap_or(agency);
    let step_role = serde_json::from_value::<Role>(step["role"].clone()).ok();
    let mine = officer.agency.to_string();
    let holds = |role: Role| officer.roles.contains(&role);
    let may = |by: &By| match by {
        By::AgencyRole(role) => holds(*role) && agency == mine,
        By::StepAgencyRole(role) => holds(*role) && step_agency == mine,
        By::StepHolder => {
            step_role.is_some_and(holds)
                && step_agency == mine
                && step["assignee"].as_str().is_none_or(|a| a == officer.id.as_str())
        }
        By::Consulted => d["consultations"].as_array().is_some_and(|c| {
            c.iter().any(|q| q["asked_of"]["id"] == officer.id.as_str() && q["answered_at"].is_null())
        }),
        _ => false,
    };
    Action::ALL
        .into_iter()
        .filter(|a| fields(*a).is_some() && segment(*a).is_some())
        .filter(|a| rules_for(*a, Some(status)).any(|r| r.by.iter().any(may)))
        .collect()
}

/// The forms of the actions offered, the one that failed with its problems and values.
pub async fn forms(
    web: &Web,
    browser: &Browser,
    d: &Value,
    officer: &SignedIn,
    token: &str,
    problems: &[Problem],
    posted: &[(String, String)],
) -> Markup {
    let actions = offered(d, officer);
    if actions.is_empty() {
        return html! {};
    }
    let chooses_officer = |a: &Action| fields(*a).unwrap_or_default().iter().any(|f| f.chooses_officer());
    let colleagues = match actions.iter().any(chooses_officer) {
        true => super::catalogue::colleagues(web, &browser.peer, browser.token()).await,
        false => vec![],
    };
    let step_role = serde_json::from_value::<Role>(d["current_step"]["role"].clone()).ok();
    let code = d["code"].as_str().unwrap_or_default();
    let failed = problems.first().and_then(|p| p.field.split_once("--")).map(|(a, _)| a.to_owned());
    html! {
        section.actions aria-labelledby="actions" {
            h2 #actions { "Xử lý" }
            @for action in &actions {
                @let slug = segment(*action).unwrap_or_default();
                @let open = failed.as_deref() == Some(slug) || actions.len() == 1;
                details id={ "action-" (slug) } open[open] {
                    summary { (action.name_vi()) }
                    @let with_file = fields(*action).unwrap_or_default().contains(&Field::ResultFile);
                    form method="post" action={ "/officer/dossiers/" (code) "/" (slug) } novalidate
                        enctype=[with_file.then_some("multipart/form-data")]
                        data-uploads=[with_file.then_some("officer")]
                        data-confirm=[matches!(action, Action::Refuse | Action::Stop | Action::ReturnUnsupplemented)
                            .then_some("Thao tác này không hoàn tác được. Tiếp tục?")] {
                        input type="hidden" name="form_token" value=(token);
                        @for field in fields(*action).unwrap_or_default() {
                            (field_markup(slug, *field, problems, posted, &colleagues, step_role))
                        }
                        button type="submit" class=[matches!(action, Action::Refuse | Action::Stop).then_some("warning")] {
                            (action.name_vi())
                        }
                    }
                }
            }
        }
    }
}

fn field_markup(
    slug: &str,
    field: Field,
    problems: &[Problem],
    posted: &[(String, String)],
    colleagues: &[Value],
    step_role: Option<Role>,
) -> Markup {
    let id = format!("{slug}--{}", field.name());
    let value = posted.iter().find(|(k, _)| k == field.name()).map(|(_, v)| v.as_str()).unwrap_or_default();
    let error = problem_of(problems, &id);
    if field == Field::ResultFile {
        return files::file_input(
            &id,
            field.label(),
            true,
            Capture::Camera,
            problems,
            files::sent_ahead(posted, &id).as_ref(),
        );
    }
    let holds = |o: &Value, role: Role| o["roles"].as_array().is_some_and(|r| r.iter().any(|x| x == role.as_str()));
    let choices: Vec<(&str, &str)> = match field.chooses_officer() {
        true => colleagues
            .iter()
            .filter(|o| field != Field::Assignee || step_role.is_none_or(|r| holds(o, r)))
            .filter_map(|o| Some((o["id"].as_str()?, o["name"].as_str().unwrap_or_default())))
            .collect(),
        false => vec![],
    };
    html! {
        div.field.invalid[error.is_some()] {
            label for=(id) { (field.label()) }
            @if let Some(error) = error { span.error id={ (id) "-error" } { span.skip { "Lỗi: " } (error) } }
            @match field {
                Field::Note | Field::Reason | Field::Missing | Field::Question | Field::Opinion => {
                    textarea id=(id) name=(field.name()) rows="3" aria-invalid=[error.map(|_| "true")]
                        aria-describedby=[error.map(|_| format!("{id}-error"))] { (value) }
                }
                Field::Assignee | Field::NextAssignee | Field::Consulted => {
                    select id=(id) name=(field.name()) aria-invalid=[error.map(|_| "true")] {
                        option value="" { @if field.required() { "— Chọn cán bộ —" } @else { "— Để trống —" } }
                        @for (o, name) in &choices {
                            option value=(o) selected[value == *o] { (name) " (" (o) ")" }
                        }
                    }
                }
                Field::Method => {
                    select id=(id) name="method" {
                        option value="counter" selected[value == "counter" || value.is_empty()] { "Tại bộ phận một cửa" }
                        option value="online" selected[value == "online"] { "Trực tuyến" }
                        option value="postal" selected[value == "postal"] { "Qua bưu chính" }
                    }
                }
                Field::NewDueAt => {
                    input type="date" id=(id) name=(field.name()) value=(value) aria-invalid=[error.map(|_| "true")];
                }
                Field::Amount => {
                    input type="number" id=(id) name=(field.name()) min="0" step="1000" inputmode="numeric" value=(value)
                        aria-invalid=[error.map(|_| "true")];
                }
                Field::ResultIssuedOn => {
                    input type="date" id=(id) name=(field.name()) value=(value) aria-invalid=[error.map(|_| "true")];
                }
                Field::ResultFile => {}
                Field::Waybill | Field::Receipt | Field::ResultName | Field::ResultNumber | Field::ResultSigner => {
                    input type="text" id=(id) name=(field.name()) value=(value) aria-invalid=[error.map(|_| "true")];
                }
            }
        }
    }
}

/// The API body of `action` from the posted form; the problems when a required field is
/// empty or a value cannot be read.
fn body_of(slug: &str, action: Action, posted: &[(String, String)]) -> Result<Value, Vec<Problem>> {
    let mut body = Map::new();
    let mut problems = vec![];
    for field in fields(action).unwrap_or_default().iter().filter(|f| !f.of_result()) {
        let text = posted.iter().find(|(k, _)| k == field.name()).map(|(_, v)| v.trim()).unwrap_or_default();
        let id = format!("{slug}--{}", field.name());
        if text.is_empty() {
            if field.required() {
                problems.push(Problem { field: id, message: format!("Nhập {}", field.label().to_lowercase()) });
            }
            continue;
        }
        let value = match field {
            Field::Missing => json!(text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>()),
            Field::NewDueAt => match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(date) => json!(format!("{date}T17:00:00+07:00")),
                Err(_) => {
                    problems.push(Problem { field: id, message: "Ngày không hợp lệ".into() });
                    continue;
                }
            },
            Field::Amount => match text.replace(['.', ' '], "").parse::<u64>() {
                Ok(n) => json!(n),
                Err(_) => {
                    problems.push(Problem { field: id, message: "Số tiền phải là số đồng".into() });
                    continue;
                }
            },
            _ => json!(text),
        };
        body.insert(field.name().to_owned(), value);
    }
    if fields(action).unwrap_or_default().contains(&Field::ResultName) {
        match result_of(slug, posted) {
            Ok(Some(result)) => {
                body.insert("results".into(), json!([result]));
            }
            Ok(None) => {}
            Err(mut more) => problems.append(&mut more),
        }
    }
    if problems.is_empty() {
        Ok(Value::Object(body))
    } else {
        Err(problems)
    }
}

/// The result document the approval form names, without its issuer and file (added when it is
/// sent); none when its name is empty.
fn result_of(slug: &str, posted: &[(String, String)]) -> Result<Option<Value>, Vec<Problem>> {
    let text = |f: Field| posted.iter().find(|(k, _)| k == f.name()).map(|(_, v)| v.trim()).unwrap_or_default();
    if text(Field::ResultName).is_empty() {
        return Ok(None);
    }
    let mut problems = vec![];
    for f in [Field::ResultNumber, Field::ResultSigner, Field::ResultIssuedOn] {
        if text(f).is_empty() {
            let message = format!("Nhập {} của kết quả", f.label().to_lowercase());
            problems.push(Problem { field: format!("{slug}--{}", f.name()), message });
        }
    }
    let issued_on = chrono::NaiveDate::parse_from_str(text(Field::ResultIssuedOn), "%Y-%m-%d");
    if issued_on.is_err() && !text(Field::ResultIssuedOn).is_empty() {
        problems
            .push(Problem { field: format!("{slug}--result_issued_on"), message: "Ngày không hợp lệ".into() });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Some(json!({
        "name": text(Field::ResultName),
        "number": text(Field::ResultNumber),
        "signer": text(Field::ResultSigner),
        "issued_on": text(Field::ResultIssuedOn),
    })))
}

/// The result in `body` completed: its issuer (the officer's agency) and its file, sent already
/// as a desk upload.
async fn complete_result(web: &Web, browser: &Browser, slug: &str, posted: &Posted, body: &mut Value) {
    let Some(result) = body.get_mut("results").and_then(|r| r.get_mut(0)) else { return };
    let agency = match browser.officer() {
        Some(o) => super::catalogue::agency_name(web, &browser.peer, &o.agency.to_string()).await,
        None => None,
    };
    result["issuer"] = json!(agency.unwrap_or_default());
    if let Some(sent) = files::sent_ahead(&posted.fields, &format!("{slug}--result_file")) {
        result["upload"] = json!(sent.id);
        result["sha256"] = json!(sent.sha256);
    }
}

/// `POST /officer/dossiers/{code}/{action}`: the form posted to the API as its body.
pub async fn act(
    State(web): State<Arc<Web>>,
    browser: Browser,
    Path((code, slug)): Path<(String, String)>,
    mut posted: Posted,
) -> Response {
    let here = format!("/officer/dossiers/{code}");
    if browser.officer().is_none() {
        return to_sign_in(&here);
    }
    let Some(action) = Action::ALL.into_iter().find(|a| fields(*a).is_some() && segment(*a) == Some(slug.as_str()))
    else {
        return browser.message(StatusCode::NOT_FOUND, "Không có thao tác này", "Thao tác không tồn tại.");
    };
    // The result's file first: sent, it is kept if the form must be shown again.
    let file = [format!("{slug}--result_file")];
    let unsent = files::send_posted(&web, &browser, Sender::Officer(browser.token()), &mut posted, &file).await;
    let mut body = match body_of(&slug, action, &posted.fields) {
        Ok(body) if unsent.is_empty() => body,
        Ok(_) => return dossier_page(&web, &browser, &code, &unsent, &posted.fields, None).await,
        Err(mut problems) => {
            problems.extend(unsent);
            return dossier_page(&web, &browser, &code, &problems, &posted.fields, None).await;
        }
    };
    complete_result(&web, &browser, &slug, &posted, &mut body).await;
    let path = format!("/v1/dossiers/{}/{slug}", encode(&code));
    let answer = web.api.call(Call::post(path, body).by(browser.token()).from(&browser.peer)).await;
    if answer.status == StatusCode::UNAUTHORIZED {
        return to_sign_in(&here);
    }
    if answer.ok() {
        return Redirect::to(&format!("{here}?done={}", action.as_str())).into_response();
    }
    // The API's refusal beside the form: on the field it names, else on the form's first field.
    let first = fields(action).and_then(|f| f.first()).map_or("note", |f| f.name());
    let named = answer.body["error"]["details"]["field"].as_str().unwrap_or(first);
    let field = fields(action).into_iter().flatten().find(|f| f.name() == named).map_or(first, |f| f.name());
    let problems = vec![Problem { field: format!("{slug}--{field}"), message: answer.message() }];
    dossier_page(&web, &browser, &code, &problems, &posted.fields, None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn officer(roles: &[Role]) -> SignedIn {
        SignedIn {
            id: motcua_domain::catalogue::OfficerId::parse("tuphap.motcua").unwrap(),
            name: "Cán bộ".into(),
            agency: motcua_domain::codes::AgencyCode::parse("000.00.03.H56").unwrap(),
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn the_desk_is_offered_reception_and_the_specialist_the_step_they_hold() {
        let submitted = json!({"status": "submitted", "agency_code": "000.00.03.H56", "current_step": null});
        let desk = offered(&submitted, &officer(&[Role::Reception]));
        assert!(desk.contains(&Action::Receive) && desk.contains(&Action::Refuse), "{desk:?}");
        assert!(offered(&submitted, &officer(&[Role::Specialist])).is_empty());
        let processing = json!({"status": "processing", "agency_code": "000.00.03.H56",
            "current_step": {"role": "specialist", "agency_code": "000.00.03.H56", "assignee": "tuphap.motcua"}});
        let specialist = offered(&processing, &officer(&[Role::Specialist]));
        assert!(specialist.contains(&Action::Forward), "{specialist:?}");
        let elsewhere = json!({"status": "processing", "agency_code": "000.00.03.H56",
            "current_step": {"role": "specialist", "agency_code": "000.00.03.H56", "assignee": "someone.else"}});
        assert!(!offered(&elsewhere, &officer(&[Role::Specialist])).contains(&Action::Forward));
    }

    #[test]
    fn an_officer_asked_for_an_opinion_is_offered_the_answer_until_they_give_it() {
        let asked = |answered: Value| {
            json!({"status": "processing", "agency_code": "000.00.03.H56",
                "current_step": {"role": "specialist", "agency_code": "000.00.03.H56", "assignee": "someone.else"},
                "consultations": [{"asked_of": {"id": "tuphap.motcua"}, "answered_at": answered}]})
        };
        assert!(offered(&asked(Value::Null), &officer(&[Role::Reception])).contains(&Action::Opinion));
        assert!(
            !offered(&asked(json!("2026-12-02T10:00:00Z")), &officer(&[Role::Reception])).contains(&Action::Opinion)
        );
    }

    #[test]
    fn a_form_becomes_the_api_body_and_empty_required_fields_are_named() {
        let posted =
            vec![("reason".to_owned(), " thiếu giấy ".to_owned()), ("missing".to_owned(), "CCCD\n\nẢnh".to_owned())];
        let body = body_of("request-supplement", Action::RequestSupplement, &posted).unwrap();
        assert_eq!(body, json!({"reason": "thiếu giấy", "missing": ["CCCD", "Ảnh"]}));
        let problems = body_of("refuse", Action::Refuse, &[]).unwrap_err();
        assert_eq!(problems[0].field, "refuse--reason");
        let due = body_of(
            "extend",
            Action::Extend,
            &[("reason".into(), "x".into()), ("new_due_at".into(), "2026-12-20".into())],
        );
        assert_eq!(due.unwrap()["new_due_at"], "2026-12-20T17:00:00+07:00");
        assert!(body_of(
            "record-payment",
            Action::RecordPayment,
            &[("amount_vnd".into(), "abc".into()), ("receipt".into(), "1".into())]
        )
        .is_err());
    }

    #[test]
    fn every_offered_action_has_its_own_path() {
        for action in Action::ALL.into_iter().filter(|a| fields(*a).is_some()) {
            assert!(segment(action).is_some(), "{action:?}");
        }
    }
}
