//! `stsgate policy simulate` as a user runs it: files in, one line per
//! action × resource out, exit 0; a bad file exits 2 naming it.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_stsgate");

const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"iam:*","Resource":"*"},
  {"Effect":"Deny","Action":"iam:DeleteUser","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"admins"}}}
]}"#;

const BOUNDARY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*","iam:CreateUser","iam:DeleteUser"],"Resource":"*"}]}"#;

fn run(dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .current_dir(dir)
        .args(["policy", "simulate", "--policy", "policy.json"])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn policy_simulate_prints_one_line_per_action_and_resource() {
    let dir = std::env::temp_dir().join(format!(
        "stsgate-it-cli-policy-{}",
        crate::support::unique_suffix()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("policy.json"), POLICY).unwrap();
    std::fs::write(dir.join("boundary.json"), BOUNDARY).unwrap();
    std::fs::write(
        dir.join("bad.json"),
        r#"{"Statement":[{"Effect":"Permit"}]}"#,
    )
    .unwrap();

    let out = run(
        &dir,
        &[
            "--boundary",
            "boundary.json",
            "--action",
            "iam:CreateUser",
            "--action",
            "iam:DeleteUser",
            "--action",
            "iam:CreateRole",
            "--resource",
            "arn:aws:iam::123456789012:user/bob",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "iam:CreateUser arn:aws:iam::123456789012:user/bob allowed matched=policy.json@2:3-2:52 boundary=allowed",
            "iam:DeleteUser arn:aws:iam::123456789012:user/bob explicitDeny matched=policy.json@3:3-3:127 missing=aws:PrincipalTag/team boundary=allowed",
            "iam:CreateRole arn:aws:iam::123456789012:user/bob implicitDeny boundary=denied",
        ]
    );

    // The context satisfies the deny's condition; no --resource means `*`.
    let out = run(
        &dir,
        &[
            "--action",
            "iam:DeleteUser",
            "--context",
            "aws:PrincipalTag/team=admins",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "iam:DeleteUser * allowed matched=policy.json@2:3-2:52\n"
    );

    // A malformed file: exit 2, the file named on stderr, nothing on stdout.
    let out = Command::new(BIN)
        .current_dir(&dir)
        .args([
            "policy",
            "simulate",
            "--policy",
            "bad.json",
            "--action",
            "iam:GetUser",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("stsgate: bad.json: malformed policy"),
        "{stderr}"
    );

    // --action is required.
    let out = run(&dir, &[]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}
