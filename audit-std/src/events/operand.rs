//! The files an event names, in the two forms a rule must judge: the path
//! as written and the file the kernel will reach.

use std::path::{Path, PathBuf};

use audit_core::path::{absolute, lexical, resolve};
use audit_core::{Event, Value};

use super::table::{Access, EventInfo, Follow};

/// A file named by an event.
///
/// A rule about where files may be (or not be) should hold for *both*
/// forms: a deny rule applies when either matches, an allow rule only when
/// both do. A form is `None` when it cannot be known (a relative path while
/// the current directory is unknown, an open file whose path the platform
/// does not tell, links that loop): treat it as matching a deny rule and
/// failing an allow rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operand {
    /// The argument that names the file (`path`, `to`, `link`, ...).
    pub arg: &'static str,
    /// What the event does with it; [`Access::ByFlags`] is already resolved
    /// to [`Access::Read`] or [`Access::Write`].
    pub access: Access,
    /// The path as written: absolute, `.` and `..` resolved as text.
    pub written: Option<PathBuf>,
    /// The file the kernel will reach: symbolic links in the existing part
    /// followed, as [`resolve`] does.
    pub reached: Option<PathBuf>,
}

impl Operand {
    /// Whether `accept` holds for every known form and no form is unknown:
    /// how an allow rule judges the file.
    pub fn all_forms(&self, mut accept: impl FnMut(&Path) -> bool) -> bool {
        [&self.written, &self.reached]
            .iter()
            .all(|form| form.as_deref().is_some_and(&mut accept))
    }

    /// Whether `accept` holds for some form or some form is unknown: how a
    /// deny rule judges the file.
    pub fn any_form(&self, mut accept: impl FnMut(&Path) -> bool) -> bool {
        [&self.written, &self.reached]
            .iter()
            .any(|form| form.as_deref().is_none_or(&mut accept))
    }
}

impl EventInfo {
    /// The files `event` names, each in both forms. Arguments that are
    /// absent or `None` name nothing, except on events that act on an open
    /// file ([`EventInfo::fd`]), where the file is the descriptor's: its
    /// path is read from the kernel where the platform tells it (Linux), and
    /// is unknown otherwise.
    ///
    /// This touches the filesystem (`lstat` and `readlink` along the path),
    /// with `std`'s own functions: call it from a hook, at the moment of the
    /// operation.
    ///
    /// ```
    /// use audit_core::{audit, testing, Event};
    /// use audit_std::events::{self, Access};
    /// use std::path::Path;
    ///
    /// let check = |event: &Event<'_>| {
    ///     let files = events::info(event.name()).unwrap().operands(event);
    ///     assert_eq!(files[1].access, Access::Write);
    ///     assert_eq!(files[1].written.as_deref(), Some(Path::new("/tmp/x")));
    ///     Ok(())
    /// };
    /// testing::capture_with(check, || audit!("fs.copy", from = "/etc/hostname", to = "/tmp/./x"))
    ///     .0
    ///     .unwrap();
    /// ```
    pub fn operands(&self, event: &Event<'_>) -> Vec<Operand> {
        let mut found = Vec::with_capacity(self.paths.len());
        for spec in self.paths {
            let access = match spec.access {
                Access::ByFlags if super::table::opens_for_writing(event) => Access::Write,
                Access::ByFlags => Access::Read,
                other => other,
            };
            let follow = match spec.follow {
                Follow::Always => true,
                Follow::Never => false,
                Follow::ByArg(flag) => event.arg(flag).and_then(|v| v.as_bool()) != Some(false),
            };
            let value = event.arg(spec.name).unwrap_or(Value::None);
            let (written, reached) = match (value, access) {
                (Value::None, _) => match self.fd.and_then(|fd| event.arg(fd)) {
                    Some(fd) if !matches!(fd, Value::None) => {
                        let path = fd.as_i64().and_then(fd_path);
                        (path.clone(), path)
                    }
                    _ => continue,
                },
                (value, Access::LinkTarget) => {
                    let Some(target) = value.as_os_str() else {
                        found.push(unknown(spec.name, access));
                        continue;
                    };
                    let link = event.arg("link").and_then(|v| v.as_os_str());
                    link_target(Path::new(target), link.map(Path::new))
                }
                (value, _) => match value.as_os_str() {
                    Some(path) => {
                        let path = Path::new(path);
                        (absolute(path), resolve(path, follow))
                    }
                    None => (None, None),
                },
            };
            found.push(Operand {
                arg: spec.name,
                access,
                written,
                reached,
            });
        }
        found
    }
}

fn unknown(arg: &'static str, access: Access) -> Operand {
    Operand {
        arg,
        access,
        written: None,
        reached: None,
    }
}

/// Both forms of a symbolic link's target, read against the link's own
/// directory as the kernel will read it.
fn link_target(target: &Path, link: Option<&Path>) -> (Option<PathBuf>, Option<PathBuf>) {
    let base = match link.and_then(absolute) {
        Some(link) => link.parent().map(Path::to_path_buf),
        None => return (None, None),
    };
    let Some(base) = base else {
        return (None, None);
    };
    let joined = base.join(target);
    // The link's directory itself may be reached through links.
    let reached = resolve(&base, true).and_then(|dir| resolve(&dir.join(target), true));
    (Some(lexical(&joined)), reached)
}

/// The path of the open file `fd`, read while it is still open.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn fd_path(fd: i64) -> Option<PathBuf> {
    let link = std::fs::read_link(format!("/proc/self/fd/{fd}")).ok()?;
    // Files have an absolute, canonical path; `pipe:[123]`, `anon_inode:..`
    // are not files, and a deleted file's path names something else now.
    let deleted = link.as_os_str().as_encoded_bytes().ends_with(b" (deleted)");
    (link.is_absolute() && !deleted).then_some(link)
}

/// The path of the open file `fd`: unknown on this platform.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn fd_path(_fd: i64) -> Option<PathBuf> {
    None
}
