//! Exclusive XML Canonicalization 1.0 (with and without comments) of one
//! element subtree, optionally leaving out one descendant (the enveloped
//! Signature). <https://www.w3.org/TR/xml-exc-c14n/>

use super::xml::{Document, NodeId, NodeKind};

pub struct Options<'a> {
    pub with_comments: bool,
    /// InclusiveNamespaces PrefixList; "#default" names the default namespace.
    pub inclusive_prefixes: &'a [String],
    /// A node left out together with its subtree.
    pub exclude: Option<NodeId>,
}

/// Canonical bytes of the subtree rooted at `apex`.
pub fn canonicalize(doc: &Document, apex: NodeId, opts: &Options<'_>) -> Vec<u8> {
    let mut out = String::new();
    let mut rendered: Vec<(String, String)> = Vec::new();
    write_node(doc, apex, opts, &mut rendered, &mut out);
    out.into_bytes()
}

fn rendered_value<'a>(rendered: &'a [(String, String)], prefix: &str) -> Option<&'a str> {
    rendered
        .iter()
        .rev()
        .find(|(p, _)| p == prefix)
        .map(|(_, u)| u.as_str())
}

fn write_node(
    doc: &Document,
    id: NodeId,
    opts: &Options<'_>,
    rendered: &mut Vec<(String, String)>,
    out: &mut String,
) {
    if opts.exclude == Some(id) {
        return;
    }
    let Some(node) = doc.nodes.get(id) else {
        return;
    };
    match &node.kind {
        NodeKind::Text(t) => escape_text(t, out),
        NodeKind::Comment(c) => {
            if opts.with_comments {
                out.push_str("<!--");
                out.push_str(c);
                out.push_str("-->");
            }
        }
        NodeKind::Pi { target, data } => {
            out.push_str("<?");
            out.push_str(target);
            if !data.is_empty() {
                out.push(' ');
                out.push_str(data);
            }
            out.push_str("?>");
        }
        NodeKind::Element(e) => {
            // Namespaces visibly utilised by this element, plus the inclusive ones.
            let mut wanted: Vec<String> = vec![e.prefix.clone()];
            for a in &e.attrs {
                if !a.prefix.is_empty() && a.prefix != "xml" && !wanted.contains(&a.prefix) {
                    wanted.push(a.prefix.clone());
                }
            }
            for p in opts.inclusive_prefixes {
                let p = if p == "#default" { "" } else { p.as_str() };
                if !wanted.iter().any(|w| w == p) && doc.lookup_ns(id, p).is_some() {
                    wanted.push(p.to_string());
                }
            }
            let mut decls: Vec<(String, String)> = Vec::new();
            for p in wanted {
                let uri = doc.lookup_ns(id, &p).unwrap_or("").to_string();
                let already = rendered_value(rendered, &p).unwrap_or("");
                let never = rendered_value(rendered, &p).is_none();
                let needed = if p.is_empty() {
                    uri != already
                } else {
                    never || uri != already
                };
                if needed {
                    decls.push((p, uri));
                }
            }
            decls.sort();
            let mut attrs: Vec<_> = e.attrs.iter().collect();
            attrs.sort_by(|a, b| (&a.ns, &a.local).cmp(&(&b.ns, &b.local)));

            out.push('<');
            push_qname(&e.prefix, &e.local, out);
            for (p, uri) in &decls {
                if p.is_empty() {
                    out.push_str(" xmlns=\"");
                } else {
                    out.push_str(" xmlns:");
                    out.push_str(p);
                    out.push_str("=\"");
                }
                escape_attr(uri, out);
                out.push('"');
            }
            for a in attrs {
                out.push(' ');
                push_qname(&a.prefix, &a.local, out);
                out.push_str("=\"");
                escape_attr(&a.value, out);
                out.push('"');
            }
            out.push('>');
            let mark = rendered.len();
            rendered.extend(decls);
            for c in &e.children {
                write_node(doc, *c, opts, rendered, out);
            }
            rendered.truncate(mark);
            out.push_str("</");
            push_qname(&e.prefix, &e.local, out);
            out.push('>');
        }
    }
}

fn push_qname(prefix: &str, local: &str, out: &mut String) {
    if !prefix.is_empty() {
        out.push_str(prefix);
        out.push(':');
    }
    out.push_str(local);
}

fn escape_text(t: &str, out: &mut String) {
    for c in t.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

fn escape_attr(t: &str, out: &mut String) {
    for c in t.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c14n(xml: &str, with_comments: bool) -> String {
        let d = Document::parse(xml).unwrap();
        let opts = Options {
            with_comments,
            inclusive_prefixes: &[],
            exclude: None,
        };
        String::from_utf8(canonicalize(&d, d.root, &opts)).unwrap()
    }

    #[test]
    fn renders_only_utilised_namespaces_sorted() {
        let xml = "<a:r xmlns:b=\"urn:b\" xmlns:a=\"urn:a\" xmlns=\"urn:d\" z=\"1\" b:y=\"2\" a=\"x&quot;\"><c/><b:e xmlns:a=\"urn:a\"/></a:r>";
        assert_eq!(
            c14n(xml, false),
            "<a:r xmlns:a=\"urn:a\" xmlns:b=\"urn:b\" a=\"x&quot;\" z=\"1\" b:y=\"2\"><c xmlns=\"urn:d\"></c><b:e></b:e></a:r>"
        );
    }

    #[test]
    fn comments_follow_the_mode() {
        let xml = "<r>a<!--x-->b</r>";
        assert_eq!(c14n(xml, false), "<r>ab</r>");
        assert_eq!(c14n(xml, true), "<r>a<!--x-->b</r>");
    }

    #[test]
    fn default_namespace_is_undeclared_when_leaving_it() {
        let xml = "<r xmlns=\"urn:d\"><x xmlns=\"\"/></r>";
        assert_eq!(
            c14n(xml, false),
            "<r xmlns=\"urn:d\"><x xmlns=\"\"></x></r>"
        );
    }
}
