//! `audit_std::net`: drop-in behaviour, the events and their arguments, and
//! vetoes with no effect. Loopback only (127.0.0.1 and, where noted, `::1`
//! as an address that `localhost` may resolve to); every blocking read has a
//! timeout, so nothing hangs.

use std::io::{self, ErrorKind, Read};
use std::net::{Ipv4Addr, SocketAddr};
use std::thread;

use audit_core::testing::{capture, capture_with};
use audit_core::{audit_error, AuditError, Event, OwnedEvent};
use audit_std::events;
use audit_std::net::{TcpListener, TcpStream, ToSocketAddrs, UdpSocket};

mod std_net_common;
use std_net_common::{assert_vetoed, veto, SHORT, TIMEOUT};

fn net_events(events: &[OwnedEvent]) -> Vec<&OwnedEvent> {
    events
        .iter()
        .filter(|e| e.name().starts_with("net."))
        .collect()
}

fn addr_arg(e: &OwnedEvent, name: &str) -> Option<SocketAddr> {
    e.arg(name).and_then(|v| v.as_socket_addr())
}

fn str_arg<'e>(e: &'e OwnedEvent, name: &str) -> Option<&'e str> {
    e.arg(name).and_then(|v| v.as_str())
}

/// An address on 127.0.0.1 with nothing listening (a port just released).
fn closed_port() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

/// The program under test, written exactly as std code would be, with only
/// the `use` line changed.
mod echo {
    use audit_std::net::{TcpListener, TcpStream};
    use std::io::{self, Read, Write};
    use std::time::Duration;

    pub fn serve_one(listener: &TcpListener) -> io::Result<()> {
        let (mut stream, _peer) = listener.accept()?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        let mut buf = [0; 64];
        let n = stream.read(&mut buf)?;
        stream.write_all(&buf[..n])?;
        Ok(())
    }

    pub fn ask(addr: std::net::SocketAddr, msg: &[u8]) -> io::Result<Vec<u8>> {
        let stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        // Read and Write on `&TcpStream`, as std allows.
        (&stream).write_all(msg)?;
        stream.shutdown(std::net::Shutdown::Write)?;
        let mut out = Vec::new();
        (&stream).read_to_end(&mut out)?;
        Ok(out)
    }
}

#[test]
fn tcp_echo_drop_in_raises_bind_connect_accept() {
    let (listener, bind_events) = capture(|| TcpListener::bind("127.0.0.1:0"));
    let listener = listener.unwrap();
    let addr = listener.local_addr().unwrap();
    // The server's events are raised (and so captured) on its own thread.
    let server = thread::spawn(move || capture(|| echo::serve_one(&listener)));
    let (reply, client_events) = capture(|| echo::ask(addr, b"hello"));
    let (served, server_events) = server.join().unwrap();
    served.unwrap();
    assert_eq!(reply.unwrap(), b"hello");

    if !audit_core::ENABLED {
        assert!(bind_events.is_empty() && client_events.is_empty() && server_events.is_empty());
        return;
    }
    let bind = net_events(&bind_events);
    assert_eq!(bind.len(), 1, "{bind_events:?}");
    assert_eq!(bind[0].name(), events::net::BIND);
    assert_eq!(
        addr_arg(bind[0], "address"),
        Some("127.0.0.1:0".parse().unwrap())
    );
    assert_eq!(str_arg(bind[0], "protocol"), Some("tcp"));

    let connect = net_events(&client_events);
    assert_eq!(connect.len(), 1, "{client_events:?}");
    assert_eq!(connect[0].name(), events::net::CONNECT);
    assert_eq!(addr_arg(connect[0], "address"), Some(addr));
    assert_eq!(str_arg(connect[0], "protocol"), Some("tcp"));

    let accept = net_events(&server_events);
    assert_eq!(accept.len(), 1, "{server_events:?}");
    assert_eq!(accept[0].name(), events::net::ACCEPT);
    assert_eq!(addr_arg(accept[0], "local"), Some(addr));
    let peer = addr_arg(accept[0], "peer").unwrap();
    assert_eq!(peer.ip(), Ipv4Addr::LOCALHOST);
    assert_ne!(peer.port(), addr.port());
}

