//! Which family's function serves each route of the API, without linking any family's
//! handlers: what the pages' Lambda needs to invoke the right function for a call
//! ([`crate::web::invoke`]). Kept equal to the families' routers by a test.

use axum::http::Method;

use super::Family;

/// (method, path as the OpenAPI document spells it, the family serving it), every route.
pub const OWNERS: &[(&str, &str, Family)] = &[
    ("PUT", "/v1/admin/agencies/{code}", Family::Admin),
    ("GET", "/v1/admin/axis/journal", Family::Admin),
    ("POST", "/v1/admin/axis/receive", Family::Admin),
    ("GET", "/v1/admin/catalogue/export", Family::Admin),
    ("POST", "/v1/admin/catalogue/import", Family::Admin),
    ("GET", "/v1/admin/holidays/{year}", Family::Admin),
    ("PUT", "/v1/admin/holidays/{year}", Family::Admin),
    ("GET", "/v1/admin/national-codes", Family::Admin),
    ("PUT", "/v1/admin/national-codes/{procedure}", Family::Admin),
    ("GET", "/v1/admin/officers", Family::Admin),
    ("GET", "/v1/admin/officers/{id}", Family::Admin),
    ("PUT", "/v1/admin/officers/{id}", Family::Admin),
    ("POST", "/v1/admin/personal-data", Family::Admin),
    ("GET", "/v1/admin/personal-data/requests", Family::Admin),
    ("POST", "/v1/admin/portal/reconcile", Family::Admin),
    ("GET", "/v1/admin/portal/sync", Family::Admin),
    ("PUT", "/v1/admin/procedures/{code}", Family::Admin),
    ("GET", "/v1/agencies", Family::Query),
    ("GET", "/v1/agencies/{code}", Family::Query),
    ("POST", "/v1/callbacks/sms", Family::Submit),
    ("POST", "/v1/counter/dossiers", Family::Receive),
    ("POST", "/v1/counter/incomplete-dossiers", Family::Receive),
    ("POST", "/v1/counter/uploads", Family::Receive),
    ("POST", "/v1/dossiers", Family::Submit),
    ("GET", "/v1/dossiers/{code}", Family::Query),
    ("POST", "/v1/dossiers/{code}/accept-supplement", Family::Receive),
    ("POST", "/v1/dossiers/{code}/approve", Family::Approve),
    ("POST", "/v1/dossiers/{code}/assign", Family::Assign),
    ("POST", "/v1/dossiers/{code}/consult", Family::Assign),
    ("POST", "/v1/dossiers/{code}/counter-supplement", Family::Receive),
    ("POST", "/v1/dossiers/{code}/extend", Family::Approve),
    ("GET", "/v1/dossiers/{code}/files/{id}", Family::Query),
    ("GET", "/v1/dossiers/{code}/forms/{form}", Family::Query),
    ("POST", "/v1/dossiers/{code}/forward", Family::Assign),
    ("POST", "/v1/dossiers/{code}/notices", Family::Submit),
    ("POST", "/v1/dossiers/{code}/opinion", Family::Assign),
    ("POST", "/v1/dossiers/{code}/payments", Family::Submit),
    ("POST", "/v1/dossiers/{code}/post-result", Family::Approve),
    ("POST", "/v1/dossiers/{code}/postal-collection", Family::Submit),
    ("POST", "/v1/dossiers/{code}/postal-return", Family::Submit),
    ("POST", "/v1/dossiers/{code}/rating", Family::Rate),
    ("POST", "/v1/dossiers/{code}/reassign", Family::Assign),
    ("GET", "/v1/dossiers/{code}/receipt", Family::Receive),
    ("POST", "/v1/dossiers/{code}/receive", Family::Receive),
    ("POST", "/v1/dossiers/{code}/record-payment", Family::Receive),
    ("POST", "/v1/dossiers/{code}/refuse", Family::Receive),
    ("POST", "/v1/dossiers/{code}/request-supplement", Family::Receive),
    ("POST", "/v1/dossiers/{code}/return", Family::Approve),
    ("POST", "/v1/dossiers/{code}/return-unsupplemented", Family::Receive),
    ("POST", "/v1/dossiers/{code}/send-back", Family::Assign),
    ("POST", "/v1/dossiers/{code}/stop", Family::Approve),
    ("GET", "/v1/dossiers/{code}/stored-documents", Family::Query),
    ("POST", "/v1/dossiers/{code}/supplement", Family::Submit),
    ("GET", "/v1/dossiers/{code}/verify", Family::Query),
    ("POST", "/v1/dossiers/{code}/withdraw", Family::Submit),
    ("GET", "/v1/health", Family::Query),
    ("GET", "/v1/officer/dossiers", Family::Query),
    ("GET", "/v1/officer/dossiers/{code}", Family::Query),
    ("GET", "/v1/officer/dossiers/{code}/archive", Family::Query),
    ("GET", "/v1/officer/dossiers/{code}/files/{id}", Family::Query),
    ("GET", "/v1/officer/dossiers/{code}/forms/{form}", Family::Query),
    ("GET", "/v1/officer/dossiers/{code}/stored-documents", Family::Query),
    ("GET", "/v1/officer/colleagues", Family::Query),
    ("PUT", "/v1/officer/me/arrivals", Family::Admin),
    ("GET", "/v1/officer/search", Family::Query),
    ("GET", "/v1/openapi.json", Family::Query),
    ("POST", "/v1/payments/callback", Family::Submit),
    ("POST", "/v1/postal/callback", Family::Submit),
    ("GET", "/v1/procedures", Family::Query),
    ("GET", "/v1/procedures/{code}", Family::Query),
    ("GET", "/v1/procedures/{code}/due-date", Family::Query),
    ("GET", "/v1/reports/dossiers", Family::Reports),
    ("GET", "/v1/reports/rates", Family::Reports),
    ("GET", "/v1/reports/satisfaction", Family::Reports),
    ("GET", "/v1/reports/score-card", Family::Reports),
    ("GET", "/v1/reports/workload", Family::Reports),
    ("GET", "/v1/stats/public", Family::Reports),
    ("POST", "/v1/uploads", Family::Submit),
    ("GET", "/v1/uploads/{id}", Family::Submit),
];

