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
pub mod xmlenc;

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

/// How a provider takes encrypted assertions: its private keys (PKCS#8 DER)
/// and whether plaintext assertions are refused.
#[derive(Default)]
pub struct Decryption<'a> {
    pub keys: &'a [Vec<u8>],
    pub required: bool,
}

/// Parse and verify a SAML Response (XML text) against the provider's trust.
pub fn verify_response(xml_text: &str, trust: &dsig::Trust<'_>) -> Result<Verified, ApiError> {
    verify_response_with(xml_text, trust, &Decryption::default())
}

fn parse_checked(xml_text: &str) -> Result<Document, ApiError> {
    if xml::has_doctype(xml_text) {
        return Err(invalid(
            "Invalid SAML assertion: DOCTYPE declarations are not allowed",
        ));
    }
    Document::parse(xml_text).map_err(|e| invalid(format!("Invalid SAML assertion: {}", e.0)))
}

/// Parse and verify a SAML Response, decrypting an EncryptedAssertion with
/// the provider's keys. The decrypted Assertion must carry its own valid
/// signature: a Response signature, if present, must hold over the Response
/// as received, but it covers only ciphertext, so it vouches for nothing.
pub fn verify_response_with(
    xml_text: &str,
    trust: &dsig::Trust<'_>,
    decryption: &Decryption<'_>,
) -> Result<Verified, ApiError> {
    let doc = parse_checked(xml_text)?;
    let response = doc.root;
    if !doc.is(response, PROTOCOL_NS, "Response") {
        return Err(invalid(
            "Invalid SAML assertion: root element is not a samlp:Response",
        ));
    }
    let encrypted: Vec<NodeId> = doc
        .elements()
        .filter(|e| doc.is(*e, ASSERTION_NS, "EncryptedAssertion"))
        .collect();
    if encrypted.is_empty() {
        if decryption.required {
            return Err(invalid(
                "Invalid SAML assertion: This provider requires encrypted assertions",
            ));
        }
        return verify_parsed(doc, trust, false);
    }
    if decryption.keys.is_empty() {
        return Err(invalid(
            "Invalid SAML assertion: encrypted assertions are not supported for this provider (it has no private key)",
        ));
    }
    let encrypted = match encrypted.as_slice() {
        [one] if doc.parent(*one) == Some(response) => *one,
        [_] => {
            return Err(invalid(
                "Invalid SAML assertion: the EncryptedAssertion is not a direct child of the Response",
            ));
        }
        _ => {
            return Err(invalid(
                "Invalid SAML assertion: the Response contains more than one EncryptedAssertion",
            ));
        }
    };
    if doc.elements().any(|e| doc.is(e, ASSERTION_NS, "Assertion")) {
        return Err(invalid(
            "Invalid SAML assertion: the Response contains more than one Assertion",
        ));
    }
    match dsig::signatures_of(&doc, response).as_slice() {
        [] => {}
        [sig] => {
            let signed = dsig::verify(&doc, *sig, trust)
                .map_err(|e| invalid(format!("Invalid SAML assertion: {}", e.0)))?;
            if signed != response {
                return Err(invalid(
                    "Invalid SAML assertion: the Response signature does not cover the Response",
                ));
            }
        }
        _ => {
            return Err(invalid(
                "Invalid SAML assertion: more than one Signature on one element",
            ));
        }
    }
    let undecryptable = || invalid(format!("Invalid SAML assertion: {}", xmlenc::UNDECRYPTABLE));
    let plain = xmlenc::decrypt(&doc, encrypted, decryption.keys).map_err(|_| undecryptable())?;
    // A leading XML declaration is fine standalone but not mid-document.
    let plain = plain.trim_start_matches('\u{feff}').trim_start();
    let plain = match plain.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map(|(_, r)| r).unwrap_or(""),
        None => plain,
    };
    if xml::has_doctype(plain) {
        return Err(invalid(
            "Invalid SAML assertion: DOCTYPE declarations are not allowed",
        ));
    }
    // The plaintext must be one balanced Assertion element on its own, so
    // splicing it in cannot close or open elements of the Response.
    let alone = Document::parse(plain).map_err(|_| undecryptable())?;
    if !alone.is(alone.root, ASSERTION_NS, "Assertion") {
        return Err(invalid(
            "Invalid SAML assertion: the EncryptedAssertion does not contain an Assertion",
        ));
    }
    let Some(el) = doc.element(encrypted) else {
        return Err(undecryptable());
    };
    let start = doc.source[..el.start_tag_end]
        .rfind('<')
        .ok_or_else(undecryptable)?;
    let spliced = format!("{}{}{}", &doc.source[..start], plain, &doc.source[el.end..]);
    let doc = parse_checked(&spliced)?;
    verify_parsed(doc, trust, true)
}

/// The signature and structure checks on a parsed Response. With
/// `decrypted`, the Assertion came from an EncryptedAssertion: it must be
/// signed itself, and the Response signature (checked before splicing) is
/// left alone.
fn verify_parsed(
    doc: Document,
    trust: &dsig::Trust<'_>,
    decrypted: bool,
) -> Result<Verified, ApiError> {
    let response = doc.root;
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
    let response_signed = !decrypted && verify_one(response)?;
    let assertion_signed = verify_one(assertion)?;
    if decrypted && !assertion_signed {
        return Err(invalid(
            "Invalid SAML assertion: the decrypted Assertion is not signed",
        ));
    }
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
