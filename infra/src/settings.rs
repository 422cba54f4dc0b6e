//! Reading an adapter's settings from the environment (or any source, for tests): a number
//! within its range, a secret given directly or in a file. Every error names the setting and
//! never shows a secret.

/// Where settings come from: a setting's trimmed, non-empty value by name.
pub trait Vars: Fn(&str) -> Option<String> {}

impl<F: Fn(&str) -> Option<String>> Vars for F {}

/// The process environment as [`Vars`].
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// `name` as a whole number in `range`, `default` when unset.
pub fn number(var: &impl Vars, name: &str, default: u64, range: std::ops::RangeInclusive<u64>) -> Result<u64, String> {
    match var(name) {
        None => Ok(default),
        Some(v) => v
            .parse::<u64>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| format!("{name}: `{v}` is not a number from {} to {}", range.start(), range.end())),
    }
}

/// `name` as a comma-separated list (each value trimmed, empty ones dropped); none when unset.
pub fn list(var: &impl Vars, name: &str) -> Option<Vec<String>> {
    var(name).map(|v| v.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
}

/// `url`, the value of `name`, if it is an http(s) address.
pub fn http_address(name: &str, url: String) -> Result<String, String> {
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(url)
    } else {
        Err(format!("{name}: `{url}` is not an http(s) address"))
    }
}

/// The secret in `name`, or in the file named by `<name>_FILE` (trimmed); none when neither is set.
pub fn secret(var: &impl Vars, name: &str) -> Result<Option<String>, String> {
    if let Some(value) = var(name) {
        return Ok(Some(value));
    }
    let file = format!("{name}_FILE");
    match var(&file) {
        None => Ok(None),
        Some(path) => std::fs::read_to_string(&path)
            .map(|s| Some(s.trim().to_owned()))
            .map_err(|e| format!("{file}: cannot read {path}: {e}")),
    }
}

/// The SMS caps a Vietnam day (`MOTCUA_SMS_CAP_PER_DOSSIER`, default 6;
/// `MOTCUA_SMS_CAP_PER_PHONE`, default 15): above them an SMS is not sent and the notice goes
/// by email where there is one.
pub fn sms_caps(var: &impl Vars) -> Result<motcua_domain::notify::delivery::SmsCaps, String> {
    let default = motcua_domain::notify::delivery::SmsCaps::default();
    Ok(motcua_domain::notify::delivery::SmsCaps {
        per_dossier_per_day: number(var, "MOTCUA_SMS_CAP_PER_DOSSIER", default.per_dossier_per_day.into(), 1..=100)?
            as u32,
        per_phone_per_day: number(var, "MOTCUA_SMS_CAP_PER_PHONE", default.per_phone_per_day.into(), 1..=1_000)? as u32,
    })
}
