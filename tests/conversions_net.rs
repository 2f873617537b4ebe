//! Conversions between `audit_std`'s sockets and `std`'s, one test per type:
//! `From` both ways, `from_std`, `as_std`, `into_std`. Each checks that the
//! conversion keeps the very same socket (its descriptor), that the audited
//! operations of a wrapper made from a `std` socket are audited, and that
//! calls through `as_std` or after `into_std` are not, as documented.
//! Loopback and temporary-directory sockets only.
#![cfg(unix)]

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::os::fd::AsRawFd;
use std::time::Duration;

use audit_core::testing::{capture, capture_with};
use audit_core::{AuditError, OwnedEvent};
use audit_std::events;

const TIMEOUT: Option<Duration> = Some(Duration::from_secs(5));

/// The names of `events`; none when auditing is compiled out.
fn assert_events(events: &[OwnedEvent], expected: &[&str]) {
    let names: Vec<&str> = events.iter().map(|e| e.name()).collect();
    if audit_core::ENABLED {
        assert_eq!(names, expected);
    } else {
        assert!(names.is_empty(), "{names:?}");
    }
}

/// Runs `f` under a hook refusing everything; asserts it was refused (when
/// auditing is compiled in).
fn assert_refused<T: std::fmt::Debug>(f: impl FnOnce() -> std::io::Result<T>) {
    let (result, _) = capture_with(|_| Err(AuditError::denied("no")), f);
    if audit_core::ENABLED {
        let err = result.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied);
        assert!(audit_core::audit_error(&err).is_some(), "{err}");
    } else {
        result.unwrap();
    }
}

#[test]
fn tcp_listener_from_std_audits_accept_and_the_std_side_does_not() {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = std_listener.local_addr().unwrap();
    let fd = std_listener.as_raw_fd();

    let listener = audit_std::net::TcpListener::from(std_listener);
    assert_eq!(listener.as_raw_fd(), fd);
    assert_eq!(listener.as_std().local_addr().unwrap(), addr);

    let _client = std::net::TcpStream::connect(addr).unwrap();
    let (accepted, events) = capture(|| listener.accept());
    accepted.unwrap();
    assert_events(&events, &[events::net::ACCEPT]);
    let _client = std::net::TcpStream::connect(addr).unwrap();
    assert_refused(|| listener.accept());

    // The escape hatches are not audited.
    let _client = std::net::TcpStream::connect(addr).unwrap();
    let (accepted, events) = capture(|| listener.as_std().accept());
    accepted.unwrap();
    assert_events(&events, &[]);
    let std_listener = std::net::TcpListener::from(listener);
    assert_eq!(std_listener.as_raw_fd(), fd);
    let _client = std::net::TcpStream::connect(addr).unwrap();
    let (accepted, events) = capture(|| std_listener.accept());
    accepted.unwrap();
    assert_events(&events, &[]);

    let listener = audit_std::net::TcpListener::from_std(std_listener);
    assert_eq!(listener.into_std().as_raw_fd(), fd);
}

#[test]
fn tcp_stream_converts_both_ways_keeping_the_connection() {
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = server.local_addr().unwrap();
    let std_stream = std::net::TcpStream::connect(addr).unwrap();
    let (mut peer, _) = server.accept().unwrap();
    peer.set_read_timeout(TIMEOUT).unwrap();
    let fd = std_stream.as_raw_fd();

    // Nothing after the connection is audited: wrapping changes nothing but the type.
    let mut stream = audit_std::net::TcpStream::from(std_stream);
    assert_eq!(stream.as_raw_fd(), fd);
    assert_eq!(stream.as_std().peer_addr().unwrap(), addr);
    let (written, events) = capture(|| stream.write_all(b"ours"));
    written.unwrap();
    assert_events(&events, &[]);

    let mut std_stream: std::net::TcpStream = stream.into();
    assert_eq!(std_stream.as_raw_fd(), fd);
    std_stream.write_all(b"|theirs").unwrap();
    drop(std_stream);
    let mut got = String::new();
    peer.read_to_string(&mut got).unwrap();
    assert_eq!(got, "ours|theirs");

    // An audited connection handed to code that takes std's type.
    let (stream, events) = capture(|| audit_std::net::TcpStream::connect(addr));
    assert_events(&events, &[events::net::CONNECT]);
    let stream = stream.unwrap();
    let fd = stream.as_raw_fd();
    let std_stream = stream.into_std();
    assert_eq!(std_stream.as_raw_fd(), fd);
    let stream = audit_std::net::TcpStream::from_std(std_stream);
    assert_eq!(stream.as_raw_fd(), fd);
}

#[test]
fn udp_socket_from_std_audits_send_to_and_the_std_side_does_not() {
    let receiver = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    receiver.set_read_timeout(TIMEOUT).unwrap();
    let to: SocketAddr = receiver.local_addr().unwrap();
    let std_socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let fd = std_socket.as_raw_fd();

    let socket = audit_std::net::UdpSocket::from(std_socket);
    assert_eq!(socket.as_raw_fd(), fd);
    let (sent, events) = capture(|| socket.send_to(b"one", to));
    assert_eq!(sent.unwrap(), 3);
    assert_events(&events, &[events::net::SEND_TO]);
    if audit_core::ENABLED {
        assert_eq!(events[0].arg("address").unwrap().as_socket_addr(), Some(to));
    }
    assert_refused(|| socket.send_to(b"refused", to));
    assert_refused(|| socket.connect(to));

    let (sent, events) = capture(|| socket.as_std().send_to(b"two", to));
    sent.unwrap();
    assert_events(&events, &[]);
    let std_socket = std::net::UdpSocket::from(socket);
    assert_eq!(std_socket.as_raw_fd(), fd);
    let (sent, events) = capture(|| std_socket.send_to(b"three", to));
    sent.unwrap();
    assert_events(&events, &[]);

    // Compiled out, nothing is refused: the "refused" datagram goes too.
    let expected: &[&str] = if audit_core::ENABLED {
        &["one", "two", "three"]
    } else {
        &["one", "refused", "two", "three"]
    };
    let mut buf = [0; 16];
    let mut got = Vec::new();
    for _ in 0..expected.len() {
        let n = receiver.recv(&mut buf).unwrap();
        got.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    }
    assert_eq!(got, expected, "only the refused datagram was not sent");

    let socket = audit_std::net::UdpSocket::from_std(std_socket);
    assert_eq!(socket.into_std().as_raw_fd(), fd);
}

