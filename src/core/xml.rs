//! The XML response writer for Query-protocol answers and error envelopes.

use std::fmt::Write;

use crate::core::error::{ApiError, Fault};

/// Which API a request addresses; picks the namespace and version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Sts,
    Iam,
}

impl Service {
    pub fn namespace(self) -> &'static str {
        match self {
            Service::Sts => "https://sts.amazonaws.com/doc/2011-06-15/",
            Service::Iam => "https://iam.amazonaws.com/doc/2010-05-08/",
        }
    }

    pub fn version(self) -> &'static str {
        match self {
            Service::Sts => "2011-06-15",
            Service::Iam => "2010-05-08",
        }
    }

    pub fn from_version(version: &str) -> Option<Service> {
        match version {
            "2011-06-15" => Some(Service::Sts),
            "2010-05-08" => Some(Service::Iam),
            _ => None,
        }
    }

    /// The IAM action prefix (`sts`, `iam`).
    pub fn prefix(self) -> &'static str {
        match self {
            Service::Sts => "sts",
            Service::Iam => "iam",
        }
    }
}

/// Append `text` escaped for element content (`&`, `<`, `>`; quotes need no
/// escaping outside attributes, and AWS sends them literally).
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // Control characters other than TAB/LF/CR are not legal XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {
                let _ = write!(out, "&#x{:X};", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// A small streaming writer for the result body of one response.
#[derive(Debug, Default)]
pub struct XmlWriter {
    buf: String,
}

impl XmlWriter {
    pub fn new() -> Self {
        XmlWriter {
            buf: String::with_capacity(1024),
        }
    }

    pub fn open(&mut self, tag: &str) -> &mut Self {
        self.buf.push('<');
        self.buf.push_str(tag);
        self.buf.push('>');
        self
    }

    pub fn close(&mut self, tag: &str) -> &mut Self {
        self.buf.push_str("</");
        self.buf.push_str(tag);
        self.buf.push('>');
        self
    }

    /// `<tag>escaped text</tag>`
    pub fn leaf(&mut self, tag: &str, text: &str) -> &mut Self {
        self.open(tag);
        escape_into(&mut self.buf, text);
        self.close(tag)
    }

    /// A leaf only when the value is present (absent members are omitted).
    pub fn leaf_opt(&mut self, tag: &str, text: Option<&str>) -> &mut Self {
        if let Some(text) = text {
            self.leaf(tag, text);
        }
        self
    }

    pub fn leaf_display(&mut self, tag: &str, value: impl std::fmt::Display) -> &mut Self {
        self.open(tag);
        let _ = write!(self.buf, "{value}");
        self.close(tag)
    }

    pub fn leaf_bool(&mut self, tag: &str, value: bool) -> &mut Self {
        self.leaf(tag, if value { "true" } else { "false" })
    }

    /// `<tag><member>…</member>…</tag>`, or `<tag/>` when empty.
    pub fn list<T>(
        &mut self,
        tag: &str,
        items: &[T],
        mut each: impl FnMut(&mut XmlWriter, &T),
    ) -> &mut Self {
        if items.is_empty() {
            self.buf.push('<');
            self.buf.push_str(tag);
            self.buf.push_str("/>");
            return self;
        }
        self.open(tag);
        for item in items {
            self.open("member");
            each(self, item);
            self.close("member");
        }
        self.close(tag)
    }

    /// A list of plain strings as `<member>` leaves.
    pub fn string_list<S: AsRef<str>>(&mut self, tag: &str, items: &[S]) -> &mut Self {
        self.list(tag, items, |w, s| {
            escape_into(&mut w.buf, s.as_ref());
        })
    }

    pub fn into_string(self) -> String {
        self.buf
    }

    pub fn as_str(&self) -> &str {
        &self.buf
    }
}

/// Wrap a rendered result into `<{Action}Response>` with `ResponseMetadata`.
/// `result` is `None` for operations without an output shape.
pub fn success_document(
    service: Service,
    action: &str,
    result: Option<&str>,
    request_id: &str,
) -> String {
    let mut out = String::with_capacity(256 + result.map_or(0, str::len));
    let _ = write!(out, "<{action}Response xmlns=\"{}\">", service.namespace());
    if let Some(result) = result {
        let _ = write!(out, "<{action}Result>{result}</{action}Result>");
    }
    let _ = write!(
        out,
        "<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{action}Response>"
    );
    out
}

/// The AWS `ErrorResponse` envelope.
pub fn error_document(service: Service, error: &ApiError, request_id: &str) -> String {
    let mut out = String::with_capacity(256 + error.message.len());
    let fault = match error.code.fault() {
        Fault::Sender => "Sender",
        Fault::Receiver => "Receiver",
    };
    let _ = write!(
        out,
        "<ErrorResponse xmlns=\"{}\"><Error><Type>{fault}</Type><Code>{}</Code><Message>",
        service.namespace(),
        error.code.as_str()
    );
    escape_into(&mut out, &error.message);
    let _ = write!(
        out,
        "</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    #[test]
    fn escapes_markup_and_control_characters() {
        let mut s = String::new();
        escape_into(&mut s, "a<b>&\"c'\u{1}");
        assert_eq!(s, "a&lt;b&gt;&amp;\"c'&#x1;");
    }

    #[test]
    fn success_and_error_documents() {
        let mut w = XmlWriter::new();
        w.leaf("Arn", "arn:aws:iam::123456789012:user/a")
            .string_list("Ids", &["x"])
            .list::<u8>("Empty", &[], |_, _| {});
        let doc = success_document(Service::Sts, "GetCallerIdentity", Some(w.as_str()), "rid");
        assert_eq!(
            doc,
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/a</Arn><Ids><member>x</member></Ids><Empty/></GetCallerIdentityResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
        );
        let err = error_document(
            Service::Iam,
            &ApiError::new(ErrorCode::NoSuchEntity, "no <role>"),
            "r",
        );
        assert!(err.contains(
            "<Type>Sender</Type><Code>NoSuchEntity</Code><Message>no &lt;role&gt;</Message>"
        ));
        assert!(
            err.starts_with("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">")
        );
    }
}