#[test]
fn vetoed_connect_opens_no_connection() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();

    let (result, seen) = capture_with(veto(events::net::CONNECT), || TcpStream::connect(addr));
    let (timeout_result, _) = capture_with(veto(events::net::CONNECT), || {
        TcpStream::connect_timeout(&addr, TIMEOUT)
    });
    // A connection that got through would be in the accept queue by now:
    // connect returns only after the handshake.
    let accepted = listener.accept();
    if audit_core::ENABLED {
        assert_vetoed(&result.unwrap_err());
        assert_vetoed(&timeout_result.unwrap_err());
        assert_eq!(seen.len(), 1);
        assert_eq!(addr_arg(&seen[0], "address"), Some(addr));
        assert_eq!(accepted.unwrap_err().kind(), ErrorKind::WouldBlock);
    } else {
        result.unwrap();
        timeout_result.unwrap();
        assert!(seen.is_empty());
        accepted.unwrap();
    }
}

#[test]
fn connect_timeout_raises_connect() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (stream, seen) = capture(|| TcpStream::connect_timeout(&addr, TIMEOUT));
    assert_eq!(stream.unwrap().peer_addr().unwrap(), addr);
    if audit_core::ENABLED {
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].name(), events::net::CONNECT);
        assert_eq!(addr_arg(&seen[0], "address"), Some(addr));
        assert_eq!(str_arg(&seen[0], "protocol"), Some("tcp"));
    } else {
        assert!(seen.is_empty());
    }
}

#[test]
fn each_address_tried_is_audited_and_a_vetoed_one_is_skipped() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let good = listener.local_addr().unwrap();
    let closed = closed_port();

    // Unvetoed: the closed address fails, the next one connects, both audited.
    let addrs = [closed, good];
    let (stream, seen) = capture(|| TcpStream::connect(&addrs[..]));
    assert_eq!(stream.unwrap().peer_addr().unwrap(), good);
    if audit_core::ENABLED {
        let tried: Vec<_> = seen
            .iter()
            .map(|e| addr_arg(e, "address").unwrap())
            .collect();
        assert_eq!(tried, [closed, good]);
    }
    listener.accept().unwrap();

    // The first address vetoed: skipped (not tried), the second connects.
    let first_vetoed = move |e: &Event<'_>| {
        if e.arg("address").and_then(|v| v.as_socket_addr()) == Some(closed) {
            Err(AuditError::denied("not that one"))
        } else {
            Ok(())
        }
    };
    let (stream, seen) = capture_with(first_vetoed, || TcpStream::connect(&addrs[..]));
    assert_eq!(stream.unwrap().peer_addr().unwrap(), good);
    if audit_core::ENABLED {
        assert_eq!(seen.len(), 2);
    }
    listener.accept().unwrap();

    // The good address vetoed, the other refused by the OS: the veto wins.
    let good_vetoed = move |e: &Event<'_>| {
        if e.arg("address").and_then(|v| v.as_socket_addr()) == Some(good) {
            Err(AuditError::denied("not that one"))
        } else {
            Ok(())
        }
    };
    let (result, _) = capture_with(good_vetoed, || TcpStream::connect(&addrs[..]));
    if audit_core::ENABLED {
        assert_vetoed(&result.unwrap_err());
        assert_eq!(listener.accept().unwrap_err().kind(), ErrorKind::WouldBlock);
    } else {
        result.unwrap();
        listener.accept().unwrap();
    }

    // Every address vetoed: the veto is returned, nothing is connected.
    let (result, seen) = capture_with(veto(events::net::CONNECT), || {
        TcpStream::connect(&[good, good][..])
    });
    if audit_core::ENABLED {
        assert_vetoed(&result.unwrap_err());
        assert_eq!(seen.len(), 2);
        assert_eq!(listener.accept().unwrap_err().kind(), ErrorKind::WouldBlock);
    } else {
        result.unwrap();
    }

    // No address at all: std's error.
    let none: &[SocketAddr] = &[];
    let err = TcpStream::connect(none).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(
        err.kind(),
        std::net::TcpStream::connect(none).unwrap_err().kind()
    );
}

