//! Writing packages and status packets with `quick-xml`'s writer: every text escaped by the
//! writer, never pasted into markup.

use base64::Engine;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use super::{Organ, Package, StatusPacket, NAMESPACE};

type W = Writer<Vec<u8>>;
type Written = std::io::Result<()>;

const DATE: &str = "%Y/%m/%d";
const TIMESTAMP: &str = "%Y/%m/%d %H:%M:%S";
/// The status packet's timestamp, as the axis writes it.
pub(super) const STATUS_TIMESTAMP: &str = "%d/%m/%Y %H:%M:%S";

fn text(w: &mut W, name: &str, value: &str) -> Written {
    w.create_element(name).write_text_content(BytesText::new(value)).map(|_| ())
}

fn group(w: &mut W, name: &str, inner: impl FnOnce(&mut W) -> Written) -> Written {
    w.create_element(name).write_inner_content(inner).map(|_| ())
}

fn organ(w: &mut W, name: &str, o: &Organ) -> Written {
    group(w, name, |w| {
        text(w, "edXML:OrganId", &o.id)?;
        text(w, "edXML:OrganizationInCharge", &o.name)?;
        text(w, "edXML:OrganName", &o.name)
    })
}

fn document(w: &mut W, writes: impl FnOnce(&mut W) -> Written) -> Vec<u8> {
    // Writing into memory cannot fail.
    let written = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None))).and_then(|()| writes(w));
    debug_assert!(written.is_ok());
    std::mem::take(w.get_mut())
}

impl Package {
    /// The package as the axis carries it.
    pub fn to_xml(&self) -> Vec<u8> {
        let mut w = Writer::new(Vec::new());
        document(&mut w, |w| {
            w.create_element("edXML").with_attribute(("xmlns", NAMESPACE)).write_inner_content(|w| {
                w.create_element("edXML:edXMLEnvelope")
                    .with_attribute(("xmlns:edXML", NAMESPACE))
                    .write_inner_content(|w| {
                        group(w, "edXML:edXMLHeader", |w| {
                            group(w, "edXML:MessageHeader", |w| self.message_header(w))?;
                            self.trace_list(w)?;
                            w.create_element("edXML:DigitalSignature").write_empty().map(|_| ())
                        })?;
                        group(w, "edXML:edXMLBody", |w| {
                            w.create_element("edXML:edXMLManifest")
                                .with_attribute(("version", "1.0"))
                                .write_inner_content(|w| self.manifest(w))
                                .map(|_| ())
                        })
                    })?;
                if !self.attachments.is_empty() {
                    group(w, "AttachmentEncoded", |w| self.encoded(w))?;
                }
                Ok(())
            })?;
            Ok(())
        })
    }

    fn message_header(&self, w: &mut W) -> Written {
        organ(w, "edXML:From", &self.from)?;
        organ(w, "edXML:To", &self.to)?;
        group(w, "edXML:Code", |w| {
            text(w, "edXML:CodeNumber", &self.code_number)?;
            text(w, "edXML:CodeNotation", &self.code_notation)
        })?;
        group(w, "edXML:PromulgationInfo", |w| {
            text(w, "edXML:Place", &self.place)?;
            text(w, "edXML:PromulgationDate", &self.promulgated.format(DATE).to_string())
        })?;
        group(w, "edXML:DocumentType", |w| {
            text(w, "edXML:Type", &self.type_code)?;
            text(w, "edXML:TypeName", &self.type_name)
        })?;
        text(w, "edXML:Subject", &self.subject)?;
        text(w, "edXML:Content", &self.content)?;
        group(w, "edXML:SignerInfo", |w| {
            text(w, "edXML:Competence", &self.signer.competence)?;
            text(w, "edXML:Position", &self.signer.position)?;
            text(w, "edXML:FullName", &self.signer.full_name)
        })?;
        if let Some(due) = self.due {
            text(w, "edXML:DueDate", &due.format(DATE).to_string())?;
        }
        group(w, "edXML:ToPlaces", |w| text(w, "edXML:Place", &self.to.name))?;
        if let Some(r) = &self.response_for {
            group(w, "edXML:ResponseFor", |w| {
                text(w, "edXML:OrganId", &r.organ_id)?;
                text(w, "edXML:Code", &r.code)?;
                text(w, "edXML:PromulgationDate", &r.promulgated.format(DATE).to_string())?;
                text(w, "edXML:DocumentId", &r.document_id)
            })?;
        }
        text(w, "edXML:SteeringType", "0")?;
        text(w, "edXML:DocumentId", &self.document_id())
    }

