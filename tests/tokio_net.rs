//! `audit_tokio::net`: each operation that reaches an address raises the
//! event `audit_std::net` raises for it, with the same arguments, on a worker
//! thread of a multi-thread runtime; a veto fails it with `PermissionDenied`
//! before any connection, binding or datagram. Loopback only.

mod tokio_common;

use std::io::{ErrorKind, Read};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use audit_core::{AuditError, Event, OwnedEvent};
use audit_tokio::net;
use audit_tokio::testing::{capture, capture_with};
use tokio_common::{assert_vetoed, block_on, block_on_in, deny, render_all, runtime};

fn names(events: &[OwnedEvent]) -> Vec<&'static str> {
    events.iter().map(OwnedEvent::name).collect()
}

/// `expected` when auditing is on, nothing when it is compiled out.
fn on(expected: &[&'static str]) -> Vec<&'static str> {
    if audit_core::ENABLED {
        expected.to_vec()
    } else {
        Vec::new()
    }
}

fn std_listener() -> (std::net::TcpListener, SocketAddr) {
    let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    (listener, addr)
}

#[test]
fn tcp_connect_matches_audit_std() {
    let (listener, addr) = std_listener();
    let (_s, std_events) =
        audit_core::testing::capture(|| audit_std::net::TcpStream::connect(addr).unwrap());
    let (_t, tokio_events) = block_on(capture(async move {
        net::TcpStream::connect(addr).await.unwrap()
    }));
    assert_eq!(render_all(&tokio_events), render_all(&std_events));
    assert_eq!(names(&tokio_events), on(&["net.connect"]));
    drop(listener);
}

#[test]
fn tcp_connect_to_a_name_resolves_first_and_tries_the_same_addresses() {
    let (_listener, addr) = std_listener();
    let port = addr.port();
    let (_s, std_events) = audit_core::testing::capture(|| {
        audit_std::net::TcpStream::connect(("localhost", port)).unwrap()
    });
    let (_t, tokio_events) = block_on(capture(async move {
        net::TcpStream::connect(format!("localhost:{port}"))
            .await
            .unwrap()
    }));
    assert_eq!(render_all(&tokio_events), render_all(&std_events));
    if audit_core::ENABLED {
        assert_eq!(tokio_events[0].name(), "net.resolve");
        assert_eq!(
            tokio_events[0].arg("host").and_then(|v| v.as_str()),
            Some("localhost")
        );
        assert_eq!(tokio_events.last().unwrap().name(), "net.connect");
    }
}

#[test]
fn vetoed_connect_makes_no_connection() {
    let (listener, addr) = std_listener();
    let (result, events) = block_on(capture_with(deny, async move {
        net::TcpStream::connect(addr).await
    }));
    if !audit_core::ENABLED {
        result.unwrap();
        return;
    }
    assert_vetoed(&result);
    assert_eq!(names(&events), ["net.connect"]);
    std::thread::sleep(Duration::from_millis(50));
    let err = listener
        .accept()
        .expect_err("a connection reached the listener");
    assert_eq!(err.kind(), ErrorKind::WouldBlock);
}

#[test]
fn vetoed_name_is_never_looked_up() {
    // The veto comes before the lookup: no event after net.resolve.
    let (result, events) = block_on(capture_with(deny, async {
        net::lookup_host("localhost:80").await.map(|a| a.count())
    }));
    if audit_core::ENABLED {
        assert_vetoed(&result);
        assert_eq!(names(&events), ["net.resolve"]);
        assert_eq!(events[0].arg("port").and_then(|v| v.as_u64()), Some(80));
    }
    // A literal address is never looked up and raises nothing.
    let (addrs, events) = block_on(capture(async {
        net::lookup_host("127.0.0.1:80")
            .await
            .unwrap()
            .collect::<Vec<_>>()
    }));
    assert_eq!(addrs, ["127.0.0.1:80".parse::<SocketAddr>().unwrap()]);
    assert!(events.is_empty(), "{events:?}");
    let (_, events) = block_on(capture(async {
        net::lookup_host(("::1", 80)).await.unwrap().count()
    }));
    assert!(events.is_empty(), "{events:?}");
}

#[test]
fn a_vetoed_address_is_skipped_and_the_veto_kept() {
    let (_listener, addr) = std_listener();
    let dead = {
        // A port nobody listens on: bound then closed.
        let l = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        l.local_addr().unwrap()
    };
    let list = [addr, dead];
    // Veto the live address: the dead one is tried and refused by the OS,
    // and the error returned is the veto, not the OS's.
    let hook = move |event: &Event<'_>| match event.arg("address").and_then(|v| v.as_socket_addr())
    {
        Some(a) if a == addr => Err(AuditError::denied("not that one")),
        _ => Ok(()),
    };
    let (result, events) = block_on(capture_with(hook, async move {
        net::TcpStream::connect(&list[..]).await
    }));
    if audit_core::ENABLED {
        assert_vetoed(&result);
        assert_eq!(names(&events), ["net.connect", "net.connect"]);
    } else {
        result.unwrap();
    }
}

#[test]
fn bind_and_accept_match_audit_std() {
    let rt = runtime();
    let (_l, std_events) =
        audit_core::testing::capture(|| audit_std::net::TcpListener::bind("127.0.0.1:0").unwrap());
    let (listener, tokio_events) = block_on_in(
        &rt,
        capture(async { net::TcpListener::bind("127.0.0.1:0").await.unwrap() }),
    );
    assert_eq!(render_all(&tokio_events), render_all(&std_events));
    assert_eq!(names(&tokio_events), on(&["net.bind"]));

    let addr = listener.local_addr().unwrap();
    let client = std::net::TcpStream::connect(addr).unwrap();
    let ((stream, peer), events) = block_on_in(
        &rt,
        capture(async move { listener.accept().await.unwrap() }),
    );
    assert_eq!(peer, client.local_addr().unwrap());
    assert_eq!(names(&events), on(&["net.accept"]));
    if audit_core::ENABLED {
        assert_eq!(
            events[0].arg("peer").and_then(|v| v.as_socket_addr()),
            Some(peer)
        );
        assert_eq!(
            events[0].arg("local").and_then(|v| v.as_socket_addr()),
            Some(addr)
        );
    }
    drop(stream);
}

#[test]
fn vetoed_accept_closes_the_connection() {
    let rt = runtime();
    let listener = block_on_in(&rt, async {
        net::TcpListener::bind("127.0.0.1:0").await.unwrap()
    });
    let addr = listener.local_addr().unwrap();
    let mut client = std::net::TcpStream::connect(addr).unwrap();
    let (result, _events) = block_on_in(
        &rt,
        capture_with(deny, async move {
            let accepted = listener.accept().await;
            drop(listener);
            accepted.map(|_| ())
        }),
    );
    if !audit_core::ENABLED {
        result.unwrap();
        return;
    }
    assert_vetoed(&result);
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = [0u8; 1];
    // End of file (or a reset): the server end is gone.
    match client.read(&mut buf) {
        Ok(n) => assert_eq!(n, 0),
        Err(e) => assert_eq!(e.kind(), ErrorKind::ConnectionReset, "{e}"),
    }
}

#[test]
fn vetoed_bind_binds_nothing() {
    let port = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (result, events) = block_on(capture_with(deny, async move {
        net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await
    }));
    if audit_core::ENABLED {
        assert_vetoed(&result);
        assert_eq!(names(&events), ["net.bind"]);
        // The port is still free.
        std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).unwrap();
    }
}

#[test]
fn tcp_socket_bind_and_connect() {
    let (listener, addr) = std_listener();
    let (stream, events) = block_on(capture(async move {
        let socket = net::TcpSocket::new_v4()?;
        socket.bind("127.0.0.1:0".parse().unwrap())?;
        socket.connect(addr).await
    }));
    stream.unwrap();
    assert_eq!(names(&events), on(&["net.bind", "net.connect"]));
    std::thread::sleep(Duration::from_millis(20));
    let _ = listener.accept();

    let (result, _) = block_on(capture_with(deny, async move {
        net::TcpSocket::new_v4()?.connect(addr).await
    }));
    if audit_core::ENABLED {
        assert_vetoed(&result);
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(listener.accept().unwrap_err().kind(), ErrorKind::WouldBlock);
    }
}

#[test]
fn udp_matches_audit_std_and_a_vetoed_send_sends_nothing() {
    let rt = runtime();
    let receiver = std::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    receiver.set_nonblocking(true).unwrap();
    let to = receiver.local_addr().unwrap();

    let (_s, std_events) = audit_core::testing::capture(|| {
        let s = audit_std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        s.send_to(b"s", to).unwrap();
        s.connect(to).unwrap();
    });
    let (_t, tokio_events) = block_on_in(
        &rt,
        capture(async move {
            let s = net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
            s.send_to(b"t", to).await.unwrap();
            s.connect(to).await.unwrap();
            s.send(b"c").await.unwrap();
        }),
    );
    assert_eq!(render_all(&tokio_events), render_all(&std_events));
    assert_eq!(
        names(&tokio_events),
        on(&["net.bind", "net.send_to", "net.connect"])
    );
    std::thread::sleep(Duration::from_millis(20));
    let mut buf = [0u8; 8];
    while receiver.recv(&mut buf).is_ok() {}

    let sender = block_on_in(&rt, async {
        net::UdpSocket::bind("127.0.0.1:0").await.unwrap()
    });
    let sender = std::sync::Arc::new(sender);
    let s = sender.clone();
    let (result, events) = block_on_in(
        &rt,
        capture_with(deny, async move { s.send_to(b"no", to).await }),
    );
    let s = sender.clone();
    let (try_result, _) = block_on_in(
        &rt,
        capture_with(deny, async move { s.try_send_to(b"no", to) }),
    );
    let s = sender.clone();
    let (poll_result, _) = block_on_in(
        &rt,
        capture_with(deny, async move {
            std::future::poll_fn(|cx| s.poll_send_to(cx, b"no", to)).await
        }),
    );
    if audit_core::ENABLED {
        assert_vetoed(&result);
        assert_vetoed(&try_result);
        assert_vetoed(&poll_result);
        assert_eq!(names(&events), ["net.send_to"]);
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(
            receiver.recv(&mut buf).unwrap_err().kind(),
            ErrorKind::WouldBlock,
            "a datagram arrived"
        );
    }
}

#[test]
fn udp_multicast_join_is_audited() {
    let rt = runtime();
    let socket = block_on_in(&rt, async {
        net::UdpSocket::bind("127.0.0.1:0").await.unwrap()
    });
    let (result, events) = block_on_in(
        &rt,
        capture_with(deny, async move {
            socket.join_multicast_v4(Ipv4Addr::new(239, 1, 2, 3), Ipv4Addr::LOCALHOST)
        }),
    );
    if audit_core::ENABLED {
        assert_vetoed(&result);
        assert_eq!(names(&events), ["net.join_multicast"]);
    }
}

#[test]
fn unix_sockets_match_audit_std() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("sock");
    let dgram = tmp.path().join("dgram");
    let (_s, std_events) = audit_core::testing::capture(|| {
        let l = audit_std::os::unix::net::UnixListener::bind(&path).unwrap();
        let _c = audit_std::os::unix::net::UnixStream::connect(&path).unwrap();
        l.accept().unwrap();
        let d = audit_std::os::unix::net::UnixDatagram::bind(&dgram).unwrap();
        let u = audit_std::os::unix::net::UnixDatagram::unbound().unwrap();
        u.send_to(b"x", &dgram).unwrap();
        u.connect(&dgram).unwrap();
        drop(d);
    });
    std::fs::remove_file(&path).unwrap();
    std::fs::remove_file(&dgram).unwrap();
    let (p, g) = (path.clone(), dgram.clone());
    let (_t, tokio_events) = block_on(capture(async move {
        let l = net::UnixListener::bind(&p).unwrap();
        let _c = net::UnixStream::connect(&p).await.unwrap();
        l.accept().await.unwrap();
        let d = net::UnixDatagram::bind(&g).unwrap();
        let u = net::UnixDatagram::unbound().unwrap();
        u.send_to(b"x", &g).await.unwrap();
        u.connect(&g).unwrap();
        drop(d);
    }));
    assert_eq!(render_all(&tokio_events), render_all(&std_events));
    assert_eq!(
        names(&tokio_events),
        on(&[
            "net.unix_bind",
            "net.unix_connect",
            "net.unix_accept",
            "net.unix_bind",
            "net.unix_send_to",
            "net.unix_connect"
        ])
    );
}

