//! The Condition block: operators, compiled values and their evaluation.

use std::net::IpAddr;

use base64::Engine;

use super::matching::{Glob, Tok, split_arn};
use super::variables::{Template, Trace};
use super::{Context, PolicyError};
use crate::core::time::parse_iso8601;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    fn apply<T: PartialOrd>(self, request: T, policy: T) -> bool {
        match self {
            Cmp::Eq => request == policy,
            Cmp::Lt => request < policy,
            Cmp::Le => request <= policy,
            Cmp::Gt => request > policy,
            Cmp::Ge => request >= policy,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Test {
    StrEq,
    StrEqIgnoreCase,
    StrLike,
    Num(Cmp),
    Date(Cmp),
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetOp {
    Single,
    ForAllValues,
    ForAnyValue,
}

/// `(test, negated)` for each base operator name.
const OPERATORS: &[(&str, Test, bool)] = &[
    ("StringEquals", Test::StrEq, false),
    ("StringNotEquals", Test::StrEq, true),
    ("StringEqualsIgnoreCase", Test::StrEqIgnoreCase, false),
    ("StringNotEqualsIgnoreCase", Test::StrEqIgnoreCase, true),
    ("StringLike", Test::StrLike, false),
    ("StringNotLike", Test::StrLike, true),
    ("NumericEquals", Test::Num(Cmp::Eq), false),
    ("NumericNotEquals", Test::Num(Cmp::Eq), true),
    ("NumericLessThan", Test::Num(Cmp::Lt), false),
    ("NumericLessThanEquals", Test::Num(Cmp::Le), false),
    ("NumericGreaterThan", Test::Num(Cmp::Gt), false),
    ("NumericGreaterThanEquals", Test::Num(Cmp::Ge), false),
    ("DateEquals", Test::Date(Cmp::Eq), false),
    ("DateNotEquals", Test::Date(Cmp::Eq), true),
    ("DateLessThan", Test::Date(Cmp::Lt), false),
    ("DateLessThanEquals", Test::Date(Cmp::Le), false),
    ("DateGreaterThan", Test::Date(Cmp::Gt), false),
    ("DateGreaterThanEquals", Test::Date(Cmp::Ge), false),
    ("Bool", Test::Bool, false),
    ("BinaryEquals", Test::Binary, false),
    ("IpAddress", Test::Ip, false),
    ("NotIpAddress", Test::Ip, true),
    ("ArnEquals", Test::Arn, false),
    ("ArnLike", Test::Arn, false),
    ("ArnNotEquals", Test::Arn, true),
    ("ArnNotLike", Test::Arn, true),
    ("Null", Test::Null, false),
];

fn parse_operator(name: &str) -> Option<(Test, bool, bool, SetOp)> {
    let strip_ci = |s: &'_ str, prefix: &str| -> Option<usize> {
        (s.len() >= prefix.len()
            && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes()))
        .then_some(prefix.len())
    };
    let (set, rest) = if let Some(n) = strip_ci(name, "ForAllValues:") {
        (SetOp::ForAllValues, &name[n..])
    } else if let Some(n) = strip_ci(name, "ForAnyValue:") {
        (SetOp::ForAnyValue, &name[n..])
    } else {
        (SetOp::Single, name)
    };
    let find = |base: &str| {
        OPERATORS
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(base))
    };
    if let Some((_, test, neg)) = find(rest) {
        return Some((*test, *neg, false, set));
    }
    let suffix = "IfExists";
    if rest.len() > suffix.len() && rest.is_char_boundary(rest.len() - suffix.len()) {
        let (base, tail) = rest.split_at(rest.len() - suffix.len());
        if tail.eq_ignore_ascii_case(suffix)
            && let Some((_, test, neg)) = find(base)
            && *test != Test::Null
        {
            return Some((*test, *neg, true, set));
        }
    }
    None
}

/// An IPv4 or IPv6 network; a bare address is a /32 or /128.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cidr {
    v6: bool,
    net: u128,
    mask: u128,
}

fn ip_bits(ip: IpAddr) -> (bool, u128) {
    match ip {
        IpAddr::V4(a) => (false, u128::from(u32::from(a))),
        IpAddr::V6(a) => match a.to_ipv4_mapped() {
            Some(v4) => (false, u128::from(u32::from(v4))),
            None => (true, u128::from(a)),
        },
    }
}

