//! Caller attribution through `audit_std`: every event names the line of
//! this file that called the wrapper, never a line inside `audit_std`, and a
//! helper function in between is the caller unless it is `#[track_caller]`.
//! With the `off` feature: no event at all.

use std::io::Write as _;
use std::path::Path;

use audit_core::testing::capture;
use audit_core::{CrateSource, OwnedEvent};
use audit_std::fs;

/// `(name, file, line)` of each event's caller.
fn callers(events: &[OwnedEvent]) -> Vec<(&'static str, &'static str, u32)> {
    events
        .iter()
        .map(|e| {
            let at = e.caller().unwrap_or_else(|| panic!("{e} has no caller"));
            (e.name(), at.file(), at.line())
        })
        .collect()
}

/// Asserts that `events` are exactly `expected` (name, line), all from this file.
fn assert_from_here(events: &[OwnedEvent], expected: &[(&str, u32)]) {
    if !audit_core::ENABLED {
        assert!(events.is_empty(), "{events:?}");
        return;
    }
    let got = callers(events);
    let want: Vec<_> = expected
        .iter()
        .map(|&(name, line)| (name, file!(), line))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn fs_write_names_this_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.txt");
    let (line, (result, events)) = (line!(), capture(|| fs::write(&p, "x")));
    result.unwrap();
    assert_from_here(&events, &[("fs.open", line)]);
    if audit_core::ENABLED {
        // Not the wrapper's own location, which the callsite still gives.
        let site = events[0].callsite();
        assert_ne!(site.file(), file!());
        assert!(site.file().contains("audit-std"), "{}", site.file());
        let at = events[0].caller().unwrap();
        assert!(at.column() > 1);
        // A test of the root package: the workspace, with no member name.
        let krate = events[0].caller_crate().unwrap();
        assert_eq!(krate.source(), CrateSource::Workspace);
        assert_eq!(krate.name(), None);
        assert_eq!(krate.version(), None);
    }
}

mod helpers {
    use std::path::Path;

    pub const WRITE_LINE: u32 = line!() + 3;
    /// An ordinary helper: the caller of `fs::write` is this line.
    pub fn write_it(p: &Path) -> std::io::Result<()> {
        audit_std::fs::write(p, "helper")
    }

    /// A `#[track_caller]` helper passes its own caller on.
    #[track_caller]
    pub fn write_for_caller(p: &Path) -> std::io::Result<()> {
        audit_std::fs::write(p, "tracked")
    }

    /// Two levels of `#[track_caller]`.
    #[track_caller]
    pub fn write_twice_removed(p: &Path) -> std::io::Result<()> {
        write_for_caller(p)
    }
}

#[test]
fn a_helper_is_the_caller_unless_it_tracks_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("h.txt");
    let (result, events) = capture(|| helpers::write_it(&p));
    result.unwrap();
    assert_from_here(&events, &[("fs.open", helpers::WRITE_LINE)]);

    let (line, (result, events)) = (line!(), capture(|| helpers::write_for_caller(&p)));
    result.unwrap();
    assert_from_here(&events, &[("fs.open", line)]);

    let (line, (result, events)) = (line!(), capture(|| helpers::write_twice_removed(&p)));
    result.unwrap();
    assert_from_here(&events, &[("fs.open", line)]);
}

