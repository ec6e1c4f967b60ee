//! Pure JWT handling for web identity tokens: splitting and decoding the
//! compact form, header checks (algorithm allowlist, `crit`) and the claim
//! checks of STS.md §7.1. Signature verification needs keys fetched over the
//! network and lives in `crate::federation::oidc`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use crate::core::error::{ApiError, ApiResult, ErrorCode};
use crate::core::time::Epoch;

/// The model's upper bound for `WebIdentityToken` (clientTokenType).
pub const MAX_TOKEN_LEN: usize = 20000;

/// Algorithms a token may be signed with. `none` and the HMAC family are
/// absent on purpose: an HMAC "signature" keyed with a public key proves nothing.
pub const ALLOWED_ALGS: &[&str] = &[
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA",
];

/// Claim carrying session tags (STS.md §7.3).
pub const TAGS_CLAIM: &str = "https://aws.amazon.com/tags";
/// Claim carrying the source identity.
pub const SOURCE_IDENTITY_CLAIM: &str = "https://aws.amazon.com/source_identity";

/// Google's issuer appears with and without scheme in real tokens.
pub const GOOGLE_ISSUERS: &[&str] = &["accounts.google.com", "https://accounts.google.com"];

pub fn is_google_issuer(iss: &str) -> bool {
    GOOGLE_ISSUERS.contains(&iss)
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::invalid_identity_token(message)
}

/// The decoded parts of a compact JWS. Nothing here is verified yet.
#[derive(Debug, Clone)]
pub struct ParsedJwt {
    pub alg: String,
    pub kid: Option<String>,
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    /// `base64url(header) "." base64url(payload)`: the bytes the signature covers.
    pub signing_input: String,
    /// The signature, still base64url-encoded.
    pub signature: String,
}

fn decode_part(part: &str, what: &str) -> ApiResult<Map<String, Value>> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| invalid(format!("The token {what} is not valid base64url")))?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(invalid(format!("The token {what} is not a JSON object"))),
    }
}

/// Split a compact JWS into its three parts and decode header and payload.
/// Checks size and shape only; see [`check_header`] for the algorithm.
pub fn parse(token: &str) -> ApiResult<ParsedJwt> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(invalid(format!(
            "The web identity token is longer than the maximum of {MAX_TOKEN_LEN} characters"
        )));
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid(
            "The web identity token is not a JWT (expected three dot-separated parts)",
        ));
    };
    let header = decode_part(h, "header")?;
    let claims = decode_part(p, "payload")?;
    let alg = match header.get("alg") {
        Some(Value::String(a)) => a.clone(),
        _ => return Err(invalid("The token header has no alg")),
    };
    let kid = match header.get("kid") {
        None => None,
        Some(Value::String(k)) => Some(k.clone()),
        Some(_) => return Err(invalid("The token header kid is not a string")),
    };
    Ok(ParsedJwt {
        alg,
        kid,
        header,
        claims,
        signing_input: format!("{h}.{p}"),
        signature: s.to_string(),
    })
}

/// Algorithm allowlist and `crit`. Header members such as `jku`, `x5u`, `jwk`
/// and `x5c` are ignored, never used to find a key.
pub fn check_header(jwt: &ParsedJwt) -> ApiResult<()> {
    if !ALLOWED_ALGS.contains(&jwt.alg.as_str()) {
        return Err(invalid(format!(
            "The token signing algorithm '{}' is not supported; allowed: {}",
            truncate(&jwt.alg, 32),
            ALLOWED_ALGS.join(", ")
        )));
    }
    if jwt.signature.is_empty() {
        return Err(invalid("The token has no signature"));
    }
    // We understand no JWS extensions, so any critical one must be refused (RFC 7515 §4.1.11).
    if jwt.header.contains_key("crit") {
        return Err(invalid(
            "The token header lists critical extensions (crit), which are not supported",
        ));
    }
    Ok(())
}

/// The token's `iss`, unverified: only to pick the provider whose keys then
/// verify it.
pub fn peek_issuer(token: &str) -> ApiResult<String> {
    let jwt = parse(token)?;
    match jwt.claims.get("iss") {
        Some(Value::String(iss)) if !iss.is_empty() => Ok(iss.clone()),
        _ => Err(invalid("The web identity token has no iss claim")),
    }
}

/// What the claims of a verified token yield for the STS action.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedClaims {
    pub issuer: String,
    pub subject: String,
    /// The matched client id; for Google `azp` if present, else `aud`.
    pub audience: String,
    /// The raw `aud` (the first one if it is an array).
    pub oaud: String,
    pub azp: Option<String>,
    pub amr: Vec<String>,
    pub issued_at: Option<Epoch>,
    pub expires: Epoch,
    pub principal_tags: Vec<(String, String)>,
    pub transitive_tag_keys: Vec<String>,
    pub source_identity: Option<String>,
    pub claims: Map<String, Value>,
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

