//! Just enough XML to read a workbook's parts: start and end tags with their attributes, text
//! with the five named entities and character references decoded, CDATA as text. No document
//! type declarations (a workbook has none; refusing them means no entity can expand), no
//! namespaces beyond dropping a tag's prefix (`x:c` is `c`).

/// One piece of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token<'a> {
    /// `<name attrs>` or, `empty`, `<name attrs/>`.
    Start {
        name: &'a str,
        attrs: &'a str,
        empty: bool,
    },
    End(&'a str),
    /// Text between tags, still encoded.
    Text(&'a str),
    /// A CDATA section's text, as is.
    Cdata(&'a str),
}

/// Why a part is not XML this reader accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed XML: {0}")]
pub struct XmlError(pub &'static str);

/// The tokens of `doc`, in order.
pub fn tokens(doc: &str) -> impl Iterator<Item = Result<Token<'_>, XmlError>> {
    let mut rest = doc;
    std::iter::from_fn(move || loop {
        if rest.is_empty() {
            return None;
        }
        let Some(lt) = rest.find('<') else {
            let text = std::mem::take(&mut rest);
            return Some(Ok(Token::Text(text)));
        };
        if lt > 0 {
            let (text, after) = rest.split_at(lt);
            rest = after;
            return Some(Ok(Token::Text(text)));
        }
        let skip = |rest: &mut &str, open: &str, close: &str| -> Option<Result<(), XmlError>> {
            if !rest.starts_with(open) {
                return None;
            }
            Some(match rest.find(close) {
                Some(end) => {
                    *rest = &rest[end + close.len()..];
                    Ok(())
                }
                None => Err(XmlError("an unclosed declaration or comment")),
            })
        };
        if let Some(done) = skip(&mut rest, "<?", "?>").or_else(|| skip(&mut rest, "<!--", "-->")) {
            if let Err(e) = done {
                return Some(Err(e));
            }
            continue;
        }
        if rest.starts_with("<!DOCTYPE") || rest.starts_with("<!ENTITY") {
            return Some(Err(XmlError("a document type declaration")));
        }
        if let Some(body) = rest.strip_prefix("<![CDATA[") {
            let Some(end) = body.find("]]>") else { return Some(Err(XmlError("an unclosed CDATA section"))) };
            rest = &body[end + 3..];
            return Some(Ok(Token::Cdata(&body[..end])));
        }
        let Some(gt) = rest.find('>') else { return Some(Err(XmlError("an unclosed tag"))) };
        let inner = &rest[1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = inner.strip_prefix('/') {
            return Some(Ok(Token::End(local(name.trim()))));
        }
        let (inner, empty) = match inner.strip_suffix('/') {
            Some(i) => (i, true),
            None => (inner, false),
        };
        let split = inner.find(|c: char| c.is_ascii_whitespace()).unwrap_or(inner.len());
        return Some(Ok(Token::Start { name: local(&inner[..split]), attrs: &inner[split..], empty }));
    })
}

/// A name without its namespace prefix.
fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// The attribute `name`'s value (decoded) in a start tag's `attrs`, prefix aside.
pub fn attr(attrs: &str, name: &str) -> Option<String> {
    let mut rest = attrs;
    loop {
        let eq = rest.find('=')?;
        let key = rest[..eq].trim();
        let after = rest[eq + 1..].trim_start();
        let quote = after.chars().next().filter(|q| *q == '"' || *q == '\'')?;
        let end = after[1..].find(quote)?;
        if local(key) == name {
            return Some(decode(&after[1..1 + end]));
        }
        rest = &after[end + 2..];
    }
}

/// Text with `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` and `&#…;` decoded (anything else kept).
pub fn decode(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|&s| s <= 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .map(|hex| u32::from_str_radix(hex, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse::<u32>))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_text_and_entities_read_as_written() {
        let doc = r#"<?xml version="1.0"?><!-- c --><x:sst count='2'><si><t xml:space="preserve">a &amp; b&#x1EA1;&#7841;</t></si><br/><![CDATA[<raw>]]></x:sst>"#;
        let all: Vec<Token<'_>> = tokens(doc).collect::<Result<_, _>>().unwrap();
        assert_eq!(all[0], Token::Start { name: "sst", attrs: " count='2'", empty: false });
        assert_eq!(attr(" count='2'", "count").as_deref(), Some("2"));
        assert_eq!(attr(r#" xml:space="preserve" r="A&amp;1""#, "r").as_deref(), Some("A&1"));
        assert_eq!(all[3], Token::Text("a &amp; b&#x1EA1;&#7841;"));
        assert_eq!(decode("a &amp; b&#x1EA1;&#7841; &unknown; &"), "a & bạạ &unknown; &");
        assert_eq!(all[5], Token::End("si"));
        assert_eq!(all[6], Token::Start { name: "br", attrs: "", empty: true });
        assert_eq!(all[7], Token::Cdata("<raw>"));
        assert_eq!(all[8], Token::End("sst"));
        let bomb = r#"<!DOCTYPE lolz [<!ENTITY lol "lol">]><x>&lol;</x>"#;
        assert!(tokens(bomb).any(|t| t.is_err()), "no document type declarations");
        assert!(tokens("<a").any(|t| t.is_err()));
    }
}
