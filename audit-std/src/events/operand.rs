//! The files an event names, in the two forms a rule must judge: the path
//! as written and the file the kernel will reach.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use audit_core::path::{absolute, lexical, resolve};
use audit_core::{Event, Value};

use super::table::{Access, EventInfo, Follow, PathArg};
use super::Classes;

/// A file named by an event, borrowed from it; each form is computed only
/// when asked for (the second one touches the filesystem).
///
/// A rule about where files may be (or not be) should hold for *both*
/// forms: a deny rule applies when either matches, an allow rule only when
/// both do. A form is `None` when it cannot be known (a relative path while
/// the current directory is unknown, an open file whose path the platform
/// does not tell, links that loop): treat it as matching a deny rule and
/// failing an allow rule.
#[derive(Clone, Copy, Debug)]
pub struct FileRef<'e> {
    arg: &'static str,
    access: Access,
    follow: bool,
    source: Source<'e>,
}

#[derive(Clone, Copy, Debug)]
enum Source<'e> {
    /// A path argument, and whether it is already absolute and normal.
    Path(&'e Path, bool),
    /// A symbolic link's target, relative to the link's directory.
    LinkTarget {
        target: &'e Path,
        link: Option<&'e Path>,
    },
    /// A value that is not a path.
    Unknown,
}

impl<'e> FileRef<'e> {
    /// The argument that names the file (`path`, `to`, `link`, ...).
    pub fn arg(&self) -> &'static str {
        self.arg
    }

    /// What the event does with it; [`Access::ByFlags`] is already resolved
    /// to [`Access::Read`] or [`Access::Write`].
    pub fn access(&self) -> Access {
        self.access
    }

    /// The path as written: absolute, `.` and `..` resolved as text.
    /// Borrowed from the event when it is already in that form.
    pub fn written(&self) -> Option<Cow<'e, Path>> {
        match self.source {
            Source::Path(path, true) => Some(Cow::Borrowed(path)),
            Source::Path(path, false) => absolute(path).map(Cow::Owned),
            Source::LinkTarget { target, link } => {
                link_base(link).map(|base| Cow::Owned(lexical(&base.join(target))))
            }
            Source::Unknown => None,
        }
    }

    /// The file the kernel will reach: symbolic links in the existing part
    /// followed (the last component only if the operation follows it), as
    /// [`resolve`] does. Borrowed from the event when no link is in the way.
    pub fn reached(&self) -> Option<Cow<'e, Path>> {
        match self.source {
            Source::Path(path, normal) => reached(path, normal, self.follow),
            Source::LinkTarget { target, link } => {
                // The link's directory may itself be reached through links.
                let dir = resolve(&link_base(link)?, true)?;
                resolve(&dir.join(target), true).map(Cow::Owned)
            }
            Source::Unknown => None,
        }
    }

    /// Whether the kernel, walking the path as written, meets no symbolic
    /// link after `dir` (a directory the written form lies under), so that
    /// the file reached is the same entry of `dir` as the one written,
    /// wherever `dir` itself leads. Looks only at the components after
    /// `dir` (one `lstat` each, the last only if the operation follows it);
    /// `false` when it cannot tell cheaply.
    ///
    /// A rule that judges paths by directory prefixes uses this to avoid
    /// resolving the whole path when it lies under the prefix as written.
    pub fn no_link_below(&self, dir: &Path) -> bool {
        match self.source {
            #[cfg(unix)]
            Source::Path(path, true) => {
                let (path_bytes, dir) = (
                    path.as_os_str().as_encoded_bytes(),
                    dir.as_os_str().as_encoded_bytes(),
                );
                // Under `dir`, component-wise (both are normal).
                let below = path_bytes.starts_with(dir)
                    && (dir == b"/" || matches!(path_bytes.get(dir.len()), None | Some(b'/')));
                below && !has_link_after(path, dir.len(), self.follow)
            }
            _ => false,
        }
    }

    /// Whether `accept` holds for both forms, neither unknown: how an allow
    /// rule judges the file. The second form is computed only if the first
    /// passes.
    pub fn all_forms(&self, mut accept: impl FnMut(&Path) -> bool) -> bool {
        self.written().is_some_and(|p| accept(&p)) && self.reached().is_some_and(|p| accept(&p))
    }

    /// Whether `accept` holds for either form, or one is unknown: how a deny
    /// rule judges the file. The second form is computed only if the first
    /// does not decide.
    pub fn any_form(&self, mut accept: impl FnMut(&Path) -> bool) -> bool {
        self.written().is_none_or(|p| accept(&p)) || self.reached().is_none_or(|p| accept(&p))
    }

    /// Both forms, owned.
    pub fn to_operand(&self) -> Operand {
        Operand {
            arg: self.arg,
            access: self.access,
            written: self.written().map(Cow::into_owned),
            reached: self.reached().map(Cow::into_owned),
        }
    }
}