#[test]
fn vetoed_accept_drops_the_peer_and_returns_the_error() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut client = std::net::TcpStream::connect(addr).unwrap();
    client.set_read_timeout(Some(TIMEOUT)).unwrap();
    let client_addr = client.local_addr().unwrap();

    let (accepted, seen) = capture_with(veto(events::net::ACCEPT), || listener.accept());
    // Unvetoed (off), the server closes the connection itself, so the read
    // below ends promptly in both modes.
    let accepted = accepted.map(|(stream, peer)| {
        drop(stream);
        peer
    });
    let mut buf = [0; 8];
    let read = client.read(&mut buf);
    if audit_core::ENABLED {
        assert_vetoed(&accepted.unwrap_err());
        assert_eq!(seen.len(), 1);
        assert_eq!(addr_arg(&seen[0], "peer"), Some(client_addr));
        assert_eq!(addr_arg(&seen[0], "local"), Some(addr));
        // Closed: end-of-file (or a reset), never a timeout.
        match read {
            Ok(n) => assert_eq!(n, 0),
            Err(e) => assert_eq!(e.kind(), ErrorKind::ConnectionReset, "{e}"),
        }
    } else {
        assert_eq!(accepted.unwrap(), client_addr);
        assert!(seen.is_empty());
        assert_eq!(read.unwrap(), 0);
    }
}

#[test]
fn incoming_yields_audited_streams_and_vetoed_items_as_errors() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let _first = std::net::TcpStream::connect(addr).unwrap();
    let _second = std::net::TcpStream::connect(addr).unwrap();

    let (items, seen) = capture_with(veto(events::net::ACCEPT), || {
        listener
            .incoming()
            .take(1)
            .collect::<Vec<io::Result<TcpStream>>>()
    });
    let (second, _) = capture(|| listener.incoming().next().unwrap());
    // The item type is this crate's TcpStream.
    let second: TcpStream = second.unwrap();
    assert_eq!(second.local_addr().unwrap(), addr);
    if audit_core::ENABLED {
        assert_vetoed(items[0].as_ref().unwrap_err());
        assert_eq!(seen.len(), 1);
    } else {
        assert!(items[0].is_ok());
    }
    assert!(format!("{:?}", listener.incoming()).starts_with("Incoming"));
}

#[test]
fn resolving_a_name_raises_resolve_and_a_literal_does_not() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();

    let (stream, seen) = capture(|| TcpStream::connect(("localhost", port)));
    assert!(stream.unwrap().peer_addr().unwrap().ip().is_loopback());
    let (addrs, seen_str) = capture(|| "localhost:8080".to_socket_addrs());
    let addrs: Vec<_> = addrs.unwrap().collect();
    let std_addrs: Vec<_> = std::net::ToSocketAddrs::to_socket_addrs("localhost:8080")
        .unwrap()
        .collect();
    assert_eq!(addrs, std_addrs);

    if audit_core::ENABLED {
        let resolve = &seen[0];
        assert_eq!(resolve.name(), events::net::RESOLVE);
        assert_eq!(str_arg(resolve, "host"), Some("localhost"));
        assert_eq!(
            resolve.arg("port").and_then(|v| v.as_u64()),
            Some(port.into())
        );
        // Then one connect per address tried, all loopback.
        assert!(seen[1..].iter().all(|e| e.name() == events::net::CONNECT
            && addr_arg(e, "address").unwrap().ip().is_loopback()));
        assert!(seen.len() >= 2);
        assert_eq!(seen_str.len(), 1);
        assert_eq!(str_arg(&seen_str[0], "host"), Some("localhost"));
        assert_eq!(seen_str[0].arg("port").and_then(|v| v.as_u64()), Some(8080));
    } else {
        assert!(seen.is_empty() && seen_str.is_empty());
    }

    // Literals never raise net.resolve.
    let sa: SocketAddr = "127.0.0.1:80".parse().unwrap();
    let (_, seen) = capture(|| {
        "127.0.0.1:80".to_socket_addrs().unwrap();
        "[::1]:80".to_socket_addrs().unwrap();
        ("127.0.0.1", 80).to_socket_addrs().unwrap();
        ("::1", 80).to_socket_addrs().unwrap();
        (Ipv4Addr::LOCALHOST, 80).to_socket_addrs().unwrap();
        sa.to_socket_addrs().unwrap();
        let _ = (&[sa][..]).to_socket_addrs().unwrap();
        String::from("127.0.0.1:80").to_socket_addrs().unwrap();
    });
    assert!(seen.is_empty(), "{seen:?}");
}

