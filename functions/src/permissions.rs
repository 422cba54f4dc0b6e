//! What each Lambda may do on AWS, from what its code calls: the DynamoDB actions on the table,
//! the indexes it queries, and other services. `template.yaml` grants exactly this (a test
//! compares them), and the Lambda emulator tests record every DynamoDB call each real binary
//! makes and check it is inside.
//!
//! IAM has no action for `TransactWriteItems` itself: a transaction needs the item actions
//! inside it (`PutItem` for new items, `UpdateItem` for a dossier's next state).

/// One function's grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grants {
    /// DynamoDB actions on the table itself.
    pub table: &'static [&'static str],
    /// Indexes the function queries (`dynamodb:Query` on `<table>/index/<name>`).
    pub indexes: &'static [&'static str],
    /// Actions on other services.
    pub other: &'static [&'static str],
}

/// Reading a dossier, its history, the catalogue and the calendar, and writing transitions.
const ACT: &[&str] = &["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"];

/// Uploads and kept files, and the secrets read at init (the server key, an outside system's).
const FILES_AND_SECRETS: &[&str] =
    &["s3:DeleteObject", "s3:GetObject", "s3:PutObject", "secretsmanager:GetSecretValue"];

/// The grants of the function named `function` (a family's name, or `notify`).
pub fn of(function: &str) -> Option<Grants> {
    let grants = match function {
        // Filing allocates the day's sequence (UpdateItem) and puts the new items. Uploads:
        // presigning a PUT (PutObject), checking an arrival (HeadObject and range reads are
        // GetObject), deleting refused bytes, copying a kept file (GetObject on the source,
        // PutObject on the copy); `docs/documents.md`.
        // Receive reads the server key from its secret (counter filings are idempotent).
        "receive" => Grants { table: ACT, indexes: &[], other: FILES_AND_SECRETS },
        // Approve also posts results through the postal operator, whose token it reads from
        // its secret.
        "approve" => Grants { table: ACT, indexes: &[], other: FILES_AND_SECRETS },
        // Submit also opens payments (a dossier's transactions on gsi2) and takes the payment
        // platform's and the postal operator's callbacks, whose keys it reads from their
        // secrets.
        "submit" => Grants { table: ACT, indexes: &["gsi2"], other: FILES_AND_SECRETS },
        // Assign forwards into steps of agencies on the document axis, whose key it reads.
        "assign" => Grants { table: ACT, indexes: &[], other: &["secretsmanager:GetSecretValue"] },
        // Every HTTP family reads the edge's secret when the edge is on (`crate::edge`).
        "rate" => Grants { table: ACT, indexes: &[], other: &["secretsmanager:GetSecretValue"] },
        // Queues and catalogue lists are index queries; a wrong lookup secret is counted
        // (UpdateItem on its limit counter).
        // A search reads the dossiers its index entries name (BatchGetItem).
        "query" => Grants {
            table: &["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem"],
            indexes: &["gsi1", "gsi2", "gsi3"],
            // Presigned downloads of kept files; the archive export reads them and puts the ZIP
            // under `exports/` (presigned for download). The server key from its secret.
            other: &["s3:GetObject", "s3:PutObject", "secretsmanager:GetSecretValue"],
        },
        // The catalogue and the national codes (an import writes its batches with
        // BatchWriteItem); reconciliation queues a dossier's sync again (UpdateItem) after asking
        // the portal, whose password it reads from its secret. What is held about a person
        // reads each agency's search list (gsi2), the dossiers it names (BatchGetItem), their
        // history and sync items (Query), their payments (gsi2), and records the request (PutItem).
        "admin" => Grants {
            table: &[
                "dynamodb:BatchGetItem",
                "dynamodb:BatchWriteItem",
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:Query",
                "dynamodb:UpdateItem",
            ],
            indexes: &["gsi1", "gsi2"],
            // The files of other agencies' replies read off the document axis.
            other: &["s3:PutObject", "secretsmanager:GetSecretValue"],
        },
        // Sums the report counters (a Query per agency's partition) and names rows from the
        // catalogue (agencies by parent, gsi2; all agencies, gsi1; procedures by field, gsi3).
        "reports" => Grants {
            table: &["dynamodb:GetItem", "dynamodb:Query"],
            indexes: &["gsi1", "gsi2", "gsi3"],
            other: &["secretsmanager:GetSecretValue"],
        },
        // Claims and settles outbox items, counts SMS caps (UpdateItem), puts fallbacks and
        // receipt pointers, lists due and stuck messages for the sweep (gsi1); sends. Adds
        // history items' tallies to the report counters (PutItem of the marker, UpdateItem).
        // Claims and settles portal sync items (UpdateItem; due and parked lists on gsi1) and
        // reads the portal's password from its secret. Asks the payment platform about open
        // transactions (gsi1) with its key, and commits what it says like any transition. The
        // deadline warnings read agencies and their queues (gsi1) and officers (gsi2), put each
        // digest (PutItem) and mark the agency's day (UpdateItem).
        // Sends the packages handed to other agencies over the document axis, with the
        // dossier's files (GetObject), and reads the axis's status packets and replies on the
        // schedule, keeping the replies' files (PutObject).
        "notify" => Grants {
            table: ACT,
            indexes: &["gsi1", "gsi2"],
            other: &[
                "s3:GetObject",
                "s3:PutObject",
                "sns:Publish",
                "ses:SendEmail",
                "ses:SendRawEmail",
                "secretsmanager:GetSecretValue",
            ],
        },
        // Follows a provider id to its message (GetItem), settles it (UpdateItem) and puts the
        // fallback a permanent failure creates (PutItem).
        "receipts" => {
            Grants { table: &["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], indexes: &[], other: &[] }
        }
        // The pages (`crate::lambda_web`) hold no table: they invoke the family functions for
        // every read and write, and read the server key, the sign-in client and the edge's
        // secret from their secrets.
        "web" => {
            Grants { table: &[], indexes: &[], other: &["lambda:InvokeFunction", "secretsmanager:GetSecretValue"] }
        }
        _ => return None,
    };
    Some(grants)
}
