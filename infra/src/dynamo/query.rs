//! `Query` requests: a partition of the table or of an index, an optional sort-key range, and
//! residual filters, read page by page until enough items have come back.

use aws_sdk_dynamodb::types::AttributeValue;
use motcua_domain::ports::StoreResult;

use super::items::s;
use super::keys::{Index, PK, SK};
use super::{failure, DynamoStore, Item};

/// Which sort keys of the partition to read.
#[derive(Debug, Clone)]
pub enum Range {
    All,
    Prefix(String),
    /// Inclusive at both ends.
    Between(String, String),
    After(String),
}

/// A condition on an attribute that is not part of the key.
#[derive(Debug, Clone)]
struct Filter {
    attribute: String,
    value: AttributeValue,
    contains: bool,
}

/// One query, built up before it is sent.
#[derive(Debug, Clone)]
pub struct Page {
    index: Option<Index>,
    partition: String,
    range: Range,
    limit: Option<usize>,
    start: Option<Item>,
    filters: Vec<Filter>,
    consistent: bool,
}

impl Page {
    pub fn table(partition: String, range: Range) -> Self {
        Self { index: None, partition, range, limit: None, start: None, filters: vec![], consistent: false }
    }

    pub fn index(index: Index, partition: String, range: Range, limit: usize) -> Self {
        Self { index: Some(index), limit: Some(limit), ..Self::table(partition, range) }
    }

    pub fn consistent(mut self) -> Self {
        self.consistent = true;
        self
    }

    /// Continue after this item (its table key and its index key).
    pub fn after(mut self, start: Item) -> Self {
        self.start = Some(start);
        self
    }

    /// Keep only items whose `attribute` equals `value`.
    pub fn filter_eq(mut self, attribute: &str, value: String) -> Self {
        self.filters.push(Filter { attribute: attribute.to_owned(), value: s(value), contains: false });
        self
    }

    /// Keep only items whose text `attribute` contains `value` (literally).
    pub fn filter_contains(mut self, attribute: &str, value: String) -> Self {
        self.filters.push(Filter { attribute: attribute.to_owned(), value: s(value), contains: true });
        self
    }

    fn key_names(&self) -> (&'static str, &'static str) {
        match self.index {
            Some(i) => (i.pk(), i.sk()),
            None => (PK, SK),
        }
    }
}

impl DynamoStore {
    /// Sends `page` and follows `LastEvaluatedKey` until `page.limit` items passed the filters
    /// or the range is exhausted.
    pub(crate) async fn query_limited(&self, page: Page) -> StoreResult<Vec<Item>> {
        let (pk, sk) = page.key_names();
        let mut request = self
            .client
            .query()
            .table_name(&self.table)
            .set_index_name(page.index.map(|i| i.name().to_owned()))
            .consistent_read(page.consistent)
            .expression_attribute_names("#pk", pk)
            .expression_attribute_values(":pk", s(page.partition.clone()));
        let condition = match &page.range {
            Range::All => "#pk = :pk".to_owned(),
            Range::Prefix(p) => {
                request = request.expression_attribute_values(":prefix", s(p.clone()));
                "#pk = :pk AND begins_with(#sk, :prefix)".to_owned()
            }
            Range::Between(lo, hi) => {
                request = request
                    .expression_attribute_values(":lo", s(lo.clone()))
                    .expression_attribute_values(":hi", s(hi.clone()));
                "#pk = :pk AND #sk BETWEEN :lo AND :hi".to_owned()
            }
            Range::After(after) => {
                request = request.expression_attribute_values(":after", s(after.clone()));
                "#pk = :pk AND #sk > :after".to_owned()
            }
        };
        if !matches!(page.range, Range::All) {
            request = request.expression_attribute_names("#sk", sk);
        }
        let mut filters = vec![];
        for (i, f) in page.filters.iter().enumerate() {
            let (name, value) = (format!("#f{i}"), format!(":f{i}"));
            filters.push(if f.contains { format!("contains({name}, {value})") } else { format!("{name} = {value}") });
            request = request
                .expression_attribute_names(&name, &f.attribute)
                .expression_attribute_values(value, f.value.clone());
        }
        if !filters.is_empty() {
            request = request.filter_expression(filters.join(" AND "));
        }
        let wanted = page.limit.unwrap_or(usize::MAX);
        let mut out = vec![];
        let mut start = page.start.clone();
        loop {
            let mut call = request.clone().key_condition_expression(&condition).set_exclusive_start_key(start);
            if let Some(limit) = page.limit {
                // Ask for what is still missing; filters may drop some, so loop.
                call = call.limit(i32::try_from((limit - out.len()).max(1)).unwrap_or(i32::MAX));
            }
            let reply = call.send().await.map_err(failure)?;
            out.extend(reply.items().iter().cloned());
            start = reply.last_evaluated_key().cloned();
            if out.len() >= wanted || start.is_none() {
                break;
            }
        }
        out.truncate(wanted);
        Ok(out)
    }

    /// Every item of the range.
    pub(crate) async fn query_all(&self, page: Page) -> StoreResult<Vec<Item>> {
        self.query_limited(Page { limit: None, ..page }).await
    }
}
