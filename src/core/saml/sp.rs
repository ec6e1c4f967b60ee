//! stsgate as a service provider: its metadata, SP-initiated AuthnRequests
//! (HTTP-Redirect binding) and the IdP's SSO endpoint from its metadata.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use super::dsig::DSIG_NS;
use super::metadata::MD_NS;
use super::xml::Document;
use crate::core::time::{Epoch, iso8601};

/// stsgate answers for AWS's sign-in service, so IdPs set up for AWS work.
pub const SP_ENTITY_ID: &str = "urn:amazon:webservices";
pub const REDIRECT_BINDING: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
pub const POST_BINDING: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
/// The redirect binding's `SigAlg` for the SP's RSA key.
pub const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// SP metadata: entity id, the certificate AuthnRequests are signed with
/// (base64 DER) and the POST-binding ACS.
pub fn sp_metadata(acs_url: &str, signing_cert_b64: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<md:EntityDescriptor xmlns:md=\"{MD_NS}\" xmlns:ds=\"{DSIG_NS}\" entityID=\"{SP_ENTITY_ID}\"><md:SPSSODescriptor AuthnRequestsSigned=\"true\" WantAssertionsSigned=\"true\" protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"><md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat><md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat><md:AssertionConsumerService index=\"0\" isDefault=\"true\" Binding=\"{POST_BINDING}\" Location=\"{}\"/></md:SPSSODescriptor></md:EntityDescriptor>\n",
        esc(signing_cert_b64),
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

/// Whether the IdP's metadata sets `WantAuthnRequestsSigned` on its
/// IDPSSODescriptor (xsd:boolean: `true` or `1`).
pub fn wants_signed_requests(metadata: &str) -> bool {
    let Ok(doc) = Document::parse(metadata) else {
        return false;
    };
    doc.elements()
        .find(|e| doc.is(*e, MD_NS, "IDPSSODescriptor"))
        .and_then(|idp| doc.attr(idp, "WantAuthnRequestsSigned"))
        .is_some_and(|v| matches!(v.trim(), "true" | "1"))
}

fn query_encode(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

/// The redirect binding's query (SAML bindings 3.4.4.1), in the order the
/// signature covers: `SAMLRequest=…[&RelayState=…][&SigAlg=…]`. With a
/// `sig_alg`, this exact string is what gets signed, and
/// `&Signature=…` is appended to it.
pub fn redirect_query(
    request_xml: &str,
    relay_state: Option<&str>,
    sig_alg: Option<&str>,
) -> String {
    let mut q = format!(
        "SAMLRequest={}",
        query_encode(&redirect_saml_request(request_xml))
    );
    if let Some(rs) = relay_state {
        q.push_str("&RelayState=");
        q.push_str(&query_encode(rs));
    }
    if let Some(alg) = sig_alg {
        q.push_str("&SigAlg=");
        q.push_str(&query_encode(alg));
    }
    q
}

/// `&Signature=…` for a signed redirect query.
pub fn signature_param(signature: &[u8]) -> String {
    format!("&Signature={}", query_encode(&STANDARD.encode(signature)))
}

/// Scheme, lower-cased host, port and path+query of an absolute `https://`
/// URL, or `None` for anything else (userinfo, backslashes, whitespace or
/// control characters, an empty or odd host): what a browser could read
/// differently is refused rather than interpreted.
fn https_parts(url: &str) -> Option<(String, u16, &str)> {
    if url
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return None;
    }
    let rest = url.strip_prefix("https://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().ok().filter(|p| *p != 0)?),
        None => (authority, 443),
    };
    // DNS names and IPv4 only: nothing a browser could parse differently.
    let host_ok = !host.is_empty()
        && !host.starts_with('.')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'));
    if !host_ok {
        return None;
    }
    let path = if path.is_empty() { "/" } else { path };
    Some((host.to_ascii_lowercase(), port, path))
}

/// Whether `relay_state` is an absolute https URL on one of the configured
/// destinations: same host and port exactly, path starting with the
/// destination's path. Never an open redirect: anything unparsable is no.
pub fn relay_destination_allowed(relay_state: &str, allowed: &[String]) -> bool {
    let Some((host, port, path)) = https_parts(relay_state) else {
        return false;
    };
    allowed.iter().any(|a| {
        https_parts(a)
            .is_some_and(|(ah, ap, apath)| ah == host && ap == port && path.starts_with(apath))
    })
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
        let md = sp_metadata("https://gw/saml", "QUJD");
        assert!(md.contains("Location=\"https://gw/saml\""));
        assert!(md.contains("AuthnRequestsSigned=\"true\""));
        assert!(md.contains("<ds:X509Certificate>QUJD</ds:X509Certificate>"));
        Document::parse(&md).unwrap();
    }

    #[test]
    fn reads_want_authn_requests_signed() {
        let md = super::super::metadata::document("https://idp", &[], "https://idp/sso", None);
        assert!(!wants_signed_requests(&md));
        for v in ["true", "1"] {
            let want = md.replace(
                "WantAuthnRequestsSigned=\"false\"",
                &format!("WantAuthnRequestsSigned=\"{v}\""),
            );
            assert!(wants_signed_requests(&want), "{v}");
        }
        let absent = md.replace("WantAuthnRequestsSigned=\"false\" ", "");
        assert!(!wants_signed_requests(&absent));
    }

    #[test]
    fn redirect_query_orders_the_signed_parameters() {
        let q = redirect_query("<x/>", Some("a b&c"), Some(RSA_SHA256));
        let (req, rest) = q.split_once("&RelayState=").unwrap();
        assert!(req.starts_with("SAMLRequest="));
        assert_eq!(
            rest,
            "a%20b%26c&SigAlg=http%3A%2F%2Fwww%2Ew3%2Eorg%2F2001%2F04%2Fxmldsig%2Dmore%23rsa%2Dsha256"
        );
        assert!(!redirect_query("<x/>", None, None).contains('&'));
        assert_eq!(signature_param(&[0xfb, 0xff]), "&Signature=%2B%2F8%3D");
    }

    #[test]
    fn relay_destinations_match_origin_exactly_and_path_by_prefix() {
        let allowed = vec![
            "https://good.example.com/console/".to_string(),
            "https://other.example.com:8443".to_string(),
        ];
        for ok in [
            "https://good.example.com/console/",
            "https://GOOD.example.com:443/console/home?region=x",
            "https://other.example.com:8443/anything",
            "https://other.example.com:8443",
        ] {
            assert!(relay_destination_allowed(ok, &allowed), "{ok}");
        }
        for bad in [
            "https://good.example.com.evil.com/console/",
            "https://good.example.com@evil.com/console/",
            "https://evil.com@good.example.com/console/",
            "https://good.example.com/other",
            "https://good.example.com:444/console/",
            "http://good.example.com/console/",
            "javascript:alert(1)//https://good.example.com/console/",
            "//good.example.com/console/",
            "https://good.example.com\\@evil.com/console/",
            "https://good.example.com/console/\n",
            "https://other.example.com/anything",
            "https:///console/",
            "",
        ] {
            assert!(!relay_destination_allowed(bad, &allowed), "{bad}");
        }
        assert!(!relay_destination_allowed(
            "https://good.example.com/console/",
            &[]
        ));
    }
}
