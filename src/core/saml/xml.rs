//! A small, strict XML parser for SAML messages. It builds an arena tree with
//! resolved namespaces and keeps comments (exclusive c14n needs to know where
//! they were). What it refuses is the point: any DOCTYPE or other `<!`
//! declaration, entity references beyond the five predefined ones, deep
//! nesting and oversized documents. One pass over the input, so time is
//! linear in its size; nesting depth, attribute counts and in-scope
//! namespace declarations are bounded.

/// Namespace of the `xml:` prefix, bound in every document.
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

const MAX_DEPTH: usize = 48;
const MAX_ATTRS: usize = 64;
const MAX_NS_IN_SCOPE: usize = 128;
const MAX_INPUT: usize = 10_000_000;

pub type NodeId = usize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, XmlError> {
    Err(XmlError(msg.into()))
}

#[derive(Debug, Clone)]
pub struct Attr {
    pub prefix: String,
    pub local: String,
    /// Resolved namespace; empty for unprefixed attributes.
    pub ns: String,
    pub value: String,
}

#[derive(Debug, Clone)]
pub struct Element {
    pub prefix: String,
    pub local: String,
    /// Resolved namespace; empty when none is in scope.
    pub ns: String,
    pub attrs: Vec<Attr>,
    /// Declarations made on this element: (prefix, uri), prefix "" = default.
    pub ns_decls: Vec<(String, String)>,
    pub children: Vec<NodeId>,
    /// Byte offset just after the start tag's `>` in the normalised source.
    pub start_tag_end: usize,
    /// Byte offset just after the end tag (or the `/>`).
    pub end: usize,
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    Element(Element),
    Text(String),
    Comment(String),
    Pi { target: String, data: String },
}

#[derive(Debug, Clone)]
pub struct Node {
    pub parent: Option<NodeId>,
    pub kind: NodeKind,
}

#[derive(Debug, Clone)]
pub struct Document {
    pub nodes: Vec<Node>,
    pub root: NodeId,
    /// The input after line-end normalisation; element offsets refer to it.
    pub source: String,
}

/// True when the input carries a document type declaration. Checked on the
/// raw text before any parsing so entities are never seen, let alone expanded.
pub fn has_doctype(input: &str) -> bool {
    let bytes = input.as_bytes();
    bytes
        .windows(9)
        .any(|w| w.eq_ignore_ascii_case(b"<!doctype"))
        || bytes
            .windows(8)
            .any(|w| w.eq_ignore_ascii_case(b"<!entity"))
}

impl Document {
    pub fn parse(input: &str) -> Result<Document, XmlError> {
        if input.len() > MAX_INPUT {
            return err("XML document is too large");
        }
        if has_doctype(input) {
            return err("DOCTYPE declarations are not allowed");
        }
        let source = input.replace("\r\n", "\n").replace('\r', "\n");
        let source = source
            .strip_prefix('\u{feff}')
            .unwrap_or(&source)
            .to_string();
        let mut p = Parser {
            s: source.as_bytes(),
            src: &source,
            i: 0,
            nodes: Vec::new(),
            stack: Vec::new(),
            scope: Vec::new(),
            root: None,
        };
        p.run()?;
        let root = match p.root {
            Some(r) => r,
            None => return err("XML document has no root element"),
        };
        let nodes = p.nodes;
        Ok(Document {
            nodes,
            root,
            source,
        })
    }