/// The family serving `method` `path` (no query), and the route as its template names it (API
/// Gateway's `routeKey`, path parameters as `{name}`): the route whose literal segments match
/// the most, as API Gateway picks the most specific route.
pub fn owner_of(method: &Method, path: &str) -> Option<(Family, &'static str)> {
    let segments: Vec<&str> = path.split('/').collect();
    OWNERS
        .iter()
        .filter(|(m, _, _)| *m == method.as_str())
        .filter_map(|(_, template, family)| {
            let parts: Vec<&str> = template.split('/').collect();
            if parts.len() != segments.len() {
                return None;
            }
            let mut literal = 0;
            for (part, segment) in parts.iter().zip(&segments) {
                if part.starts_with('{') && part.ends_with('}') {
                    if segment.is_empty() {
                        return None;
                    }
                } else if part == segment {
                    literal += 1;
                } else {
                    return None;
                }
            }
            Some((literal, *family, *template))
        })
        .max_by_key(|(literal, _, _)| *literal)
        .map(|(_, family, template)| (family, template))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_route_has_the_family_whose_router_serves_it() {
        let mut documented = BTreeSet::new();
        for family in Family::ALL {
            let doc = serde_json::to_value(super::super::router_of(family).split_for_parts().1).unwrap();
            for (path, operations) in doc["paths"].as_object().unwrap() {
                for method in operations.as_object().unwrap().keys() {
                    documented.insert((method.to_uppercase(), path.clone(), family.name()));
                }
            }
        }
        let table: BTreeSet<(String, String, &str)> =
            OWNERS.iter().map(|(m, p, f)| (m.to_string(), p.to_string(), f.name())).collect();
        assert_eq!(table, documented);
    }

    #[test]
    fn the_most_specific_route_is_chosen() {
        let owner = |m: Method, p: &str| owner_of(&m, p).map(|(f, t)| (f.name(), t));
        assert_eq!(owner(Method::POST, "/v1/dossiers"), Some(("submit", "/v1/dossiers")));
        assert_eq!(owner(Method::GET, "/v1/procedures/1.001193"), Some(("query", "/v1/procedures/{code}")));
        assert_eq!(owner(Method::GET, "/v1/procedures/"), None, "an empty parameter matches nothing");
        assert_eq!(owner(Method::DELETE, "/v1/dossiers"), None);
        assert_eq!(owner(Method::GET, "/v1/nowhere"), None);
    }
}
