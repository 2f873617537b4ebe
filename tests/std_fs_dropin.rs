//! Drop-in: one program written exactly as `std::fs` code is, compiled twice,
//! once with `use std::fs` and once with `use audit_std::fs`. Both builds run
//! in their own temporary directory and must produce the same trace of
//! observations; the audited build must raise the `fs.*` events.
//!
//! The program is a `macro_rules!` body so that its paths (`fs::read`,
//! `File::open`, ...) resolve in the module that expands it.

macro_rules! program {
    () => {
        #[allow(unused_imports)] // the audited File has an inherent `is_terminal`
        use std::io::IsTerminal;
        use std::io::{self, BufRead, BufReader, IoSlice, IoSliceMut, Read, Seek, SeekFrom, Write};
        use std::os::fd::{AsFd, AsRawFd, FromRawFd, IntoRawFd, OwnedFd};
        use std::path::Path;
        use std::time::{Duration, SystemTime};

        /// Exercises every function and method of `fs` in `root`; returns
        /// what it observed, with no machine-specific detail.
        pub fn run(root: &Path) -> io::Result<Vec<String>> {
            let mut trace = Vec::new();
            let mut note = |s: String| trace.push(s);

            // Free functions: whole-file helpers.
            fs::write(root.join("a.txt"), "alpha\nbeta\n")?;
            note(format!("read {:?}", fs::read(root.join("a.txt"))?));
            note(format!(
                "read_to_string {:?}",
                fs::read_to_string(root.join("a.txt"))?
            ));
            note(format!(
                "copy {}",
                fs::copy(root.join("a.txt"), root.join("b.txt"))?
            ));
            fs::rename(root.join("b.txt"), root.join("c.txt"))?;
            note(format!(
                "exists {} {}",
                fs::exists(root.join("b.txt"))?,
                fs::exists(root.join("c.txt"))?
            ));
            fs::remove_file(root.join("c.txt"))?;
            note(format!(
                "removed {:?}",
                fs::metadata(root.join("c.txt")).map_err(|e| e.kind())
            ));

            // Directories.
            fs::create_dir(root.join("d"))?;
            fs::create_dir_all(root.join("d/e/f"))?;
            DirBuilder::new().recursive(true).create(root.join("g/h"))?;
            let mut builder = DirBuilder::new();
            builder.mode(0o700);
            builder.create(root.join("private"))?;
            note(format!(
                "private mode {:o}",
                fs::metadata(root.join("private"))?.permissions().mode() & 0o777
            ));
            note(format!(
                "create_dir again {:?}",
                fs::create_dir(root.join("d")).map_err(|e| e.kind())
            ));
            fs::remove_dir(root.join("d/e/f"))?;
            fs::remove_dir_all(root.join("g"))?;
            let mut names = Vec::new();
            for entry in fs::read_dir(root)? {
                let entry = entry?;
                let md = entry.metadata()?;
                let ty = entry.file_type()?;
                assert_eq!(entry.path(), root.join(entry.file_name()));
                assert_eq!(entry.ino(), md.ino());
                names.push(format!(
                    "{:?} dir={} file={} len={}",
                    entry.file_name(),
                    ty.is_dir(),
                    ty.is_file(),
                    if ty.is_file() { md.len() } else { 0 }
                ));
                let _ = format!("{entry:?}");
            }
            names.sort();
            note(format!("listing {names:?}"));

            // Links and metadata.
            fs::hard_link(root.join("a.txt"), root.join("hard.txt"))?;
            note(format!(
                "nlink {}",
                fs::metadata(root.join("a.txt"))?.nlink()
            ));
            symlink("a.txt", root.join("sym"))?;
            #[allow(deprecated)]
            fs::soft_link("a.txt", root.join("soft"))?;
            note(format!(
                "read_link {:?} {:?}",
                fs::read_link(root.join("sym"))?,
                fs::read_link(root.join("soft"))?
            ));
            note(format!(
                "symlink_metadata {}",
                fs::symlink_metadata(root.join("sym"))?
                    .file_type()
                    .is_symlink()
            ));
            note(format!(
                "metadata follows {}",
                fs::metadata(root.join("sym"))?.is_file()
            ));
            note(format!(
                "canonical {}",
                fs::canonicalize(root.join("d/../sym"))? == fs::canonicalize(root)?.join("a.txt")
            ));
            let mut perms = fs::metadata(root.join("hard.txt"))?.permissions();
            perms.set_readonly(true);
            fs::set_permissions(root.join("hard.txt"), perms)?;
            note(format!(
                "readonly {}",
                fs::metadata(root.join("a.txt"))?.permissions().readonly()
            ));
            fs::set_permissions(root.join("a.txt"), fs::Permissions::from_mode(0o640))?;
            note(format!(
                "mode {:o}",
                fs::metadata(root.join("a.txt"))?.mode() & 0o777
            ));

            // File constructors and OpenOptions.
            let mut file = File::create(root.join("f.txt"))?;
            writeln!(file, "line {}", 1)?;
            file.write_all(b"line 2\n")?;
            note(format!(
                "write_vectored {}",
                file.write_vectored(&[IoSlice::new(b"li"), IoSlice::new(b"ne 3\n")])?
            ));
            file.flush()?;
            file.sync_all()?;
            file.sync_data()?;
            note(format!(
                "create_new exists {:?}",
                File::create_new(root.join("f.txt")).map_err(|e| e.kind())
            ));
            let fresh = File::create_new(root.join("new.txt"))?;
            note(format!("fresh len {}", fresh.metadata()?.len()));
            let mut opts = OpenOptions::new();
            opts.read(true)
                .write(true)
                .append(false)
                .truncate(false)
                .create(false)
                .create_new(false);
            let cloned_opts = opts.clone();
            let _ = format!("{opts:?}");
            let mut rw = cloned_opts.open(root.join("f.txt"))?;
            let mut s = String::new();
            rw.read_to_string(&mut s)?;
            note(format!("contents {s:?}"));
            note(format!("position {}", rw.stream_position()?));
            rw.rewind()?;
            let mut first = [0u8; 4];
            rw.read_exact(&mut first)?;
            note(format!("read_exact {:?}", first));
            rw.seek_relative(1)?;
            let (mut x, mut y) = ([0u8; 1], [0u8; 2]);
            note(format!(
                "read_vectored {}",
                rw.read_vectored(&mut [IoSliceMut::new(&mut x), IoSliceMut::new(&mut y)])?
            ));
            note(format!("seek {}", rw.seek(SeekFrom::End(-2))?));
            let mut rest = Vec::new();
            rw.read_to_end(&mut rest)?;
            note(format!("read_to_end {rest:?}"));
            let lines: Vec<String> = BufReader::new(File::open(root.join("f.txt"))?)
                .lines()
                .collect::<io::Result<_>>()?;
            note(format!("lines {lines:?}"));
            let mut appender = File::options().append(true).open(root.join("f.txt"))?;
            appender.write_all(b"tail\n")?;
            let custom = OpenOptions::new()
                .read(true)
                .custom_flags(0)
                .mode(0o600)
                .open(root.join("f.txt"))?;
            note(format!("custom len {}", custom.metadata()?.len()));
            let created = OpenOptions::new()
                .write(true)
                .create(true)
                .mode(0o600)
                .open(root.join("m.txt"))?;
            note(format!(
                "created mode {:o}",
                created.metadata()?.permissions().mode() & 0o777
            ));

            // &File: Read, Write, Seek through a shared reference.
            let shared = File::options()
                .read(true)
                .write(true)
                .open(root.join("new.txt"))?;
            (&shared).write_all(b"shared")?;
            (&shared).rewind()?;
            let mut buf = String::new();
            (&shared).read_to_string(&mut buf)?;
            note(format!(
                "shared {buf:?} at {}",
                (&shared).stream_position()?
            ));

            // Positioned I/O (FileExt).
            shared.write_all_at(b"S", 0)?;
            let mut one = [0u8; 3];
            shared.read_exact_at(&mut one, 0)?;
            note(format!("read_exact_at {:?}", one));
            note(format!(
                "write_at {} read_at {}",
                shared.write_at(b"!", 6)?,
                shared.read_at(&mut one, 4)?
            ));

            // Length, permissions, times.
            shared.set_len(2)?;
            note(format!("set_len {}", shared.metadata()?.len()));
            shared.set_permissions(fs::Permissions::from_mode(0o604))?;
            note(format!(
                "fmode {:o}",
                shared.metadata()?.permissions().mode() & 0o777
            ));
            let when = SystemTime::UNIX_EPOCH + Duration::from_secs(1_234_567_890);
            shared.set_modified(when)?;
            note(format!(
                "modified {:?}",
                shared.metadata()?.modified()? == when
            ));
            shared.set_times(
                fs::FileTimes::new()
                    .set_accessed(when)
                    .set_modified(when + Duration::from_secs(1)),
            )?;
            note(format!(
                "times {:?}",
                shared.metadata()?.modified()? == when + Duration::from_secs(1)
            ));

            // Locks.
            let lock_file = File::open(root.join("a.txt"))?;
            let rival = File::open(root.join("a.txt"))?;
            lock_file.lock()?;
            note(format!(
                "rival try_lock {}",
                matches!(rival.try_lock(), Err(fs::TryLockError::WouldBlock))
            ));
            lock_file.unlock()?;
            lock_file.lock_shared()?;
            note(format!(
                "rival shared {:?}",
                rival.try_lock_shared().is_ok()
            ));
            rival.unlock()?;
            lock_file.unlock()?;
            lock_file.try_lock()?;
            lock_file.unlock()?;
            lock_file.try_lock_shared()?;
            lock_file.unlock()?;

            // Clones, descriptors, conversions, Debug.
            let clone = shared.try_clone()?;
            note(format!("clone len {}", clone.metadata()?.len()));
            note(format!("terminal {}", clone.is_terminal()));
            assert_eq!(clone.as_fd().as_raw_fd(), clone.as_raw_fd());
            let debug = format!("{clone:?}");
            note(format!(
                "debug names the fd {}",
                debug.contains(&format!("fd: {}", clone.as_raw_fd()))
            ));
            let raw = clone.into_raw_fd();
            // SAFETY: `raw` was just released by `into_raw_fd`, so it is open and owned here.
            let back = unsafe { File::from_raw_fd(raw) };
            let owned: OwnedFd = back.into();
            let again = File::from(owned);
            let as_std: std::fs::File = again.into();
            note(format!("std len {}", as_std.metadata()?.len()));
            let _ = format!("{:?}", DirBuilder::new());
            let _ = format!("{:?}", fs::read_dir(root)?);

            note(format!(
                "kinds {:?}",
                File::open(root.join("none")).map_err(|e| e.kind())
            ));
            Ok(trace)
        }
    };
}