// One call per line, on the line that records it: not reformatted.
#[rustfmt::skip]
#[test]
fn every_fs_wrapper_names_its_caller() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let a = d.join("a.txt");
    std::fs::write(&a, "abc").unwrap();
    let mut expected = Vec::new();
    let ((), events) = capture(|| {
        let mut at = |name: &'static str, line: u32| expected.push((name, line));
        at("fs.open", line!()); let f = fs::File::open(&a).unwrap();
        at("fs.open", line!()); let mut g = fs::File::create(d.join("b.txt")).unwrap();
        at("fs.open", line!()); let _ = fs::File::create_new(d.join("c.txt")).unwrap();
        at("fs.open", line!()); let _ = fs::OpenOptions::new().append(true).open(&a).unwrap();
        at("fs.open", line!()); let _ = fs::read(&a).unwrap();
        at("fs.open", line!()); let _ = fs::read_to_string(&a).unwrap();
        at("fs.metadata", line!()); let _ = fs::metadata(&a).unwrap();
        at("fs.metadata", line!()); let _ = fs::symlink_metadata(&a).unwrap();
        at("fs.metadata", line!()); let _ = fs::exists(&a).unwrap();
        at("fs.metadata", line!()); let _ = f.metadata().unwrap();
        at("fs.set_len", line!()); g.set_len(0).unwrap();
        at("fs.set_permissions", line!()); g.set_permissions(perms(&a)).unwrap();
        at("fs.set_times", line!()); g.set_modified(std::time::SystemTime::now()).unwrap();
        at("fs.lock", line!()); g.lock().unwrap();
        at("fs.unlock", line!()); g.unlock().unwrap();
        at("fs.create_dir", line!()); fs::create_dir(d.join("x")).unwrap();
        at("fs.create_dir", line!()); fs::create_dir_all(d.join("y/z")).unwrap();
        at("fs.create_dir", line!()); fs::DirBuilder::new().create(d.join("w")).unwrap();
        at("fs.read_dir", line!()); let entry = fs::read_dir(d).unwrap().next().unwrap().unwrap();
        at("fs.metadata", line!()); let _ = entry.metadata().unwrap();
        at("fs.copy", line!()); fs::copy(&a, d.join("copy")).unwrap();
        at("fs.rename", line!()); fs::rename(d.join("copy"), d.join("moved")).unwrap();
        at("fs.hard_link", line!()); fs::hard_link(&a, d.join("hard")).unwrap();
        at("fs.symlink", line!()); audit_std::os::unix::fs::symlink(&a, d.join("sym")).unwrap();
        at("fs.read_link", line!()); let _ = fs::read_link(d.join("sym")).unwrap();
        at("fs.canonicalize", line!()); let _ = fs::canonicalize(d.join("sym")).unwrap();
        at("fs.set_permissions", line!()); fs::set_permissions(&a, perms(&a)).unwrap();
        at("fs.chown", line!()); audit_std::os::unix::fs::chown(&a, None, None).unwrap();
        at("fs.remove_file", line!()); fs::remove_file(d.join("moved")).unwrap();
        at("fs.remove_dir", line!()); fs::remove_dir(d.join("x")).unwrap();
        at("fs.remove_dir_all", line!()); fs::remove_dir_all(d.join("y")).unwrap();
        at("fs.lock", line!()); g.lock_shared().unwrap();
        at("fs.unlock", line!()); g.unlock().unwrap();
        at("fs.lock", line!()); g.try_lock().unwrap();
        at("fs.unlock", line!()); g.unlock().unwrap();
        at("fs.lock", line!()); g.try_lock_shared().unwrap();
        at("fs.set_times", line!()); g.set_times(fs::FileTimes::new()).unwrap();
        at("fs.chown", line!()); audit_std::os::unix::fs::lchown(&a, None, None).unwrap();
        at("fs.chown", line!()); audit_std::os::unix::fs::fchown(g.as_std(), None, None).unwrap();
        at("fs.open", line!()); let _ = fs::OpenOptions::new().read(true).open(&a).unwrap();
        writeln!(g, "not audited").unwrap();
    });
    assert_from_here(&events, &expected);
}

fn perms(p: &Path) -> std::fs::Permissions {
    std::fs::metadata(p).unwrap().permissions()
}

