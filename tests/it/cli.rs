//! The `stsgate` binary: bootstrap's one-time JSON, exit codes, and `serve`
//! answering on the configured address with state that survives a restart.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::harness::http_client;
use crate::support::backends;

const BIN: &str = env!("CARGO_BIN_EXE_stsgate");

fn bootstrap(url: Option<&str>, dir: &std::path::Path, json: bool) -> std::process::Output {
    let mut cmd = Command::new(BIN);
    cmd.args(["bootstrap", "--account-id", "123456789012", "--data-dir"])
        .arg(dir);
    if let Some(url) = url {
        cmd.args(["--database-url", url]);
    }
    if json {
        cmd.arg("--json");
    }
    cmd.env_remove("STSGATE_DATABASE_URL").output().unwrap()
}

#[tokio::test]
async fn bootstrap_prints_one_json_object_once_on_every_backend() {
    for db in backends().await {
        let out = bootstrap(db.url.as_deref(), &db.dir, true);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_eq!(
            stdout.trim().lines().count(),
            1,
            "exactly one line: {stdout}"
        );
        let v: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
        let obj = v.as_object().unwrap();
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "access_key_id",
                "account_id",
                "secret_access_key",
                "user_arn",
                "user_name"
            ]
        );
        assert_eq!(v["account_id"], "123456789012");
        assert_eq!(
            v["user_arn"],
            format!(
                "arn:aws:iam::123456789012:user/{}",
                v["user_name"].as_str().unwrap()
            )
        );
        let akid = v["access_key_id"].as_str().unwrap();
        assert!(akid.starts_with("AKIA") && akid.len() == 20, "{akid}");
        let secret = v["secret_access_key"].as_str().unwrap();
        assert_eq!(secret.len(), 40);
        // The secret is stored sealed: it appears nowhere in the SQLite file.
        if db.url.is_none() {
            let raw = std::fs::read(db.dir.join("stsgate.db")).unwrap();
            assert!(
                !raw.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "secret stored in clear"
            );
        }

        let again = bootstrap(db.url.as_deref(), &db.dir, true);
        assert_eq!(again.status.code(), Some(2), "second bootstrap must exit 2");
        let err = String::from_utf8(again.stderr).unwrap();
        assert!(err.contains("already bootstrapped"), "{err}");
        assert!(again.stdout.is_empty(), "no second secret is printed");
        db.cleanup().await;
    }
}

#[test]
fn usage_errors_exit_2_naming_the_value() {
    let out = Command::new(BIN)
        .args(["bootstrap", "--account-id", "12ab", "--data-dir", "/tmp/x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'12ab'"));
    let out = Command::new(BIN)
        .args(["serve", "--listen", "nowhere", "--data-dir", "/tmp/x"])
        .env_remove("STSGATE_DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'nowhere'"));
}

/// Start `stsgate serve` on a free port and wait for its "listening" log line.
fn serve(dir: &std::path::Path, extra: &[&str]) -> (Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(dir)
        .args(extra)
        .env_remove("STSGATE_DATABASE_URL")
        .env("STSGATE_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    loop {
        let line = lines
            .next()
            .expect("serve exited before listening")
            .unwrap();
        if line.contains("stsgate listening") {
            break;
        }
    }
    // Keep draining so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, format!("http://127.0.0.1:{port}"))
}

#[tokio::test]
async fn serve_answers_health_and_queries_and_demo_prints_commands() {
    let dir = std::env::temp_dir().join(format!("stsgate-cli-{}", crate::support::unique_suffix()));
    let (mut child, base) = serve(&dir, &["--demo"]);
    let stdout = child.stdout.take().unwrap();
    let resp = http_client()
        .get(format!("{base}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    // The demo's mock IdP is mounted in-process.
    let resp = http_client()
        .get(format!("{base}/mock-idp/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    child.kill().unwrap();
    child.wait().unwrap();
    let printed: Vec<String> = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .collect();
    let printed = printed.join("\n");
    assert!(
        printed.contains("aws sts assume-role-with-web-identity"),
        "{printed}"
    );
    assert!(
        printed.contains(&format!("--endpoint-url {base}")),
        "{printed}"
    );
    assert!(printed.contains("--region us-east-1"), "{printed}");
    assert!(printed.contains("curl -s"), "{printed}");
    assert!(printed.contains("AWS_WEB_IDENTITY_TOKEN_FILE"), "{printed}");
    let _ = std::fs::remove_dir_all(&dir);
}
