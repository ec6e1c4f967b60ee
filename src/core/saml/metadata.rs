//! IdP metadata documents (SAML 2.0 metadata): entity id, signing
//! certificates and validity, as CreateSAMLProvider needs them.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::dsig::{DSIG_NS, public_key_of_cert};
use super::xml::{Document, NodeId};
use crate::core::time::{Epoch, parse_iso8601};

pub const MD_NS: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
/// AWS's default when the metadata has no validUntil: 100 years (stsgate choice).
pub const DEFAULT_VALIDITY: Epoch = 100 * 365 * 86400;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpMetadata {
    pub entity_id: String,
    /// Base64 DER, as written in the metadata (whitespace removed).
    pub signing_certs: Vec<String>,
    pub valid_until: Option<Epoch>,
}

/// Parse a metadata document; the error names the problem (for InvalidInput).
pub fn parse(text: &str) -> Result<IdpMetadata, String> {
    let doc =
        Document::parse(text).map_err(|e| format!("Invalid SAML metadata document: {}", e.0))?;
    let entity = if doc.is(doc.root, MD_NS, "EntityDescriptor") {
        doc.root
    } else if doc.is(doc.root, MD_NS, "EntitiesDescriptor") {
        let all: Vec<NodeId> = doc
            .children_named(doc.root, MD_NS, "EntityDescriptor")
            .collect();
        match all.as_slice() {
            [one] => *one,
            _ => {
                return Err(
                    "Invalid SAML metadata document: expected exactly one EntityDescriptor".into(),
                );
            }
        }
    } else {
        return Err(
            "Invalid SAML metadata document: the root element is not an md:EntityDescriptor".into(),
        );
    };
    let entity_id = doc
        .attr(entity, "entityID")
        .filter(|e| !e.is_empty())
        .ok_or("Invalid SAML metadata document: the EntityDescriptor has no entityID")?
        .to_string();
    let idp = doc
        .first_child(entity, MD_NS, "IDPSSODescriptor")
        .ok_or("Invalid SAML metadata document: no IDPSSODescriptor")?;
    let mut signing_certs = Vec::new();
    for kd in doc.children_named(idp, MD_NS, "KeyDescriptor") {
        if doc.attr(kd, "use").is_some_and(|u| u != "signing") {
            continue;
        }
        let Some(ki) = doc.first_child(kd, DSIG_NS, "KeyInfo") else {
            continue;
        };
        for x in doc.children_named(ki, DSIG_NS, "X509Data") {
            for c in doc.children_named(x, DSIG_NS, "X509Certificate") {
                let b64: String = doc
                    .text(c)
                    .chars()
                    .filter(|c| !c.is_ascii_whitespace())
                    .collect();
                let der = STANDARD.decode(&b64).map_err(|_| {
                    "Invalid SAML metadata document: an X509Certificate is not valid base64"
                        .to_string()
                })?;
                if public_key_of_cert(&der).is_none() {
                    return Err("Invalid SAML metadata document: an X509Certificate is not a valid certificate".into());
                }
                if !signing_certs.contains(&b64) {
                    signing_certs.push(b64);
                }
            }
        }
    }
    if signing_certs.is_empty() {
        return Err(
            "Invalid SAML metadata document: no signing certificate in the IDPSSODescriptor".into(),
        );
    }
    let valid_until = match doc
        .attr(entity, "validUntil")
        .or_else(|| doc.attr(doc.root, "validUntil"))
    {
        None => None,
        Some(v) => Some(
            parse_iso8601(v)
                .ok_or("Invalid SAML metadata document: validUntil is not a valid time")?,
        ),
    };
    Ok(IdpMetadata {
        entity_id,
        signing_certs,
        valid_until,
    })
}

/// A metadata document for an IdP (mock IdP, tests), padded past IAM's
/// 1000-character minimum by its SSO endpoints.
pub fn document(
    entity_id: &str,
    certs_b64: &[String],
    sso_url: &str,
    valid_until: Option<&str>,
) -> String {
    let valid = valid_until
        .map(|v| format!(" validUntil=\"{v}\""))
        .unwrap_or_default();
    let keys: String = certs_b64
        .iter()
        .map(|c| format!("<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{c}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"))
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<md:EntityDescriptor xmlns:md=\"{MD_NS}\" xmlns:ds=\"{DSIG_NS}\" entityID=\"{entity_id}\"{valid}><md:IDPSSODescriptor WantAuthnRequestsSigned=\"false\" protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">{keys}<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat><md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat><md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat><md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"{sso_url}\"/><md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"{sso_url}\"/></md:IDPSSODescriptor></md:EntityDescriptor>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert() -> String {
        let kp = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let c = rcgen::CertificateParams::new(vec!["idp".to_string()])
            .unwrap()
            .self_signed(&kp)
            .unwrap();
        STANDARD.encode(c.der())
    }

    #[test]
    fn parses_entity_certs_and_validity() {
        let c = cert();
        let doc = document(
            "https://idp.example.org/saml",
            std::slice::from_ref(&c),
            "https://idp.example.org/sso",
            Some("2030-01-01T00:00:00Z"),
        );
        assert!(doc.len() >= 1000);
        let m = parse(&doc).unwrap();
        assert_eq!(m.entity_id, "https://idp.example.org/saml");
        assert_eq!(m.signing_certs, vec![c]);
        assert_eq!(m.valid_until, Some(1_893_456_000));
    }

    #[test]
    fn names_the_problem() {
        assert!(parse("<x/>").unwrap_err().contains("EntityDescriptor"));
        let no_cert = document("https://idp", &[], "https://idp/sso", None);
        assert!(
            parse(&no_cert)
                .unwrap_err()
                .contains("no signing certificate")
        );
        let bad = document(
            "https://idp",
            &["AAAA".to_string()],
            "https://idp/sso",
            None,
        );
        assert!(parse(&bad).unwrap_err().contains("not a valid certificate"));
        assert!(parse("<!DOCTYPE x><x/>").unwrap_err().contains("DOCTYPE"));
    }
}