#[test]
fn vetoed_resolve_looks_nothing_up_and_connects_nowhere() {
    let (result, seen) = capture_with(veto(events::net::RESOLVE), || {
        TcpStream::connect(("localhost", 9))
    });
    if audit_core::ENABLED {
        assert_vetoed(&result.unwrap_err());
        assert_eq!(seen.len(), 1, "no connect after a vetoed lookup: {seen:?}");
    } else {
        // Port 9 on loopback: refused (or connected, if something listens).
        assert!(seen.is_empty());
        let _ = result;
    }
}

#[test]
fn to_socket_addrs_matches_std() {
    let inputs = [
        "127.0.0.1:80",
        "[::1]:443",
        "localhost:80",
        "no-port-here",
        "localhost:notaport",
        "localhost:70000",
    ];
    for input in inputs {
        let ours = input.to_socket_addrs().map(Iterator::collect::<Vec<_>>);
        let theirs =
            std::net::ToSocketAddrs::to_socket_addrs(input).map(Iterator::collect::<Vec<_>>);
        match (ours, theirs) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{input}"),
            (Err(a), Err(b)) => {
                assert_eq!(a.kind(), b.kind(), "{input}");
                assert_eq!(a.to_string(), b.to_string(), "{input}");
            }
            (a, b) => panic!("{input}: ours {a:?}, std {b:?}"),
        }
    }
}

#[test]
fn vetoed_bind_binds_nothing() {
    for udp in [false, true] {
        let addr = closed_port();
        let (result, seen) = capture_with(veto(events::net::BIND), || {
            if udp {
                UdpSocket::bind(addr).map(drop)
            } else {
                TcpListener::bind(addr).map(drop)
            }
        });
        if audit_core::ENABLED {
            assert_vetoed(&result.unwrap_err());
            assert_eq!(seen.len(), 1);
            assert_eq!(addr_arg(&seen[0], "address"), Some(addr));
            assert_eq!(
                str_arg(&seen[0], "protocol"),
                Some(if udp { "udp" } else { "tcp" })
            );
        } else {
            result.unwrap();
        }
        // The port is free: the vetoed bind held nothing (and the unvetoed
        // one released it on drop).
        std::net::TcpListener::bind(addr).unwrap();
    }
}

#[test]
fn udp_send_recv_drop_in_raises_bind_and_send_to() {
    let (sockets, seen) = capture(|| -> io::Result<(UdpSocket, UdpSocket)> {
        Ok((
            UdpSocket::bind("127.0.0.1:0")?,
            UdpSocket::bind("127.0.0.1:0")?,
        ))
    });
    let (a, b) = sockets.unwrap();
    b.set_read_timeout(Some(TIMEOUT)).unwrap();
    let b_addr = b.local_addr().unwrap();

    let (sent, send_events) = capture(|| a.send_to(b"ping", b_addr));
    assert_eq!(sent.unwrap(), 4);
    let mut buf = [0; 16];
    let (n, from) = b.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"ping");
    assert_eq!(from, a.local_addr().unwrap());

    if audit_core::ENABLED {
        assert_eq!(seen.len(), 2);
        assert!(seen
            .iter()
            .all(|e| e.name() == events::net::BIND && str_arg(e, "protocol") == Some("udp")));
        assert_eq!(send_events.len(), 1);
        assert_eq!(send_events[0].name(), events::net::SEND_TO);
        assert_eq!(addr_arg(&send_events[0], "address"), Some(b_addr));
    } else {
        assert!(seen.is_empty() && send_events.is_empty());
    }
}

#[test]
fn vetoed_send_to_sends_nothing() {
    let a = UdpSocket::bind("127.0.0.1:0").unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").unwrap();
    b.set_read_timeout(Some(SHORT)).unwrap();
    let (sent, seen) = capture_with(veto(events::net::SEND_TO), || {
        a.send_to(b"secret", b.local_addr().unwrap())
    });
    let mut buf = [0; 16];
    let received = b.recv(&mut buf);
    if audit_core::ENABLED {
        assert_vetoed(&sent.unwrap_err());
        assert_eq!(seen.len(), 1);
        let err = received.unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
            "{err}"
        );
    } else {
        assert_eq!(sent.unwrap(), 6);
        assert_eq!(&buf[..received.unwrap()], b"secret");
    }
}