fn issuer_matches(iss: &str, expected: &str) -> bool {
    iss == expected || (is_google_issuer(iss) && is_google_issuer(expected))
}

/// Time claims must be integers (the model says integer/long).
fn time_claim(claims: &Map<String, Value>, name: &str) -> ApiResult<Option<Epoch>> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| invalid(format!("The token claim {name} must be an integer"))),
        Some(_) => Err(invalid(format!(
            "The token claim {name} must be an integer"
        ))),
    }
}

fn string_claim(claims: &Map<String, Value>, name: &str) -> ApiResult<Option<String>> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid(format!("The token claim {name} must be a string"))),
    }
}

fn audiences(claims: &Map<String, Value>) -> ApiResult<Vec<String>> {
    match claims.get("aud") {
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) if !items.is_empty() => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| invalid("The token claim aud must hold strings"))
            })
            .collect(),
        Some(_) => Err(invalid(
            "The token claim aud must be a string or an array of strings",
        )),
        None => Err(invalid("The web identity token has no aud claim")),
    }
}

/// Principal tags (key, value) and transitive tag keys.
type SessionTags = (Vec<(String, String)>, Vec<String>);

fn tags(claims: &Map<String, Value>) -> ApiResult<SessionTags> {
    let Some(tags) = claims.get(TAGS_CLAIM) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let bad = |what: &str| invalid(format!("The token claim {TAGS_CLAIM} is malformed: {what}"));
    let Value::Object(tags) = tags else {
        return Err(bad("not an object"));
    };
    let mut principal = Vec::new();
    if let Some(pt) = tags.get("principal_tags") {
        let Value::Object(pt) = pt else {
            return Err(bad("principal_tags is not an object"));
        };
        for (key, value) in pt {
            // STS has no multi-valued tags: each value is a one-element array.
            let v = match value {
                Value::Array(items) if items.len() == 1 => match &items[0] {
                    Value::String(s) => s.clone(),
                    _ => return Err(bad("a principal_tags value is not a string")),
                },
                _ => {
                    return Err(bad(
                        "each principal_tags value must be an array with exactly one string",
                    ));
                }
            };
            principal.push((key.clone(), v));
        }
    }
    let mut transitive = Vec::new();
    if let Some(tk) = tags.get("transitive_tag_keys") {
        let Value::Array(items) = tk else {
            return Err(bad("transitive_tag_keys is not an array"));
        };
        for item in items {
            match item {
                Value::String(s) => transitive.push(s.clone()),
                _ => return Err(bad("a transitive_tag_keys entry is not a string")),
            }
        }
    }
    Ok((principal, transitive))
}

