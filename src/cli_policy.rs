//! `stsgate policy simulate`: the policy simulator on local files, one line
//! per action × resource. No server or store is involved.

use std::path::PathBuf;

use crate::core::policy::simulate::{
    ContextEntryInput, ContextKeyType, EvaluationResult, Simulation, SourcePolicy, SourceType,
    decision_name, simulate,
};
use crate::core::policy::{Policy, PolicyKind};

#[derive(Debug, Clone, Default)]
pub struct SimulateArgs {
    /// Identity policy files (at least one).
    pub policies: Vec<PathBuf>,
    /// Permissions boundary files; none means no boundary.
    pub boundaries: Vec<PathBuf>,
    pub actions: Vec<String>,
    /// `*` when empty.
    pub resources: Vec<String>,
    /// `key=value`; a key given several times is multi-valued.
    pub context: Vec<String>,
}

fn load(path: &PathBuf, kind: PolicyKind) -> Result<SourcePolicy, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let policy = Policy::parse(&text, kind)
        .map_err(|e| format!("{}: malformed policy: {}", path.display(), e.message))?;
    Ok(SourcePolicy {
        id: path.display().to_string(),
        source_type: SourceType::None,
        policy,
    })
}

/// `key=value` pairs; repeated keys collect into one multi-valued entry.
pub fn parse_context(entries: &[String]) -> Result<Vec<ContextEntryInput>, String> {
    let mut out: Vec<ContextEntryInput> = Vec::new();
    for e in entries {
        let (key, value) = e
            .split_once('=')
            .filter(|(k, _)| !k.is_empty())
            .ok_or_else(|| format!("invalid --context '{e}': expected key=value"))?;
        match out.iter_mut().find(|c| c.name.eq_ignore_ascii_case(key)) {
            Some(c) => {
                c.values.push(value.to_string());
                c.key_type = ContextKeyType::StringList;
            }
            None => out.push(ContextEntryInput {
                name: key.to_string(),
                values: vec![value.to_string()],
                key_type: ContextKeyType::String,
            }),
        }
    }
    Ok(out)
}

/// `ACTION RESOURCE DECISION [matched=SRC@L:C-L:C,…] [missing=K,…] [boundary=allowed|denied]`
pub fn format_result(r: &EvaluationResult) -> String {
    let mut line = format!("{} {} {}", r.action, r.resource, decision_name(r.decision));
    if !r.matched.is_empty() {
        let matched: Vec<String> = r
            .matched
            .iter()
            .map(|m| {
                format!(
                    "{}@{}:{}-{}:{}",
                    m.source_policy_id, m.start.line, m.start.column, m.end.line, m.end.column
                )
            })
            .collect();
        line.push_str(&format!(" matched={}", matched.join(",")));
    }
    if !r.missing_context_values.is_empty() {
        line.push_str(&format!(" missing={}", r.missing_context_values.join(",")));
    }
    if let Some(allowed) = r.allowed_by_boundary {
        line.push_str(if allowed {
            " boundary=allowed"
        } else {
            " boundary=denied"
        });
    }
    line
}

/// The report, one line per result; `Err` names the bad file or argument.
pub fn simulate_files(args: &SimulateArgs) -> Result<String, String> {
    if args.policies.is_empty() {
        return Err("at least one --policy FILE is required".into());
    }
    if args.actions.is_empty() {
        return Err("at least one --action is required".into());
    }
    let identity = args
        .policies
        .iter()
        .map(|p| load(p, PolicyKind::Identity))
        .collect::<Result<Vec<_>, _>>()?;
    let boundary = args
        .boundaries
        .iter()
        .map(|p| load(p, PolicyKind::Identity))
        .collect::<Result<Vec<_>, _>>()?;
    let resources = if args.resources.is_empty() {
        vec!["*".to_string()]
    } else {
        args.resources.clone()
    };
    let context = parse_context(&args.context)?;
    let results = simulate(&Simulation {
        identity: &identity,
        boundary: (!boundary.is_empty()).then_some(boundary.as_slice()),
        resource_policy: None,
        caller: None,
        actions: &args.actions,
        resources: &resources,
        context: &context,
    });
    let mut out = String::new();
    for r in &results {
        out.push_str(&format_result(r));
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn context_pairs_and_repeats() {
        let c = parse_context(&[
            "aws:username=alice".into(),
            "aws:TagKeys=a".into(),
            "AWS:tagkeys=b".into(),
            "x=a=b".into(),
        ])
        .unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c[1].values, ["a", "b"]);
        assert_eq!(c[1].key_type, ContextKeyType::StringList);
        assert_eq!(c[2].values, ["a=b"]);
        assert!(
            parse_context(&["novalue".into()])
                .unwrap_err()
                .contains("novalue")
        );
        assert!(parse_context(&["=v".into()]).is_err());
    }

    #[test]
    fn files_are_simulated_line_by_line() {
        let dir = std::env::temp_dir().join(format!("stsgate-cli-policy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let policy = dir.join("p.json");
        std::fs::write(
            &policy,
            "{\"Version\":\"2012-10-17\",\"Statement\":[\n{\"Effect\":\"Allow\",\"Action\":\"iam:*\",\"Resource\":\"arn:aws:iam::*:user/${aws:username}\"}\n]}",
        )
        .unwrap();
        let bad = dir.join("bad.json");
        std::fs::write(&bad, "{").unwrap();
        let args = SimulateArgs {
            policies: vec![policy.clone()],
            actions: vec!["iam:CreateUser".into()],
            resources: vec!["arn:aws:iam::123456789012:user/alice".into()],
            ..Default::default()
        };
        let out = simulate_files(&args).unwrap();
        assert_eq!(
            out,
            "iam:CreateUser arn:aws:iam::123456789012:user/alice implicitDeny missing=aws:username\n"
        );
        let out = simulate_files(&SimulateArgs {
            context: vec!["aws:username=alice".into()],
            ..args.clone()
        })
        .unwrap();
        assert_eq!(
            out,
            format!(
                "iam:CreateUser arn:aws:iam::123456789012:user/alice allowed matched={}@2:1-2:84\n",
                policy.display()
            )
        );
        let e = simulate_files(&SimulateArgs {
            policies: vec![bad.clone()],
            ..args.clone()
        })
        .unwrap_err();
        assert!(
            e.starts_with(&format!("{}: malformed policy", bad.display())),
            "{e}"
        );
        assert!(
            simulate_files(&SimulateArgs {
                actions: vec![],
                ..args
            })
            .is_err()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
