//! Payment transactions in DynamoDB: one item per reference (`PAY#<reference>`), listed in a
//! dossier's `Groups` partition, and under `PAYMENTS#OPEN` in `Lists` while open. The confirming
//! commit settles it inside its own transaction ([`DynamoStore::settle_payment`]), conditioned on
//! it being still open.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use chrono::{DateTime, Utc};
use motcua_domain::codes::DossierCode;
use motcua_domain::payment::{Transaction, TransactionState};
use motcua_domain::ports::{PaymentStore, StoreError, StoreResult};

use super::items::{self, body, s, with_body};
use super::keys::{self, Index};
use super::query::{Page, Range};
use super::{condition_failed, failure, DynamoStore, Item};
use crate::codec::ts;

fn state(s: TransactionState) -> &'static str {
    match s {
        TransactionState::Created => "created",
        TransactionState::Paid => "paid",
        TransactionState::Failed => "failed",
    }
}

fn position(t: &Transaction) -> String {
    format!("{}#{}", ts(t.created_at), t.reference)
}

fn built<T, E: std::fmt::Display>(r: Result<T, E>) -> StoreResult<T> {
    r.map_err(|e| StoreError::Unavailable(e.to_string()))
}

impl DynamoStore {
    /// The update writing `t` (ended) over its open item: its body and state, out of the open list.
    fn ended(&self, t: &Transaction) -> StoreResult<Update> {
        built(
            Update::builder()
                .table_name(&self.table)
                .set_key(Some(items::key(keys::payment(&t.reference))))
                .update_expression("SET body = :body, #state = :state REMOVE #lpk, #lsk")
                .condition_expression("#state = :open")
                .expression_attribute_names("#state", "state")
                .expression_attribute_names("#lpk", Index::Lists.pk())
                .expression_attribute_names("#lsk", Index::Lists.sk())
                .expression_attribute_values(":body", s(crate::codec::to_json(t)?))
                .expression_attribute_values(":state", s(state(t.state)))
                .expression_attribute_values(":open", s("created"))
                .build(),
        )
    }

    /// The transaction item settling `t` as paid, for a commit's transaction.
    pub(super) fn settle_payment(&self, t: &Transaction) -> StoreResult<TransactWriteItem> {
        Ok(TransactWriteItem::builder().update(self.ended(t)?).build())
    }
}

#[async_trait]
impl PaymentStore for DynamoStore {
    async fn open_transaction(&self, t: &Transaction) -> StoreResult<()> {
        let mut item: Item = with_body(keys::payment(&t.reference), t)?;
        item.insert("state".into(), s(state(t.state)));
        item.insert("dossier".into(), s(t.dossier.to_string()));
        items::index(&mut item, Index::Groups, (keys::payments_of(&t.dossier.to_string()), position(t)));
        if t.state == TransactionState::Created {
            items::index(&mut item, Index::Lists, (keys::OPEN_PAYMENTS.into(), position(t)));
        }
        self.put_absent(item).await
    }

    async fn transaction(&self, reference: &str) -> StoreResult<Option<Transaction>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(items::key(keys::payment(reference))))
            .consistent_read(true)
            .send()
            .await
            .map_err(failure)?;
        out.item().map(body).transpose()
    }

    async fn transactions_of(&self, dossier: &DossierCode) -> StoreResult<Vec<Transaction>> {
        let page = Page::index(Index::Groups, keys::payments_of(&dossier.to_string()), Range::All, 100);
        self.query_limited(page).await?.iter().map(body).collect()
    }

    async fn open_transactions(&self, before: DateTime<Utc>, limit: usize) -> StoreResult<Vec<Transaction>> {
        let range = Range::Between("0".into(), ts(before));
        let page = Page::index(Index::Lists, keys::OPEN_PAYMENTS.into(), range, limit.clamp(1, 1000));
        self.query_limited(page).await?.iter().map(body).collect()
    }

    async fn close_transaction(&self, ended: &Transaction) -> StoreResult<bool> {
        let update = self.ended(ended)?;
        let sent = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(update.key().clone()))
            .update_expression(update.update_expression())
            .set_condition_expression(update.condition_expression().map(str::to_owned))
            .set_expression_attribute_names(update.expression_attribute_names().cloned())
            .set_expression_attribute_values(update.expression_attribute_values().cloned())
            .send()
            .await;
        match sent {
            Ok(_) => Ok(true),
            Err(e) if condition_failed(&e) => Ok(false),
            Err(e) => Err(failure(e)),
        }
    }
}
