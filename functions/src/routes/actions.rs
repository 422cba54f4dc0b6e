//! Every action on an existing dossier through one of two paths: officers act with a bearer
//! token ([`officer_act`]), applicants with the dossier's lookup secret ([`applicant_act`]).
//! The route, its handler and its OpenAPI operation (summary, body, and the 401/403/404/409/
//! 422/429 answers) are built from the action's surface and the transition table; only the
//! body type and its command differ, one line each in [`super::bodies::route_of`].

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::routing::{post, MethodRouter};
use axum::Json;
use motcua_domain::catalogue::Officer;
use motcua_domain::codes::DossierCode;
use motcua_domain::documents::{Owner, Upload, Uploader};
use motcua_domain::lifecycle::{self, Action, Body, Command, HistoryEvent};
use motcua_domain::ports::StoredDossier;
use utoipa::openapi::path::{HttpMethod, Operation, OperationBuilder, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, PathsBuilder, Ref, RefOr, Required, ResponseBuilder, Schema};
use utoipa::{PartialSchema, ToSchema};

use super::bodies::{route_of, ActionBody, Build, Named};
use super::set::{RouteSet, Schemas};
use crate::auth::CurrentOfficer;
use crate::error::ApiResult;
use crate::extract::{action_body, header, ClientAddress, DossierPath};
use crate::service::{dossiers, files};
use crate::state::AppState;
use crate::views::{ApplicantDossierView, OfficerDossierView};

/// The action routes the family numbered `F` (`Family as u8`) serves.
pub fn of<const F: u8, R: RouteSet>() -> R {
    Action::ALL.into_iter().fold(R::empty(), route_of::<F, R>)
}

/// The route of an officer's `action`, whose body is a `B` that `build` turns into the command.
pub fn officer_route<B: ActionBody>(action: Action, build: Build<B>) -> MethodRouter<AppState> {
    post(
        move |State(state): State<AppState>,
              CurrentOfficer(officer): CurrentOfficer,
              DossierPath(code): DossierPath,
              request: Request| { officer_act(state, officer, code, request, action, build) },
    )
}

/// The route of the applicant's `action`, as [`officer_route`] (each action's handler is built
/// for its one kind of actor only: `route_of` picks at compile time).
pub fn applicant_route<B: ActionBody>(action: Action, build: Build<B>) -> MethodRouter<AppState> {
    post(
        move |State(state): State<AppState>,
              DossierPath(code): DossierPath,
              client: ClientAddress,
              headers: HeaderMap,
              request: Request| { applicant_act(state, code, (client, headers), request, action, build) },
    )
}

/// The description of `action`'s route: its schemas and path item (asked only by a described
/// route set, see `set`).
pub fn description<B: ActionBody>(action: Action) -> (Schemas, utoipa::openapi::Paths) {
    (schemas::<B>(action), paths::<B>(action))
}

fn paths<B: ToSchema>(action: Action) -> utoipa::openapi::Paths {
    PathsBuilder::new().path(action.surface().path, PathItem::new(HttpMethod::Post, operation::<B>(action))).build()
}

/// Reads the body and builds the command, looking up the officer it names and the uploads
/// its documents attach (which must be `by`'s).
async fn command<B: ActionBody>(
    state: &AppState,
    action: Action,
    request: Request,
    build: Build<B>,
    (by, owner): (&Uploader, Option<&Owner>),
) -> ApiResult<(Command, Vec<Upload>)> {
    let mut body: B = action_body(action.surface().body, request).await?;
    let officer = match body.officer_named() {
        Some(id) => Some(dossiers::officer(state, id).await?),
        None => None,
    };
    let (documents, mut attach) = files::documents(state, body.take_documents(), by, owner).await?;
    let (results, more) = files::results(state, body.take_results(), by).await?;
    attach.extend(more);
    Ok((build(body, Named { officer, documents, results })?, attach))
}

/// An officer acts; the answer is the officer's view of the dossier after the action. Only
/// reading the body is generic: the rest is [`as_officer`], compiled once for every body type.
async fn officer_act<B: ActionBody>(
    state: AppState,
    officer: Officer,
    code: DossierCode,
    request: Request,
    action: Action,
    build: Build<B>,
) -> ApiResult<Json<OfficerDossierView>> {
    let by = Uploader::Officer { id: officer.id.clone() };
    let loaded = dossiers::load_with_history(&state, &code).await?;
    let owner = Owner::of(&loaded.0.dossier.applicant);
    let command = command(&state, action, request, build, (&by, owner.as_ref())).await?;
    as_officer(state, officer, loaded, command).await
}

/// Decides and commits the officer's command on the dossier loaded.
async fn as_officer(
    state: AppState,
    officer: Officer,
    loaded: (StoredDossier, Vec<HistoryEvent>),
    command: (Command, Vec<Upload>),
) -> ApiResult<Json<OfficerDossierView>> {
    let (d, events) = dossiers::act(&state, loaded, lifecycle::Actor::Officer(&officer), command).await?;
    Ok(Json(OfficerDossierView::of(&d, &events, state.clock.now())))
}

