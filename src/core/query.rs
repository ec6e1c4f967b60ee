//! The AWS Query wire codec: form-encoded parameters in, typed lookups out.
//!
//! Lists arrive as `Name.member.N` (1-based, possibly sparse), structures in a
//! list as `Name.member.N.Field`, and an explicitly empty list as a bare
//! `Name=`. A parameter given twice is an error rather than a silent pick.

use std::collections::BTreeMap;

use crate::core::error::{ApiError, ApiResult, ErrorCode};

/// Parsed Query parameters of one request (query string and form body together).
#[derive(Debug, Clone, Default)]
pub struct Params {
    map: BTreeMap<String, String>,
}

impl Params {
    /// Decode a query string and an optional `application/x-www-form-urlencoded`
    /// body. Non-UTF-8 input and repeated names are refused.
    pub fn parse(query: &str, body: Option<&[u8]>) -> ApiResult<Params> {
        let mut params = Params::default();
        params.add_encoded(query.as_bytes())?;
        if let Some(body) = body {
            params.add_encoded(body)?;
        }
        Ok(params)
    }

    /// Build from already-decoded pairs (tests, internal callers).
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> ApiResult<Params> {
        let mut params = Params::default();
        for (k, v) in pairs {
            params.insert(k.to_string(), v.to_string())?;
        }
        Ok(params)
    }

    fn add_encoded(&mut self, input: &[u8]) -> ApiResult<()> {
        for pair in input.split(|b| *b == b'&') {
            if pair.is_empty() {
                continue;
            }
            let (k, v) = match pair.iter().position(|b| *b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &b""[..]),
            };
            let k = decode_component(k)?;
            let v = decode_component(v)?;
            if k.is_empty() {
                continue;
            }
            self.insert(k, v)?;
        }
        Ok(())
    }

    fn insert(&mut self, k: String, v: String) -> ApiResult<()> {
        if self.map.contains_key(&k) {
            return Err(ApiError::validation(format!(
                "1 validation error detected: Parameter '{k}' was given more than once"
            )));
        }
        self.map.insert(k, v);
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.map.get(name).map(String::as_str)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.map.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// `Name.member.N` values ordered by N. `None` when the list is absent,
    /// `Some(vec![])` for an explicit `Name=`.
    pub fn list(&self, name: &str) -> ApiResult<Option<Vec<&str>>> {
        let prefix = format!("{name}.member.");
        let mut items: Vec<(u32, &str)> = Vec::new();
        for (k, v) in self.map.range(prefix.clone()..) {
            let Some(rest) = k.strip_prefix(&prefix) else {
                break;
            };
            let index = parse_index(name, rest)?;
            items.push((index, v.as_str()));
        }
        if items.is_empty() {
            return Ok(self.map.get(name).map(|_| Vec::new()));
        }
        items.sort_by_key(|(i, _)| *i);
        Ok(Some(items.into_iter().map(|(_, v)| v).collect()))
    }

    /// `Name.member.N.Field` structures ordered by N, each a field→value map.
    pub fn struct_list(&self, name: &str) -> ApiResult<Option<Vec<BTreeMap<&str, &str>>>> {
        let prefix = format!("{name}.member.");
        let mut items: BTreeMap<u32, BTreeMap<&str, &str>> = BTreeMap::new();
        for (k, v) in self.map.range(prefix.clone()..) {
            let Some(rest) = k.strip_prefix(&prefix) else {
                break;
            };
            let (index, field) = match rest.split_once('.') {
                Some((i, f)) => (i, f),
                None => {
                    return Err(ApiError::validation(format!(
                        "1 validation error detected: Parameter '{k}' is not a structure member"
                    )));
                }
            };
            let index = parse_index(name, index)?;
            items.entry(index).or_default().insert(field, v.as_str());
        }
        if items.is_empty() {
            return Ok(self.map.get(name).map(|_| Vec::new()));
        }
        Ok(Some(items.into_values().collect()))
    }
}

fn parse_index(name: &str, raw: &str) -> ApiResult<u32> {
    match raw.parse::<u32>() {
        Ok(i) if i >= 1 && !raw.starts_with('+') => Ok(i),
        _ => Err(ApiError::validation(format!(
            "1 validation error detected: '{name}.member.{raw}' has an invalid list index"
        ))),
    }
}

/// Percent-decode one form component (`+` is a space), requiring UTF-8.
pub fn decode_component(raw: &[u8]) -> ApiResult<String> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = raw.get(i + 1).and_then(|b| (*b as char).to_digit(16));
                let lo = raw.get(i + 2).and_then(|b| (*b as char).to_digit(16));
                match (hi, lo) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => {
                        return Err(ApiError::new(
                            ErrorCode::MalformedQueryString,
                            "The query string contains an invalid percent-encoding",
                        ));
                    }
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| {
        ApiError::new(
            ErrorCode::MalformedQueryString,
            "The request parameters are not valid UTF-8",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_form_and_query() {
        let p = Params::parse(
            "Action=GetRole&Version=2010-05-08",
            Some(b"RoleName=a%2Bb+c"),
        )
        .unwrap();
        assert_eq!(p.get("Action"), Some("GetRole"));
        assert_eq!(p.get("RoleName"), Some("a+b c"));
    }

    #[test]
    fn repeated_parameter_is_a_validation_error() {
        let e = Params::parse("A=1&A=2", None).unwrap_err();
        assert_eq!(e.code, ErrorCode::ValidationError);
        let e = Params::parse("A=1", Some(b"A=1")).unwrap_err();
        assert_eq!(e.code, ErrorCode::ValidationError);
    }

    #[test]
    fn non_utf8_and_bad_escapes_are_refused() {
        assert_eq!(
            Params::parse("", Some(b"A=%ff%fe")).unwrap_err().code,
            ErrorCode::MalformedQueryString
        );
        assert_eq!(
            Params::parse("A=%zz", None).unwrap_err().code,
            ErrorCode::MalformedQueryString
        );
    }

    #[test]
    fn lists_are_ordered_sparse_and_explicitly_empty() {
        let p = Params::parse(
            "L.member.10=c&L.member.2=b&L.member.1=a&E=&T.member.2.Key=k2&T.member.1.Key=k1&T.member.1.Value=v1",
            None,
        )
        .unwrap();
        assert_eq!(p.list("L").unwrap(), Some(vec!["a", "b", "c"]));
        assert_eq!(p.list("E").unwrap(), Some(vec![]));
        assert_eq!(p.list("Missing").unwrap(), None);
        let t = p.struct_list("T").unwrap().unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].get("Key"), Some(&"k1"));
        assert_eq!(t[0].get("Value"), Some(&"v1"));
        assert_eq!(t[1].get("Value"), None);
        assert!(
            Params::parse("L.member.0=a", None)
                .unwrap()
                .list("L")
                .is_err()
        );
        assert!(
            Params::parse("L.member.x=a", None)
                .unwrap()
                .list("L")
                .is_err()
        );
    }
}