// One call per line, on the line that records it: not reformatted.
#[rustfmt::skip]
#[test]
fn net_wrappers_name_their_caller_on_loopback() {
    use audit_std::net::{TcpListener, TcpStream, UdpSocket};
    let mut expected = Vec::new();
    let ((), events) = capture(|| {
        let mut at = |name: &'static str, line: u32| expected.push((name, line));
        at("net.bind", line!()); let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        at("net.connect", line!()); let _c = TcpStream::connect(addr).unwrap();
        at("net.accept", line!()); let _ = listener.accept().unwrap();
        at("net.connect", line!()); let _ = TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(5)).unwrap();
        // A name lookup raises `net.resolve` first, for the same caller.
        at("net.resolve", line!()); at("net.connect", line!()); let _ = TcpStream::connect(("localhost", addr.port()));
        at("net.bind", line!()); let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
        let to = udp.local_addr().unwrap();
        at("net.send_to", line!()); udp.send_to(b"x", to).unwrap();
        at("net.connect", line!()); udp.connect(to).unwrap();
    });
    if audit_core::ENABLED {
        // `localhost` may resolve to one address or two (::1 refused): keep
        // the connects after the lookup to the first one counted.
        let mut events = events;
        let resolve = events.iter().position(|e| e.name() == "net.resolve").unwrap();
        while events[resolve + 2].name() == "net.connect" && events.len() > expected.len() {
            events.remove(resolve + 2);
        }
        assert_from_here(&events, &expected);
    } else {
        assert!(events.is_empty());
    }
}

// One call per line, on the line that records it: not reformatted.
#[rustfmt::skip]
#[test]
fn unix_socket_wrappers_name_their_caller() {
    use audit_std::os::unix::net::{UnixDatagram, UnixListener, UnixStream};
    let dir = tempfile::tempdir().unwrap();
    let (s, g) = (dir.path().join("s"), dir.path().join("g"));
    let mut expected = Vec::new();
    let ((), events) = capture(|| {
        let mut at = |name: &'static str, line: u32| expected.push((name, line));
        at("net.unix_bind", line!()); let listener = UnixListener::bind(&s).unwrap();
        at("net.unix_connect", line!()); let _c = UnixStream::connect(&s).unwrap();
        at("net.unix_accept", line!()); let _ = listener.accept().unwrap();
        at("net.unix_bind", line!()); let dgram = UnixDatagram::bind(&g).unwrap();
        at("net.unix_send_to", line!()); dgram.send_to(b"x", &g).unwrap();
        at("net.unix_connect", line!()); dgram.connect(&g).unwrap();
        let named = listener.local_addr().unwrap();
        at("net.unix_connect", line!()); let _c2 = UnixStream::connect_addr(&named).unwrap();
    });
    assert_from_here(&events, &expected);
}

// One call per line, on the line that records it: not reformatted.
#[rustfmt::skip]
#[test]
fn process_wrappers_name_their_caller() {
    use audit_std::process::Command;
    let mut expected = Vec::new();
    let ((), events) = capture(|| {
        let mut at = |line: u32| expected.push(line);
        at(line!()); let _ = Command::new("true").status().unwrap();
        at(line!()); let _ = Command::new("true").output().unwrap();
        at(line!()); let mut child = Command::new("sleep").arg("5").spawn().unwrap();
        at(line!()); child.kill().unwrap();
        let _ = child.wait();
    });
    if audit_core::ENABLED {
        let lines: Vec<_> = callers(&events).iter().map(|c| (c.1, c.2)).collect();
        let want: Vec<_> = expected.iter().map(|&l| (file!(), l)).collect();
        assert_eq!(lines, want, "{events:?}");
    } else {
        assert!(events.is_empty());
    }
}

#[test]
fn set_current_dir_names_its_caller() {
    // To the directory it already is in: nothing else in this binary notices.
    let here = std::env::current_dir().unwrap();
    let (line, (result, events)) = (line!(), capture(|| audit_std::env::set_current_dir(&here)));
    result.unwrap();
    assert_from_here(&events, &[("fs.set_current_dir", line)]);
}