impl Cidr {
    fn parse(s: &str) -> Option<Cidr> {
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u32>().ok()?)),
            None => (s, None),
        };
        let ip: IpAddr = addr.trim().parse().ok()?;
        let v6 = ip.is_ipv6();
        let bits = if v6 { 128 } else { 32 };
        let prefix = prefix.unwrap_or(bits);
        if prefix > bits {
            return None;
        }
        let all: u128 = if v6 { u128::MAX } else { u128::from(u32::MAX) };
        let mask = if prefix == 0 {
            0
        } else {
            (all << (bits - prefix)) & all
        };
        let raw = match ip {
            IpAddr::V4(a) => u128::from(u32::from(a)),
            IpAddr::V6(a) => u128::from(a),
        };
        Some(Cidr {
            v6,
            net: raw & mask,
            mask,
        })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        let (v6, bits) = ip_bits(ip);
        v6 == self.v6 && bits & self.mask == self.net
    }
}

fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    let first = s.bytes().next()?;
    if !(first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.') {
        return None;
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// ISO-8601 or epoch seconds.
fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<i64>() {
        return Some(n);
    }
    if let Some(n) = parse_number(s) {
        return Some(n.floor() as i64);
    }
    parse_iso8601(s)
}

fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

fn eq_ignore_case(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
        || a.chars()
            .flat_map(char::to_lowercase)
            .eq(b.chars().flat_map(char::to_lowercase))
}

/// Split wildcard tokens at `:` into the six ARN segments.
fn arn_segments(toks: Vec<Tok>) -> Option<Box<[Glob; 6]>> {
    if toks == [Tok::Star] {
        return Some(Box::new(std::array::from_fn(|_| Glob::Any)));
    }
    let mut segs: Vec<Vec<Tok>> = vec![Vec::new()];
    for t in toks {
        match t {
            Tok::Lit(':') if segs.len() < 6 => segs.push(Vec::new()),
            t => segs.last_mut()?.push(t),
        }
    }
    let segs: [Vec<Tok>; 6] = segs.try_into().ok()?;
    Some(Box::new(segs.map(Glob::from_toks)))
}

fn plain_toks(s: &str) -> Vec<Tok> {
    s.chars()
        .map(|c| match c {
            '*' => Tok::Star,
            '?' => Tok::One,
            c => Tok::Lit(c),
        })
        .collect()
}

#[derive(Debug, Clone)]
enum Value {
    Str(String),
    Glob(Glob),
    /// `None`: not an ARN pattern, matches nothing.
    Arn(Option<Box<[Glob; 6]>>),
    Num(f64),
    Date(i64),
    Bool(bool),
    Bin(Vec<u8>),
    Cidr(Cidr),
    Null(bool),
    Tpl(Template),
}

/// One `operator: { key: values }` entry, compiled.
#[derive(Debug, Clone)]
pub(crate) struct Condition {
    test: Test,
    negated: bool,
    if_exists: bool,
    set: SetOp,
    /// Lower-cased: condition key names are case-insensitive.
    key: String,
    key_name: String,
    values: Vec<Value>,
}

impl Condition {
    /// Compile one key under one operator. `variables`: the policy's Version enables `${...}`.
    pub fn compile(
        operator: &str,
        key: &str,
        raw: &[String],
        variables: bool,
    ) -> Result<Condition, PolicyError> {
        let (test, negated, if_exists, set) = parse_operator(operator)
            .ok_or_else(|| PolicyError::new(format!("Invalid Condition type : {operator}")))?;
        if key.is_empty() {
            return Err(PolicyError::new(format!(
                "Condition key under {operator} must not be empty"
            )));
        }
        let bad = |v: &str, what: &str| {
            PolicyError::new(format!(
                "Invalid value for condition {operator} {key}: \"{v}\" is not {what}"
            ))
        };
        let template = |v: &str| if variables { Template::parse(v) } else { None };
        let mut values = Vec::with_capacity(raw.len());
        for v in raw {
            let value = match test {
                Test::StrEq | Test::StrEqIgnoreCase => {
                    template(v).map_or_else(|| Value::Str(v.clone()), Value::Tpl)
                }
                Test::StrLike => {
                    template(v).map_or_else(|| Value::Glob(Glob::new(v, false)), Value::Tpl)
                }
                Test::Arn => {
                    template(v).map_or_else(|| Value::Arn(arn_segments(plain_toks(v))), Value::Tpl)
                }
                Test::Bool => match template(v) {
                    Some(t) => Value::Tpl(t),
                    None => Value::Bool(parse_bool(v).ok_or_else(|| bad(v, "a boolean"))?),
                },
                Test::Null => Value::Null(parse_bool(v).ok_or_else(|| bad(v, "a boolean"))?),
                Test::Num(_) => Value::Num(parse_number(v).ok_or_else(|| bad(v, "a number"))?),
                Test::Date(_) => Value::Date(parse_date(v).ok_or_else(|| bad(v, "a date"))?),
                Test::Binary => Value::Bin(
                    base64::engine::general_purpose::STANDARD
                        .decode(v.trim())
                        .map_err(|_| bad(v, "base64"))?,
                ),
                Test::Ip => {
                    Value::Cidr(Cidr::parse(v).ok_or_else(|| bad(v, "an IP address or CIDR"))?)
                }
            };
            values.push(value);
        }
        Ok(Condition {
            test,
            negated,
            if_exists,
            set,
            key: key.to_lowercase(),
            key_name: key.to_string(),
            values,
        })
    }

