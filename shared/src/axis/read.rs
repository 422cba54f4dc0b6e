//! Reading packages and status packets with `quick-xml`'s parser into a small tree, then into
//! their types. Refused whole, never half read: not well-formed, a document type declaration
//! (no entity ever expands), deeper than any package, a part missing or malformed, an
//! attachment the manifest does not list (or the other way round), a DocumentId that is not
//! the header's.

use base64::Engine;
use chrono::{NaiveDate, NaiveDateTime};
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

use super::status::Staff;
use super::write::STATUS_TIMESTAMP;
use super::{Attachment, Organ, Package, ResponseFor, Signer, StatusCode, StatusPacket, Trace, MAX_PACKAGE_BYTES};

/// Why a package or status packet is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidPackage {
    #[error("gói tin quá lớn / the package is larger than {0} bytes")]
    TooLarge(usize),
    #[error("gói tin không phải XML hợp lệ / the package is not well-formed XML: {0}")]
    Malformed(String),
    #[error("gói tin có khai báo DTD / the package declares a document type")]
    Doctype,
    #[error("gói tin thiếu {0} / the package lacks {0}")]
    Missing(&'static str),
    #[error("{0} không hợp lệ: {1} / {0} is not valid: {1}")]
    Invalid(&'static str, String),
    #[error("DocumentId {0} khác tiêu đề văn bản / the DocumentId {0} is not the header's")]
    DocumentId(String),
    #[error("tệp đính kèm không khớp danh mục: {0} / the attachments do not match the manifest: {0}")]
    Attachments(String),
}

/// Deeper than any package or status packet nests.
const MAX_DEPTH: usize = 16;

/// An element: its local name (the prefix dropped), its text, its children.
#[derive(Debug, Default)]
struct Node {
    name: String,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, name| node.child(name))
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text at `path`, required.
    fn text(&self, path: &[&str], what: &'static str) -> Result<String, InvalidPackage> {
        let t = self.at(path).map(|n| n.text.trim()).unwrap_or_default();
        if t.is_empty() {
            return Err(InvalidPackage::Missing(what));
        }
        Ok(t.to_owned())
    }

    /// The trimmed text at `path`, empty when absent.
    fn optional(&self, path: &[&str]) -> String {
        self.at(path).map(|n| n.text.trim().to_owned()).unwrap_or_default()
    }
}

fn malformed(e: impl std::fmt::Display) -> InvalidPackage {
    InvalidPackage::Malformed(e.to_string())
}

/// The document's root element, parsed.
fn tree(bytes: &[u8]) -> Result<Node, InvalidPackage> {
    if bytes.len() > MAX_PACKAGE_BYTES {
        return Err(InvalidPackage::TooLarge(MAX_PACKAGE_BYTES));
    }
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        match reader.read_event().map_err(malformed)? {
            Event::Start(e) => {
                if stack.len() > MAX_DEPTH {
                    return Err(InvalidPackage::Malformed("nested too deep".into()));
                }
                stack.push(Node { name: AsRef::<str>::as_ref(&e.local_name()).to_owned(), ..Node::default() });
            }
            Event::Empty(e) => {
                let node = Node { name: AsRef::<str>::as_ref(&e.local_name()).to_owned(), ..Node::default() };
                stack.last_mut().ok_or_else(|| malformed("no parent"))?.children.push(node);
            }
            Event::End(_) => {
                let done =
                    stack.pop().filter(|_| !stack.is_empty()).ok_or_else(|| malformed("an end without start"))?;
                stack.last_mut().ok_or_else(|| malformed("no parent"))?.children.push(done);
            }
            Event::Text(t) => {
                let top = stack.last_mut().ok_or_else(|| malformed("no parent"))?;
                top.text.push_str(&t.xml_content(XmlVersion::Implicit1_0));
            }
            Event::CData(c) => {
                let top = stack.last_mut().ok_or_else(|| malformed("no parent"))?;
                top.text.push_str(&c.xml_content(XmlVersion::Implicit1_0));
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(malformed)? {
                    Some(c) => c,
                    None => match r.xml_content(XmlVersion::Implicit1_0).as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => return Err(malformed(format!("the entity &{other}; is not XML's"))),
                    },
                };
                stack.last_mut().ok_or_else(|| malformed("no parent"))?.text.push(resolved);
            }
            Event::DocType(_) => return Err(InvalidPackage::Doctype),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    let mut document = match stack.pop() {
        Some(d) if stack.is_empty() => d,
        _ => return Err(malformed("an element is not closed")),
    };
    match document.children.len() {
        1 => Ok(document.children.remove(0)),
        _ => Err(malformed("not one root element")),
    }
}