    pub fn element(&self, id: NodeId) -> Option<&Element> {
        match &self.nodes.get(id)?.kind {
            NodeKind::Element(e) => Some(e),
            _ => None,
        }
    }

    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        self.nodes.get(id)?.parent
    }

    /// Child elements of `id`, in document order.
    pub fn child_elements(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.element(id)
            .map(|e| e.children.as_slice())
            .unwrap_or(&[])
            .iter()
            .copied()
            .filter(|c| self.element(*c).is_some())
    }

    /// Child elements with the given namespace and local name.
    pub fn children_named<'a>(
        &'a self,
        id: NodeId,
        ns: &'a str,
        local: &'a str,
    ) -> impl Iterator<Item = NodeId> + 'a {
        self.child_elements(id)
            .filter(move |c| self.is(*c, ns, local))
    }

    pub fn first_child(&self, id: NodeId, ns: &str, local: &str) -> Option<NodeId> {
        self.children_named(id, ns, local).next()
    }

    pub fn is(&self, id: NodeId, ns: &str, local: &str) -> bool {
        self.element(id)
            .is_some_and(|e| e.ns == ns && e.local == local)
    }

    /// Value of an unqualified attribute.
    pub fn attr(&self, id: NodeId, local: &str) -> Option<&str> {
        self.element(id)?
            .attrs
            .iter()
            .find(|a| a.ns.is_empty() && a.local == local)
            .map(|a| a.value.as_str())
    }

    pub fn attr_ns(&self, id: NodeId, ns: &str, local: &str) -> Option<&str> {
        self.element(id)?
            .attrs
            .iter()
            .find(|a| a.ns == ns && a.local == local)
            .map(|a| a.value.as_str())
    }

    /// All text below `id`, comments skipped: the text a signature over the
    /// element covers, so `user@evil.com<!---->.example.com` reads whole.
    pub fn text(&self, id: NodeId) -> String {
        let mut out = String::new();
        self.collect_text(id, &mut out);
        out
    }

    fn collect_text(&self, id: NodeId, out: &mut String) {
        match self.nodes.get(id).map(|n| &n.kind) {
            Some(NodeKind::Text(t)) => out.push_str(t),
            Some(NodeKind::Element(e)) => {
                for c in &e.children {
                    self.collect_text(*c, out);
                }
            }
            _ => {}
        }
    }

    /// Every element in document order.
    pub fn elements(&self) -> impl Iterator<Item = NodeId> + '_ {
        (0..self.nodes.len()).filter(|i| self.element(*i).is_some())
    }

    /// The namespace bound to `prefix` ("" = default) in scope at `id`.
    pub fn lookup_ns(&self, id: NodeId, prefix: &str) -> Option<&str> {
        if prefix == "xml" {
            return Some(XML_NS);
        }
        let mut cur = Some(id);
        while let Some(n) = cur {
            if let Some(e) = self.element(n)
                && let Some((_, uri)) = e.ns_decls.iter().find(|(p, _)| p == prefix)
            {
                return Some(uri.as_str());
            }
            cur = self.parent(n);
        }
        None
    }

    /// True when `id` is `ancestor` or lies below it.
    pub fn is_within(&self, id: NodeId, ancestor: NodeId) -> bool {
        let mut cur = Some(id);
        while let Some(n) = cur {
            if n == ancestor {
                return true;
            }
            cur = self.parent(n);
        }
        false
    }
}

struct Parser<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
    nodes: Vec<Node>,
    stack: Vec<NodeId>,
    /// In-scope declarations (prefix, uri, depth that declared them).
    scope: Vec<(String, String, usize)>,
    root: Option<NodeId>,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':') || b >= 0x80
}

impl<'a> Parser<'a> {
    fn starts(&self, pat: &str) -> bool {
        self.s[self.i..].starts_with(pat.as_bytes())
    }

    fn find(&self, pat: &str) -> Option<usize> {
        let pat = pat.as_bytes();
        self.s[self.i..]
            .windows(pat.len())
            .position(|w| w == pat)
            .map(|p| self.i + p)
    }

    fn skip_space(&mut self) {
        while self.i < self.s.len() && is_space(self.s[self.i]) {
            self.i += 1;
        }
    }

    fn push(&mut self, kind: NodeKind) -> NodeId {
        let parent = self.stack.last().copied();
        let id = self.nodes.len();
        self.nodes.push(Node { parent, kind });
        if let Some(p) = parent
            && let Some(Node {
                kind: NodeKind::Element(e),
                ..
            }) = self.nodes.get_mut(p)
        {
            e.children.push(id);
        }
        id
    }

