//! SAML 2.0 Responses: strict parsing, XML-signature verification against a
//! provider's certificates, and the claim checks AssumeRoleWithSAML needs.
//!
//! Claims are read only from the Assertion the verified signature covers:
//! either the signed Assertion itself or the single Assertion that is a
//! direct child of the signed Response (node identity, never a second lookup
//! by ID). Documents with more than one Assertion are refused outright,
//! which closes every signature-wrapping variant.

pub mod build;
pub mod c14n;
pub mod claims;
pub mod dsig;
pub mod metadata;
pub mod sp;
pub mod xml;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::core::error::{ApiError, ErrorCode};
use xml::{Document, NodeId};

pub const PROTOCOL_NS: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
pub const ASSERTION_NS: &str = "urn:oasis:names:tc:SAML:2.0:assertion";

/// The outcome of verification: the document and the Assertion whose
/// content a valid signature covers.
pub struct Verified {
    pub doc: Document,
    pub response: NodeId,
    pub assertion: NodeId,
}

fn invalid(msg: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidIdentityToken, msg)
}

/// Decode the base64 `SAMLResponse` (line breaks allowed).
pub fn decode_base64(b64: &str) -> Result<String, ApiError> {
    let compact: String = b64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = STANDARD
        .decode(compact)
        .map_err(|_| invalid("Invalid SAML assertion: not valid base64"))?;
    String::from_utf8(bytes).map_err(|_| invalid("Invalid SAML assertion: not UTF-8 text"))
}

/// Parse and verify a SAML Response (XML text) against the provider's trust.
pub fn verify_response(xml_text: &str, trust: &dsig::Trust<'_>) -> Result<Verified, ApiError> {
    if xml::has_doctype(xml_text) {
        return Err(invalid(
            "Invalid SAML assertion: DOCTYPE declarations are not allowed",
        ));
    }
    let doc = Document::parse(xml_text)
        .map_err(|e| invalid(format!("Invalid SAML assertion: {}", e.0)))?;
    let response = doc.root;
    if !doc.is(response, PROTOCOL_NS, "Response") {
        return Err(invalid(
            "Invalid SAML assertion: root element is not a samlp:Response",
        ));
    }
    if doc
        .elements()
        .any(|e| doc.is(e, ASSERTION_NS, "EncryptedAssertion"))
    {
        return Err(invalid(
            "Invalid SAML assertion: encrypted assertions are not supported for this provider",
        ));
    }
    let assertions: Vec<NodeId> = doc
        .elements()
        .filter(|e| doc.is(*e, ASSERTION_NS, "Assertion"))
        .collect();
    let assertion = match assertions.as_slice() {
        [one] if doc.parent(*one) == Some(response) => *one,
        [] => {
            return Err(invalid(
                "Invalid SAML assertion: the Response has no Assertion",
            ));
        }
        [_] => {
            return Err(invalid(
                "Invalid SAML assertion: the Assertion is not a direct child of the Response",
            ));
        }
        _ => {
            return Err(invalid(
                "Invalid SAML assertion: the Response contains more than one Assertion",
            ));
        }
    };
    let verify_one = |element: NodeId| -> Result<bool, ApiError> {
        let sigs = dsig::signatures_of(&doc, element);
        match sigs.as_slice() {
            [] => Ok(false),
            [sig] => {
                let signed = dsig::verify(&doc, *sig, trust)
                    .map_err(|e| invalid(format!("Invalid SAML assertion: {}", e.0)))?;
                Ok(signed == element)
            }
            _ => Err(invalid(
                "Invalid SAML assertion: more than one Signature on one element",
            )),
        }
    };
    let response_signed = verify_one(response)?;
    let assertion_signed = verify_one(assertion)?;
    // Any other Signature in the document is ignored by the checks above and
    // would suggest an attempt to confuse a different verifier: refuse it.
    let signatures = doc
        .elements()
        .filter(|e| doc.is(*e, dsig::DSIG_NS, "Signature"))
        .filter(|s| {
            let p = doc.parent(*s);
            p != Some(response) && p != Some(assertion)
        })
        .count();
    if signatures > 0 {
        return Err(invalid(
            "Invalid SAML assertion: unexpected Signature element",
        ));
    }
    if !response_signed && !assertion_signed {
        return Err(invalid(
            "Invalid SAML assertion: the assertion is not signed",
        ));
    }
    Ok(Verified {
        doc,
        response,
        assertion,
    })
}

#[cfg(test)]
pub mod tests;
