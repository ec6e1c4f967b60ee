//! Set-up step of `bench/run.sh`: against a running gateway and mock IdP it
//! registers the IdP, creates a role that trusts it, mints one RS256 token,
//! exchanges it once (which also warms the JWKS cache) and writes the inputs
//! of the wrk scripts into `--out`:
//!
//! - `arwwi.body`: the AssumeRoleWithWebIdentity form body (token reused);
//! - `gci.body` + `gci.headers`: a GetCallerIdentity request signed with the
//!   temporary credentials. SigV4 has no replay protection, so the same signed
//!   request stays valid for the 15-minute clock-skew window.
//!
//! Usage: cargo run --release --example bench_prepare -- \
//!   --gateway 127.0.0.1:PORT --issuer http://127.0.0.1:PORT \
//!   --access-key-id AKIA... --secret ... --out DIR
//!
//! Plain HTTP/1.1 over a std TcpStream keeps it free of TLS and runtime setup.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use stsgate::core::sigv4::sign_headers;

const ACCOUNT: &str = "123456789012";
const ROLE: &str = "bench";
const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";

struct Args {
    gateway: String,
    issuer: String,
    access_key_id: String,
    secret: String,
    out: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let (mut gateway, mut issuer, mut ak, mut sk, mut out) = (None, None, None, None, None);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--gateway" => gateway = Some(value),
            "--issuer" => issuer = Some(value),
            "--access-key-id" => ak = Some(value),
            "--secret" => sk = Some(value),
            "--out" => out = Some(PathBuf::from(value)),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(Args {
        gateway: gateway.ok_or("--gateway is required")?,
        issuer: issuer.ok_or("--issuer is required")?,
        access_key_id: ak.ok_or("--access-key-id is required")?,
        secret: sk.ok_or("--secret is required")?,
        out: out.ok_or("--out is required")?,
    })
}

fn form_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// One POST with `Connection: close`; returns (status, body).
fn post(
    addr: &str,
    path: &str,
    headers: &[(String, String)],
    body: &str,
) -> Result<(u16, String), String> {
    let mut s = TcpStream::connect(addr).map_err(|e| format!("connect {addr}: {e}"))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    let mut req = format!("POST {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
    s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").ok_or("malformed response")?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("no status line")?;
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase()
            .starts_with("transfer-encoding: chunked")
    });
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    Ok((status, body))
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

fn xml_field(body: &str, tag: &str) -> Result<String, String> {
    let open = format!("<{tag}>");
    let start = body
        .find(&open)
        .ok_or(format!("<{tag}> missing in: {body}"))?
        + open.len();
    let end = body[start..]
        .find(&format!("</{tag}>"))
        .ok_or(format!("</{tag}> missing"))?;
    Ok(body[start..start + end].to_string())
}

/// A signed Query API call with the admin keys; 409 (already exists) is fine
/// so the script can be re-run against the same data dir.
fn iam(args: &Args, params: &[(&str, &str)]) -> Result<(), String> {
    let mut pairs = vec![("Version", "2010-05-08")];
    pairs.extend_from_slice(params);
    let body = form(&pairs);
    let mut headers = vec![("content-type".to_string(), FORM.to_string())];
    headers.extend(sign_headers(
        "POST",
        "/",
        "",
        &[("host", &args.gateway), ("content-type", FORM)],
        body.as_bytes(),
        &args.access_key_id,
        &args.secret,
        None,
        "us-east-1",
        "iam",
        now(),
    ));
    let (status, reply) = post(&args.gateway, "/", &headers, &body)?;
    if status == 200 || status == 409 {
        Ok(())
    } else {
        Err(format!("{}: HTTP {status}: {reply}", params[0].1))
    }
}

fn run(args: &Args) -> Result<(), String> {
    let host = args
        .issuer
        .strip_prefix("http://")
        .ok_or("--issuer must be http://")?;
    iam(
        args,
        &[
            ("Action", "CreateOpenIDConnectProvider"),
            ("Url", &args.issuer),
            ("ClientIDList.member.1", "demo-app"),
        ],
    )?;
    let trust = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::{ACCOUNT}:oidc-provider/{host}")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {format!("{host}:aud"): "demo-app"}}
        }]
    })
    .to_string();
    iam(
        args,
        &[
            ("Action", "CreateRole"),
            ("RoleName", ROLE),
            ("AssumeRolePolicyDocument", &trust),
        ],
    )?;

    let idp = host.to_string();
    let json = [("content-type".to_string(), "application/json".to_string())];
    let (status, minted) = post(
        &idp,
        "/mint",
        &json,
        r#"{"sub":"bench-user","alg":"RS256"}"#,
    )?;
    if status != 200 {
        return Err(format!("mint: HTTP {status}: {minted}"));
    }
    let token = serde_json::from_str::<serde_json::Value>(&minted)
        .map_err(|e| e.to_string())?
        .get("id_token")
        .and_then(|t| t.as_str())
        .ok_or("mint: no id_token")?
        .to_string();

    let role_arn = format!("arn:aws:iam::{ACCOUNT}:role/{ROLE}");
    let arwwi = form(&[
        ("Action", "AssumeRoleWithWebIdentity"),
        ("Version", "2011-06-15"),
        ("RoleArn", &role_arn),
        ("RoleSessionName", "bench"),
        ("WebIdentityToken", &token),
    ]);
    let form_header = [("content-type".to_string(), FORM.to_string())];
    let (status, creds) = post(&args.gateway, "/", &form_header, &arwwi)?;
    if status != 200 {
        return Err(format!("AssumeRoleWithWebIdentity: HTTP {status}: {creds}"));
    }
    let ak = xml_field(&creds, "AccessKeyId")?;
    let sk = xml_field(&creds, "SecretAccessKey")?;
    let st = xml_field(&creds, "SessionToken")?;

    let gci = "Action=GetCallerIdentity&Version=2011-06-15";
    let mut gci_headers = vec![("content-type".to_string(), FORM.to_string())];
    gci_headers.extend(sign_headers(
        "POST",
        "/",
        "",
        &[("host", &args.gateway), ("content-type", FORM)],
        gci.as_bytes(),
        &ak,
        &sk,
        Some(&st),
        "us-east-1",
        "sts",
        now(),
    ));
    // Check the signed request once before handing it to wrk.
    let (status, reply) = post(&args.gateway, "/", &gci_headers, gci)?;
    if status != 200 {
        return Err(format!("GetCallerIdentity: HTTP {status}: {reply}"));
    }

    let write = |name: &str, text: &str| {
        std::fs::write(args.out.join(name), text).map_err(|e| format!("write {name}: {e}"))
    };
    write("arwwi.body", &arwwi)?;
    write("gci.body", gci)?;
    let mut lines = format!("host: {}\n", args.gateway);
    for (k, v) in &gci_headers {
        lines.push_str(&format!("{k}: {v}\n"));
    }
    write("gci.headers", &lines)?;
    println!(
        "prepared: role {role_arn}, caller {}",
        xml_field(&reply, "Arn")?
    );
    Ok(())
}

fn main() -> ExitCode {
    match parse_args().and_then(|a| run(&a)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_prepare: {e}");
            ExitCode::FAILURE
        }
    }
}
