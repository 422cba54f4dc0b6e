//! Results by post (`docs/postal.md`): the desk posts a result, the operator's signed callbacks
//! move the shipment. Posting asks the table first (a trial decision), then orders from the
//! operator under a reference that stays the same until a shipment is recorded (so a retry, or
//! two officers at once, get the one order and its one waybill back), then commits the shipment
//! with its waybill. An order the dossier can no longer take is cancelled. A callback is applied
//! once: a repeat, a stale one or one after the end changes nothing and is answered as taken.

use motcua_domain::catalogue::Officer;
use motcua_domain::lifecycle::{Actor, Command, Dossier, HistoryEvent, LifecycleError};
use motcua_domain::ports::{PostalOperator, StoreError, StoredDossier};
use motcua_domain::postal::{OrderPlaced, Party, PostalAddress, PostalOrder, Shipment};

use super::{dossiers, Refused, ServiceResult};
use crate::state::AppState;

fn operator(state: &AppState) -> ServiceResult<&dyn PostalOperator> {
    state.postal.as_deref().ok_or(Refused::PostalNotConfigured)
}

/// What is shipped, and for whom.
#[derive(Debug, Clone)]
enum Shipping {
    /// The result, to the address the applicant registered.
    Result,
    /// The paper dossier, collected at `address` for the desk.
    Dossier(PostalAddress),
}

impl Shipping {
    /// The decision of this shipment under `reference`, placed or not yet (a trial).
    fn command(&self, reference: &str, placed: Option<OrderPlaced>) -> Command {
        let placed = placed.unwrap_or(OrderPlaced { waybill: "-".into(), fee_vnd: 0 });
        let reference = reference.to_owned();
        match self {
            Shipping::Result => Command::PostResult { reference, placed },
            Shipping::Dossier(address) => {
                Command::RequestPostalCollection { reference, placed, address: address.clone() }
            }
        }
    }
}

/// The order for the next shipment of `d`.
async fn order_of(state: &AppState, d: &Dossier, shipping: &Shipping) -> ServiceResult<PostalOrder> {
    let agency = super::agency(state, &d.agency_code).await?;
    let desk =
        Party { name: format!("Bộ phận Một cửa - {}", agency.name), address: agency.address, phone: None };
    let (sender, receiver, description) = match shipping {
        Shipping::Result => {
            let to = d.delivery_address.as_ref().ok_or(LifecycleError::DeliveryAddressRequired)?;
            (desk, Party::at(to), format!("Kết quả giải quyết TTHC: {}", d.terms.procedure_name))
        }
        Shipping::Dossier(from) => (Party::at(from), desk, format!("Hồ sơ TTHC: {}", d.terms.procedure_name)),
    };
    Ok(PostalOrder {
        reference: Shipment::reference_for(&d.code, d.shipments.len() + 1),
        dossier: d.code.clone(),
        sender,
        receiver,
        description,
    })
}

/// Gửi kết quả qua bưu chính: orders the delivery of `loaded`'s result and records the shipment.
pub async fn post_result(
    state: &AppState,
    officer: &Officer,
    loaded: (StoredDossier, Vec<HistoryEvent>),
) -> ServiceResult<(Dossier, Vec<HistoryEvent>)> {
    ship(state, Actor::Officer(officer), loaded, Shipping::Result).await
}

/// Gửi hồ sơ qua bưu chính: orders the collection of `loaded`'s paper dossier at `address` and
/// records the shipment.
pub async fn collect(
    state: &AppState,
    loaded: (StoredDossier, Vec<HistoryEvent>),
    address: PostalAddress,
) -> ServiceResult<(Dossier, Vec<HistoryEvent>)> {
    ship(state, Actor::Applicant, loaded, Shipping::Dossier(address)).await
}

