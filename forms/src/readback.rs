//! Reading a PDF back as its reader would, for tests (feature `test-support`): the text through
//! poppler's `pdftotext`, the QR code through zbar's `zbarimg` on the first page as poppler's
//! `pdftoppm` renders it at 150 dpi (Debian's poppler-utils and zbar-tools; `scripts/test`
//! installs them).

use std::process::Command;

fn tool(name: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} runs ({e}); scripts/test installs poppler-utils and zbar-tools"));
    assert!(out.status.success(), "{name} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// The PDF's text as `pdftotext -layout` extracts it, and what its first page's QR code holds.
pub fn read(pdf: &[u8]) -> (String, String) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("form.pdf");
    std::fs::write(&file, pdf).expect("a writable temporary directory");
    let page = dir.path().join("page");
    let (file, page) = (file.to_str().unwrap_or_default(), page.to_str().unwrap_or_default());
    let text = String::from_utf8(tool("pdftotext", &["-layout", file, "-"])).expect("UTF-8 text");
    tool("pdftoppm", &["-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", file, page]);
    let qr = String::from_utf8(tool("zbarimg", &["--quiet", "--raw", &format!("{page}.png")])).expect("UTF-8");
    (text, qr.trim().to_owned())
}
