//! A TrueType subsetter: keeps the glyphs asked for (and the glyphs their composites are built
//! from), renumbers them densely from 0 (`.notdef` stays 0), and writes a font with only the
//! tables a PDF viewer reads from an embedded `FontFile2`; optionally without the hinting
//! programs (the glyphs' instructions, `fpgm`, `prep`, `cvt `), which printers and PDF viewers
//! do without and which are half of DejaVu's bytes. The build script uses it to cut the
//! DejaVu face down to the Vietnamese repertoire; each PDF uses it again to embed only the
//! glyphs it shows. Standard library only, so the build script can include this file as is.

use std::collections::BTreeMap;

/// Why a font could not be subset: the font is damaged or not TrueType outlines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadFont(pub &'static str);

/// The subset font and, for each kept old glyph id, its new id.
pub struct Subset {
    pub font: Vec<u8>,
    pub glyphs: BTreeMap<u16, u16>,
}

/// Tables copied as they are: hinting programs and values the glyphs' instructions use, and
/// the OS/2 metrics some viewers read.
const COPIED: [&[u8; 4]; 4] = [b"cvt ", b"fpgm", b"prep", b"OS/2"];

fn u16_at(data: &[u8], at: usize) -> Result<u16, BadFont> {
    data.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]])).ok_or(BadFont("truncated"))
}

fn u32_at(data: &[u8], at: usize) -> Result<u32, BadFont> {
    data.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]])).ok_or(BadFont("truncated"))
}

/// The tables of a font, by tag.
fn tables(font: &[u8]) -> Result<BTreeMap<[u8; 4], &[u8]>, BadFont> {
    let count = u16_at(font, 4)? as usize;
    let mut found = BTreeMap::new();
    for i in 0..count {
        let record = 12 + 16 * i;
        let tag = font.get(record..record + 4).ok_or(BadFont("truncated"))?;
        let offset = u32_at(font, record + 8)? as usize;
        let length = u32_at(font, record + 12)? as usize;
        let data = font.get(offset..offset + length).ok_or(BadFont("table out of bounds"))?;
        found.insert([tag[0], tag[1], tag[2], tag[3]], data);
    }
    Ok(found)
}

fn table<'a>(tables: &BTreeMap<[u8; 4], &'a [u8]>, tag: &[u8; 4]) -> Result<&'a [u8], BadFont> {
    tables.get(tag).copied().ok_or(BadFont("a required table is missing"))
}

/// The outlines of every glyph, as slices of `glyf`.
fn outlines<'a>(head: &[u8], maxp: &[u8], loca: &[u8], glyf: &'a [u8]) -> Result<Vec<&'a [u8]>, BadFont> {
    let count = u16_at(maxp, 4)? as usize;
    let long = u16_at(head, 50)? == 1;
    let offset = |i: usize| -> Result<usize, BadFont> {
        Ok(if long { u32_at(loca, 4 * i)? as usize } else { 2 * u16_at(loca, 2 * i)? as usize })
    };
    (0..count)
        .map(|i| {
            let (start, end) = (offset(i)?, offset(i + 1)?);
            glyf.get(start..end.max(start)).ok_or(BadFont("glyph out of bounds"))
        })
        .collect()
}

const ARGS_ARE_WORDS: u16 = 0x0001;
const HAS_SCALE: u16 = 0x0008;
const MORE_COMPONENTS: u16 = 0x0020;
const HAS_XY_SCALE: u16 = 0x0040;
const HAS_TWO_BY_TWO: u16 = 0x0080;
const HAS_INSTRUCTIONS: u16 = 0x0100;

/// The offsets (within the glyph) of the component glyph ids of a composite glyph.
fn component_offsets(glyph: &[u8]) -> Result<Vec<usize>, BadFont> {
    Ok(components(glyph)?.0)
}

/// The glyph without its instructions (an empty glyph stays empty).
fn unhinted(glyph: &[u8]) -> Result<Vec<u8>, BadFont> {
    if glyph.len() < 10 {
        return Ok(glyph.to_vec());
    }
    let contours = u16_at(glyph, 0)? as i16;
    if contours >= 0 {
        let at = 10 + 2 * contours as usize;
        let length = u16_at(glyph, at)? as usize;
        let rest = glyph.get(at + 2 + length..).ok_or(BadFont("truncated"))?;
        return Ok([&glyph[..at], &[0, 0], rest].concat());
    }
    let (offsets, end) = components(glyph)?;
    let mut out = glyph[..end].to_vec();
    for at in offsets {
        let flags = u16_at(&out, at - 2)? & !HAS_INSTRUCTIONS;
        out[at - 2..at].copy_from_slice(&flags.to_be_bytes());
    }
    Ok(out)
}

/// A composite glyph's component id offsets, and where its components end.
fn components(glyph: &[u8]) -> Result<(Vec<usize>, usize), BadFont> {
    if glyph.len() < 10 || (u16_at(glyph, 0)? as i16) >= 0 {
        return Ok((Vec::new(), glyph.len()));
    }
    let mut offsets = Vec::new();
    let mut at = 10;
    loop {
        let flags = u16_at(glyph, at)?;
        offsets.push(at + 2);
        at += 4 + if flags & ARGS_ARE_WORDS != 0 { 4 } else { 2 };
        at += if flags & HAS_SCALE != 0 {
            2
        } else if flags & HAS_XY_SCALE != 0 {
            4
        } else if flags & HAS_TWO_BY_TWO != 0 {
            8
        } else {
            0
        };
        if flags & MORE_COMPONENTS == 0 {
            return Ok((offsets, at));
        }
    }
}

