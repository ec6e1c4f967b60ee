//! Set-up step of `bench/run_iam.sh`: against a running gateway, with the
//! bootstrap admin's keys, it creates the "realistic" principal of issue 4's
//! Speed section — user `bench-user` with 10 attached customer managed
//! policies (one allows `iam:Get*`) and 3 groups, each with an attached and an
//! inline policy — gives it an access key and writes signed, replayable
//! requests (SigV4 has no replay protection; the 15-minute clock-skew window
//! bounds the run) into `--out`:
//!
//! - `gci`: GetCallerIdentity signed by bench-user;
//! - `getrole`, `getuser`: iam:GetRole / iam:GetUser signed by bench-user;
//! - `getrole-admin`: iam:GetRole signed by the bootstrap admin.
//!
//! Each as `NAME.body` + `NAME.headers`, and `NAME.status`: the status the
//! gateway answered when this program tried the request once.
//!
//! Usage: cargo run --release --example bench_iam_prepare -- \
//!   --gateway 127.0.0.1:PORT --access-key-id AKIA... --secret ... --out DIR

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use stsgate::core::sigv4::sign_headers;

const USER: &str = "bench-user";
const ROLE: &str = "bench-role";
const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#;

struct Args {
    gateway: String,
    access_key_id: String,
    secret: String,
    out: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let (mut gateway, mut ak, mut sk, mut out) = (None, None, None, None);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--gateway" => gateway = Some(value),
            "--access-key-id" => ak = Some(value),
            "--secret" => sk = Some(value),
            "--out" => out = Some(PathBuf::from(value)),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(Args {
        gateway: gateway.ok_or("--gateway is required")?,
        access_key_id: ak.ok_or("--access-key-id is required")?,
        secret: sk.ok_or("--secret is required")?,
        out: out.ok_or("--out is required")?,
    })
}

