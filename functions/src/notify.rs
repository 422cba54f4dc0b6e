//! `notify`: the consumer of the table's stream. Each new outbox item (an `INSERT` whose sort
//! key starts `M#`) is sent once: the item is read again (consistently) and sent only while it
//! is still unsent, so a redelivered record or a retried batch never sends twice. Records that
//! could not be brought to an outcome (a temporary failure, a store error, a record that cannot
//! be read) are reported as partial batch failures, so the stream retries them and finally
//! routes them to the dead-letter queue; a permanent failure is recorded on the item and not
//! retried.

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use motcua_domain::ports::{Clock, Notifier, Outbox};
use motcua_infra::dynamo::keys::MESSAGE_PREFIX;
use motcua_infra::outbox_worker::{deliver_one, Delivery};

/// What a record is about.
enum Record<'a> {
    /// A new outbox item: the message id.
    NewMessage(&'a str),
    /// Anything else on the stream (dossiers, events, updates, deletions by TTL).
    Other,
    /// Not a record this function can read.
    Unreadable,
}

fn classify(record: &EventRecord) -> Record<'_> {
    let sk = match record.change.keys.get("sk") {
        Some(serde_dynamo::AttributeValue::S(sk)) => sk,
        _ => return Record::Unreadable,
    };
    match (record.event_name.as_str(), sk.strip_prefix(MESSAGE_PREFIX)) {
        ("INSERT", Some(id)) if !id.is_empty() => Record::NewMessage(id),
        ("INSERT", Some(_)) => Record::Unreadable,
        _ => Record::Other,
    }
}

/// Sends what the batch asks for; returns the records to retry.
pub async fn handle(
    outbox: &dyn Outbox,
    notifier: &dyn Notifier,
    clock: &dyn Clock,
    event: Event,
) -> DynamoDbEventResponse {
    let mut failures = vec![];
    for record in &event.records {
        let done = match classify(record) {
            Record::Other => true,
            Record::Unreadable => {
                tracing::error!(event_id = record.event_id.as_str(), "stream record without a readable key");
                false
            }
            Record::NewMessage(id) => match outbox.unsent(id).await {
                Ok(None) => true, // sent or given up already
                Ok(Some(pending)) => {
                    matches!(deliver_one(outbox, notifier, clock, pending).await, Delivery::Sent | Delivery::GivenUp)
                }
                Err(e) => {
                    tracing::warn!(message_id = id, error = %e, "cannot read the outbox item");
                    false
                }
            },
        };
        if !done {
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = record.change.sequence_number.clone();
            failures.push(failure);
        }
    }
    let mut response = DynamoDbEventResponse::default();
    response.batch_item_failures = failures;
    response
}
