//! `audit_std::os::unix::net`: drop-in behaviour, the `net.unix_*` events and
//! their arguments, and vetoes with no effect. Sockets live in a temporary
//! directory; every blocking read has a timeout.
#![cfg(unix)]

use std::io::{self, ErrorKind, Read, Write};
use std::path::Path;

use audit_core::testing::{capture, capture_with};
use audit_core::OwnedEvent;
use audit_std::events;
use audit_std::os::unix::net::{SocketAddr, UnixDatagram, UnixListener, UnixStream};

mod std_net_common;
use std_net_common::{assert_vetoed, veto, SHORT, TIMEOUT};

fn path_arg<'e>(e: &'e OwnedEvent, name: &str) -> Option<&'e Path> {
    e.arg(name).and_then(|v| v.as_path())
}

/// The program under test, written as std code would be, with only the `use`
/// line changed.
mod echo {
    use audit_std::os::unix::net::{UnixListener, UnixStream};
    use std::io::{self, Read, Write};
    use std::path::Path;
    use std::time::Duration;

    pub fn serve_one(listener: &UnixListener) -> io::Result<()> {
        let mut stream = listener.incoming().next().unwrap()?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        let mut buf = [0; 64];
        let n = stream.read(&mut buf)?;
        stream.write_all(&buf[..n])
    }

    pub fn ask(path: &Path, msg: &[u8]) -> io::Result<String> {
        let mut stream = UnixStream::connect(path)?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        stream.write_all(msg)?;
        stream.shutdown(std::net::Shutdown::Write)?;
        let mut out = String::new();
        stream.read_to_string(&mut out)?;
        Ok(out)
    }
}

#[test]
fn stream_echo_drop_in_raises_bind_connect_accept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("echo.sock");
    let (listener, bind_events) = capture(|| UnixListener::bind(&path));
    let listener = listener.unwrap();
    let server = std::thread::spawn(move || capture(|| echo::serve_one(&listener)));
    let (reply, client_events) = capture(|| echo::ask(&path, b"hello"));
    let (served, server_events) = server.join().unwrap();
    served.unwrap();
    assert_eq!(reply.unwrap(), "hello");

    if !audit_core::ENABLED {
        assert!(bind_events.is_empty() && client_events.is_empty() && server_events.is_empty());
        return;
    }
    assert_eq!(bind_events.len(), 1);
    assert_eq!(bind_events[0].name(), events::net::UNIX_BIND);
    assert_eq!(path_arg(&bind_events[0], "path"), Some(path.as_path()));
    assert!(bind_events[0].arg("abstract_name").unwrap().is_none());

    assert_eq!(client_events.len(), 1);
    assert_eq!(client_events[0].name(), events::net::UNIX_CONNECT);
    assert_eq!(path_arg(&client_events[0], "path"), Some(path.as_path()));

    assert_eq!(server_events.len(), 1);
    assert_eq!(server_events[0].name(), events::net::UNIX_ACCEPT);
    assert!(
        server_events[0].arg("peer").unwrap().is_none(),
        "the client is unnamed"
    );
    assert_eq!(path_arg(&server_events[0], "local"), Some(path.as_path()));
}

#[test]
fn vetoed_bind_creates_no_socket_file() {
    let dir = tempfile::tempdir().unwrap();
    let stream_path = dir.path().join("listener.sock");
    let dgram_path = dir.path().join("dgram.sock");
    let addr_path = dir.path().join("by-addr.sock");
    let addr = SocketAddr::from_pathname(&addr_path).unwrap();

    let (results, seen) = capture_with(veto(events::net::UNIX_BIND), || {
        [
            UnixListener::bind(&stream_path).map(drop),
            UnixDatagram::bind(&dgram_path).map(drop),
            UnixListener::bind_addr(&addr).map(drop),
            UnixDatagram::bind_addr(&addr).map(drop),
        ]
    });
    if audit_core::ENABLED {
        for r in &results {
            assert_vetoed(r.as_ref().unwrap_err());
        }
        assert!(!stream_path.exists());
        assert!(!dgram_path.exists());
        assert!(!addr_path.exists());
        assert_eq!(seen.len(), 4);
        assert_eq!(path_arg(&seen[2], "path"), Some(addr_path.as_path()));
    } else {
        // Unvetoed, each bind creates its file (the second `*_addr` bind
        // finds the first's file in place, as std would).
        results[0].as_ref().unwrap();
        results[1].as_ref().unwrap();
        results[2].as_ref().unwrap();
        assert_eq!(
            results[3].as_ref().unwrap_err().kind(),
            ErrorKind::AddrInUse
        );
        assert!(stream_path.exists() && dgram_path.exists() && addr_path.exists());
        assert!(seen.is_empty());
    }
}

