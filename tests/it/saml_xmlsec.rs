//! Signatures NOT made by our own code: Debian's xmlsec1 (libxmlsec1 over
//! libxml2) signs SAML Responses with keys openssl makes at test time, and
//! stsgate must verify them; and xmlsec1 must verify what the mock IdP's
//! signer produces. `scripts/test.sh` installs xmlsec1.

use std::path::{Path, PathBuf};
use std::process::Command;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::RsaKeyPair;
use stsgate::core::error::ErrorCode;
use stsgate::core::saml::build::{Layout, ResponseSpec};
use stsgate::core::saml::claims::{self, Expect};
use stsgate::core::saml::dsig::{self, SignAlg, SigningKey, Trust};
use stsgate::core::saml::verify_response;

const NOW: i64 = 1_780_000_000;
const ISSUER: &str = "https://idp.example.org/saml";

struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir(tag: &str) -> Dir {
    let mut buf = [0u8; 8];
    aws_lc_rs::rand::SecureRandom::fill(&SystemRandom::new(), &mut buf).unwrap();
    let p = std::env::temp_dir().join(format!("stsgate-xmlsec-{tag}-{}", hex::encode(buf)));
    std::fs::create_dir_all(&p).unwrap();
    Dir(p)
}

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .expect("tool is installed (scripts/test.sh installs xmlsec1)");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// key.pem + cert.pem in `dir`; returns the certificate's DER.
fn make_key(dir: &Path, ec: bool) -> Vec<u8> {
    let mut req = Command::new("openssl");
    req.args([
        "req",
        "-x509",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=idp.example.org",
    ]);
    if ec {
        req.args(["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]);
    } else {
        req.args(["-newkey", "rsa:2048"]);
    }
    req.arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"));
    run(&mut req);
    run(Command::new("openssl")
        .args(["x509", "-outform", "DER", "-in"])
        .arg(dir.join("cert.pem"))
        .arg("-out")
        .arg(dir.join("cert.der")));
    std::fs::read(dir.join("cert.der")).unwrap()
}

fn spec(layout: Layout) -> ResponseSpec {
    ResponseSpec {
        issuer: ISSUER.to_string(),
        response_id: "_resp1".to_string(),
        assertion_id: "_assert1".to_string(),
        issue_instant: NOW - 10,
        not_on_or_after: NOW + 300,
        name_id: "alice@example.org".to_string(),
        name_id_format: "urn:oasis:names:tc:SAML:2.0:nameid-format:transient".to_string(),
        recipient: "https://signin.aws.amazon.com/saml".to_string(),
        audience: "urn:amazon:webservices".to_string(),
        attributes: vec![(
            claims::ROLE_ATTR.to_string(),
            vec![
                "arn:aws:iam::123456789012:role/R,arn:aws:iam::123456789012:saml-provider/P"
                    .to_string(),
            ],
        )],
        session_not_on_or_after: None,
        in_response_to: None,
        layout,
    }
}

struct Template<'a> {
    sig_alg: &'a str,
    digest_alg: &'a str,
    c14n: &'a str,
    /// Extra markup inside the exclusive-c14n Transform (InclusiveNamespaces).
    transform_inner: &'a str,
}

fn signature_template(t: &Template<'_>, id: &str) -> String {
    format!(
        "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"{c}\"/><ds:SignatureMethod Algorithm=\"{s}\"/><ds:Reference URI=\"#{id}\"><ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/><ds:Transform Algorithm=\"{c}\">{inner}</ds:Transform></ds:Transforms><ds:DigestMethod Algorithm=\"{d}\"/><ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>",
        c = t.c14n,
        s = t.sig_alg,
        d = t.digest_alg,
        inner = t.transform_inner,
    )
}

/// Insert the template after the Assertion's Issuer and let xmlsec1 sign.
fn xmlsec_sign_assertion(dir: &Path, s: &ResponseSpec, t: &Template<'_>) -> String {
    let assertion = s.assertion_xml();
    // After the Issuer's closing tag (its opening tag may carry a Format).
    let issuer_end = ["</saml:Issuer>", "</Issuer>"]
        .iter()
        .filter_map(|tag| assertion.find(tag).map(|i| i + tag.len()))
        .min()
        .unwrap();
    let mut with_sig = assertion.clone();
    with_sig.insert_str(issuer_end, &signature_template(t, &s.assertion_id));
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}",
        s.response_xml(&with_sig)
    );
    std::fs::write(dir.join("tmpl.xml"), doc).unwrap();
    let key = format!(
        "{},{}",
        dir.join("key.pem").display(),
        dir.join("cert.pem").display()
    );
    run(Command::new("xmlsec1")
        .args(["--sign", "--privkey-pem", &key])
        .args([
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
        ])
        .arg("--output")
        .arg(dir.join("signed.xml"))
        .arg(dir.join("tmpl.xml")));
    std::fs::read_to_string(dir.join("signed.xml")).unwrap()
}