fn date(text: &str, what: &'static str) -> Result<NaiveDate, InvalidPackage> {
    NaiveDate::parse_from_str(text, "%Y/%m/%d").map_err(|_| InvalidPackage::Invalid(what, text.to_owned()))
}

fn organ(node: &Node, what: &'static str) -> Result<Organ, InvalidPackage> {
    let id = node.text(&["OrganId"], what)?;
    let name = match node.optional(&["OrganName"]) {
        n if n.is_empty() => node.optional(&["OrganizationInCharge"]),
        n => n,
    };
    Ok(Organ { id, name })
}

impl Package {
    /// Reads a package, or says why it is refused.
    pub fn parse(bytes: &[u8]) -> Result<Package, InvalidPackage> {
        let root = tree(bytes)?;
        let envelope = if root.name == "edXMLEnvelope" {
            &root
        } else {
            root.child("edXMLEnvelope").ok_or(InvalidPackage::Missing("edXMLEnvelope"))?
        };
        let header = envelope.at(&["edXMLHeader", "MessageHeader"]).ok_or(InvalidPackage::Missing("MessageHeader"))?;
        let from = organ(header.child("From").ok_or(InvalidPackage::Missing("From"))?, "From/OrganId")?;
        let to = organ(header.child("To").ok_or(InvalidPackage::Missing("To"))?, "To/OrganId")?;
        let promulgated =
            date(&header.text(&["PromulgationInfo", "PromulgationDate"], "PromulgationDate")?, "PromulgationDate")?;
        let due = match header.optional(&["DueDate"]) {
            d if d.is_empty() => None,
            d => Some(date(&d, "DueDate")?),
        };
        let trace = envelope
            .at(&["edXMLHeader", "TraceHeaderList"])
            .map(|list| list.all("TraceHeader").collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .map(|t| {
                let at = t.text(&["Timestamp"], "TraceHeader/Timestamp")?;
                Ok(Trace {
                    organ_id: t.text(&["OrganId"], "TraceHeader/OrganId")?,
                    at: NaiveDateTime::parse_from_str(&at, "%Y/%m/%d %H:%M:%S")
                        .map_err(|_| InvalidPackage::Invalid("TraceHeader/Timestamp", at.clone()))?,
                })
            })
            .collect::<Result<Vec<_>, InvalidPackage>>()?;
        let package = Package {
            from,
            to,
            code_number: header.text(&["Code", "CodeNumber"], "CodeNumber")?,
            code_notation: header.text(&["Code", "CodeNotation"], "CodeNotation")?,
            place: header.optional(&["PromulgationInfo", "Place"]),
            promulgated,
            type_code: header.optional(&["DocumentType", "Type"]),
            type_name: header.optional(&["DocumentType", "TypeName"]),
            subject: header.text(&["Subject"], "Subject")?,
            content: header.optional(&["Content"]),
            signer: Signer {
                competence: header.optional(&["SignerInfo", "Competence"]),
                position: header.optional(&["SignerInfo", "Position"]),
                full_name: header.optional(&["SignerInfo", "FullName"]),
            },
            due,
            response_for: match header.child("ResponseFor") {
                None => None,
                Some(r) => Some(ResponseFor {
                    organ_id: r.text(&["OrganId"], "ResponseFor/OrganId")?,
                    code: r.optional(&["Code"]),
                    promulgated: date(
                        &r.text(&["PromulgationDate"], "ResponseFor/PromulgationDate")?,
                        "ResponseFor/PromulgationDate",
                    )?,
                    document_id: r.text(&["DocumentId"], "ResponseFor/DocumentId")?,
                }),
            },
            trace,
            attachments: attachments(&root, envelope)?,
        };
        let id = header.text(&["DocumentId"], "DocumentId")?;
        if id != package.document_id() {
            return Err(InvalidPackage::DocumentId(id));
        }
        Ok(package)
    }
}

/// The files the manifest lists, each found once among the encoded attachments, and none
/// more.
fn attachments(root: &Node, envelope: &Node) -> Result<Vec<Attachment>, InvalidPackage> {
    let listed: Vec<&Node> =
        envelope.at(&["edXMLBody", "edXMLManifest"]).map(|m| m.all("Reference").collect()).unwrap_or_default();
    let encoded: Vec<&Node> =
        root.child("AttachmentEncoded").map(|a| a.all("Attachment").collect()).unwrap_or_default();
    if listed.len() != encoded.len() {
        return Err(InvalidPackage::Attachments(format!("{} listed, {} carried", listed.len(), encoded.len())));
    }
    let mut out = Vec::with_capacity(listed.len());
    for reference in listed {
        let cid = reference.text(&["ContentId"], "Reference/ContentId")?;
        let id = cid.strip_prefix("cid:").unwrap_or(&cid).to_owned();
        let mut carried = encoded.iter().filter(|a| a.optional(&["ContentId"]).trim_start_matches("cid:") == id);
        let (Some(a), None) = (carried.next(), carried.next()) else {
            return Err(InvalidPackage::Attachments(format!("{id} is not carried exactly once")));
        };
        let data: String = a.optional(&["ContentTransferEncoded"]).split_whitespace().collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.as_bytes())
            .map_err(|_| InvalidPackage::Attachments(format!("{id} is not base64")))?;
        out.push(Attachment {
            content_id: id,
            name: reference.text(&["AttachmentName"], "Reference/AttachmentName")?,
            content_type: reference.optional(&["ContentType"]),
            description: reference.optional(&["Description"]),
            bytes,
        });
    }
    Ok(out)
}