#[test]
fn vetoed_connect_reaches_no_listener() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.sock");
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = SocketAddr::from_pathname(&path).unwrap();

    let (results, seen) = capture_with(veto(events::net::UNIX_CONNECT), || {
        [
            UnixStream::connect(&path).map(drop),
            UnixStream::connect_addr(&addr).map(drop),
        ]
    });
    let accepted = listener.accept();
    if audit_core::ENABLED {
        for r in &results {
            assert_vetoed(r.as_ref().unwrap_err());
        }
        assert_eq!(seen.len(), 2);
        assert_eq!(path_arg(&seen[1], "path"), Some(path.as_path()));
        assert_eq!(accepted.unwrap_err().kind(), ErrorKind::WouldBlock);
    } else {
        results[0].as_ref().unwrap();
        results[1].as_ref().unwrap();
        accepted.unwrap();
    }
}

#[test]
fn vetoed_accept_drops_the_peer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sock");
    let listener = UnixListener::bind(&path).unwrap();
    let mut client = std::os::unix::net::UnixStream::connect(&path).unwrap();
    client.set_read_timeout(Some(TIMEOUT)).unwrap();

    let (accepted, seen) = capture_with(veto(events::net::UNIX_ACCEPT), || listener.accept());
    let accepted = accepted.map(|(stream, addr)| {
        drop(stream);
        addr
    });
    // Closed in both modes (vetoed: by the wrapper; off: by the drop above).
    let read = client.read(&mut [0; 8]);
    if audit_core::ENABLED {
        assert_vetoed(&accepted.unwrap_err());
        assert_eq!(seen.len(), 1);
        assert_eq!(path_arg(&seen[0], "local"), Some(path.as_path()));
    } else {
        assert!(accepted.unwrap().is_unnamed());
        assert!(seen.is_empty());
    }
    match read {
        Ok(n) => assert_eq!(n, 0),
        Err(e) => assert_eq!(e.kind(), ErrorKind::ConnectionReset, "{e}"),
    }

    // `&UnixListener` iterates like `incoming()`, yielding this crate's type.
    let _second = std::os::unix::net::UnixStream::connect(&path).unwrap();
    let mut items = (&listener).into_iter();
    let second: UnixStream = items.next().unwrap().unwrap();
    assert!(second.peer_addr().unwrap().is_unnamed());
    assert_eq!(items.size_hint(), (usize::MAX, None));
}

#[test]
fn datagrams_send_to_and_connect_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let a_path = dir.path().join("a.sock");
    let b_path = dir.path().join("b.sock");
    let a = UnixDatagram::bind(&a_path).unwrap();
    let b = UnixDatagram::bind(&b_path).unwrap();
    b.set_read_timeout(Some(TIMEOUT)).unwrap();

    let (sent, seen) = capture(|| a.send_to(b"one", &b_path));
    assert_eq!(sent.unwrap(), 3);
    let mut buf = [0; 16];
    let (n, from) = b.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"one");
    assert_eq!(from.as_pathname(), Some(a_path.as_path()));

    let b_addr = SocketAddr::from_pathname(&b_path).unwrap();
    let (sent, seen_addr) = capture(|| a.send_to_addr(b"two", &b_addr));
    assert_eq!(sent.unwrap(), 3);
    assert_eq!(b.recv(&mut buf).unwrap(), 3);

    let (connected, seen_connect) = capture(|| a.connect(&b_path));
    connected.unwrap();
    let (sent, seen_send) = capture(|| a.send(b"three"));
    assert_eq!(sent.unwrap(), 5);
    assert_eq!(b.recv(&mut buf).unwrap(), 5);
    assert_eq!(a.peer_addr().unwrap().as_pathname(), Some(b_path.as_path()));

    assert!(
        seen_send.is_empty(),
        "send on a connected socket is not audited"
    );
    if audit_core::ENABLED {
        for (events, name) in [
            (&seen, events::net::UNIX_SEND_TO),
            (&seen_addr, events::net::UNIX_SEND_TO),
            (&seen_connect, events::net::UNIX_CONNECT),
        ] {
            assert_eq!(events.len(), 1);
            assert_eq!(events[0].name(), name);
            assert_eq!(path_arg(&events[0], "path"), Some(b_path.as_path()));
        }
    } else {
        assert!(seen.is_empty() && seen_addr.is_empty() && seen_connect.is_empty());
    }
}

