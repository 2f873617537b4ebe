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

/// How many symbolic links [`resolve`] follows before giving up, as the
/// kernel's `ELOOP` limit does (Linux allows 40).
const MAX_LINKS: usize = 40;

/// The path the kernel will reach for `path`: absolute, with every symbolic
/// link in the part that exists followed (a relative link target is read
/// against the link's own directory, as the kernel reads it, and `..` after
/// a link climbs from the link's target), and the part that does not exist
/// yet appended as written, `.` and `..` resolved lexically.
///
/// With `follow_last` false the last component is not followed: that is how
/// operations that act on a link itself reach it (removing, renaming,
/// creating, `lstat`). `None` when the current directory is unknown or the
/// links loop.
///
/// [`lexical`] and [`absolute`] judge the text; this judges the file. A
/// careful hook checks both, since either can be what a rule author meant.
/// The answer is only as good as the moment it was computed: a link swapped
/// in between this check and the operation is not seen (see the crate's
/// limitations).
///
/// ```
/// use audit_core::path::resolve;
///
/// let dir = std::env::temp_dir().join(format!("resolve-doc-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("a"))?;
/// # #[cfg(unix)] {
/// let link = dir.join("a/up");
/// # let _ = std::fs::remove_file(&link);
/// std::os::unix::fs::symlink("../..", &link)?; // relative to `a`, not to the current directory
/// let canonical_parent = std::fs::canonicalize(&dir)?.parent().unwrap().to_path_buf();
/// assert_eq!(resolve(&link.join("x"), true), Some(canonical_parent.join("x")));
/// // The link itself, not its target, for an operation that does not follow it.
/// assert_eq!(resolve(&link, false), Some(std::fs::canonicalize(dir.join("a"))?.join("up")));
/// # }
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn resolve(path: &Path, follow_last: bool) -> Option<PathBuf> {
    let mut out = if path.is_absolute() {
        PathBuf::from("/")
    } else {
        // The kernel's current directory has no links left in it.
        std::env::current_dir().ok()?
    };
    // Components still to walk, last first, so a link's target can be
    // pushed in front of what follows it.
    let mut pending: Vec<std::ffi::OsString> = Vec::new();
    push_components(&mut pending, path);
    let mut links = 0;
    // Once a component is missing, the rest is judged as written.
    let mut exists = true;
    while let Some(name) = pending.pop() {
        match name.to_str() {
            Some(".") => continue,
            Some("..") => {
                out.pop();
                continue;
            }
            Some("/") => {
                out = PathBuf::from("/");
                continue;
            }
            _ => {}
        }
        out.push(&name);
        let last = pending.is_empty();
        if !exists || (last && !follow_last) {
            continue;
        }
        // `std`, not an audited wrapper: this runs inside hooks and must not
        // raise events of its own.
        match std::fs::symlink_metadata(&out) {
            Ok(meta) if meta.file_type().is_symlink() => {
                links += 1;
                if links > MAX_LINKS {
                    return None;
                }
                let Ok(target) = std::fs::read_link(&out) else {
                    continue;
                };
                out.pop();
                push_components(&mut pending, &target);
            }
            Ok(_) => {}
            Err(_) => exists = false,
        }
    }
    Some(out)
}

/// Pushes the components of `path` onto `pending` so that they pop in
/// order; an absolute path starts with `/`, which resets the walk.
fn push_components(pending: &mut Vec<std::ffi::OsString>, path: &Path) {
    let start = pending.len();
    for component in path.components() {
        pending.push(match component {
            Component::RootDir | Component::Prefix(_) => "/".into(),
            Component::CurDir => ".".into(),
            Component::ParentDir => "..".into(),
            Component::Normal(name) => name.to_os_string(),
        });
    }
    pending[start..].reverse();
}
