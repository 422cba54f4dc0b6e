//! edXML packages and status packets: what is written reads back the same, and what is not a
//! package of the standard is refused whole.

use chrono::NaiveDate;

use super::*;

fn package() -> Package {
    let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    Package {
        from: Organ { id: "000.00.03.H56".into(), name: "Sở Tư pháp tỉnh Khánh Hòa".into() },
        to: Organ { id: "000.00.20.H56".into(), name: "Công an tỉnh Khánh Hòa".into() },
        code_number: "12".into(),
        code_notation: "STP-HCTP".into(),
        place: "Nha Trang".into(),
        promulgated: day,
        type_code: "18".into(),
        type_name: "Công văn".into(),
        subject: "Xác minh lý lịch tư pháp: hồ sơ 000.00.03.H56-261202-0007 & <kèm tệp>".into(),
        content: "Đề nghị xác minh thông tin \"án tích\" của người nộp.".into(),
        signer: Signer {
            competence: "KT.".into(), position: "Phó Giám đốc".into(), full_name: "Trần Văn Bình".into()
        },
        due: Some(NaiveDate::from_ymd_opt(2026, 12, 9).unwrap()),
        response_for: Some(ResponseFor {
            organ_id: "000.00.20.H56".into(),
            code: "7/CAT-PV06".into(),
            promulgated: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            document_id: "000.00.20.H56,2026/11/30,7/CAT-PV06".into(),
        }),
        trace: vec![Trace { organ_id: "000.00.03.H56".into(), at: day.and_hms_opt(9, 30, 0).unwrap() }],
        attachments: vec![
            Attachment {
                content_id: "0001".into(),
                name: "Tờ khai.pdf".into(),
                content_type: "application/pdf".into(),
                description: "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp".into(),
                bytes: b"%PDF-1.7 \x00\xff binary".to_vec(),
            },
            Attachment {
                content_id: "0002".into(),
                name: "CCCD.jpg".into(),
                content_type: "image/jpeg".into(),
                description: "Bản chụp giấy tờ tùy thân".into(),
                bytes: vec![0xff, 0xd8, 0xff, 0xe0],
            },
        ],
    }
}

fn status() -> StatusPacket {
    StatusPacket {
        response_for_organ: "000.00.03.H56".into(),
        response_for_code: "12/STP-HCTP".into(),
        response_for_date: NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
        document_id: package().document_id(),
        from: Organ { id: "000.00.20.H56".into(), name: "Công an tỉnh Khánh Hòa".into() },
        code: StatusCode::Completed,
        description: "Không có án tích".into(),
        at: NaiveDate::from_ymd_opt(2026, 12, 4).unwrap().and_hms_opt(15, 5, 9).unwrap(),
        staff: Some(Staff { department: "Phòng Hồ sơ".into(), name: "Lê Văn C".into() }),
    }
}

#[test]
fn a_package_reads_back_as_written_with_its_document_id() {
    let p = package();
    assert_eq!(p.document_id(), "000.00.03.H56,2026/12/02,12/STP-HCTP");
    let xml = p.to_xml();
    let text = String::from_utf8(xml.clone()).unwrap();
    assert!(text.starts_with(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><edXML xmlns=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\">"
    ));
    assert!(text.contains("&amp; &lt;kèm tệp&gt;"), "text is escaped by the writer");
    assert!(text.contains("<edXML:DocumentId>000.00.03.H56,2026/12/02,12/STP-HCTP</edXML:DocumentId>"));
    assert!(text.contains("<edXML:ContentId>cid:0001</edXML:ContentId>"));
    assert_eq!(Package::parse(&xml).unwrap(), p);
    let bare = Package { attachments: vec![], due: None, trace: vec![], response_for: None, ..p };
    assert_eq!(Package::parse(&bare.to_xml()).unwrap(), bare);
}

#[test]
fn a_status_packet_reads_back_as_written() {
    let s = status();
    let xml = s.to_xml();
    let text = String::from_utf8(xml.clone()).unwrap();
    assert!(text.contains("<edXML:StatusCode>06</edXML:StatusCode>"));
    assert!(text.contains("<edXML:Timestamp>04/12/2026 15:05:09</edXML:Timestamp>"));
    assert_eq!(StatusPacket::parse(&xml).unwrap(), s);
    for code in StatusCode::ALL {
        let s = StatusPacket { code, staff: None, ..status() };
        assert_eq!(StatusPacket::parse(&s.to_xml()).unwrap(), s);
    }
}

fn refused(xml: &str) -> InvalidPackage {
    Package::parse(xml.as_bytes()).unwrap_err()
}

