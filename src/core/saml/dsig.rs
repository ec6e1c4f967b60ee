//! XML-DSig (enveloped signatures as SAML uses them): verification against
//! the provider's certificates only, and signing for the mock IdP.
//!
//! The reference must point at the element the Signature is a child of, so
//! the element the caller then reads is by construction the one the digest
//! covered: there is no separate "look the ID up again" step to confuse.

use aws_lc_rs::digest;
use aws_lc_rs::signature;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::c14n::{self, Options};
use super::xml::{Document, NodeId};

pub const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
pub const EXC_C14N_COMMENTS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";
pub const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
pub const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
pub const RSA_SHA512: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512";
pub const RSA_SHA1: &str = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
pub const ECDSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
pub const ECDSA_SHA1: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1";
pub const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
pub const SHA512: &str = "http://www.w3.org/2001/04/xmlenc#sha512";
pub const SHA1: &str = "http://www.w3.org/2000/09/xmldsig#sha1";

pub const SHA1_REFUSED: &str = "SHA-1 signatures are not accepted for this provider";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DsigError(pub String);

fn fail<T>(msg: impl Into<String>) -> Result<T, DsigError> {
    Err(DsigError(msg.into()))
}

/// The provider side of verification: its certificates (DER) and policy.
pub struct Trust<'a> {
    pub certs: &'a [Vec<u8>],
    pub allow_sha1: bool,
}

/// The Signature elements that are direct children of `element`.
pub fn signatures_of(doc: &Document, element: NodeId) -> Vec<NodeId> {
    doc.children_named(element, DSIG_NS, "Signature").collect()
}

fn id_of(doc: &Document, element: NodeId) -> Option<&str> {
    doc.attr(element, "ID")
        .or_else(|| doc.attr(element, "AssertionID"))
        .or_else(|| doc.attr(element, "Id"))
}

fn algorithm<'d>(doc: &'d Document, parent: NodeId, local: &str) -> Result<&'d str, DsigError> {
    let el = doc
        .first_child(parent, DSIG_NS, local)
        .ok_or(DsigError(format!("signature has no {local}")))?;
    doc.attr(el, "Algorithm")
        .ok_or(DsigError(format!("{local} has no Algorithm")))
}

fn inclusive_prefixes(doc: &Document, method: NodeId) -> Vec<String> {
    doc.child_elements(method)
        .filter(|c| {
            doc.element(*c)
                .is_some_and(|e| e.local == "InclusiveNamespaces")
        })
        .filter_map(|c| doc.attr(c, "PrefixList"))
        .flat_map(|l| l.split_ascii_whitespace().map(str::to_string))
        .collect()
}

fn b64_decode(text: &str) -> Result<Vec<u8>, DsigError> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    STANDARD
        .decode(compact)
        .map_err(|_| DsigError("signature contains invalid base64".into()))
}