mod with_std {
    use std::fs;
    use std::fs::{DirBuilder, File, OpenOptions};
    use std::os::unix::fs::{
        symlink, DirBuilderExt, DirEntryExt, FileExt, MetadataExt, OpenOptionsExt, PermissionsExt,
    };
    program!();
}

mod with_audit_std {
    use audit_std::fs;
    use audit_std::fs::{DirBuilder, File, OpenOptions};
    // The std traits, imported from std as existing code does...
    use std::os::unix::fs::{DirBuilderExt, DirEntryExt, FileExt, OpenOptionsExt};
    // ...and the rest from the audited mirror.
    use audit_std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};
    program!();
}

#[test]
fn same_behaviour_as_std() {
    let std_dir = tempfile::tempdir().unwrap();
    let audit_dir = tempfile::tempdir().unwrap();
    let expected = with_std::run(std_dir.path()).expect("the std build runs");
    let (actual, events) = audit_core::testing::capture(|| with_audit_std::run(audit_dir.path()));
    let actual = actual.expect("the audited build runs");
    assert_eq!(actual, expected);
    assert!(expected.len() > 40, "{expected:?}");

    if !audit_core::ENABLED {
        assert!(events.is_empty(), "{events:?}");
        return;
    }
    // Every fs event the program can raise was raised (chown, chroot and
    // set_current_dir are exercised in their own tests): a new event must be
    // raised here or listed with them.
    let raised: std::collections::BTreeSet<&str> = events.iter().map(|e| e.name()).collect();
    use audit_std::events::fs as ev;
    let elsewhere = [ev::CHOWN, ev::CHROOT, ev::SET_CURRENT_DIR];
    for &name in ev::ALL.iter().filter(|name| !elsewhere.contains(name)) {
        assert!(raised.contains(name), "`{name}` not raised; got {raised:?}");
    }
    // Every event names something under the program's directory.
    for event in &events {
        if let Some(path) = event.arg("path").and_then(|v| v.as_path()) {
            assert!(path.starts_with(audit_dir.path()), "{event:?}");
        }
    }
}
