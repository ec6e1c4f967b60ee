//! AssumeRoleWithSAML's pure verification path on a typical ~6 KB signed
//! Response (mock IdP, RSA-2048 / SHA-256, AD FS layout): base64 decode,
//! parse, exclusive c14n, digest, RSA verification and claim checks.
//!
//! `cargo bench --bench saml -- --warm-up-time 1 --measurement-time 5`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::Value;
use stsgate::core::saml::claims::{self, Expect};
use stsgate::core::saml::dsig::Trust;
use stsgate::core::saml::{decode_base64, verify_response};
use stsgate::mock_idp::saml::{SamlIdp, SamlMint};

const NOW: i64 = 1_780_000_000;

/// A Response of about 6 KB: two roles, session tags and the claim
/// attributes an AD FS farm typically sends.
fn typical(idp: &SamlIdp) -> String {
    let provider = "arn:aws:iam::123456789012:saml-provider/ADFS";
    let mut attributes: std::collections::BTreeMap<String, Value> = [
        ("PrincipalTag:Department", "Engineering"),
        ("PrincipalTag:CostCenter", "4711"),
        ("SessionDuration", "3600"),
        (
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
            "alice@corp.example.com",
        ),
        (
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
            "alice@corp.example.com",
        ),
        (
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
            "Alice",
        ),
        (
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
            "Example",
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), Value::from(v)))
    .collect();
    let groups: Vec<Value> = (0..12)
        .map(|i| {
            Value::from(format!(
                "CN=app-group-{i:02},OU=Groups,DC=corp,DC=example,DC=com"
            ))
        })
        .collect();
    attributes.insert(
        "http://schemas.xmlsoap.org/claims/Group".to_string(),
        Value::Array(groups),
    );
    let req = SamlMint {
        roles: vec![
            format!("arn:aws:iam::123456789012:role/Admin,{provider}"),
            format!("arn:aws:iam::123456789012:role/ReadOnly,{provider}"),
        ],
        name_id: Some("CORP\\alice".into()),
        layout: Some("adfs".into()),
        attributes,
        ..Default::default()
    };
    idp.mint(&req, NOW).unwrap()
}

fn bench(c: &mut Criterion) {
    let idp = SamlIdp::new("https://adfs.corp.example.com").unwrap();
    let b64 = typical(&idp);
    let xml_len = decode_base64(&b64).unwrap().len();
    eprintln!(
        "assertion: {xml_len} bytes of XML, {} bytes base64",
        b64.len()
    );
    let certs = vec![STANDARD.decode(idp.cert_b64()).unwrap()];
    let mut g = c.benchmark_group("saml");
    g.throughput(Throughput::Elements(1));
    g.bench_function("verify_6kb_rsa_sha256", |b| {
        b.iter(|| {
            let xml = decode_base64(black_box(&b64)).unwrap();
            let v = verify_response(
                &xml,
                &Trust {
                    certs: &certs,
                    allow_sha1: false,
                },
            )
            .unwrap();
            let c = claims::check(
                &v,
                &Expect {
                    entity_id: idp.entity_id(),
                    now: NOW,
                    leeway: 300,
                    extra_recipients: &[],
                    extra_audiences: &[],
                },
            )
            .unwrap();
            black_box(c.roles.len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