#[test]
fn vetoed_datagram_send_and_connect_have_no_effect() {
    let dir = tempfile::tempdir().unwrap();
    let b_path = dir.path().join("b.sock");
    let b = UnixDatagram::bind(&b_path).unwrap();
    b.set_read_timeout(Some(SHORT)).unwrap();
    let a = UnixDatagram::unbound().unwrap();
    let b_addr = SocketAddr::from_pathname(&b_path).unwrap();

    let (sent, seen) = capture_with(veto(events::net::UNIX_SEND_TO), || {
        [a.send_to(b"x", &b_path), a.send_to_addr(b"y", &b_addr)]
    });
    let (connected, _) = capture_with(veto(events::net::UNIX_CONNECT), || {
        [a.connect(&b_path), a.connect_addr(&b_addr)]
    });
    let mut buf = [0; 4];
    if audit_core::ENABLED {
        for r in &sent {
            assert_vetoed(r.as_ref().unwrap_err());
        }
        for r in &connected {
            assert_vetoed(r.as_ref().unwrap_err());
        }
        assert_eq!(seen.len(), 2);
        let err = b.recv(&mut buf).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
            "{err}"
        );
        assert_eq!(a.peer_addr().unwrap_err().kind(), ErrorKind::NotConnected);
    } else {
        assert_eq!(b.recv(&mut buf).unwrap(), 1);
        assert_eq!(b.recv(&mut buf).unwrap(), 1);
        assert!(connected.iter().all(Result::is_ok));
        assert!(seen.is_empty());
    }
}

#[test]
fn pairs_and_unbound_sockets_raise_nothing() {
    let (result, seen) = capture(|| -> io::Result<()> {
        let (mut x, mut y) = UnixStream::pair()?;
        x.write_all(b"hi")?;
        y.set_read_timeout(Some(TIMEOUT))?;
        let mut buf = [0; 2];
        y.read_exact(&mut buf)?;
        assert_eq!(&buf, b"hi");
        let (p, q) = UnixDatagram::pair()?;
        p.send(b"d")?;
        q.set_read_timeout(Some(TIMEOUT))?;
        assert_eq!(q.recv(&mut buf)?, 1);
        UnixDatagram::unbound()?;
        Ok(())
    });
    result.unwrap();
    assert!(seen.is_empty(), "{seen:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn abstract_addresses_are_named_in_the_event() {
    use std::os::linux::net::SocketAddrExt;

    let name = format!("audit-std-test-{}", std::process::id());
    let addr = SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
    let (result, seen) = capture_with(veto(events::net::UNIX_BIND), || {
        UnixListener::bind_addr(&addr)
    });
    if audit_core::ENABLED {
        assert_vetoed(&result.unwrap_err());
        assert!(seen[0].arg("path").unwrap().is_none());
        assert_eq!(
            seen[0].arg("abstract_name").and_then(|v| v.as_bytes()),
            Some(name.as_bytes())
        );
        // Not bound: std can take the name.
        std::os::unix::net::UnixListener::bind_addr(&addr).unwrap();
    } else {
        let listener = result.unwrap();
        assert_eq!(
            listener.local_addr().unwrap().as_abstract_name(),
            Some(name.as_bytes())
        );
    }
}

#[test]
fn debug_conversions_and_options_match_std() {
    use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd, OwnedFd};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sock");
    let listener = UnixListener::bind(&path).unwrap();
    let stream = UnixStream::connect(&path).unwrap();
    let dgram = UnixDatagram::unbound().unwrap();
    assert_eq!(format!("{listener:?}"), format!("{:?}", listener.as_std()));
    assert_eq!(format!("{stream:?}"), format!("{:?}", stream.as_std()));
    assert_eq!(format!("{dgram:?}"), format!("{:?}", dgram.as_std()));

    let stream = UnixStream::from(OwnedFd::from(stream));
    let raw = stream.into_raw_fd();
    // SAFETY: `raw` was just released by `into_raw_fd` and is owned by nothing else.
    let stream = unsafe { UnixStream::from_raw_fd(raw) };
    assert_eq!(stream.as_raw_fd(), raw);
    let stream = UnixStream::from(stream.into_std());
    assert_eq!(
        stream.peer_addr().unwrap().as_pathname(),
        Some(path.as_path())
    );
    stream.set_write_timeout(Some(SHORT)).unwrap();
    assert_eq!(stream.write_timeout().unwrap(), Some(SHORT));
    stream.set_nonblocking(true).unwrap();
    assert!(stream.take_error().unwrap().is_none());
    assert!(stream
        .try_clone()
        .unwrap()
        .local_addr()
        .unwrap()
        .is_unnamed());
    listener.set_nonblocking(true).unwrap();
    assert_eq!(
        listener.local_addr().unwrap().as_pathname(),
        Some(path.as_path())
    );
    let listener = UnixListener::from(listener.into_std());
    assert!(listener
        .try_clone()
        .unwrap()
        .take_error()
        .unwrap()
        .is_none());
    dgram.set_read_timeout(Some(SHORT)).unwrap();
    assert_eq!(dgram.read_timeout().unwrap(), Some(SHORT));
    dgram.shutdown(std::net::Shutdown::Both).unwrap();
}