#[test]
fn vetoed_unix_bind_creates_no_socket_file_and_connect_reaches_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("sock");
    let p = path.clone();
    let (result, _) = block_on(capture_with(deny, async move {
        net::UnixListener::bind(&p).map(|_| ())
    }));
    let p = path.clone();
    let (dgram, _) = block_on(capture_with(deny, async move {
        net::UnixDatagram::bind(&p).map(|_| ())
    }));
    if audit_core::ENABLED {
        assert_vetoed(&result);
        assert_vetoed(&dgram);
        assert!(!path.exists(), "the socket file was created");
    } else {
        return;
    }
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    listener.set_nonblocking(true).unwrap();
    let p = path.clone();
    let (result, _) = block_on(capture_with(deny, async move {
        net::UnixStream::connect(&p).await
    }));
    assert_vetoed(&result);
    assert_eq!(listener.accept().unwrap_err().kind(), ErrorKind::WouldBlock);
}

#[cfg(target_os = "linux")]
#[test]
fn a_leading_nul_is_reported_as_the_abstract_name_tokio_uses() {
    let (result, events) = block_on(capture_with(deny, async {
        net::UnixStream::connect("\0audit-tokio-test").await
    }));
    if audit_core::ENABLED {
        assert_vetoed(&result);
        assert!(events[0].arg("path").unwrap().is_none(), "{events:?}");
        assert_eq!(
            events[0].arg("abstract_name").and_then(|v| v.as_bytes()),
            Some(&b"audit-tokio-test"[..])
        );
    }
    let (result, events) = block_on(capture_with(deny, async {
        net::UnixListener::bind("\0audit-tokio-test").map(|_| ())
    }));
    if audit_core::ENABLED {
        assert_vetoed(&result);
        assert_eq!(
            events[0].arg("abstract_name").and_then(|v| v.as_bytes()),
            Some(&b"audit-tokio-test"[..])
        );
    }
}
