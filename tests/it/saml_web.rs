//! The browser side of SAML over HTTP: the ACS at /saml, the role chooser,
//! the credentials page, SP metadata and SP-initiated login (InResponseTo).

use base64::Engine;
use serde_json::json;

use crate::harness::{Creds, TestIdp, TestServer, form, xml_field};
use crate::saml_attacks::{SamlSetup, mint, setup};

fn client() -> reqwest::Client {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn post_form(url: &str, params: &[(&str, &str)]) -> (u16, String) {
    let resp = client()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(params))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.headers()
            .get("cache-control")
            .unwrap()
            .to_str()
            .unwrap(),
        "no-store"
    );
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// The value of the first `name="NAME" value="…"` input.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).unwrap() + marker.len();
    let end = page[start..].find('"').unwrap() + start;
    page[start..end].to_string()
}

/// `export NAME=value` from the credentials page.
fn export(page: &str, name: &str) -> String {
    let marker = format!("export {name}=");
    let start = page.find(&marker).unwrap() + marker.len();
    let end = page[start..].find(['\n', '<']).unwrap() + start;
    page[start..end].to_string()
}

async fn second_role(server: &TestServer, s: &SamlSetup) -> String {
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{}"}},"Action":"sts:AssumeRoleWithSAML"}}]}}"#,
        s.provider
    );
    let (status, body) = server
        .signed(
            &server.admin_creds(),
            "iam",
            &[
                ("Action", "CreateRole"),
                ("Version", "2010-05-08"),
                ("RoleName", "SamlReader"),
                ("AssumeRolePolicyDocument", &trust),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    s.role.replace("SamlRole", "SamlReader")
}

#[tokio::test]
async fn acs_chooser_and_credentials_page() {
    let db = crate::support::TestDb::sqlite().await;
    let idp = TestIdp::start().await;
    let server = TestServer::start(&db, |_| {}).await;
    let s = setup(&server, &idp, &[("stsgate:allow-assertion-reuse", "true")]).await;
    let reader = second_role(&server, &s).await;
    let saml = mint(
        &idp,
        "/mint/saml",
        json!({
            "roles": [format!("{},{}", s.role, s.provider), format!("{},{}", s.provider, reader)],
            "name_id": "carol@example.org",
            "layout": "adfs",
        }),
    )
    .await;
    let acs = format!("{}/saml", server.base);
    let (status, page) = post_form(
        &acs,
        &[("SAMLResponse", &saml), ("RelayState", "relay<&>123")],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("carol@example.org"), "{page}");
    assert_eq!(
        page.matches("<form method=\"post\" action=\"/saml/role\">")
            .count(),
        2
    );
    assert!(
        !page.contains(&saml[..40]),
        "the assertion never goes back to the browser"
    );
    let login = hidden(&page, "login");

    // One-time use holds at the ACS even where the API may re-use.
    let (status, again) = post_form(&acs, &[("SAMLResponse", &saml)]).await;
    assert_eq!(status, 400);
    assert!(again.contains("Assertion has already been used"), "{again}");

    let choose = format!("{}/saml/role", server.base);
    let (status, page) = post_form(&choose, &[("login", &login), ("role", &reader)]).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(&format!("<code id=\"role\">{reader}</code>")),
        "{page}"
    );
    assert!(
        page.contains("relay&#60;&#38;&#62;123") || page.contains("relay&lt;&amp;&gt;123"),
        "{page}"
    );
    let creds = Creds {
        akid: export(&page, "AWS_ACCESS_KEY_ID"),
        secret: export(&page, "AWS_SECRET_ACCESS_KEY"),
        token: Some(export(&page, "AWS_SESSION_TOKEN")),
    };
    assert!(creds.akid.starts_with("ASIA"));
    let (status, body) = server
        .signed(
            &creds,
            "sts",
            &[("Action", "GetCallerIdentity"), ("Version", "2011-06-15")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        xml_field(&body, "Arn")
            .unwrap()
            .ends_with(":assumed-role/SamlReader/carol@example.org")
    );

    // The pending login is used up.
    let (status, page) = post_form(&choose, &[("login", &login), ("role", &s.role)]).await;
    assert_eq!(status, 400);
    assert!(page.contains("expired or was already used"), "{page}");
    server.stop().await;
    idp.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn sp_metadata_and_sp_initiated_login_check_in_response_to() {
    let db = crate::support::TestDb::sqlite().await;
    let idp = TestIdp::start().await;
    let server = TestServer::start(&db, |_| {}).await;
    let s = setup(&server, &idp, &[]).await;

    let md = client()
        .get(format!("{}/saml/metadata", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(md.contains("entityID=\"urn:amazon:webservices\""), "{md}");
    assert!(
        md.contains(&format!("Location=\"{}/saml\"", server.base)),
        "{md}"
    );

    let resp = client()
        .get(format!("{}/saml/login/Mock?RelayState=back", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 302);
    let location = resp
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let prefix = format!("{}/saml/sso?SAMLRequest=", idp.issuer);
    assert!(location.starts_with(&prefix), "{location}");
    assert!(location.ends_with("&RelayState=back"), "{location}");
    let encoded = location[prefix.len()..].split('&').next().unwrap();
    let b64 = percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .unwrap();
    let deflated = base64::engine::general_purpose::STANDARD
        .decode(b64.as_bytes())
        .unwrap();
    // Stored DEFLATE blocks: 5-byte header, then the bytes.
    assert_eq!(deflated[0], 1);
    let request = String::from_utf8(deflated[5..].to_vec()).unwrap();
    assert!(request.contains("<samlp:AuthnRequest"), "{request}");
    let id_start = request.find("ID=\"").unwrap() + 4;
    let id = &request[id_start..id_start + request[id_start..].find('"').unwrap()];

    let acs = format!("{}/saml", server.base);
    let offer = format!("{},{}", s.role, s.provider);
    let unknown = mint(
        &idp,
        "/mint/saml",
        json!({ "roles": [offer], "in_response_to": "_never-asked" }),
    )
    .await;
    let (status, page) = post_form(&acs, &[("SAMLResponse", &unknown)]).await;
    assert_eq!(status, 400);
    assert!(page.contains("InResponseTo does not match"), "{page}");

    let answer = mint(
        &idp,
        "/mint/saml",
        json!({ "roles": [offer], "in_response_to": id, "name_id": "dave" }),
    )
    .await;
    let (status, page) = post_form(&acs, &[("SAMLResponse", &answer)]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("export AWS_SESSION_TOKEN="), "{page}");
    assert!(page.contains(":assumed-role/SamlRole/dave"), "{page}");

    // The request ID answers once.
    let replayed = mint(
        &idp,
        "/mint/saml",
        json!({ "roles": [offer], "in_response_to": id, "name_id": "dave" }),
    )
    .await;
    let (status, page) = post_form(&acs, &[("SAMLResponse", &replayed)]).await;
    assert_eq!(status, 400);
    assert!(page.contains("InResponseTo does not match"), "{page}");

    // The API refuses the same hostile kinds the ACS does, with a page.
    let hostile = mint(
        &idp,
        "/mint/saml/hostile?kind=wrap-after",
        json!({ "roles": [offer] }),
    )
    .await;
    let (status, page) = post_form(&acs, &[("SAMLResponse", &hostile)]).await;
    assert_eq!(status, 400);
    assert!(page.contains("InvalidIdentityToken"), "{page}");
    assert!(page.contains("more than one Assertion"), "{page}");
    server.stop().await;
    idp.stop().await;
    db.cleanup().await;
}

async fn get_location(url: &str) -> (u16, String) {
    let resp = client().get(url).send().await.unwrap();
    let status = resp.status().as_u16();
    let location = resp
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, location)
}

async fn sp_cert(server: &TestServer) -> Vec<u8> {
    let md = client()
        .get(format!("{}/saml/metadata", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(md.contains("AuthnRequestsSigned=\"true\""), "{md}");
    assert!(md.contains("<md:KeyDescriptor use=\"signing\">"), "{md}");
    let start = md.find("<ds:X509Certificate>").unwrap() + "<ds:X509Certificate>".len();
    let end = md[start..].find('<').unwrap() + start;
    base64::engine::general_purpose::STANDARD
        .decode(&md[start..end])
        .unwrap()
}

#[tokio::test]
async fn sp_login_signs_the_redirect_when_the_idp_wants_it() {
    for db in crate::support::backends().await {
        let idp = TestIdp::start().await;
        let server = TestServer::start(&db, |_| {}).await;
        setup(&server, &idp, &[]).await;
        let cert = sp_cert(&server).await;
        // A second node on the same store publishes (and signs with) the same key.
        let other = TestServer::start(&db, |_| {}).await;
        assert_eq!(sp_cert(&other).await, cert, "{}", db.backend);
        other.stop().await;

        // Without WantAuthnRequestsSigned: unsigned, as before.
        let (status, location) =
            get_location(&format!("{}/saml/login/Mock?RelayState=back", server.base)).await;
        assert_eq!(status, 302);
        assert!(location.ends_with("&RelayState=back"), "{location}");
        assert!(!location.contains("Signature="), "{location}");

        let metadata = client()
            .get(format!("{}/saml/metadata", idp.issuer))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .replace(
                "WantAuthnRequestsSigned=\"false\"",
                "WantAuthnRequestsSigned=\"true\"",
            );
        assert!(metadata.contains("WantAuthnRequestsSigned=\"true\""));
        let (status, body) = server
            .signed(
                &server.admin_creds(),
                "iam",
                &[
                    ("Action", "CreateSAMLProvider"),
                    ("Version", "2010-05-08"),
                    ("Name", "Signed"),
                    ("SAMLMetadataDocument", &metadata),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");

        let public_key = stsgate::core::saml::dsig::public_key_of_cert(&cert)
            .unwrap()
            .to_vec();
        let verify = |signed: &str, sig: &[u8]| {
            aws_lc_rs::signature::UnparsedPublicKey::new(
                &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
                &public_key,
            )
            .verify(signed.as_bytes(), sig)
            .is_ok()
        };
        for (query, relay) in [("?RelayState=back%20home", true), ("", false)] {
            let (status, location) =
                get_location(&format!("{}/saml/login/Signed{query}", server.base)).await;
            assert_eq!(status, 302, "{}", db.backend);
            let prefix = format!("{}/saml/sso?", idp.issuer);
            let q = location.strip_prefix(&prefix).unwrap();
            let (signed, sig) = q.split_once("&Signature=").unwrap();
            assert!(signed.starts_with("SAMLRequest="), "{signed}");
            let expected_tail = format!(
                "{}&SigAlg=http%3A%2F%2Fwww%2Ew3%2Eorg%2F2001%2F04%2Fxmldsig%2Dmore%23rsa%2Dsha256",
                if relay { "&RelayState=back%20home" } else { "" }
            );
            assert!(signed.ends_with(&expected_tail), "{signed}");
            assert_eq!(signed.matches('&').count(), if relay { 2 } else { 1 });
            let sig = base64::engine::general_purpose::STANDARD
                .decode(
                    percent_encoding::percent_decode_str(sig)
                        .decode_utf8()
                        .unwrap()
                        .as_bytes(),
                )
                .unwrap();
            assert!(verify(signed, &sig), "{} {signed}", db.backend);
            let tampered = signed.replace("SAMLRequest=", "SAMLRequest=A");
            assert!(!verify(&tampered, &sig));
        }
        server.stop().await;
        idp.stop().await;
        db.cleanup().await;
    }
}

/// POST the form without following redirects: (status, Location, body).
async fn post_acs(url: &str, params: &[(&str, &str)]) -> (u16, Option<String>, String) {
    let resp = client()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(params))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let location = resp
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    (status, location, resp.text().await.unwrap())
}

#[tokio::test]
async fn relay_state_redirects_only_to_configured_destinations() {
    let db = crate::support::TestDb::sqlite().await;
    let idp = TestIdp::start().await;
    let server = TestServer::start(&db, |s| {
        s.saml_relay_state_destinations = vec!["https://good.example.com/console/".into()];
    })
    .await;
    let s = setup(&server, &idp, &[]).await;
    let acs = format!("{}/saml", server.base);
    let offer = format!("{},{}", s.role, s.provider);
    let one_role = || async { mint(&idp, "/mint/saml", json!({ "roles": [offer] })).await };

    let dest = "https://good.example.com/console/home?region=eu-west-1#top";
    let (status, location, body) = post_acs(
        &acs,
        &[("SAMLResponse", &one_role().await), ("RelayState", dest)],
    )
    .await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(location.as_deref(), Some(dest));
    assert!(!body.contains("AWS_"), "{body}");

    // After the role choice too.
    let reader = second_role(&server, &s).await;
    let two = mint(
        &idp,
        "/mint/saml",
        json!({ "roles": [offer, format!("{},{}", reader, s.provider)] }),
    )
    .await;
    let (status, _, page) = post_acs(&acs, &[("SAMLResponse", &two), ("RelayState", dest)]).await;
    assert_eq!(status, 200, "{page}");
    let login = hidden(&page, "login");
    let (status, location, _) = post_acs(
        &format!("{}/saml/role", server.base),
        &[("login", &login), ("role", &reader)],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(location.as_deref(), Some(dest));

    for bad in [
        "https://good.example.com.evil.com/console/",
        "https://good.example.com@evil.com/console/",
        "javascript:alert(document.cookie)",
        "https://good.example.com/elsewhere",
        "http://good.example.com/console/",
    ] {
        let (status, location, page) = post_acs(
            &acs,
            &[("SAMLResponse", &one_role().await), ("RelayState", bad)],
        )
        .await;
        assert_eq!(status, 200, "{bad}: {page}");
        assert_eq!(location, None, "{bad}");
        assert!(page.contains("export AWS_SESSION_TOKEN="), "{bad}: {page}");
    }
    server.stop().await;
    idp.stop().await;
    db.cleanup().await;
}
