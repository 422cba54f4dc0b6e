//! `template.yaml` against the code: every route of the OpenAPI document is wired to the
//! function of its family (behind the JWT authorizer exactly when it takes officer tokens),
//! every function's policy grants exactly what `permissions` says its code uses, and the table
//! is the one the DynamoDB adapter creates. (`cfn-lint template.yaml` runs in scripts/test.)

use std::collections::{BTreeMap, BTreeSet};

use motcua_functions::permissions;
use motcua_functions::routes::{self, Family};
use motcua_infra::dynamo::keys::Index;
use serde_norway::Value;

fn template() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml");
    serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Tagged(t) => text(&t.value),
        other => panic!("expected text, got {other:?}"),
    }
}

fn list(v: &Value) -> Vec<String> {
    match v {
        Value::Sequence(items) => items.iter().map(text).collect(),
        other => vec![text(other)],
    }
}

/// The template's functions by the binary they run.
fn functions(t: &Value) -> BTreeMap<String, Value> {
    t["Resources"]
        .as_mapping()
        .unwrap()
        .values()
        .filter(|r| r["Type"] == "AWS::Serverless::Function")
        .map(|r| (text(&r["Metadata"]["BuildProperties"]["Binary"]), r.clone()))
        .collect()
}

/// (method, path, behind the authorizer) of every HTTP event of a function.
fn wired_routes(function: &Value) -> BTreeSet<(String, String, bool)> {
    let Some(events) = function["Properties"]["Events"].as_mapping() else { return BTreeSet::new() };
    events
        .values()
        .filter(|e| e["Type"] == "HttpApi" && e["Properties"]["Path"] != "$default")
        .map(|e| {
            let p = &e["Properties"];
            let open = p["Auth"]["Authorizer"] == "NONE";
            (text(&p["Method"]).to_uppercase(), text(&p["Path"]), !open)
        })
        .collect()
}

/// (method, path, takes officer tokens) of a family's routes, from its OpenAPI description.
fn documented_routes(family: Family) -> BTreeSet<(String, String, bool)> {
    let doc = routes::router_of(family).split_for_parts().1;
    let doc = serde_json::to_value(&doc).unwrap();
    let mut out = BTreeSet::new();
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for (method, op) in operations.as_object().unwrap() {
            let officer = op["security"].as_array().is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()));
            out.insert((method.to_uppercase(), path.clone(), officer));
        }
    }
    out
}

#[test]
fn every_route_is_wired_to_its_familys_function() {
    let t = template();
    let functions = functions(&t);
    let mut all = BTreeSet::new();
    for family in Family::ALL {
        let function = functions.get(family.name()).unwrap_or_else(|| panic!("no function for {}", family.name()));
        let documented = documented_routes(family);
        assert_eq!(wired_routes(function), documented, "routes of {}", family.name());
        all.extend(documented);
    }
    let whole = serde_json::to_value(routes::openapi()).unwrap();
    let count: usize = whole["paths"].as_object().unwrap().values().map(|ops| ops.as_object().unwrap().len()).sum();
    assert_eq!(all.len(), count, "every route of the OpenAPI document belongs to one family");
    assert!(wired_routes(&functions["notify"]).is_empty(), "notify takes no HTTP routes");
    let unmatched: Vec<&String> = functions
        .iter()
        .filter(|(_, f)| {
            f["Properties"]["Events"]
                .as_mapping()
                .is_some_and(|e| e.values().any(|e| e["Properties"]["Path"] == "$default"))
        })
        .map(|(name, _)| name)
        .collect();
    assert!(unmatched.is_empty(), "no catch-all route invokes a function for any path: {unmatched:?}");
}

/// A function's policy statements as (actions, resources).
/// A statement as granted when its condition holds: the first branch of an `!If`.
fn granted(statement: Value) -> Option<Value> {
    match statement {
        Value::Tagged(t) if t.tag == "If" => Some(t.value.as_sequence()?[1].clone()),
        plain => Some(plain),
    }
}