/// Asks the table first, then the operator under a reference that stays the same until a
/// shipment is recorded, then commits the shipment.
async fn ship(
    state: &AppState,
    actor: Actor<'_>,
    mut loaded: (StoredDossier, Vec<HistoryEvent>),
    shipping: Shipping,
) -> ServiceResult<(Dossier, Vec<HistoryEvent>)> {
    let operator = operator(state)?;
    for _ in 0..3 {
        let order = order_of(state, &loaded.0.dossier, &shipping).await?;
        dossiers::trial(state, &loaded.0.dossier, actor, shipping.command(&order.reference, None)).await?;
        let placed = operator.order(&order).await?;
        tracing::info!(dossier = %order.dossier, reference = %order.reference, waybill = %placed.waybill, "postal order placed");
        let command = (shipping.command(&order.reference, Some(placed)), vec![]);
        match dossiers::act(state, loaded, actor, command).await {
            Ok(done) => return Ok(done),
            Err(Refused::Store(StoreError::Conflict)) => {
                // Read again: another officer's post of the same order may have landed (the
                // next trial then refuses, the shipment in progress), or the dossier moved on.
                loaded = dossiers::load_with_history(state, &order.dossier).await?;
                let d = &loaded.0.dossier;
                let recorded = d.shipments.iter().any(|s| s.reference == order.reference);
                let trial = dossiers::trial(state, d, actor, shipping.command(&order.reference, None));
                if !recorded && trial.await.is_err() {
                    cancel(operator, &order.reference).await;
                }
            }
            Err(e) => {
                cancel(operator, &order.reference).await;
                return Err(e);
            }
        }
    }
    Err(StoreError::Conflict.into())
}

/// Cancels an order the dossier could not record; a failure is logged for the desk to call the
/// operator (the order was never collected: nothing leaves the desk without a shipment).
async fn cancel(operator: &dyn PostalOperator, reference: &str) {
    match operator.cancel(reference).await {
        Ok(()) => tracing::warn!(reference, "postal order cancelled: the dossier could not record it"),
        Err(e) => {
            tracing::error!(reference, error = %e, "a postal order the dossier could not record is still open at the operator")
        }
    }
}

/// How a callback was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Taken {
    /// News: the shipment (and maybe the dossier) moved.
    Applied,
    /// Known already, stale, or after the shipment's end: nothing changed.
    Already,
}

/// Judges and applies the operator's status callback (its body and `X-Signature`). Refused (a
/// bad signature, not about a shipment of ours) it changes nothing.
pub async fn callback(state: &AppState, body: &[u8], signature: Option<&str>) -> ServiceResult<Taken> {
    let refused = |why: String| {
        tracing::warn!(refusal = %why, "postal callback refused");
        Refused::PostalCallbackRefused(why)
    };
    // Unsigned, it is nobody's: refused before anything else is said.
    let signature = Some(signature.ok_or_else(|| refused("no signature".into()))?);
    let operator = operator(state)?;
    let update = operator.judge(body, signature).map_err(refused)?;
    let code = Shipment::dossier_of(&update.reference).ok_or_else(|| refused("not a reference of ours".into()))?;
    for _ in 0..3 {
        let loaded = match dossiers::load_with_history(state, &code).await {
            Err(Refused::DossierNotFound) => return Err(refused("no such dossier".into())),
            other => other?,
        };
        let d = &loaded.0.dossier;
        let shipment = d
            .shipments
            .iter()
            .find(|s| s.reference == update.reference && s.waybill == update.waybill)
            .ok_or_else(|| refused("no shipment of the dossier has this reference and waybill".into()))?;
        if !shipment.takes(&update) {
            return Ok(Taken::Already);
        }
        let command = (Command::PostalUpdate { update: update.clone() }, vec![]);
        match dossiers::act(state, loaded, Actor::PostalOperator, command).await {
            Ok(_) => {
                tracing::info!(reference = %update.reference, state = update.state.as_str(), "postal update taken");
                return Ok(Taken::Applied);
            }
            Err(Refused::Store(StoreError::Conflict)) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::Conflict.into())
}