impl StatusPacket {
    /// Reads a status packet, or says why it is refused.
    pub fn parse(bytes: &[u8]) -> Result<StatusPacket, InvalidPackage> {
        let root = tree(bytes)?;
        let status = match root.name.as_str() {
            "Status" => &root,
            _ => root.at(&["Header", "Status"]).ok_or(InvalidPackage::Missing("Status"))?,
        };
        let code = status.text(&["StatusCode"], "StatusCode")?;
        let at = status.text(&["Timestamp"], "Timestamp")?;
        let staff = status
            .child("StaffInfo")
            .map(|s| Staff { department: s.optional(&["Department"]), name: s.optional(&["Staff"]) });
        Ok(StatusPacket {
            response_for_organ: status.text(&["ResponseFor", "OrganId"], "ResponseFor/OrganId")?,
            response_for_code: status.text(&["ResponseFor", "Code"], "ResponseFor/Code")?,
            response_for_date: date(
                &status.text(&["ResponseFor", "PromulgationDate"], "ResponseFor/PromulgationDate")?,
                "ResponseFor/PromulgationDate",
            )?,
            document_id: status.text(&["ResponseFor", "DocumentId"], "ResponseFor/DocumentId")?,
            from: organ(status.child("From").ok_or(InvalidPackage::Missing("From"))?, "From/OrganId")?,
            code: StatusCode::parse(&code).ok_or(InvalidPackage::Invalid("StatusCode", code.clone()))?,
            description: status.optional(&["Description"]),
            at: NaiveDateTime::parse_from_str(&at, STATUS_TIMESTAMP)
                .map_err(|_| InvalidPackage::Invalid("Timestamp", at.clone()))?,
            staff: staff.filter(|s| !s.department.is_empty() || !s.name.is_empty()),
        })
    }
}