fn statements(function: &Value) -> Vec<(Vec<String>, Vec<String>)> {
    function["Properties"]["Policies"]
        .as_sequence()
        .unwrap()
        .iter()
        .flat_map(|p| p["Statement"].as_sequence().unwrap().clone())
        .filter_map(granted)
        .map(|s| {
            assert_eq!(s["Effect"], "Allow");
            (list(&s["Action"]), list(&s["Resource"]))
        })
        .collect()
}

#[test]
fn every_policy_grants_exactly_what_its_code_uses() {
    let t = template();
    for (binary, function) in functions(&t) {
        let grants = permissions::of(&binary).unwrap_or_else(|| panic!("{binary} has no grants in code"));
        let mut table = BTreeSet::new();
        let mut indexes = BTreeSet::new();
        let mut other = BTreeSet::new();
        for (actions, resources) in statements(&function) {
            for resource in &resources {
                if resource == "Table.Arn" {
                    table.extend(actions.iter().cloned());
                } else if let Some(index) = resource.strip_prefix("${Table.Arn}/index/") {
                    assert_eq!(actions, ["dynamodb:Query"], "{binary}: only queries on indexes");
                    indexes.insert(index.to_owned());
                } else {
                    assert!(
                        actions.iter().all(|a| !a.starts_with("dynamodb:")),
                        "{binary}: table actions on {resource}"
                    );
                    other.extend(actions.iter().cloned());
                }
            }
        }
        let set = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        assert_eq!(table, set(grants.table), "{binary}: table actions");
        assert_eq!(indexes, set(grants.indexes), "{binary}: indexes");
        assert_eq!(other, set(grants.other), "{binary}: other services");
        assert_eq!(function["Metadata"]["BuildMethod"], "rust-cargolambda", "{binary}");
    }
    let mut expected: BTreeSet<String> = Family::ALL.iter().map(|f| f.name().to_owned()).collect();
    expected.extend(["notify".into(), "receipts".into(), "web".into()]);
    assert_eq!(functions(&t).keys().cloned().collect::<BTreeSet<_>>(), expected);
}

