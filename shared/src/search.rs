//! Finding any dossier of an agency (`docs/search.md`): what a query may ask, the search terms
//! a dossier is filed under, and whether a dossier meets the rest of a query. Pure.
//!
//! A dossier is filed, in the write that creates it, under terms of its agency: `a:` (every
//! dossier, newest first); for each name (the applicant's, the delegate's) of at most
//! [`SHORT_NAME`] words, `n:<word>` for each word and `c:<w1>+<w2>[+<w3>]` for each set of two
//! and of three of its words (sorted), so a query of two or three words reads a list holding
//! exactly the dossiers whose name has them all. A longer name (an organisation's, mostly) is
//! filed under `l:<word>` for each word, `L:<w1>+<w2>` for each pair of its [`PAIRED`] rarest
//! words and `O:<word>` for each of the rest, so a query of two words or more reads the pair
//! of its two rarest and the `O:` lists of both, never every long name with one word. Words
//! have no diacritics and are lower case.
//! The citizen ID or tax code and the phone number are filed as keyed digests `i:<…>` and
//! `p:<…>`: an HMAC-SHA-256 under the server key, so an index entry cannot be reversed by
//! trying every ID, and the value itself is never stored in the index. A query reads the lists
//! of its most selective terms merged, newest first, and checks each dossier against the rest.

use chrono::{DateTime, NaiveDate, Utc};

use crate::calendar::vietnam;
use crate::catalogue::OfficerId;
use crate::codes::AgencyCode;
use crate::lifecycle::{Dossier, Status};

/// The longest period a query may cover (received or finished).
pub const MAX_PERIOD_DAYS: i64 = 5 * 366;

/// HMAC-SHA-256 of `message` under `key`, hex, 32 characters (128 bits: enough to tell IDs
/// apart, and short in every index entry).
fn keyed(key: &[u8], message: &str) -> String {
    crate::mac::hex(&crate::mac::hmac_sha256(key, message.as_bytes())[..16])
}

/// One search term (what an index entry is keyed by).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Term(pub String);

impl Term {
    /// Every dossier of the agency.
    pub fn all() -> Self {
        Term("a:".into())
    }

    /// A word of a name of at most [`SHORT_NAME`] words.
    pub fn word(word: &str) -> Self {
        Term(format!("n:{word}"))
    }

    /// A word of a longer name.
    pub fn long_word(word: &str) -> Self {
        Term(format!("l:{word}"))
    }

    /// Two or three words of one name, in any order.
    pub fn words<S: AsRef<str>>(words: &[S]) -> Self {
        Term(format!("c:{}", joined(words)))
    }

    /// Two of the [`PAIRED`] rarest words of a longer name, in any order.
    pub fn long_pair(a: &str, b: &str) -> Self {
        Term(format!("L:{}", joined(&[a, b])))
    }

    /// A word of a longer name outside its [`PAIRED`] rarest.
    pub fn unpaired(word: &str) -> Self {
        Term(format!("O:{word}"))
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

/// Words sorted, joined by `+`.
fn joined<S: AsRef<str>>(words: &[S]) -> String {
    let mut sorted: Vec<&str> = words.iter().map(AsRef::as_ref).collect();
    sorted.sort_unstable();
    sorted.join("+")
}

/// The distinct words of a name as searched, in its order: no diacritics, lower case, the
/// first 10, each at most 40 characters (a longer word is cut).
pub fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for word in crate::text::search_key(name).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let word: String = word.chars().take(40).collect();
        if !out.contains(&word) {
            out.push(word);
        }
        if out.len() == 10 {
            break;
        }
    }
    out
}

/// The longest name filed under its sets of words: a name of up to four words has at most ten
/// sets of two or three (a Vietnamese personal name has three or four words).
pub const SHORT_NAME: usize = 4;

/// How many of a longer name's words are filed in pairs: its rarest five, ten pairs (the rest
/// are filed under `O:`), so a name of ten words is filed under at most 25 terms.
pub const PAIRED: usize = 5;

