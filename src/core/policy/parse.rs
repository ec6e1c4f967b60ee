//! Grammar checks (POLICY.md §1-2) and compilation of statements.

use super::condition::Condition;
use super::json::{self, JKind, JValue};
use super::matching::{ArnPattern, Glob, split_arn};
use super::variables::Template;
use super::{
    Effect, MAX_DOCUMENT_CHARS, Policy, PolicyError, PolicyKind, Position, PrincipalSet,
    ResourcePattern, Statement, policy_size,
};
use crate::core::arn::{AccountId, Arn};

const VERSION_CURRENT: &str = "2012-10-17";
const VERSION_LEGACY: &str = "2008-10-17";

fn err(message: impl Into<String>) -> PolicyError {
    PolicyError::new(message)
}

fn wrong_type(field: &str, want: &str, got: &JValue) -> PolicyError {
    err(format!(
        "Syntax errors in policy. {field} must be {want}, not {}.",
        got.kind.type_name()
    ))
}

fn allowed_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{ff}')
}

fn string<'a>(field: &str, v: &'a JValue) -> Result<&'a str, PolicyError> {
    match &v.kind {
        JKind::Str(s) => Ok(s),
        _ => Err(wrong_type(field, "a string", v)),
    }
}

/// A string or a list of strings.
fn string_list(field: &str, v: &JValue) -> Result<Vec<String>, PolicyError> {
    match &v.kind {
        JKind::Str(s) => Ok(vec![s.clone()]),
        JKind::Arr(items) => items
            .iter()
            .map(|i| string(field, i).map(str::to_string))
            .collect(),
        _ => Err(wrong_type(field, "a string or a list of strings", v)),
    }
}

pub(super) fn parse(document: &str, kind: PolicyKind) -> Result<Policy, PolicyError> {
    if document.trim().is_empty() {
        return Err(err(
            "Syntax errors in policy. The policy document is empty.",
        ));
    }
    if let Some((i, c)) = document
        .chars()
        .enumerate()
        .find(|(_, c)| !allowed_char(*c))
    {
        return Err(err(format!(
            "Syntax errors in policy. Character U+{:04X} at position {} is not allowed (only TAB, LF, CR and U+0020..U+00FF).",
            u32::from(c),
            i + 1
        )));
    }
    if document.chars().count() > MAX_DOCUMENT_CHARS {
        return Err(err(format!(
            "Syntax errors in policy. The policy document exceeds {MAX_DOCUMENT_CHARS} characters."
        )));
    }
    let root = json::parse(document)?;
    let JKind::Obj(members) = &root.kind else {
        return Err(wrong_type("The policy document", "a JSON object", &root));
    };
    let (mut version, mut id, mut statement) = (None, None, None);
    for (name, value) in members {
        match name.as_str() {
            "Version" => version = Some(string("Version", value)?.to_string()),
            "Id" => id = Some(string("Id", value)?.to_string()),
            "Statement" => statement = Some(value),
            other => return Err(err(format!("Unknown field {other}"))),
        }
    }
    let variables = match version.as_deref() {
        None | Some(VERSION_LEGACY) => false,
        Some(VERSION_CURRENT) => true,
        Some(v) => {
            return Err(err(format!(
                "The policy contains an unsupported Version: \"{v}\"."
            )));
        }
    };
    let statement = statement.ok_or_else(|| err("Missing required field Statement"))?;
    let items: Vec<&JValue> = match &statement.kind {
        JKind::Obj(_) => vec![statement],
        JKind::Arr(items) => items.iter().collect(),
        _ => {
            return Err(wrong_type(
                "Statement",
                "an object or a list of objects",
                statement,
            ));
        }
    };
    if items.is_empty() {
        return Err(err("Syntax errors in policy. The Statement list is empty."));
    }
    let mut statements = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let st = parse_statement(document, item, index, kind, variables)?;
        if let Some(sid) = st.sid.as_deref().filter(|s| !s.is_empty())
            && statements
                .iter()
                .any(|s: &Statement| s.sid.as_deref() == Some(sid))
        {
            return Err(err(format!(
                "Statement IDs (SID) in a single policy must be unique. Duplicate Sid \"{sid}\"."
            )));
        }
        statements.push(st);
    }
    Ok(Policy {
        kind,
        version,
        id,
        size: policy_size(document),
        statements,
    })
}

fn position(document: &str, offset: usize) -> Position {
    let (line, column) = json::line_col(document, offset);
    Position { line, column }
}

