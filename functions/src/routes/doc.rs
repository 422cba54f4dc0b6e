//! The answers every operation can give besides its own, added to the OpenAPI document so
//! that it describes what the server really sends: 400 for a path, query or body that cannot
//! be read, 401 where a token is required, 413 and 415 where a body is taken, 503 when the
//! store is unavailable. Each uses the API's error shape.

use utoipa::openapi::path::Operation;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

/// (status, when) of the answers the API's conventions add.
const BAD_REQUEST: (&str, &str) = ("400", "the path, query or body cannot be read (error.code says which)");
const UNAUTHENTICATED: (&str, &str) = ("401", "no valid bearer token");
const TOO_LARGE: (&str, &str) = ("413", "the body is larger than 256 KiB");
const NOT_JSON: (&str, &str) = ("415", "the body is not `application/json`");
const UNAVAILABLE: (&str, &str) = ("503", "the store is unavailable; retry later");

/// Adds the common answers each operation can give and does not list yet.
pub fn document_common_errors(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for op in operations.into_iter().flatten() {
            add_common_errors(path, op);
        }
    }
}

fn add_common_errors(path: &str, op: &mut Operation) {
    if path == "/v1/openapi.json" {
        return;
    }
    let mut answers = vec![BAD_REQUEST, UNAVAILABLE];
    if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
        answers.push(UNAUTHENTICATED);
    }
    if op.request_body.is_some() {
        answers.extend([TOO_LARGE, NOT_JSON]);
    }
    for (status, when) in answers {
        op.responses.responses.entry(status.to_owned()).or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(when)
                    .content(
                        "application/json",
                        ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
                    )
                    .build(),
            )
        });
    }
}
