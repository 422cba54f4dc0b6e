//! A gateway's settings, from the environment, checked at start-up: the address, the brand
//! name, the login, the shape of the request (a preset, or a template of one) and how to read
//! its answer. Each missing or wrong setting is named; the password never appears in `Debug`.

use std::time::Duration;

/// How the request's body is written.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// A JSON document: the template's strings have their placeholders filled.
    Json(serde_json::Value),
    /// `application/x-www-form-urlencoded`: each field's value has its placeholders filled.
    Form(Vec<(String, String)>),
}

/// How the gateway knows who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// The username and password are fields of the body (the template names them).
    InBody,
    /// HTTP Basic with the username and password.
    Basic,
}

#[derive(Clone)]
pub struct GatewayConfig {
    pub url: String,
    /// The registered brand name (tên định danh) shown as the sender.
    pub brand: String,
    pub username: String,
    pub password: String,
    pub body: Body,
    pub auth: Auth,
    /// Where the answer's status is (a JSON pointer, e.g. `/RPLY/ERROR`); none: a 2xx answer is
    /// success whatever it says.
    pub status: Option<String>,
    /// Status values meaning accepted.
    pub success: Vec<String>,
    /// Status values meaning this number can never get the message (no retry: the other channel).
    pub permanent: Vec<String>,
    /// Where the gateway's message id is (a JSON pointer); none: the notification id.
    pub message_id: Option<String>,
    /// The longest text the registered template takes (characters).
    pub max_length: usize,
    pub timeout: Duration,
    /// How delivery reports come back, when they do (`MOTCUA_SMS_GATEWAY_REPORT_TOKEN` set).
    pub reports: Option<super::ReportConfig>,
}

impl std::fmt::Debug for GatewayConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GatewayConfig")
            .field("url", &self.url)
            .field("brand", &self.brand)
            .field("username", &self.username)
            .field("password", &"<hidden>")
            .field("auth", &self.auth)
            .field("status", &self.status)
            .field("success", &self.success)
            .field("permanent", &self.permanent)
            .field("max_length", &self.max_length)
            .field("reports", &self.reports)
            .finish()
    }
}

/// VNPT VinaPhone's `send_sms_list` (`../shared/INTEGRATIONS.md` §5): the text as the template's
/// one parameter, the number as `84…`, the reply's `RPLY.ERROR` `"0"` for accepted.
fn vnpt() -> serde_json::Value {
    serde_json::json!({"RQST": {
        "name": "send_sms_list", "REQID": "{id}", "LABELID": "{brand}", "CONTRACTTYPEID": "1",
        "CONTRACTID": "{contract}", "TEMPLATEID": "{template}", "PARAMS": [{"NUM": "1", "CONTENT": "{text}"}],
        "SCHEDULETIME": "", "MOBILELIST": "{phone84}", "ISTELCOSUB": "0", "AGENTID": "{agent}",
        "APIUSER": "{username}", "APIPASS": "{password}", "USERNAME": "{username}", "DATACODING": "0"
    }})
}