#[test]
fn what_is_not_a_package_of_the_standard_is_refused_whole() {
    let good = String::from_utf8(package().to_xml()).unwrap();
    // Not XML, or not closed.
    assert!(matches!(refused("not xml"), InvalidPackage::Malformed(_) | InvalidPackage::Missing(_)));
    assert!(matches!(refused(&good[..good.len() - 10]), InvalidPackage::Malformed(_)));
    assert!(matches!(refused(&good.replace("</edXML:Subject>", "</edXML:Subjekt>")), InvalidPackage::Malformed(_)));
    // A document type, which could declare entities: never read.
    let dtd = good.replacen("<edXML ", "<!DOCTYPE edXML [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><edXML ", 1);
    assert_eq!(refused(&dtd), InvalidPackage::Doctype);
    assert!(matches!(refused(&good.replace("Nha Trang", "&x;")), InvalidPackage::Malformed(_)), "an unknown entity");
    // A part missing, or a date that is not one.
    let no_subject = good.replace(
        &format!(
            "<edXML:Subject>{}</edXML:Subject>",
            "Xác minh lý lịch tư pháp: hồ sơ 000.00.03.H56-261202-0007 &amp; &lt;kèm tệp&gt;"
        ),
        "",
    );
    assert_eq!(refused(&no_subject), InvalidPackage::Missing("Subject"));
    assert!(matches!(refused(&good.replace("2026/12/09", "09/12/2026")), InvalidPackage::Invalid("DueDate", _)));
    // A DocumentId that is not the header's.
    let other = good.replace("000.00.03.H56,2026/12/02,12/STP-HCTP", "000.00.03.H56,2026/12/02,13/STP-HCTP");
    assert!(matches!(refused(&other), InvalidPackage::DocumentId(_)));
    // Attachments: one not carried, one carried twice, one not base64.
    let missing = good.replace("<ContentId>0002</ContentId>", "<ContentId>0003</ContentId>");
    assert!(matches!(refused(&missing), InvalidPackage::Attachments(_)));
    let i = good.find("<Attachment>").unwrap();
    let j = good.find("</Attachment>").unwrap() + "</Attachment>".len();
    let twice = format!("{}{}{}", &good[..j], &good[i..j], &good[j..]);
    assert!(matches!(refused(&twice), InvalidPackage::Attachments(_)));
    let k = good.find("<ContentTransferEncoded>").unwrap() + "<ContentTransferEncoded>".len();
    let not_base64 = format!("{}!!{}", &good[..k], &good[k..]);
    assert!(matches!(refused(&not_base64), InvalidPackage::Attachments(_)));
    // Nested beyond any package.
    let deep = format!("{}x{}", "<a>".repeat(40), "</a>".repeat(40));
    assert!(matches!(refused(&deep), InvalidPackage::Malformed(_)));
}

#[test]
fn a_status_packet_with_an_unknown_code_or_time_is_refused() {
    let good = String::from_utf8(status().to_xml()).unwrap();
    let unknown = good.replace("<edXML:StatusCode>06</edXML:StatusCode>", "<edXML:StatusCode>99</edXML:StatusCode>");
    assert!(matches!(StatusPacket::parse(unknown.as_bytes()), Err(InvalidPackage::Invalid("StatusCode", _))));
    let time = good.replace("04/12/2026 15:05:09", "2026-12-04T15:05:09");
    assert!(matches!(StatusPacket::parse(time.as_bytes()), Err(InvalidPackage::Invalid("Timestamp", _))));
    assert!(matches!(StatusPacket::parse(package().to_xml().as_slice()), Err(InvalidPackage::Missing("Status"))));
}

#[test]
fn a_call_is_believed_only_as_signed() {
    let headers =
        signing::sign("000.00.03.H56", "bi-mat-truc", "02122026T093000+000", &[("docId", "42"), ("status", "done")]);
    let find = |hs: &[(String, String)], name: &str| {
        hs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
    };
    let secret_of = |system: &str| (system == "000.00.03.H56").then(|| "bi-mat-truc".to_owned());
    let params = signing::verify(|n| find(&headers, n), secret_of).unwrap();
    assert_eq!(params["docId"], "42");
    assert_eq!(params["status"], "done");
    // A parameter changed after signing, another secret, an unknown system, no signature.
    let mut changed = headers.clone();
    changed.iter_mut().find(|(k, _)| k == "XroadVnpt-docId").unwrap().1 = "43".into();
    assert!(signing::verify(|n| find(&changed, n), secret_of).is_err());
    assert!(signing::verify(|n| find(&headers, n), |_| Some("khac".into())).is_err());
    assert!(signing::verify(|n| find(&headers, n), |_| None).is_err());
    let unsigned: Vec<(String, String)> =
        headers.iter().filter(|(k, _)| !k.ends_with("hash-header")).cloned().collect();
    assert!(signing::verify(|n| find(&unsigned, n), secret_of).is_err());
}