    fn run(&mut self) -> Result<(), XmlError> {
        while self.i < self.s.len() {
            if self.s[self.i] == b'<' {
                if self.starts("<!--") {
                    self.comment()?;
                } else if self.starts("<![CDATA[") {
                    self.cdata()?;
                } else if self.starts("<!") {
                    return err("XML declarations (<!...>) are not allowed");
                } else if self.starts("<?") {
                    self.pi()?;
                } else if self.starts("</") {
                    self.end_tag()?;
                } else {
                    self.start_tag()?;
                }
            } else {
                self.text()?;
            }
        }
        if !self.stack.is_empty() {
            return err("XML document ends inside an element");
        }
        Ok(())
    }

    fn comment(&mut self) -> Result<(), XmlError> {
        self.i += 4;
        let end = self
            .find("-->")
            .ok_or(XmlError("unterminated comment".into()))?;
        let text = self.src[self.i..end].to_string();
        if text.contains("--") {
            return err("'--' is not allowed inside a comment");
        }
        self.i = end + 3;
        if !self.stack.is_empty() {
            self.push(NodeKind::Comment(text));
        }
        Ok(())
    }

    fn cdata(&mut self) -> Result<(), XmlError> {
        if self.stack.is_empty() {
            return err("CDATA outside the root element");
        }
        self.i += 9;
        let end = self
            .find("]]>")
            .ok_or(XmlError("unterminated CDATA".into()))?;
        let text = self.src[self.i..end].to_string();
        self.i = end + 3;
        self.add_text(text);
        Ok(())
    }

    fn add_text(&mut self, text: String) {
        // Merge with a preceding text node so CDATA splits read as one text.
        if let Some(p) = self.stack.last().copied()
            && let Some(NodeKind::Element(e)) = self.nodes.get(p).map(|n| &n.kind)
            && let Some(last) = e.children.last().copied()
            && let Some(Node {
                kind: NodeKind::Text(t),
                ..
            }) = self.nodes.get_mut(last)
        {
            t.push_str(&text);
            return;
        }
        self.push(NodeKind::Text(text));
    }

    fn pi(&mut self) -> Result<(), XmlError> {
        let at_start = self.i == 0;
        self.i += 2;
        let end = self
            .find("?>")
            .ok_or(XmlError("unterminated processing instruction".into()))?;
        let body = &self.src[self.i..end];
        self.i = end + 2;
        let (target, data) = match body.find(|c: char| c.is_ascii_whitespace()) {
            Some(p) => (&body[..p], body[p..].trim_start()),
            None => (body, ""),
        };
        if target.is_empty() {
            return err("processing instruction without a target");
        }
        if target.eq_ignore_ascii_case("xml") {
            // The XML declaration; only allowed first, and never rendered.
            if !at_start {
                return err("misplaced XML declaration");
            }
            return Ok(());
        }
        if !self.stack.is_empty() {
            self.push(NodeKind::Pi {
                target: target.to_string(),
                data: data.to_string(),
            });
        }
        Ok(())
    }

    fn text(&mut self) -> Result<(), XmlError> {
        let start = self.i;
        while self.i < self.s.len() && self.s[self.i] != b'<' {
            self.i += 1;
        }
        let raw = &self.src[start..self.i];
        if self.stack.is_empty() {
            if raw.bytes().all(is_space) {
                return Ok(());
            }
            return err("text outside the root element");
        }
        let text = decode_entities(raw)?;
        self.add_text(text);
        Ok(())
    }