fn check(xml: &str, cert: &[u8], allow_sha1: bool) -> Result<claims::Claims, (ErrorCode, String)> {
    let certs = vec![cert.to_vec()];
    let trust = Trust {
        certs: &certs,
        allow_sha1,
    };
    let v = verify_response(xml, &trust).map_err(|e| (e.code, e.message))?;
    claims::check(
        &v,
        &Expect {
            entity_id: ISSUER,
            now: NOW,
            leeway: 60,
            extra_recipients: &[],
            extra_audiences: &[],
        },
    )
    .map_err(|e| (e.code, e.message))
}

const EXC: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const EXC_COMMENTS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";

#[test]
fn xmlsec1_signed_rsa_assertions_verify_in_every_layout() {
    let dir = tempdir("rsa");
    let cert = make_key(&dir.0, false);
    for layout in [Layout::Plain, Layout::Adfs, Layout::Keycloak] {
        for (sig_alg, digest_alg) in [
            (dsig::RSA_SHA256, dsig::SHA256),
            (dsig::RSA_SHA512, dsig::SHA512),
        ] {
            let t = Template {
                sig_alg,
                digest_alg,
                c14n: EXC,
                transform_inner: "",
            };
            let xml = xmlsec_sign_assertion(&dir.0, &spec(layout), &t);
            let c = check(&xml, &cert, false)
                .unwrap_or_else(|e| panic!("{layout:?} {sig_alg}: {e:?}\n{xml}"));
            assert_eq!(c.subject, "alice@example.org");
            assert_eq!(c.subject_type, "transient");
            // Tampering after xmlsec1 signed is caught.
            let tampered = xml.replacen("alice@example.org", "mallory@example.org", 1);
            let (code, msg) = check(&tampered, &cert, false).unwrap_err();
            assert_eq!(code, ErrorCode::InvalidIdentityToken);
            assert!(msg.contains("digest mismatch"), "{msg}");
        }
    }
}

#[test]
fn xmlsec1_with_comments_and_inclusive_namespaces_verifies() {
    let dir = tempdir("c14n");
    let cert = make_key(&dir.0, false);
    let mut s = spec(Layout::Keycloak);
    s.name_id = "user@evil.com.example.com".to_string();
    let t = Template {
        sig_alg: dsig::RSA_SHA256,
        digest_alg: dsig::SHA256,
        c14n: EXC_COMMENTS,
        transform_inner: "<ec:InclusiveNamespaces xmlns:ec=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"xs xsi\"/>",
    };
    let xml = xmlsec_sign_assertion(&dir.0, &s, &t);
    let c = check(&xml, &cert, false).unwrap_or_else(|e| panic!("{e:?}\n{xml}"));
    assert_eq!(c.subject, "user@evil.com.example.com");
    // A comment injected after signing is outside what the digest covers
    // (same-document references drop comments); the full text is read.
    let injected = xml.replacen(
        "user@evil.com.example.com",
        "user@evil.com<!---->.example.com",
        1,
    );
    let c = check(&injected, &cert, false).unwrap();
    assert_eq!(c.subject, "user@evil.com.example.com");
}

#[test]
fn xmlsec1_ecdsa_signature_verifies() {
    let dir = tempdir("ec");
    let cert = make_key(&dir.0, true);
    let t = Template {
        sig_alg: dsig::ECDSA_SHA256,
        digest_alg: dsig::SHA256,
        c14n: EXC,
        transform_inner: "",
    };
    let xml = xmlsec_sign_assertion(&dir.0, &spec(Layout::Plain), &t);
    check(&xml, &cert, false).unwrap_or_else(|e| panic!("{e:?}\n{xml}"));
}

#[test]
fn xmlsec1_sha1_signature_needs_the_provider_setting() {
    let dir = tempdir("sha1");
    let cert = make_key(&dir.0, false);
    let t = Template {
        sig_alg: dsig::RSA_SHA1,
        digest_alg: dsig::SHA1,
        c14n: EXC,
        transform_inner: "",
    };
    let xml = xmlsec_sign_assertion(&dir.0, &spec(Layout::Adfs), &t);
    let (code, msg) = check(&xml, &cert, false).unwrap_err();
    assert_eq!(code, ErrorCode::InvalidIdentityToken);
    assert!(
        msg.ends_with("SHA-1 signatures are not accepted for this provider"),
        "{msg}"
    );
    check(&xml, &cert, true).unwrap();
}

