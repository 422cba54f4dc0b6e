//! DynamoDB's capacity accounting, for the cost table (docs/performance.md): item sizes by
//! DynamoDB's rules and the request units a request consumes on an on-demand table, from the
//! request, its answer and the items it left behind.

#![allow(dead_code)]

use serde_json::Value;

/// The global secondary indexes' partition key attributes (every index projects ALL).
const INDEX_KEYS: [&str; 3] = ["gsi1pk", "gsi2pk", "gsi3pk"];

/// An attribute value's size: strings and binaries by their bytes, numbers about one byte per
/// two significant digits plus one, lists and maps 3 bytes plus 1 per element and their contents.
fn value_size(v: &Value) -> usize {
    let Some((kind, inner)) = v.as_object().and_then(|o| o.iter().next()) else { return 0 };
    match kind.as_str() {
        "S" => inner.as_str().map_or(0, str::len),
        "N" => inner.as_str().map_or(0, |n| n.trim_start_matches('-').len().div_ceil(2) + 1),
        "B" => inner.as_str().map_or(0, |b| b.len() * 3 / 4),
        "BOOL" | "NULL" => 1,
        "L" => 3 + inner.as_array().map_or(0, |l| l.iter().map(|x| 1 + value_size(x)).sum()),
        "M" => 3 + inner.as_object().map_or(0, |m| m.iter().map(|(k, x)| 1 + k.len() + value_size(x)).sum()),
        "SS" | "NS" | "BS" => inner.as_array().map_or(0, |l| l.iter().map(|x| x.as_str().map_or(0, str::len)).sum()),
        _ => 0,
    }
}

/// An item's size in bytes: its attribute names and values.
pub fn item_size(item: &Value) -> usize {
    item.as_object().map_or(0, |o| o.iter().map(|(name, v)| name.len() + value_size(v)).sum())
}

/// Write units of writing `item` (its state after the write) once: 1 per KB, on the table and on
/// each index the item is in.
pub fn write_units(item: &Value, transactional: bool) -> f64 {
    let kb = item_size(item).div_ceil(1024).max(1) as f64;
    let indexes = INDEX_KEYS.iter().filter(|k| item.get(**k).is_some()).count() as f64;
    kb * if transactional { 2.0 } else { 1.0 } + kb * indexes
}

/// Read units of reading `bytes` in one request: 1 per 4 KB, half for an eventually consistent read.
pub fn read_units(bytes: usize, consistent: bool) -> f64 {
    let units = bytes.div_ceil(4096).max(1) as f64;
    if consistent {
        units
    } else {
        units / 2.0
    }
}