    fn name(&mut self) -> Result<&'a str, XmlError> {
        let start = self.i;
        while self.i < self.s.len() && is_name_byte(self.s[self.i]) {
            self.i += 1;
        }
        if start == self.i {
            return err("malformed XML name");
        }
        Ok(&self.src[start..self.i])
    }

    fn start_tag(&mut self) -> Result<(), XmlError> {
        if self.stack.is_empty() && self.root.is_some() {
            return err("more than one root element");
        }
        if self.stack.len() >= MAX_DEPTH {
            return err("XML nesting is too deep");
        }
        self.i += 1;
        let qname = self.name()?;
        let mut raw_attrs: Vec<(&str, String)> = Vec::new();
        let self_closing;
        loop {
            let before = self.i;
            self.skip_space();
            match self.s.get(self.i) {
                Some(b'>') => {
                    self.i += 1;
                    self_closing = false;
                    break;
                }
                Some(b'/') if self.s.get(self.i + 1) == Some(&b'>') => {
                    self.i += 2;
                    self_closing = true;
                    break;
                }
                Some(_) if before == self.i => return err("malformed start tag"),
                Some(_) => {}
                None => return err("unterminated start tag"),
            }
            let name = self.name()?;
            self.skip_space();
            if self.s.get(self.i) != Some(&b'=') {
                return err("attribute without a value");
            }
            self.i += 1;
            self.skip_space();
            let quote = match self.s.get(self.i) {
                Some(q @ (b'"' | b'\'')) => *q,
                _ => return err("attribute value must be quoted"),
            };
            self.i += 1;
            let start = self.i;
            while self.i < self.s.len() && self.s[self.i] != quote {
                if self.s[self.i] == b'<' {
                    return err("'<' in an attribute value");
                }
                self.i += 1;
            }
            if self.i >= self.s.len() {
                return err("unterminated attribute value");
            }
            // Attribute-value normalisation: literal whitespace becomes a space.
            let raw = self.src[start..self.i].replace(['\t', '\n'], " ");
            self.i += 1;
            raw_attrs.push((name, decode_entities(&raw)?));
            if raw_attrs.len() > MAX_ATTRS {
                return err("too many attributes");
            }
        }
        let depth = self.stack.len();
        let mut ns_decls = Vec::new();
        let mut plain = Vec::new();
        for (name, value) in raw_attrs {
            if name == "xmlns" {
                ns_decls.push((String::new(), value));
            } else if let Some(p) = name.strip_prefix("xmlns:") {
                if value.is_empty() {
                    return err("a namespace prefix cannot be undeclared");
                }
                ns_decls.push((p.to_string(), value));
            } else {
                plain.push((name, value));
            }
        }
        for (p, uri) in &ns_decls {
            self.scope.push((p.clone(), uri.clone(), depth));
        }
        if self.scope.len() > MAX_NS_IN_SCOPE {
            return err("too many namespace declarations");
        }
        let (prefix, local) = split_qname(qname)?;
        let ns = match self.resolve(prefix) {
            Some(ns) => ns,
            None if prefix.is_empty() => String::new(),
            None => return err(format!("namespace prefix '{prefix}' is not declared")),
        };
        let mut attrs: Vec<Attr> = Vec::with_capacity(plain.len());
        for (name, value) in plain {
            let (ap, al) = split_qname(name)?;
            let ans = if ap.is_empty() {
                String::new()
            } else {
                match self.resolve(ap) {
                    Some(ns) => ns,
                    None => return err(format!("namespace prefix '{ap}' is not declared")),
                }
            };
            if attrs.iter().any(|a| a.ns == ans && a.local == al) {
                return err(format!("duplicate attribute '{name}'"));
            }
            attrs.push(Attr {
                prefix: ap.to_string(),
                local: al.to_string(),
                ns: ans,
                value,
            });
        }
        let id = self.push(NodeKind::Element(Element {
            prefix: prefix.to_string(),
            local: local.to_string(),
            ns,
            attrs,
            ns_decls,
            children: Vec::new(),
            start_tag_end: self.i,
            end: self.i,
        }));
        if self.stack.is_empty() {
            self.root = Some(id);
        }
        if self_closing {
            self.scope.retain(|(_, _, d)| *d < depth);
        } else {
            self.stack.push(id);
        }
        Ok(())
    }

    fn resolve(&self, prefix: &str) -> Option<String> {
        if prefix == "xml" {
            return Some(XML_NS.to_string());
        }
        self.scope
            .iter()
            .rev()
            .find(|(p, _, _)| p == prefix)
            .map(|(_, uri, _)| uri.clone())
            .filter(|uri| !(prefix.is_empty() && uri.is_empty()))
    }

    fn end_tag(&mut self) -> Result<(), XmlError> {
        self.i += 2;
        let name = self.name()?;
        self.skip_space();
        if self.s.get(self.i) != Some(&b'>') {
            return err("malformed end tag");
        }
        self.i += 1;
        let open = self
            .stack
            .pop()
            .ok_or(XmlError("unexpected end tag".into()))?;
        let end = self.i;
        if let Some(Node {
            kind: NodeKind::Element(e),
            ..
        }) = self.nodes.get_mut(open)
        {
            let expected_len = e.prefix.len() + e.local.len() + usize::from(!e.prefix.is_empty());
            let matches = name.len() == expected_len
                && if e.prefix.is_empty() {
                    name == e.local
                } else {
                    name.strip_prefix(e.prefix.as_str())
                        .and_then(|r| r.strip_prefix(':'))
                        == Some(e.local.as_str())
                };
            if !matches {
                return err("end tag does not match its start tag");
            }
            e.end = end;
        }
        let depth = self.stack.len();
        self.scope.retain(|(_, _, d)| *d < depth);
        Ok(())
    }
}

