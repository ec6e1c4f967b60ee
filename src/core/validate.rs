//! Model-constraint checks (length, pattern, range) that produce IAM/STS-style
//! `ValidationError` messages: `1 validation error detected: Value 'x' at
//! 'roleName' failed to satisfy constraint: Member must have length less than
//! or equal to 64`. Several violations are joined with `; `.

use crate::core::error::{ApiError, ApiResult};
use crate::core::query::Params;

/// The constraints of one string shape from the service model.
#[derive(Debug, Clone, Copy)]
pub struct StrRule {
    pub min: usize,
    pub max: usize,
    /// Per-character test standing in for the model's regex.
    pub chars: fn(char) -> bool,
    /// The model's pattern, quoted in the message.
    pub pattern: &'static str,
    /// Sensitive values (tokens, assertions) are never echoed.
    pub sensitive: bool,
}

/// `[\w+=,.@-]` — names of roles, users, sessions, policies.
pub fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '=' | ',' | '.' | '@' | '-')
}

fn any_char(_: char) -> bool {
    true
}

/// `[\u0009\u000A\u000D\u0020-\u00FF]` — policy documents.
pub fn policy_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FF}')
}

/// The arnType pattern `[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]`.
pub fn arn_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

fn path_char(c: char) -> bool {
    matches!(c, '\u{21}'..='\u{7E}')
}

fn description_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{A1}'..='\u{FF}')
}

/// `[\p{L}\p{Z}\p{N}_.:/=+\-@]` — tag keys and values.
pub fn tag_char(c: char) -> bool {
    c.is_alphanumeric()
        || c.is_whitespace()
        || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
}

fn external_id_char(c: char) -> bool {
    name_char(c) || matches!(c, ':' | '/')
}

fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn hex_char(c: char) -> bool {
    c.is_ascii_hexdigit()
}

macro_rules! rule {
    ($name:ident, $min:expr, $max:expr, $chars:expr, $pattern:expr) => {
        pub const $name: StrRule = StrRule {
            min: $min,
            max: $max,
            chars: $chars,
            pattern: $pattern,
            sensitive: false,
        };
    };
    ($name:ident, $min:expr, $max:expr, $chars:expr, $pattern:expr, sensitive) => {
        pub const $name: StrRule = StrRule {
            min: $min,
            max: $max,
            chars: $chars,
            pattern: $pattern,
            sensitive: true,
        };
    };
}

rule!(
    ARN,
    20,
    2048,
    arn_char,
    "[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+"
);
rule!(ROLE_NAME, 1, 64, name_char, "[\\w+=,.@-]+");
rule!(USER_NAME, 1, 64, name_char, "[\\w+=,.@-]+");
rule!(EXISTING_USER_NAME, 1, 128, name_char, "[\\w+=,.@-]+");
rule!(GROUP_NAME, 1, 128, name_char, "[\\w+=,.@-]+");
rule!(POLICY_NAME, 1, 128, name_char, "[\\w+=,.@-]+");
rule!(ROLE_SESSION_NAME, 2, 64, name_char, "[\\w+=,.@-]*");
rule!(FEDERATED_NAME, 2, 32, name_char, "[\\w+=,.@-]*");
rule!(
    POLICY_DOCUMENT,
    1,
    131072,
    policy_char,
    "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"
);
rule!(
    SESSION_POLICY,
    1,
    2048,
    policy_char,
    "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"
);
rule!(
    UNRESTRICTED_SESSION_POLICY,
    1,
    usize::MAX,
    policy_char,
    "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"
);
rule!(
    PATH,
    1,
    512,
    path_char,
    "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)"
);
rule!(PATH_PREFIX, 1, 512, path_char, "\\u002F[\\u0021-\\u007F]*");
rule!(
    ROLE_DESCRIPTION,
    0,
    1000,
    description_char,
    "[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*"
);
rule!(TAG_KEY, 1, 128, tag_char, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
rule!(
    TAG_VALUE,
    0,
    256,
    tag_char,
    "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*"
);
rule!(EXTERNAL_ID, 2, 1224, external_id_char, "[\\w+=,.@:\\/-]*");
rule!(SOURCE_IDENTITY, 2, 64, name_char, "[\\w+=,.@-]*");
rule!(WEB_IDENTITY_TOKEN, 4, 20000, any_char, "", sensitive);
rule!(SAML_ASSERTION, 4, 100000, any_char, "", sensitive);
rule!(PROVIDER_ID, 4, 2048, any_char, "");
rule!(OIDC_URL, 1, 255, any_char, "");
rule!(CLIENT_ID, 1, 255, any_char, "");
rule!(THUMBPRINT, 40, 40, hex_char, "[0-9a-fA-F]{40}");
rule!(MARKER, 1, 320, description_char, "[\\u0020-\\u00FF]+");
rule!(ACCESS_KEY_ID, 16, 128, word_char, "[\\w]+");

/// Collects every violation of one request, then fails once with all of them.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<String>,
}

