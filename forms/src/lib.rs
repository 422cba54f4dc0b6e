//! The one-stop desk's printed forms (Circular 01/2018/TT-VPCP) as PDF: the reception receipt,
//! the tracking card, the supplement request, the refusal and the apology. Each form is built
//! from the dossier and its history as a [`Sheet`] (what it says, in Vietnamese), laid out on A5
//! paper and written as a PDF with the glyphs it uses from an embedded DejaVu subset and a QR
//! code of the dossier's public lookup address. Pure: bytes out, no I/O.

pub mod desk;
pub mod font;
mod layout;
mod pdf;
mod qr;
#[cfg(any(test, feature = "test-support"))]
pub mod readback;
pub mod sheet;
pub mod subject;

pub use desk::{Form, FormContext, FormUnavailable};
pub use sheet::Sheet;

/// The PDF of a sheet.
pub fn render(sheet: &Sheet) -> Vec<u8> {
    pdf::write(&layout::pages(sheet), &sheet.title, &sheet.code)
}

#[cfg(test)]
mod tests;
