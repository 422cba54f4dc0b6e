//! The national document interconnection axis (Trục liên thông văn bản quốc gia) and its
//! packages (QCVN 102:2016, edXML): a document sent from one agency to another with its header
//! (who sends to whom, the document's number and notation, where and when it was promulgated,
//! its type, subject, content, signer and due date), the trace of the agencies it passed, and
//! its files as base64 attachments listed in the manifest; and the status packets the
//! receiving agency answers with (arrived, rejected, accepted, assigned, processing, completed,
//! and the recall codes). Written with a real XML writer and read with a real parser
//! (`quick-xml`): a package that does not parse, lacks a part, names an attachment it does not
//! carry, or whose DocumentId contradicts its header is refused whole.

pub mod exchange;
pub mod journal;
mod read;
pub mod signing;
mod status;
#[cfg(test)]
mod tests;
mod write;

use chrono::{NaiveDate, NaiveDateTime};

pub use exchange::{Exchange, ExchangeState};
pub use read::InvalidPackage;
pub use status::{Staff, StatusCode, StatusPacket};

/// The namespace of QCVN 102:2016.
pub const NAMESPACE: &str = "http://www.mic.gov.vn/TBT/QCVN_102_2016";

/// The largest package read (its attachments are base64 inside it).
pub const MAX_PACKAGE_BYTES: usize = 64 * 1024 * 1024;

/// An agency on the axis: its code there (mã định danh) and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organ {
    pub id: String,
    pub name: String,
}

/// The document a reply answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseFor {
    pub organ_id: String,
    /// `number/notation`.
    pub code: String,
    pub promulgated: NaiveDate,
    pub document_id: String,
}

/// Who signed the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// Thẩm quyền ký: `Trực tiếp`, `Thay mặt` (TM.), `Ký thay` (KT.), …
    pub competence: String,
    pub position: String,
    pub full_name: String,
}

/// One agency the package passed, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    pub organ_id: String,
    /// Vietnam time.
    pub at: NaiveDateTime,
}

/// A file the package carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// How the manifest names it (without `cid:`).
    pub content_id: String,
    pub name: String,
    pub content_type: String,
    pub description: String,
    pub bytes: Vec<u8>,
}

/// An edXML package (văn bản điện tử liên thông).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub from: Organ,
    pub to: Organ,
    /// Số: the document's number.
    pub code_number: String,
    /// Ký hiệu: its notation (`STP-HCTP`).
    pub code_notation: String,
    pub place: String,
    pub promulgated: NaiveDate,
    /// The document type's code in the standard's list, and its name (`Công văn`).
    pub type_code: String,
    pub type_name: String,
    /// Trích yếu: what it is about.
    pub subject: String,
    pub content: String,
    pub signer: Signer,
    pub due: Option<NaiveDate>,
    /// The document this one answers (văn bản phúc đáp): a reply names the package it replies to.
    pub response_for: Option<ResponseFor>,
    pub trace: Vec<Trace>,
    pub attachments: Vec<Attachment>,
}

impl Package {
    /// `{sender},{YYYY/MM/DD},{number}/{notation}`: the document's identity on the axis.
    pub fn document_id(&self) -> String {
        format!("{},{},{}/{}", self.from.id, self.promulgated.format("%Y/%m/%d"), self.code_number, self.code_notation)
    }
}
