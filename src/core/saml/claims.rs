//! Claim checks on a verified Assertion (STS.md §8) and the values
//! AssumeRoleWithSAML answers with and evaluates trust policies on.

use aws_lc_rs::digest;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::xml::NodeId;
use super::{ASSERTION_NS, PROTOCOL_NS, Verified};
use crate::core::error::{ApiError, ErrorCode};
use crate::core::time::{Epoch, parse_iso8601};

pub const ATTR_PREFIX: &str = "https://aws.amazon.com/SAML/Attributes/";
pub const ROLE_ATTR: &str = "https://aws.amazon.com/SAML/Attributes/Role";
pub const BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
pub const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
pub const NAMEID_PREFIX: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:";
/// AWS's redemption window from IssueInstant.
pub const REDEMPTION_WINDOW: Epoch = 300;

/// What the service expects of an assertion for one provider.
pub struct Expect<'a> {
    pub entity_id: &'a str,
    pub now: Epoch,
    pub leeway: Epoch,
    /// Extra accepted Recipient/Destination values (stsgate's own ACS URL).
    pub extra_recipients: &'a [String],
    /// Extra accepted audiences (configured).
    pub extra_audiences: &'a [String],
}

/// The checked content of an assertion.
#[derive(Debug, Clone, Default)]
pub struct Claims {
    pub id: String,
    pub issuer: String,
    pub subject: String,
    pub subject_type: String,
    /// The bearer confirmation's Recipient (AWS returns it as Audience).
    pub recipient: String,
    pub expires: Epoch,
    pub session_not_on_or_after: Option<Epoch>,
    /// (role ARN, provider ARN) pairs offered by the Role attribute.
    pub roles: Vec<(String, String)>,
    pub role_session_name: Option<String>,
    pub session_duration: Option<i64>,
    pub principal_tags: Vec<(String, String)>,
    pub transitive_tag_keys: Vec<String>,
    pub source_identity: Option<String>,
    pub in_response_to: Option<String>,
    /// Every attribute: (Name, values).
    pub attributes: Vec<(String, Vec<String>)>,
}

fn invalid(msg: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidIdentityToken, msg)
}

fn expired(msg: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::ExpiredTokenException, msg)
}