fn parse_statement(
    document: &str,
    item: &JValue,
    index: usize,
    kind: PolicyKind,
    variables: bool,
) -> Result<Statement, PolicyError> {
    let JKind::Obj(members) = &item.kind else {
        return Err(wrong_type("Each statement", "an object", item));
    };
    let get = |name: &str| members.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    if let Some((other, _)) = members.iter().find(|(k, _)| {
        !matches!(
            k.as_str(),
            "Sid"
                | "Effect"
                | "Principal"
                | "NotPrincipal"
                | "Action"
                | "NotAction"
                | "Resource"
                | "NotResource"
                | "Condition"
        )
    }) {
        return Err(err(format!("Unknown field {other}")));
    }

    let sid = get("Sid")
        .map(|v| string("Sid", v).map(str::to_string))
        .transpose()?;
    if kind != PolicyKind::Resource
        && let Some(sid) = &sid
        && !sid.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(err(format!(
            "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*. Invalid Sid \"{sid}\"."
        )));
    }

    let effect = match get("Effect").map(|v| string("Effect", v)).transpose()? {
        None => return Err(err("Missing required field Effect")),
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        Some(other) => {
            return Err(err(format!(
                "Invalid effect: \"{other}\" (must be Allow or Deny)."
            )));
        }
    };

    let principal = match (get("Principal"), get("NotPrincipal")) {
        (Some(_), Some(_)) => {
            return Err(err(
                "Statement must not contain both Principal and NotPrincipal.",
            ));
        }
        (Some(p), None) => Some((false, parse_principal(p)?)),
        (None, Some(p)) => Some((true, parse_principal(p)?)),
        (None, None) => None,
    };
    match kind {
        PolicyKind::Identity | PolicyKind::Session if principal.is_some() => {
            return Err(err("Policy document should not specify a principal."));
        }
        PolicyKind::Trust if get("NotPrincipal").is_some() => {
            return Err(err("Has prohibited field NotPrincipal"));
        }
        PolicyKind::Trust | PolicyKind::Resource if principal.is_none() => {
            return Err(err("Missing required field Principal"));
        }
        _ => {}
    }

    let (not_action, action_value) = match (get("Action"), get("NotAction")) {
        (Some(_), Some(_)) => {
            return Err(err("Statement must not contain both Action and NotAction."));
        }
        (Some(a), None) => (false, a),
        (None, Some(a)) => (true, a),
        (None, None) => return Err(err("Policy statement must contain actions.")),
    };
    let field = if not_action { "NotAction" } else { "Action" };
    let action_strings = string_list(field, action_value)?;
    if action_strings.is_empty() {
        return Err(err("Policy statement must contain actions."));
    }
    let actions = action_strings
        .iter()
        .map(|a| parse_action(a))
        .collect::<Result<Vec<_>, _>>()?;

    let resources = match (get("Resource"), get("NotResource")) {
        (Some(_), Some(_)) => {
            return Err(err(
                "Statement must not contain both Resource and NotResource.",
            ));
        }
        (Some(r), None) => Some((false, parse_resources("Resource", r, variables)?)),
        (None, Some(r)) => Some((true, parse_resources("NotResource", r, variables)?)),
        (None, None) if kind == PolicyKind::Trust => None,
        (None, None) => return Err(err("Policy statement must contain resources.")),
    };

    let conditions = match get("Condition") {
        Some(c) => parse_conditions(c, variables)?,
        None => Vec::new(),
    };

    Ok(Statement {
        sid,
        effect,
        index,
        start: position(document, item.start),
        end: position(document, item.end.saturating_sub(1)),
        principal,
        not_action,
        actions,
        resources,
        conditions,
    })
}

fn parse_action(a: &str) -> Result<Glob, PolicyError> {
    if a == "*" {
        return Ok(Glob::Any);
    }
    let Some((service, name)) = a.split_once(':') else {
        return Err(err(format!(
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. Invalid action: \"{a}\"."
        )));
    };
    if service.is_empty()
        || name.is_empty()
        || !service
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '*' | '?'))
    {
        return Err(err(format!(
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. Invalid action: \"{a}\"."
        )));
    }
    if name.contains(':') {
        return Err(err(format!(
            "Actions/Condition can contain only one colon. Invalid action: \"{a}\"."
        )));
    }
    Ok(Glob::new(a, true))
}