/// The claim checks of STS.md §7.1 against a token whose signature has been
/// verified. `client_ids` is `None` for Google, which has no client-id list:
/// then `azp` (or `aud`) is reported as the audience and the trust policy
/// decides. `leeway` widens the `exp`/`nbf`/`iat` windows for clock skew.
pub fn check_claims(
    claims: &Map<String, Value>,
    expected_issuer: &str,
    client_ids: Option<&[String]>,
    now: Epoch,
    leeway: i64,
) -> ApiResult<CheckedClaims> {
    let issuer = string_claim(claims, "iss")?
        .ok_or_else(|| invalid("The web identity token has no iss claim"))?;
    if !issuer_matches(&issuer, expected_issuer) {
        return Err(invalid(format!(
            "The token issuer does not match the provider URL {expected_issuer}"
        )));
    }

    let expires = time_claim(claims, "exp")?
        .ok_or_else(|| invalid("The web identity token has no exp claim"))?;
    let not_before = time_claim(claims, "nbf")?;
    let issued_at = time_claim(claims, "iat")?;
    if now > expires.saturating_add(leeway) {
        return Err(ApiError::new(
            ErrorCode::ExpiredTokenException,
            format!(
                "Token expired: current date/time {now} must be before the expiration date/time{expires}"
            ),
        ));
    }
    if let Some(nbf) = not_before
        && nbf > now.saturating_add(leeway)
    {
        return Err(invalid(format!(
            "Token not yet valid: current date/time {now} is before the not-before date/time {nbf}"
        )));
    }
    if let Some(iat) = issued_at
        && iat > now.saturating_add(leeway)
    {
        return Err(invalid(format!(
            "Token issued in the future: issue date/time {iat} is after current date/time {now}"
        )));
    }

    let subject = string_claim(claims, "sub")?
        .ok_or_else(|| invalid("The web identity token has no sub claim"))?;
    // webIdentitySubjectType allows up to 255 characters; AWS's minimum of 6 is
    // not enforced, real IdPs issue shorter subjects.
    if subject.is_empty() || subject.chars().count() > 255 {
        return Err(invalid(
            "The token claim sub must be between 1 and 255 characters",
        ));
    }

    let auds = audiences(claims)?;
    let oaud = auds.first().cloned().unwrap_or_default();
    let azp = string_claim(claims, "azp")?;
    let audience = match client_ids {
        Some(ids) => {
            // azp names the client the token was issued to when aud lists several.
            let candidates = auds.iter().chain(azp.iter());
            candidates
                .into_iter()
                .find(|a| ids.iter().any(|id| id == *a))
                .cloned()
                .ok_or_else(|| invalid("Incorrect token audience"))?
        }
        None => azp.clone().unwrap_or_else(|| oaud.clone()),
    };

    let amr = match claims.get("amr") {
        None => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| invalid("The token claim amr must hold strings"))
            })
            .collect::<ApiResult<_>>()?,
        Some(_) => return Err(invalid("The token claim amr must be an array of strings")),
    };

    let (principal_tags, transitive_tag_keys) = tags(claims)?;
    let source_identity = string_claim(claims, SOURCE_IDENTITY_CLAIM)?;

    Ok(CheckedClaims {
        issuer,
        subject,
        audience,
        oaud,
        azp,
        amr,
        issued_at,
        expires,
        principal_tags,
        transitive_tag_keys,
        source_identity,
        claims: claims.clone(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: Epoch = 1_700_000_000;
    const ISS: &str = "https://idp.example.org";

    fn b64(v: &Value) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
    }

    fn token(header: Value, claims: Value) -> String {
        format!("{}.{}.c2ln", b64(&header), b64(&claims))
    }

    fn claims(extra: Value) -> Map<String, Value> {
        let mut base = json!({
            "iss": ISS, "sub": "user-123", "aud": "app-1",
            "iat": NOW - 10, "exp": NOW + 3600,
        });
        if let (Value::Object(b), Value::Object(e)) = (&mut base, extra) {
            for (k, v) in e {
                b.insert(k, v);
            }
        }
        match base {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    fn ids() -> Vec<String> {
        vec!["app-1".to_string(), "app-2".to_string()]
    }

    fn check(extra: Value) -> ApiResult<CheckedClaims> {
        check_claims(&claims(extra), ISS, Some(&ids()), NOW, 300)
    }

    #[test]
    fn parse_rejects_malformed_tokens() {
        assert!(parse("abc").is_err());
        assert!(parse("a.b.c.d").is_err());
        assert!(parse("!!.e30.c2ln").is_err());
        let not_object = format!("{}.{}.c2ln", b64(&json!({"alg":"RS256"})), b64(&json!([1])));
        assert!(parse(&not_object).is_err());
        let huge = token(
            json!({"alg":"RS256"}),
            json!({"pad": "x".repeat(MAX_TOKEN_LEN)}),
        );
        let err = parse(&huge).unwrap_err();
        assert!(err.message.contains("20000"), "{}", err.message);
        let ok = parse(&token(
            json!({"alg":"RS256","kid":"k1"}),
            json!({"iss":ISS}),
        ))
        .unwrap();
        assert_eq!(ok.alg, "RS256");
        assert_eq!(ok.kid.as_deref(), Some("k1"));
    }

    #[test]
    fn header_allowlist_refuses_none_and_hmac() {
        for alg in ["none", "HS256", "HS512", "ES512", "RS1"] {
            let jwt = parse(&token(json!({ "alg": alg }), json!({}))).unwrap();
            let err = check_header(&jwt).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidIdentityToken, "{alg}");
        }
        for alg in ALLOWED_ALGS {
            let jwt = parse(&token(json!({ "alg": alg }), json!({}))).unwrap();
            assert!(check_header(&jwt).is_ok(), "{alg}");
        }
        let crit = parse(&token(json!({"alg":"RS256","crit":["b64"]}), json!({}))).unwrap();
        assert!(check_header(&crit).is_err());
        let unsigned = parse(&format!(
            "{}.{}.",
            b64(&json!({"alg":"RS256"})),
            b64(&json!({}))
        ));
        assert!(check_header(&unsigned.unwrap()).is_err());
    }

    #[test]
    fn peek_issuer_reads_unverified_iss() {
        let t = token(json!({"alg":"RS256"}), json!({"iss": ISS}));
        assert_eq!(peek_issuer(&t).unwrap(), ISS);
        let t = token(json!({"alg":"RS256"}), json!({"sub": "x"}));
        assert_eq!(
            peek_issuer(&t).unwrap_err().code,
            ErrorCode::InvalidIdentityToken
        );
    }

    #[test]
    fn accepts_a_good_token() {
        let c = check(json!({"amr": ["pwd"]})).unwrap();
        assert_eq!(c.issuer, ISS);
        assert_eq!(c.subject, "user-123");
        assert_eq!(c.audience, "app-1");
        assert_eq!(c.oaud, "app-1");
        assert_eq!(c.expires, NOW + 3600);
        assert_eq!(c.issued_at, Some(NOW - 10));
        assert_eq!(c.amr, vec!["pwd"]);
    }

    #[test]
    fn issuer_must_match_exactly() {
        let err = check(json!({"iss": "https://idp.example.org/"})).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidIdentityToken);
        assert!(check(json!({"iss": "http://idp.example.org"})).is_err());
    }

    #[test]
    fn audience_must_be_a_client_id() {
        let err = check(json!({"aud": "other"})).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidIdentityToken);
        assert_eq!(err.message, "Incorrect token audience");
        let c = check(json!({"aud": ["other", "app-2"]})).unwrap();
        assert_eq!(c.audience, "app-2");
        assert_eq!(c.oaud, "other");
        assert!(check(json!({"aud": []})).is_err());
        assert!(check(json!({"aud": 5})).is_err());
    }

    #[test]
    fn google_reports_azp_as_audience() {
        let mut c = claims(
            json!({"iss": "accounts.google.com", "aud": "web-client", "azp": "android-client"}),
        );
        let checked = check_claims(&c, "https://accounts.google.com", None, NOW, 300).unwrap();
        assert_eq!(checked.audience, "android-client");
        assert_eq!(checked.oaud, "web-client");
        c.remove("azp");
        let checked = check_claims(&c, "accounts.google.com", None, NOW, 300).unwrap();
        assert_eq!(checked.audience, "web-client");
    }

    #[test]
    fn expiry_uses_leeway_and_aws_message() {
        assert!(check(json!({"exp": NOW - 299})).is_ok());
        let err = check(json!({"exp": NOW - 301})).unwrap_err();
        assert_eq!(err.code, ErrorCode::ExpiredTokenException);
        assert_eq!(
            err.message,
            format!(
                "Token expired: current date/time {NOW} must be before the expiration date/time{}",
                NOW - 301
            )
        );
        assert_eq!(ErrorCode::ExpiredTokenException.status(), 400);
    }

    #[test]
    fn nbf_and_iat_in_the_future_are_refused() {
        assert!(check(json!({"nbf": NOW + 299})).is_ok());
        let err = check(json!({"nbf": NOW + 301})).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidIdentityToken);
        assert!(check(json!({"iat": NOW + 301})).is_err());
    }

    #[test]
    fn time_claims_must_be_integers() {
        for bad in [json!("1700000000"), json!(1.7e9), json!(null)] {
            let err = check(json!({ "exp": bad })).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidIdentityToken);
        }
        assert!(check(json!({"iat": "now"})).is_err());
        let mut c = claims(json!({}));
        c.remove("exp");
        assert!(check_claims(&c, ISS, Some(&ids()), NOW, 300).is_err());
    }

    #[test]
    fn subject_is_required_and_bounded() {
        assert!(check(json!({"sub": ""})).is_err());
        assert!(check(json!({"sub": "x".repeat(256)})).is_err());
        assert!(check(json!({"sub": "x".repeat(255)})).is_ok());
        let mut c = claims(json!({}));
        c.remove("sub");
        assert!(check_claims(&c, ISS, Some(&ids()), NOW, 300).is_err());
    }

    #[test]
    fn tags_and_source_identity_come_from_aws_claims() {
        let c = check(json!({
            TAGS_CLAIM: {
                "principal_tags": {"Project": ["Automation"], "CostCenter": ["987654"]},
                "transitive_tag_keys": ["Project"]
            },
            SOURCE_IDENTITY_CLAIM: "alice"
        }))
        .unwrap();
        let mut tags = c.principal_tags.clone();
        tags.sort();
        assert_eq!(
            tags,
            vec![
                ("CostCenter".to_string(), "987654".to_string()),
                ("Project".to_string(), "Automation".to_string())
            ]
        );
        assert_eq!(c.transitive_tag_keys, vec!["Project"]);
        assert_eq!(c.source_identity.as_deref(), Some("alice"));

        let multi = check(json!({TAGS_CLAIM: {"principal_tags": {"P": ["a", "b"]}}}));
        assert_eq!(multi.unwrap_err().code, ErrorCode::InvalidIdentityToken);
        assert!(check(json!({TAGS_CLAIM: {"principal_tags": {"P": "a"}}})).is_err());
        assert!(check(json!({TAGS_CLAIM: "x"})).is_err());
    }
}