/// The applicant acts with the lookup secret; the answer is the applicant's view after it. The
/// secret is checked before the body is read, so nothing a body names is looked at for a
/// stranger.
async fn applicant_act<B: ActionBody>(
    state: AppState,
    code: DossierCode,
    (client, headers): (ClientAddress, HeaderMap),
    request: Request,
    action: Action,
    build: Build<B>,
) -> ApiResult<Json<ApplicantDossierView>> {
    let loaded = with_secret(&state, &code, &client, &headers).await?;
    let owner = Owner::of(&loaded.0.dossier.applicant);
    let command = command(&state, action, request, build, (&Uploader::Public, owner.as_ref())).await?;
    as_applicant(state, loaded, command).await
}

/// Loads the dossier with its history and checks the lookup secret from `client`.
pub(super) async fn with_secret(
    state: &AppState,
    code: &DossierCode,
    client: &ClientAddress,
    headers: &HeaderMap,
) -> ApiResult<(StoredDossier, Vec<HistoryEvent>)> {
    let loaded = dossiers::load_with_history(state, code).await?;
    dossiers::check_secret(state, &loaded.0, header(headers, "x-lookup-secret"), client).await?;
    Ok(loaded)
}

/// Decides and commits the applicant's command on the dossier loaded.
async fn as_applicant(
    state: AppState,
    loaded: (StoredDossier, Vec<HistoryEvent>),
    command: (Command, Vec<Upload>),
) -> ApiResult<Json<ApplicantDossierView>> {
    let (d, events) = dossiers::act(&state, loaded, lifecycle::Actor::Applicant, command).await?;
    Ok(Json(ApplicantDossierView::of(&d, &events, state.clock.now())))
}

/// The schemas the operation refers to: its body and its answer, with what they contain.
fn schemas<B: ToSchema>(action: Action) -> Schemas {
    let mut out: Schemas = vec![(B::name().into_owned(), B::schema())];
    B::schemas(&mut out);
    if action.by_applicant() {
        out.push((ApplicantDossierView::name().into_owned(), ApplicantDossierView::schema()));
        ApplicantDossierView::schemas(&mut out);
    } else {
        out.push((OfficerDossierView::name().into_owned(), OfficerDossierView::schema()));
        OfficerDossierView::schemas(&mut out);
    }
    out
}

fn json(schema: impl Into<RefOr<Schema>>) -> utoipa::openapi::Content {
    ContentBuilder::new().schema(Some(schema)).build()
}

fn answer(description: &str, schema: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content("application/json", json(Ref::from_schema_name(schema)))
}

/// The operation of `action`: what the surface says, the body, and every answer the table
/// and the two paths can give.
fn operation<B: ToSchema>(action: Action) -> Operation {
    let surface = action.surface();
    let applicant = action.by_applicant();
    let mut op = OperationBuilder::new()
        .tag(surface.family.name())
        .summary(Some(surface.summary))
        .operation_id(Some(surface.operation))
        .parameter(
            ParameterBuilder::new()
                .name("code")
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .schema(Some(ObjectBuilder::new().schema_type(Type::String))),
        );
    if applicant {
        op = op.parameter(
            ParameterBuilder::new()
                .name("X-Lookup-Secret")
                .parameter_in(ParameterIn::Header)
                .required(Required::True)
                .schema(Some(ObjectBuilder::new().schema_type(Type::String))),
        );
    }
    let body = Ref::from_schema_name(B::name());
    let request_body = match surface.body {
        Body::Required => {
            RequestBodyBuilder::new().content("application/json", json(body)).required(Some(Required::True))
        }
        Body::Optional => RequestBodyBuilder::new().content(
            "application/json",
            json(OneOfBuilder::new().item(ObjectBuilder::new().schema_type(Type::Null)).item(body)),
        ),
    };
    let (view, who, denied) = if applicant {
        (
            ApplicantDossierView::name(),
            "the lookup secret is missing (`lookup_secret_required`)",
            "the lookup secret is wrong (`lookup_secret_invalid`)",
        )
    } else {
        (
            OfficerDossierView::name(),
            "no valid bearer token (`unauthenticated`)",
            "the officer may not take this action on this dossier: `other_agency`, `missing_role`, `not_assignee`",
        )
    };
    op = op
        .request_body(Some(request_body.build()))
        .response("200", answer("the dossier after the action", &view))
        .response("401", answer(who, "ErrorBody"))
        .response("403", answer(denied, "ErrorBody"))
        .response("404", answer("no dossier has this code (`dossier_not_found`)", "ErrorBody"))
        .response(
            "409",
            answer(
                "the table does not allow the action in the dossier's status (`invalid_transition`), a rule of the \
                 action refuses it now, or the dossier changed meanwhile (`conflict`)",
                "ErrorBody",
            ),
        )
        .response("422", answer("a value in the body is refused; `error.code` says which", "ErrorBody"));
    if applicant {
        op = op.response(
            "429",
            answer("too many wrong lookup secrets from this client (`too_many_lookup_attempts`)", "ErrorBody"),
        );
    } else {
        op = op.security(SecurityRequirement::new("bearer", Vec::<String>::new()));
    }
    op.build()
}
