//! Finding any dossier of an agency (`docs/search.md`): what a query may ask, the search terms
//! a dossier is filed under, and whether a dossier meets the rest of a query. Pure.
//!
//! A dossier is filed, in the write that creates it, under terms of its agency: `a:` (every
//! dossier, newest first), one `n:<word>` per word of the applicant's name (no diacritics,
//! lower case), and keyed digests `i:<…>` of the citizen ID or tax code and `p:<…>` of the
//! phone number: an HMAC-SHA-256 under the server key, so an index entry cannot be reversed by
//! trying every ID, and the value itself is never stored in the index. A query reads the
//! entries of its most selective term, newest first, and checks each dossier against the rest.

use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};

use crate::calendar::vietnam;
use crate::catalogue::OfficerId;
use crate::codes::AgencyCode;
use crate::lifecycle::{Dossier, Status};

/// The longest period a query may cover (received or finished).
pub const MAX_PERIOD_DAYS: i64 = 5 * 366;

/// HMAC-SHA-256 of `message` under `key`, hex, 32 characters (128 bits: enough to tell IDs
/// apart, and short in every index entry).
fn keyed(key: &[u8], message: &str) -> String {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| k.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new().chain_update(pad(0x36)).chain_update(message.as_bytes()).finalize();
    let outer = Sha256::new().chain_update(pad(0x5c)).chain_update(inner).finalize();
    outer.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// One search term (what an index entry is keyed by).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Term(pub String);

impl Term {
    /// Every dossier of the agency.
    pub fn all() -> Self {
        Term("a:".into())
    }

    pub fn word(word: &str) -> Self {
        Term(format!("n:{word}"))
    }

    /// A citizen ID or tax code, keyed.
    pub fn id(key: &[u8], id: &str) -> Self {
        Term(format!("i:{}", keyed(key, &format!("id:{}", id.trim()))))
    }

    /// A phone number (E.164), keyed.
    pub fn phone(key: &[u8], e164: &str) -> Self {
        Term(format!("p:{}", keyed(key, &format!("phone:{e164}"))))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The words of a name as searched: no diacritics, lower case, at most 10, each at most 40
/// characters (a longer word is cut).
pub fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = crate::text::search_key(name)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(40).collect())
        .collect();
    out.dedup();
    out.truncate(10);
    out
}

/// The words of the applicant's and the delegate's names, each once.
fn name_words(a: &crate::lifecycle::Applicant) -> Vec<String> {
    let mut names = words(&a.name);
    if let Some(delegate) = &a.delegate_name {
        names.extend(words(delegate));
    }
    names.sort();
    names.dedup();
    names
}

/// The terms `d` is filed under, keyed with `key`.
pub fn terms(d: &Dossier, key: &[u8]) -> Vec<Term> {
    let a = &d.applicant;
    let mut out = vec![Term::all()];
    let names = name_words(a);
    out.extend(names.iter().map(|w| Term::word(w)));
    for id in [a.citizen_id.as_ref().map(|c| c.as_str().to_owned()), a.tax_code.as_ref().map(|t| t.as_str().to_owned())]
        .into_iter()
        .flatten()
    {
        out.push(Term::id(key, &id));
    }
    if let Some(phone) = &a.phone {
        out.push(Term::phone(key, phone.e164()));
    }
    out
}

/// The position of a dossier in its terms' lists: newest submitted first (the key sorts
/// ascending; readers go backwards), the code breaking ties.
pub fn position(d: &Dossier) -> String {
    format!("{}#{}", d.submitted_at.format("%Y%m%dT%H%M%S%.6fZ"), d.code)
}

/// The words most Vietnamese names share (the commonest family names and middle names): a
/// query reads the list of a rarer word when it has one.
const COMMON: &[&str] = &[
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo", "duong",
    "ly", "van", "thi", "huu", "duc", "ngoc", "thanh", "minh", "quoc",
];

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// Newest filed first (the default).
    #[default]
    Newest,
    /// Soonest due first, among the dossiers found (those without a due date last).
    SoonestDue,
}

/// A search, as checked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    pub agency: Option<AgencyCode>,
    /// A fragment of the dossier code (case aside).
    pub code: Option<String>,
    /// Words of the applicant's (or delegate's) name, in any order, diacritics aside.
    pub name: Vec<String>,
    /// A citizen ID or tax code, exactly.
    pub id: Option<String>,
    /// A phone number, as E.164.
    pub phone: Option<String>,
    pub procedure: Option<String>,
    /// Procedures of a field: the caller resolves the field into its procedures.
    pub procedures: Option<Vec<String>>,
    pub status: Option<Status>,
    pub assignee: Option<OfficerId>,
    pub received: Option<(NaiveDate, NaiveDate)>,
    pub finished: Option<(NaiveDate, NaiveDate)>,
    pub order: Order,
}

/// Why a search cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidSearch {
    #[error("cần ít nhất một điều kiện tìm kiếm / give at least one criterion")]
    NoCriteria,
    #[error("khoảng thời gian tối đa 5 năm, ngày đầu trước ngày cuối / a period is at most five years, its start before its end")]
    Period,
    #[error("tên cần ít nhất một từ / the name has no word to search for")]
    EmptyName,
}