#[test]
fn udp_connect_is_audited_and_a_veto_leaves_it_unconnected() {
    let a = UdpSocket::bind("127.0.0.1:0").unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").unwrap();
    let b_addr = b.local_addr().unwrap();

    let (vetoed, seen) = capture_with(veto(events::net::CONNECT), || a.connect(b_addr));
    if audit_core::ENABLED {
        assert_vetoed(&vetoed.unwrap_err());
        assert_eq!(seen.len(), 1);
        assert_eq!(addr_arg(&seen[0], "address"), Some(b_addr));
        assert_eq!(str_arg(&seen[0], "protocol"), Some("udp"));
        assert_eq!(a.peer_addr().unwrap_err().kind(), ErrorKind::NotConnected);
    } else {
        vetoed.unwrap();
    }

    let (connected, seen) = capture(|| a.connect(b_addr));
    connected.unwrap();
    assert_eq!(a.peer_addr().unwrap(), b_addr);
    assert_eq!(seen.len(), usize::from(audit_core::ENABLED));
    // `send` on a connected socket is not audited.
    b.set_read_timeout(Some(TIMEOUT)).unwrap();
    let (sent, seen) = capture(|| a.send(b"x"));
    sent.unwrap();
    assert!(seen.is_empty());
    assert_eq!(b.recv(&mut [0; 4]).unwrap(), 1);
}

#[test]
fn join_multicast_is_audited() {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let group = Ipv4Addr::new(239, 255, 0, 1);
    let (result, seen) = capture_with(veto(events::net::JOIN_MULTICAST), || {
        socket.join_multicast_v4(&group, &Ipv4Addr::LOCALHOST)
    });
    let (result_v6, seen_v6) = capture_with(veto(events::net::JOIN_MULTICAST), || {
        socket.join_multicast_v6(&"ff02::1:3".parse().unwrap(), 0)
    });
    if audit_core::ENABLED {
        assert_vetoed(&result.unwrap_err());
        assert_vetoed(&result_v6.unwrap_err());
        assert_eq!(seen[0].name(), events::net::JOIN_MULTICAST);
        assert_eq!(
            seen[0].arg("group").and_then(|v| v.as_ip()),
            Some(group.into())
        );
        assert_eq!(
            seen[0].arg("interface").and_then(|v| v.as_ip()),
            Some(Ipv4Addr::LOCALHOST.into())
        );
        assert_eq!(
            seen_v6[0].arg("interface").and_then(|v| v.as_u64()),
            Some(0)
        );
    } else {
        // Reaches the OS, which may or may not allow it here; never an audit refusal.
        assert!(result.err().as_ref().and_then(audit_error).is_none());
        assert!(result_v6.err().as_ref().and_then(audit_error).is_none());
        assert!(seen.is_empty() && seen_v6.is_empty());
    }
}

#[test]
fn debug_conversions_and_descriptors_match_std() {
    use std::os::fd::{AsFd, AsRawFd, FromRawFd, IntoRawFd, OwnedFd};

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let stream = TcpStream::connect(addr).unwrap();
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    assert_eq!(format!("{listener:?}"), format!("{:?}", listener.as_std()));
    assert_eq!(format!("{stream:?}"), format!("{:?}", stream.as_std()));
    assert_eq!(format!("{udp:?}"), format!("{:?}", udp.as_std()));
    assert_eq!(stream.as_fd().as_raw_fd(), stream.as_raw_fd());

    // Round trips through std's type, OwnedFd and raw descriptors keep the socket.
    let std_stream: std::net::TcpStream = stream.into();
    let stream = TcpStream::from(std_stream);
    let fd: OwnedFd = stream.into();
    let stream = TcpStream::from(fd);
    let raw = stream.into_raw_fd();
    // SAFETY: `raw` was just released by `into_raw_fd` and is owned by nothing else.
    let stream = unsafe { TcpStream::from_raw_fd(raw) };
    assert_eq!(stream.peer_addr().unwrap(), addr);
    let listener = TcpListener::from(OwnedFd::from(listener));
    assert_eq!(listener.local_addr().unwrap(), addr);
    let udp = UdpSocket::from(udp.into_std());
    assert!(udp.local_addr().is_ok());
}