/// The horizontal metrics (advance, left side bearing) of every glyph.
fn metrics(hhea: &[u8], hmtx: &[u8], count: usize) -> Result<Vec<(u16, i16)>, BadFont> {
    let long = (u16_at(hhea, 34)? as usize).max(1);
    let mut last = 0;
    (0..count)
        .map(|i| {
            if i < long {
                last = u16_at(hmtx, 4 * i)?;
                Ok((last, u16_at(hmtx, 4 * i + 2)? as i16))
            } else {
                Ok((last, u16_at(hmtx, 4 * long + 2 * (i - long))? as i16))
            }
        })
        .collect()
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// Writes a font file from its tables (sorted by tag, each padded to four bytes), with the
/// head's whole-file checksum adjustment.
fn assemble(mut tables: BTreeMap<[u8; 4], Vec<u8>>) -> Vec<u8> {
    let count = tables.len() as u16;
    let power = 1u16 << (15 - count.leading_zeros() as u16).min(15);
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(&(power * 16).to_be_bytes());
    out.extend_from_slice(&(power.trailing_zeros() as u16).to_be_bytes());
    out.extend_from_slice(&(count * 16 - power * 16).to_be_bytes());
    if let Some(head) = tables.get_mut(b"head") {
        head[8..12].copy_from_slice(&[0; 4]);
    }
    let mut offset = 12 + 16 * tables.len();
    let mut body = Vec::new();
    let mut head_at = None;
    for (tag, data) in &tables {
        if tag == b"head" {
            head_at = Some(offset);
        }
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        body.extend_from_slice(data);
        body.resize(body.len().next_multiple_of(4), 0);
        offset = 12 + 16 * tables.len() + body.len();
    }
    out.extend_from_slice(&body);
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

/// Whether the subset keeps the hinting programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hints {
    Keep,
    Drop,
}

/// Keeps `wanted` (glyph ids of `font`; unknown ids are ignored) and what they are built from.
pub fn subset(font: &[u8], wanted: impl IntoIterator<Item = u16>, hints: Hints) -> Result<Subset, BadFont> {
    let all = tables(font)?;
    let (head, hhea, maxp) = (table(&all, b"head")?, table(&all, b"hhea")?, table(&all, b"maxp")?);
    let glyphs = outlines(head, maxp, table(&all, b"loca")?, table(&all, b"glyf")?)?;
    let metrics = metrics(hhea, table(&all, b"hmtx")?, glyphs.len())?;

    // The closure over composites, in old-id order so that the renumbering is stable.
    let mut kept = std::collections::BTreeSet::from([0u16]);
    let mut pending: Vec<u16> = wanted.into_iter().filter(|&g| (g as usize) < glyphs.len()).collect();
    while let Some(g) = pending.pop() {
        if kept.insert(g) {
            for at in component_offsets(glyphs[g as usize])? {
                let component = u16_at(glyphs[g as usize], at)?;
                if (component as usize) < glyphs.len() && !kept.contains(&component) {
                    pending.push(component);
                }
            }
        }
    }
    let renumbered: BTreeMap<u16, u16> = kept.iter().enumerate().map(|(new, &old)| (old, new as u16)).collect();

    let (mut glyf, mut loca, mut hmtx) = (Vec::new(), Vec::new(), Vec::new());
    for &old in &kept {
        loca.extend_from_slice(&(glyf.len() as u32).to_be_bytes());
        let mut glyph = match hints {
            Hints::Keep => glyphs[old as usize].to_vec(),
            Hints::Drop => unhinted(glyphs[old as usize])?,
        };
        for at in component_offsets(&glyph)? {
            let new = renumbered.get(&u16_at(&glyph, at)?).copied().unwrap_or(0);
            glyph[at..at + 2].copy_from_slice(&new.to_be_bytes());
        }
        glyf.extend_from_slice(&glyph);
        glyf.resize(glyf.len().next_multiple_of(4), 0);
        let (advance, bearing) = metrics[old as usize];
        hmtx.extend_from_slice(&advance.to_be_bytes());
        hmtx.extend_from_slice(&bearing.to_be_bytes());
    }
    loca.extend_from_slice(&(glyf.len() as u32).to_be_bytes());

    let count = (kept.len() as u16).to_be_bytes();
    let mut head = head.to_vec();
    head[50..52].copy_from_slice(&1u16.to_be_bytes());
    let mut hhea = hhea.to_vec();
    hhea[34..36].copy_from_slice(&count);
    let mut maxp = maxp.to_vec();
    maxp[4..6].copy_from_slice(&count);
    // Version 3 of `post`: no glyph names, which would no longer match the glyphs.
    let mut post = table(&all, b"post")?.get(..32).ok_or(BadFont("truncated"))?.to_vec();
    post[0..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());

    let mut out: BTreeMap<[u8; 4], Vec<u8>> = BTreeMap::new();
    for (tag, data) in [(*b"head", head), (*b"hhea", hhea), (*b"maxp", maxp), (*b"post", post)] {
        out.insert(tag, data);
    }
    out.insert(*b"glyf", glyf);
    out.insert(*b"loca", loca);
    out.insert(*b"hmtx", hmtx);
    for tag in COPIED.into_iter().filter(|t| hints == Hints::Keep || *t == b"OS/2") {
        if let Some(data) = all.get(tag) {
            out.insert(*tag, data.to_vec());
        }
    }
    Ok(Subset { font: assemble(out), glyphs: renumbered })
}

/// The advance width of every glyph of `font`, by glyph id.
pub fn advances(font: &[u8]) -> Result<Vec<u16>, BadFont> {
    let all = tables(font)?;
    let count = u16_at(table(&all, b"maxp")?, 4)? as usize;
    Ok(metrics(table(&all, b"hhea")?, table(&all, b"hmtx")?, count)?.into_iter().map(|(a, _)| a).collect())
}