/// What kind of personal data a query searched by (for the access log: never the value).
pub fn personal_kinds(q: &Query) -> Vec<&'static str> {
    let mut out = vec![];
    if !q.name.is_empty() {
        out.push("name");
    }
    if q.id.is_some() {
        out.push("id");
    }
    if q.phone.is_some() {
        out.push("phone");
    }
    out
}

impl Query {
    pub fn check(&self) -> Result<(), InvalidSearch> {
        let any = self.code.is_some()
            || !self.name.is_empty()
            || self.id.is_some()
            || self.phone.is_some()
            || self.procedure.is_some()
            || self.procedures.is_some()
            || self.status.is_some()
            || self.assignee.is_some()
            || self.received.is_some()
            || self.finished.is_some();
        if !any {
            return Err(InvalidSearch::NoCriteria);
        }
        for (from, to) in [self.received, self.finished].into_iter().flatten() {
            if to < from || (to - from).num_days() > MAX_PERIOD_DAYS {
                return Err(InvalidSearch::Period);
            }
        }
        Ok(())
    }

    /// The term to read: the most selective the query has (an ID, a phone, the longest name
    /// word that is not among the commonest, else the longest), or every dossier of the agency.
    pub fn term(&self, key: &[u8]) -> Term {
        if let Some(id) = &self.id {
            return Term::id(key, id);
        }
        if let Some(phone) = &self.phone {
            return Term::phone(key, phone);
        }
        let rare = self.name.iter().filter(|w| !COMMON.contains(&w.as_str())).max_by_key(|w| w.chars().count());
        match rare.or_else(|| self.name.iter().max_by_key(|w| w.chars().count())) {
            Some(w) => Term::word(w),
            None => Term::all(),
        }
    }

    /// Whether `d` meets every criterion (its term aside, which the index already met, but
    /// checked again: a digest is not the value).
    pub fn matches(&self, d: &Dossier) -> bool {
        let a = &d.applicant;
        let local = |t: DateTime<Utc>| vietnam::to_local(t).date();
        let within = |t: Option<DateTime<Utc>>, p: Option<(NaiveDate, NaiveDate)>| match p {
            None => true,
            Some((from, to)) => t.map(local).is_some_and(|day| day >= from && day <= to),
        };
        let names = name_words(a);
        self.agency.as_ref().is_none_or(|g| g == &d.agency_code)
            && self.code.as_ref().is_none_or(|c| d.code.to_string().to_lowercase().contains(&c.to_lowercase()))
            && self.name.iter().all(|w| names.contains(w))
            && self.id.as_ref().is_none_or(|id| {
                a.citizen_id.as_ref().is_some_and(|c| c.as_str() == id)
                    || a.tax_code.as_ref().is_some_and(|t| t.as_str() == id)
            })
            && self.phone.as_ref().is_none_or(|p| a.phone.as_ref().is_some_and(|mine| mine.e164() == p))
            && self.procedure.as_ref().is_none_or(|p| &d.procedure_code == p)
            && self.procedures.as_ref().is_none_or(|ps| ps.contains(&d.procedure_code))
            && self.status.is_none_or(|s| d.status == s)
            && self
                .assignee
                .as_ref()
                .is_none_or(|o| d.step.as_ref().and_then(|s| s.assignee.as_ref()).is_some_and(|a| &a.id == o))
            && within(d.received_at, self.received)
            && within(d.finished_at, self.finished)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_is_hmac_sha256() {
        // RFC 4231, test case 2 (the first 16 bytes).
        assert_eq!(keyed(b"Jefe", "what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c7");
        let long = [0xaau8; 131];
        // RFC 4231, test case 6: a key longer than the block is hashed first.
        assert_eq!(
            keyed(&long, "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f"
        );
        assert_ne!(Term::id(b"k1", "079203001234"), Term::id(b"k2", "079203001234"), "another key, another digest");
    }

    #[test]
    fn names_are_searched_by_word_without_diacritics_in_any_order() {
        assert_eq!(words("  Nguyễn Thị   Minh-Khai "), ["nguyen", "thi", "minh", "khai"]);
        let q = Query { name: words("khai MINH"), ..Query::default() };
        assert_eq!(q.term(b"k"), Term::word("khai"), "a rarer word is read");
        let q = Query { name: words("Nguyễn Văn Bình"), ..Query::default() };
        assert_eq!(q.term(b"k"), Term::word("binh"), "the given name, not the commonest family name");
        let q = Query { name: words("Nguyễn Văn"), ..Query::default() };
        assert_eq!(q.term(b"k"), Term::word("nguyen"), "only common words: the longest");
        assert_eq!(Query::default().check(), Err(InvalidSearch::NoCriteria));
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let long = Query { received: Some((day(2020, 1, 1), day(2026, 1, 1))), ..Query::default() };
        assert_eq!(long.check(), Err(InvalidSearch::Period));
        let backwards = Query { finished: Some((day(2026, 2, 1), day(2026, 1, 1))), ..Query::default() };
        assert_eq!(backwards.check(), Err(InvalidSearch::Period));
        let id = Query { id: Some("079203001234".into()), name: words("An"), ..Query::default() };
        assert_eq!(id.term(b"k"), Term::id(b"k", "079203001234"), "an ID is the most selective");
        assert_eq!(personal_kinds(&id), ["name", "id"]);
    }
}
