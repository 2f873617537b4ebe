//! Audited mirror of [`std::os::unix::fs`].
//!
//! Swap `use std::os::unix::fs::...;` for `use audit_std::os::unix::fs::...;`:
//! the extension traits are `std`'s own (re-exported), and `std` implements the
//! unsealed ones ([`OpenOptionsExt`], [`FileExt`], [`DirBuilderExt`],
//! [`DirEntryExt`]) for [`crate::fs`]'s types too, so either import works.
//! The free functions raise an event before the call (see the table in
//! [`crate::fs`]):
//!
//! | function | event |
//! |---|---|
//! | [`symlink`] | `fs.symlink` `(original, link)` |
//! | [`chown`], [`fchown`], [`lchown`] | `fs.chown` `(path, fd, uid, gid, follow_symlinks)` |
//! | [`chroot`] | `fs.chroot` `(path)` |
//!
//! [`FileExt::read_at`] and [`FileExt::write_at`] read and write an open file
//! and raise nothing.

use std::io;
use std::os::fd::AsFd;
use std::path::Path;

use audit_core::audit;

use crate::events;
use crate::fs::Target;

pub use std::os::unix::fs::{
    DirBuilderExt, DirEntryExt, FileExt, FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt,
};

/// Creates a new symbolic link `link` pointing at `original`.
///
/// Raises [`events::fs::SYMLINK`] with `(original, link)` before the call.
///
/// Wrapper for [`std::os::unix::fs::symlink`].
#[track_caller]
pub fn symlink<P: AsRef<Path>, Q: AsRef<Path>>(original: P, link: Q) -> io::Result<()> {
    let (original, link) = (original.as_ref(), link.as_ref());
    crate::fs::audit_symlink(original, link)?;
    std::os::unix::fs::symlink(original, link)
}

/// Raises `fs.chown`: shared by the three `chown` variants.
#[inline]
#[track_caller]
fn audit_chown(
    target: Target<'_>,
    uid: Option<u32>,
    gid: Option<u32>,
    follow_symlinks: bool,
) -> io::Result<()> {
    audit!(
        events::fs::CHOWN,
        path = target.path(),
        fd = target.fd(),
        uid,
        gid,
        follow_symlinks
    )?;
    Ok(())
}

/// Changes the owner and group of the specified path (`None` leaves one unchanged).
///
/// Raises [`events::fs::CHOWN`] with `(path, fd = None, uid, gid,
/// follow_symlinks = true)` before the call.
///
/// Wrapper for [`std::os::unix::fs::chown`].
#[track_caller]
pub fn chown<P: AsRef<Path>>(dir: P, uid: Option<u32>, gid: Option<u32>) -> io::Result<()> {
    let path = dir.as_ref();
    audit_chown(Target::Path(path), uid, gid, true)?;
    std::os::unix::fs::chown(path, uid, gid)
}

/// Changes the owner and group of the file referenced by the descriptor.
///
/// Raises [`events::fs::CHOWN`] with `(path, fd, uid, gid, follow_symlinks =
/// true)` before the call, `path` being the open file's path where it can be
/// known (see [`events::fs`](crate::events::fs#argument-conventions)).
///
/// Wrapper for [`std::os::unix::fs::fchown`].
#[track_caller]
pub fn fchown<F: AsFd>(fd: F, uid: Option<u32>, gid: Option<u32>) -> io::Result<()> {
    audit_chown(Target::Fd(fd.as_fd()), uid, gid, true)?;
    std::os::unix::fs::fchown(fd, uid, gid)
}

/// Changes the owner and group of the specified path, without following a
/// final symbolic link.
///
/// Raises [`events::fs::CHOWN`] with `(path, fd = None, uid, gid,
/// follow_symlinks = false)` before the call.
///
/// Wrapper for [`std::os::unix::fs::lchown`].
#[track_caller]
pub fn lchown<P: AsRef<Path>>(dir: P, uid: Option<u32>, gid: Option<u32>) -> io::Result<()> {
    let path = dir.as_ref();
    audit_chown(Target::Path(path), uid, gid, false)?;
    std::os::unix::fs::lchown(path, uid, gid)
}

/// Changes the root directory of the current process to the specified path.
///
/// Raises [`events::fs::CHROOT`] with `(path)` before the call.
///
/// Wrapper for [`std::os::unix::fs::chroot`].
#[track_caller]
pub fn chroot<P: AsRef<Path>>(dir: P) -> io::Result<()> {
    let path = dir.as_ref();
    audit!(events::fs::CHROOT, path)?;
    std::os::unix::fs::chroot(path)
}