/// The form gateways (`../shared/INTEGRATIONS.md` §5, BCT): HTTP Basic, the number as `0…`.
fn form() -> Vec<(String, String)> {
    [
        ("cp_code", "{username}"),
        ("alias", "{brand}"),
        ("content_type", "0"),
        ("msisdn", "{phone0}"),
        ("sale_order_id", "{dossier}"),
        ("content", "{text}"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

impl GatewayConfig {
    /// From `MOTCUA_SMS_GATEWAY_*` (docs/notifications.md).
    pub fn from_env() -> Result<Self, String> {
        Self::from_vars(crate::settings::env)
    }

    pub fn from_vars(var: impl crate::settings::Vars) -> Result<Self, String> {
        let need = |name: &str, what: &str| var(name).ok_or_else(|| format!("{name} is not set ({what})"));
        let url = crate::settings::http_address(
            "MOTCUA_SMS_GATEWAY_URL",
            need("MOTCUA_SMS_GATEWAY_URL", "the gateway's address")?,
        )?;
        let brand = need("MOTCUA_SMS_GATEWAY_BRAND", "the registered brand name")?;
        let username = need("MOTCUA_SMS_GATEWAY_USERNAME", "the gateway account")?;
        let password = crate::settings::secret(&var, "MOTCUA_SMS_GATEWAY_PASSWORD")?
            .ok_or("MOTCUA_SMS_GATEWAY_PASSWORD or MOTCUA_SMS_GATEWAY_PASSWORD_FILE is not set")?;
        let template = var("MOTCUA_SMS_GATEWAY_TEMPLATE");
        let preset = var("MOTCUA_SMS_GATEWAY_PRESET").unwrap_or_else(|| "vnpt".into());
        let (body, auth, status, success) = match preset.as_str() {
            "vnpt" => (Body::Json(vnpt()), Auth::InBody, Some("/RPLY/ERROR".to_owned()), vec!["0".to_owned()]),
            "form" => (Body::Form(form()), Auth::Basic, None, vec![]),
            "json" => {
                let text =
                    template.clone().ok_or("MOTCUA_SMS_GATEWAY_PRESET=json needs MOTCUA_SMS_GATEWAY_TEMPLATE")?;
                let doc =
                    serde_json::from_str(&text).map_err(|e| format!("MOTCUA_SMS_GATEWAY_TEMPLATE is not JSON: {e}"))?;
                (Body::Json(doc), Auth::InBody, None, vec!["0".to_owned()])
            }
            other => return Err(format!("MOTCUA_SMS_GATEWAY_PRESET: `{other}` is not vnpt, form or json")),
        };
        let list = |name: &str, default: Vec<String>| crate::settings::list(&var, name).unwrap_or(default);
        let auth = match var("MOTCUA_SMS_GATEWAY_AUTH").as_deref() {
            None => auth,
            Some("body") => Auth::InBody,
            Some("basic") => Auth::Basic,
            Some(other) => return Err(format!("MOTCUA_SMS_GATEWAY_AUTH: `{other}` is not body or basic")),
        };
        let number = |name: &str, default, range| crate::settings::number(&var, name, default, range);
        Ok(Self {
            url,
            brand,
            username,
            password,
            body,
            auth,
            status: var("MOTCUA_SMS_GATEWAY_STATUS").or(status),
            success: list("MOTCUA_SMS_GATEWAY_SUCCESS", success),
            permanent: list("MOTCUA_SMS_GATEWAY_PERMANENT", vec![]),
            message_id: var("MOTCUA_SMS_GATEWAY_ID"),
            max_length: number("MOTCUA_SMS_GATEWAY_MAX_LENGTH", 306, 70..=1_530)? as usize,
            timeout: Duration::from_secs(number("MOTCUA_SMS_GATEWAY_TIMEOUT_SECONDS", 15, 1..=120)?),
            reports: super::ReportConfig::from_vars(&var)?,
        })
        .map(|c| c.with_extras(&var))
    }

    /// The preset's other placeholders from the environment (`{contract}`, `{template}`,
    /// `{agent}`: `MOTCUA_SMS_GATEWAY_CONTRACT`, `_TEMPLATE_ID`, `_AGENT`).
    fn with_extras(mut self, var: &impl crate::settings::Vars) -> Self {
        let extras = [
            ("{contract}", var("MOTCUA_SMS_GATEWAY_CONTRACT")),
            ("{template}", var("MOTCUA_SMS_GATEWAY_TEMPLATE_ID")),
            ("{agent}", var("MOTCUA_SMS_GATEWAY_AGENT")),
        ];
        let fill = |s: &str| extras.iter().fold(s.to_owned(), |s, (k, v)| s.replace(k, v.as_deref().unwrap_or("")));
        self.body = match self.body {
            Body::Json(doc) => Body::Json(super::map_strings(doc, &fill)),
            Body::Form(fields) => Body::Form(fields.into_iter().map(|(k, v)| (k, fill(&v))).collect()),
        };
        self
    }
}
