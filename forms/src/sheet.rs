//! What a printed form says, before it is laid out: the common header of every one-stop form,
//! the title, the dossier code with its QR code, and the body as blocks of text, labelled
//! values, tables and signature blocks.

/// A form, ready to lay out.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub header: Header,
    /// The form's title, in capitals as printed.
    pub title: String,
    /// The dossier code (Mã hồ sơ), or the number of what else the sheet is, printed beside
    /// its QR code after `code_label`.
    pub code: String,
    /// What the code is: "Mã hồ sơ" on the desk's forms.
    pub code_label: String,
    /// The line under the code when the QR code holds no address (the desk's forms: how to
    /// look the dossier up).
    pub qr_hint: Option<String>,
    /// What the QR code holds: the dossier's public lookup address, or the code alone.
    pub lookup: String,
    pub body: Vec<Block>,
    /// The form's number in Circular 01/2018 ("Mẫu số 01"), printed at the top right corner.
    pub model: String,
}

/// The two-column header every form starts with.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The parent authority, printed in capitals (Ủy ban nhân dân tỉnh …).
    pub authority: String,
    /// The issuing unit (the agency or its one-stop desk).
    pub unit: String,
    /// The form's number and notation (Số: …).
    pub number: String,
    /// The place and date line (Nha Trang, ngày 12 tháng 3 năm 2027).
    pub place_date: String,
}

/// A part of the body.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph, wrapped to the width.
    Text(String),
    /// A paragraph in bold.
    Strong(String),
    /// A small paragraph in the margin's voice: notes and instructions.
    Note(String),
    /// A label and its value on one line (wrapped under the value if long).
    Field { label: String, value: String },
    /// A table with a header row; widths are shares of the text width.
    Table { columns: Vec<(String, f32)>, rows: Vec<Vec<String>> },
    /// Signature blocks side by side: who signs, the hint under it, the name after the space.
    Signatures(Vec<Signature>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Signature {
    pub role: String,
    pub hint: String,
    pub name: String,
}

impl Block {
    pub fn field(label: &str, value: impl Into<String>) -> Self {
        Block::Field { label: label.to_owned(), value: value.into() }
    }
}