#[test]
fn socket_options_forward_to_std() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let stream = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    stream.set_nodelay(true).unwrap();
    assert!(stream.nodelay().unwrap());
    stream.set_ttl(42).unwrap();
    assert_eq!(stream.ttl().unwrap(), 42);
    stream.set_read_timeout(Some(SHORT)).unwrap();
    assert_eq!(stream.read_timeout().unwrap(), Some(SHORT));
    stream.set_write_timeout(None).unwrap();
    assert_eq!(stream.write_timeout().unwrap(), None);
    assert!(stream.take_error().unwrap().is_none());
    let clone = stream.try_clone().unwrap();
    assert_eq!(clone.local_addr().unwrap(), stream.local_addr().unwrap());
    stream.set_nonblocking(true).unwrap();
    assert_eq!(
        stream.peek(&mut [0; 1]).unwrap_err().kind(),
        ErrorKind::WouldBlock
    );
    #[cfg(target_os = "linux")]
    {
        stream.set_quickack(true).unwrap();
        assert!(stream.quickack().unwrap());
    }
    listener.set_ttl(7).unwrap();
    assert_eq!(listener.ttl().unwrap(), 7);
    let listener2 = listener.try_clone().unwrap();
    listener2.set_nonblocking(true).unwrap();
    assert!(listener2.take_error().unwrap().is_none());

    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.set_broadcast(true).unwrap();
    assert!(udp.broadcast().unwrap());
    udp.set_multicast_ttl_v4(3).unwrap();
    assert_eq!(udp.multicast_ttl_v4().unwrap(), 3);
    udp.set_multicast_loop_v4(false).unwrap();
    assert!(!udp.multicast_loop_v4().unwrap());
    udp.set_nonblocking(true).unwrap();
    assert_eq!(
        udp.peek_from(&mut [0; 1]).unwrap_err().kind(),
        ErrorKind::WouldBlock
    );
}

/// The event table in `audit_std::net`'s module docs against the catalogue of
/// audit points linked into this test, both directions, names and argument
/// names; and the table against the constants of `audit_std::events::net`
/// and its `ALL`, which lists them in the table's order.
#[test]
fn event_table_matches_the_code() {
    let doc = include_str!("../audit-std/src/net/mod.rs");
    let mut table: Vec<(String, Vec<String>)> = doc
        .lines()
        .filter_map(|line| line.strip_prefix("//! | `net."))
        .map(|row| {
            let cells: Vec<&str> = row.split(" | ").collect();
            let name = format!("net.{}", cells[0].trim_end_matches('`'));
            let args = cells[1]
                .trim_matches(|c| c == '`' || c == '(' || c == ')')
                .split(", ")
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                .collect();
            (name, args)
        })
        .collect();
    let table_order: Vec<&str> = table.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        events::net::ALL,
        table_order,
        "events::net::ALL vs the table"
    );
    table.sort();
    assert!(table.len() >= 10, "table not found: {table:?}");

    let consts = include_str!("../audit-std/src/events/net.rs");
    let mut const_names: Vec<String> = consts
        .lines()
        .filter_map(|l| l.strip_prefix("pub const "))
        .filter(|l| l.contains(": &str = \""))
        .map(|l| l.split('"').nth(1).unwrap().to_owned())
        .collect();
    assert_eq!(
        events::net::ALL,
        const_names,
        "events::net::ALL vs the constants"
    );
    const_names.sort();
    let table_names: Vec<String> = table.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(table_names, const_names);

    let mut code: Vec<(String, Vec<String>)> = audit_core::catalogue()
        .filter(|c| c.module_path().starts_with("audit_std::") && c.name().starts_with("net."))
        .map(|c| {
            let args = c.arg_names().iter().map(|a| a.to_string()).collect();
            (c.name().to_owned(), args)
        })
        .collect();
    code.sort();
    code.dedup();

    if !audit_core::ENABLED {
        assert!(code.is_empty());
        return;
    }
    for site in &code {
        assert!(
            table.contains(site),
            "audit point missing from the table: {site:?}"
        );
    }
    for row in &table {
        assert!(code.contains(row), "table row with no audit point: {row:?}");
    }
}
