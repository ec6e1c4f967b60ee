//! Builds unsigned SAML Responses (mock IdP, fixtures). Layouts mimic real
//! IdPs: AD FS (default-namespace Assertion, untyped values), Keycloak
//! (`saml:`/`samlp:` prefixes, `xsi:type` with xs/xsi declared on each
//! AttributeValue) and plain (Okta/Entra-like: Issuer `Format`, xs/xsi
//! declared on the Assertion).

use crate::core::time::{Epoch, iso8601};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Plain,
    Adfs,
    Keycloak,
}

#[derive(Debug, Clone)]
pub struct ResponseSpec {
    pub issuer: String,
    pub response_id: String,
    pub assertion_id: String,
    pub issue_instant: Epoch,
    pub not_on_or_after: Epoch,
    pub name_id: String,
    pub name_id_format: String,
    pub recipient: String,
    pub audience: String,
    pub attributes: Vec<(String, Vec<String>)>,
    pub session_not_on_or_after: Option<Epoch>,
    pub in_response_to: Option<String>,
    pub layout: Layout,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl ResponseSpec {
    /// The Assertion element alone (namespaces declared on it).
    pub fn assertion_xml(&self) -> String {
        let (a, decl) = match self.layout {
            Layout::Adfs => (
                "",
                "xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\"".to_string(),
            ),
            // Keycloak declares xs/xsi on each AttributeValue instead.
            Layout::Keycloak => (
                "saml:",
                "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"".to_string(),
            ),
            Layout::Plain => (
                "saml:",
                "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"".to_string(),
            ),
        };
        let irt = self
            .in_response_to
            .as_deref()
            .map(|i| format!(" InResponseTo=\"{}\"", esc(i)))
            .unwrap_or_default();
        let issued = iso8601(self.issue_instant);
        let until = iso8601(self.not_on_or_after);
        let mut attrs = String::new();
        for (name, values) in &self.attributes {
            attrs.push_str(&format!("<{a}Attribute Name=\"{}\">", esc(name)));
            for v in values {
                let typ = match self.layout {
                    Layout::Keycloak => {
                        " xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"xs:string\""
                    }
                    Layout::Plain => " xsi:type=\"xs:string\"",
                    Layout::Adfs => "",
                };
                attrs.push_str(&format!(
                    "<{a}AttributeValue{typ}>{}</{a}AttributeValue>",
                    esc(v)
                ));
            }
            attrs.push_str(&format!("</{a}Attribute>"));
        }
        let session = self
            .session_not_on_or_after
            .map(|t| format!(" SessionNotOnOrAfter=\"{}\"", iso8601(t)))
            .unwrap_or_default();
        let issuer_format = match self.layout {
            Layout::Plain => " Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:entity\"",
            _ => "",
        };
        format!(
            "<{a}Assertion {decl} ID=\"{id}\" IssueInstant=\"{issued}\" Version=\"2.0\"><{a}Issuer{issuer_format}>{issuer}</{a}Issuer><{a}Subject><{a}NameID Format=\"{fmt}\">{name_id}</{a}NameID><{a}SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\"><{a}SubjectConfirmationData{irt} NotOnOrAfter=\"{until}\" Recipient=\"{recipient}\"/></{a}SubjectConfirmation></{a}Subject><{a}Conditions NotBefore=\"{issued}\" NotOnOrAfter=\"{until}\"><{a}AudienceRestriction><{a}Audience>{audience}</{a}Audience></{a}AudienceRestriction></{a}Conditions><{a}AuthnStatement AuthnInstant=\"{issued}\"{session}><{a}AuthnContext><{a}AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</{a}AuthnContextClassRef></{a}AuthnContext></{a}AuthnStatement><{a}AttributeStatement>{attrs}</{a}AttributeStatement></{a}Assertion>",
            id = esc(&self.assertion_id),
            issuer = esc(&self.issuer),
            fmt = esc(&self.name_id_format),
            name_id = esc(&self.name_id),
            recipient = esc(&self.recipient),
            audience = esc(&self.audience),
        )
    }

    /// The whole Response wrapping `assertion` (signed or not).
    pub fn response_xml(&self, assertion: &str) -> String {
        let irt = self
            .in_response_to
            .as_deref()
            .map(|i| format!(" InResponseTo=\"{}\"", esc(i)))
            .unwrap_or_default();
        format!(
            "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"{id}\" Version=\"2.0\" IssueInstant=\"{issued}\" Destination=\"{dest}\"{irt}><saml:Issuer>{issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>{assertion}</samlp:Response>",
            id = esc(&self.response_id),
            issued = iso8601(self.issue_instant),
            dest = esc(&self.recipient),
            issuer = esc(&self.issuer),
        )
    }
}