/// The distinct words of each name of the applicant (theirs, and the delegate's), sorted.
fn names(a: &crate::lifecycle::Applicant) -> Vec<Vec<String>> {
    let mut out = vec![];
    for name in std::iter::once(&a.name).chain(a.delegate_name.as_ref()) {
        let mut words = words(name);
        words.sort();
        if !words.is_empty() {
            out.push(words);
        }
    }
    out
}

/// The terms of one name's words.
fn name_terms(words: &[String]) -> Vec<Term> {
    if words.len() > SHORT_NAME {
        let mut ranked: Vec<&str> = words.iter().map(String::as_str).collect();
        ranked.sort_by_key(|w| rarity(w));
        let (paired, rest) = ranked.split_at(PAIRED);
        let mut out: Vec<Term> = words.iter().map(|w| Term::long_word(w)).collect();
        for (i, a) in paired.iter().enumerate() {
            out.extend(paired.iter().skip(i + 1).map(|b| Term::long_pair(a, b)));
        }
        out.extend(rest.iter().map(|w| Term::unpaired(w)));
        return out;
    }
    let mut out: Vec<Term> = words.iter().map(|w| Term::word(w)).collect();
    for (i, a) in words.iter().enumerate() {
        for (j, b) in words.iter().enumerate().skip(i + 1) {
            out.push(Term::words(&[a, b]));
            out.extend(words.iter().skip(j + 1).map(|c| Term::words(&[a, b, c])));
        }
    }
    out
}

/// The most terms a dossier is filed under: two names of ten words, two identifiers, a phone
/// and `a:` (a personal name of four words takes 14).
pub const MOST_TERMS: usize = 2 * (10 + 10 + 5) + 4;

/// The terms `d` is filed under, keyed with `key`: at most [`MOST_TERMS`].
pub fn terms(d: &Dossier, key: &[u8]) -> Vec<Term> {
    let a = &d.applicant;
    let mut out = vec![Term::all()];
    out.extend(names(a).iter().flat_map(|words| name_terms(words)));
    for id in [a.citizen_id.as_ref().map(|c| c.as_str().to_owned()), a.tax_code.as_ref().map(|t| t.as_str().to_owned())]
        .into_iter()
        .flatten()
    {
        out.push(Term::id(key, &id));
    }
    if let Some(phone) = &a.phone {
        out.push(Term::phone(key, phone.e164()));
    }
    out.sort();
    out.dedup();
    out
}

/// The position of a dossier in its terms' lists: newest submitted first (the key sorts
/// ascending; readers go backwards), the code breaking ties.
pub fn position(d: &Dossier) -> String {
    format!("{}#{}", d.submitted_at.format("%Y%m%dT%H%M%S%.6fZ"), d.code)
}

/// The words most Vietnamese names share (the commonest family names and middle names, and
/// the words of organisations' legal forms): a query reads the list of a rarer word when it
/// has one. Only which lists are read depends on it, never what is found.
const COMMON: &[&str] = &[
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo", "duong",
    "ly", "van", "thi", "huu", "duc", "ngoc", "thanh", "minh", "quoc", "cong", "ty", "tnhh", "co", "mtv", "chi",
    "nhanh", "hop", "tac", "xa", "doanh", "nghiep", "tu", "nhan", "kinh",
];