/// The model member name as AWS quotes it: `RoleName` → `roleName`.
fn member_name(param: &str) -> String {
    let mut chars = param.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn quoted(value: &str, rule: &StrRule) -> String {
    if rule.sensitive {
        "'*** redacted ***'".to_string()
    } else {
        format!("'{value}'")
    }
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, violation: String) {
        self.errors.push(violation);
    }

    /// Record `Member must not be null` for a missing required parameter.
    pub fn missing(&mut self, param: &str) {
        self.errors.push(format!(
            "Value null at '{}' failed to satisfy constraint: Member must not be null",
            member_name(param)
        ));
    }

    /// Check `value` against `rule`, recording any violation under `param`.
    pub fn check(&mut self, param: &str, value: &str, rule: &StrRule) {
        let len = value.chars().count();
        let shown = quoted(value, rule);
        let member = member_name(param);
        if len < rule.min {
            self.errors.push(format!(
                "Value {shown} at '{member}' failed to satisfy constraint: Member must have length greater than or equal to {}",
                rule.min
            ));
        } else if len > rule.max {
            self.errors.push(format!(
                "Value {shown} at '{member}' failed to satisfy constraint: Member must have length less than or equal to {}",
                rule.max
            ));
        }
        if !rule.pattern.is_empty() && !value.chars().all(rule.chars) {
            self.errors.push(format!(
                "Value {shown} at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: {}",
                rule.pattern
            ));
        }
    }

    /// A required string parameter: absent → null violation.
    pub fn required<'p>(&mut self, params: &'p Params, param: &str, rule: &StrRule) -> &'p str {
        match params.get(param) {
            Some(v) => {
                self.check(param, v, rule);
                v
            }
            None => {
                self.missing(param);
                ""
            }
        }
    }

    pub fn optional<'p>(
        &mut self,
        params: &'p Params,
        param: &str,
        rule: &StrRule,
    ) -> Option<&'p str> {
        let v = params.get(param)?;
        self.check(param, v, rule);
        Some(v)
    }

    /// An optional integer within `min..=max`.
    pub fn optional_int(
        &mut self,
        params: &Params,
        param: &str,
        min: i64,
        max: i64,
    ) -> Option<i64> {
        let raw = params.get(param)?;
        let member = member_name(param);
        match raw.trim().parse::<i64>() {
            Ok(v) if v < min => {
                self.errors.push(format!(
                    "Value '{v}' at '{member}' failed to satisfy constraint: Member must have value greater than or equal to {min}"
                ));
                None
            }
            Ok(v) if v > max => {
                self.errors.push(format!(
                    "Value '{v}' at '{member}' failed to satisfy constraint: Member must have value less than or equal to {max}"
                ));
                None
            }
            Ok(v) => Some(v),
            Err(_) => {
                self.errors.push(format!(
                    "Value '{raw}' at '{member}' failed to satisfy constraint: Member must be a number"
                ));
                None
            }
        }
    }

    /// An optional boolean (`true`/`false`, case-insensitive as botocore sends lower case).
    pub fn optional_bool(&mut self, params: &Params, param: &str) -> Option<bool> {
        let raw = params.get(param)?;
        match raw.to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                self.errors.push(format!(
                    "Value '{raw}' at '{}' failed to satisfy constraint: Member must be a boolean",
                    member_name(param)
                ));
                None
            }
        }
    }

    /// A list parameter with at most `max` members, each checked against `rule`.
    pub fn list<'p>(
        &mut self,
        params: &'p Params,
        param: &str,
        max: usize,
        rule: &StrRule,
    ) -> Option<Vec<&'p str>> {
        let items = match params.list(param) {
            Ok(items) => items?,
            Err(e) => {
                self.errors.push(strip_prefix(&e.message));
                return None;
            }
        };
        if items.len() > max {
            self.errors.push(format!(
                "Value at '{}' failed to satisfy constraint: Member must have length less than or equal to {max}",
                member_name(param)
            ));
        }
        for item in &items {
            self.check(param, item, rule);
        }
        Some(items)
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok` when nothing was recorded, else one `ValidationError` naming every violation.
    pub fn finish(self) -> ApiResult<()> {
        match self.errors.len() {
            0 => Ok(()),
            1 => Err(ApiError::validation(format!(
                "1 validation error detected: {}",
                self.errors[0]
            ))),
            n => Err(ApiError::validation(format!(
                "{n} validation errors detected: {}",
                self.errors.join("; ")
            ))),
        }
    }
}

fn strip_prefix(message: &str) -> String {
    message
        .strip_prefix("1 validation error detected: ")
        .unwrap_or(message)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    #[test]
    fn length_message_matches_iam() {
        let mut v = Validator::new();
        v.check("RoleName", &"a".repeat(65), &ROLE_NAME);
        let e = v.finish().unwrap_err();
        assert_eq!(e.code, ErrorCode::ValidationError);
        assert_eq!(
            e.message,
            format!(
                "1 validation error detected: Value '{}' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64",
                "a".repeat(65)
            )
        );
    }

    #[test]
    fn several_violations_are_counted() {
        let p = Params::from_pairs([("RoleSessionName", "a"), ("DurationSeconds", "10")]).unwrap();
        let mut v = Validator::new();
        v.required(&p, "RoleArn", &ARN);
        v.required(&p, "RoleSessionName", &ROLE_SESSION_NAME);
        v.optional_int(&p, "DurationSeconds", 900, 43200);
        let e = v.finish().unwrap_err();
        assert!(
            e.message
                .starts_with("3 validation errors detected: Value null at 'roleArn'"),
            "{}",
            e.message
        );
        assert!(e.message.contains("'roleSessionName'"));
        assert!(e.message.contains("greater than or equal to 900"));
    }

    #[test]
    fn sensitive_values_are_not_echoed() {
        let mut v = Validator::new();
        v.check("WebIdentityToken", "abc", &WEB_IDENTITY_TOKEN);
        let e = v.finish().unwrap_err();
        assert!(!e.message.contains("'abc'"));
    }

    #[test]
    fn pattern_violation_quotes_the_pattern() {
        let mut v = Validator::new();
        v.check("RoleName", "bad name", &ROLE_NAME);
        let e = v.finish().unwrap_err();
        assert!(
            e.message
                .contains("Member must satisfy regular expression pattern: [\\w+=,.@-]+")
        );
    }
}
