//! CloudWatch metrics as embedded-metric-format log lines (`docs/operations.md`, *Monitoring*):
//! one JSON line on stdout that Lambda's log delivery turns into metrics of the namespace
//! `motcua`, with no API call and no permission. The queues' figures come from `notify`'s
//! sweep; every request of an HTTP function is one line too, with the same figures the one
//! machine's `/metrics` counts: requests, client and server errors, store failures and latency.
//! The only dimension is the function's family (a metric per family, not per route: CloudWatch
//! bills each dimension value as a metric of its own); the route template, method and status
//! ride along as properties, for Logs Insights.

use std::sync::OnceLock;

use serde_json::{json, Value};

/// The family whose requests are published, set once by a Lambda at init; unset on one machine.
static FAMILY: OnceLock<&'static str> = OnceLock::new();

/// Publishes every request of this process as a line of `family`'s figures from now on.
pub fn publish_requests_as(family: &'static str) {
    let _ = FAMILY.set(family);
}

/// One line: `figures` (name, value, unit) under `dimensions` (name, value), with `properties`
/// besides.
pub fn line(dimensions: &[(&str, &str)], figures: &[(&str, f64, &str)], properties: &[(&str, Value)]) -> Value {
    let names: Vec<&str> = dimensions.iter().map(|(name, _)| *name).collect();
    let mut line = json!({
        "_aws": {
            "Timestamp": chrono::Utc::now().timestamp_millis(),
            "CloudWatchMetrics": [{
                "Namespace": "motcua",
                "Dimensions": [names],
                "Metrics": figures.iter().map(|(name, _, unit)| json!({"Name": name, "Unit": unit})).collect::<Vec<_>>(),
            }],
        },
    });
    for (name, value) in dimensions {
        line[*name] = json!(value);
    }
    for (name, value, _) in figures {
        line[*name] = json!(value);
    }
    for (name, value) in properties {
        line[*name] = value.clone();
    }
    line
}

/// The line of one answered request of `family`.
pub fn request_line(family: &str, method: &str, route: &str, status: u16, seconds: f64, store_failed: bool) -> Value {
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    line(
        &[("Family", family)],
        &[
            ("Requests", 1.0, "Count"),
            ("ClientErrors", flag((400..500).contains(&status)), "Count"),
            ("ServerErrors", flag(status >= 500), "Count"),
            ("StoreErrors", flag(store_failed), "Count"),
            ("Latency", (seconds * 1e6).round() / 1e3, "Milliseconds"),
        ],
        &[("Route", json!(route)), ("Method", json!(method)), ("Status", json!(status))],
    )
}

/// Prints the request's line, where this process publishes them (a Lambda).
pub fn request(method: &str, route: &str, status: u16, seconds: f64, store_failed: bool) {
    if let Some(family) = FAMILY.get() {
        println!("{}", request_line(family, method, route, status, seconds, store_failed));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_one_line_of_its_familys_figures_without_personal_data() {
        let l = request_line("receive", "POST", "/v1/dossiers/{code}/receive", 503, 0.0123456, true);
        let metrics = &l["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(metrics["Namespace"], "motcua");
        assert_eq!(metrics["Dimensions"], json!([["Family"]]));
        let names: Vec<&str> =
            metrics["Metrics"].as_array().unwrap().iter().map(|m| m["Name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Requests", "ClientErrors", "ServerErrors", "StoreErrors", "Latency"]);
        for name in names {
            assert!(l[name].is_number(), "{name} has its value");
        }
        assert_eq!(
            (l["Family"].as_str(), l["ServerErrors"].as_f64(), l["ClientErrors"].as_f64()),
            (Some("receive"), Some(1.0), Some(0.0))
        );
        assert_eq!(l["Latency"], 12.346);
        assert_eq!(l["Route"], "/v1/dossiers/{code}/receive", "the template, never the path");
    }
}