#[test]
fn xmlsec1_accepts_what_our_signer_produces() {
    let dir = tempdir("ours");
    make_key(&dir.0, false);
    run(Command::new("openssl")
        .args(["pkcs8", "-topk8", "-nocrypt", "-outform", "DER", "-in"])
        .arg(dir.0.join("key.pem"))
        .arg("-out")
        .arg(dir.0.join("key.der")));
    let pair = RsaKeyPair::from_pkcs8(&std::fs::read(dir.0.join("key.der")).unwrap()).unwrap();
    let cert = std::fs::read(dir.0.join("cert.der")).unwrap();
    let s = spec(Layout::Keycloak);
    let assertion = dsig::sign(
        &s.assertion_xml(),
        &s.assertion_id,
        SigningKey::Rsa(&pair),
        SignAlg::RsaSha256,
        &cert,
        &SystemRandom::new(),
    )
    .unwrap();
    std::fs::write(dir.0.join("ours.xml"), s.response_xml(&assertion)).unwrap();
    run(Command::new("xmlsec1")
        .args(["--verify", "--pubkey-cert-pem"])
        .arg(dir.0.join("cert.pem"))
        .args([
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
        ])
        .arg(dir.0.join("ours.xml")));
}

/// xmlsec1 encrypts (RSA-OAEP key transport, AES-CBC or AES-GCM content)
/// an Assertion our signer signed; stsgate decrypts it with the SP's
/// openssl-made PKCS#8 key and verifies the Assertion's own signature.
#[test]
fn xmlsec1_encrypted_assertions_decrypt_and_verify() {
    use stsgate::core::saml::xmlenc::private_key_der_from_pem;
    use stsgate::core::saml::{Decryption, verify_response_with};
    let idp = tempdir("enc-idp");
    let sp = tempdir("enc-sp");
    let idp_cert = make_key(&idp.0, false);
    make_key(&sp.0, false);
    let idp_key = std::fs::read_to_string(idp.0.join("key.pem")).unwrap();
    let pair = RsaKeyPair::from_pkcs8(&private_key_der_from_pem(&idp_key).unwrap()).unwrap();
    let sp_key =
        private_key_der_from_pem(&std::fs::read_to_string(sp.0.join("key.pem")).unwrap()).unwrap();
    let s = spec(Layout::Adfs);
    let assertion = dsig::sign(
        &s.assertion_xml(),
        &s.assertion_id,
        SigningKey::Rsa(&pair),
        SignAlg::RsaSha256,
        &idp_cert,
        &SystemRandom::new(),
    )
    .unwrap();
    std::fs::write(
        sp.0.join("data.xml"),
        format!("<saml:EncryptedAssertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">{assertion}</saml:EncryptedAssertion>"),
    )
    .unwrap();
    // xmlsec1 1.2 knows no xmlenc11#rsa-oaep: SHA-1 OAEP only here.
    let sha1_oaep =
        "<xenc:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p\"/>";
    for (content, session, oaep) in [
        ("2001/04/xmlenc#aes128-cbc", "aes-128", sha1_oaep),
        ("2001/04/xmlenc#aes256-cbc", "aes-256", sha1_oaep),
        ("2009/xmlenc11#aes128-gcm", "aes-128", sha1_oaep),
        ("2009/xmlenc11#aes256-gcm", "aes-256", sha1_oaep),
    ] {
        let template = format!(
            "<xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\" Type=\"http://www.w3.org/2001/04/xmlenc#Element\"><xenc:EncryptionMethod Algorithm=\"http://www.w3.org/{content}\"/><ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><xenc:EncryptedKey>{oaep}<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>"
        );
        std::fs::write(sp.0.join("enc-tmpl.xml"), template).unwrap();
        run(Command::new("xmlsec1")
            .arg("--encrypt")
            .arg("--pubkey-cert-pem")
            .arg(sp.0.join("cert.pem"))
            .args(["--session-key", session, "--xml-data"])
            .arg(sp.0.join("data.xml"))
            .args([
                "--node-name",
                "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
                "--output",
            ])
            .arg(sp.0.join("enc.xml"))
            .arg(sp.0.join("enc-tmpl.xml")));
        let out = std::fs::read_to_string(sp.0.join("enc.xml")).unwrap();
        let encrypted = out.trim_start_matches("<?xml version=\"1.0\"?>").trim();
        assert!(!encrypted.contains("alice@example.org"), "{content}");
        let xml = s.response_xml(encrypted);
        let certs = vec![idp_cert.clone()];
        let trust = Trust {
            certs: &certs,
            allow_sha1: false,
        };
        let keys = vec![sp_key.clone()];
        let v = verify_response_with(
            &xml,
            &trust,
            &Decryption {
                keys: &keys,
                required: true,
            },
        )
        .unwrap_or_else(|e| panic!("{content}: {}", e.message));
        let c = claims::check(
            &v,
            &Expect {
                entity_id: ISSUER,
                now: NOW,
                leeway: 60,
                extra_recipients: &[],
                extra_audiences: &[],
            },
        )
        .unwrap();
        assert_eq!(c.subject, "alice@example.org", "{content}");
    }
}
