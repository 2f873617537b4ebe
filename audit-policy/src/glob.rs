//! Wildcard patterns for event and host names: `*` matches any run of
//! characters (dots included), `?` exactly one, everything else itself.
//!
//! Names are short and patterns few, so a backtracking matcher over bytes
//! is all this needs; `[`, `]`, `{` and `}` are refused rather than read as
//! literals, so a pattern written for a richer glob syntax cannot silently
//! match nothing.

/// A parsed wildcard pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Glob {
    pattern: Box<[u8]>,
    /// Matches case-insensitively (ASCII), for host names.
    fold_case: bool,
}

impl Glob {
    /// Parses `pattern`; `what` names it in the error (`event pattern`).
    pub(crate) fn new(pattern: &str, what: &str, fold_case: bool) -> Result<Glob, String> {
        if pattern.is_empty() {
            return Err(format!("empty {what}"));
        }
        if let Some(c) = pattern.chars().find(|c| matches!(c, '[' | ']' | '{' | '}')) {
            return Err(format!(
                "invalid {what} `{pattern}`: `{c}` is not supported (only `*` and `?` are wildcards)"
            ));
        }
        let pattern = if fold_case {
            pattern.to_ascii_lowercase()
        } else {
            pattern.to_owned()
        };
        Ok(Glob {
            pattern: pattern.into_bytes().into_boxed_slice(),
            fold_case,
        })
    }

    /// Whether `text` matches the whole pattern.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        let text = text.as_bytes();
        let (mut p, mut t) = (0, 0);
        // Where to resume after the last `*`: the pattern just past it, and
        // the text position it has swallowed up to.
        let mut resume: Option<(usize, usize)> = None;
        while t < text.len() {
            let here = if self.fold_case {
                text[t].to_ascii_lowercase()
            } else {
                text[t]
            };
            match self.pattern.get(p) {
                Some(b'*') => {
                    resume = Some((p + 1, t));
                    p += 1;
                }
                Some(&c) if c == b'?' || c == here => {
                    p += 1;
                    t += 1;
                }
                _ => match resume {
                    // Let the last `*` swallow one more byte.
                    Some((after_star, swallowed)) => {
                        p = after_star;
                        t = swallowed + 1;
                        resume = Some((after_star, swallowed + 1));
                    }
                    None => return false,
                },
            }
        }
        self.pattern[p..].iter().all(|&c| c == b'*')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glob(p: &str) -> Glob {
        Glob::new(p, "pattern", false).unwrap()
    }

    #[test]
    fn stars_and_questions() {
        assert!(glob("*").is_match("fs.open"));
        assert!(glob("*").is_match(""));
        assert!(glob("fs.*").is_match("fs.open"));
        assert!(glob("fs.*").is_match("fs."));
        assert!(!glob("fs.*").is_match("fsx.open"));
        assert!(glob("*.open").is_match("fs.open"));
        assert!(glob("*open*").is_match("fs.open_at"));
        assert!(glob("net.unix_*").is_match("net.unix_connect"));
        assert!(!glob("net.unix_*").is_match("net.connect"));
        assert!(glob("fs.?pen").is_match("fs.open"));
        assert!(!glob("fs.?pen").is_match("fs.pen"));
        assert!(glob("a*b*c").is_match("a.b.b.c"));
        assert!(!glob("a*b*c").is_match("a.b.b.cd"));
        assert!(glob("**x").is_match("yyx"));
        assert!(glob("fs.open").is_match("fs.open"));
        assert!(!glob("fs.open").is_match("fs.opens"));
        // `*` crosses dots.
        assert!(glob("*").is_match("a.b.c"));
    }

    #[test]
    fn case_folding_and_errors() {
        let host = Glob::new("*.Example.com", "host pattern", true).unwrap();
        assert!(host.is_match("API.example.COM"));
        assert!(!host.is_match("example.com"));
        assert!(Glob::new("", "event pattern", false)
            .unwrap_err()
            .contains("empty event pattern"));
        let err = Glob::new("fs.{open,copy}", "event pattern", false).unwrap_err();
        assert!(err.contains("`{` is not supported"), "{err}");
        assert!(Glob::new("fs.[ab]", "event pattern", false).is_err());
    }
}