#[test]
fn unix_listener_from_std_audits_accept_and_the_std_side_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sock");
    let std_listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let fd = std_listener.as_raw_fd();

    let listener = audit_std::os::unix::net::UnixListener::from(std_listener);
    assert_eq!(listener.as_raw_fd(), fd);
    assert_eq!(
        listener.as_std().local_addr().unwrap().as_pathname(),
        Some(path.as_path())
    );
    let _client = std::os::unix::net::UnixStream::connect(&path).unwrap();
    let (accepted, events) = capture(|| listener.accept());
    accepted.unwrap();
    assert_events(&events, &[events::net::UNIX_ACCEPT]);
    let _client = std::os::unix::net::UnixStream::connect(&path).unwrap();
    assert_refused(|| listener.accept());

    let _client = std::os::unix::net::UnixStream::connect(&path).unwrap();
    let (accepted, events) = capture(|| listener.as_std().accept());
    accepted.unwrap();
    assert_events(&events, &[]);
    let std_listener = std::os::unix::net::UnixListener::from(listener);
    assert_eq!(std_listener.as_raw_fd(), fd);
    let _client = std::os::unix::net::UnixStream::connect(&path).unwrap();
    let (accepted, events) = capture(|| std_listener.accept());
    accepted.unwrap();
    assert_events(&events, &[]);

    let listener = audit_std::os::unix::net::UnixListener::from_std(std_listener);
    assert_eq!(listener.into_std().as_raw_fd(), fd);
}

#[test]
fn unix_stream_converts_both_ways_keeping_the_connection() {
    let (std_stream, mut peer) = std::os::unix::net::UnixStream::pair().unwrap();
    peer.set_read_timeout(TIMEOUT).unwrap();
    let fd = std_stream.as_raw_fd();

    let mut stream = audit_std::os::unix::net::UnixStream::from(std_stream);
    assert_eq!(stream.as_raw_fd(), fd);
    assert!(stream.as_std().peer_addr().is_ok());
    let (written, events) = capture(|| stream.write_all(b"ours"));
    written.unwrap();
    assert_events(&events, &[]);

    let mut std_stream: std::os::unix::net::UnixStream = stream.into();
    assert_eq!(std_stream.as_raw_fd(), fd);
    std_stream.write_all(b"|theirs").unwrap();
    let stream = audit_std::os::unix::net::UnixStream::from_std(std_stream);
    assert_eq!(stream.as_raw_fd(), fd);
    drop(stream.into_std());
    let mut got = String::new();
    peer.read_to_string(&mut got).unwrap();
    assert_eq!(got, "ours|theirs");
}

#[test]
fn unix_datagram_from_std_audits_send_to_and_the_std_side_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sock");
    let receiver = std::os::unix::net::UnixDatagram::bind(&path).unwrap();
    receiver.set_read_timeout(TIMEOUT).unwrap();
    let std_socket = std::os::unix::net::UnixDatagram::unbound().unwrap();
    let fd = std_socket.as_raw_fd();

    let socket = audit_std::os::unix::net::UnixDatagram::from(std_socket);
    assert_eq!(socket.as_raw_fd(), fd);
    let (sent, events) = capture(|| socket.send_to(b"one", &path));
    sent.unwrap();
    assert_events(&events, &[events::net::UNIX_SEND_TO]);
    if audit_core::ENABLED {
        assert_eq!(
            events[0].arg("path").unwrap().as_path(),
            Some(path.as_path())
        );
    }
    assert_refused(|| socket.send_to(b"refused", &path));
    assert_refused(|| socket.connect(&path));

    let (sent, events) = capture(|| socket.as_std().send_to(b"two", &path));
    sent.unwrap();
    assert_events(&events, &[]);
    let std_socket = std::os::unix::net::UnixDatagram::from(socket);
    assert_eq!(std_socket.as_raw_fd(), fd);
    let (sent, events) = capture(|| std_socket.send_to(b"three", &path));
    sent.unwrap();
    assert_events(&events, &[]);

    // Compiled out, nothing is refused: the "refused" datagram goes too.
    let expected: &[&str] = if audit_core::ENABLED {
        &["one", "two", "three"]
    } else {
        &["one", "refused", "two", "three"]
    };
    let mut buf = [0; 16];
    let mut got = Vec::new();
    for _ in 0..expected.len() {
        let n = receiver.recv(&mut buf).unwrap();
        got.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    }
    assert_eq!(got, expected, "only the refused datagram was not sent");

    let socket = audit_std::os::unix::net::UnixDatagram::from_std(std_socket);
    assert_eq!(socket.into_std().as_raw_fd(), fd);
}