fn parse_resources(
    field: &str,
    v: &JValue,
    variables: bool,
) -> Result<Vec<ResourcePattern>, PolicyError> {
    let list = string_list(field, v)?;
    if list.is_empty() {
        return Err(err("Policy statement must contain resources."));
    }
    list.iter()
        .map(|r| {
            if r == "*" {
                return Ok(ResourcePattern::Static(ArnPattern::Any));
            }
            let parts = split_arn(r)
                .filter(|p| p[0] == "arn")
                .ok_or_else(|| err(format!("Resource {r} must be in ARN format or \"*\".")))?;
            if variables && let Some(tail) = Template::parse(parts[5]) {
                let head = std::array::from_fn(|i| Glob::new(parts[i], false));
                return Ok(ResourcePattern::Templated(Box::new(head), tail));
            }
            Ok(ArnPattern::compile(r).map_or(ResourcePattern::Never, ResourcePattern::Static))
        })
        .collect()
}

fn invalid_principal(kind: &str, value: &str) -> PolicyError {
    err(format!(
        "Invalid principal in policy: \"{kind}\":\"{value}\""
    ))
}

fn parse_principal(v: &JValue) -> Result<PrincipalSet, PolicyError> {
    let mut set = PrincipalSet::default();
    let members = match &v.kind {
        JKind::Str(s) if s == "*" => {
            set.everyone = true;
            return Ok(set);
        }
        JKind::Str(s) => return Err(err(format!("Invalid principal in policy: \"{s}\""))),
        JKind::Obj(m) if !m.is_empty() => m,
        _ => return Err(wrong_type("Principal", "\"*\" or a non-empty object", v)),
    };
    for (kind, value) in members {
        let values = string_list(&format!("Principal {kind}"), value)?;
        if values.is_empty() {
            return Err(err(format!(
                "Invalid principal in policy: \"{kind}\" lists no principal"
            )));
        }
        for p in values {
            match kind.as_str() {
                "AWS" => add_aws_principal(&mut set, &p)?,
                "Federated" | "Service" | "CanonicalUser"
                    if p.is_empty()
                        || p.contains('*')
                        || p.contains('?')
                        || p.chars().any(char::is_whitespace) =>
                {
                    return Err(invalid_principal(kind, &p));
                }
                "Federated" => set.federated.push(p),
                "Service" => set.services.push(p),
                "CanonicalUser" => set.canonical_users.push(p),
                _ => return Err(invalid_principal(kind, &p)),
            }
        }
    }
    Ok(set)
}

fn add_aws_principal(set: &mut PrincipalSet, p: &str) -> Result<(), PolicyError> {
    if p == "*" {
        set.everyone = true;
        return Ok(());
    }
    if let Some(acct) = AccountId::parse(p) {
        set.accounts.push(acct.as_str().to_string());
        return Ok(());
    }
    let arn = Arn::parse(p)
        .filter(|a| matches!(a.service.as_str(), "iam" | "sts") && a.region.is_empty())
        .filter(|a| AccountId::parse(&a.account).is_some())
        .filter(|_| !p.contains('*') && !p.contains('?'))
        .ok_or_else(|| invalid_principal("AWS", p))?;
    if arn.service == "iam" && arn.resource == "root" {
        set.accounts.push(arn.account);
    } else {
        set.arns.push(p.to_string());
    }
    Ok(())
}

fn condition_values(op: &str, key: &str, v: &JValue) -> Result<Vec<String>, PolicyError> {
    let scalar = |v: &JValue| match &v.kind {
        JKind::Str(s) => Ok(s.clone()),
        JKind::Num(n) => Ok(n.clone()),
        JKind::Bool(b) => Ok(b.to_string()),
        _ => Err(wrong_type(
            &format!("Condition value of {op} {key}"),
            "a string, number or boolean",
            v,
        )),
    };
    match &v.kind {
        JKind::Arr(items) => items.iter().map(scalar).collect(),
        _ => Ok(vec![scalar(v)?]),
    }
}

fn parse_conditions(v: &JValue, variables: bool) -> Result<Vec<Condition>, PolicyError> {
    let JKind::Obj(ops) = &v.kind else {
        return Err(wrong_type("Condition", "an object", v));
    };
    let mut out = Vec::new();
    for (op, block) in ops {
        let JKind::Obj(keys) = &block.kind else {
            return Err(wrong_type(&format!("Condition {op}"), "an object", block));
        };
        if keys.is_empty() {
            // Still reject a misspelt operator even without keys.
            Condition::compile(op, "-", &[], variables)?;
        }
        for (key, values) in keys {
            let raw = condition_values(op, key, values)?;
            out.push(Condition::compile(op, key, &raw, variables)?);
        }
    }
    Ok(out)
}
