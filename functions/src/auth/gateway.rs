//! Officer identity on AWS: the API Gateway JWT authorizer has verified the token (signature,
//! issuer, audience, expiry) before the Lambda runs, and attached its claims to the request
//! context. The Lambda reads only those claims; it never verifies, or trusts, a token itself.
//!
//! Claims read: the officer id from `cognito:username`, `username` or `sub` (first present);
//! `name`; the agency code from `agency` or `custom:agency`; roles from `roles`,
//! `custom:roles` or `cognito:groups`. API Gateway passes list claims as text like
//! `[reception leader]`; commas and spaces both separate roles.

use std::collections::HashMap;

use axum::http::request::Parts;
use lambda_http::request::RequestContext;
use motcua_domain::catalogue::{Officer, OfficerId, Role};
use motcua_domain::codes::AgencyCode;

use super::Authenticator;
use crate::error::ApiError;

/// Reads the claims the gateway's JWT authorizer attached.
pub struct GatewayClaims;

fn claims(request: &Parts) -> Option<&HashMap<String, String>> {
    match request.extensions.get::<RequestContext>()? {
        RequestContext::ApiGatewayV2(context) => Some(&context.authorizer.as_ref()?.jwt.as_ref()?.claims),
        _ => None,
    }
}

fn first<'a>(claims: &'a HashMap<String, String>, names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|n| claims.get(*n)).map(String::as_str).filter(|v| !v.trim().is_empty())
}

/// `[a b]`, `a,b`, `["a","b"]` or `a` as a list of roles; unknown roles are ignored.
fn roles(text: &str) -> Vec<Role> {
    text.trim_matches(|c| c == '[' || c == ']')
        .split(|c: char| c == ',' || c.is_whitespace())
        .map(|r| r.trim_matches('"'))
        .filter_map(|r| serde_json::from_value(serde_json::Value::String(r.to_owned())).ok())
        .collect()
}

/// The officer named by verified claims.
pub fn officer_from(claims: &HashMap<String, String>) -> Result<Officer, ApiError> {
    let bad = |what: &str| {
        ApiError::unauthenticated(format!("mã xác thực thiếu thông tin cán bộ / token claims lack a valid {what}"))
    };
    let id = first(claims, &["cognito:username", "username", "sub"]).ok_or_else(|| bad("officer id"))?;
    let agency = first(claims, &["agency", "custom:agency"]).ok_or_else(|| bad("agency"))?;
    Ok(Officer {
        id: OfficerId::parse(id).map_err(|_| bad("officer id"))?,
        name: first(claims, &["name"]).unwrap_or(id).to_owned(),
        agency: AgencyCode::parse(agency).map_err(|_| bad("agency"))?,
        roles: first(claims, &["roles", "custom:roles", "cognito:groups"]).map(roles).unwrap_or_default(),
        phone: None,
        email: None,
        arrivals: Default::default(),
    })
}

impl Authenticator for GatewayClaims {
    fn authenticate(&self, request: &Parts) -> Result<Officer, ApiError> {
        match claims(request) {
            Some(c) => officer_from(c),
            None => Err(ApiError::unauthenticated(
                "cần đăng nhập qua cổng API / this route needs a token verified by the API gateway",
            )),
        }
    }

    fn presented(&self, request: &Parts) -> bool {
        claims(request).is_some() || request.headers.contains_key(axum::http::header::AUTHORIZATION)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn list_claims_in_every_spelling_give_roles() {
        assert_eq!(roles("[reception leader]"), [Role::Reception, Role::Leader]);
        assert_eq!(roles("reception,specialist"), [Role::Reception, Role::Specialist]);
        assert_eq!(roles(r#"["admin","nobody"]"#), [Role::Admin]);
    }

    #[test]
    fn cognito_claims_name_the_officer() {
        let o = officer_from(&claims(&[
            ("sub", "5f1c-uuid"),
            ("cognito:username", "lan.tn"),
            ("custom:agency", "000.00.03.H56"),
            ("cognito:groups", "[specialist]"),
        ]))
        .unwrap();
        assert_eq!(
            (o.id.as_str(), o.agency.as_str(), o.roles.as_slice()),
            ("lan.tn", "000.00.03.H56", &[Role::Specialist][..])
        );
    }

    #[test]
    fn claims_without_an_agency_are_refused() {
        let e = officer_from(&claims(&[("sub", "lan.tn")])).unwrap_err();
        assert_eq!(e.status, axum::http::StatusCode::UNAUTHORIZED);
    }
}