#[test]
fn the_table_is_the_one_the_adapter_creates() {
    let t = template();
    let table = &t["Resources"]["Table"]["Properties"];
    let indexes: Vec<(String, String, String)> = table["GlobalSecondaryIndexes"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|i| {
            (
                text(&i["IndexName"]),
                text(&i["KeySchema"][0]["AttributeName"]),
                text(&i["KeySchema"][1]["AttributeName"]),
            )
        })
        .collect();
    let expected: Vec<(String, String, String)> =
        Index::ALL.iter().map(|i| (i.name().to_owned(), i.pk().to_owned(), i.sk().to_owned())).collect();
    assert_eq!(indexes, expected);
    assert_eq!(table["StreamSpecification"]["StreamViewType"], "KEYS_ONLY", "no personal data on the stream");
    assert_eq!(table["TimeToLiveSpecification"]["AttributeName"], motcua_infra::dynamo::EXPIRES_AT);
    assert_eq!(table["BillingMode"], "PAY_PER_REQUEST");
    assert_eq!(table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"], true);
    let globals = &t["Globals"]["Function"];
    assert_eq!(
        (text(&globals["Runtime"]), list(&globals["Architectures"])),
        ("provided.al2023".into(), vec!["arm64".into()])
    );
}

#[test]
fn the_stream_reports_partial_failures_and_ends_in_a_dead_letter_queue() {
    let t = template();
    let notify = &functions(&t)["notify"];
    let stream = &notify["Properties"]["Events"]["Outbox"]["Properties"];
    assert_eq!(list(&stream["FunctionResponseTypes"]), ["ReportBatchItemFailures"]);
    assert_eq!(stream["BisectBatchOnFunctionError"], true);
    assert!(stream["MaximumRetryAttempts"].as_u64().unwrap() <= 10);
    assert!(stream["MaximumRecordAgeInSeconds"].as_u64().unwrap() <= 6 * 3600);
    assert_eq!(text(&stream["DestinationConfig"]["OnFailure"]["Destination"]), "NotifyDeadLetterQueue.Arn");
    let pattern: serde_json::Value =
        serde_json::from_str(&text(&stream["FilterCriteria"]["Filters"][0]["Pattern"])).unwrap();
    assert_eq!(pattern["dynamodb"]["Keys"]["sk"]["S"][0]["prefix"], motcua_infra::dynamo::keys::MESSAGE_PREFIX);
}

#[test]
fn delivery_reports_reach_receipts_and_notify_awaits_them() {
    let t = template();
    let receipts = &functions(&t)["receipts"];
    let email = &receipts["Properties"]["Events"]["EmailEvents"];
    assert_eq!(
        (text(&email["Type"]), text(&email["Properties"]["Topic"])),
        ("SNS".into(), "DeliveryReceiptsTopic".into())
    );
    assert_eq!(text(&receipts["Properties"]["DeadLetterQueue"]["TargetArn"]), "ReceiptsDeadLetterQueue.Arn");
    let destination = &t["Resources"]["EmailEventDestination"]["Properties"]["EventDestination"];
    assert_eq!(text(&destination["SnsDestination"]["TopicARN"]), "DeliveryReceiptsTopic");
    let events = list(&destination["MatchingEventTypes"]);
    for kind in ["delivery", "bounce", "complaint", "reject"] {
        assert!(events.contains(&kind.to_owned()), "SES publishes {kind}");
    }
    for filter in ["SmsDeliverySubscription", "SmsFailureSubscription"] {
        assert_eq!(text(&t["Resources"][filter]["Properties"]["DestinationArn"]), "ReceiptsFunction.Arn", "{filter}");
    }
    let env = &functions(&t)["notify"]["Properties"]["Environment"]["Variables"];
    assert!(!env["MOTCUA_DELIVERY_RECEIPTS"].is_null(), "notify waits for the receipts that are wired");
    assert!(!env["MOTCUA_SES_CONFIGURATION_SET"].is_null(), "emails go through the configuration set");
}

/// Every environment variable of every function, by function.
fn environments(t: &Value) -> Vec<(String, String, String)> {
    let mut out = vec![];
    for (binary, f) in functions(t) {
        let vars = f["Properties"]["Environment"]["Variables"].as_mapping().cloned().unwrap_or_default();
        let globals = t["Globals"]["Function"]["Environment"]["Variables"].as_mapping().cloned().unwrap_or_default();
        for (k, v) in globals.iter().chain(vars.iter()) {
            out.push((binary.clone(), text(k), serde_norway::to_string(v).unwrap()));
        }
    }
    out
}

/// Secrets stay in Secrets Manager: no function's configuration holds a secret's value (a
/// `{{resolve:…}}`), only the ARNs of the secrets its code reads at init.
#[test]
fn no_secret_value_is_in_any_environment() {
    let t = template();
    for (binary, name, value) in environments(&t) {
        assert!(!value.contains("resolve:secretsmanager"), "{binary}: {name} holds a secret's value");
        let named_secret = ["SECRET", "PASSWORD", "KEY", "TOKEN"].iter().any(|w| name.contains(w));
        let by_reference =
            name.ends_with("_ARN") || name.ends_with("_PASSWORD_SECRET") || name.ends_with("_SECRET_NAME");
        assert!(!named_secret || by_reference, "{binary}: {name} looks like a secret given by value");
    }
    let key = &t["Resources"]["ServerKey"];
    assert_eq!(text(&key["DeletionPolicy"]), "RetainExceptOnCreate", "the retained table's digests depend on it");
}

/// The families whose code uses the server key (filing, keeping documents, searching, answering
/// what is held about a person) get its secret's ARN and may read it; no other function may.
#[test]
fn the_server_key_reaches_exactly_the_families_that_use_it() {
    let t = template();
    for family in Family::ALL {
        let f = &functions(&t)[family.name()];
        let given = !f["Properties"]["Environment"]["Variables"]["MOTCUA_SERVER_KEY_ARN"].is_null();
        let granted = statements(f).iter().any(|(_, resources)| resources.iter().any(|r| r.contains("ServerKey")));
        let uses = motcua_functions::lambda::uses_server_key(family);
        assert_eq!((given, granted), (uses, uses), "{}", family.name());
    }
}

/// Every function logs to a group the stack creates, with a retention.
#[test]
fn every_function_logs_to_its_own_group_with_a_retention() {
    let t = template();
    let mut groups = BTreeSet::new();
    for (binary, f) in functions(&t) {
        let group = text(&f["Properties"]["LoggingConfig"]["LogGroup"]);
        let resource = &t["Resources"][group.as_str()];
        assert_eq!(text(&resource["Type"]), "AWS::Logs::LogGroup", "{binary}");
        assert!(!resource["Properties"]["RetentionInDays"].is_null(), "{binary}: its lines expire");
        assert!(groups.insert(group), "{binary} shares its log group");
    }
}

/// What a deploy must never leave behind or lose: the retained resources are kept when the stack
/// is deleted, removed when its first deploy fails; an outside issuer needs an audience.
#[test]
fn retained_resources_and_rules() {
    let t = template();
    for name in ["Table", "Files", "ServerKey", "DvcqgSecret", "PaymentSecret", "PostSecret", "AxisSecret", "UserPool"]
    {
        let r = &t["Resources"][name];
        assert_eq!(text(&r["DeletionPolicy"]), "RetainExceptOnCreate", "{name}");
        assert_eq!(text(&r["UpdateReplacePolicy"]), "Retain", "{name}");
    }
    assert!(!t["Rules"]["IssuerNeedsAudience"].is_null());
}

/// Alarms reach someone: CloudWatch of this account may publish to the alarm topic, over TLS.
#[test]
fn the_alarm_topic_admits_cloudwatch() {
    let t = template();
    let topic = &t["Resources"]["AlarmTopic"]["Properties"];
    assert!(topic["KmsMasterKeyId"].is_null(), "the AWS-managed key would refuse CloudWatch");
    let statements =
        t["Resources"]["AlarmTopicPolicy"]["Properties"]["PolicyDocument"]["Statement"].as_sequence().unwrap().clone();
    assert!(statements
        .iter()
        .any(|s| s["Effect"] == "Allow" && text(&s["Principal"]["Service"]) == "cloudwatch.amazonaws.com"));
    assert!(statements
        .iter()
        .any(|s| s["Effect"] == "Deny" && !s["Condition"]["Bool"]["aws:SecureTransport"].is_null()));
}

/// The delivery receipts (they carry email addresses) are encrypted with a key SES may use, and
/// published over TLS only.
#[test]
fn the_receipts_topic_is_encrypted_with_a_key_ses_may_use() {
    let t = template();
    let topic = &t["Resources"]["DeliveryReceiptsTopic"]["Properties"];
    assert_eq!(text(&topic["KmsMasterKeyId"]), "DeliveryReceiptsKey");
    let key = &t["Resources"]["DeliveryReceiptsKey"]["Properties"]["KeyPolicy"]["Statement"];
    let ses =
        key.as_sequence().unwrap().iter().find(|s| s["Principal"]["Service"].as_str() == Some("ses.amazonaws.com"));
    let ses = ses.expect("the key admits SES");
    assert!(list(&ses["Action"]).contains(&"kms:GenerateDataKey*".to_owned()));
    assert!(!ses["Condition"]["StringEquals"]["aws:SourceAccount"].is_null(), "SES of this account only");
    let policy = &t["Resources"]["DeliveryReceiptsTopicPolicy"]["Properties"]["PolicyDocument"]["Statement"];
    assert!(policy
        .as_sequence()
        .unwrap()
        .iter()
        .any(|s| s["Effect"] == "Deny" && !s["Condition"]["Bool"]["aws:SecureTransport"].is_null()));
}

/// Officers sign in with a second factor; their tokens last an hour and are refreshed for at
/// most a working day (one machine's bound).
#[test]
fn officers_need_mfa_and_short_tokens() {
    let t = template();
    let pool = &t["Resources"]["UserPool"]["Properties"];
    assert_eq!(text(&pool["MfaConfiguration"]), "ON");
    let client = &t["Resources"]["UserPoolClient"]["Properties"];
    assert_eq!((client["IdTokenValidity"].as_u64(), client["AccessTokenValidity"].as_u64()), (Some(1), Some(1)));
    assert_eq!(text(&client["TokenValidityUnits"]["IdToken"]), "hours");
    assert_eq!(
        (client["RefreshTokenValidity"].as_u64(), text(&client["TokenValidityUnits"]["RefreshToken"])),
        (Some(12), "hours".into())
    );
}

/// A second stack, or an account where SNS made the SMS status groups already, deploys: the
/// stack creates them only when told they do not exist, and names nothing else account-wide.
#[test]
fn no_account_wide_name_is_fixed_unconditionally() {
    let t = template();
    let creates =
        ["AWS::Logs::LogGroup", "AWS::SNS::Topic", "AWS::SQS::Queue", "AWS::DynamoDB::Table", "AWS::S3::Bucket"];
    for (name, r) in t["Resources"].as_mapping().unwrap() {
        if !creates.contains(&text(&r["Type"]).as_str()) && r["Type"] != "AWS::Cognito::UserPool" {
            continue;
        }
        for property in ["LogGroupName", "TopicName", "QueueName", "TableName", "BucketName", "UserPoolName"] {
            let value = &r["Properties"][property];
            if value.is_null() {
                continue;
            }
            let named = serde_norway::to_string(value).unwrap();
            let conditional = r["Condition"].as_str() == Some("CreateSmsLogGroups");
            assert!(named.contains("AWS::StackName") || conditional, "{} is named across stacks: {named}", text(name));
        }
    }
}

/// Reserved concurrency for the public functions is the operator's choice; tracing too.
#[test]
fn concurrency_and_tracing_are_parameters() {
    let t = template();
    let functions = functions(&t);
    for binary in ["submit", "query"] {
        let reserved =
            serde_norway::to_string(&functions[binary]["Properties"]["ReservedConcurrentExecutions"]).unwrap();
        assert!(reserved.contains("ReservedConcurrency"), "{binary}: {reserved}");
    }
    assert_eq!(text(&t["Globals"]["Function"]["Tracing"]), "Tracing");
    // Every deploy goes through an alias that CodeDeploy shifts, rolled back by the alarms.
    let globals = &t["Globals"]["Function"];
    assert_eq!(text(&globals["AutoPublishAlias"]), "live");
    assert_eq!(text(&globals["DeploymentPreference"]["Type"]), "DeploymentStrategy");
    let alarms = list(&globals["DeploymentPreference"]["Alarms"]);
    for alarm in &alarms {
        assert_eq!(text(&t["Resources"][alarm.as_str()]["Type"]), "AWS::CloudWatch::Alarm", "{alarm}");
    }
    assert!(alarms.contains(&"ApiServerErrorsAlarm".to_owned()) && alarms.contains(&"FunctionErrorsAlarm".to_owned()));
}

/// Topics and queues are reached over TLS only; email leaves SES over TLS only.
#[test]
fn topics_queues_and_email_require_tls() {
    let t = template();
    let denies_plain =
        |policy: &Value| {
            policy["PolicyDocument"]["Statement"].as_sequence().unwrap().iter().any(|s| {
                s["Effect"] == "Deny" && s["Condition"]["Bool"]["aws:SecureTransport"].as_str() == Some("false")
            })
        };
    let resources = t["Resources"].as_mapping().unwrap();
    for (name, r) in resources {
        let guarded_by = |policy_type: &str, list: &str| {
            resources.values().any(|p| {
                text(&p["Type"]) == policy_type
                    && list_of(&p["Properties"][list]).contains(&text(name))
                    && denies_plain(&p["Properties"])
            })
        };
        match text(&r["Type"]).as_str() {
            "AWS::SNS::Topic" => assert!(guarded_by("AWS::SNS::TopicPolicy", "Topics"), "{}", text(name)),
            "AWS::SQS::Queue" => assert!(guarded_by("AWS::SQS::QueuePolicy", "Queues"), "{}", text(name)),
            _ => {}
        }
    }
    let set = &t["Resources"]["EmailConfigurationSet"]["Properties"];
    assert_eq!(text(&set["DeliveryOptions"]["TlsPolicy"]), "REQUIRE");
}

/// The names a list property refers to (`!Ref X` items).
fn list_of(v: &Value) -> Vec<String> {
    v.as_sequence().map(|items| items.iter().map(text).collect()).unwrap_or_default()
}

/// The pages' script sends files straight to the bucket: the web function takes its
/// announcements (`POST /uploads`, no authorizer: the form token and session decide), and the
/// bucket lets the pages' public address send to it besides the portals.
#[test]
fn the_pages_send_files_straight_to_the_bucket() {
    let t = template();
    let web = &functions(&t)["web"];
    assert!(wired_routes(web).contains(&("POST".into(), "/uploads".into(), false)));
    let rule = &t["Resources"]["Files"]["Properties"]["CorsConfiguration"]["CorsRules"][0];
    let origins = format!("{:?}", rule["AllowedOrigins"]);
    assert!(origins.contains("HasPublicUrl") && origins.contains("PublicUrl") && origins.contains("PortalOrigins"));
    assert!(list(&rule["AllowedMethods"]).contains(&"PUT".to_owned()));
}

/// The pages reach the API through its functions: the web function is told each family's
/// function, may invoke exactly those, and nothing else of the API's (no bucket, no table).
#[test]
fn the_pages_invoke_each_familys_function() {
    let t = template();
    let web = &functions(&t)["web"];
    let env = &web["Properties"]["Environment"]["Variables"];
    let mut invoked = BTreeSet::new();
    for family in Family::ALL {
        let function = format!("{}{}Function", family.name()[..1].to_uppercase(), &family.name()[1..]);
        let named = &env[format!("MOTCUA_FUNCTION_{}", family.name().to_uppercase()).as_str()];
        assert_eq!(text(named), function, "the pages are told {}'s function", family.name());
        assert_eq!(t["Resources"][function.as_str()]["Metadata"]["BuildProperties"]["Binary"], family.name());
        invoked.insert(format!("{function}.Arn"));
    }
    let granted: BTreeSet<String> = statements(web)
        .into_iter()
        .filter(|(actions, _)| actions.contains(&"lambda:InvokeFunction".to_owned()))
        .flat_map(|(actions, resources)| {
            assert_eq!(actions, ["lambda:InvokeFunction"]);
            resources
        })
        .collect();
    assert_eq!(granted, invoked);
    for (actions, _) in statements(web) {
        assert!(actions.iter().all(|a| !a.starts_with("dynamodb:") && !a.starts_with("s3:")), "{actions:?}");
    }
}

/// The public edge, on by a parameter: CloudFront with the web ACL given (the rule refuses the
/// edge without one), forwarding to the API with the secret header the functions check, caching
/// nothing; every HTTP function may read that secret and is told where it is.
#[test]
fn the_edge_fronts_the_api_with_a_web_acl_and_a_secret_header() {
    let t = template();
    assert_eq!(text(&t["Parameters"]["Edge"]["Default"]), "false", "off unless asked for");
    let rule = &t["Rules"]["EdgeNeedsWebAcl"];
    assert!(serde_norway::to_string(rule).unwrap().contains("EdgeWebAclArn"), "{rule:?}");
    let edge = &t["Resources"]["EdgeDistribution"];
    assert_eq!(text(&edge["Condition"]), "HasEdge");
    let config = &edge["Properties"]["DistributionConfig"];
    assert_eq!(text(&config["WebACLId"]), "EdgeWebAclArn");
    let origin = &config["Origins"][0];
    assert!(text(&origin["DomainName"]).starts_with("${HttpApi}.execute-api."), "the HTTP API is the origin");
    assert_eq!(text(&origin["CustomOriginConfig"]["OriginProtocolPolicy"]), "https-only");
    let header = &origin["OriginCustomHeaders"][0];
    assert_eq!(text(&header["HeaderName"]).to_ascii_lowercase(), motcua_functions::edge::HEADER);
    assert_eq!(text(&header["HeaderValue"]), "{{resolve:secretsmanager:${EdgeSecret}:SecretString}}");
    let behaviour = &config["DefaultCacheBehavior"];
    assert_eq!(text(&behaviour["ViewerProtocolPolicy"]), "https-only");
    assert_eq!(text(&behaviour["CachePolicyId"]), "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", "CachingDisabled");
    assert_eq!(text(&behaviour["OriginRequestPolicyId"]), "b689b0a8-53d0-40ab-baf2-68738e2966ac", "all but Host");
    let methods = list(&behaviour["AllowedMethods"]);
    assert!(["POST", "PUT", "OPTIONS"].iter().all(|m| methods.contains(&m.to_string())), "{methods:?}");
    let env = &t["Globals"]["Function"]["Environment"]["Variables"]["MOTCUA_EDGE_SECRET_ARN"];
    assert!(serde_norway::to_string(env).unwrap().contains("EdgeSecret"), "{env:?}");
    for family in Family::ALL {
        let f = &functions(&t)[family.name()];
        let reads = statements(f)
            .iter()
            .any(|(actions, resources)| resources == &["EdgeSecret"] && actions == &["secretsmanager:GetSecretValue"]);
        assert!(reads, "{} may read the edge's secret", family.name());
    }
}

/// The edge's web ACL (deploy/edge-waf.yaml, made in us-east-1): CloudFront-scoped, AWS's
/// IP-reputation list, per-address rates on filings, on a dossier's public routes and on
/// everything, each refusing with the API's error shape.
#[test]
fn the_edges_web_acl_limits_each_address_and_refuses_known_bad_ones() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/edge-waf.yaml");
    let waf: Value = serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let acl = &waf["Resources"]["EdgeAcl"]["Properties"];
    assert_eq!(text(&acl["Scope"]), "CLOUDFRONT");
    let rules = acl["Rules"].as_sequence().unwrap();
    let managed: Vec<String> = rules
        .iter()
        .filter_map(|r| r["Statement"]["ManagedRuleGroupStatement"]["Name"].as_str().map(String::from))
        .collect();
    assert!(managed.contains(&"AWSManagedRulesAmazonIpReputationList".to_owned()), "{managed:?}");
    let rated: Vec<&Value> = rules.iter().filter(|r| !r["Statement"]["RateBasedStatement"].is_null()).collect();
    assert_eq!(rated.len(), 3);
    for rule in &rated {
        assert_eq!(text(&rule["Statement"]["RateBasedStatement"]["AggregateKeyType"]), "IP");
        let block = &rule["Action"]["Block"]["CustomResponse"];
        assert_eq!(block["ResponseCode"].as_u64(), Some(429), "{rule:?}");
        let body = text(&acl["CustomResponseBodies"][text(&block["CustomResponseBodyKey"]).as_str()]["Content"]);
        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(parsed["error"]["code"], "too_many_requests");
    }
    let filings = serde_norway::to_string(&rated[0]["Statement"]).unwrap();
    assert!(filings.contains("POST") && filings.contains("/v1/dossiers"), "{filings}");
    let priorities: BTreeSet<u64> = rules.iter().map(|r| r["Priority"].as_u64().unwrap()).collect();
    assert_eq!(priorities.len(), rules.len(), "each rule its own priority");
    assert!(!waf["Outputs"]["WebAclArn"].is_null());
}
