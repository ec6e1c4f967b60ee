//! Policy variables (`${aws:username}`, `${*}`, `${key, 'default'}`), only
//! recognised when the policy says `"Version": "2012-10-17"`.

use super::Context;
use super::matching::Tok;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// Plain text; `*`/`?` in it stay wildcards where the value is a pattern.
    Text(String),
    /// `${*}`, `${?}`, `${$}`: always a literal character.
    Escaped(char),
    Var {
        /// Lower-cased for the case-insensitive context lookup.
        key: String,
        name: String,
        default: Option<String>,
    },
}

/// A value with at least one variable in it, resolved against each request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    parts: Vec<Part>,
}

/// Records the context keys a decision needed but the request did not carry.
pub(crate) struct Trace<'a> {
    pub missing: Option<&'a mut Vec<String>>,
}

impl Trace<'_> {
    pub fn note_missing(&mut self, name: &str) {
        if let Some(list) = self.missing.as_deref_mut()
            && !list.iter().any(|k| k.eq_ignore_ascii_case(name))
        {
            list.push(name.to_string());
        }
    }
}

fn parse_var(inner: &str) -> Option<Part> {
    match inner {
        "*" => return Some(Part::Escaped('*')),
        "?" => return Some(Part::Escaped('?')),
        "$" => return Some(Part::Escaped('$')),
        _ => {}
    }
    let (name, default) = match inner.split_once(',') {
        Some((name, rest)) => {
            let rest = rest.trim();
            let quoted = rest.strip_prefix('\'')?.strip_suffix('\'')?;
            (name.trim(), Some(quoted.to_string()))
        }
        None => (inner.trim(), None),
    };
    if name.is_empty()
        || name
            .chars()
            .any(|c| c.is_whitespace() || c == '{' || c == '$')
    {
        return None;
    }
    Some(Part::Var {
        key: name.to_lowercase(),
        name: name.to_string(),
        default,
    })
}

impl Template {
    /// `None` when the text holds no variable (then it is compiled as a plain value).
    /// A `${` without a well-formed body stays literal text.
    pub fn parse(text: &str) -> Option<Template> {
        let mut parts = Vec::new();
        let mut text_run = String::new();
        let mut rest = text;
        let mut found = false;
        while let Some(i) = rest.find("${") {
            let after = &rest[i + 2..];
            let Some(close) = after.find('}') else { break };
            match parse_var(&after[..close]) {
                Some(part) => {
                    text_run.push_str(&rest[..i]);
                    if !text_run.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text_run)));
                    }
                    parts.push(part);
                    found = true;
                    rest = &after[close + 1..];
                }
                None => {
                    text_run.push_str(&rest[..i + 2]);
                    rest = after;
                }
            }
        }
        text_run.push_str(rest);
        if !text_run.is_empty() {
            parts.push(Part::Text(text_run));
        }
        found.then_some(Template { parts })
    }

    fn lookup<'c>(
        key: &str,
        name: &str,
        default: &'c Option<String>,
        ctx: &'c Context,
        trace: &mut Trace,
    ) -> Option<&'c str> {
        // Multi-valued keys cannot be variables: treat them as absent.
        match ctx.lookup(key) {
            Some(e) if !e.multi && e.values.len() == 1 => Some(e.values[0].as_str()),
            _ => {
                trace.note_missing(name);
                default.as_deref()
            }
        }
    }

    /// Everything literal (for `StringEquals`, `Bool`, ...). `None` = a variable
    /// did not resolve.
    pub fn resolve_text(&self, ctx: &Context, trace: &mut Trace) -> Option<String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Escaped(c) => out.push(*c),
                Part::Var { key, name, default } => {
                    out.push_str(Self::lookup(key, name, default, ctx, trace)?)
                }
            }
        }
        Some(out)
    }

    /// As a wildcard pattern: `*`/`?` in the policy's own text are wildcards,
    /// escapes and substituted values are literal (a user named `*` gets no more).
    pub fn resolve_toks(&self, ctx: &Context, trace: &mut Trace) -> Option<Vec<Tok>> {
        let mut out = Vec::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.extend(t.chars().map(|c| match c {
                    '*' => Tok::Star,
                    '?' => Tok::One,
                    c => Tok::Lit(c),
                })),
                Part::Escaped(c) => out.push(Tok::Lit(*c)),
                Part::Var { key, name, default } => out.extend(
                    Self::lookup(key, name, default, ctx, trace)?
                        .chars()
                        .map(Tok::Lit),
                ),
            }
        }
        Some(out)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::core::policy::matching::Glob;

    #[test]
    fn template_table() {
        let mut ctx = Context::new();
        ctx.insert("aws:username", "alice");
        ctx.insert("aws:PrincipalTag/Team", "blue");
        ctx.insert_multi("aws:TagKeys", vec!["a".into()]);
        // (template, resolved text or None if unresolved)
        let rows: &[(&str, Option<&str>)] = &[
            ("home/${aws:username}/*", Some("home/alice/*")),
            ("${AWS:UserName}", Some("alice")),
            ("${aws:principaltag/team}", Some("blue")),
            (
                "${aws:PrincipalTag/dept, 'company-wide'}",
                Some("company-wide"),
            ),
            ("${aws:PrincipalTag/team, 'company-wide'}", Some("blue")),
            ("${aws:userid}", None),
            ("${aws:TagKeys}", None),
            ("a${*}b${?}c${$}", Some("a*b?c$")),
            (
                "x-${aws:username}-${aws:PrincipalTag/team}",
                Some("x-alice-blue"),
            ),
        ];
        for (text, want) in rows {
            let t = Template::parse(text).expect("has a variable");
            let mut trace = Trace { missing: None };
            assert_eq!(t.resolve_text(&ctx, &mut trace).as_deref(), *want, "{text}");
        }
        for plain in ["no vars", "${", "${}", "${ }", "${a b}", "$x{y}"] {
            assert!(Template::parse(plain).is_none(), "{plain}");
        }
    }

    #[test]
    fn escapes_are_literal_in_patterns() {
        let mut ctx = Context::new();
        ctx.insert("aws:username", "*");
        let t = Template::parse("a${*}/${aws:username}/*").expect("template");
        let mut trace = Trace { missing: None };
        let g = Glob::from_toks(t.resolve_toks(&ctx, &mut trace).expect("resolves"));
        assert!(g.matches("a*/*/anything", false));
        assert!(!g.matches("ab/*/x", false));
        assert!(!g.matches("a*/bob/x", false));
    }

    #[test]
    fn missing_variables_are_traced() {
        let ctx = Context::new();
        let mut missing = Vec::new();
        let t = Template::parse("${aws:username}${aws:userid, 'x'}").expect("template");
        let mut trace = Trace {
            missing: Some(&mut missing),
        };
        assert_eq!(t.resolve_text(&ctx, &mut trace), None);
        let t2 = Template::parse("${aws:userid, 'x'}").expect("template");
        assert_eq!(t2.resolve_text(&ctx, &mut trace).as_deref(), Some("x"));
        assert_eq!(
            missing,
            vec!["aws:username".to_string(), "aws:userid".to_string()]
        );
    }
}
