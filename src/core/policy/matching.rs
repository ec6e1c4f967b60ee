//! Wildcard matching for actions, resources and `*Like` conditions, compiled
//! once at parse time so a decision does not allocate.

/// One element of a general wildcard pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    Lit(char),
    /// `*`: any run of characters, including none.
    Star,
    /// `?`: exactly one character.
    One,
}

/// A compiled `*`/`?` pattern. The common shapes get their own variants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Glob {
    Any,
    Exact(String),
    Prefix(String),
    General(Vec<Tok>),
}

impl Glob {
    /// Compile a pattern where `*` and `?` are wildcards. `fold` lower-cases it
    /// (for case-insensitive matching against `matches(.., true)`).
    pub fn new(pattern: &str, fold: bool) -> Glob {
        let toks: Vec<Tok> = pattern
            .chars()
            .map(|c| match c {
                '*' => Tok::Star,
                '?' => Tok::One,
                c if fold => Tok::Lit(c.to_ascii_lowercase()),
                c => Tok::Lit(c),
            })
            .collect();
        Glob::from_toks(toks)
    }

    pub fn from_toks(toks: Vec<Tok>) -> Glob {
        let lit = |t: &[Tok]| -> Option<String> {
            t.iter()
                .map(|t| match t {
                    Tok::Lit(c) => Some(*c),
                    _ => None,
                })
                .collect()
        };
        match toks.as_slice() {
            [Tok::Star] => Glob::Any,
            t => {
                if let Some(s) = lit(t) {
                    Glob::Exact(s)
                } else if let Some((Tok::Star, head)) = t.split_last()
                    && let Some(s) = lit(head)
                {
                    Glob::Prefix(s)
                } else {
                    Glob::General(toks)
                }
            }
        }
    }

    /// `fold`: compare ASCII letters case-insensitively (the pattern must have
    /// been compiled with `fold`).
    pub fn matches(&self, text: &str, fold: bool) -> bool {
        match self {
            Glob::Any => true,
            Glob::Exact(s) if fold => s.eq_ignore_ascii_case(text),
            Glob::Exact(s) => s == text,
            Glob::Prefix(p) => {
                text.len() >= p.len()
                    && text.is_char_boundary(p.len())
                    && if fold {
                        text.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
                    } else {
                        text.as_bytes()[..p.len()] == *p.as_bytes()
                    }
            }
            Glob::General(toks) => general_match(toks, text, fold),
        }
    }
}

fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|s| s.chars().next())
}

/// Classic linear-backtracking wildcard match (only the last `*` is retried).
fn general_match(pat: &[Tok], text: &str, fold: bool) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while let Some(c) = char_at(text, t) {
        match pat.get(p) {
            Some(Tok::Star) => {
                star = Some((p, t));
                p += 1;
                continue;
            }
            Some(Tok::One) => {
                p += 1;
                t += c.len_utf8();
                continue;
            }
            Some(Tok::Lit(l)) if *l == c || (fold && *l == c.to_ascii_lowercase()) => {
                p += 1;
                t += c.len_utf8();
                continue;
            }
            _ => {}
        }
        let Some((sp, st)) = star else { return false };
        let Some(sc) = char_at(text, st) else {
            return false;
        };
        let next = st + sc.len_utf8();
        star = Some((sp, next));
        p = sp + 1;
        t = next;
    }
    pat[p..].iter().all(|t| *t == Tok::Star)
}

/// Split an ARN into its six colon-separated parts; the last keeps any further colons.
pub(crate) fn split_arn(arn: &str) -> Option<[&str; 6]> {
    let mut it = arn.splitn(6, ':');
    let parts = [
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
    ];
    Some(parts)
}

/// A compiled ARN pattern: each of the six segments matched on its own
/// (ArnLike semantics), so a `*` never spans a colon before the resource part.
#[derive(Debug, Clone)]
pub(crate) enum ArnPattern {
    /// `*` alone.
    Any,
    Segments(Box<[Glob; 6]>),
}

impl ArnPattern {
    pub fn from_segments(segs: [Glob; 6]) -> ArnPattern {
        ArnPattern::Segments(Box::new(segs))
    }

    pub fn compile(pattern: &str) -> Option<ArnPattern> {
        if pattern == "*" {
            return Some(ArnPattern::Any);
        }
        let s = split_arn(pattern)?;
        Some(ArnPattern::from_segments(
            s.map(|seg| Glob::new(seg, false)),
        ))
    }

    pub fn matches(&self, arn: Option<&[&str; 6]>) -> bool {
        match self {
            ArnPattern::Any => true,
            ArnPattern::Segments(segs) => match arn {
                Some(parts) => segs
                    .iter()
                    .zip(parts.iter())
                    .all(|(g, p)| g.matches(p, false)),
                None => false,
            },
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn glob_table() {
        // (pattern, text, case-insensitive, expected)
        let rows: &[(&str, &str, bool, bool)] = &[
            ("*", "", false, true),
            ("*", "anything", false, true),
            ("abc", "abc", false, true),
            ("abc", "ABC", false, false),
            ("abc", "ABC", true, true),
            ("ab*", "abcdef", false, true),
            ("ab*", "a", false, false),
            ("ab*", "AB", true, true),
            ("*ef", "abcdef", false, true),
            ("*ef", "abcdeF", false, false),
            ("a?c", "abc", false, true),
            ("a?c", "ac", false, false),
            ("a?c", "a\u{e9}c", false, true),
            ("a*b*c", "axxbyyc", false, true),
            ("a*b*c", "axxbyy", false, false),
            ("*a*a*a", "aaaa", false, true),
            ("*AccessKey*", "CreateAccessKeys", false, true),
            ("iam:*accesskey*", "IAM:ListAccessKeys", true, true),
            ("iam:*accesskey*", "IAM:ListUsers", true, false),
            ("?", "", false, false),
            ("**", "x", false, true),
            ("", "", false, true),
            ("", "a", false, false),
        ];
        for (pat, text, fold, want) in rows {
            let g = Glob::new(pat, *fold);
            assert_eq!(g.matches(text, *fold), *want, "{pat} vs {text} fold={fold}");
        }
    }

    #[test]
    fn arn_pattern_table() {
        let rows: &[(&str, &str, bool)] = &[
            ("*", "not-an-arn", true),
            (
                "arn:aws:iam::123456789012:user/*",
                "arn:aws:iam::123456789012:user/a/b",
                true,
            ),
            (
                "arn:aws:iam::*:user/bob",
                "arn:aws:iam::123456789012:user/bob",
                true,
            ),
            (
                "arn:aws:iam::*:user/bob",
                "arn:aws:iam::123456789012:user/Bob",
                false,
            ),
            (
                "arn:aws:iam::123456789012:*",
                "arn:aws:iam::123456789012:role/x",
                true,
            ),
            // `*` in the region segment cannot swallow the account.
            (
                "arn:aws:iam:*::user/bob",
                "arn:aws:iam::123456789012:user/bob",
                false,
            ),
            ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b/c", true),
            ("arn:aws:s3:::bucket/?", "arn:aws:s3:::bucket/ab", false),
            ("arn:aws:iam::123456789012:user/bob", "bob", false),
        ];
        for (pat, arn, want) in rows {
            let p = ArnPattern::compile(pat).expect("valid pattern");
            assert_eq!(p.matches(split_arn(arn).as_ref()), *want, "{pat} vs {arn}");
        }
        assert!(ArnPattern::compile("arn:aws:iam").is_none());
    }
}
