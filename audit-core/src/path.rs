//! Reading path arguments as a hook should: absolute, with `.` and `..`
//! resolved, so that `/srv/app/../../etc/passwd` is judged as `/etc/passwd`.

use std::path::{Component, Path, PathBuf};

/// Resolves `.` and `..` without touching the filesystem: `/a/b/../c` is
/// `/a/c`, whatever `b` is. `..` at the root stays at the root, as the kernel
/// has it; at the start of a relative path it is kept.
///
/// Symbolic links are not followed: this judges the path as written. A hook
/// that must see through links has to ask the filesystem (and accept that
/// the answer can change before the operation runs).
///
/// ```
/// use audit_core::path::lexical;
/// use std::path::Path;
///
/// assert_eq!(lexical(Path::new("/srv/app/../../etc/./passwd")), Path::new("/etc/passwd"));
/// assert_eq!(lexical(Path::new("/../x")), Path::new("/x"));
/// assert_eq!(lexical(Path::new("a/../../b")), Path::new("../b"));
/// ```
pub fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if out.parent().is_some() {
                    out.pop();
                } else if !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Makes `path` absolute against the current directory, then resolves `.`
/// and `..` with [`lexical`]. `None` when the current directory is unknown
/// (deleted, unreadable).
///
/// Unlike [`std::path::absolute`], which keeps `..` on Unix, the result can
/// be compared with a directory prefix by [`Path::starts_with`].
///
/// ```
/// use audit_core::path::absolute;
/// use std::path::Path;
///
/// let here = std::env::current_dir()?;
/// assert_eq!(absolute(Path::new("logs/../data")), Some(here.join("data")));
/// assert_eq!(absolute(Path::new("/tmp/./x")), Some("/tmp/x".into()));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn absolute(path: &Path) -> Option<PathBuf> {
    if path.is_absolute() {
        Some(lexical(path))
    } else {
        Some(lexical(&std::env::current_dir().ok()?.join(path)))
    }
}