/// How rare a word is taken to be, rarest least: a word outside [`COMMON`], then the longer,
/// then alphabetical (the same order when filing and when searching).
fn rarity(word: &str) -> (bool, std::cmp::Reverse<usize>, &str) {
    (COMMON.contains(&word), std::cmp::Reverse(word.chars().count()), word)
}

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

    /// The terms whose lists, merged, hold every dossier the query can find: an ID's, else a
    /// phone's, else those of the name's words, else every dossier of the agency.
    ///
    /// One word: its list among short names and among long ones. More: the set of the three
    /// rarest (a matching name of up to four words is filed under it), and for longer names
    /// the pair of the two rarest with the `O:` lists of both (a matching longer name has both
    /// among its paired words, or one of them among the rest).
    pub fn terms(&self, key: &[u8]) -> Vec<Term> {
        if let Some(id) = &self.id {
            return vec![Term::id(key, id)];
        }
        if let Some(phone) = &self.phone {
            return vec![Term::phone(key, phone)];
        }
        let mut words: Vec<&str> = self.name.iter().map(String::as_str).collect();
        words.sort_unstable();
        words.dedup();
        words.sort_by_key(|w| rarity(w));
        match words.as_slice() {
            [] => vec![Term::all()],
            [word] => vec![Term::word(word), Term::long_word(word)],
            [first, second, ..] => vec![
                Term::words(&words[..words.len().min(3)]),
                Term::long_pair(first, second),
                Term::unpaired(first),
                Term::unpaired(second),
            ],
        }
    }

    /// Whether `d` meets every criterion (its terms aside, which the index already met, but
    /// checked again: a digest is not the value). The words of a name must all be in one of
    /// the applicant's names (theirs or the delegate's).
    pub fn matches(&self, d: &Dossier) -> bool {
        let a = &d.applicant;
        let local = |t: DateTime<Utc>| vietnam::to_local(t).date();
        let within = |t: Option<DateTime<Utc>>, p: Option<(NaiveDate, NaiveDate)>| match p {
            None => true,
            Some((from, to)) => t.map(local).is_some_and(|day| day >= from && day <= to),
        };
        let names = names(a);
        self.agency.as_ref().is_none_or(|g| g == &d.agency_code)
            && self.code.as_ref().is_none_or(|c| d.code.to_string().to_lowercase().contains(&c.to_lowercase()))
            && (self.name.is_empty() || names.iter().any(|name| self.name.iter().all(|w| name.contains(w))))
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
        assert_eq!(
            q.terms(b"k"),
            [
                Term::words(&["minh", "khai"]),
                Term::long_pair("khai", "minh"),
                Term::unpaired("khai"),
                Term::unpaired("minh")
            ],
            "a set, and among longer names the pair"
        );
        let q = Query { name: words("Bình"), ..Query::default() };
        assert_eq!(q.terms(b"k"), [Term::word("binh"), Term::long_word("binh")]);
        let q = Query { name: words("Nguyễn Văn Bình An"), ..Query::default() };
        assert_eq!(
            q.terms(b"k"),
            [Term("c:an+binh+nguyen".into()), Term("L:an+binh".into()), Term::unpaired("binh"), Term::unpaired("an")],
            "the three rarest words: the given names first, then the longer common one"
        );
        assert_eq!(Query::default().check(), Err(InvalidSearch::NoCriteria));
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let long = Query { received: Some((day(2020, 1, 1), day(2026, 1, 1))), ..Query::default() };
        assert_eq!(long.check(), Err(InvalidSearch::Period));
        let backwards = Query { finished: Some((day(2026, 2, 1), day(2026, 1, 1))), ..Query::default() };
        assert_eq!(backwards.check(), Err(InvalidSearch::Period));
        let id = Query { id: Some("079203001234".into()), name: words("An"), ..Query::default() };
        assert_eq!(id.terms(b"k"), [Term::id(b"k", "079203001234")], "an ID is the most selective");
        assert_eq!(personal_kinds(&id), ["name", "id"]);
    }

    fn dossier(name: &str, delegate: Option<&str>) -> Dossier {
        let code = crate::codes::DossierCode::parse("000.00.01.H57-261201-0001").unwrap();
        let mut applicant = crate::fixtures::citizen(name, None, None);
        applicant.delegate_name = delegate.map(Into::into);
        crate::fixtures::filed(code, applicant, vec![], chrono::Utc::now())
    }

    #[test]
    fn a_short_name_is_filed_under_its_sets_of_words_and_a_long_one_under_its_words() {
        let filed = terms(&dossier("Nguyễn Văn Bình", None), b"k");
        let names: Vec<&str> = filed.iter().map(Term::as_str).filter(|t| !t.starts_with("a:")).collect();
        assert_eq!(
            names,
            ["c:binh+nguyen", "c:binh+nguyen+van", "c:binh+van", "c:nguyen+van", "n:binh", "n:nguyen", "n:van"]
        );
        let long = terms(&dossier("Công ty TNHH Xây dựng Minh Phát", None), b"k");
        assert!(long.iter().all(|t| !t.as_str().starts_with("c:") && !t.as_str().starts_with("n:")));
        assert!(long.contains(&Term::long_word("phat")));
        // Paired: the rare words, then the longer common ones; the legal form's left over.
        assert!(long.contains(&Term::long_pair("phat", "xay")) && long.contains(&Term::long_pair("cong", "dung")));
        assert!(long.contains(&Term::unpaired("tnhh")) && long.contains(&Term::unpaired("ty")));
        assert_eq!(long.len(), 1 + 7 + 10 + 2);
        // The most a dossier is filed under: two names of ten words, both identifiers, a phone.
        let ten = "Hợp tác xã Dịch vụ Nông nghiệp Tổng hợp Phú Thịnh Đông Xuân Bắc";
        let mut most = dossier(ten, Some(ten));
        most.applicant.citizen_id = Some(crate::contact::CitizenId::parse("079203001234").unwrap());
        most.applicant.tax_code = Some(crate::contact::TaxCode::parse("0312345678").unwrap());
        most.applicant.phone = Some(crate::contact::PhoneNumber::parse("0912345678").unwrap());
        assert_eq!(words(ten).len(), 10);
        let mut delegate = dossier("Tôn Nữ Hồng Nhung", Some(ten));
        delegate.applicant.name = "Công ty Cổ phần Vận tải Thống Nhất Miền Trung Tây Nguyên".into();
        assert_eq!(terms(&delegate, b"k").len(), MOST_TERMS - 3, "two names of ten words, no ID or phone");
        assert!(terms(&most, b"k").len() <= MOST_TERMS);
    }

    /// Every query of words of a name reads a list the dossier is filed under, and finds it;
    /// words from two names, or a word the name lacks, do not find it.
    #[test]
    fn every_query_of_a_names_words_reads_a_list_it_is_filed_under() {
        for (name, delegate) in [
            ("Nguyễn Văn Bình", None),
            ("Tôn Nữ Hồng Nhung", Some("Nguyễn An")),
            ("Công ty TNHH Xây dựng Minh Phát", Some("Trần Thị Bé")),
            ("Công ty Cổ phần Đầu tư Xây dựng và Thương mại Hoàng Long", Some("Công ty TNHH Thương mại 19 5")),
            ("Lê Lê Na", None),
        ] {
            let d = dossier(name, delegate);
            let filed = terms(&d, b"k");
            for name in std::iter::once(name).chain(delegate) {
                let all = words(name);
                // Every non-empty subset, in its own order and reversed.
                for mask in 1u32..(1 << all.len()) {
                    let mut chosen: Vec<String> =
                        all.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, w)| w.clone()).collect();
                    for _ in 0..2 {
                        let q = Query { name: chosen.clone(), ..Query::default() };
                        assert!(q.terms(b"k").iter().any(|t| filed.contains(t)), "{chosen:?} of {name}: no list");
                        assert!(q.matches(&d), "{chosen:?} of {name}");
                        chosen.reverse();
                    }
                }
            }
            let missing = Query { name: [words(name), vec!["zzz".into()]].concat(), ..Query::default() };
            assert!(!missing.matches(&d));
        }
        let mixed = Query { name: words("Nhung An"), ..Query::default() };
        assert!(!mixed.matches(&dossier("Tôn Nữ Hồng Nhung", Some("Nguyễn An"))), "words of two names");
    }
}
