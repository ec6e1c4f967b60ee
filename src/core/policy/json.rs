//! A small JSON reader for policy documents. serde_json silently keeps the last
//! of two equal keys; AWS rejects them, and the simulator wants statement
//! positions, so policies are read with this instead.

use super::PolicyError;

/// Nesting deeper than this is not a policy; refusing it keeps recursion bounded.
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone)]
pub(crate) struct JValue {
    pub kind: JKind,
    /// Byte offsets of the value in the document (end exclusive).
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone)]
pub(crate) enum JKind {
    Null,
    Bool(bool),
    /// The number exactly as written, so `1.50` stays `1.50` in condition values.
    Num(String),
    Str(String),
    Arr(Vec<JValue>),
    Obj(Vec<(String, JValue)>),
}

impl JKind {
    pub fn type_name(&self) -> &'static str {
        match self {
            JKind::Null => "null",
            JKind::Bool(_) => "boolean",
            JKind::Num(_) => "number",
            JKind::Str(_) => "string",
            JKind::Arr(_) => "array",
            JKind::Obj(_) => "object",
        }
    }
}

pub(crate) fn parse(doc: &str) -> Result<JValue, PolicyError> {
    let mut r = Reader {
        s: doc.as_bytes(),
        doc,
        pos: 0,
    };
    r.ws();
    let v = r.value(0)?;
    r.ws();
    if r.pos != r.s.len() {
        return Err(r.err("unexpected data after the JSON value"));
    }
    Ok(v)
}

/// 1-based line and column of a byte offset (columns count characters).
pub(crate) fn line_col(doc: &str, offset: usize) -> (u32, u32) {
    let before = doc.get(..offset).unwrap_or(doc);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line as u32, column as u32)
}

struct Reader<'a> {
    s: &'a [u8],
    doc: &'a str,
    pos: usize,
}

impl Reader<'_> {
    fn err(&self, what: &str) -> PolicyError {
        let (line, col) = line_col(self.doc, self.pos);
        PolicyError::new(format!(
            "Syntax errors in policy. {what} at line {line}, column {col}."
        ))
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn value(&mut self, depth: usize) -> Result<JValue, PolicyError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => JKind::Str(self.string()?),
            Some(b't') => self.literal("true", JKind::Bool(true))?,
            Some(b'f') => self.literal("false", JKind::Bool(false))?,
            Some(b'n') => self.literal("null", JKind::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(self.err("unexpected character")),
            None => return Err(self.err("unexpected end of document")),
        };
        Ok(JValue {
            kind,
            start,
            end: self.pos,
        })
    }

    fn literal(&mut self, word: &str, kind: JKind) -> Result<JKind, PolicyError> {
        if self.s[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(kind)
        } else {
            Err(self.err("invalid literal"))
        }
    }

    fn number(&mut self) -> Result<JKind, PolicyError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.err("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.err("invalid number"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.err("invalid number"));
            }
            self.digits();
        }
        Ok(JKind::Num(self.doc[start..self.pos].to_string()))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    fn hex4(&mut self) -> Result<u32, PolicyError> {
        let h = self
            .doc
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.err("invalid escape"))?;
        let v = u32::from_str_radix(h, 16).map_err(|_| self.err("invalid escape"))?;
        self.pos += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String, PolicyError> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.doc[run_start..self.pos]);
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let esc = self.peek().ok_or_else(|| self.err("unterminated string"))?;
                    self.pos += 1;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if !self.s[self.pos..].starts_with(b"\\u") {
                                    return Err(self.err("invalid surrogate pair"));
                                }
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.err("invalid surrogate pair"));
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            out.push(
                                char::from_u32(code).ok_or_else(|| self.err("invalid escape"))?,
                            );
                        }
                        _ => return Err(self.err("invalid escape")),
                    }
                }
                Some(_) => return Err(self.err("control character in string")),
                None => return Err(self.err("unterminated string")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<JKind, PolicyError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(JKind::Arr(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(JKind::Arr(items));
                }
                _ => return Err(self.err("expected ',' or ']'")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<JKind, PolicyError> {
        self.pos += 1;
        let mut members: Vec<(String, JValue)> = Vec::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(JKind::Obj(members));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(self.err("expected a member name"));
            }
            let key = self.string()?;
            if members.iter().any(|(k, _)| *k == key) {
                return Err(PolicyError::new(format!("Duplicate key {key}")));
            }
            self.ws();
            if self.peek() != Some(b':') {
                return Err(self.err("expected ':'"));
            }
            self.pos += 1;
            self.ws();
            let v = self.value(depth + 1)?;
            members.push((key, v));
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(JKind::Obj(members));
                }
                _ => return Err(self.err("expected ',' or '}'")),
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn reads_values_and_rejects_malformed_json() {
        let v = parse(r#" {"a": [1, -2.5e3, true, null, "x\u00e9\n"], "b": {}} "#).map(|v| v.kind);
        let Ok(JKind::Obj(m)) = v else {
            panic!("not an object: {v:?}")
        };
        assert_eq!(m.len(), 2);
        let JKind::Arr(items) = &m[0].1.kind else {
            panic!("not an array")
        };
        assert!(matches!(&items[1].kind, JKind::Num(n) if n == "-2.5e3"));
        assert!(matches!(&items[4].kind, JKind::Str(s) if s == "x\u{e9}\n"));

        let cases = [
            ("{\"a\":1,\"a\":2}", "Duplicate key a"),
            ("{\"a\":1,}", "Syntax errors in policy."),
            ("[1 2]", "expected ',' or ']'"),
            ("{\"a\":01}", "expected ',' or '}'"),
            ("\"abc", "unterminated string"),
            ("{\"a\":tru}", "invalid literal"),
            ("{} {}", "unexpected data"),
            ("\"\\ud800\"", "surrogate"),
            ("", "unexpected end"),
        ];
        for (doc, want) in cases {
            let e = parse(doc).map(|_| ()).expect_err(doc);
            assert!(e.message.contains(want), "{doc}: {}", e.message);
        }
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(parse(&deep).is_err());
    }

    #[test]
    fn positions_are_one_based() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }
}