/// A file named by an event, with both forms computed: see [`FileRef`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operand {
    /// The argument that names the file.
    pub arg: &'static str,
    /// What the event does with it.
    pub access: Access,
    /// The path as written, absolute.
    pub written: Option<PathBuf>,
    /// The file the kernel will reach.
    pub reached: Option<PathBuf>,
}

impl EventInfo {
    /// The files `event` names. Arguments that are absent or `None` name
    /// nothing, except on events that act on an open file
    /// ([`EventInfo::fd`]): there `audit_std` gives the file's path when the
    /// platform tells it (Linux), and a `None` path means a file whose path
    /// is unknown, whose forms are then both `None`.
    ///
    /// Nothing is computed until a [`FileRef`]'s forms are asked for; the
    /// second form touches the filesystem (`lstat` along the path, with
    /// `std`'s own functions): ask from a hook, at the moment of the
    /// operation.
    ///
    /// ```
    /// use audit_core::{audit, testing, Event};
    /// use audit_std::events::{self, Access};
    /// use std::path::Path;
    ///
    /// let check = |event: &Event<'_>| {
    ///     let files: Vec<_> = events::info(event.name()).unwrap().files(event).collect();
    ///     assert_eq!(files[1].access(), Access::Write);
    ///     assert_eq!(files[1].written().as_deref(), Some(Path::new("/tmp/x")));
    ///     Ok(())
    /// };
    /// testing::capture_with(check, || audit!("fs.copy", from = "/etc/hostname", to = "/tmp/./x"))
    ///     .0
    ///     .unwrap();
    /// ```
    pub fn files<'e>(&self, event: &Event<'e>) -> impl Iterator<Item = FileRef<'e>> + 'e {
        self.files_as(event, self.classes_of(event))
    }

    /// [`files`](Self::files), for a caller that already has the event's
    /// [`classes_of`](Self::classes_of) (which decide whether an `fs.open`
    /// reads or writes its file).
    pub fn files_as<'e>(
        &self,
        event: &Event<'e>,
        classes: Classes,
    ) -> impl Iterator<Item = FileRef<'e>> + 'e {
        let event = *event;
        let fd_arg = self.fd;
        let writes = classes.contains(Classes::WRITE);
        self.paths
            .iter()
            .filter_map(move |spec| file_ref(spec, fd_arg, writes, &event))
    }

    /// [`files`](Self::files), each with both forms computed.
    pub fn operands(&self, event: &Event<'_>) -> Vec<Operand> {
        self.files(event).map(|f| f.to_operand()).collect()
    }
}

fn file_ref<'e>(
    spec: &PathArg,
    fd_arg: Option<&str>,
    writes: bool,
    event: &Event<'e>,
) -> Option<FileRef<'e>> {
    let access = match spec.access {
        Access::ByFlags if writes => Access::Write,
        Access::ByFlags => Access::Read,
        other => other,
    };
    let follow = match spec.follow {
        Follow::Always => true,
        Follow::Never => false,
        Follow::ByArg(flag) => event.arg(flag).and_then(|v| v.as_bool()) != Some(false),
    };
    let source = match event.arg(spec.name).unwrap_or(Value::None) {
        // An open file whose path the event could not give: unknown, so
        // rules fail closed.
        Value::None => match fd_arg.and_then(|fd| event.arg(fd)) {
            Some(Value::None) | None => return None,
            Some(_) => Source::Unknown,
        },
        value => match (value.as_os_str(), access) {
            (Some(target), Access::LinkTarget) => Source::LinkTarget {
                target: Path::new(target),
                link: event.arg("link").and_then(|v| v.as_os_str()).map(Path::new),
            },
            (Some(path), _) => {
                let path = Path::new(path);
                Source::Path(path, is_normal_absolute(path))
            }
            (None, _) => Source::Unknown,
        },
    };
    Some(FileRef {
        arg: spec.name,
        access,
        follow,
        source,
    })
}

/// The directory a symbolic link's relative target is read from.
fn link_base(link: Option<&Path>) -> Option<PathBuf> {
    absolute(link?)?.parent().map(Path::to_path_buf)
}