/// Recipient/Destination values AWS's sign-in endpoints accept.
pub fn is_aws_signin_url(url: &str) -> bool {
    if matches!(
        url,
        "https://signin.aws.amazon.com/saml" | "https://signin.aws.amazon.com/static/saml"
    ) {
        return true;
    }
    url.strip_prefix("https://")
        .and_then(|r| r.strip_suffix(".signin.aws.amazon.com/saml"))
        .is_some_and(|region| {
            !region.is_empty()
                && region
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

fn time_attr(v: &Verified, id: NodeId, name: &str) -> Result<Option<Epoch>, ApiError> {
    match v.doc.attr(id, name) {
        None => Ok(None),
        Some(s) => parse_iso8601(s).map(Some).ok_or_else(|| {
            invalid(format!(
                "Invalid SAML assertion: {name} is not a valid time"
            ))
        }),
    }
}

/// Check the verified assertion against `expect` and extract its claims.
pub fn check(v: &Verified, expect: &Expect<'_>) -> Result<Claims, ApiError> {
    let doc = &v.doc;
    let a = v.assertion;
    let r = v.response;
    let now = expect.now;
    let leeway = expect.leeway;

    // Status: only the Response carries it.
    let status_code = doc
        .first_child(r, PROTOCOL_NS, "Status")
        .and_then(|s| doc.first_child(s, PROTOCOL_NS, "StatusCode"))
        .and_then(|c| doc.attr(c, "Value"));
    if status_code != Some(SUCCESS) {
        return Err(ApiError::new(
            ErrorCode::IdpRejectedClaim,
            "The SAML response status is not Success",
        ));
    }

    let issuer = doc
        .first_child(a, ASSERTION_NS, "Issuer")
        .map(|i| doc.text(i).trim().to_string())
        .ok_or_else(|| invalid("Invalid SAML assertion: the Assertion has no Issuer"))?;
    if issuer != expect.entity_id {
        return Err(invalid(format!(
            "Invalid SAML assertion: Issuer {issuer} is not the provider's entity id"
        )));
    }
    if let Some(ri) = doc.first_child(r, ASSERTION_NS, "Issuer")
        && doc.text(ri).trim() != issuer
    {
        return Err(invalid(
            "Invalid SAML assertion: the Response and Assertion issuers differ",
        ));
    }
    let accepted_url =
        |u: &str| is_aws_signin_url(u) || expect.extra_recipients.iter().any(|x| x == u);
    if let Some(dest) = doc.attr(r, "Destination")
        && !accepted_url(dest)
    {
        return Err(invalid(format!(
            "Invalid SAML assertion: Destination {dest} is not an accepted sign-in endpoint"
        )));
    }

    // Redemption window from the IssueInstant(s).
    let issued = time_attr(v, a, "IssueInstant")?
        .ok_or_else(|| invalid("Invalid SAML assertion: the Assertion has no IssueInstant"))?;
    let response_issued = time_attr(v, r, "IssueInstant")?.unwrap_or(issued);
    for t in [issued, response_issued] {
        if now > t + REDEMPTION_WINDOW + leeway {
            return Err(expired(
                "Token must be redeemed within 5 minutes of issuance",
            ));
        }
        if t > now + leeway {
            return Err(invalid(
                "Invalid SAML assertion: IssueInstant is in the future",
            ));
        }
    }

    // Conditions.
    let conditions = doc.first_child(a, ASSERTION_NS, "Conditions");
    let mut audiences = Vec::new();
    if let Some(c) = conditions {
        if let Some(nb) = time_attr(v, c, "NotBefore")?
            && now + leeway < nb
        {
            return Err(invalid("Invalid SAML assertion: not yet valid (NotBefore)"));
        }
        if let Some(na) = time_attr(v, c, "NotOnOrAfter")?
            && now >= na + leeway
        {
            return Err(expired(
                "Invalid SAML assertion: expired (Conditions NotOnOrAfter)",
            ));
        }
        for ar in doc.children_named(c, ASSERTION_NS, "AudienceRestriction") {
            let list: Vec<String> = doc
                .children_named(ar, ASSERTION_NS, "Audience")
                .map(|x| doc.text(x).trim().to_string())
                .collect();
            audiences.push(list);
        }
    }
    let audience_ok = |aud: &str| {
        matches!(
            aud,
            "urn:amazon:webservices" | "https://signin.aws.amazon.com/saml"
        ) || expect.extra_audiences.iter().any(|x| x == aud)
    };
    // Every AudienceRestriction must name us (SAML core 2.5.1.4).
    if audiences.is_empty() || !audiences.iter().all(|l| l.iter().any(|x| audience_ok(x))) {
        return Err(invalid("Invalid SAML assertion: Incorrect token audience"));
    }

    // Subject and its single bearer confirmation.
    let subject = doc
        .first_child(a, ASSERTION_NS, "Subject")
        .ok_or_else(|| invalid("Invalid SAML assertion: the Assertion has no Subject"))?;
    let name_id = doc
        .first_child(subject, ASSERTION_NS, "NameID")
        .ok_or_else(|| invalid("Invalid SAML assertion: the Subject has no NameID"))?;
    let subject_value = doc.text(name_id).trim().to_string();
    let format = doc
        .attr(name_id, "Format")
        .unwrap_or("urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified");
    let subject_type = format
        .strip_prefix(NAMEID_PREFIX)
        .unwrap_or(format)
        .to_string();
    let confirmations: Vec<NodeId> = doc
        .children_named(subject, ASSERTION_NS, "SubjectConfirmation")
        .collect();
    let [confirmation] = confirmations.as_slice() else {
        return Err(invalid(
            "Invalid SAML assertion: exactly one SubjectConfirmation is required",
        ));
    };
    if doc.attr(*confirmation, "Method") != Some(BEARER) {
        return Err(invalid(
            "Invalid SAML assertion: the SubjectConfirmation method must be bearer",
        ));
    }
    let data = doc
        .first_child(*confirmation, ASSERTION_NS, "SubjectConfirmationData")
        .ok_or_else(|| invalid("Invalid SAML assertion: SubjectConfirmationData is missing"))?;
    let recipient = doc
        .attr(data, "Recipient")
        .ok_or_else(|| invalid("Invalid SAML assertion: SubjectConfirmationData has no Recipient"))?
        .to_string();
    if !accepted_url(&recipient) {
        return Err(invalid(format!(
            "Invalid SAML assertion: Recipient {recipient} is not an accepted sign-in endpoint"
        )));
    }
    let expires = time_attr(v, data, "NotOnOrAfter")?.ok_or_else(|| {
        invalid("Invalid SAML assertion: SubjectConfirmationData has no NotOnOrAfter")
    })?;
    if now >= expires + leeway {
        return Err(expired(
            "Invalid SAML assertion: expired (SubjectConfirmationData NotOnOrAfter)",
        ));
    }
    if let Some(nb) = time_attr(v, data, "NotBefore")?
        && now + leeway < nb
    {
        return Err(invalid(
            "Invalid SAML assertion: not yet valid (SubjectConfirmationData NotBefore)",
        ));
    }
    let in_response_to = doc.attr(data, "InResponseTo").map(str::to_string);

    let session_not_on_or_after = doc
        .children_named(a, ASSERTION_NS, "AuthnStatement")
        .filter_map(|s| doc.attr(s, "SessionNotOnOrAfter"))
        .filter_map(parse_iso8601)
        .min();

    // Attributes.
    let mut attributes: Vec<(String, Vec<String>)> = Vec::new();
    for st in doc.children_named(a, ASSERTION_NS, "AttributeStatement") {
        for at in doc.children_named(st, ASSERTION_NS, "Attribute") {
            let Some(name) = doc.attr(at, "Name") else {
                continue;
            };
            let values: Vec<String> = doc
                .children_named(at, ASSERTION_NS, "AttributeValue")
                .map(|x| doc.text(x).trim().to_string())
                .collect();
            match attributes.iter_mut().find(|(n, _)| n == name) {
                Some((_, existing)) => existing.extend(values),
                None => attributes.push((name.to_string(), values)),
            }
        }
    }
    let get = |name: &str| {
        attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    };
    let single = |short: &str| -> Result<Option<String>, ApiError> {
        match get(&format!("{ATTR_PREFIX}{short}")) {
            None => Ok(None),
            Some([one]) => Ok(Some(one.clone())),
            Some(_) => Err(invalid(format!(
                "Invalid SAML assertion: attribute {short} must have exactly one value"
            ))),
        }
    };

    let mut roles = Vec::new();
    for value in get(ROLE_ATTR).unwrap_or(&[]) {
        let parts: Vec<&str> = value.split(',').map(str::trim).collect();
        let [x, y] = parts.as_slice() else {
            continue;
        };
        let (role, provider) = if x.contains(":saml-provider/") {
            (*y, *x)
        } else {
            (*x, *y)
        };
        if role.contains(":role/") && provider.contains(":saml-provider/") {
            roles.push((role.to_string(), provider.to_string()));
        }
    }
    let session_duration = match single("SessionDuration")? {
        None => None,
        Some(s) => match s.parse::<i64>() {
            Ok(d) if (900..=43200).contains(&d) => Some(d),
            _ => {
                return Err(invalid(
                    "Invalid SAML assertion: SessionDuration must be an integer from 900 to 43200",
                ));
            }
        },
    };
    let mut principal_tags = Vec::new();
    for (name, values) in &attributes {
        if let Some(key) = name.strip_prefix(&format!("{ATTR_PREFIX}PrincipalTag:")) {
            let [value] = values.as_slice() else {
                return Err(invalid(format!(
                    "Invalid SAML assertion: PrincipalTag:{key} must have exactly one value"
                )));
            };
            principal_tags.push((key.to_string(), value.clone()));
        }
    }
    let transitive_tag_keys = get(&format!("{ATTR_PREFIX}TransitiveTagKeys"))
        .map(<[String]>::to_vec)
        .unwrap_or_default();

    Ok(Claims {
        id: doc.attr(a, "ID").unwrap_or_default().to_string(),
        issuer,
        subject: subject_value,
        subject_type,
        recipient,
        expires,
        session_not_on_or_after,
        roles,
        role_session_name: single("RoleSessionName")?,
        session_duration,
        principal_tags,
        transitive_tag_keys,
        source_identity: single("SourceIdentity")?,
        in_response_to,
        attributes,
    })
}

/// `Base64(SHA1(Issuer + AccountId + "/" + ProviderName))` (STS.md §4.3).
pub fn name_qualifier(issuer: &str, account: &str, provider_name: &str) -> String {
    let input = format!("{issuer}{account}/{provider_name}");
    STANDARD.encode(digest::digest(
        &digest::SHA1_FOR_LEGACY_USE_ONLY,
        input.as_bytes(),
    ))
}

const SINGLE_VALUED: &[&str] = &[
    "edupersonorgdn",
    "edupersonprimaryaffiliation",
    "edupersonprimaryorgunitdn",
    "edupersonprincipalname",
];

/// Attribute names (OIDs, claim URIs, plain names) → `saml:` key (§8.3).
fn mapped_key(name: &str) -> Option<&'static str> {
    Some(match name {
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.1" => "edupersonaffiliation",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.2" => "edupersonnickname",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.3" => "edupersonorgdn",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.4" => "edupersonorgunitdn",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.5" => "edupersonprimaryaffiliation",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.6" => "edupersonprincipalname",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.7" => "edupersonentitlement",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.8" => "edupersonprimaryorgunitdn",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.9" => "edupersonscopedaffiliation",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.10" => "edupersontargetedid",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.11" => "edupersonassurance",
        "urn:oid:1.3.6.1.4.1.5923.1.2.1.2" => "eduorghomepageuri",
        "urn:oid:1.3.6.1.4.1.5923.1.2.1.3" => "eduorgidentityauthnpolicyuri",
        "urn:oid:1.3.6.1.4.1.5923.1.2.1.4" => "eduorglegalname",
        "urn:oid:1.3.6.1.4.1.5923.1.2.1.5" => "eduorgsuperioruri",
        "urn:oid:1.3.6.1.4.1.5923.1.2.1.6" => "eduorgwhitepagesuri",
        "urn:oid:2.5.4.3" => "cn",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name" => "name",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname" => "givenName",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname" => "surname",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress" => "mail",
        "http://schemas.xmlsoap.org/claims/CommonName" => "commonName",
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/primarygroupsid" => "uid",
        "2.5.4.3" => "commonName",
        "2.5.4.4" => "surname",
        "2.4.5.42" => "givenName",
        "2.5.4.45" => "x500UniqueIdentifier",
        "0.9.2342.19200300100.1.1" => "uid",
        "0.9.2342.19200300100.1.3" => "mail",
        "0.9.2342.19200300.100.1.45" => "organizationStatus",
        _ => return None,
    })
}

/// Trust-policy condition keys (STS.md §8.3): (key, values, multi-valued).
pub fn condition_keys(
    claims: &Claims,
    account: &str,
    provider_name: &str,
) -> Vec<(String, Vec<String>, bool)> {
    let mut keys = vec![
        (
            "saml:aud".to_string(),
            vec![claims.recipient.clone()],
            false,
        ),
        ("saml:iss".to_string(), vec![claims.issuer.clone()], false),
        ("saml:sub".to_string(), vec![claims.subject.clone()], false),
        (
            "saml:sub_type".to_string(),
            vec![claims.subject_type.clone()],
            false,
        ),
        (
            "saml:doc".to_string(),
            vec![format!("{account}/{provider_name}")],
            false,
        ),
        (
            "saml:namequalifier".to_string(),
            vec![name_qualifier(&claims.issuer, account, provider_name)],
            false,
        ),
    ];
    for (name, values) in &claims.attributes {
        let Some(key) = mapped_key(name) else {
            continue;
        };
        let full = format!("saml:{key}");
        // Only one claim per context key is mapped: the first wins.
        if keys.iter().any(|(k, _, _)| *k == full) || values.is_empty() {
            continue;
        }
        let single = SINGLE_VALUED.contains(&key);
        let values = if single {
            values[..1].to_vec()
        } else {
            values.clone()
        };
        keys.push((full, values, !single));
    }
    keys
}