    fn trace_list(&self, w: &mut W) -> Written {
        w.create_element("edXML:TraceHeaderList")
            .write_inner_content(|w| {
                for t in &self.trace {
                    group(w, "edXML:TraceHeader", |w| {
                        text(w, "edXML:OrganId", &t.organ_id)?;
                        text(w, "edXML:Timestamp", &t.at.format(TIMESTAMP).to_string())
                    })?;
                }
                Ok(())
            })
            .map(|_| ())
    }

    fn manifest(&self, w: &mut W) -> Written {
        for a in &self.attachments {
            group(w, "edXML:Reference", |w| {
                text(w, "edXML:ContentId", &format!("cid:{}", a.content_id))?;
                text(w, "edXML:ContentType", &a.content_type)?;
                text(w, "edXML:Description", &a.description)?;
                text(w, "edXML:AttachmentName", &a.name)
            })?;
        }
        Ok(())
    }

    fn encoded(&self, w: &mut W) -> Written {
        for a in &self.attachments {
            group(w, "Attachment", |w| {
                text(w, "ContentType", &a.content_type)?;
                text(w, "ContentId", &a.content_id)?;
                text(w, "Description", &a.description)?;
                text(w, "ContentTransferEncoded", &base64::engine::general_purpose::STANDARD.encode(&a.bytes))?;
                text(w, "AttachmentName", &a.name)
            })?;
        }
        Ok(())
    }
}

impl StatusPacket {
    /// The packet as the axis carries it.
    pub fn to_xml(&self) -> Vec<u8> {
        let mut w = Writer::new(Vec::new());
        document(&mut w, |w| {
            w.create_element("SOAP-ENV:Envelope")
                .with_attribute(("xmlns:SOAP-ENV", "http://schemas.xmlsoap.org/soap/envelope/"))
                .write_inner_content(|w| {
                    group(w, "SOAP-ENV:Header", |w| {
                        w.create_element("edXML:Status")
                            .with_attribute(("xmlns:edXML", NAMESPACE))
                            .write_inner_content(|w| self.body(w))
                            .map(|_| ())
                    })?;
                    w.create_element("SOAP-ENV:Body").write_empty().map(|_| ())
                })?;
            Ok(())
        })
    }

    fn body(&self, w: &mut W) -> Written {
        group(w, "edXML:ResponseFor", |w| {
            text(w, "edXML:OrganId", &self.response_for_organ)?;
            text(w, "edXML:Code", &self.response_for_code)?;
            text(w, "edXML:PromulgationDate", &self.response_for_date.format(DATE).to_string())?;
            text(w, "edXML:DocumentId", &self.document_id)
        })?;
        organ(w, "edXML:From", &self.from)?;
        text(w, "edXML:StatusCode", self.code.code())?;
        text(w, "edXML:Description", &self.description)?;
        text(w, "edXML:Timestamp", &self.at.format(STATUS_TIMESTAMP).to_string())?;
        if let Some(staff) = &self.staff {
            group(w, "edXML:StaffInfo", |w| {
                text(w, "edXML:Department", &staff.department)?;
                text(w, "edXML:Staff", &staff.name)
            })?;
        }
        Ok(())
    }
}