fn form(pairs: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// One POST with `Connection: close`; returns (status, body).
fn post(addr: &str, headers: &[(String, String)], body: &str) -> Result<(u16, String), String> {
    let mut s = TcpStream::connect(addr).map_err(|e| format!("connect {addr}: {e}"))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    let mut req = format!("POST / HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n");
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
    Ok((
        status,
        if chunked {
            dechunk(rest)
        } else {
            rest.to_string()
        },
    ))
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

/// A request body and its signed headers (content-type included).
struct Signed {
    body: String,
    headers: Vec<(String, String)>,
}

fn sign(
    gateway: &str,
    service: &str,
    params: &[(&str, &str)],
    access_key_id: &str,
    secret: &str,
) -> Signed {
    let body = form(params);
    let mut headers = vec![("content-type".to_string(), FORM.to_string())];
    headers.extend(sign_headers(
        "POST",
        "/",
        "",
        &[("host", gateway), ("content-type", FORM)],
        body.as_bytes(),
        access_key_id,
        secret,
        None,
        "us-east-1",
        service,
        now(),
    ));
    Signed { body, headers }
}

/// An IAM call with the admin keys; 409 (already exists) is fine so the
/// script can be re-run against the same data dir. Returns the body.
fn admin(args: &Args, params: &[(&str, &str)]) -> Result<String, String> {
    let mut pairs = vec![("Version", "2010-05-08")];
    pairs.extend_from_slice(params);
    let s = sign(
        &args.gateway,
        "iam",
        &pairs,
        &args.access_key_id,
        &args.secret,
    );
    let (status, reply) = post(&args.gateway, &s.headers, &s.body)?;
    if status == 200 || status == 409 {
        Ok(reply)
    } else {
        Err(format!("{}: HTTP {status}: {reply}", params[0].1))
    }
}

fn policy(actions: &str, resource: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":{actions},"Resource":"{resource}"}}]}}"#
    )
}

fn run(args: &Args) -> Result<(), String> {
    let account = {
        let s = sign(
            &args.gateway,
            "sts",
            &[("Action", "GetCallerIdentity"), ("Version", "2011-06-15")],
            &args.access_key_id,
            &args.secret,
        );
        let (_, reply) = post(&args.gateway, &s.headers, &s.body)?;
        xml_field(&reply, "Account")?
    };
    admin(args, &[("Action", "CreateUser"), ("UserName", USER)])?;
    admin(
        args,
        &[
            ("Action", "CreateRole"),
            ("RoleName", ROLE),
            ("AssumeRolePolicyDocument", TRUST),
        ],
    )?;
    // Ten attached policies: nine realistic narrow ones that do not match
    // the benchmarked calls, the last allowing iam:Get* (the deciding one).
    for i in 0..10 {
        let name = format!("bench-p{i}");
        let doc = if i == 9 {
            policy(r#"["iam:Get*","iam:List*"]"#, "*")
        } else {
            policy(
                r#"["s3:GetObject","s3:PutObject","dynamodb:Query"]"#,
                &format!("arn:aws:s3:::bucket-{i}/${{aws:username}}/*"),
            )
        };
        admin(
            args,
            &[
                ("Action", "CreatePolicy"),
                ("PolicyName", &name),
                ("PolicyDocument", &doc),
            ],
        )?;
        let arn = format!("arn:aws:iam::{account}:policy/{name}");
        admin(
            args,
            &[
                ("Action", "AttachUserPolicy"),
                ("UserName", USER),
                ("PolicyArn", &arn),
            ],
        )?;
    }
    for g in 0..3 {
        let group = format!("bench-g{g}");
        admin(args, &[("Action", "CreateGroup"), ("GroupName", &group)])?;
        admin(
            args,
            &[
                ("Action", "AttachGroupPolicy"),
                ("GroupName", &group),
                (
                    "PolicyArn",
                    "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
                ),
            ],
        )?;
        admin(
            args,
            &[
                ("Action", "PutGroupPolicy"),
                ("GroupName", &group),
                ("PolicyName", "inline"),
                (
                    "PolicyDocument",
                    &policy(
                        r#""sqs:SendMessage""#,
                        &format!("arn:aws:sqs:*:*:queue-{g}"),
                    ),
                ),
            ],
        )?;
        admin(
            args,
            &[
                ("Action", "AddUserToGroup"),
                ("GroupName", &group),
                ("UserName", USER),
            ],
        )?;
    }
    let key = admin(args, &[("Action", "CreateAccessKey"), ("UserName", USER)])?;
    let user_ak = xml_field(&key, "AccessKeyId")?;
    let user_sk = xml_field(&key, "SecretAccessKey")?;

    let iam_get = |action: &str, param: &str, value: &str, ak: &str, sk: &str| {
        sign(
            &args.gateway,
            "iam",
            &[
                ("Action", action),
                ("Version", "2010-05-08"),
                (param, value),
            ],
            ak,
            sk,
        )
    };
    let requests = [
        (
            "gci",
            sign(
                &args.gateway,
                "sts",
                &[("Action", "GetCallerIdentity"), ("Version", "2011-06-15")],
                &user_ak,
                &user_sk,
            ),
        ),
        (
            "getrole",
            iam_get("GetRole", "RoleName", ROLE, &user_ak, &user_sk),
        ),
        (
            "getuser",
            iam_get("GetUser", "UserName", USER, &user_ak, &user_sk),
        ),
        (
            "getrole-admin",
            iam_get(
                "GetRole",
                "RoleName",
                ROLE,
                &args.access_key_id,
                &args.secret,
            ),
        ),
    ];
    let write = |name: String, text: &str| {
        std::fs::write(args.out.join(&name), text).map_err(|e| format!("write {name}: {e}"))
    };
    for (name, req) in &requests {
        // Try it once: wrk replays exactly these bytes.
        let (status, reply) = post(&args.gateway, &req.headers, &req.body)?;
        if status != 200 && status != 403 {
            return Err(format!("{name}: HTTP {status}: {reply}"));
        }
        let mut lines = format!("host: {}\n", args.gateway);
        for (k, v) in &req.headers {
            lines.push_str(&format!("{k}: {v}\n"));
        }
        write(format!("{name}.body"), &req.body)?;
        write(format!("{name}.headers"), &lines)?;
        write(format!("{name}.status"), &status.to_string())?;
        let code = xml_field(&reply, "Code").unwrap_or_default();
        println!("prepared {name}: HTTP {status} {code}");
    }
    Ok(())
}

fn main() -> ExitCode {
    match parse_args().and_then(|a| run(&a)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_iam_prepare: {e}");
            ExitCode::FAILURE
        }
    }
}
