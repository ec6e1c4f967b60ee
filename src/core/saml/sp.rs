//! stsgate as a service provider: its metadata, SP-initiated AuthnRequests
//! (HTTP-Redirect binding) and the IdP's SSO endpoint from its metadata.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::metadata::MD_NS;
use super::xml::Document;
use crate::core::time::{Epoch, iso8601};

/// stsgate answers for AWS's sign-in service, so IdPs set up for AWS work.
pub const SP_ENTITY_ID: &str = "urn:amazon:webservices";
pub const REDIRECT_BINDING: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
pub const POST_BINDING: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// SP metadata: entity id and the POST-binding ACS.
pub fn sp_metadata(acs_url: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<md:EntityDescriptor xmlns:md=\"{MD_NS}\" entityID=\"{SP_ENTITY_ID}\"><md:SPSSODescriptor AuthnRequestsSigned=\"false\" WantAssertionsSigned=\"true\" protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"><md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat><md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat><md:AssertionConsumerService index=\"0\" isDefault=\"true\" Binding=\"{POST_BINDING}\" Location=\"{}\"/></md:SPSSODescriptor></md:EntityDescriptor>\n",
        esc(acs_url)
    )
}

/// The IdP's HTTP-Redirect SingleSignOnService location, if it has one.
pub fn sso_redirect_url(metadata: &str) -> Option<String> {
    let doc = Document::parse(metadata).ok()?;
    let idp = doc
        .elements()
        .find(|e| doc.is(*e, MD_NS, "IDPSSODescriptor"))?;
    doc.children_named(idp, MD_NS, "SingleSignOnService")
        .find(|s| doc.attr(*s, "Binding") == Some(REDIRECT_BINDING))
        .and_then(|s| doc.attr(s, "Location"))
        .map(str::to_string)
}

/// An AuthnRequest asking for a POST to `acs_url`.
pub fn authn_request(id: &str, now: Epoch, destination: &str, acs_url: &str) -> String {
    format!(
        "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"{}\" Version=\"2.0\" IssueInstant=\"{}\" Destination=\"{}\" AssertionConsumerServiceURL=\"{}\" ProtocolBinding=\"{POST_BINDING}\"><saml:Issuer>{SP_ENTITY_ID}</saml:Issuer><samlp:NameIDPolicy AllowCreate=\"true\"/></samlp:AuthnRequest>",
        esc(id),
        iso8601(now),
        esc(destination),
        esc(acs_url)
    )
}

/// Raw DEFLATE (RFC 1951) with stored blocks only: what the redirect binding
/// requires, without a compression library (AuthnRequests are small).
pub fn deflate_stored(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 5 * (data.len() / 65535 + 1));
    let mut chunks = data.chunks(65535).peekable();
    if chunks.peek().is_none() {
        return vec![0x01, 0x00, 0x00, 0xff, 0xff];
    }
    while let Some(chunk) = chunks.next() {
        out.push(u8::from(chunks.peek().is_none()));
        let len = chunk.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out
}

/// The `SAMLRequest` query value (before percent-encoding).
pub fn redirect_saml_request(xml: &str) -> String {
    STANDARD.encode(deflate_stored(xml.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decode stored-only DEFLATE (the inverse, to check the framing).
    fn inflate_stored(mut data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let last = data[0] & 1 == 1;
            assert_eq!(data[0] & 0b110, 0, "stored block");
            let len = u16::from_le_bytes([data[1], data[2]]) as usize;
            let nlen = u16::from_le_bytes([data[3], data[4]]);
            assert_eq!(nlen, !(len as u16));
            out.extend_from_slice(&data[5..5 + len]);
            data = &data[5 + len..];
            if last {
                assert!(data.is_empty());
                return out;
            }
        }
    }

    #[test]
    fn stored_deflate_round_trips_across_blocks() {
        for n in [0usize, 10, 65535, 65536, 140_000] {
            let data: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
            assert_eq!(inflate_stored(&deflate_stored(&data)), data, "{n}");
        }
    }

    #[test]
    fn finds_the_redirect_sso_endpoint() {
        let md = super::super::metadata::document(
            "https://idp",
            &[],
            "https://idp.example.org/sso",
            None,
        );
        assert_eq!(
            sso_redirect_url(&md).as_deref(),
            Some("https://idp.example.org/sso")
        );
        assert_eq!(sso_redirect_url("<x/>"), None);
    }

    #[test]
    fn authn_request_names_acs_and_id() {
        let x = authn_request("_abc", 0, "https://idp/sso", "https://gw/saml");
        let doc = Document::parse(&x).unwrap();
        assert_eq!(doc.attr(doc.root, "ID"), Some("_abc"));
        assert_eq!(
            doc.attr(doc.root, "AssertionConsumerServiceURL"),
            Some("https://gw/saml")
        );
        assert!(sp_metadata("https://gw/saml").contains("Location=\"https://gw/saml\""));
    }
}