/// Whether `path` is absolute with no `.` or `..` component and no doubled
/// separator: already what [`absolute`] would make of it.
fn is_normal_absolute(path: &Path) -> bool {
    let bytes = path.as_os_str().as_encoded_bytes();
    let mut parts = bytes.split(|&b| b == b'/');
    // Absolute: the text before the first separator is empty.
    if bytes.is_empty() || parts.next() != Some(b"") {
        return false;
    }
    // An empty part is a doubled separator, unless it is the last (`/a/`).
    let mut after_empty = false;
    for part in parts {
        if after_empty {
            return false;
        }
        match part {
            b"" => after_empty = true,
            b"." | b".." => return false,
            _ => {}
        }
    }
    true
}

/// Where the kernel reaches `path`: borrowed when no component that exists
/// is a symbolic link (the usual case: one `lstat` per component, no
/// allocation), otherwise [`resolve`]d.
fn reached(path: &Path, normal: bool, follow: bool) -> Option<Cow<'_, Path>> {
    #[cfg(unix)]
    if normal && !has_link(path, follow) {
        return Some(Cow::Borrowed(path));
    }
    resolve(path, follow).map(Cow::Owned)
}

/// Whether a component of `path` (absolute, normal) that exists is a
/// symbolic link; the last one only if `follow`. `true` when it cannot
/// tell (a path too long for the buffer, a NUL byte): the caller then
/// resolves the slow way.
#[cfg(unix)]
fn has_link(path: &Path, follow: bool) -> bool {
    has_link_after(path, 0, follow)
}

/// [`has_link`] for the components that end after byte `skip`.
#[cfg(unix)]
fn has_link_after(path: &Path, skip: usize, follow: bool) -> bool {
    use std::os::unix::ffi::OsStrExt;
    // Most paths are short; a longer one takes the allocating way.
    const MAX: usize = 256;
    let bytes = path.as_os_str().as_bytes();
    if bytes.len() >= MAX || bytes.contains(&0) {
        return true;
    }
    let mut buf = [0u8; MAX];
    buf[..bytes.len()].copy_from_slice(bytes);
    // `lstat` of the prefix ending at `end` (NUL-terminated in place):
    // `Some(is a link)`, or `None` when it does not exist (nor does the rest).
    let mut probe = |end: usize| -> Option<bool> {
        let saved = buf[end];
        buf[end] = 0;
        let mut stat = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: `buf` is NUL-terminated at `end`, and `stat` is a valid
        // place for `lstat` to write a `struct stat`.
        let found = unsafe { libc::lstat(buf.as_ptr().cast(), stat.as_mut_ptr()) } == 0;
        buf[end] = saved;
        // SAFETY: `lstat` succeeded, so it initialised `stat`.
        found.then(|| unsafe { stat.assume_init() }.st_mode & libc::S_IFMT == libc::S_IFLNK)
    };
    let separators = bytes.iter().enumerate().skip(skip + 1);
    for end in separators.filter_map(|(i, &b)| (b == b'/').then_some(i)) {
        match probe(end) {
            Some(true) => return true,
            Some(false) => {}
            None => return false,
        }
    }
    let trailing = bytes.len() > 1 && bytes.ends_with(b"/");
    follow && !trailing && probe(bytes.len()) == Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_absolute_paths() {
        for ok in ["/", "/a", "/a/b", "/a/b/", "/a/.hidden", "/a/..x", "/a/b.c"] {
            assert!(is_normal_absolute(Path::new(ok)), "{ok}");
        }
        for bad in [
            "a", "", "/a//b", "/./a", "/a/.", "/a/..", "/a/../b", "//a", "./a",
        ] {
            assert!(!is_normal_absolute(Path::new(bad)), "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn reached_borrows_without_links_and_resolves_with_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir(root.join("d")).unwrap();
        std::os::unix::fs::symlink(root.join("d"), root.join("l")).unwrap();
        let plain = root.join("d/missing/x");
        assert!(matches!(
            reached(&plain, true, true),
            Some(Cow::Borrowed(_))
        ));
        let through = root.join("l/x");
        assert_eq!(reached(&through, true, true).unwrap(), root.join("d/x"));
        // The last component, not followed: the link itself.
        let link = root.join("l");
        assert_eq!(reached(&link, true, false).unwrap(), link);
        assert_eq!(reached(&link, true, true).unwrap(), root.join("d"));
        // A path too long for the fast way gives the same answers.
        let long = root.join("d").join("x".repeat(200)).join("y".repeat(100));
        assert_eq!(reached(&long, true, true).unwrap(), long);
        let long_through = root.join("l").join("x".repeat(300));
        assert_eq!(
            reached(&long_through, true, true).unwrap(),
            root.join("d").join("x".repeat(300))
        );
    }
}
