//! Errors building or loading a policy.

use std::error::Error;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Why a policy could not be built or loaded.
///
/// For a TOML policy it names the line and column (1-based) of the offending
/// key or value, or of the list holding a bad entry (`[` of the array), or
/// of the `[[rule]]` header for a problem with a rule as a whole; and the
/// file when loaded with
/// [`Policy::from_file`](crate::Policy::from_file); for a policy built in
/// code it names the rule (numbered from 1).
///
#[cfg_attr(feature = "toml", doc = " ```")]
#[cfg_attr(not(feature = "toml"), doc = " ```ignore")]
/// let err = audit_policy::Policy::from_toml("default = \"allow\"\n[[rule]]\naction = \"block\"\nevents = [\"*\"]\n")
///     .unwrap_err();
/// assert_eq!(err.line(), Some(3));
/// assert!(err.to_string().starts_with("invalid policy at line 3, column 10: unknown variant `block`"), "{err}");
/// ```
///
/// `Debug` writes the same message as `Display`, so that a `main` returning
/// `Result<(), PolicyError>` (which prints the error with `{:?}`) shows
/// `Error: invalid policy at line 3, column 10: ...` rather than the fields;
/// `{:#?}` shows the fields.
pub struct PolicyError {
    message: String,
    line: Option<usize>,
    column: Option<usize>,
    file: Option<PathBuf>,
    rule: Option<usize>,
    io: Option<io::Error>,
}

impl PolicyError {
    pub(crate) fn in_rule(rule: usize, message: String) -> Self {
        PolicyError {
            rule: Some(rule),
            ..PolicyError::new(message)
        }
    }

    fn new(message: String) -> Self {
        PolicyError {
            message,
            line: None,
            column: None,
            file: None,
            rule: None,
            io: None,
        }
    }

    /// The problem, without its location.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The 1-based line of the problem in the TOML text, when known.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// The 1-based column (in characters) of the problem, when known.
    pub fn column(&self) -> Option<usize> {
        self.column
    }

    /// The policy file, when the policy was loaded from one.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The rule at fault (numbered from 1), for a policy built in code.
    pub fn rule(&self) -> Option<usize> {
        self.rule
    }
}

/// Errors of loading a policy from TOML text or a file.
#[cfg(feature = "toml")]
impl PolicyError {
    pub(crate) fn from_toml(err: toml::de::Error, text: &str) -> Self {
        let mut out = PolicyError::new(err.message().trim_end().to_owned());
        if let Some((line, column)) = err.span().and_then(|s| line_column(text, s.start)) {
            out.line = Some(line);
            out.column = Some(column);
        }
        out
    }

    /// A problem found after parsing, at byte `offset` of the TOML `text`.
    pub(crate) fn at(text: &str, offset: usize, message: String) -> Self {
        let mut out = PolicyError::new(message);
        if let Some((line, column)) = line_column(text, offset) {
            out.line = Some(line);
            out.column = Some(column);
        }
        out
    }

    pub(crate) fn unreadable(path: &Path, err: io::Error) -> Self {
        PolicyError {
            file: Some(path.to_owned()),
            ..PolicyError::new(format!("cannot read the policy file: {err}"))
        }
        .with_io(err)
    }

    fn with_io(mut self, err: io::Error) -> Self {
        self.io = Some(err);
        self
    }

    pub(crate) fn in_file(mut self, path: &Path) -> Self {
        self.file = Some(path.to_owned());
        self
    }
}

/// The 1-based line and column of byte offset `offset` in `text`.
#[cfg(feature = "toml")]
fn line_column(text: &str, offset: usize) -> Option<(usize, usize)> {
    let before = text.get(..offset)?;
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    Some((line, column))
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid policy")?;
        if let Some(file) = &self.file {
            write!(f, " `{}`", file.display())?;
        }
        match (self.line, self.column, self.rule) {
            (Some(line), Some(column), _) => write!(f, " at line {line}, column {column}")?,
            (Some(line), None, _) => write!(f, " at line {line}")?,
            (None, _, Some(rule)) => write!(f, " in rule #{rule}")?,
            _ => {}
        }
        write!(f, ": {}", self.message)
    }
}

/// The `Display` message; with `{:#?}`, every field.
impl fmt::Debug for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !f.alternate() {
            return fmt::Display::fmt(self, f);
        }
        f.debug_struct("PolicyError")
            .field("message", &self.message)
            .field("line", &self.line)
            .field("column", &self.column)
            .field("file", &self.file)
            .field("rule", &self.rule)
            .field("io", &self.io)
            .finish()
    }
}

impl Error for PolicyError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.io.as_ref().map(|e| e as &(dyn Error + 'static))
    }
}

#[cfg(all(test, feature = "toml"))]
mod tests {
    use super::*;

    /// What `fn main() -> Result<(), PolicyError>` prints after `Error: `.
    #[test]
    fn debug_is_the_readable_message_and_alternate_debug_the_fields() {
        let text = "default = \"allow\"\n[[rule]]\naction = \"block\"\nevents = [\"*\"]\n";
        let err = crate::Policy::from_toml(text).unwrap_err();
        let debug = format!("{err:?}");
        assert_eq!(debug, err.to_string());
        assert!(
            debug.starts_with("invalid policy at line 3, column 10: unknown variant `block`"),
            "{debug}"
        );
        assert!(!debug.contains("PolicyError"), "{debug}");

        let fields = format!("{err:#?}");
        assert!(fields.starts_with("PolicyError {"), "{fields}");
        assert!(
            fields.contains("line: Some(\n        3,\n    )"),
            "{fields}"
        );
    }

    #[test]
    fn debug_of_an_unreadable_file_names_the_file_and_the_cause() {
        let dir = std::env::temp_dir().join("audit-policy-error-debug-no-such-dir");
        let err = PolicyError::unreadable(
            &dir.join("policy.toml"),
            io::Error::from(io::ErrorKind::NotFound),
        );
        let debug = format!("{err:?}");
        assert!(debug.starts_with("invalid policy `"), "{debug}");
        assert!(debug.contains("policy.toml"), "{debug}");
        assert!(debug.contains("cannot read the policy file"), "{debug}");
        assert!(err.source().is_some());
    }
}
