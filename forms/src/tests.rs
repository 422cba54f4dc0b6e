//! The renderer read back as a reader would: the text through poppler's `pdftotext`, the QR code
//! through zbar's `zbarimg` on the page poppler's `pdftoppm` rasterises (both Debian packages
//! the test script installs).

use crate::sheet::{Block, Header, Sheet, Signature};

fn sample(rows: usize) -> Sheet {
    Sheet {
        header: Header {
            authority: "Ủy ban nhân dân tỉnh Khánh Hòa".into(),
            unit: "Trung tâm Phục vụ hành chính công tỉnh".into(),
            number: "Số: 000.00.03.H56-261201-0001/TNHS".into(),
            place_date: "Nha Trang, ngày 1 tháng 12 năm 2026".into(),
        },
        title: "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ".into(),
        code: "000.00.03.H56-261201-0001".into(),
        code_label: "Mã hồ sơ".into(),
        qr_hint: None,
        lookup: "http://127.0.0.1:8080/v1/dossiers/000.00.03.H56-261201-0001".into(),
        body: vec![
            Block::field("Tiếp nhận hồ sơ của", "Ông/Bà Nguyễn Thị Hồng Nhung"),
            Block::Text("Nội dung yêu cầu giải quyết: Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam".into()),
            Block::Table {
                columns: vec![("TT".into(), 0.1), ("Tên loại giấy tờ".into(), 0.6), ("Số lượng".into(), 0.3)],
                rows: (1..=rows)
                    .map(|i| vec![i.to_string(), format!("Giấy tờ số {i} của hồ sơ"), "1".into()])
                    .collect(),
            },
            Block::Signatures(vec![
                Signature {
                    role: "NGƯỜI NỘP HỒ SƠ".into(),
                    hint: "(Ký và ghi rõ họ tên)".into(),
                    name: "Nguyễn Thị Hồng Nhung".into(),
                },
                Signature {
                    role: "NGƯỜI TIẾP NHẬN".into(),
                    hint: "(Ký và ghi rõ họ tên)".into(),
                    name: "Trần Văn Đức".into(),
                },
            ]),
        ],
        model: "Mẫu số 01".into(),
    }
}

fn text_of(pdf: &[u8]) -> String {
    crate::readback::read(pdf).0
}

fn qr_of(pdf: &[u8]) -> String {
    crate::readback::read(pdf).1
}

#[test]
fn vietnamese_text_extracts_as_written_and_the_qr_code_reads_back() {
    let pdf = crate::render(&sample(3));
    assert!(pdf.starts_with(b"%PDF-"));
    let text = text_of(&pdf);
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Mã hồ sơ: 000.00.03.H56-261201-0001",
        "Nguyễn Thị Hồng Nhung",
        "Trần Văn Đức",
        "Nha Trang, ngày 1 tháng 12 năm 2026",
    ] {
        assert!(text.contains(expected), "{expected:?} in\n{text}");
    }
    assert_eq!(qr_of(&pdf), "http://127.0.0.1:8080/v1/dossiers/000.00.03.H56-261201-0001");
}

#[test]
fn a_long_table_continues_on_numbered_pages_with_its_header() {
    let pdf = crate::render(&sample(60));
    let text = text_of(&pdf);
    let pages = text.matches("Trang ").count();
    assert!(pages >= 2, "{text}");
    for page in 1..=pages {
        assert!(text.contains(&format!("Trang {page}/{pages}")), "{text}");
    }
    assert!(text.matches("Tên loại giấy tờ").count() >= 2, "the header row repeats: {text}");
    assert!(text.contains("Giấy tờ số 60 của hồ sơ"));
}

#[test]
#[ignore = "writes the sample forms for a look: cargo test -p motcua-forms -- --ignored (into the temporary directory)"]
fn write_samples() {
    let dir = std::env::temp_dir();
    std::fs::write(dir.join("sample-short.pdf"), crate::render(&sample(3))).expect("writable");
    std::fs::write(dir.join("sample-long.pdf"), crate::render(&sample(60))).expect("writable");
}

#[test]
fn a_form_embeds_only_the_glyphs_it_shows() {
    let pdf = crate::render(&sample(3));
    assert!(pdf.len() < 60_000, "{} bytes", pdf.len());
    assert_eq!(crate::render(&sample(3)), pdf, "the same sheet gives the same bytes");
}