    pub fn evaluate(&self, ctx: &Context, trace: &mut Trace) -> bool {
        let entry = ctx.lookup(&self.key).filter(|e| !e.values.is_empty());
        let Some(entry) = entry else {
            trace.note_missing(&self.key_name);
            return match (self.test, self.set) {
                // Null "true" asks for absence.
                (Test::Null, _) => self.values.iter().any(|v| matches!(v, Value::Null(true))),
                (_, SetOp::ForAllValues) => true,
                (_, SetOp::ForAnyValue) => self.if_exists,
                (_, SetOp::Single) => self.if_exists || self.negated,
            };
        };
        if self.test == Test::Null {
            return self.values.iter().any(|v| matches!(v, Value::Null(false)));
        }
        let (mut any, mut all) = (false, true);
        for rv in &entry.values {
            let Some(m) = self.request_value_matches(rv, ctx, trace) else {
                // The request value is not of the operator's type: fail closed.
                return false;
            };
            let m = m != self.negated;
            any |= m;
            all &= m;
        }
        match self.set {
            SetOp::ForAllValues => all,
            SetOp::ForAnyValue => any,
            // Negated: the value must match none of the policy values.
            SetOp::Single => {
                if self.negated {
                    all
                } else {
                    any
                }
            }
        }
    }

    /// Does one request value match any policy value? `None`: it does not parse.
    fn request_value_matches(&self, rv: &str, ctx: &Context, trace: &mut Trace) -> Option<bool> {
        let vals = self.values.iter();
        Some(match self.test {
            Test::StrEq => vals.into_iter().any(|v| match v {
                Value::Str(s) => s == rv,
                Value::Tpl(t) => t.resolve_text(ctx, trace).is_some_and(|s| s == rv),
                _ => false,
            }),
            Test::StrEqIgnoreCase => vals.into_iter().any(|v| match v {
                Value::Str(s) => eq_ignore_case(s, rv),
                Value::Tpl(t) => t
                    .resolve_text(ctx, trace)
                    .is_some_and(|s| eq_ignore_case(&s, rv)),
                _ => false,
            }),
            Test::StrLike => vals.into_iter().any(|v| match v {
                Value::Glob(g) => g.matches(rv, false),
                Value::Tpl(t) => t
                    .resolve_toks(ctx, trace)
                    .is_some_and(|toks| Glob::from_toks(toks).matches(rv, false)),
                _ => false,
            }),
            Test::Arn => {
                let parts = split_arn(rv)?;
                let seg_match = |segs: &[Glob; 6]| {
                    segs.iter()
                        .zip(parts.iter())
                        .all(|(g, p)| g.matches(p, false))
                };
                vals.into_iter().any(|v| match v {
                    Value::Arn(Some(segs)) => seg_match(segs),
                    Value::Tpl(t) => t
                        .resolve_toks(ctx, trace)
                        .and_then(arn_segments)
                        .is_some_and(|segs| seg_match(&segs)),
                    _ => false,
                })
            }
            Test::Bool => {
                let b = parse_bool(rv)?;
                vals.into_iter().any(|v| match v {
                    Value::Bool(p) => *p == b,
                    Value::Tpl(t) => t
                        .resolve_text(ctx, trace)
                        .and_then(|s| parse_bool(&s))
                        .is_some_and(|p| p == b),
                    _ => false,
                })
            }
            Test::Num(cmp) => {
                let n = parse_number(rv)?;
                vals.into_iter()
                    .any(|v| matches!(v, Value::Num(p) if cmp.apply(n, *p)))
            }
            Test::Date(cmp) => {
                let d = parse_date(rv)?;
                vals.into_iter()
                    .any(|v| matches!(v, Value::Date(p) if cmp.apply(d, *p)))
            }
            Test::Binary => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(rv.trim())
                    .ok()?;
                vals.into_iter()
                    .any(|v| matches!(v, Value::Bin(p) if *p == bytes))
            }
            Test::Ip => {
                let ip: IpAddr = rv.trim().parse().ok()?;
                vals.into_iter()
                    .any(|v| matches!(v, Value::Cidr(c) if c.contains(ip)))
            }
            Test::Null => false,
        })
    }
}