/// Verify the enveloped signature `sig` over its parent element. Returns the
/// parent (the only element the signature vouches for).
pub fn verify(doc: &Document, sig: NodeId, trust: &Trust<'_>) -> Result<NodeId, DsigError> {
    let signed = doc
        .parent(sig)
        .ok_or(DsigError("signature has no parent".into()))?;
    let id = id_of(doc, signed).ok_or(DsigError("signed element has no ID".into()))?;
    if id.is_empty() {
        return fail("signed element has an empty ID");
    }
    // IDs must be unique, or a reference could be argued to mean another element.
    let same_id = doc
        .elements()
        .filter(|e| id_of(doc, *e) == Some(id))
        .count();
    if same_id != 1 {
        return fail("the signed ID occurs more than once in the document");
    }

    let mut infos = doc.children_named(sig, DSIG_NS, "SignedInfo");
    let info = infos
        .next()
        .ok_or(DsigError("signature has no SignedInfo".into()))?;
    if infos.next().is_some() {
        return fail("signature has more than one SignedInfo");
    }
    let c14n_method = doc
        .first_child(info, DSIG_NS, "CanonicalizationMethod")
        .ok_or(DsigError("signature has no CanonicalizationMethod".into()))?;
    let c14n_with_comments = match doc.attr(c14n_method, "Algorithm") {
        Some(EXC_C14N) => false,
        Some(EXC_C14N_COMMENTS) => true,
        _ => return fail("unsupported canonicalization method (exclusive c14n required)"),
    };
    let sig_alg = algorithm(doc, info, "SignatureMethod")?;
    let (verify_alg, sig_is_sha1): (&'static dyn signature::VerificationAlgorithm, bool) =
        match sig_alg {
            RSA_SHA256 => (&signature::RSA_PKCS1_2048_8192_SHA256, false),
            RSA_SHA512 => (&signature::RSA_PKCS1_2048_8192_SHA512, false),
            ECDSA_SHA256 => (&signature::ECDSA_P256_SHA256_FIXED, false),
            RSA_SHA1 => (
                &signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
                true,
            ),
            ECDSA_SHA1 if !trust.allow_sha1 => return fail(SHA1_REFUSED),
            other => return fail(format!("unsupported signature algorithm {other}")),
        };
    if sig_is_sha1 && !trust.allow_sha1 {
        return fail(SHA1_REFUSED);
    }

    let mut refs = doc.children_named(info, DSIG_NS, "Reference");
    let reference = refs
        .next()
        .ok_or(DsigError("signature has no Reference".into()))?;
    if refs.next().is_some() {
        return fail("signature has more than one Reference");
    }
    let uri = doc.attr(reference, "URI").unwrap_or("");
    if uri.strip_prefix('#') != Some(id) {
        return fail("signature reference does not point at the signed element");
    }
    let mut enveloped = false;
    let mut ref_with_comments = false;
    let mut ref_prefixes = Vec::new();
    if let Some(transforms) = doc.first_child(reference, DSIG_NS, "Transforms") {
        for t in doc.children_named(transforms, DSIG_NS, "Transform") {
            match doc.attr(t, "Algorithm") {
                Some(ENVELOPED) => enveloped = true,
                Some(EXC_C14N) => ref_prefixes = inclusive_prefixes(doc, t),
                Some(EXC_C14N_COMMENTS) => {
                    ref_with_comments = true;
                    ref_prefixes = inclusive_prefixes(doc, t);
                }
                _ => return fail("unsupported transform in signature reference"),
            }
        }
    }
    if !enveloped {
        return fail("signature reference lacks the enveloped-signature transform");
    }
    // A same-document "#id" reference drops comments before canonicalisation
    // (XML-DSig 4.3.3.3), whatever the transform says.
    let _ = ref_with_comments;
    let digest_alg = match algorithm(doc, reference, "DigestMethod")? {
        SHA256 => &digest::SHA256,
        SHA512 => &digest::SHA512,
        SHA1 if trust.allow_sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
        SHA1 => return fail(SHA1_REFUSED),
        other => return fail(format!("unsupported digest algorithm {other}")),
    };
    let digest_value = doc
        .first_child(reference, DSIG_NS, "DigestValue")
        .map(|d| doc.text(d))
        .ok_or(DsigError("signature has no DigestValue".into()))?;
    let expected = b64_decode(&digest_value)?;
    let canon = c14n::canonicalize(
        doc,
        signed,
        &Options {
            with_comments: false,
            inclusive_prefixes: &ref_prefixes,
            exclude: Some(sig),
        },
    );
    if digest::digest(digest_alg, &canon).as_ref() != expected.as_slice() {
        return fail("digest mismatch: the signed element was modified");
    }

    // KeyInfo is never trusted for the key; if it names a certificate, that
    // certificate must be one of the provider's.
    if let Some(key_info) = doc.first_child(sig, DSIG_NS, "KeyInfo") {
        let offered: Vec<Vec<u8>> = descendants_named(doc, key_info, "X509Certificate")
            .into_iter()
            .filter_map(|c| b64_decode(&doc.text(c)).ok())
            .collect();
        if !offered.is_empty() && !offered.iter().any(|c| trust.certs.contains(c)) {
            return fail(
                "the certificate in KeyInfo is not one of the provider's signing certificates",
            );
        }
    }

    let sig_value = doc
        .first_child(sig, DSIG_NS, "SignatureValue")
        .map(|v| doc.text(v))
        .ok_or(DsigError("signature has no SignatureValue".into()))?;
    let sig_bytes = b64_decode(&sig_value)?;
    let signed_info = c14n::canonicalize(
        doc,
        info,
        &Options {
            with_comments: c14n_with_comments,
            inclusive_prefixes: &inclusive_prefixes(doc, c14n_method),
            exclude: None,
        },
    );
    for cert in trust.certs {
        let Some(key) = public_key_of_cert(cert) else {
            continue;
        };
        if signature::UnparsedPublicKey::new(verify_alg, key)
            .verify(&signed_info, &sig_bytes)
            .is_ok()
        {
            return Ok(signed);
        }
    }
    fail("signature does not verify with any of the provider's signing certificates")
}

fn descendants_named(doc: &Document, id: NodeId, local: &str) -> Vec<NodeId> {
    let mut found = Vec::new();
    for c in doc.child_elements(id) {
        if doc.is(c, DSIG_NS, local) {
            found.push(c);
        }
        found.extend(descendants_named(doc, c, local));
    }
    found
}

/// Minimal DER reader: (tag, content, rest).
fn der_next(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&len0, rest) = rest.split_first()?;
    let (len, rest) = if len0 < 0x80 {
        (usize::from(len0), rest)
    } else {
        let n = usize::from(len0 & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// SubjectPublicKeyInfo of an X.509 certificate (DER), whole.
pub fn spki_of_cert(cert: &[u8]) -> Option<&[u8]> {
    let (_, cert_body, _) = der_next(cert)?;
    let (_, tbs, _) = der_next(cert_body)?;
    let mut rest = tbs;
    // Optional [0] version.
    if rest.first() == Some(&0xa0) {
        rest = der_next(rest)?.2;
    }
    // serial, signature algorithm, issuer, validity, subject.
    for _ in 0..5 {
        rest = der_next(rest)?.2;
    }
    let (_, _, after) = der_next(rest)?;
    Some(&rest[..rest.len() - after.len()])
}

/// The raw public key aws-lc-rs verifies with: the subjectPublicKey bits
/// (PKCS#1 RSAPublicKey or an uncompressed EC point).
pub fn public_key_of_cert(cert: &[u8]) -> Option<&[u8]> {
    let spki = spki_of_cert(cert)?;
    let (_, body, _) = der_next(spki)?;
    let (_, _, rest) = der_next(body)?;
    let (tag, bits, _) = der_next(rest)?;
    if tag != 0x03 || bits.first() != Some(&0) {
        return None;
    }
    Some(&bits[1..])
}

/// How the mock IdP signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignAlg {
    RsaSha256,
    RsaSha512,
    EcdsaSha256,
}

pub enum SigningKey<'a> {
    Rsa(&'a signature::RsaKeyPair),
    Ecdsa(&'a signature::EcdsaKeyPair),
}

/// Sign the element with `ID="id"` in `xml` (which must already declare its
/// namespaces so it canonicalises the same standalone), inserting the
/// Signature right after the element's first child (the Issuer) or at its
/// start. Returns the new document text.
pub fn sign(
    xml: &str,
    id: &str,
    key: SigningKey<'_>,
    alg: SignAlg,
    cert_der: &[u8],
    rng: &dyn aws_lc_rs::rand::SecureRandom,
) -> Result<String, DsigError> {
    sign_with(xml, id, key, alg, cert_der, rng, false)
}

/// `sign`, optionally with a SHA-1 reference digest (legacy IdPs; the mock
/// IdP's `sha1` fixture): aws-lc-rs cannot make RSA-SHA1 signatures, and a
/// SHA-1 digest is enough to exercise the per-provider SHA-1 rule.
pub fn sign_with(
    xml: &str,
    id: &str,
    key: SigningKey<'_>,
    alg: SignAlg,
    cert_der: &[u8],
    rng: &dyn aws_lc_rs::rand::SecureRandom,
    sha1_digest: bool,
) -> Result<String, DsigError> {
    let doc = Document::parse(xml).map_err(|e| DsigError(e.0))?;
    let target = doc
        .elements()
        .find(|e| id_of(&doc, *e) == Some(id))
        .ok_or(DsigError("no element with that ID".into()))?;
    let canon = c14n::canonicalize(
        &doc,
        target,
        &Options {
            with_comments: false,
            inclusive_prefixes: &[],
            exclude: None,
        },
    );
    let (sig_uri, digest_uri, digest_alg) = match alg {
        SignAlg::RsaSha256 => (RSA_SHA256, SHA256, &digest::SHA256),
        SignAlg::RsaSha512 => (RSA_SHA512, SHA512, &digest::SHA512),
        SignAlg::EcdsaSha256 => (ECDSA_SHA256, SHA256, &digest::SHA256),
    };
    let (digest_uri, digest_alg) = if sha1_digest {
        (SHA1, &digest::SHA1_FOR_LEGACY_USE_ONLY)
    } else {
        (digest_uri, digest_alg)
    };
    let digest_b64 = STANDARD.encode(digest::digest(digest_alg, &canon));
    let signed_info = format!(
        "<ds:SignedInfo xmlns:ds=\"{DSIG_NS}\"><ds:CanonicalizationMethod Algorithm=\"{EXC_C14N}\"></ds:CanonicalizationMethod><ds:SignatureMethod Algorithm=\"{sig_uri}\"></ds:SignatureMethod><ds:Reference URI=\"#{id}\"><ds:Transforms><ds:Transform Algorithm=\"{ENVELOPED}\"></ds:Transform><ds:Transform Algorithm=\"{EXC_C14N}\"></ds:Transform></ds:Transforms><ds:DigestMethod Algorithm=\"{digest_uri}\"></ds:DigestMethod><ds:DigestValue>{digest_b64}</ds:DigestValue></ds:Reference></ds:SignedInfo>"
    );
    // Already canonical: written in canonical form above.
    let sig_bytes = match key {
        SigningKey::Rsa(pair) => {
            let params: &'static dyn signature::RsaEncoding = match alg {
                SignAlg::RsaSha512 => &signature::RSA_PKCS1_SHA512,
                _ => &signature::RSA_PKCS1_SHA256,
            };
            let mut buf = vec![0u8; pair.public_modulus_len()];
            pair.sign(params, rng, signed_info.as_bytes(), &mut buf)
                .map_err(|_| DsigError("RSA signing failed".into()))?;
            buf
        }
        SigningKey::Ecdsa(pair) => pair
            .sign(rng, signed_info.as_bytes())
            .map_err(|_| DsigError("ECDSA signing failed".into()))?
            .as_ref()
            .to_vec(),
    };
    let inner_info = signed_info.replacen(&format!(" xmlns:ds=\"{DSIG_NS}\""), "", 1);
    let signature = format!(
        "<ds:Signature xmlns:ds=\"{DSIG_NS}\">{inner_info}<ds:SignatureValue>{}</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>",
        STANDARD.encode(sig_bytes),
        STANDARD.encode(cert_der)
    );
    let el = doc
        .element(target)
        .ok_or(DsigError("no element with that ID".into()))?;
    let at = match doc
        .child_elements(target)
        .next()
        .and_then(|c| doc.element(c))
    {
        Some(first) if first.local == "Issuer" => first.end,
        _ => el.start_tag_end,
    };
    let mut out = doc.source.clone();
    out.insert_str(at, &signature);
    Ok(out)
}
