//! `Stdio` from this crate's [`fs::File`](crate::fs::File).

use super::Stdio;

impl From<crate::fs::File> for Stdio {
    /// Converts an (already opened, hence already audited) file into a
    /// `Stdio`, so a child reads from or writes to it. Nothing is raised: the
    /// file was audited when it was opened.
    ///
    /// Mirror of `impl From<std::fs::File> for Stdio`.
    fn from(file: crate::fs::File) -> Stdio {
        Stdio::from(std::fs::File::from(file))
    }
}