fn split_qname(name: &str) -> Result<(&str, &str), XmlError> {
    match name.split_once(':') {
        None => Ok(("", name)),
        Some((p, l)) if !p.is_empty() && !l.is_empty() && !l.contains(':') => Ok((p, l)),
        _ => err(format!("malformed qualified name '{name}'")),
    }
}

fn decode_entities(raw: &str) -> Result<String, XmlError> {
    if !raw.contains('&') {
        return Ok(raw.to_string());
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p + 1..];
        let end = rest
            .find(';')
            .filter(|e| *e <= 10)
            .ok_or(XmlError("malformed entity reference".into()))?;
        let name = &rest[..end];
        rest = &rest[end + 1..];
        let c = match name {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(h) = name.strip_prefix("#x") {
                    u32::from_str_radix(h, 16).ok()
                } else if let Some(d) = name.strip_prefix('#') {
                    d.parse::<u32>().ok()
                } else {
                    return err(format!("entity reference '&{name};' is not allowed"));
                };
                match code.and_then(char::from_u32) {
                    Some(c) if c != '\0' => c,
                    _ => return err("invalid character reference"),
                }
            }
        };
        out.push(c);
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_namespaces_attributes_and_text() {
        let d = Document::parse(
            "<?xml version=\"1.0\"?>\n<a:r xmlns:a=\"urn:a\" x=\"1 &amp; 2\"><b xmlns=\"urn:b\">t&lt;<!--c-->u<![CDATA[<v>]]></b></a:r>",
        )
        .unwrap();
        let r = d.root;
        assert!(d.is(r, "urn:a", "r"));
        assert_eq!(d.attr(r, "x"), Some("1 & 2"));
        let b = d.first_child(r, "urn:b", "b").unwrap();
        assert_eq!(d.text(b), "t<u<v>");
    }

    #[test]
    fn refuses_doctype_entities_and_undeclared_prefixes() {
        let xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
        assert!(Document::parse(xxe).unwrap_err().0.contains("DOCTYPE"));
        assert!(
            Document::parse("<r>&x;</r>")
                .unwrap_err()
                .0
                .contains("not allowed")
        );
        assert!(Document::parse("<p:r/>").is_err());
        assert!(Document::parse("<r><a></b></r>").is_err());
        assert!(Document::parse("<r/><r/>").is_err());
        assert!(Document::parse("<r a=\"1\" a=\"2\"/>").is_err());
    }

    #[test]
    fn deep_nesting_is_refused_quickly() {
        let input = format!("{}{}", "<a>".repeat(50_000), "</a>".repeat(50_000));
        assert!(input.len() >= 100_000);
        let t = std::time::Instant::now();
        assert_eq!(
            Document::parse(&input).unwrap_err().0,
            "XML nesting is too deep"
        );
        assert!(t.elapsed().as_millis() < 500);
        // Wide rather than deep: parsed, in linear time.
        let wide = format!("<r>{}</r>", "<a x=\"1\"/>".repeat(12_000));
        let t = std::time::Instant::now();
        let d = Document::parse(&wide).unwrap();
        assert_eq!(d.child_elements(d.root).count(), 12_000);
        assert!(t.elapsed().as_millis() < 500);
    }
}
